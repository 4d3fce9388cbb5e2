"""Data files holding a list of disclosure records: JSON, YAML, JS/TS object literals.

Web sites keep their sub-processor and SDK lists as data: a JSON file
(``{"items": [{"name": …, "dataCategories": [...]}]}``), a Jekyll YAML file
(``- name: … data: …``), a TypeScript module or a Vue page
(``export const thirdparty = { ios: [{ tit: '微信SDK', list: [{ name, value }] }] }``).
Page code is never run: :mod:`registry.readers.datatree` parses the literals
and keeps each value's line.

Every list of records in the data is read, wherever it sits:

* an array of objects (most items objects), or an object whose values are
  objects with the same keys (the key becomes the record's ``(title)``);
* a list of ``{label, value}`` pairs inside a record is part of that record:
  its labels are columns (``[{name: '第三方机构名称', value: '…'}, …]``). Which of
  the two keys is the label is seen from the values: the labels repeat from
  record to record, or are header words of ``data/headers.yaml``;
* a list value (``dataCategories: [..]``) is one cell with an item per element;
  a nested object of plain values gives columns ``key subkey``;
* the record's other keys (a title ``tit``, a name) are columns like the rest,
  and a list nested in a record carries that record's plain values along;
* the labels of a page's columns are not a record: an object whose short values
  are header words of ``data/headers.yaml`` naming what their keys name
  (``columns: { provider: 'Provider', location: 'Primary location', data: 'Data
  processed' }``) is a header row. It is left out, and so is the same key of its
  sibling records (the labels' translations, ``fr: { columns: { provider:
  'Prestataire', … } }``); among records keyed by name (``{ en: {…}, fr: {…} }``)
  a header row's siblings of the same keys and short values are left out with it.

Which key is the recipient, the data, the SDK's name comes from
:func:`~registry.columns.assign_roles` (key names against ``data/headers.yaml``,
camelCase and snake_case split into words, and what the values hold); the
other keys stay as extra attributes. A list under a key that names a
platform (``ios:``, ``android:``; ``platform_keys`` in ``data/headers.yaml``)
gives its rows a ``platform`` extra.

A ``.json``/``.yaml``/``.yml`` file that does not parse stops the import with
one line naming the file and line. Registry-as-code YAML (a top-level
``sharegraph:`` key) is left to :mod:`registry.readers.registry_yaml`.

>>> from registry.source import SourceText
>>> doc = Document(SourceText("s.json", "s.json", '{"items": [\\n'
...     '{"name": "Stripe, Inc.", "dataCategories": ["Billing data", "Contact data"]}]}', "utf-8", ""))
>>> t = read(doc).tables[0]
>>> t.kind, t.rows[0].text("recipient"), t.rows[0].cells["data"].items
('sharing', 'Stripe, Inc.', ((2, 'Billing data'), (2, 'Contact data')))
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from registry.columns import TITLE, Assignment, assign_roles
from registry.errors import SourceError
from registry.lazy_re import lazy_compile
from registry.readers import Document, Found
from registry.readers.datatree import (
    Map,
    Node,
    Scalar,
    Seq,
    parse_js,
    parse_json,
    parse_yaml,
    script_spans,
)
from registry.source import SourceText
from registry.tables import Cell, RawRow, RawTable, header_specs, headers_words, role_of
from registry.vocabulary import name_key

LAYOUT = "structured"
SCORE = 0.95
"""The sniff score where a list of records names a recipient and data: a data file is read
as data before any text reader looks at its lines."""
SAMPLE = 30
"""Records of each list that the sniff looks at."""
ROLE_SAMPLE = 300
"""Records of each list whose values decide the roles (the rest follow them)."""

_DATA_EXT = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_JS_EXT = {".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".json5"}
_PAGE_EXT = {".vue", ".svelte", ".html", ".htm", ".xhtml"}
_JS_START = re.compile(
    r"^\s*(?:export\s+(?:default\b|const\b|let\b|var\b)|module\.exports\b|"
    r"(?:const|let|var)\s+[\w$]+\s*(?::[^=\n]{1,80})?=\s*[{\[])", re.MULTILINE)
_YAML_RECORD = re.compile(r"^\s*-\s+[^\W\d][\w \u3000-\u9fff-]{0,40}:(?:\s|$)", re.MULTILINE)
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-.]+")
_MAX_LABEL = 40


def sniff(doc: Document) -> float:
    """:data:`SCORE` where the data holds a list of records naming a recipient and data, else 0."""
    parsed = _parse(doc.src)
    if parsed is None:
        return 0.0
    for lst in _lists(parsed.roots, []):
        recs = lst.records[:SAMPLE]
        headers, columns = _columns(recs)
        if isinstance(assign_roles([humanize(h) for h in headers], columns), Assignment):
            return SCORE
    return 0.0


def read(doc: Document) -> Found:
    """The disclosure lists of a JSON, YAML or JS/TS data document."""
    parsed = _parse(doc.src)
    if parsed is None:
        return Found("structured", saw="no JSON, YAML or JS/TS data")
    found = Found("structured", notes=list(parsed.notes))
    n = 0
    for lst in _lists(parsed.roots, found.notes):
        n += 1
        t = _table(lst)
        if isinstance(t, RawTable):
            found.tables.append(t)
        elif _plausible(lst):
            found.notes.append(f"line {lst.line}: a list of {len(lst.records)} record(s) was not read "
                               f"as a disclosure: {t}")
    # a module is code around its literals: read as text, `provider: string;` is a label
    found.whole = bool(found.tables) and parsed.form != "script"
    if not found.tables:
        found.saw = (f"{parsed.form} data with {n} list(s) of records, none naming a recipient and data"
                     if n else f"{parsed.form} data without a list of records")
    return found


def humanize(key: str) -> str:
    """A data key as words, for comparing with header synonyms.

    >>> humanize("dataCategories"), humanize("transfer_mechanism"), humanize("第三方名称")
    ('data Categories', 'transfer mechanism', '第三方名称')
    """
    return _CAMEL.sub(" ", key).strip()


# -- parsing -----------------------------------------------------------------------------

@dataclass
class Parsed:
    form: str
    """``json``, ``yaml``, ``js`` (a module) or ``script`` (the scripts of a page)."""
    roots: list[Node]
    notes: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=8)
def _parse(src: SourceText) -> Parsed | None:
    """The data of a document, or None where it holds none.

    A file named ``.json``/``.yaml``/``.yml`` that does not parse raises
    :class:`SourceError`; text that only looks like data is passed over.
    """
    from registry.readers.registry_yaml import has_marker

    text, path = src.text.lstrip("\ufeff"), src.path
    ext = Path(path).suffix.lower()
    form = _DATA_EXT.get(ext)
    if form == "yaml" and has_marker(text):
        return None
    if form == "json":
        return Parsed("json", parse_json(text, path))
    if form == "yaml":
        return Parsed("yaml", parse_yaml(text, path))
    notes: list[str] = []
    if ext in _JS_EXT:
        return Parsed("js", parse_js(text, path, notes=notes), notes)
    head = text.lstrip()[:1]
    try:
        if ext in _PAGE_EXT or (head == "<" and "<script" in text[:2_000_000].lower()):
            spans = script_spans(text)  # a page's own text is for the other readers
            return Parsed("script", parse_js(text, path, spans, notes=notes), notes) if spans else None
        if head in ("{", "["):
            return Parsed("json", parse_json(text, path))
        if _JS_START.search(text[:200_000]):
            return Parsed("js", parse_js(text, path, notes=notes), notes)
        if len(_YAML_RECORD.findall(text[:200_000])) >= 2 and not has_marker(text):
            return Parsed("yaml", parse_yaml(text, path))
    except SourceError:
        return None  # it only looked like data, or its scripts are beyond reading
    return None


# -- lists of records ----------------------------------------------------------------------

@dataclass
class _Record:
    line: int
    pairs: list[tuple[str, Cell]]
    platform: Cell | None = None


@dataclass
class _List:
    line: int
    records: list[_Record]


@dataclass(frozen=True)
class _Ctx:
    """Where a list sits: the keys above it, and the plain values of the record around it."""

    keys: tuple[tuple[str, int], ...] = ()
    carried: tuple[tuple[str, Cell], ...] = ()

    def platform(self) -> Cell | None:
        for key, line in reversed(self.keys):
            if name_key(key) in platform_keys():
                return Cell(((line, key),))
        return None

    def under(self, key: str, line: int) -> _Ctx:
        return _Ctx((*self.keys, (key, line)), self.carried)


def _lists(roots: Sequence[Node], notes: list[str]) -> Iterator[_List]:
    """Every list of records under ``roots``; what is left out as no record goes to ``notes``."""
    for root in roots:
        yield from _find(root, _Ctx(), notes)


def _find(node: Node, ctx: _Ctx, notes: list[str]) -> Iterator[_List]:
    if isinstance(node, Scalar):
        return
    if isinstance(node, Seq):
        maps = [x for x in node.items if isinstance(x, Map)]
        if maps and len(maps) * 2 >= len(node.items):
            pairs = _pair_keys([node])
            if pairs is not None:  # a record written as label/value pairs, standing alone
                yield _List(node.line, [_Record(node.line, [*ctx.carried, *_labelled(node, pairs)],
                                                ctx.platform())])
                return
            yield from _records(node.line, [(m, None) for m in maps], ctx, notes)
            return
        seqs = [x for x in node.items if isinstance(x, Seq) and x.items]
        shape = _pair_keys(seqs) if seqs and len(seqs) * 2 >= len(node.items) else None
        if shape is not None:  # records each written as a list of label/value pairs
            yield _List(node.line, [_Record(s.line, [*ctx.carried, *_labelled(s, shape)], ctx.platform())
                                    for s in seqs])
            return
        for x in node.items:
            yield from _find(x, ctx, notes)
        return
    keyed = _keyed_records(node)
    if keyed:
        yield from _records(node.line, keyed, ctx, notes)
        return
    for key, line, value in node.pairs:
        yield from _find(value, ctx.under(key, line), notes)


def _keyed_records(node: Map) -> list[tuple[Map, tuple[int, str]]]:
    """``{Stripe: {data: …}, AWS: {data: …}}``: objects of the same keys, titled by their key."""
    maps = [(k, line, v) for k, line, v in node.pairs if isinstance(v, Map) and v.pairs
            and sum(_cell(x) is not None for _, _, x in v.pairs) * 2 >= len(v.pairs)]
    if len(maps) < 2 or len(maps) * 3 < len(node.pairs) * 2:
        return []
    keysets = [{name_key(k) for k, _, _ in v.pairs} for _, _, v in maps]
    common = set.intersection(*keysets)
    if len(common) * 2 < max(len(s) for s in keysets):
        return []
    return [(v, (line, k)) for k, line, v in maps]


def _records(line: int, items: list[tuple[Map, tuple[int, str] | None]], ctx: _Ctx,
             notes: list[str]) -> Iterator[_List]:
    """The list these objects make, then the lists nested in them."""
    items, label_keys = _drop_labels(items, notes)
    pair_cols = {}
    for key in dict.fromkeys(k for m, _ in items for k, _, v in m.pairs if isinstance(v, Seq)):
        seqs = [v for m, _ in items for k, _, v in m.pairs if k == key and isinstance(v, Seq) and v.items]
        shape = _pair_keys(seqs) if seqs else None
        if shape is not None:
            pair_cols[key] = shape
    records: list[_Record] = []
    nested: list[tuple[Node, _Ctx]] = []
    for m, title in items:
        pairs: list[tuple[str, Cell]] = [(TITLE, Cell((title,)))] if title else []
        inner: list[tuple[Node, str, int]] = []
        for key, kline, value in m.pairs:
            if key in label_keys:
                continue
            if key in pair_cols and isinstance(value, Seq):
                pairs.extend(_labelled(value, pair_cols[key]))
                continue
            cell = _cell(value)
            if cell is not None:
                pairs.append((key, cell))
            elif isinstance(value, Map) and all(_cell(v) is not None for _, _, v in value.pairs):
                pairs.extend((f"{key} {k}", c) for k, _, v in value.pairs if (c := _cell(v)) is not None)
            else:
                inner.append((value, key, kline))
        if pairs:
            records.append(_Record(m.line, [*ctx.carried, *pairs], ctx.platform()))
        carried = (*ctx.carried, *pairs)
        nested.extend((v, _Ctx((*ctx.keys, (k, kl)), carried)) for v, k, kl in inner)
    if records:
        yield _List(line, records)
    for value, c in nested:
        yield from _find(value, c, notes)


def _drop_labels(items: list[tuple[Map, tuple[int, str] | None]],
                 notes: list[str]) -> tuple[list[tuple[Map, tuple[int, str] | None]], set[str]]:
    """The records that are not header rows, and the keys that hold column labels.

    A key whose object is a header row in one record holds the labels in every
    record of the list (its siblings translate them). Records keyed by name
    (``{ en: {…}, fr: {…} }``) are alternatives of each other: a header row's siblings
    with the same keys and short values are its translations.
    """
    label_keys: dict[str, int] = {}
    for m, _ in items:
        for k, kline, v in m.pairs:
            if k not in label_keys and isinstance(v, Map) and is_header_row(v):
                label_keys[k] = kline
    for k, kline in label_keys.items():
        notes.append(f"line {kline}: '{k}' holds the labels of columns, not a record's values; left out")
    heads = [m for m, _ in items if is_header_row(m)]
    if not heads:
        return items, set(label_keys)
    keyed = all(title is not None for _, title in items)
    shapes = {frozenset(k for k, _, _ in h.pairs) for h in heads}
    kept = []
    for m, title in items:
        dropped = any(m is h for h in heads) or (
            keyed and frozenset(k for k, _, _ in m.pairs) in shapes and all(_short(v) for _, _, v in m.pairs))
        if dropped:
            notes.append(f"line {m.line}: a header row (the labels of columns), not a record; left out")
        else:
            kept.append((m, title))
    return kept, set(label_keys)


def _short(node: Node) -> bool:
    """A one-line string of at most :data:`_MAX_LABEL` characters: what a column's label is."""
    return isinstance(node, Scalar) and node.kind == "str" and 0 < len(node.text.strip()) <= _MAX_LABEL \
        and "\n" not in node.text


