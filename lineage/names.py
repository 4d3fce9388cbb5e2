"""Resolving the names people type to nodes of the graph.

A DPO types a field the way some document wrote it, or a part of it, or a list of
several; a recipient by its legal name, an alias, a brand, or a part of its name.
:func:`match_field` and :func:`match_recipient` hold the rules, on plain lists of
names, so that the networkx backend (:func:`resolve_fields`, :func:`resolve_recipient`)
and the Neo4j backend give the same answers. Fields, in this order:

1. **exact**: a field of the graph by its name, or a vocabulary name or alias of
   one, compared in :func:`match_key` form; together with the fields written as
   that name plus a note (``位置信息（可选）`` for ``位置信息``);
2. **contained**: the query is a field with a note or a list around it
   (``设备唯一标识码(IMEI/IMSI)`` for the group ``设备唯一标识码``), by rule 1
   without the note, and without its own notes;
3. **contains**: every field whose text as written (its name, or any spelling the
   documents used) contains the query (``Full audio`` for ``Full audio temporarily
   processed``); a query that begins or ends with a Latin letter or digit matches
   whole words only (``IP`` does not match ``WiFiIP``); a query the vocabulary
   knows as a field does not match a field the vocabulary files under another
   category, unless it is one of its members (``指纹``, a biometric, is not
   ``设备指纹``, device data);
4. **split**: the query lists several items (``姓名、手机号``, ``身份证号码及身份证图片``)
   that each resolve by rules 1-3;
5. a vocabulary field that no policy holds resolves to itself (an empty answer);
   anything else raises :class:`~registry.errors.UnknownFieldError` with the
   closest names.

A rule answers only when the rules before it found nothing: an exact name never
pulls in the fields that merely contain it. Recipients follow rules 1-3 and must
end with one recipient: several candidates raise
:class:`~registry.errors.AmbiguousRecipientError` listing them (unless one is the
name all the others extend, ``某公司`` and ``某公司委托的外包服务机构``).

>>> from registry import open_registry
>>> from lineage.graph import build_graph
>>> G = build_graph(open_registry())
>>> resolve_fields(G, "身份证号").fields
('身份证号码',)
>>> m = resolve_fields(G, "Region")
>>> m.how, m.fields, m.written
('contains', ('地区设置',), ('手机Region设置',))
>>> resolve_recipient(G, "百融云创").name
'百融云创科技股份有限公司'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any

from lineage import ids
from registry.errors import (
    AmbiguousFieldError,
    AmbiguousRecipientError,
    UnknownFieldError,
    UnknownRecipientError,
)
from registry.suggest import (
    MAX_CONTAINS,
    MIN_CONTAINS,
    NameMatch,
    closest,
    contains_finder,
    fold,
    match_key,
    partial_match,
    prefix_finder,
    resolve_name,
)
from registry.suggest import check_app as check_app_name
from registry.vocabulary import Vocabulary, load_vocabulary

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MAX_CONTAINS", "MIN_CONTAINS", "Answer", "FieldIndex", "FieldMatch", "NameMatch", "RecipientMatch",
           "brand_tokens", "categories", "check_app", "closest", "contains_finder", "field_index", "field_names",
           "heads", "match_field", "match_key", "match_recipient", "one_field", "prefix_finder", "recipient_names",
           "resolve_category", "resolve_field_name", "resolve_fields", "resolve_recipient", "resolve_recipient_name",
           "resolve_recipients", "sdk_recipients"]

# a trailing note in brackets: 位置信息(可选), 设备唯一标识码(IMEI/IMSI)
_NOTE = re.compile(r"^(.+?)\s*[(\[][^()\[\]]*[)\]]$", re.S)


def heads(text: str, vocab: Vocabulary | None = None) -> list[str]:
    """The text without its notes (a trailing bracket, leading qualifiers, a list, 等), each
    form with one more note taken off.

    >>> heads("位置信息（可选）")
    ['位置信息']
    >>> heads("设备信息（包括IMEI、MAC地址）等")[-1]
    '设备信息'
    >>> heads("您提供的经营企业信息")
    ['经营企业信息']
    >>> heads("腾讯云计算（北京）有限责任公司")
    []
    """
    from registry.splitting import split_items

    vocab = vocab or load_vocabulary()
    out: list[str] = []
    todo = [text.strip()]
    while todo and len(out) < 8:  # each step takes one note off: 设备信息（…）等 -> 设备信息（…） -> 设备信息
        t = todo.pop(0)
        found = [vocab.strip_qualifiers(t)]
        m = _NOTE.match(fold(t))
        if m:
            found.append(m.group(1).strip())
        items = split_items(t)
        if len(items) == 1:
            found.append(items[0].text)
        for f in found:
            if f and f != t and f not in out:
                out.append(f)
                todo.append(f)
    key = match_key(text)
    return [h for h in dict.fromkeys(x.strip() for x in out) if match_key(h) and match_key(h) != key]




# -- fields ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FieldMatch:
    """The fields a query resolved to, and the text each was matched by.

    ``written[i]`` is how ``fields[i]`` matched: its name for an exact match, else the
    spelling (as a document wrote it) that contains the query. ``how`` is the rule:
    ``exact``, ``contained``, ``contains``, ``split`` or ``vocabulary`` (a vocabulary
    field no policy holds). ``parts`` are the items of a split query. ``starts`` are the
    fields of a ``contains`` match whose name or a spelling begins with the query: where a
    question needs one field, the one field that begins with it is the answer (prefix
    over substring, :func:`one_field`).
    """

    query: str
    fields: tuple[str, ...]
    written: tuple[str, ...]
    how: str
    parts: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()

    def matched(self, field: str) -> str:
        """The text ``field`` was matched by."""
        return self.written[self.fields.index(field)]

    def is_plain(self) -> bool:
        """True when the query named exactly one field, as the registry names it."""
        return len(self.fields) == 1 and self.fields[0] == self.query.strip()

    @property
    def resolved(self) -> dict[str, str | list[str]]:
        """``{query: field}`` (``{query: [fields]}`` for several), ``{}`` when the query was the
        field's own name: ``--json``'s ``resolved``."""
        if self.is_plain():
            return {}
        return {self.query.strip(): self.fields[0] if len(self.fields) == 1 else list(self.fields)}

    def describe(self) -> str:
        """One line for people: ``matched: 位置信息（可选）, 地理位置信息``.

        >>> FieldMatch("Region", ("地区设置",), ("手机Region设置",), "contains").describe()
        "matched (fields written with 'Region'): 手机Region设置 (地区设置)"
        """
        names = ", ".join(w if w == f else f"{w} ({f})" for f, w in zip(self.fields, self.written, strict=True))
        if self.how == "contains":
            return f"matched (fields written with {self.query.strip()!r}): {names}"
        if self.how == "split":
            return f"matched {len(self.parts)} items of {self.query.strip()!r}: {names}"
        if self.how == "vocabulary":
            return f"matched: {names} (a vocabulary field no policy in the registry holds)"
        return f"matched: {names}"


class FieldIndex:
    """The field names of a graph (or a server), and on demand the spellings of each.

    ``spellings`` is called once, the first time rule 3 needs it: on a large graph
    it reads one edge per flow (0.3 s for 130,000 edges), which an exact name never needs.
    """

    def __init__(self, names: Iterable[str],
                 spellings: Callable[[], Iterable[tuple[str, str]]] | None = None) -> None:
        self.names = sorted(set(names))
        self.known = frozenset(self.names)
        self.keyed = [(n, match_key(n)) for n in self.names]
        self._spellings = spellings
        self._written: list[tuple[str, str]] | None = None
        self._by_key: dict[str, str] | None = None
        self._heads: dict[str, frozenset[str]] = {}

    def head_keys(self, name: str, vocab: Vocabulary) -> frozenset[str]:
        """The keys of a name's :func:`heads` (computed once per name)."""
        if name not in self._heads:
            self._heads[name] = frozenset(match_key(h) for h in heads(name, vocab))
        return self._heads[name]

    def name_by_key(self, key: str) -> str | None:
        """The field whose name key is ``key`` (the first one, if several), or ``None``."""
        if self._by_key is None:
            self._by_key = {}
            for n, k in self.keyed:
                self._by_key.setdefault(k, n)
        return self._by_key.get(key)

    def written(self) -> list[tuple[str, str]]:
        """(field, text as written) pairs: each field's name and every spelling of it."""
        if self._written is None:
            pairs = {(n, n) for n in self.names}
            if self._spellings is not None:
                pairs |= {(f, w) for f, w in self._spellings() if f in self.known and w}
            self._written = sorted(pairs)
        return self._written


