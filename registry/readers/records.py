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
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from registry.columns import Record, looks_like_sdk_name, records_table
from registry.lazy_re import lazy_compile
from registry.readers import Document, Found
from registry.tables import Cell, RawRow, RawTable, header_key, header_specs, headers_words, role_of
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
    return dict(_label_index().get(header_key(label.strip(_EDGE + "【】[]「」")), {}))


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


# -- labelled records of any labels ----------------------------------------------------------
# The reader above knows only the labels of data/headers.yaml. Real lists use labels of their
# own (处理方式, 实现功能/场景, 第三方SDK提供方的公司名称, Shared Information Name); the reader
# below takes any short ``label：value`` line as a label, groups the lines into records,
# and lets registry.columns decide from the labels and values which is the recipient and
# which the data. Unknown labels are kept as attributes, never a reason to drop a record.

_LABEL_LINE = re.compile(
    r"^(?P<mark>\s*(?:[-*+•·▪●○>]\s*)?(?:\d{1,3}(?:\.\d{1,3}){0,3}[.、．)）]?\s*|[（(][一二三四五六七八九十\d]{1,3}[）)]\s*"
    r"|[①-⑳]\s*|[a-zA-Z][.)]\s+)?)"
    r"(?P<label>[^：:。，,；;！？!?\s][^：:。，,；;！？!?]{0,23}?)\s*[：:]\s*(?P<value>.*)$")
_TITLE_MARK = re.compile(
    r"^\s*(?:#{1,6}\s*|[①-⑳]\s*|\d{1,3}(?:\.\d{1,3}){0,3}[.、．)）]?\s*|[（(][一二三四五六七八九十\d]{1,3}[）)]\s*"
    r"|[一二三四五六七八九十]{1,3}[、.．]\s*|[a-zA-Z][)）]\s*|【)")
_NOT_LABEL = re.compile(r"^(?:https?|ftp|mailto|www)$|^\d+$", re.IGNORECASE)
_MAX_TITLE = 60
_MAX_CONTINUATION = 200


@functools.cache
def _lead_in_endings() -> tuple[str, ...]:
    """``lead_in_endings`` of ``data/headers.yaml``, in name_key form."""
    return headers_words("lead_in_endings")


def _label_line(text: str) -> tuple[str, str, str] | None:
    """``(mark, label, value)`` where the line is ``label：value`` (mark: its numbering); a
    sentence leading into a list ("我们接入的第三方SDK目录如下：") is no label."""
    m = _LABEL_LINE.match(text)
    if not m or (not m.group("value").strip() and name_key(m.group("label")).endswith(_lead_in_endings())):
        # a label alone on its line may hold a comma: "第三方隐私政策链接，仅供参考："
        if text.endswith(("：", ":")) and 2 < len(text) <= 30 and "。" not in text:
            mark = _TITLE_MARK.match(text)
            label = text[mark.end() if mark else 0:-1].strip(_EDGE)
            if label and not _NOT_LABEL.match(label):
                return (mark.group(0).strip() if mark else "") + _LOOSE, label, ""
        return None
    label = m.group("label").strip(_EDGE)
    if not label or _NOT_LABEL.match(label) or label.endswith(("http", "https")):
        return None
    return m.group("mark").strip(), label, m.group("value").strip()


def _title_of(text: str) -> str | None:
    t = text.strip()
    if not t or len(t) > _MAX_TITLE or t.endswith(("。", "：", ":", "；", ";", "，", ",")):
        return None
    m = _TITLE_MARK.match(t)
    title = t[m.end():] if m else t
    title = title.strip(_EDGE + "【】")
    return title or None


def sniff(doc: Document) -> float:
    """Up to 0.7, by how many lines read as ``label：value``."""
    n = 0
    for _no, text in doc.text_lines[:20000]:
        if "：" in text or ":" in text:
            t = text.strip()
            n += max(len(_labels_in(t)), 1 if _label_line(t) else 0)
            if n >= 12:
                break
    return 0.0 if n < 2 else min(0.7, 0.1 + n * 0.05)


