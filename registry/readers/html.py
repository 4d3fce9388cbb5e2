"""Reading tables from an HTML page: real ``<table>`` elements, spans expanded.

The page is parsed by lxml's HTML parser (libxml2), never by regular
expressions. lxml is used directly rather than through BeautifulSoup: with
BeautifulSoup's lxml builder tags lose their source line, and its html.parser
builder keeps lines but parses a 1 MB page in about two seconds, against some
0.03 s for lxml, which records each element's source line itself.

* Each row of a table becomes a row of a grid, ``rowspan`` and ``colspan``
  expanded: a cell spanning rows is copied into the rows below it (and marked
  *carried*, as the flattened reader does), a cell spanning columns into each
  column it covers.
* A cell's items are its lines as a browser shows them: each ``<br>``, ``<p>``,
  ``<li>``, ``<div>`` (any block) starts a new item; inline tags (``<span>``,
  ``<strong>``, ``<a>``) are read through; white space is collapsed.
* The header is the first row whose cells :func:`~registry.tables.match_header`
  recognizes; rows above it (a title spanning the table) are a caption. A row
  that is one cell spanning every column (``Android 端``) is a section title,
  left out with a note. A table with no recognizable header is left out with a
  note; a layout table that only holds other tables is skipped silently.
* Every item carries its source line: the line of its element, as libxml2
  counts it, and past the line 65,535 where libxml2 stops counting, the line
  counted from the newlines of the text before it.
* The page's text outside its tables is read by
  :func:`~registry.readers.records.read_paragraph_lists`, so an SDK list written
  as ``<p>SDK名称：…</p>`` paragraphs is found too.

>>> html = '''<table>
... <tr><th>SDK名称</th><th>第三方主体</th><th>收集信息</th></tr>
... <tr><td>个推SDK</td><td>每日互动股份有限公司</td><td>设备标识符<br>网络信息</td></tr>
... </table>'''
>>> tables, notes = read_html(html, "p.html")
>>> row = tables[0].rows[0]
>>> row.cells["data"].items
((3, '设备标识符'), (3, '网络信息'))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.columns import Assignment, identify
from registry.errors import SourceError
from registry.lazy_re import lazy_compile
from registry.readers import Document, Found
from registry.readers.records import read_paragraph_lists
from registry.tables import Cell, RawRow, RawTable, match_header

if TYPE_CHECKING:  # lxml is imported where a page is parsed: every import sniffs for HTML, few hold it
    from lxml import etree

LAYOUT = "html"
_LINE_CAP = 65535
"""libxml2 reports no line above this; later lines are counted from the text."""
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
))
_SKIP = frozenset(("script", "style", "template", "noscript", "head", "title"))
_MAX_SPAN = 256
"""A rowspan or colspan larger than this is taken as this (a broken page, not a table)."""


def _parser() -> etree.HTMLParser:
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def parse_html(text: str, path: str) -> etree._Element | None:
    """The page's root element, or None for a page with no elements at all."""
    from lxml import etree
    from lxml import html as lxml_html

    data = text.encode("utf-8", errors="replace")
    try:
        return lxml_html.document_fromstring(data, parser=_parser())
    except etree.ParserError:
        return None  # "Document is empty": nothing to read, which the importer reports
    except (etree.LxmlError, ValueError) as e:
        raise SourceError(path, f"not readable as HTML ({e})") from e


class _Lines:
    """Item lines of an element's text, split where a browser would break the line."""

    def __init__(self, start: int) -> None:
        self.line = start
        self.items: list[tuple[int, str]] = []
        self.buf: list[str] = []
        self.buf_line = 0

    def text(self, s: str | None) -> None:
        if not s:
            return
        if not self.buf_line and s.strip():
            self.buf_line = self.line + s[: len(s) - len(s.lstrip())].count("\n")
        self.buf.append(s)
        self.line += s.count("\n")

    def skip(self, s: str | None) -> None:
        if s:
            self.line += s.count("\n")

    def enter(self, el: etree._Element) -> None:
        no = el.sourceline
        if no and no < _LINE_CAP:
            self.line = no

    def flush(self) -> None:
        if self.buf:
            t = " ".join("".join(self.buf).split())
            if t:
                self.items.append((self.buf_line or self.line, t))
        self.buf.clear()
        self.buf_line = 0