def is_header_row(m: Map) -> bool:
    """True where an object's values are the labels of columns its keys name.

    Every value is short, none names another column than its key does, and at
    least two are header words of ``data/headers.yaml`` for the column their key
    names (the others may be near: ``location: 'Primary location'``, or the key
    itself: ``notes: 'Notes'``). A record names a company or data, not its column.

    >>> is_header_row(Map([("provider", 1, Scalar("Provider", 1)), ("data", 1, Scalar("Data processed", 1))]))
    True
    >>> is_header_row(Map([("provider", 1, Scalar("Stripe", 1)), ("data", 1, Scalar("Billing data", 1))]))
    False
    """
    if len(m.pairs) < 2:
        return False
    exact = 0
    for key, _, value in m.pairs:
        if not _short(value):
            return False
        assert isinstance(value, Scalar)
        match = _label_match(key, value.text.strip())
        if match is None:
            return False
        exact += match
    return exact >= 2


@functools.cache
def _label_match(key: str, label: str) -> int | None:
    """1 where ``label`` is a header word for the column ``key`` names, 0 where it is near it
    (or is the key), None where it names another column or is no label."""
    best: int | None = None
    for spec in header_specs():
        key_role, _ = role_of(humanize(key), spec)
        role, score = role_of(humanize(label), spec)
        if role is None or score <= 0:
            continue
        if role != key_role:
            return None
        best = max(best or 0, 1 if score == 1000 else 0)
    if best is None and name_key(humanize(key)) == name_key(label):
        return 0
    return best


