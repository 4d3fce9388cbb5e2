"""Reading GitHub-style Markdown tables, several per document.

A table is a header line with ``|`` between its cells, a separator line of
dashes (``|---|:---:|``), and the lines after it that still hold a ``|``; the
leading and trailing pipes are optional. Inside a cell, ``\\|`` is a literal
pipe, ``<br>`` separates items, ``**bold**`` and `` `code` `` marks are dropped,
and a link ``[隐私政策](https://…)`` reads as its text, or as its address in a
privacy-policy-link column. Tables inside fenced code blocks are not tables.

Each item keeps the exact line of its row. Lines that are not tables go to
:func:`~registry.readers.records.read_paragraph_lists`, so a list of
``- **SDK名称**：…`` items is found too.

>>> md = ["| SDK名称 | 第三方主体 | 收集信息 |", "|---|---|---|",
...       "| 个推SDK | 每日互动股份有限公司 | 设备标识符<br>网络信息 |"]
>>> tables, notes = read_markdown(md, "p.md")
>>> tables[0].rows[0].cells["data"].items
((3, '设备标识符'), (3, '网络信息'))
"""

from __future__ import annotations

import re

from registry.columns import Record, identify, records_table
from registry.lazy_re import lazy_compile
from registry.readers import Document, Found
from registry.readers.records import read_paragraph_lists
from registry.tables import Cell, RawRow, RawTable

LAYOUT = "markdown"
_SEP_CELL = lazy_compile(r"^\s*:?-+:?\s*$")
_BR = lazy_compile(r"<br\s*/?>", re.IGNORECASE)
_LINK = lazy_compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = lazy_compile(r"<((?:https?|mailto):[^>\s]+)>")
_ESCAPE = lazy_compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = lazy_compile(r"(\*\*|__)(.+?)\1|`([^`]*)`")
_FENCE = lazy_compile(r"^\s{0,3}(`{3,}|~{3,})")


def split_row(line: str) -> list[str] | None:
    """A table line's cells (escapes kept), or None if it has no unescaped pipe.

    >>> split_row(r"| a | b \\| c |")
    [' a ', ' b \\\\| c ']
    """
    if "|" not in line:
        return None
    # the common case, no escapes, is a plain split
    cells = line.split("|") if "\\" not in line else _split_escaped(line)
    if cells is None:
        return None
    if not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _split_escaped(line: str) -> list[str] | None:
    cells: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur.append(line[i : i + 2])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    if not cells:
        return None  # every pipe was escaped
    cells.append("".join(cur))
    return cells


def _is_separator(line: str) -> bool:
    cells = split_row(line)
    return bool(cells) and all(_SEP_CELL.match(c) for c in cells)  # type: ignore[union-attr]


def looks_like_markdown(lines: list[str]) -> bool:
    """True if some line is a table separator under a line with a pipe."""
    return any(
        "-" in line and "|" in line and _is_separator(line) and split_row(lines[i - 1]) is not None
        for i, line in enumerate(lines)
        if i
    )


def _inline(text: str, *, url: bool) -> str:
    text = _LINK.sub(lambda m: m.group(2) if url or not m.group(1).strip() else m.group(1), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), text)
    return _ESCAPE.sub(r"\1", text).strip()


def cell_items(raw: str, line: int, *, url: bool = False) -> tuple[tuple[int, str], ...]:
    """A cell's items: split at ``<br>``, marks dropped, each on the row's line."""
    out = []
    for part in _BR.split(raw):
        t = _inline(part, url=url)
        if t:
            out.append((line, t))
    return tuple(out)


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_NUMBER = lazy_compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)、．]?|[（(]?[一二三四五六七八九十]{1,3}[）)、.]|[①-⑳])\s*")
_INDEX = lazy_compile(r"^\s*(?:\d{1,4}|[一二三四五六七八九十]{1,3})\s*[.、]?\s*$")


