"""Readers: one module per form a disclosure is written in, chosen by content.

Every reader is a module with two functions:

* ``sniff(doc) -> float``: how much of this form the document holds (0 means
  none; the file's extension is a hint that adds a little, never a gate);
* ``read(doc) -> Found``: the tables it finds (:class:`~registry.tables.RawTable`),
  and a note for everything it saw but left out, with the line and the reason.

:data:`READERS` lists them. :func:`read_document` offers a document to every
reader whose sniff is above zero, so an ``.md`` file whose tables are HTML
``<table>`` elements is read as HTML, and a page with a table and prose gives
both. Where two readers find the same lines, the reading with more rows wins
and the other is named in the notes. A reading of the whole document as what
it is (a JS/TS/JSON/YAML module parsed as data: ``Found.whole``) is the only
one kept: the other readers would read its code as text.

Forms (module: what it reads):

* ``html``: ``<table>`` elements (rowspan/colspan expanded);
* ``markdown``: GFM pipe tables, and two-column key/value tables under a heading;
* ``flattened``: a web page saved as text, one cell per line or run;
* ``records``: labelled records (``第三方名称：…``), a record per title;
* ``structured``: JSON/YAML/JS/TS data files holding a list of records;
* ``prose``: sentences that name a recipient and the data it receives;
* ``registry_yaml``: registry-as-code YAML (``sharegraph: 1``).
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from registry.source import SourceText
from registry.tables import RawTable

READERS: tuple[str, ...] = ("registry_yaml", "structured", "html", "markdown", "flattened",
                            "records", "prose")
"""Reader modules of this package, most specific first (the order breaks ties)."""

LAYOUTS: dict[str, str] = {
    "registry-yaml": "registry_yaml", "structured": "structured", "html": "html",
    "markdown": "markdown", "flattened-text": "flattened", "records": "records",
    "paragraph-list": "records", "prose": "prose",
}
"""Names ``--layout`` accepts, and the reader each forces."""

EXTENSION_HINTS: dict[str, str] = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".vue": "html",
    ".md": "markdown", ".markdown": "markdown", ".mdx": "markdown",
    ".txt": "flattened",
    ".json": "structured", ".json5": "structured", ".yaml": "structured", ".yml": "structured",
    ".js": "structured", ".ts": "structured", ".mjs": "structured", ".jsx": "structured",
    ".tsx": "structured",
}
"""A file's extension: a hint that adds :data:`HINT` to that reader's sniff."""

HINT = 0.05

_TAG = re.compile(r"<[^>]{0,2000}>")
_MD_INLINE = re.compile(r"\*\*|__|(?<!\w)_(?=\S)|(?<=\S)_(?!\w)|`")
_MD_LINK = re.compile(r"!?\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")


@dataclass
class Document:
    """A source text with the views readers share (computed once, on demand)."""

    src: SourceText
    covered: frozenset[int] = frozenset()
    """Lines other readers read as tables or records: a reader of what is left (prose) skips them."""

    @property
    def path(self) -> str:
        """The document's path as given."""
        return self.src.path

    @property
    def text(self) -> str:
        """The decoded text of the document."""
        return self.src.text

    @functools.cached_property
    def lines(self) -> list[str]:
        """The text's lines (line ``n`` is ``lines[n - 1]``, as evidence counts them)."""
        return self.src.lines

    @functools.cached_property
    def extension(self) -> str:
        """The file extension, lower-case with its dot (``.md``), or ``""``."""
        return Path(self.src.path).suffix.lower()

    @functools.cached_property
    def html_root(self):
        """The parsed page, where the text holds HTML markup (else None)."""
        if "<" not in self.text:
            return None
        from registry.readers.html import looks_like_html, parse_html

        if not looks_like_html(self.text):
            return None
        return parse_html(self.text, self.path)

    @functools.cached_property
    def text_lines(self) -> list[tuple[int, str]]:
        """The text a reader of the page sees, as ``(line, text)`` pairs.

        HTML is reduced to its visible text (line numbers of the source kept);
        Markdown loses its inline marks (``**bold**``, ``[link](url)`` -> text);
        anything else is the document's own lines.
        """
        if self.html_root is not None and _mostly_markup(self.text):
            from registry.readers.html import page_lines

            return page_lines(self.html_root)
        out: list[tuple[int, str]] = []
        skip = _front_matter_end(self.lines)
        for no, line in enumerate(self.lines, 1):
            if no <= skip:
                out.append((no, ""))  # YAML front matter (title:, date:) is page metadata, not records
                continue
            t = line
            if "](" in t:
                t = _MD_LINK.sub(r"\1", t)
            if "<" in t:
                t = _TAG.sub(" ", t)
            if "*" in t or "_" in t or "`" in t:
                t = _MD_INLINE.sub("", t)
            out.append((no, t))
        return out

    @functools.cached_property
    def page_text(self) -> str:
        """The visible text, joined: where the app's name and the prose are looked for."""
        return "\n".join(t for _, t in self.text_lines)


def _front_matter_end(lines: list[str]) -> int:
    """The line number closing a leading ``---`` YAML front-matter block, or 0."""
    if not lines or lines[0].strip() != "---":
        return 0
    for k in range(1, min(len(lines), 80)):
        if lines[k].strip() in ("---", "..."):
            return k + 1
    return 0


