"""Pipe tables copied without their ``|---|`` line: a row's cells each closed by ``|``.

A web page's table copied as text (the way a search index or a text browser keeps it)
puts a row's cells on one line, each closed by `` | ``, with no separator line under the
header. A cell that holds a line break (a ``<br>``, a paragraph) goes on over the next
line: text on a line that no ``|`` closes belongs to the cell the next ``|`` closes. A
row whose first cells span from the row above (``rowspan``) holds only its own cells,
and the copy pads it with empty cells at its end::

    SDK名称 | SDK厂商 | 功能描述 | 个人信息类型 | 个人信息字段 | 用途和目的 |
    穿山甲广告SDK | 北京巨量引擎网络科技有限公司 | 广告投放合作 | 设备信息 | 必选信息：… |
    广告投放及广告反作弊。 |
    网络信息 | 必选信息：【双端】运营商信息、Wi-Fi状态 |
    保证网络服务有效性及稳定性。 |
    |||

The cells are read as one stream and cut into rows at the header's width. A row ending
in empty cells whose cells read better moved right (the data where the data column is,
no name where the SDK's or the recipient's column is) is read so, its first cells taken
from the row above; that is a guess, so the row is ``low`` with a note. A last row cut
off by the end of the document is kept, ``low``, when the cells that name the recipient
(or SDK) and the data are complete; otherwise it is left out with a note. Nothing here
knows a file, a company or a header: roles come from :func:`registry.columns.identify`.
"""

from __future__ import annotations

from collections.abc import Callable

from registry.lazy_re import lazy_compile
from registry.tables import Cell, RawRow, RawTable

_SEPARATOR = lazy_compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MAX_SPILL = 3
"""Lines without a closing ``|`` that may stand inside one cell (a cell's line breaks)."""


def _closed(line: str) -> bool:
    return line.rstrip().endswith("|")


def _parts(line: str) -> list[str]:
    """The cells a line closes: its text split at ``|``, without the empty tail after the last."""
    return line.rstrip()[:-1].split("|")


def _header_at(lines: list[str], i: int, header_like: Callable[[str], bool]) -> list[str] | None:
    line = lines[i]
    if not _closed(line) or line.lstrip().startswith("|"):
        return None
    cells = [c.strip() for c in _parts(line)]
    if len(cells) < 2 or not all(header_like(c) for c in cells):
        return None
    if i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
        return None  # a Markdown table: the markdown reader's
    return cells


def _stream(lines: list[str], start: int) -> tuple[list[tuple[int, str]], int]:
    """The cells from line index ``start`` on, each with its line, and the index after the table.

    A cell's items are joined by a newline (each spilled line is an item of the cell).
    """
    cells: list[tuple[int, str]] = []
    spill: list[tuple[int, str]] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if not _closed(line):
            if not line.strip():
                if spill:
                    break
                i += 1
                continue
            spill.append((i + 1, line.strip()))
            if len(spill) > _MAX_SPILL:
                break
            i += 1
            continue
        parts = _parts(line)
        first = True
        for p in parts:
            text = p.strip()
            no = i + 1
            if first and spill:
                no = spill[0][0]
                text = "\n".join([*(t for _, t in spill), text] if text else [t for _, t in spill])
                spill = []
            first = False
            cells.append((no, text))
        i += 1
    end = i - len(spill)
    return cells, end


def read_pipe_rows(lines: list[str], header_like: Callable[[str], bool]) -> tuple[list[RawTable], list[str]]:
    """Tables whose rows are lines of cells each closed by ``|`` (see the module doc)."""
    from registry.columns import identify

    tables: list[RawTable] = []
    notes: list[str] = []
    i = 0
    while i < len(lines):
        headers = _header_at(lines, i, header_like)
        if headers is None:
            i += 1
            continue
        width = len(headers)
        cells, end = _stream(lines, i + 1)
        rows = [cells[k:k + width] for k in range(0, len(cells), width)]
        a = identify(headers, [[t for _, t in r] for r in rows[:20]])
        if isinstance(a, str) or not rows:
            i += 1
            continue
        table = RawTable(a.kind, i + 1, headers, a.roles, layout="pipe-rows")
        table.info.extend(f"line {i + 1}: {n}" for n in a.notes)
        _shape(rows, table, width)
        if table.rows:
            tables.append(table)
        else:
            notes.append(f"line {i + 1}: a {a.kind} table header with no rows was left out")
        i = max(end, i + 1)
    return tables, notes


