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

from registry.readers.records import read_paragraph_lists
from registry.tables import Cell, RawRow, RawTable, match_header

LAYOUT = "markdown"
_SEP_CELL = re.compile(r"^\s*:?-+:?\s*$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|`([^`]*)`")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


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


def _match(headers: list[str]) -> tuple[str, list[str | None]] | None:
    filled = [i for i, h in enumerate(headers) if h.strip()]
    if len(filled) < 2:
        return None
    m = match_header([headers[i] for i in filled])
    if m is None:
        return None
    roles: list[str | None] = [None] * len(headers)
    for i, role in zip(filled, m[1], strict=True):
        roles[i] = role
    return m[0], roles


def read_markdown(lines: list[str], path: str) -> tuple[list[RawTable], list[str]]:
    """All tables of a Markdown document, paragraph lists between them, and notes."""
    tables: list[RawTable] = []
    notes: list[str] = []
    used: set[int] = set()
    fence: str | None = None
    i = 0
    while i < len(lines):
        f = _FENCE.match(lines[i])
        if fence is not None or f:
            used.add(i + 1)
            if f and (fence is None or f.group(1)[0] == fence[0]):
                fence = None if fence is not None else f.group(1)
            i += 1
            continue
        if (
            i + 1 < len(lines) and "-" in lines[i + 1] and _is_separator(lines[i + 1])
            and split_row(lines[i]) is not None
        ):
            end = i + 2
            while end < len(lines) and lines[end].strip() and split_row(lines[end]) is not None:
                end += 1
            used.update(range(i + 1, end + 1))
            table = _read_table(lines, i, end, notes)
            if table is not None:
                tables.append(table)
            i = end
            continue
        i += 1
    ptables, pnotes = read_paragraph_lists(lines, path, skip=used)
    return tables + ptables, notes + pnotes


def _read_table(lines: list[str], i: int, end: int, notes: list[str]) -> RawTable | None:
    head = split_row(lines[i]) or []
    headers = [_inline(h, url=False) for h in head]
    m = _match(headers)
    if m is None:
        notes.append(f"line {i + 1}: a table without a recognizable header was left out")
        return None
    kind, roles = m
    table = RawTable(kind, i + 1, headers, roles, layout=LAYOUT)
    width = len(roles)
    for k in range(i + 2, end):
        no = k + 1
        raw = split_row(lines[k]) or []
        if not any(c.strip() for c in raw):
            continue
        if len(raw) > width:
            table.guesses.append(
                f"line {no}: the row has {len(raw)} cells for {width} headers; "
                f"the extra cells were joined into the column {headers[-1]}"
            )
            raw = [*raw[: width - 1], "<br>".join(raw[width - 1 :])]
        cells: dict[str, Cell] = {}
        for role, c in zip(roles, raw, strict=False):
            if role:
                cells[role] = Cell(cell_items(c, no, url=role == "policy_url"))
        table.rows.append(RawRow(line=no, cells=cells))
    if not table.rows:
        notes.append(f"line {i + 1}: a {kind} table header with no rows was left out")
        return None
    return table