def _cell(node: Node) -> Cell | None:
    """A plain value, or a list of plain values, as a cell (None for anything else)."""
    if isinstance(node, Scalar):
        return Cell(tuple(_items(node)))
    if isinstance(node, Seq) and all(isinstance(x, Scalar) for x in node.items):
        return Cell(tuple(it for x in node.items for it in _items(x)))  # type: ignore[arg-type]
    return None


def _items(s: Scalar) -> Iterator[tuple[int, str]]:
    for k, part in enumerate(s.text.split("\n")):
        if part.strip():
            yield (s.line + k if s.block else s.line), part.strip()


def _pair_keys(seqs: Sequence[Seq]) -> tuple[str, str] | None:
    """``(label key, value key)`` where these lists hold ``{label, value}`` pairs, else None.

    The label key's values are short, distinct within a list, and either repeat
    from list to list or are header words; two keys that are both header words
    (``recipient``, ``data``) make records, not pairs.
    """
    keys: tuple[str, ...] | None = None
    for s in seqs:
        for x in s.items:
            if not isinstance(x, Map) or len(x.pairs) != 2:
                return None
            ks = tuple(k for k, _, _ in x.pairs)
            if keys is None:
                keys = ks
            elif set(ks) != set(keys):
                return None
    if keys is None or all(_is_header(k) for k in keys):
        return None
    best: tuple[float, str] | None = None
    for k in keys:
        per_list = [[_scalar_text(x, k) for x in s.items] for s in seqs]
        flat = [v for vs in per_list for v in vs]
        if any(v is None or not v or "\n" in v or len(v) > _MAX_LABEL for v in flat) or any(
                len(set(vs)) < len(vs) for vs in per_list):
            continue
        known = sum(1 for v in flat if _is_header(v)) / len(flat)  # type: ignore[arg-type]
        repeats = 1 - len(set(flat)) / len(flat) if len(seqs) >= 2 else 0.0
        score = known + repeats
        if score >= 0.3 and (best is None or score > best[0]):
            best = (score, k)
    if best is None:
        return None
    label = best[1]
    return label, next(k for k in keys if k != label)