def _exact(index: FieldIndex, text: str, vocab: Vocabulary) -> str | None:
    """Rule 1 without the noted variants: the field of the graph ``text`` names."""
    t = text.strip()
    if t in index.known:
        return t
    entry = vocab.resolve_field(t)
    if entry is not None and entry.name in index.known:
        return entry.name
    return index.name_by_key(match_key(t))


def _noted_variants(index: FieldIndex, text: str, vocab: Vocabulary) -> list[str]:
    """Fields named ``text`` plus a note: 位置信息（可选） for 位置信息."""
    key = match_key(text)
    out = []
    for n, nk in index.keyed:
        if key in nk and nk != key and key in index.head_keys(n, vocab):
            out.append(n)
    return out


def _by_rules(index: FieldIndex, text: str, vocab: Vocabulary) -> FieldMatch | None:
    """Rules 1-3 for one query (or one item of a split query)."""
    exact = _exact(index, text, vocab)
    if exact is not None:
        found = [exact, *(n for n in _noted_variants(index, text, vocab) if n != exact)]
        return FieldMatch(text, tuple(found), tuple(found), "exact")
    for head in heads(text, vocab):
        exact = _exact(index, head, vocab)
        if exact is not None:
            return FieldMatch(text, (exact,), (exact,), "contained")
    has = contains_finder(text)
    if has is None:
        return None
    entry = vocab.resolve_field(text)
    own = {entry.name, *vocab.descendants(entry.name)} if entry is not None else set()
    best: dict[str, str] = {}
    for field, w in index.written():
        other = vocab.fields.get(field)
        # a vocabulary field is not another kind of data that contains its name: 指纹 (a
        # biometric) is not 设备指纹 (device data); 邮箱 is 收票人邮箱 (both 个人基本资料)
        if entry is not None and other is not None and field not in own and other.category != entry.category:
            continue
        if has(w) and (field not in best or (len(w), w) < (len(best[field]), best[field])):
            best[field] = w
    if not best:
        return None
    fields = tuple(sorted(best))
    starts = prefix_finder(text)
    begin = {f for f, w in index.written() if f in best and starts is not None and starts(w)}
    return FieldMatch(text, fields, tuple(best[f] for f in fields), "contains", starts=tuple(sorted(begin)))