def sniff(doc: Document) -> float:
    """0.8 for a document with pipe tables, 0.2 for one with headings only."""
    lines = doc.lines
    if looks_like_markdown(lines) or any(
            len(ln) > 40 and "---" in ln and _INLINE_SEP_RUN.search(ln) for ln in lines[:20000]):
        return 0.8
    if sum(1 for ln in lines[:5000] if _HEADING.match(ln)) >= 2:
        return 0.2
    return 0.0


def read(doc: Document) -> Found:
    """The disclosure tables among the document's Markdown pipe tables."""
    tables, notes = _read_tables(doc.lines)
    return Found("markdown", tables, notes, saw="pipe tables, none a disclosure"
                 if looks_like_markdown(doc.lines) else "no pipe table")


def read_markdown(lines: list[str], path: str) -> tuple[list[RawTable], list[str]]:
    """All tables of a Markdown document, paragraph lists between them, and notes."""
    tables, notes = _read_tables(lines)
    used = {ln for t in tables for ln in _span_of(t)}
    ptables, pnotes = read_paragraph_lists(lines, path, skip=used)
    return sorted(tables + ptables, key=lambda t: t.line), notes + pnotes


def _span_of(t: RawTable) -> set[int]:
    out = {t.line}
    for r in t.rows:
        out.add(r.line)
    return out


def _read_tables(lines: list[str]) -> tuple[list[RawTable], list[str]]:
    tables: list[RawTable] = []
    notes: list[str] = []
    kv: list[Record] = []  # two-column key/value tables under headings, one record each
    heading: tuple[int, str] | None = None
    fence: str | None = None
    i = 0
    while i < len(lines):
        f = _FENCE.match(lines[i])
        if fence is not None or f:
            if f and (fence is None or f.group(1)[0] == fence[0]):
                fence = None if fence is not None else f.group(1)
            i += 1
            continue
        h = _HEADING.match(lines[i])
        if h:
            title = _NUMBER.sub("", _inline(h.group(1), url=False)).strip()
            heading = (i + 1, title) if title else None
            i += 1
            continue
        if len(lines[i]) > 40 and "---" in lines[i] and _INLINE_SEP_RUN.search(lines[i]):
            table = _one_line_table(lines[i], i + 1, notes)
            if table is not None:
                tables.append(table)
                i += 1
                continue
        if (
            i + 1 < len(lines) and "-" in lines[i + 1] and _is_separator(lines[i + 1])
            and split_row(lines[i]) is not None
        ):
            end = i + 2
            while end < len(lines) and lines[end].strip() and split_row(lines[end]) is not None:
                end += 1
            table = _read_table(lines, i, end, notes)
            if table is not None:
                tables.append(table)
            else:
                rec = _kv_record(lines, i, end, heading)
                if rec is not None:
                    kv.append(rec)
                    notes.pop()  # the key/value table is read as a record after all
            i = end
            continue
        i += 1
    if kv:
        t = records_table(kv, "markdown-records")
        if isinstance(t, str):
            notes.append(f"line {kv[0].line}: {len(kv)} key/value table(s) under headings were left out: {t}")
        else:
            tables.append(t)
    return tables, notes


def _kv_record(lines: list[str], i: int, end: int, heading: tuple[int, str] | None) -> Record | None:
    """A two-column table of ``label | value`` rows (its header row is a label too, or a caption)."""
    rows = [split_row(lines[k]) or [] for k in range(i, end) if k != i + 1]
    if any(len(r) != 2 for r in rows) or len(rows) < 3:
        return None
    labels = [_inline(r[0], url=False) for r in rows]
    if any(not lab or len(lab) > 40 for lab in labels[1:]):
        return None
    pairs: list[tuple[str, Cell]] = []
    for k, r in zip(range(i + 2, end), rows[1:], strict=False):
        pairs.append((_inline(r[0], url=False), Cell(cell_items(r[1], k + 1))))
    return Record(i + 1, heading, pairs)


def _read_table(lines: list[str], i: int, end: int, notes: list[str]) -> RawTable | None:
    head = split_row(lines[i]) or []
    rows = [(k + 1, split_row(lines[k]) or []) for k in range(i + 2, end)]
    return _table(i + 1, head, rows, notes)