def _fit(roles: list[str | None], texts: list[str]) -> int:
    """How many cells read as their column's role says (a name, an SDK, data, a link)."""
    from registry.columns import data_score, looks_like_sdk_name, looks_like_url, looks_like_vendor

    score = 0
    for role, t in zip(roles, texts, strict=True):
        if not role or not t:
            continue
        if role in ("recipient", "provider"):
            score += 1 if looks_like_vendor(t) else -1
        elif role == "sdk_name":
            score += 1 if looks_like_sdk_name(t) or looks_like_vendor(t) else -1
        elif role == "data":
            score += 1 if data_score(t) >= 0.4 else -1
        elif role == "policy_url":
            score += 1 if looks_like_url(t) else -1
    return score


def _second_data(table: RawTable) -> list[int]:
    """Columns left without a role whose header names data too (``个人信息类型`` then ``个人信息字段``).

    A role is taken once, so the second column a header names as data would be kept as an
    attribute only; its items are the data the row names as well.
    """
    from registry.tables import header_specs, role_of

    spec = next((s for s in header_specs() if s.kind == table.kind), None)
    if spec is None or "data" not in table.roles:
        return []
    return [k for k, (r, h) in enumerate(zip(table.roles, table.headers, strict=True))
            if r is None and h and role_of(h, spec)[0] == "data"]


def _shape(rows: list[list[tuple[int, str]]], table: RawTable, width: int) -> None:
    roles = table.roles
    key = [k for k, r in enumerate(roles) if r in ("recipient", "provider", "sdk_name")]
    data_cols = [k for k, r in enumerate(roles) if r == "data"] + _second_data(table)
    prev: list[tuple[int, str]] | None = None
    for n, row in enumerate(rows, 1):
        if not any(t for _, t in row):
            continue
        confidence, note = "high", ""
        line = next(no for no, t in row if t)
        if len(row) < width:
            if n != len(rows):
                continue
            if (any(k >= len(row) or not row[k][1] for k in key)
                    or not any(k < len(row) and row[k][1] for k in data_cols)):
                table.notes.append(f"line {line}: the {table.kind} table is cut off: its last row has "
                                   f"{len(row)} of {width} cells; that row was left out (is the document complete?)")
                continue
            note = (f"line {line}: the table is cut off in its last row after {table.headers[len(row) - 1]!r}; "
                    "the cells before the cut were read")
            row = [*row, *[(0, "")] * (width - len(row))]
            confidence = "low"
        carried: tuple[str, ...] = ()
        trail = 0
        while trail < width - 1 and not row[width - 1 - trail][1]:
            trail += 1
        if trail and prev is not None and not note:
            shifted = [*prev[:trail], *row[:width - trail]]
            if _fit(roles, [t for _, t in shifted]) > _fit(roles, [t for _, t in row]):
                carried = tuple(r for r in roles[:trail] if r)
                row = shifted
                confidence = "low"
                note = (f"line {line}: the row has {width - trail} of {width} cells, padded with empty "
                        f"cells at its end; read as the last {width - trail} columns, the first {trail} "
                        "taken from the row above (a cell spanning rows)")
        if note:
            table.guesses.append(note)
        cells: dict[str, Cell] = {}
        extras: dict[str, Cell] = {}
        data: list[tuple[int, str]] = []
        for k, (role, h, (no, text)) in enumerate(zip(roles, table.headers, row, strict=True)):
            if not text:
                continue
            items = tuple((no or line, t.strip()) for t in text.split("\n") if t.strip())
            if k in data_cols:
                data.extend(items)
                if role is None and h:
                    extras[h] = Cell(items)
            elif role:
                cells[role] = Cell(items)
            elif h:
                extras[h] = Cell(items)
        if data:
            cells["data"] = Cell(tuple(data))
        table.rows.append(RawRow(line=line, cells=cells, extras=extras, carried=carried,
                                 confidence=confidence, note=note))
        prev = row
