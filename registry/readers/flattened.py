"""Reading tables from a web page saved as flattened text.

When a browser or converter saves an HTML page as text, every table cell's
items stand on their own lines, and the table's shape survives only in the
runs of blank (or tab-only) lines between them: short gaps between the items
of one cell, longer gaps between cells, longer still between rows. Nothing
here knows line numbers or a particular file; the gap sizes are learned from
each table's own header:

* the gap between header cells is the *cell gap*;
* a smaller gap separates items of one cell;
* a larger gap ends a row, unless the row is not yet complete and the gap
  holds empty cells: a gap line with a space in it (``\\t\\t\\t\\t ``), as an
  empty ``<td> </td>`` leaves, or a gap that is exactly the cell gap plus
  whole empty cells long;
* a row with fewer cells than the header, followed by more rows, continues
  cells spanning rows from the row above (``rowspan``: the permission table's
  权限名称 over an iOS and an Android row);
* a row with fewer cells at the end of the document is a table cut off, which
  is an error, not something to guess.

A table ends at a heading or a prose paragraph where a row would start, at the
next table's header, or at the end of the document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from registry.columns import identify
from registry.lazy_re import lazy_compile
from registry.readers import Document, Found
from registry.readers.pipe_rows import read_pipe_rows
from registry.tables import Cell, RawRow, RawTable, match_header

_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十\d]+[章节条部分]|附录|附件)"
)


@dataclass(slots=True)
class Run:
    """Consecutive non-blank lines, and the blank lines before them."""

    line: int
    lines: list[tuple[int, str]]
    gap: int
    empty_marks: int
    """Gap lines holding a space: traces of empty cells."""

    @property
    def first(self) -> str:
        """The text of the run's first line."""
        return self.lines[0][1]


def runs_of(lines: list[str]) -> list[Run]:
    """The runs of non-blank lines of ``lines``, each with the blank gap before it."""
    out: list[Run] = []
    gap = marks = 0
    current: list[tuple[int, str]] = []
    for no, raw in enumerate(lines, 1):
        if raw.strip():
            if not current:
                current = []
            current.append((no, raw.strip()))
            continue
        if current:
            out.append(Run(current[0][0], current, gap, marks))
            current, gap, marks = [], 0, 0
        gap += 1
        if raw.strip("\t\n") and not raw.strip():  # white space other than tabs
            marks += 1
    if current:
        out.append(Run(current[0][0], current, gap, marks))
    return out


def _is_prose(text: str) -> bool:
    return bool(_HEADING.match(text)) or (len(text) > 60 and "。" in text)


def _find_header(runs: list[Run], i: int) -> tuple[int, str, list[str | None], int] | None:
    """A header starting at run i: (width, kind, roles, cell gap)."""
    r0 = runs[i]
    if len(r0.lines) != 1 or len(r0.first) > 24:
        return None
    names = [r0.first]
    gap = None
    j = i + 1
    while j < len(runs) and len(runs[j].lines) == 1 and len(runs[j].first) <= 24:
        if gap is None:
            gap = runs[j].gap
        elif runs[j].gap != gap:
            break
        names.append(runs[j].first)
        j += 1
    # the header may be followed by its first row at the same gap; take the longest
    # prefix of names that matches a header
    for width in range(len(names), 1, -1):
        m = match_header(names[:width])
        if m and gap:
            return width, m[0], m[1], gap
    return None


def read_flattened(lines: list[str], path: str) -> tuple[list[RawTable], list[str]]:
    """All tables found in flattened text, and notes on what was left out."""
    runs = runs_of(lines)
    tables: list[RawTable] = []
    notes: list[str] = []
    i = 0
    while i < len(runs):
        found = _find_header(runs, i)
        if not found:
            i += 1
            continue
        width, kind, roles, cell_gap = found
        headers = [runs[k].first for k in range(i, i + width)]
        table = RawTable(kind, runs[i].line, headers, roles)
        i = _read_body(runs, i + width, table, width, cell_gap, path, lines)
        if table.rows:
            tables.append(table)
        else:
            notes.append(f"line {table.line}: a {kind} table header with no rows was left out")
    return tables, notes