def _table(line: int, head: list[str], rows: list[tuple[int, list[str]]], notes: list[str]) -> RawTable | None:
    """A table from its header cells and its rows' raw cells (each with its line)."""
    headers = [_inline(h, url=False) for h in head]
    body = [[_inline(c, url=False) for c in raw] for _, raw in rows[:40]]
    m = identify(headers, body)
    if isinstance(m, str):
        notes.append(f"line {line}: a table was left out: {m}")
        return None
    kind, roles = m.kind, m.roles
    table = RawTable(kind, line, headers, roles, layout=LAYOUT)
    table.info.extend(f"line {line}: {n}" for n in m.notes)
    width = len(roles)
    index = _index_column(headers, body)
    for no, raw in rows:
        if not any(c.strip() for c in raw):
            continue
        confidence, note = "high", ""
        if index is not None and len(raw) == width and not _INDEX.match(raw[index]) and not raw[-1].strip():
            # a merged first cell lost in the copy: the row's cells moved one column left
            raw = [*raw[:index], "", *raw[index:-1]]
            confidence = "low"
            note = (f"line {no}: the row's {headers[index]!r} cell is missing and its cells stood one "
                    "column left; read shifted one column right")
            table.guesses.append(note)
        if len(raw) > width:
            table.guesses.append(
                f"line {no}: the row has {len(raw)} cells for {width} headers; "
                f"the extra cells were joined into the column {headers[-1]}"
            )
            raw = [*raw[: width - 1], "<br>".join(raw[width - 1 :])]
        cells: dict[str, Cell] = {}
        extras: dict[str, Cell] = {}
        for role, h, c in zip(roles, headers, raw, strict=False):
            if role:
                cells[role] = Cell(cell_items(c, no, url=role == "policy_url"))
            elif h.strip() and c.strip():
                extras[h.strip()] = Cell(cell_items(c, no))
        table.rows.append(RawRow(line=no, cells=cells, extras=extras, confidence=confidence, note=note))
    if not table.rows:
        notes.append(f"line {line}: a {kind} table header with no rows was left out")
        return None
    return table


_INLINE_SEP_RUN = lazy_compile(r"\|\s*:?-{3,}:?\s*\|\s*:?-{3,}:?\s*\|")


def _one_line_table(line: str, no: int, notes: list[str]) -> RawTable | None:
    """A pipe table whose line breaks were lost (a web archive's copy): header, ``|---|`` and
    rows on one line, each row closed by ``|`` and the next opened by ``|`` (an empty cell).
    """
    cells = line.split("|")
    seps = [k for k, c in enumerate(cells) if _SEP_CELL.match(c)]
    if len(seps) < 2:
        return None
    first = seps[0]
    width = 1
    while first + width < len(cells) and _SEP_CELL.match(cells[first + width]):
        width += 1
    head = [c for c in cells[:first] if c.strip()][-width:]
    if len(head) != width:
        return None
    rows: list[tuple[int, list[str]]] = []
    row: list[str] = []
    for c in cells[first + width:]:
        if not c.strip() and (not row or len(row) == width):
            if row:
                rows.append((no, row))
                row = []
            continue
        row.append(c)
        if len(row) > width:  # a row that ran on: close it at the header's width
            rows.append((no, row[:width]))
            row = row[width:]
    if row and any(c.strip() for c in row):
        if len(row) < width:
            notes.append(f"line {no}: the table's last row has {len(row)} of {width} cells "
                         "(the text is cut off); that row was left out")
        else:
            rows.append((no, row))
    table = _table(no, head, rows, notes)
    if table is not None:
        table.guesses.append(f"line {no}: the whole table stands on one line (line breaks lost); "
                             f"rows cut at every {width} cells")
    return table


def _index_column(headers: list[str], body: list[list[str]]) -> int | None:
    """The column that numbers the rows (序号, No., #), if most of its cells are numbers."""
    for c in range(len(headers)):
        cells = [r[c] for r in body if c < len(r) and r[c].strip()]
        if len(cells) >= 2 and sum(bool(_INDEX.match(x)) for x in cells) * 2 > len(cells):
            return c
    return None