def _query_items(text: str) -> list[str]:
    """The items of a query that lists several, split as a document's cell is
    (:func:`registry.splitting.split_items`: 、, 及, "and", "/" … where both sides are items)."""
    from registry.splitting import split_items

    items = list(dict.fromkeys(i.text for i in split_items(text)))
    return items if len(items) > 1 else []


def match_field(index: FieldIndex, text: str, vocab: Vocabulary | None = None) -> FieldMatch:
    """The fields of ``index`` that ``text`` names, by the rules of this module."""
    vocab = vocab or load_vocabulary()
    text = text.strip()
    found = _by_rules(index, text, vocab)
    if found is not None:
        return found
    items = _query_items(text)
    if items:
        parts = [_by_rules(index, i, vocab) for i in items]
        if all(p is not None for p in parts):
            fields: dict[str, str] = {}
            for p in parts:
                assert p is not None
                for f, w in zip(p.fields, p.written, strict=True):
                    fields.setdefault(f, w)
            return FieldMatch(text, tuple(fields), tuple(fields.values()), "split", tuple(items))
    entry = vocab.resolve_field(text)
    if entry is not None:
        return FieldMatch(text, (entry.name,), (entry.name,), "vocabulary")
    suggestions = list(dict.fromkeys(closest(text, index.names) + vocab.suggest_fields(text)))[:3]
    raise UnknownFieldError(text, suggestions)


def one_field(match: FieldMatch) -> str:
    """The one field of a match (or of a ``contains`` match, the one field that begins with
    the query), or AmbiguousFieldError where a question needs one."""
    if len(match.fields) == 1:
        return match.fields[0]
    if match.how == "contains" and len(match.starts) == 1:
        return match.starts[0]
    raise AmbiguousFieldError(match.query, list(match.fields))


_INDEX = "field_lookup_index"   # G.graph: (node count, FieldIndex), rebuilt when nodes are added


