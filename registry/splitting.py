"""Splitting a cell into items, and a group into its members.

Cells list items joined by ``、`` ``；`` ``，`` ``以及`` or standing on their own
lines, sometimes with a separator left at the end (``个人常用设备信息、``). A
parenthesis that lists items makes a group: ``设备信息（包括IP地址、MAC地址）``
is the group 设备信息 with members IP地址 and MAC地址. A parenthesis that lists
nothing stays part of the name (``腾讯云计算（北京）有限责任公司``).

>>> [i.text for i in split_items("姓名、手机号码；身份证号以及住址、")]
['姓名', '手机号码', '身份证号', '住址']
>>> g = split_items("设备信息（包括IP地址、MAC地址）")[0]
>>> g.text, [m.text for m in g.members]
('设备信息', ['IP地址', 'MAC地址'])
>>> [i.text for i in split_items("腾讯云计算（北京）有限责任公司")]
['腾讯云计算（北京）有限责任公司']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATORS = ("以及", "、", "；", ";", "，", ",", "\n")
OPEN, CLOSE = "（(【[", "）)】]"
_TRIM = " \t\u3000、；;，,。.：:"
_LEAD_IN = re.compile(r"^(?:包括但不限于|包括|包含|例如|比如|具体为|具体包括|如|含|即)[：:]?\s*")
_ETC = re.compile(r"(?:等(?:个人)?(?:信息|数据)?|等等)$")


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    """The item as written, trimmed (a group's name without its parenthesis)."""
    line: int = 0
    members: tuple[Item, ...] = ()
    raw: str = ""
    """The item with its parenthesis, as it stood in the cell."""


def _top_level_parts(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        elif depth == 0:
            sep = next((s for s in SEPARATORS if text.startswith(s, i)), None)
            if sep:
                parts.append(text[start:i])
                i += len(sep)
                start = i
                continue
        i += 1
    parts.append(text[start:])
    if depth:  # an unclosed parenthesis: split as if there were none
        return [p for p in re.split("|".join(map(re.escape, SEPARATORS)), text)]
    return parts


def _clean(text: str) -> str:
    t = text.strip(_TRIM)
    stripped = _ETC.sub("", t).strip(_TRIM)
    return stripped or t


def _group(part: str, line: int) -> Item:
    m = re.match(r"^(.+?)[（(](.*)[）)]$", part, re.S)
    if m:
        name, inner = m.group(1).strip(_TRIM), m.group(2)
        lead = _LEAD_IN.match(inner)
        inner_clean = inner[lead.end():] if lead else inner
        members = split_items(inner_clean, line)
        if name and members and (lead or len(members) > 1):
            return Item(_clean(name), line, tuple(members), part)
    return Item(_clean(part), line, (), part)


def split_items(text: str, line: int = 0) -> list[Item]:
    """Items of a cell's text, groups with their members, empty items dropped."""
    out: list[Item] = []
    for part in _top_level_parts(text):
        part = part.strip(_TRIM)
        if not part:
            continue
        item = _group(part, line)
        if item.text:
            out.append(item)
    return out


def split_lines(lines: tuple[tuple[int, str], ...] | list[tuple[int, str]]) -> list[Item]:
    """Items of a cell given as (line number, text) pairs; each line is its own item list."""
    out: list[Item] = []
    for no, text in lines:
        out.extend(split_items(text, no))
    return out