def _read_body(
    runs: list[Run], i: int, table: RawTable, width: int, cell_gap: int, path: str, lines: list[str]
) -> int:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    items: list[tuple[int, str]] = []

    def close_row() -> None:
        nonlocal row
        if row:
            rows.append(row)
        row = []

    while i < len(runs):
        r = runs[i]
        starting = not row and not items
        if starting and (_is_prose(r.first) or _find_header(runs, i)):
            break
        if items and r.gap < cell_gap:
            items.extend(r.lines)
            i += 1
            continue
        if items:
            row.append(Cell(tuple(items)))
            items = []
        if r.gap > cell_gap and row:
            missing = width - len(row) - 1
            empties = r.empty_marks if r.empty_marks else (r.gap - cell_gap) // max(cell_gap - 1, 1)
            exact = r.empty_marks or (r.gap - cell_gap) % max(cell_gap - 1, 1) == 0
            if 0 < empties <= missing and exact and r.gap - cell_gap >= empties:
                row.extend([Cell()] * empties)
                if not r.empty_marks:
                    table.guesses.append(
                        f"line {r.line}: {empties} empty cell(s) inferred from the length of the gap before this line"
                    )
            else:
                close_row()
                if _is_prose(r.first) or _find_header(runs, i):
                    break
        if len(row) == width:
            close_row()
        items = list(r.lines)
        i += 1
    if items:
        row.append(Cell(tuple(items)))
    at_end = i >= len(runs)
    close_row()
    _shape_rows(rows, table, width, at_end, path)
    return i


def _shape_rows(rows: list[list[Cell]], table: RawTable, width: int, at_end: bool, path: str) -> None:
    prev: list[Cell] | None = None
    for n, cells in enumerate(rows, 1):
        carried: tuple[str, ...] = ()
        k = 0
        if len(cells) > width:
            table.guesses.append(
                f"line {cells[0].line}: row {n} has {len(cells)} cells for {width} headers; "
                f"extra cells were joined into the last column"
            )
            last = Cell(tuple(it for c in cells[width - 1:] for it in c.items))
            cells = [*cells[: width - 1], last]
        elif len(cells) < width:
            if at_end and n == len(rows):
                table.notes.append(
                    f"line {cells[0].line}: the {table.kind} table is cut off: its last row has "
                    f"{len(cells)} of {width} cells; that row was left out (is the document complete?)"
                )
                continue
            if prev is None:
                table.notes.append(
                    f"line {cells[0].line}: row {n} has {len(cells)} of {width} cells and nothing above to span from; left out"
                )
                continue
            k = width - len(cells)
            carried = tuple(r for r in table.roles[:k] if r)
            cells = [*prev[:k], *cells]
            table.info.append(
                f"line {cells[k].line}: row {n} has {width - k} of {width} cells; "
                f"the first {k} taken from the row above (a cell spanning rows)"
            )
        table.rows.append(
            RawRow(
                line=next((c.line for c in cells[k:] if c.line), 0),
                cells={role: c for role, c in zip(table.roles, cells, strict=True) if role},
                carried=carried,
            )
        )
        prev = cells


def cell_gap_stats(runs: list[Run]) -> Counter[int]:
    """How often each gap size occurs (for diagnostics)."""
    return Counter(r.gap for r in runs)


_CELL_LINE = lazy_compile(r"^(.*?)\s*\|\s*$")
_MAX_HEADER = 24


def sniff(doc: Document) -> float:
    """0.1 for any text that is not mostly markup: flattened text is the fallback form."""
    if doc.html_root is not None and doc.text.lstrip().startswith("<"):
        return 0.0
    return 0.1 + (0.3 if _count_cell_lines(doc.lines) >= 8 else 0.0)