def field_index(G: nx.MultiDiGraph) -> FieldIndex:
    """The graph's field names, and their spellings read from its flows_into edges on demand."""
    cached = G.graph.get(_INDEX)
    if cached is not None and cached[0] == len(G):
        return cached[1]
    names = [d["name"] for _, d in G.nodes(data=True) if d["kind"] == ids.FIELD]

    def spellings() -> Iterable[tuple[str, str]]:
        succ, flows = G._succ, ids.FLOWS_INTO
        for n in names:
            written = {e["as_written"] for keys in succ[ids.field_id(n)].values() for e in keys.values()
                       if e["kind"] == flows}
            yield from ((n, w) for w in written)

    index = FieldIndex(names, spellings)
    G.graph[_INDEX] = (len(G), index)
    return index


def field_names(G: nx.MultiDiGraph) -> list[str]:
    """The graph's field names."""
    return list(field_index(G).names)


def resolve_fields(G: nx.MultiDiGraph, text: str) -> FieldMatch:
    """The fields of the graph that what a user typed names (see the module's rules)."""
    return match_field(field_index(G), text)


def resolve_field_name(G: nx.MultiDiGraph, text: str) -> str:
    """The one field a user typed; UnknownFieldError if none, AmbiguousFieldError if several."""
    return one_field(resolve_fields(G, text))


# -- recipients ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RecipientMatch:
    """The recipient a query resolved to, or the recipients of a brand.

    ``name`` is the recipient (the first of ``names`` where a brand names several);
    ``written`` is its name for an exact match (by name, alias or text as written), else
    the name or spelling that begins with or contains the query (the query itself for a
    brand of several). ``how``: ``exact``, ``brand``, ``contained``, ``prefix``, ``contains``.
    """

    query: str
    name: str
    written: str
    how: str
    names: tuple[str, ...] = dataclass_field(default=())

    def __post_init__(self) -> None:
        if not self.names:
            object.__setattr__(self, "names", (self.name,))

    def is_plain(self) -> bool:
        """Whether the query was the canonical name itself (the match needs no comment)."""
        return len(self.names) == 1 and self.name == self.query.strip()

    @property
    def resolved(self) -> dict[str, str | list[str]]:
        """``{query: name}`` (``{query: [names]}`` for a brand of several), ``{}`` when the query
        was the name itself: ``--json``'s ``resolved``."""
        if self.is_plain():
            return {}
        return {self.query.strip(): self.name if len(self.names) == 1 else list(self.names)}

    def describe(self) -> str:
        """``matched: …``: the name as written, and the canonical one when it differs; for a
        brand of several, each of its recipients.

        >>> RecipientMatch("华为", "华为终端有限公司", "华为", "brand", ("华为终端有限公司", "华为软件技术有限公司")).describe()
        "matched the brand '华为': 2 recipients: 华为终端有限公司, 华为软件技术有限公司"
        """
        if len(self.names) > 1:
            return (f"matched the brand {self.query.strip()!r}: {len(self.names)} recipients: "
                    f"{', '.join(self.names)}")
        w = self.written if self.written == self.name else f"{self.written} ({self.name})"
        return f"matched: {w}"


