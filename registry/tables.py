"""Tables as every reader hands them on: header roles and rows of cells with lines.

Whatever the layout (flattened text, HTML, Markdown, paragraph lists), a reader
produces :class:`RawTable` objects; the rest of the import never sees the layout.
Column roles come from ``data/headers.yaml`` (:func:`match_header`), never from
positions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.datafiles import read_yaml
from registry.errors import VocabularyError
from registry.script import simplified
from registry.vocabulary import DATA_DIR, name_key


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its item lines, each with its 1-based source line."""

    items: tuple[tuple[int, str], ...] = ()

    @property
    def text(self) -> str:
        """The cell's lines joined by newlines."""
        return "\n".join(t for _, t in self.items)

    @property
    def line(self) -> int:
        """The line the cell starts on (0 for a cell with no text)."""
        return self.items[0][0] if self.items else 0

    @property
    def empty(self) -> bool:
        """Whether the cell holds only blanks."""
        return not any(t.strip() for _, t in self.items)


EMPTY = Cell()


@dataclass
class RawRow:
    line: int
    cells: dict[str, Cell]
    """Role -> cell; a role the header lacks is absent."""
    carried: tuple[str, ...] = ()
    """Roles filled from the row above (a cell spanning rows)."""
    extras: dict[str, Cell] = field(default_factory=dict)
    """Columns or labels that play no role, by their header as written: kept as attributes."""
    confidence: str = "high"
    """``high`` where the row was read as written; ``low`` where reading it took a guess
    (a prose sentence read loosely, columns realigned); :attr:`note` says which."""
    note: str = ""

    def text(self, role: str) -> str:
        """The stripped text of the row's cell in that column role, ``""`` if it has none."""
        c = self.cells.get(role)
        return c.text.strip() if c else ""


@dataclass
class RawTable:
    kind: str
    """``sharing``, ``sdk`` or ``permission``."""
    line: int
    headers: list[str]
    roles: list[str | None]
    rows: list[RawRow] = field(default_factory=list)
    layout: str = "flattened-text"
    notes: list[str] = field(default_factory=list)
    """Rows left out, and why."""
    guesses: list[str] = field(default_factory=list)
    """Where the layout was guessed rather than read."""
    info: list[str] = field(default_factory=list)
    """How the layout was read where it was unusual (a cell spanning rows)."""


@dataclass(frozen=True)
class HeaderSpec:
    kind: str
    required: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]]


HEADERS = DATA_DIR / "headers.yaml"


@functools.cache
def headers_data(path: Path = HEADERS) -> dict[str, Any]:
    """``data/headers.yaml`` parsed once per process: the table synonyms and the lists beside
    them (``lead_in_endings``, ``platform_keys``) that the readers use.

    Read through the JSON cache of :func:`registry.datafiles.read_yaml`, as the vocabulary
    is: an import then never needs PyYAML (importing and running it cost 0.03 s).
    """
    return read_yaml(path)


def headers_words(key: str) -> tuple[str, ...]:
    """The list ``key`` of ``data/headers.yaml`` in name_key form (empty where absent)."""
    words = headers_data().get(key) or []
    if not isinstance(words, list) or not all(isinstance(w, str | int | float) for w in words):
        raise VocabularyError(f"{HEADERS}: {key} must be a list of words")
    return tuple(name_key(str(w)) for w in words if str(w).strip())


@functools.cache
def header_specs(path: Path | None = None) -> tuple[HeaderSpec, ...]:
    """The header rules of ``data/headers.yaml`` (or ``path``): which columns make which table."""
    p = path or HEADERS
    try:
        data = headers_data(p)
        specs = tuple(
            HeaderSpec(
                kind,
                tuple(spec["required"]),
                {role: tuple(name_key(s) for s in syns) for role, syns in spec["roles"].items()},
            )
            for kind, spec in data["tables"].items()
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise VocabularyError(f"{p}: malformed header synonyms ({e})") from e
    return specs


@functools.cache
def _all_synonyms() -> frozenset[str]:
    return frozenset(syn for spec in header_specs() for syns in spec.synonyms.values() for syn in syns)


def role_of(header: str, spec: HeaderSpec) -> tuple[str | None, int]:
    """The role a header plays in a table of ``spec``'s kind, and how well it matched.

    An exact synonym scores 1000; otherwise the longest synonym the header contains.
    """
    if len(header) > 200:
        return _role_of(header, spec)
    return _role_of_cached(header, spec.kind, id(spec))


@functools.lru_cache(maxsize=1 << 15)
def _role_of_cached(header: str, kind: str, _spec_id: int) -> tuple[str | None, int]:
    spec = next(s for s in header_specs() if s.kind == kind and id(s) == _spec_id)
    return _role_of(header, spec)


def header_key(text: str) -> str:
    """``name_key`` of a header or label, in simplified script (:func:`registry.script.simplified`).

    >>> header_key("第三方公司名稱") == header_key("第三方公司名称")
    True
    """
    return simplified(name_key(text))


def _role_of(header: str, spec: HeaderSpec) -> tuple[str | None, int]:
    key = header_key(header)
    exact, longest_first = _synonym_index(spec)
    role = exact.get(key)
    if role is not None:
        return role, 1000
    for s, role in longest_first:
        if s in key:
            return role, len(s)
    return None, 0


_INDEX: dict[int, tuple[HeaderSpec, dict[str, str], list[tuple[str, str]]]] = {}


def _synonym_index(spec: HeaderSpec) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A spec's synonyms as :func:`_role_of` reads them: an exact synonym's role (the first
    role listing it), and the synonyms of two or more characters longest first (the order
    of the file among equal lengths), so the first one a header contains is the best."""
    hit = _INDEX.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1], hit[2]
    exact: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for role, syns in spec.synonyms.items():
        for s in syns:
            exact.setdefault(s, role)
            if len(s) >= 2:
                pairs.append((s, role))
    pairs.sort(key=lambda p: -len(p[0]))
    _INDEX[id(spec)] = (spec, exact, pairs)
    return exact, pairs


def match_header(headers: list[str]) -> tuple[str, list[str | None]] | None:
    """Which kind of table these headers open, and each column's role; None if none.

    >>> match_header(["SDK名称", "提供者名称", "收集信息"])
    ('sdk', ['sdk_name', 'provider', 'data'])
    >>> match_header(["SDK name", "Third party", "Personal information collected"])
    ('sdk', ['sdk_name', 'provider', 'data'])
    >>> match_header(["姓名", "年龄"]) is None
    True
    """
    known = _all_synonyms()
    keys = [header_key(h) for h in headers]
    # a header over 24 characters is a sentence, unless it is exactly a synonym
    # (English headers run long: "Personal information collected")
    if len(headers) < 2 or any(not k or (len(k) > 24 and k not in known) for k in keys):
        return None
    best: tuple[int, str, list[str | None]] | None = None
    for spec in header_specs():
        roles: list[str | None] = []
        score = 0
        for h, k in zip(headers, keys, strict=True):
            role, s = role_of(h, spec)
            if role in roles or (len(k) > 24 and s != 1000):  # a role is taken once
                role, s = None, 0
            roles.append(role)
            score += s
        if all(r in roles for r in spec.required) and (best is None or score > best[0]):
            best = (score, spec.kind, roles)
    if best is None:
        return None
    matched = sum(r is not None for r in best[2])
    if matched < 2 or matched * 2 < len(headers):
        return None
    return best[1], best[2]