def _walk(el: etree._Element, out: _Lines, *, skip_tables: bool) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        out.enter(child)
        if not tag or tag in _SKIP or (skip_tables and tag == "table"):
            if tag:
                for s in child.itertext():
                    out.skip(s)
        elif tag == "br":
            out.flush()
        elif tag in _BLOCKS:
            out.flush()
            out.text(child.text)
            _walk(child, out, skip_tables=skip_tables)
            out.flush()
        else:
            out.text(child.text)
            _walk(child, out, skip_tables=skip_tables)
        out.text(child.tail)


def cell_items(el: etree._Element) -> tuple[tuple[int, str], ...]:
    """A cell's items with their source lines."""
    out = _Lines(el.sourceline or 0)
    out.text(el.text)
    _walk(el, out, skip_tables=False)
    out.flush()
    return tuple(out.items)


def page_lines(root: etree._Element) -> list[tuple[int, str]]:
    """The page's text outside tables, one (line, text) per line a browser shows."""
    out = _Lines(root.sourceline or 1)
    out.text(root.text)
    _walk(root, out, skip_tables=True)
    out.flush()
    return out.items


def page_text(text: str, path: str) -> str:
    """The page as a browser shows its text, one line per block (for finding the app's name)."""
    root = parse_html(text, path)
    if root is None:
        return ""
    out = _Lines(1)
    out.text(root.text)
    _walk(root, out, skip_tables=False)
    out.flush()
    return "\n".join(t for _, t in out.items)


@dataclass(slots=True)
class _GCell:
    el: etree._Element
    items: tuple[tuple[int, str], ...]
    row: int
    col: int
    width: int


def _span(el: etree._Element, attr: str) -> int:
    raw = (el.get(attr) or "1").strip()
    digits = ""
    for ch in raw:
        if not ch.isdigit():
            break
        digits += ch
    n = int(digits[:6]) if digits else 1
    return min(max(n, 1), _MAX_SPAN)


def _own_rows(table: etree._Element) -> Iterator[etree._Element]:
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is table:
            yield tr


def grid_of(table: etree._Element) -> tuple[list[list[_GCell | None]], list[etree._Element]]:
    """The table as a grid, spans expanded, and each grid row's ``<tr>``."""
    trs = list(_own_rows(table))
    placed: dict[tuple[int, int], _GCell] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for el in tr:
            if el.tag not in ("td", "th"):
                continue
            while (r, c) in placed:
                c += 1
            rs = min(_span(el, "rowspan"), len(trs) - r)
            cs = _span(el, "colspan")
            g = _GCell(el, cell_items(el), r, c, cs)
            for dr in range(rs):
                for dc in range(cs):
                    placed.setdefault((r + dr, c + dc), g)
            c += cs
        width = max(width, c)
    width = max(width, max((k[1] + 1 for k in placed), default=0))
    grid = [[placed.get((r, c)) for c in range(width)] for r in range(len(trs))]
    return grid, trs


def _header_text(g: _GCell | None) -> str:
    return "".join(t for _, t in g.items) if g else ""


def _match(grid: list[list[_GCell | None]], h: int, *, strict: bool) -> Assignment | str:
    texts = [_header_text(g) for g in grid[h]]
    if len({t for t in texts if t.strip()}) < 2:
        return "fewer than two header cells"
    body = [[_header_text(g) for g in row] for row in grid[h + 1:h + 41]]
    if strict:
        filled = [i for i, t in enumerate(texts) if t.strip()]
        m = match_header([texts[i] for i in filled])
        if m is None:
            return "no header synonyms"
    return identify(texts, body)


def looks_like_html(text: str) -> bool:
    """True where the text holds HTML markup: a page, or ``<table>`` elements in Markdown."""
    head = text[:2_000_000].lower()
    return bool(_HTML_START.match(text[:4096])) or "<table" in head or "<tr" in head


_HTML_START = lazy_compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL)


def sniff(doc: Document) -> float:
    """0.9 for a page with tables, 0.3 for markup without tables (its text is read by others)."""
    if doc.html_root is None:
        return 0.0
    return 0.9 if doc.html_root.find(".//table") is not None else 0.3


def read(doc: Document) -> Found:
    """The disclosure tables among the document's ``<table>`` elements."""
    root = doc.html_root
    if root is None:
        return Found("html", saw="no HTML elements")
    tables, notes = _read_root(root)
    n = len(root.findall(".//table"))
    return Found("html", tables, notes, saw=f"{n} <table> element(s), none a disclosure" if n else "no <table>")


def read_html(text: str, path: str) -> tuple[list[RawTable], list[str]]:
    """All tables of an HTML page, paragraph lists in its text, and notes on what was left out."""
    root = parse_html(text, path)
    if root is None:
        return [], []
    tables, notes = _read_root(root)
    ptables, pnotes = read_paragraph_lists(page_lines(root), path)
    return sorted(tables + ptables, key=lambda t: t.line), notes + pnotes