def brand_tokens(text: str, vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """The tokens of the brand ``text`` names (data/recipients.yaml ``brands``), or ``()``.

    A brand is named by its own name or, if no brand has that name, by one of its tokens;
    its tokens are then its name and all its tokens (two characters or more).

    >>> brand_tokens("Tencent")[:3]
    ('腾讯', 'Tencent', 'Bugly')
    >>> brand_tokens("百融云创")
    ()
    """
    vocab = vocab or load_vocabulary()
    key = match_key(text)
    named = [b for b in vocab.brands if match_key(b.name) == key]
    if not named:
        named = [b for b in vocab.brands if key in {match_key(t) for t in b.tokens}]
    tokens = dict.fromkeys(t for b in named for t in (b.name, *b.tokens))
    return tuple(t for t in tokens if len(match_key(t)) >= MIN_CONTAINS)


def _brand_members(recs: list[tuple[str, tuple[str, ...]]], text: str, vocab: Vocabulary,
                   sdks: Iterable[tuple[str, str]] = ()) -> list[str]:
    """The recipients of the brand ``text`` names: those whose name or a spelling holds one of
    its tokens, those that receive from an SDK whose name holds one (``sdks``: (SDK, recipient)
    pairs; ``微信SDK`` by 深圳市腾讯计算机系统有限公司 for 微信), and the recipient ``text`` is
    an alias of; not the onward processors of one of them (``X委托的外包服务机构``: X's name
    and an ``onward_markers`` clause). Sorted; empty when ``text`` is no brand."""
    finders = [f for f in map(contains_finder, brand_tokens(text, vocab)) if f is not None]
    if not finders:
        return []
    found = {n for n, aw in recs if any(has(x) for has in finders for x in (n, *aw))}
    names = {n for n, _ in recs}
    found |= {r for sdk, r in sdks if r in names and any(has(sdk) for has in finders)}
    alias = vocab.recipient_alias(text)
    if alias is not None and any(n == alias for n, _ in recs):
        found.add(alias)
    clauses = tuple({match_key(m.removeprefix(p)) for m in vocab.onward_markers for p in ("", "及其")})
    keys = {n: match_key(n) for n in found}

    def onward(n: str) -> bool:
        return any(o != n and keys[n].startswith(keys[o]) and keys[n][len(keys[o]):].startswith(clauses)
                   for o in found)

    return sorted(n for n in found if not onward(n))


def match_recipient(recipients: Sequence[tuple[str, Sequence[str]]], text: str,
                    vocab: Vocabulary | None = None, *, partial: bool = True,
                    group: bool = False, sdks: Iterable[tuple[str, str]] = ()) -> RecipientMatch:
    """The recipient of ``recipients`` ((name, spellings as written) pairs) ``text`` names.

    In this order: a recipient's own name or an alias (data/recipients.yaml ``aliases``);
    a brand (data/recipients.yaml ``brands``: :func:`brand_tokens`; its recipients are those
    whose name holds one of its tokens, or whose SDK's name in ``sdks``, (SDK, recipient)
    pairs, does) when it has one recipient here; a spelling as written; the same without a trailing note; the one name
    or spelling that begins with the query; the one that contains it. A brand of several
    recipients is an AmbiguousRecipientError listing them, where a question is about one
    recipient; with ``group=True`` (a breach: what does the brand hold?) it is their
    :class:`RecipientMatch`, and it comes first: ``腾讯`` is every Tencent entity, even where
    one recipient is called 腾讯. ``partial=False`` keeps to exact names, aliases and
    spellings (a name about to be added must not become another's, nor a brand's).
    """
    vocab = vocab or load_vocabulary()
    text = text.strip()
    recs = sorted((str(n), tuple(aw or ())) for n, aw in recipients)
    spellings = dict(recs)

    def own(t: str) -> str | None:
        if t in spellings:
            return t
        alias = vocab.recipient_alias(t)
        if alias and alias in spellings:
            return alias
        key = match_key(t)
        return next((n for n, _ in recs if match_key(n) == key), None)

    def spelled(t: str) -> str | None:
        key = match_key(t)
        return next((n for n, aw in recs if key in {match_key(a) for a in aw}), None)

    members = _brand_members(recs, text, vocab, sdks) if partial else []
    if group and len(members) > 1:
        return RecipientMatch(text, members[0], text, "brand", tuple(members))
    name = own(text)
    if name is not None:
        return RecipientMatch(text, name, name, "exact")
    if len(members) > 1:
        raise AmbiguousRecipientError(text, members)
    if members:
        how = "exact" if spelled(text) == members[0] else "brand"
        return RecipientMatch(text, members[0], members[0], how)
    name = spelled(text)
    if name is not None:
        return RecipientMatch(text, name, name, "exact")
    if not partial:
        raise UnknownRecipientError(text, closest(text, list(spellings)))
    m = _NOTE.match(fold(text))
    if m and (name := own(m.group(1).strip()) or spelled(m.group(1).strip())) is not None:
        return RecipientMatch(text, name, name, "contained")
    found, how, cands = partial_match(text, spellings, lambda n: (n, *spellings[n]))
    if found is not None:
        starts = prefix_finder(text) if how == "prefix" else contains_finder(text)
        assert starts is not None
        written = next(x for x in (found, *spellings[found]) if starts(x))
        return RecipientMatch(text, found, written, how)
    if cands:
        raise AmbiguousRecipientError(text, cands)
    raise UnknownRecipientError(text, closest(text, list(spellings)))


def recipient_names(G: nx.MultiDiGraph) -> list[str]:
    """The graph's recipient names, sorted."""
    return sorted(d["name"] for _, d in G.nodes(data=True) if d["kind"] == ids.RECIPIENT)


def resolve_recipient(G: nx.MultiDiGraph, text: str, *, partial: bool = True,
                      group: bool = False, app: str | None = None) -> RecipientMatch:
    """The recipient a user typed, by name, alias, brand, text as written, or part of a name
    (:func:`match_recipient`); with ``group``, every recipient of a brand; with ``app``, the
    partial rules and brands look among that app's recipients only."""
    t = text.strip()
    if G.has_node(ids.recipient_id(t)) and not (group and brand_tokens(t)):
        return RecipientMatch(t, t, t, "exact")
    recs = [(d["name"], d.get("as_written", ())) for n, d in G.nodes(data=True)
            if d["kind"] == ids.RECIPIENT and (app is None or _in_app(G, n, app))]
    sdks = sdk_recipients(G, app) if brand_tokens(t) else ()
    return match_recipient(recs, t, partial=partial, group=group, sdks=sdks)


def _in_app(G: nx.MultiDiGraph, node: str, app: str) -> bool:
    return any(d.get("app") == app for _, _, d in G.in_edges(node, data=True))


def sdk_recipients(G: nx.MultiDiGraph, app: str | None = None) -> list[tuple[str, str]]:
    """(SDK name, recipient name) for every SDK of the graph (of ``app``) and the recipient it sends to."""
    out = set()
    for n, d in G.nodes(data=True):
        if d["kind"] == ids.SDK:
            out |= {(d["name"], G.nodes[r]["name"]) for _, r, e in G.out_edges(n, data=True)
                    if e["kind"] == ids.RECEIVED_BY and (app is None or e.get("app") == app)}
    return sorted(out)


def resolve_recipients(G: nx.MultiDiGraph, text: str, *, app: str | None = None) -> RecipientMatch:
    """The recipients a user typed: one, or every recipient of a brand (``names``; of ``app``'s
    recipients, with ``app``)."""
    return resolve_recipient(G, text, group=True, app=app)


def resolve_recipient_name(G: nx.MultiDiGraph, text: str, *, partial: bool = True) -> str:
    """The canonical recipient for a name, alias, brand, text as written or part of a name."""
    return resolve_recipient(G, text, partial=partial).name


# -- categories ------------------------------------------------------------------------------

def categories(G: nx.MultiDiGraph, vocab: Vocabulary | None = None) -> list[str]:
    """The categories a field may have: the vocabulary's (GB/T 35273 Annex A) and any the graph's fields have."""
    vocab = vocab or load_vocabulary()
    found = {d.get("category") for _, d in G.nodes(data=True) if d["kind"] == ids.FIELD}
    return sorted(set(vocab.categories) | {c for c in found if c})


def resolve_category(text: str | None, known: Iterable[str]) -> str | None:
    """The category ``text`` names among ``known`` (None passes), exactly or in :func:`match_key`
    form; else UnknownNameError with the closest categories.

    Categories are a closed list of a standard's names: a part of one is refused with
    did-you-mean rather than widened to whatever contains it.

    >>> resolve_category("个人身份", ["个人身份信息", "个人基本资料"])
    Traceback (most recent call last):
    ...
    registry.errors.UnknownNameError: unknown category '个人身份'; did you mean 个人身份信息, 个人基本资料?
    """
    if text is None:
        return None
    return resolve_name("category", text, known, partial=False).name


# -- answers ---------------------------------------------------------------------------------

class Answer(list):  # type: ignore[type-arg]
    """A question's rows (a plain list to compare and serialize), and ``match``: how the
    name asked was resolved (:class:`FieldMatch` or :class:`RecipientMatch`)."""

    def __init__(self, rows: Iterable[dict[str, Any]] = (),
                 match: FieldMatch | RecipientMatch | None = None) -> None:
        super().__init__(rows)
        self.match = match
        self.possible = 0
        """Rows left out because the vocabulary, not the policy, puts the field there."""
        self.why: str | None = None
        """For an answer with no rows, why (:func:`lineage.related.explain`)."""
        self.related: list[Any] = []
        """:class:`lineage.related.Related` fields: with no rows, those near the one asked that
        have recipients; with rows, the wholes it is part of ("see also")."""

    @property
    def resolved(self) -> dict[str, str | list[str]]:
        """What the name asked resolved to, ``{}`` when it was a name as the registry writes it
        (``--json``'s ``resolved``, e.g. ``{"百融云创": "百融云创科技股份有限公司"}``)."""
        return self.match.resolved if self.match is not None else {}


def check_app(G: nx.MultiDiGraph, app: str | None) -> None:
    """Raise the unknown-app error, with suggestions, unless ``app`` is ``None`` or in the graph."""
    check_app_name(G.graph["apps"], app)