def _scalar_text(m: Map, key: str) -> str | None:
    v = next((v for k, _, v in m.pairs if k == key), None)
    return v.text.strip() if isinstance(v, Scalar) else None


def _labelled(seq: Seq, keys: tuple[str, str]) -> list[tuple[str, Cell]]:
    label_key, value_key = keys
    out = []
    for x in seq.items:
        assert isinstance(x, Map)
        label = _scalar_text(x, label_key)
        value = next((v for k, _, v in x.pairs if k == value_key), None)
        cell = _cell(value) if value is not None else None
        if label and cell is not None:
            out.append((label, cell))
    return out


@functools.cache
def _is_header(text: str) -> bool:
    """True if ``text`` is exactly a header word of some table kind."""
    return any(role_of(humanize(text), spec)[1] == 1000 for spec in header_specs())


@functools.cache
def platform_keys() -> frozenset[str]:
    """Keys that name a platform (``platform_keys`` in ``data/headers.yaml``), compared by name_key."""
    return frozenset(headers_words("platform_keys"))


# -- tables ---------------------------------------------------------------------------------

def _columns(records: Sequence[_Record]) -> tuple[list[str], list[list[str]]]:
    """Headers (the keys of all records, first spelling kept) and each column's texts."""
    index: dict[str, int] = {}
    headers: list[str] = []
    for r in records:
        for k, _ in r.pairs:
            if name_key(humanize(k)) not in index:
                index[name_key(humanize(k))] = len(headers)
                headers.append(k)
    columns: list[list[str]] = [[""] * len(records) for _ in headers]
    for n, r in enumerate(records):
        for k, c in r.pairs:
            col = columns[index[name_key(humanize(k))]]
            col[n] = (col[n] + "\n" + c.text).strip()
    return headers, columns


def _table(lst: _List) -> RawTable | str:
    headers, columns = _columns(lst.records[:ROLE_SAMPLE])
    a = assign_roles([humanize(h) for h in headers], columns)
    if isinstance(a, str):
        return a
    role_of_key = {name_key(humanize(h)): r for h, r in zip(headers, a.roles, strict=True)}
    table = RawTable(a.kind, lst.line, headers, list(a.roles), layout=LAYOUT)
    table.info.extend(f"line {lst.line}: {n}" for n in a.notes)
    for r in lst.records:
        cells: dict[str, Cell] = {}
        extras: dict[str, Cell] = {}
        for k, c in r.pairs:
            role = role_of_key.get(name_key(humanize(k)))
            target, key = (cells, role) if role else (extras, k)
            old = target.get(key)
            target[key] = Cell(old.items + c.items) if old else c
        if r.platform is not None:
            extras.setdefault("platform", r.platform)
        table.rows.append(RawRow(line=r.line, cells=cells, extras=extras))
    return table


def _plausible(lst: _List) -> bool:
    """A list worth a note when it is not read: two records or more, a key that is a header word."""
    return len(lst.records) >= 2 and any(_is_header(k) for r in lst.records[:SAMPLE] for k, _ in r.pairs)