def _read_root(root: etree._Element) -> tuple[list[RawTable], list[str]]:
    tables: list[RawTable] = []
    notes: list[str] = []
    consumed: set[etree._Element] = set()
    for el in root.iter("table"):
        if el in consumed:
            continue
        table = _read_table(el, notes)
        if table is not None:
            consumed.update(el.iter("table"))
            if table.rows:
                tables.append(table)
            else:
                notes.append(f"line {table.line}: a {table.kind} table header with no rows was left out")
    if root.sourceline and any(t.line >= _LINE_CAP for t in tables):
        tables[0].guesses.append(
            f"lines past {_LINE_CAP:,} were counted from the page's text (the HTML parser stops "
            "counting there); a tag spread over several lines may shift them"
        )
    return tables, notes


def _read_table(el: etree._Element, notes: list[str]) -> RawTable | None:
    grid, trs = grid_of(el)
    line = el.sourceline or 0
    head = None
    why = "no rows"
    # a header the synonyms read first (rows above it are a caption); else the cells decide
    for strict in (True, False):
        for h in range(min(len(grid), 6)):
            m = _match(grid, h, strict=strict)
            if isinstance(m, Assignment):
                head = h, m
                break
            if h == 0 and not strict:
                why = m
        if head is not None:
            break
    if head is None:
        has_inner = any(t is not el for t in el.iter("table"))
        has_text = any(g is not None and g.items for row in grid for g in row)
        if has_text and not has_inner:
            notes.append(f"line {line}: a table was left out: {why}")
        return None
    h, assignment = head
    kind, roles = assignment.kind, assignment.roles
    hline = trs[h].sourceline or line
    headers = [_header_text(g) for g in grid[h]]
    table = RawTable(kind, hline, headers, roles, layout=LAYOUT)
    table.info.extend(f"line {hline}: {n}" for n in assignment.notes)
    if h:
        table.info.append(f"line {line}: {h} row(s) above the {kind} table's header taken as its caption")
    width = len(roles)
    for r in range(h + 1, len(grid)):
        _add_row(table, grid[r], r, trs[r], width)
    return table


def _add_row(table: RawTable, grow: list[_GCell | None], r: int, tr: etree._Element, width: int) -> None:
    present = [g for g in grow if g is not None]
    own = [g for g in present if g.row == r]
    if not any(g.items for g in own):
        return  # nothing but empty cells, or cells spanning down from the row above
    tline = tr.sourceline or 0
    first = next((g.items[0][0] for g in own if g.items), tline)
    if len({id(g) for g in present}) == 1 and present[0].width >= width > 1:
        text = " ".join(t for _, t in present[0].items)
        table.notes.append(f"line {first}: a row spanning all columns ({text[:40]}) was left out")
        return
    texts = [_header_text(g) for g in grow]
    if texts[:width] == table.headers:
        table.info.append(f"line {first}: the header repeated inside the table was skipped")
        return
    cells: dict[str, Cell] = {}
    extras: dict[str, Cell] = {}
    carried: list[str] = []
    spread: list[str] = []
    for c, g in enumerate(grow[:width]):
        role = table.roles[c]
        if g is None:
            continue
        if role is None:
            if g.items and table.headers[c].strip():
                extras[table.headers[c].strip()] = Cell(g.items)
            continue
        cells[role] = Cell(g.items)
        if g.row != r:
            carried.append(role)
        elif g.col != c:
            spread.append(table.headers[c])
    extra = [g for g in grow[width:] if g is not None and g.items and g.row == r]
    if extra:
        last = next((i for i in range(width - 1, -1, -1) if table.roles[i]), None)
        if last is not None:
            role = table.roles[last]
            assert role is not None
            joined = cells.get(role, Cell()).items + tuple(it for g in extra for it in g.items)
            cells[role] = Cell(joined)
            table.guesses.append(
                f"line {first}: the row has {len(extra)} cell(s) more than its header; "
                f"they were joined into the column {table.headers[last]}"
            )
    if carried:
        table.info.append(
            f"line {first}: {', '.join(carried)} taken from the row above (a cell spanning rows)"
        )
    if spread:
        table.info.append(
            f"line {first}: a cell spans several columns; its text was also given to {', '.join(spread)}"
        )
    if cells:
        table.rows.append(RawRow(line=first, cells=cells, carried=tuple(carried), extras=extras))
