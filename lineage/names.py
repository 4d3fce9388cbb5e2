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

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from lineage import ids
from registry.errors import (
    AmbiguousFieldError,
    AmbiguousRecipientError,
    UnknownFieldError,
    UnknownRecipientError,
)
from registry.suggest import check_app as check_app_name
from registry.suggest import closest
from registry.vocabulary import Vocabulary, load_vocabulary, name_key

# CJK punctuation that NFKC leaves alone, read as its ASCII twin (NFKC already maps the
# full-width forms: （）［］／，：；！？ become ()[]/,:;!?)
_PUNCT = str.maketrans({
    "【": "[", "】": "]", "〔": "(", "〕": ")", "〖": "[", "〗": "]", "《": "<", "》": ">",
    "〈": "<", "〉": ">", "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"',
    "‘": "'", "’": "'", "、": ",", "。": ".", "—": "-", "–": "-", "‐": "-", "・": "·",
})
# a trailing note in brackets: 位置信息(可选), 设备唯一标识码(IMEI/IMSI)
_NOTE = re.compile(r"^(.+?)\s*[(\[][^()\[\]]*[)\]]$", re.S)
MIN_CONTAINS = 2
"""A query shorter than this (in characters, white space aside) is never looked for inside names."""
_WORD = re.compile(r"[a-z0-9]")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_PUNCT)


@functools.lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """:func:`registry.vocabulary.name_key`, with CJK punctuation read as its ASCII twin.

    >>> match_key("设备唯一标识码（IMEI／IMSI）") == match_key("设备唯一标识码(imei/imsi)")
    True
    >>> match_key("【身份证】、 住址") == match_key("[身份证],住址")
    True
    """
    return name_key(_fold(text))


@functools.lru_cache(maxsize=1 << 12)
def _spaced(text: str) -> str:
    return " ".join(_fold(text).casefold().split())


MAX_CONTAINS = 1000
"""A query longer than this is not looked for inside written fields (a pasted document is no name)."""


def contains_finder(query: str) -> Callable[[str], bool] | None:
    """A test "is ``query`` written inside this text?", or None for a query too short to look for.

    >>> has = contains_finder("Full audio")
    >>> has("Full audio temporarily processed"), has("fullaudio"), has("Full audios")
    (True, True, False)
    >>> contains_finder("IP")("WiFiIP"), contains_finder("IP")("IP地址")
    (False, True)
    """
    if len(query) > MAX_CONTAINS:
        return None  # longer than any field as written by far: nothing can hold it (bounded work)
    chars = [c for c in _spaced(query) if not c.isspace()]
    if len(chars) < MIN_CONTAINS:
        return None
    key = "".join(chars)
    pattern = r"\s*".join(map(re.escape, chars))
    if _WORD.fullmatch(chars[0]):
        pattern = r"(?<![a-z0-9])" + pattern
    if _WORD.fullmatch(chars[-1]):
        pattern += r"(?![a-z0-9])"
    rx = re.compile(pattern)

    def has(text: str) -> bool:
        return key in match_key(text) and rx.search(_spaced(text)) is not None

    return has


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
        m = _NOTE.match(_fold(t))
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
    field no policy holds). ``parts`` are the items of a split query.
    """

    query: str
    fields: tuple[str, ...]
    written: tuple[str, ...]
    how: str
    parts: tuple[str, ...] = ()

    def matched(self, field: str) -> str:
        """The text ``field`` was matched by."""
        return self.written[self.fields.index(field)]

    def is_plain(self) -> bool:
        """True when the query named exactly one field, as the registry names it."""
        return len(self.fields) == 1 and self.fields[0] == self.query.strip()

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
    return FieldMatch(text, fields, tuple(best[f] for f in fields), "contains")


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
    """The one field of a match, or AmbiguousFieldError where a question needs one."""
    if len(match.fields) == 1:
        return match.fields[0]
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
    """The recipient a query resolved to: ``written`` is its name for an exact match (by
    name, alias, brand or text as written), else the name or spelling containing the query."""

    query: str
    name: str
    written: str
    how: str

    def is_plain(self) -> bool:
        """Whether the query was the canonical name itself (the match needs no comment)."""
        return self.name == self.query.strip()

    def describe(self) -> str:
        """``matched: …``: the name as written, and the canonical one when it differs."""
        w = self.written if self.written == self.name else f"{self.written} ({self.name})"
        return f"matched: {w}"


def match_recipient(recipients: Sequence[tuple[str, Sequence[str]]], text: str,
                    vocab: Vocabulary | None = None, *, partial: bool = True) -> RecipientMatch:
    """The one recipient of ``recipients`` ((name, spellings as written) pairs) ``text`` names.

    ``partial=False`` keeps to rule 1 (a name about to be added must not become another's).
    """
    vocab = vocab or load_vocabulary()
    text = text.strip()
    recs = sorted((str(n), tuple(aw or ())) for n, aw in recipients)
    names = {n for n, _ in recs}

    def exact(t: str) -> str | None:
        if t in names:
            return t
        alias = vocab.recipient_alias(t)
        if alias and alias in names:
            return alias
        key = match_key(t)
        for n, aw in recs:
            if match_key(n) == key or key in {match_key(a) for a in aw}:
                return n
        return None

    name = exact(text)
    if name is not None:
        return RecipientMatch(text, name, name, "exact")
    if not partial:
        raise UnknownRecipientError(text, closest(text, sorted(names)))
    m = _NOTE.match(_fold(text))
    if m and (name := exact(m.group(1).strip())) is not None:
        return RecipientMatch(text, name, name, "contained")
    has = contains_finder(text)
    cands: dict[str, str] = {}
    if has is not None:
        for n, aw in recs:
            w = next((x for x in (n, *aw) if has(x)), None)
            if w is not None:
                cands[n] = w
    if len(cands) > 1:
        keys = {n: match_key(n) for n in cands}
        base = [n for n in cands if all(k.startswith(keys[n]) for k in keys.values())]
        if len(base) == 1:
            cands = {base[0]: cands[base[0]]}
    if len(cands) == 1:
        (n, w), = cands.items()
        return RecipientMatch(text, n, w, "contains")
    if cands:
        raise AmbiguousRecipientError(text, sorted(cands))
    raise UnknownRecipientError(text, closest(text, sorted(names)))


def recipient_names(G: nx.MultiDiGraph) -> list[str]:
    """The graph's recipient names, sorted."""
    return sorted(d["name"] for _, d in G.nodes(data=True) if d["kind"] == ids.RECIPIENT)


def resolve_recipient(G: nx.MultiDiGraph, text: str, *, partial: bool = True) -> RecipientMatch:
    """The recipient a user typed, by name, alias, brand, text as written, or part of a name."""
    t = text.strip()
    if G.has_node(ids.recipient_id(t)):
        return RecipientMatch(t, t, t, "exact")
    recs = [(d["name"], d.get("as_written", ())) for _, d in G.nodes(data=True) if d["kind"] == ids.RECIPIENT]
    return match_recipient(recs, t, partial=partial)


def resolve_recipient_name(G: nx.MultiDiGraph, text: str, *, partial: bool = True) -> str:
    """The canonical recipient for a name, alias, brand, text as written or part of a name."""
    return resolve_recipient(G, text, partial=partial).name


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


def check_app(G: nx.MultiDiGraph, app: str | None) -> None:
    """Raise the unknown-app error, with suggestions, unless ``app`` is ``None`` or in the graph."""
    check_app_name(G.graph["apps"], app)
