"""Reading SDK lists (and sharing lists) written as labelled paragraphs, not tables.

Many policies list their SDKs one after another, each as a few ``label：value``
lines, or all on one line with the labels separated by spaces or ``；``::

    1. 极光推送SDK
    SDK名称：极光推送SDK
    使用目的：推送消息
    收集个人信息类型：设备标识符（IMEI、Android ID）、网络信息
    第三方主体：深圳市和讯华谷信息技术有限公司

    SDK名称：友盟统计SDK；使用目的：统计分析；收集信息：设备标识符；第三方名称：友盟同欣（北京）科技有限公司

A label is a header synonym of ``data/headers.yaml`` (compared as a whole, after
NFKC and case folding: ``SDK提供方``, ``Personal information collected``), so a
DPO who teaches the table readers a new column name teaches this reader the
same label. A record starts at an ``sdk_name`` label, at a numbered heading
followed by labels (``1. 极光推送SDK``), or at a label the open record already
has; it ends at the next record, at a heading, or at a line of prose. A label
with nothing after it takes the following short lines (``- 设备标识符``) as its
items. Blank lines end nothing: a web page saved as text has them everywhere.

A record with an SDK name is an SDK (``RawTable(kind="sdk")``); one with shared
data and a recipient (``共享场景：… 共享信息：… 接收方：…``) is a sharing row.
Consecutive records of one kind make one table with ``layout="paragraph-list"``.

>>> tables, notes = read_paragraph_lists(["SDK名称：微信SDK；收集信息：设备标识符；第三方主体：深圳市腾讯计算机系统有限公司"], "p.txt")
>>> t = tables[0]
>>> t.kind, t.layout, t.rows[0].text("sdk_name"), t.rows[0].text("provider")
('sdk', 'paragraph-list', '微信SDK', '深圳市腾讯计算机系统有限公司')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from registry.tables import Cell, RawRow, RawTable, header_specs, role_of
from registry.vocabulary import name_key

LAYOUT = "paragraph-list"
_MAX_LABEL = 40
"""Longest label looked for before a colon, in characters."""
_SEP = set(" \t\u3000；;，,。|、")
"""Characters after which a label may start within a line."""
_EDGE = " \t\u3000*_`；;，,。|、"
_MARKER = re.compile(r"^\s*(?:[-*+•·▪●○>]\s*|\d{1,3}[.、．)）]\s*|[（(]\d{1,3}[）)]\s*)*")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪●○]|\d{1,3}[)）]|[（(]\d{1,3}[）)]|[①-⑳])\s*")
_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*|(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*"
    r"|[（(](?:\d{1,3}|[一二三四五六七八九十]{1,3})[）)]\s*)(?P<title>\S.{0,59})$"
)
_PROSE_LEN = 120
"""A line without a label longer than this is prose, never an item."""


@functools.cache
def _label_index() -> dict[str, dict[str, str]]:
    """name_key(label) -> {kind: role} for the sdk and sharing header synonyms."""
    index: dict[str, dict[str, str]] = {}
    for spec in header_specs():
        if spec.kind not in ("sdk", "sharing"):
            continue
        for syns in spec.synonyms.values():
            for key in syns:
                role, score = role_of(key, spec)
                if role and score == 1000:
                    index.setdefault(key, {})[spec.kind] = role
    return index


def label_roles(label: str) -> dict[str, str]:
    """The roles a label plays, by table kind; empty if it is not a label.

    >>> label_roles("SDK提供方")
    {'sdk': 'provider'}
    >>> label_roles("Third party") == {'sdk': 'provider', 'sharing': 'recipient'}
    True
    """
    return dict(_label_index().get(name_key(label.strip(_EDGE + "【】[]「」")), {}))


@dataclass(slots=True)
class _Label:
    label: str
    roles: dict[str, str]
    start: int
    """Where the label starts in the line."""
    value_start: int


def _labels_in(text: str) -> list[_Label]:
    """The labels of one line, in order (none if the line holds no known label)."""
    if "：" not in text and ":" not in text:
        return []
    out: list[_Label] = []
    lead = _MARKER.match(text)
    first = lead.end() if lead else 0
    for q, ch in enumerate(text):
        if ch not in "：:" or q < first:
            continue
        if ch == ":" and text.startswith("//", q + 1):
            continue  # a URL's scheme
        lo = max(first, q - _MAX_LABEL, out[-1].value_start if out else first)
        best: _Label | None = None
        for p in range(lo, q):
            if p != first and text[p - 1] not in _SEP:
                continue
            roles = label_roles(text[p:q])
            if roles:
                best = _Label(text[p:q].strip(_EDGE + "【】[]「」"), roles, p, q + 1)
                break  # the longest label wins: p runs forward
        if best is not None:
            out.append(best)
    return out


def _value(text: str, start: int, end: int) -> str:
    return text[start:end].strip(_EDGE)


@dataclass
class _Record:
    line: int
    heading: tuple[int, str] | None = None
    labels: list[tuple[str, dict[str, str], list[tuple[int, str]]]] = field(default_factory=list)

    def has(self, roles: dict[str, str]) -> bool:
        """True if every role the label could play is already filled."""
        return all(
            any(r.get(kind) == role for _, r, _ in self.labels) for kind, role in roles.items()
        )

    def kind(self) -> str | None:
        sdk = {r["sdk"] for _, r, items in self.labels if "sdk" in r}
        shr = {r["sharing"] for _, r, items in self.labels if "sharing" in r}
        if "sdk_name" in sdk:
            return "sdk" if sdk & {"data", "provider"} else None
        sharing_ok = {"data", "recipient"} <= shr
        sdk_ok = self.heading is not None and bool(sdk & {"data", "provider"})
        if sharing_ok and sdk_ok:
            n_sdk = sum("sdk" in r for _, r, _ in self.labels)
            n_shr = sum("sharing" in r for _, r, _ in self.labels)
            if n_shr != n_sdk:
                return "sharing" if n_shr > n_sdk else "sdk"
            return "sdk" if "sdk" in name_key(self.heading[1]) else "sharing"  # type: ignore[index]
        if sharing_ok:
            return "sharing"
        return "sdk" if sdk_ok else None


def _numbered(lines: Sequence[str] | Sequence[tuple[int, str]]) -> Iterable[tuple[int, str]]:
    for i, x in enumerate(lines, 1):
        if isinstance(x, tuple):
            yield x
        else:
            yield i, x


def read_paragraph_lists(
    lines: Sequence[str] | Sequence[tuple[int, str]],
    path: str,
    *,
    skip: set[int] | frozenset[int] = frozenset(),
) -> tuple[list[RawTable], list[str]]:
    """SDK and sharing lists written as labelled paragraphs, and notes on what was left out.

    ``lines`` are the document's lines (numbered from 1), or ``(line, text)`` pairs
    (the text of an HTML page outside its tables); lines in ``skip`` (already read
    as a table by another reader) are treated as blank-free breaks.
    """
    records: list[_Record] = []
    notes: list[str] = []
    current: _Record | None = None
    open_items: list[tuple[int, str]] | None = None  # the last label's items, while it may go on
    pending: tuple[int, str] | None = None  # a heading waiting for its first label

    def close() -> None:
        nonlocal current, open_items
        if current is not None and current.labels:
            records.append(current)
        current, open_items = None, None

    for no, raw in _numbered(lines):
        if no in skip:
            close()
            pending = None
            continue
        text = raw.strip()
        if not text:
            continue
        found = _labels_in(text)
        if not found:
            h = _HEADING.match(text)
            if h and len(text) <= 60:
                close()
                pending = (no, h.group("title").strip(_EDGE))
                continue
            bullet = _BULLET.match(text)
            if (
                current is not None and open_items is not None and len(text) <= _PROSE_LEN
                and (not open_items or bullet)
            ):
                item = text[bullet.end():] if bullet else text
                if item.strip(_EDGE):
                    open_items.append((no, item.strip(_EDGE)))
                continue
            close()
            pending = None
            continue
        if found[0].start > 0:
            head = text[: found[0].start].strip(_EDGE)
            if head and not _MARKER.fullmatch(text[: found[0].start]):
                # prose before the first label: the labels are words in a sentence
                close()
                pending = None
                continue
        for k, lab in enumerate(found):
            end = found[k + 1].start if k + 1 < len(found) else len(text)
            value = _value(text, lab.value_start, end)
            is_name = lab.roles.get("sdk") == "sdk_name"
            if pending is not None:  # a numbered heading followed by labels opens a record
                close()
                current, pending = _Record(pending[0], heading=pending), None
            if current is None or current.has(lab.roles) or (
                is_name and (current.heading is None or current.has({"sdk": "sdk_name"}))
            ) or ("sdk" not in lab.roles and current.has({"sdk": "sdk_name"})):
                close()
                current = _Record(no)
            items = [(no, value)] if value else []
            current.labels.append((lab.label, lab.roles, items))
            open_items = items if k == len(found) - 1 else None
    close()
    return _tables(records, notes), notes


def _tables(records: list[_Record], notes: list[str]) -> list[RawTable]:
    tables: list[RawTable] = []
    table: RawTable | None = None
    for rec in records:
        kind = rec.kind()
        if kind is None:
            if len(rec.labels) >= 2:
                notes.append(
                    f"line {rec.line}: a labelled paragraph ("
                    + "、".join(lab for lab, _, _ in rec.labels)
                    + ") was left out: it names neither an SDK with its data or provider, "
                    "nor shared data with a recipient"
                )
            continue
        if table is None or table.kind != kind:
            table = RawTable(kind, rec.line, [], [], layout=LAYOUT)
            tables.append(table)
        cells: dict[str, Cell] = {}
        for label, roles, items in rec.labels:
            role = roles.get(kind)
            if role is None:
                table.notes.append(f"line {rec.line}: label {label!r} means nothing in a {kind} list; left out")
                continue
            if role not in table.roles:
                table.roles.append(role)
                table.headers.append(label)
            cells[role] = Cell(tuple(items))
        name_role = "sdk_name" if kind == "sdk" else "scenario"
        if name_role not in cells and rec.heading is not None:
            cells[name_role] = Cell((rec.heading,))
            if name_role not in table.roles:
                table.roles.append(name_role)
                table.headers.append("(heading)")
        first = min((c.line for c in cells.values() if c.line), default=rec.line)
        if not table.rows:
            table.line = first
        table.rows.append(RawRow(line=first, cells=cells))
    return tables