def read(doc: Document) -> Found:
    """Disclosures written as labelled records (``SDK名称：…`` lines, one record a block)."""
    lines = doc.text_lines
    tables, notes = read_labelled_records(lines)
    # the older reader finds labels run together on one line (SDK name: … Third party: …);
    # it reads only what the labelled-record reader left
    done = {ln for t in tables for r in t.rows for c in (*r.cells.values(), *r.extras.values())
            for ln, _ in c.items}
    legacy, lnotes = read_paragraph_lists(lines, doc.path, skip=frozenset(done))
    # the older reader's notes on lines the newer one read are not news
    read = {c.line for t in tables for r in t.rows for c in r.cells.values()} | {t.line for t in tables}
    read |= {_note_line(n) for n in notes} | {_note_line(n) for t in tables for n in t.notes}
    lnotes = [n for n in lnotes if _note_line(n) not in read]
    return Found("records", tables + legacy, notes + lnotes,
                 saw="no run of labelled lines naming a recipient and data")


def _note_line(note: str) -> int:
    m = re.match(r"line (\d+):", note)
    return int(m.group(1)) if m else -1


def read_labelled_records(lines: Sequence[tuple[int, str]]) -> tuple[list[RawTable], list[str]]:
    """Records of ``label：value`` lines, each started by a title or a repeated label.

    A record starts at a title line followed by labels (``2.1微信SDK``, ``①…``, a
    heading, ``【…】``), at a label the open record already has, or at a label line
    with a circled or parenthesized number (``⑨SDK名称：…``). A line that is no label
    continues the last label's value (a wrapped value); a paragraph of prose ends
    the run of records.
    """
    entries: list[tuple[int, str, tuple[str, str, str] | None]] = []
    for no, t in lines:
        t = t.strip()
        if not t:
            continue
        segments = _segments(t)
        if len(segments) > 1:
            entries.extend((no, seg, lab) for seg, lab in segments)
        else:
            entries.append((no, t, _label_line(t)))
    blocks: list[list[_Open]] = []
    block: list[_Open] = []
    rec: _Open | None = None
    pending_title: tuple[int, str] | None = None

    def close_record() -> None:
        nonlocal rec
        if rec is not None and rec.pairs:
            block.append(rec)
        rec = None

    def close_block() -> None:
        nonlocal block
        close_record()
        if block:
            blocks.append(block)
        block = []

    for k, (no, text, lab) in enumerate(entries):
        if lab is None:
            nxt = entries[k + 1][2] if k + 1 < len(entries) else None
            title = _title_of(text)
            listing = rec is not None and rec.pairs and (not rec.pairs[-1][1] or _LIST_MARK.match(text)
                                                         or _open_parenthesis(rec.pairs[-1][1]))
            if title and nxt is not None and not listing:
                close_record()
                pending_title = (no, title)
                continue
            if rec is not None and rec.pairs and len(text) <= _MAX_CONTINUATION and not _is_prose_line(text) \
                    and not _ends_value(rec.pairs[-1][1], text):
                bullet = _BULLET.match(text)
                item = text[bullet.end():].strip(_EDGE) if bullet else text
                if item:
                    rec.pairs[-1][1].append((no, item))  # a value wrapped onto the next line
                continue
            close_block()
            pending_title = None
            continue
        mark, label, value = lab
        if (rec is not None and rec.pairs and not mark and not label_roles(label)
                and _item_with_purpose(text)):
            # "網絡信息(網絡類型、IP 地址):用于判断…": an item of the value above and what it is
            # for, not a label of its own
            rec.pairs[-1][1].append((no, text))
            continue
        if mark.endswith(_LOOSE):
            if rec is None or not rec.pairs or pending_title is not None:
                # "本政策将帮您了解以下内容：" is a lead-in, not a label, outside a record
                if rec is not None and rec.pairs and len(text) <= _MAX_CONTINUATION:
                    rec.pairs[-1][1].append((no, text))
                else:
                    close_block()
                    pending_title = None
                continue
            mark = mark[:-1]
        key = name_key(label)
        starts = (pending_title is not None or rec is None
                  or key in rec.keys
                  or (bool(_RECORD_MARK.match(mark)) and len(rec.pairs) >= 2)
                  or (_opens_record(label) and bool(rec.pairs)
                      and (rec.title is not None or any(_opens_record(x) for x, _ in rec.pairs))))
        if starts:
            close_record()
            rec = _Open(pending_title[0] if pending_title else no, pending_title)
            pending_title = None
        assert rec is not None
        rec.pairs.append((label, [(no, value)] if value else []))
        rec.keys.add(key)
    close_block()

    tables: list[RawTable] = []
    notes: list[str] = []
    for b in (part for whole in blocks for part in _split_by_kind(whole)):
        recs = [_record(r) for r in b]
        if sum(len(r.pairs) for r in recs) < 2:
            continue
        t = records_table(recs, "records")
        if isinstance(t, str):
            if len(recs) >= 2 or len(recs[0].pairs) >= 3:
                labels = "、".join(dict.fromkeys(lab for r in recs for lab in r.labels()))
                notes.append(f"line {recs[0].line}: {len(recs)} labelled record(s) ({labels[:120]}) "
                             f"were left out: {t}")
            continue
        tables.append(t)
    return tables, notes


