"""A row of the policy's own tables, as the policy writes it: what ``impact`` proposes to change.

A DPO files a change to the sharing list (or the SDK table) in the policy's words: its own
column headers (the seed's 项目名称/业务场景, 共享信息, 共享场景、频率, 共享目的, 共享信息接收方)
and its cells as written. The registry keeps each row's evidence (the line it starts on) and
the document's text (:attr:`~registry.model.Policy.text`), so the table is read again from
the text (:func:`registry.importer.read_tables`, the reader the import used) and the row is
the one with a cell on that line. A registry that keeps no text (written before it was kept)
gives the row from the registry's own cells, each column named by its role (``scenario``,
``data``, ``recipient`` …), and :attr:`TableRow.as_written` says so.

>>> row = TableRow("sharing", 3, 1, ("场景", "接收方"), ("scenario", "recipient"), {"场景": "推送", "接收方": "A公司、B公司"})
>>> row.with_item("recipient", "C公司").cells["接收方"]
'A公司、B公司、C公司'
>>> row.without_items("recipient", {"A公司"}).cells["接收方"]
'B公司'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable

from registry.cellscan import top_level_find
from registry.errors import SharegraphError
from registry.model import SDK, Evidence, Policy, Scenario
from registry.suggest import match_key
from registry.tables import RawRow, RawTable

SHARING_ROLES = ("scenario", "data", "frequency", "purpose", "recipient")
"""A sharing row's cells the registry keeps by role (:class:`~registry.model.Scenario`), in order."""
SDK_ROLES = ("sdk_name", "provider", "contact", "policy_url", "function", "need", "purpose", "data")
"""An SDK row's cells the registry keeps by role (:class:`~registry.model.SDK`), in order."""