def read(doc: Document) -> Found:
    """The tables of a web page saved as text, one cell item a line (see the module doc)."""
    lines = doc.lines
    tables, notes = read_flattened(lines, doc.path)
    if _count_cell_lines(lines) >= 8:
        ct, cn = read_cell_lines(lines)
        tables.extend(ct)
        notes.extend(cn)
    if any(ln.count("|") >= 2 and ln.rstrip().endswith("|") for ln in lines[:20000]):
        pt, pn = read_pipe_rows(lines, _header_like)
        tables.extend(pt)
        notes.extend(pn)
    kept: list[RawTable] = []
    for t in tables:
        if any(_is_label_value(h) for h in t.headers):
            # "SDK名称：极光推送SDK" lines read as a header: labelled records, not a table
            continue
        kept.append(t)
    return Found("flattened", sorted(kept, key=lambda t: t.line), notes,
                 saw="no header row of a sharing list, SDK table or permission table")


def _is_label_value(header: str) -> bool:
    for colon in ("：", ":"):
        head, sep, tail = header.partition(colon)
        if sep and head.strip() and tail.strip() and not tail.startswith("//"):
            return True
    return False


def _header_like(text: str) -> bool:
    """A cell that may head a column: short, and not a name, an SDK or a link (the first row's)."""
    from registry.columns import looks_like_org, looks_like_sdk_name, looks_like_url

    return (0 < len(text) <= _MAX_HEADER and not looks_like_org(text) and not looks_like_sdk_name(text)
            and not looks_like_url(text))


def _count_cell_lines(lines: list[str]) -> int:
    return sum(1 for ln in lines[:20000] if ln.rstrip().endswith("|") and ln.count("|") == 1)


def read_cell_lines(lines: list[str]) -> tuple[list[RawTable], list[str]]:
    """Tables saved one cell per line, each cell ending in ``|`` (a bare ``|`` is an empty cell).

    The header is the first run of short cells that reads as a disclosure's header;
    its width cuts the cells after it into rows. A last row cut short by the end of
    the document is left out with a note.
    """
    cells: list[tuple[int, str]] = []
    for no, raw in enumerate(lines, 1):
        m = _CELL_LINE.match(raw)
        if m and raw.count("|") == 1:
            cells.append((no, m.group(1).strip()))
        elif raw.strip() and cells and cells[-1][0] == no - 1 and not raw.rstrip().endswith("|"):
            cells.append((no, "\x00" + raw.strip()))  # a cell's text spilling onto the next line
    # a spilled line starts the next cell's text
    merged: list[tuple[int, str]] = []
    carry: tuple[int, str] | None = None
    for no, text in cells:
        if text.startswith("\x00"):
            carry = (no, text[1:])
            continue
        if carry is not None:
            merged.append((carry[0], carry[1] + text))
            carry = None
            continue
        merged.append((no, text))
    tables: list[RawTable] = []
    notes: list[str] = []
    i = 0
    while i < len(merged):
        width = 0
        while i + width < len(merged) and _header_like(merged[i + width][1]):
            width += 1
        found = None
        for w in range(width, 1, -1):
            headers = [t for _, t in merged[i:i + w]]
            body = [[t for _, t in merged[k:k + w]] for k in range(i + w, min(len(merged), i + w * 20), w)]
            a = identify(headers, body)
            if not isinstance(a, str):
                found = (w, a)
                break
        if found is None:
            i += 1
            continue
        w, a = found
        headers = [t for _, t in merged[i:i + w]]
        table = RawTable(a.kind, merged[i][0], headers, a.roles, layout="cell-lines")
        table.info.extend(f"line {merged[i][0]}: {n}" for n in a.notes)
        k = i + w
        while k < len(merged):
            row = merged[k:k + w]
            if [t for _, t in row] == headers:
                k += w
                continue
            if len(row) < w:
                notes.append(f"line {row[0][0]}: the {a.kind} table is cut off: its last row has "
                             f"{len(row)} of {w} cells; that row was left out (is the document complete?)")
                break
            rcells: dict[str, Cell] = {}
            extras: dict[str, Cell] = {}
            for role, h, (no, text) in zip(a.roles, headers, row, strict=True):
                if not text:
                    continue
                if role:
                    rcells[role] = Cell(((no, text),))
                else:
                    extras[h] = Cell(((no, text),))
            table.rows.append(RawRow(line=row[0][0], cells=rcells, extras=extras))
            k += w
        if table.rows:
            tables.append(table)
        i = k
    return tables, notes