_INLINE_SEP = lazy_compile(r"\s*[；;|]\s*|\s{2,}|\t+")


def _segments(text: str) -> list[tuple[str, tuple[str, str, str] | None]]:
    """``label：value`` segments of a line that holds several (``SDK名称：…；使用目的：…``)."""
    if text.count("：") + text.count(":") < 2:
        return []
    parts = [p for p in _INLINE_SEP.split(text) if p.strip()]
    if len(parts) < 2:
        parts = _at_known_labels(text)
    if len(parts) < 2:
        return []
    labs = [_label_line(p) for p in parts]
    if sum(1 for lab in labs if lab) < 2 or labs[0] is None:
        return []
    out: list[tuple[str, tuple[str, str, str] | None]] = []
    for p, lab in zip(parts, labs, strict=True):
        if lab is None and out:  # a separator inside a value: join it back
            prev, plab = out[-1]
            assert plab is not None
            out[-1] = (prev + "；" + p, (plab[0], plab[1], plab[2] + "；" + p))
        else:
            out.append((p, lab))
    return out


_SPACE_LABEL = lazy_compile(r"\s+(?=([^\s：:，,。；;]{2,16})[：:](?!//))")


def _at_known_labels(text: str) -> list[str]:
    """The line cut at single spaces before labels of ``data/headers.yaml``: a page whose line
    breaks were lost between labels (``SDK名称:穿山甲广告SDK 使用目的:… 运营方:…``)."""
    cuts = [m.start() for m in _SPACE_LABEL.finditer(text) if label_roles(m.group(1))]
    if not cuts:
        return []
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


@functools.cache
def _exclusive_kinds() -> dict[str, str]:
    """name_key(label) -> kind, for labels that are a synonym in one kind of list only."""
    seen: dict[str, set[str]] = {}
    for spec in header_specs():
        for syns in spec.synonyms.values():
            for s in syns:
                seen.setdefault(s, set()).add(spec.kind)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


@functools.lru_cache(maxsize=4096)
def _opens_record(label: str) -> bool:
    """True for a label that names an SDK (SDK名称): it opens a record after a titled one.

    Scenario labels (使用场景) do not: in an SDK's record they describe its use, and a
    sharing list's records repeat their first label anyway.
    """
    key = name_key(label)
    return any(key in spec.synonyms.get("sdk_name", ()) for spec in header_specs())


@functools.lru_cache(maxsize=4096)
def _names_record(label: str, roles: tuple[str, ...] = ("sdk_name", "scenario")) -> bool:
    """True for a label that names the record (SDK名称, 共享场景): a title above it is a heading."""
    key = name_key(label)
    return any(key in spec.synonyms.get(role, ()) for spec in header_specs() for role in roles)