_SEPARATORS = ("、", "\n", "；", ";", "，", ",")
_SPLIT = re.compile(r"[、\n；;，,]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def list_separator(text: str, *others: str) -> str:
    """The separator a cell's list uses (the most frequent), to add an item the way it is written;
    a cell of one item gets ``、`` when it or an item to add is Chinese, else ``, ``.

    >>> list_separator("百行征信有限公司、腾讯云计算（北京）有限责任公司"), list_separator("Stripe, Inc.")
    ('、', ', ')
    >>> list_separator("高德软件有限公司"), list_separator("AWS", "Google LLC")
    ('、', ', ')
    """
    counts = {s: top_level_count(text, s) for s in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    if counts[best] and not (best == "," and " " not in text):
        return best + " " if best in ",;" and f"{best} " in text else best
    return "、" if _CJK.search(" ".join((text, *others))) else ", "


def top_level_count(text: str, sep: str) -> int:
    """How often ``sep`` stands outside brackets in ``text`` (``、`` in ``设备信息（IP、MAC）`` does not)."""
    return len(top_level_find(text, needle=sep))


def list_items(text: str) -> list[tuple[str, str]]:
    """A cell's items, each with the separator written before it (``""`` for the first); a
    separator inside brackets does not split.

    >>> list_items("A公司、B公司\\nC（北京、上海）公司")
    [('', 'A公司'), ('、', 'B公司'), ('\\n', 'C（北京、上海）公司')]
    """
    out: list[tuple[str, str]] = []
    sep, start = "", 0
    for a, b in top_level_find(text, _SPLIT):
        out.append((sep, text[start:a]))
        sep, start = text[a:b], b
    out.append((sep, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


@dataclasses.dataclass(frozen=True)
class TableRow:
    """One row of a policy's table: its columns (headers as written, in order), each column's
    role (``None``: a column the model has no role for) and its cells as written."""

    table: str
    """``sharing`` or ``sdk``."""
    line: int | None
    """The line the row starts on (``None``: a row the policy does not have yet)."""
    row: int | None
    """The row's number in its table (header excluded)."""
    columns: tuple[str, ...]
    roles: tuple[str | None, ...]
    cells: dict[str, str]
    as_written: bool = True
    """``False`` when the columns are named by their roles: the registry keeps no text to read them from."""

    def header(self, role: str) -> str | None:
        """The column of that role, by its header; ``None`` if the table has none."""
        return next((c for c, r in zip(self.columns, self.roles, strict=True) if r == role), None)

    def cell(self, role: str) -> str:
        """The cell of that role as written (``""`` where the table has no such column)."""
        h = self.header(role)
        return self.cells.get(h, "") if h else ""

    def with_cell(self, role: str, text: str) -> TableRow:
        """The row with the cell of ``role`` replaced (unchanged where the table has no such column)."""
        h = self.header(role)
        return self if h is None else dataclasses.replace(self, cells={**self.cells, h: text})

    def with_item(self, role: str, item: str) -> TableRow:
        """The row with ``item`` added to the list in the cell of ``role``, as the cell separates its items."""
        now = self.cell(role)
        return self.with_cell(role, f"{now}{list_separator(now, item)}{item}" if now.strip() else item)

    def without_items(self, role: str, written: Collection[str],
                      keep_clause: Callable[[str], bool] | None = None) -> TableRow:
        """The row with the items of the cell of ``role`` that are one of ``written`` left out.

        An item that ends in a clause governing the items before it too (``A、B及其委托的外包服务
        机构``: 其 is both) leaves its clause to the last item kept before it when
        ``keep_clause(that item)`` says that item still has what the clause names.
        """
        keys = {match_key(w) for w in written}
        kept: list[tuple[str, str]] = []
        for sep, item in list_items(self.cell(role)):
            if match_key(item) not in keys:
                kept.append((sep if kept else "", item))
                continue
            clause = _clause(item, written)
            if clause and kept and keep_clause is not None and keep_clause(kept[-1][1].strip()):
                kept[-1] = (kept[-1][0], kept[-1][1].rstrip() + clause)
        return self.with_cell(role, "".join(s + t for s, t in kept).strip())

    def as_dict(self) -> dict[str, str]:
        """The cells, column by column in the table's order (``--json``)."""
        return {c: self.cells.get(c, "") for c in self.columns}

    def changed(self, other: TableRow | None) -> list[str]:
        """The columns whose cells differ in ``other`` (every column when ``other`` is ``None``)."""
        return [c for c in self.columns if other is None or self.cells.get(c, "") != other.cells.get(c, "")]


def _clause(item: str, written: Iterable[str]) -> str:
    """What ``item`` writes after the longest other name of ``written`` it begins with
    (``及其委托的外包服务机构`` of ``B公司及其委托的外包服务机构`` when ``B公司`` is one), else ``""``."""
    heads = [w for w in written if w != item and item.startswith(w) and len(w) < len(item)]
    return item[len(max(heads, key=len)):] if heads else ""


def read_tables(policy: Policy) -> list[RawTable]:
    """The policy's tables read again from the text the registry keeps ([] without text)."""
    if policy.text is None:
        return []
    from registry.importer import read_tables as read
    from registry.source import SourceText

    src = SourceText(policy.source.file, policy.source.file, policy.text, policy.source.encoding,
                     policy.source.sha256)
    try:
        tables, _ = read(src, policy.source.layout)
    except SharegraphError:  # a text the import read once should read again; if not, the roles name the columns
        return []
    return tables


def _raw_row(tables: list[RawTable], kind: str, ev: Evidence | None) -> tuple[RawTable, RawRow] | None:
    """The table of ``kind`` and its row with a cell on the evidence's line (its row number first)."""
    if ev is None:
        return None
    found = None
    for t in (t for t in tables if t.kind == kind):
        for n, r in enumerate(t.rows, 1):
            if any(c.line == ev.line for c in r.cells.values()):
                if n == ev.row:
                    return t, r
                found = found or (t, r)
    return found


def _headed(t: RawTable) -> list[tuple[str, str, str | None]]:
    """``(column as shown, header as the reader keeps it, role)`` of each column; a header
    written twice is told apart by its place (``接收方 (2)``)."""
    out: list[tuple[str, str, str | None]] = []
    seen: dict[str, int] = {}
    for h, role in zip(t.headers, t.roles, strict=False):
        base = " ".join(h.split()) or role or "column"
        n = seen[base] = seen.get(base, 0) + 1
        out.append((base if n == 1 else f"{base} ({n})", h, role))
    return out


def _from_text(kind: str, line: int | None, row: int | None, t: RawTable, r: RawRow) -> TableRow:
    cols = _headed(t)
    cells = {}
    for shown, h, role in cols:
        c = r.cells.get(role) if role else r.extras.get(h)
        cells[shown] = c.text if c is not None else ""
    return TableRow(kind, line, row, tuple(s for s, _, _ in cols), tuple(role for _, _, role in cols), cells)


def _from_roles(kind: str, line: int | None, row: int | None, values: dict[str, str],
                attributes: tuple[tuple[str, str], ...]) -> TableRow:
    """A row from the registry's own cells: columns named by role, then the row's attributes."""
    extra = [(label, text) for label, text in attributes if label not in values]
    cols = [*values, *(label for label, _ in extra)]
    cells = {**values, **dict(extra)}
    roles: list[str | None] = [*values, *(None for _ in extra)]
    return TableRow(kind, line, row, tuple(cols), tuple(roles), cells, as_written=False)


def scenario_row(policy: Policy, sc: Scenario, tables: list[RawTable] | None = None) -> TableRow:
    """The sharing-list row of ``sc`` as the policy writes it (``tables``: read again, once per policy)."""
    ev = sc.evidence
    found = _raw_row(read_tables(policy) if tables is None else tables, "sharing", ev)
    if found is not None:
        return _from_text("sharing", ev.line, ev.row, *found)
    values = dict(zip(SHARING_ROLES, (sc.name, sc.data_text, sc.frequency, sc.purpose, sc.recipients_text),
                      strict=True))
    return _from_roles("sharing", ev.line, ev.row, values, sc.attributes)


def sdk_row(policy: Policy, sdk: SDK, tables: list[RawTable] | None = None) -> TableRow:
    """The SDK-table row of ``sdk`` as the policy writes it."""
    ev = sdk.evidence
    found = _raw_row(read_tables(policy) if tables is None else tables, "sdk", ev)
    line, row = (ev.line, ev.row) if ev is not None else (None, None)
    if found is not None:
        return _from_text("sdk", line, row, *found)
    values = dict(zip(SDK_ROLES, (sdk.name, sdk.provider, sdk.contact, sdk.policy_url, sdk.function, sdk.need,
                                  sdk.purpose, sdk.data_text), strict=True))
    return _from_roles("sdk", line, row, values, sdk.attributes)


def new_sdk_row(policy: Policy, cells: dict[str, str], tables: list[RawTable] | None = None) -> TableRow:
    """A row the SDK table does not have yet: ``cells`` by role, in the columns of the policy's
    SDK table (by role where it has none, or no text)."""
    t = next((t for t in (read_tables(policy) if tables is None else tables) if t.kind == "sdk"), None)
    if t is None:
        return TableRow("sdk", None, None, SDK_ROLES, SDK_ROLES, {r: cells.get(r, "") for r in SDK_ROLES},
                        as_written=False)
    cols = _headed(t)
    return TableRow("sdk", None, None, tuple(s for s, _, _ in cols), tuple(r for _, _, r in cols),
                    {s: cells.get(r or "", "") for s, _, r in cols})