def _mostly_markup(text: str) -> bool:
    head = text[:200_000]
    return head.lstrip().startswith("<") or len(_TAG.findall(head)) * 40 > len(head)


@dataclass
class Found:
    """What one reader found in a document."""

    reader: str
    tables: list[RawTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things seen and left out, each ``line N: what, and why``."""
    saw: str = ""
    """A short account of what the reader looked at, for the 'nothing found' message."""
    whole: bool = False
    """The tables are the reading of the whole document: it is a program or data file parsed
    as such, and a reader of its text lines would read its code (``provider: string;``)."""


@functools.cache
def reader(name: str) -> ModuleType:
    """The reader module called ``name`` (one of :data:`READERS`)."""
    if name not in READERS:
        raise KeyError(name)
    return importlib.import_module(f"registry.readers.{name}")


def sniff_all(doc: Document) -> list[tuple[float, str]]:
    """Every reader's sniff score (with the extension hint), best first."""
    hint = EXTENSION_HINTS.get(doc.extension)
    scores = []
    for name in READERS:
        s = float(reader(name).sniff(doc))
        if s > 0 and name == hint:
            s += HINT
        scores.append((s, name))
    order = {n: i for i, n in enumerate(READERS)}
    return sorted(scores, key=lambda p: (-p[0], order[p[1]]))


@dataclass
class Reading:
    """The tables of a document, whichever readers found them."""

    tables: list[RawTable]
    notes: list[str]
    readers: list[str]
    """The readers whose tables were kept, best first."""
    looked: list[str]
    """One line per reader offered the document: what it saw."""
    page_text: str


def read_document(src: SourceText, layout: str | None = None) -> Reading:
    """Offer a document to every reader that finds something in it; merge what they read.

    ``layout`` (a key of :data:`LAYOUTS`) forces one reader.
    """
    doc = Document(src)
    if layout is not None:
        names = [(1.0, LAYOUTS[layout])]
    else:
        names = [(s, n) for s, n in sniff_all(doc) if s > 0]
    found: list[Found] = []
    looked: list[str] = []
    # readers of what is left (prose) run last, on the lines no table or record holds: a
    # sentence inside a table's cell is that table's, and a 1 MB table is not read twice
    names.sort(key=lambda p: bool(getattr(reader(p[1]), "READS_LEFTOVERS", False)))
    for score, name in names:
        module = reader(name)
        if getattr(module, "READS_LEFTOVERS", False):
            doc.covered = frozenset(ln for f in found for t in f.tables for ln in _lines_of(t))
        f = module.read(doc)
        f.reader = name
        found.append(f)
        rows = sum(len(t.rows) for t in f.tables)
        looked.append(f"{name} (score {score:.2f}): "
                      + (f"{len(f.tables)} table(s), {rows} row(s)" if f.tables else (f.saw or "nothing")))
    whole = next((f for f in found if f.whole and f.tables), None)
    if whole is not None:
        for f in found:
            if f is not whole and (f.tables or f.notes):
                looked.append(f"{f.reader}: not used, {whole.reader} read the document as the data it is")
        found = [whole]
    tables, notes, used = _merge(found)
    return Reading(tables, notes, used, looked, doc.page_text)


def _lines_of(t: RawTable) -> set[int]:
    out = {t.line}
    for row in t.rows:
        out.add(row.line)
        for c in row.cells.values():
            out.update(ln for ln, _ in c.items)
        for c in row.extras.values():
            out.update(ln for ln, _ in c.items)
    return out


def _merge(found: list[Found]) -> tuple[list[RawTable], list[str], list[str]]:
    """Keep each stretch of lines read once: by the reader that got more rows from it."""
    candidates = [(f.reader, t) for f in found for t in f.tables if t.rows]
    # more rows with data first; on a tie the more specific form (READERS order) wins:
    # a table over labelled records over a sentence
    order = {n: i for i, n in enumerate(READERS)}
    rank = {f.reader: i for i, f in enumerate(found)}
    candidates.sort(key=lambda p: (-_weight(p[1]), order.get(p[0], len(order))))
    kept: list[tuple[str, RawTable]] = []
    covered: set[int] = set()
    notes: list[str] = [n for f in found for n in f.notes]
    for name, t in candidates:
        lines = _lines_of(t)
        overlap = len(lines & covered)
        if overlap * 2 > len(lines):
            continue
        kept.append((name, t))
        covered |= lines
    kept.sort(key=lambda p: p[1].line)
    used = list(dict.fromkeys(n for n, _ in sorted(kept, key=lambda p: rank[p[0]])))
    # a note about lines another reading read after all is superseded by that reading
    notes = [n for n in notes if _note_line(n) not in covered]
    return [t for _, t in kept], list(dict.fromkeys(notes)), used


def _note_line(note: str) -> int:
    m = re.match(r"line (\d+):", note)
    return int(m.group(1)) if m else -1


def _weight(t: RawTable) -> int:
    return sum(1 for r in t.rows if "data" in r.cells and not r.cells["data"].empty)