def _kind_of(rec: _Open) -> str | None:
    kinds = _exclusive_kinds()
    votes = [kinds[name_key(lab)] for lab, _ in rec.pairs if name_key(lab) in kinds]
    if rec.title and re.search(r"sdk\s*$", rec.title[1], re.IGNORECASE):
        votes += ["sdk", "sdk"]  # the record is an SDK's: that outweighs a 共享信息 label under it
    if not votes:
        return None
    counts = {k: votes.count(k) for k in ("sdk", "sharing")}
    if counts["sdk"] == counts["sharing"]:
        return None  # a tie says nothing: the record goes with the records around it
    return "sdk" if counts["sdk"] > counts["sharing"] else "sharing"


def _split_by_kind(block: list[_Open]) -> list[list[_Open]]:
    """A run of records cut where the labels turn from an SDK list to a sharing list (or back)."""
    out: list[list[_Open]] = []
    current: list[_Open] = []
    kind: str | None = None
    for rec in block:
        k = _kind_of(rec)
        if current and k is not None and kind is not None and k != kind:
            out.append(current)
            current = []
        if k is not None:
            kind = k
        current.append(rec)
    if current:
        out.append(current)
    return out


_LOOSE = "\x00"
"""Appended to a label's mark where the label was read loosely (a comma in it): it is taken
only inside a record that already has labels, never to open one."""

_LIST_MARK = re.compile(r"^\s*[-*+•·▪●○]\s*")
"""A list item's mark: a line with one goes on the value above (a numbered line may be a title)."""

_RECORD_MARK = re.compile(r"^(?:[①-⑳]|[（(][一二三四五六七八九十\d]{1,3}[）)])")


@dataclass
class _Open:
    """A record being read: its line, title, and labels with their growing item lists."""

    line: int
    title: tuple[int, str] | None
    pairs: list[tuple[str, list[tuple[int, str]]]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    """name_key of every label so far (a repeated label opens the next record)."""


def _record(r: _Open) -> Record:
    """The record, its title dropped where a label names it (the title was a section heading)."""
    pairs = [(lab, Cell(tuple(items))) for lab, items in r.pairs]
    # a title that is an SDK's name ("1. 微博SDK") is a heading only above an SDK名称 label: a
    # 使用场景 under it says what the SDK is used for, it does not name the record
    roles = ("sdk_name",) if r.title and looks_like_sdk_name(r.title[1]) else ("sdk_name", "scenario")
    if r.title and any(_names_record(lab, roles) for lab, _ in r.pairs):
        return Record(min(ln for _, c in pairs for ln, _ in c.items) if any(c.items for _, c in pairs)
                      else r.line, None, pairs)
    return Record(r.line, r.title, pairs)


def _item_with_purpose(text: str) -> bool:
    """``items：用于…``: a data item and its purpose (``qualifiers.purpose_openers``)."""
    from registry.cellwords import load_cell_words

    return load_cell_words().purpose_after_colon(text) is not None


def _open_parenthesis(items: list[tuple[int, str]]) -> bool:
    """True where the value's last line opens a bracket it does not close: the next line goes
    on with it ("usage: email backend (transactional, e.g. welcome, password" / "resets, ...)")."""
    from registry.cellscan import depths

    return depths(items[-1][1]) is None


def _ends_value(items: list[tuple[int, str]], text: str) -> bool:
    """True where a line after a value is no part of it: a sentence after a link, or a
    sentence of its own (``如您对本政策有任何疑问，可通过客服与我们联系。``)."""
    if not items:
        return False
    from registry.columns import looks_like_url

    last = items[-1][1]
    if looks_like_url(last) and not looks_like_url(text):
        return True
    return text.endswith(("。", "！", "？")) and ("，" in text or "," in text) and not _LIST_MARK.match(text)


def _is_prose_line(text: str) -> bool:
    return len(text) > 80 and ("。" in text or ". " in text)
