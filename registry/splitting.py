"""Splitting a cell into items, and a group into its members.

Cells list items joined by ``、`` ``；`` ``，`` ``以及`` or standing on their own
lines, sometimes with a separator left at the end (``个人常用设备信息、``). A
parenthesis that lists items makes a group: ``设备信息（包括IP地址、MAC地址）``
is the group 设备信息 with members IP地址 and MAC地址; so does one item-like
member (``帐号信息（华为帐号ID）``) and a list opened by ``包括`` or "including".
A parenthesis that lists nothing stays part of the name
(``腾讯云计算（北京）有限责任公司``).

Real documents also join items with 和/及/与, "and", "+" and "/". Those split only
where both sides are items (they resolve in ``data/fields.yaml`` or end in a data
noun such as 号码 or "metadata") or both are named companies, and never inside a
known field (``银行卡信息及影像``), an onward processor (``…及其委托的…``) or a
company name (``深圳市和讯华谷信息技术有限公司``, "Stripe, Inc.").

Qualifiers (``（可选）``, ``【Android】``, "when present", "(held by Stripe)") are
taken off the item's text into :attr:`Item.qualifiers`; text that names no data
(``无``, "N/A") or denies collection ("never full transcripts") gives no item.
The words are in ``data/splitting.yaml`` (:mod:`registry.cellwords`).

>>> [i.text for i in split_items("姓名、手机号码；身份证号以及住址、")]
['姓名', '手机号码', '身份证号', '住址']
>>> g = split_items("设备信息（包括IP地址、MAC地址）")[0]
>>> g.text, [m.text for m in g.members]
('设备信息', ['IP地址', 'MAC地址'])
>>> [i.text for i in split_items("腾讯云计算（北京）有限责任公司")]
['腾讯云计算（北京）有限责任公司']
>>> [(i.text, i.qualifiers) for i in split_items("位置信息（可选）、身份证号码及身份证图片")]
[('位置信息', ('可选',)), ('身份证号码', ()), ('身份证图片', ())]
>>> [i.text for i in split_items("Email, name, billing address")] == ["Email", "name", "billing address"]
True
>>> split_items("不涉及")
[]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from registry.cellscan import (
    CJK,
    CLOSE,
    OPEN,
    SLASH_AT,
    CellContext,
    and_or,
    clauses,
    clean,
    context,
    depths,
    opening,
    top_level_find,
    trim,
    weak_parts,
    without_parens,
)
from registry.lazy_re import lazy_compile
from registry.vocabulary import Vocabulary, name_key

SEPARATORS = ("以及", "、", "；", ";", "，", ",", "。", "\n")
"""Strings that always end an item (outside parentheses)."""
_ENUM = re.compile(
    r"^\s*(?:[(（](?:[a-zA-Z]|[0-9]{1,2}|[ivx]{1,4})[)）]|[①-⑳]|(?:[a-zA-Z]|[0-9]{1,2})[)）])\s*(?=\S)")
_ASCII_WORD = lazy_compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    """The item as written, trimmed: a group's name without its parenthesis, an item
    without its qualifiers."""
    line: int = 0
    members: tuple[Item, ...] = ()
    raw: str = ""
    """The item with its parenthesis and qualifiers, as it stood in the cell."""
    qualifiers: tuple[str, ...] = ()
    """What the cell says about when, where or how the item is collected, as written
    (``可选``, ``when present``, ``held by Stripe, not Acuity``); platform markers as
    ``platform: Android``. A clause that denies collection after the items
    ("No cardholder data.") is kept here too."""


# -- items --------------------------------------------------------------------------

_LABEL = re.compile(r"^([^：:、，,；;（）()【】\[\]/]{1,12}?)\s*[：:](?!//)\s*(?=\S)")


# one character class (no nested repeat to backtrack); white space inside an item
# ("User ID", "Android ID") needs the full reading, only line breaks separate here
_PLAIN_CELL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9、，,；;。\n]+")
_PLAIN_SEP = re.compile(r"以及|[、，,；;。\n]+")
_PLAIN_CONJ = re.compile(r"[和及与]")


def _plain(text: str, line: int, ctx: CellContext) -> list[Item] | None:
    """The items of a cell of plain words between 、，；: the common case, split fast.

    None if any token needs the full reading (a conjunction, a qualifier, "none" word).
    """
    if not _PLAIN_CELL.fullmatch(text):
        return None
    w = ctx.w
    memo = ctx.plain
    out = []
    for tok in _PLAIN_SEP.split(text):
        if not tok:
            continue
        got = memo.get(tok, False)
        if got is False:
            if len(memo) > 100_000:
                memo.clear()
            plain = not (_PLAIN_CONJ.search(tok) or w.is_none(tok) or w.starter_length(tok)
                         or w.leading_qualifier(tok) or w.is_denial(tok))
            got = memo[tok] = (clean(tok, ctx), trim(tok, ctx)) if plain else None
        if got is None:
            return None
        out.append(Item(got[0], line, (), got[1]))
    return out


_INLINE_NUMBER = lazy_compile(r"(?:^|(?<=\s))(\d{1,2})[.、．](?=[^\d\s])")


def unnumbered(text: str) -> str:
    """The text with an inline numbered list's marks made item breaks: ``1.本机设备信息 2.MAC地址``.

    Only a run counting up from 1, each mark at the start or after a space, counts: a
    version number (``3.0``) or a lone ``2.`` stays text.

    >>> unnumbered("1.本机设备信息(IMEI、IMSI) 2.MAC地址 3.手机型号")
    '本机设备信息(IMEI、IMSI)；MAC地址；手机型号'
    >>> unnumbered("版本 2.x 的日志")
    '版本 2.x 的日志'
    """
    marks = list(_INLINE_NUMBER.finditer(text))
    if len(marks) < 2 or marks[0].start() != len(text) - len(text.lstrip()):
        return text
    want, run = 1, []
    for m in marks:
        if int(m.group(1)) == want:
            run.append(m)
            want += 1
    if len(run) < 2:
        return text
    out, last = [], 0
    for k, m in enumerate(run):
        if k:
            out.append(text[last:m.start()].rstrip() + "；")
        last = m.end()
    out.append(text[last:])
    return "".join(out).strip()


def _items(text: str, line: int, ctx: CellContext, nested: bool = False) -> list[Item]:
    w = ctx.w
    if not nested and text[:1].isdigit():
        text = unnumbered(text)
    fast = _plain(text, line, ctx)
    if fast is not None:
        return fast
    if w.is_none(text):
        return []
    out: list[Item] = []
    last: list[Item] = []
    parts = [c for c in (trim(_ENUM.sub("", clause, count=1), ctx) for clause in clauses(text, ctx)) if c]
    if len(parts) > 1 and w.is_none(parts[0]):
        # "Not used. Sentry covers our crash and error telemetry; …": a cell that opens by
        # saying it names nothing explains why in what follows; those words are no data
        return []
    for c in parts:
        if w.is_none(c):
            continue
        bare = without_parens(c)
        if w.is_denial(bare) or (out and w.starts_as_qualifier(c) and not ctx.item_like(c)):
            if last:  # "…, audit logs. No cardholder data.": kept with the items it follows
                n = len(last)
                out[-n:] = last = [replace(i, qualifiers=(*i.qualifiers, c)) for i in out[-n:]]
            continue
        last = _clause_items(c, line, ctx, nested)
        out.extend(last)
    return out


def _clause_items(c: str, line: int, ctx: CellContext, nested: bool) -> list[Item]:
    w = ctx.w
    whole = c
    quals: list[str] = []
    for dash in w.dashes:
        hits = top_level_find(c, needle=dash)
        if not hits:
            continue
        left, right = c[:hits[0][0]], c[hits[0][1]:]
        if right.strip() and (w.qualifier_label(right) or w.starts_as_qualifier(right)):
            quals.append(right.strip())
            c = left
        elif left.strip() and len(left.split()) == 1 and not ctx.item_like(left) and right.strip():
            quals.append(trim(left, ctx))
            c = right
        break
    purpose = w.purpose_after_colon(c)
    if purpose is not None:  # "设备标识符（Android ID/IDFA）：用于用户身份识别": the purpose, not items
        c, why = purpose
        quals.append(why)
    label = None
    m = _LABEL.match(c)
    if m and not m.group(1).strip().isdigit() and not ctx.known(c):
        name = m.group(1).strip()
        if ctx.resolves(name):
            label = name
        else:
            quals.append(w.platform_label(name) or name)
        c = c[m.end():]
    head, tail = c, None
    for start, end in top_level_find(c, w._intro_top):
        if start == 0 or c[start - 1] in " ,，、\t" or CJK.match(c[start - 1]):
            head, tail = c[:start], c[end:]
            break
    items = _list(head, line, ctx, nested)
    if tail is not None:
        members = tuple(_items(tail, line, ctx, nested=True))
        if items and members:
            g = items[-1]
            items[-1] = replace(g, members=g.members + members, raw=trim(c[c.find(g.raw):], ctx) if g.raw in c
                                else g.raw)
        elif members:
            items = list(members)
    if label is not None:
        items = [Item(label, line, tuple(items), trim(whole, ctx))]
    if quals:
        items = [replace(i, qualifiers=(*quals, *i.qualifiers)) for i in items]
    return items


def _list(text: str, line: int, ctx: CellContext, nested: bool) -> list[Item]:
    w = ctx.w
    items: list[Item] = []
    lead: tuple[str, ...] = ()  # "Android如IMEI、IMSI，iOS如IDFV": the platform of the items after it
    for part, scope, own in weak_parts(text, ctx, nested):
        p = trim(part, ctx)
        p = trim(w.strip_leading_conjunction(p), ctx)
        if not p or w.is_none(p):
            continue
        opened = w.platform_lead(p) if not ctx.known(p) else None
        if opened:
            lead, p = (opened[0],), opened[1]
        scope = (*scope, *lead)
        if items and w.starts_as_qualifier(p) and not ctx.item_like(p):
            items[-1] = replace(items[-1], qualifiers=(*items[-1].qualifiers, p))
            continue
        if not items and w.is_denial(without_parens(p)):
            continue
        for it in _conjoined(p, line, ctx, nested):
            extra = (*scope, *it.qualifiers, *own)
            items.append(replace(it, qualifiers=extra) if extra != it.qualifiers else it)
    return items


def _peel_qualifiers(text: str, ctx: CellContext) -> tuple[str, list[str]]:
    """The text without trailing qualifier parentheses, and those qualifiers."""
    quals: list[str] = []
    t = text
    while t.endswith(("）", ")")):
        o = opening(t)
        if o <= 0:
            break
        inner = t[o + 1:-1]
        if ctx.w.intro_length(inner) > ctx.w.starter_length(inner):
            break
        label = ctx.w.qualifier_label(inner)
        if not label:
            break
        quals.insert(0, label)
        t = t[:o].rstrip()
    return t, quals


_CONJ_MAX_TEXT = 300
"""Longer parts are prose: not split at conjunctions (and no quadratic work on them)."""
_CONJ_MAX = 16


def _conjoined(text: str, line: int, ctx: CellContext, nested: bool) -> list[Item]:
    """The items a part names: split at 和/及/与/and/+// where both sides are items.

    The part is cut into segments at its conjunctions; a conjunction splits when the run
    before it and the segment after it are both items and no known field spans it
    (访问日期和时间及访问记录 gives 访问日期和时间, 访问记录).
    """
    if ctx.known(text):
        return [_group(text, line, ctx)]
    body, quals = _peel_qualifiers(text, ctx)
    if body != text and ctx.known(body):
        return [_group(text, line, ctx)]
    hits = _conjunctions(body, ctx, nested) if len(body) <= _CONJ_MAX_TEXT else []
    if not hits or len(hits) > _CONJ_MAX:
        return [_group(text, line, ctx)]
    starts = [0, *(e for _, e in hits)]
    ends = [*(s for s, _ in hits), len(body)]
    pieces: list[str] = []
    run = 0
    for i, (s, e) in enumerate(hits):
        left = ctx.w.strip_leading_conjunction(trim(body[run:s], ctx)) if run else trim(body[run:s], ctx)
        right = trim(ctx.w.strip_leading_conjunction(trim(body[starts[i + 1]:ends[i + 1]], ctx)), ctx)
        spanned = ctx.known(trim(body[starts[i]:ends[i + 1]], ctx))
        if not spanned and _may_split(trim(left, ctx), right, body, body[s:e], ctx):
            pieces.append(trim(left, ctx))
            run = e
    if not pieces:
        return [_group(text, line, ctx)]
    pieces.append(trim(ctx.w.strip_leading_conjunction(trim(body[run:], ctx)), ctx))
    items = [_group(p, line, ctx) for p in pieces if p]
    return [replace(i, qualifiers=(*i.qualifiers, *quals)) if quals else i for i in items]


def _conjunctions(text: str, ctx: CellContext, nested: bool) -> list[tuple[int, int]]:
    w = ctx.w
    depth = depths(text)
    if depth is None:
        return []
    hits: list[tuple[int, int]] = []
    for m in w.conj_zh_at.finditer(text):
        i = m.start()
        if not depth[i] and not any(
            text.startswith(n, j) for n in w.conj_not_in
            for j in range(max(0, i - len(n) + 1), i + 1)
        ):
            hits.append((i, m.end()))
    for m in w.conj_en_at.finditer(text):
        if not depth[m.start()]:
            hits.append((m.start(), m.end()))
    if not nested and "://" not in text and "www." not in text:
        for m in SLASH_AT.finditer(text):
            if not depth[m.start()] and not and_or(text, m.start() + m.group(0).find("/")):
                hits.append((m.start(), m.end()))
    return sorted(hits)


def _may_split(a: str, b: str, whole: str, conj: str, ctx: CellContext) -> bool:
    if len(name_key(a)) < 2 or len(name_key(b)) < 2:
        return False
    if ctx.company(a) and ctx.company(b):
        return True
    if ctx.company(whole):
        return False
    a_name = _peel_qualifiers(_group_name(a), ctx)[0]
    b_name = _peel_qualifiers(_group_name(b), ctx)[0]
    # "IMEI/IMSI" splits; "hashed credentials/identity tokens" and "Android/iOS" do not,
    # unless each side is a known field (驾驶证/行驶证照片 is itself one)
    if conj.strip() in ("/", "／") and not conj.startswith(" ") and (
        (_ASCII_WORD.match(a[-1:]) and _ASCII_WORD.match(b[:1])) or not (CJK.search(a) and CJK.search(b))
    ):
        return ctx.resolves(a_name) and ctx.resolves(b_name)
    return ctx.item_like(a_name) and ctx.item_like(b_name)


def _group_name(text: str) -> str:
    """The text before a trailing parenthesis (the group's name), else the text."""
    if text.endswith(("）", ")")):
        o = opening(text)
        if o > 0:
            return text[:o].rstrip()
    return text


def _group(part: str, line: int, ctx: CellContext) -> Item:
    """One item: a group if a trailing parenthesis lists members, qualifiers taken off."""
    w = ctx.w
    raw = part
    quals: list[str] = []
    t = part
    lead = w.leading_qualifier(t)
    if lead and not ctx.known(t):
        quals.append(lead[0])
        t = t[t.find(lead[1]):]
    while t.endswith(("）", ")")) and not ctx.known(t):
        o = opening(t)
        if o <= 0:
            break
        name, inner = t[:o].rstrip(), t[o + 1:-1]
        intro = w.intro_length(inner)
        if intro <= w.starter_length(inner):
            label = w.qualifier_label(inner)
            if label:
                quals.insert(0, label)
                t = name
                continue
        members = tuple(_items(inner[intro:], line, ctx, nested=True))
        name = trim(name, ctx)
        if name and members and (intro or len(members) > 1 or ctx.item_like(members[0].text)):
            return Item(clean(name, ctx), line, members, trim(raw, ctx), tuple(quals))
        break
    if not ctx.known(t):
        tail = w.trailing_qualifier(t)
        if tail:
            t, q = tail
            quals.insert(0, q)
    return Item(clean(t, ctx), line, (), trim(raw, ctx), tuple(quals))


# -- public -------------------------------------------------------------------------

def _finish(item: Item, ctx: CellContext) -> Item:
    """The item with ``platform: …`` added where a qualifier names one ("only on iOS")."""
    extra = []
    for q in item.qualifiers:
        p = None if q.startswith("platform: ") else ctx.w.platforms_named(q)
        if p and p not in item.qualifiers and p not in extra:
            extra.append(p)
    members = tuple(_finish(m, ctx) for m in item.members if m.text)
    if extra or members != item.members:
        return replace(item, members=members, qualifiers=(*item.qualifiers, *extra))
    return item


def _reline(item: Item, line: int) -> Item:
    return replace(item, line=line, members=tuple(_reline(m, line) for m in item.members))


def closed_at_end(text: str) -> str:
    """The text with a parenthesis it leaves open read as a break between items.

    A cell cut off, or a closing parenthesis forgotten (``设备网络环境信息（IP地址，WiFi信息``):
    where the members would end is unknown, so they are not made a group, but neither is
    the parenthesis part of an item (``设备网络环境信息（IP地址`` named no field). A closer
    with no opener, or an opener with nothing after it, leaves the text as it is.

    >>> closed_at_end("设备信息（IMEI、姓名")
    '设备信息、IMEI、姓名'
    >>> closed_at_end("IMEI)、MAC")
    'IMEI)、MAC'
    """
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in OPEN:
            stack.append(i)
        elif ch in CLOSE:
            if not stack:
                return text
            stack.pop()
    if (not stack or len(stack) > 2 or any(text[i] not in "（(" for i in stack)
            or not text[stack[-1] + 1:].strip()):
        return text  # "… (" at the end opens nothing: a line broken before its parenthesis
    out = list(text)
    for i in stack:
        out[i] = "、"
    return "".join(out)


def _cell(text: str, line: int, ctx: CellContext, *, last: bool = True) -> list[Item]:
    """The finished items of one line of a cell, memoized: policies repeat their cells.

    A bracket the cell leaves open is closed at the end of its ``last`` line only: a
    parenthesis opened on one line of a cell may close on the next.
    """
    key = text if last else "\x00" + text
    items = ctx.cells.get(key)
    if items is None:
        if len(ctx.cells) > 50_000:
            ctx.cells.clear()
        whole = closed_at_end(text) if last and any(c in OPEN for c in text) else text
        items = ctx.cells[key] = [_finish(i, ctx) for i in _items(whole, 0, ctx) if i.text]
    return [_reline(i, line) for i in items] if line else list(items)


def split_items(text: str, line: int = 0, *, vocab: Vocabulary | None = None, whole: bool = True) -> list[Item]:
    """Items of a cell's text, groups with their members; no item for text naming no data.

    ``vocab`` decides where 和/及/and split (a known field is never split); by default
    the vocabulary :func:`~registry.vocabulary.load_vocabulary` finds. ``whole=False``
    for a sample of a cell (its start): a bracket it leaves open may close further on.
    """
    return _cell(text, line, context(vocab), last=whole)


def split_lines(lines: Sequence[tuple[int, str]], *, vocab: Vocabulary | None = None) -> list[Item]:
    """Items of a cell given as (line number, text) pairs; each line is its own item list."""
    ctx = context(vocab)
    out: list[Item] = []
    lines = list(lines)
    # a bracket opened on one line and closed on a later one: no line is closed at its end
    spread = len(lines) > 1 and closed_at_end("\n".join(t for _, t in lines[:-1])) != "\n".join(
        t for _, t in lines[:-1])
    for k, (no, text) in enumerate(lines):
        out.extend(_cell(text, no, ctx, last=k == len(lines) - 1 and not spread))
    return out


@dataclass(frozen=True, slots=True)
class Enumeration:
    """The items one list of a cell names: one clause of one line (``A、B及其委托的…``).

    A recipient cell's ``及其委托的…`` speaks of every recipient listed before it in its
    list (:func:`registry.normalize.classify_enumeration`), so the recipients are read a
    list at a time. A line break, ``；`` ``;`` ``。`` or a sentence end ends a list.
    """

    text: str
    """The line as written."""
    line: int
    items: tuple[Item, ...]
    spans: tuple[tuple[int, int] | None, ...]
    """Where each item stands in :attr:`text` (None where its text is not found as written)."""

    def written(self, first: int, last: int) -> str:
        """The text from item ``first`` to the end of item ``last``, as written.

        >>> e = split_enumerations([(7, "甲有限公司、乙有限公司及其委托的外包服务机构")])[0]
        >>> e.written(0, 1)
        '甲有限公司、乙有限公司及其委托的外包服务机构'
        """
        a, b = self.spans[first], self.spans[last]
        if a is None or b is None or a[0] > b[1]:
            return "、".join(i.raw or i.text for i in self.items[first:last + 1])
        return self.text[a[0]:b[1]]


def split_enumerations(lines: Sequence[tuple[int, str]], *, vocab: Vocabulary | None = None) -> list[Enumeration]:
    """The items of :func:`split_lines`, in the same order, grouped by the list they stand in.

    >>> [[i.text for i in e.items] for e in split_enumerations([(1, "甲公司、乙公司；丙公司"), (2, "丁公司")])]
    [['甲公司', '乙公司'], ['丙公司'], ['丁公司']]
    """
    ctx = context(vocab)
    out: list[Enumeration] = []
    for no, text in lines:
        items = _cell(text, no, ctx)
        if not items:
            continue
        starts, pos = [], 0
        for part in clauses(text, ctx):
            starts.append(pos)
            pos += len(part) + 1
        groups: list[tuple[int, list[Item], list[tuple[int, int] | None]]] = []
        cursor = 0
        for it in items:
            span = _find(text, it, cursor)
            clause = -1 - len(groups) if span is None else bisect_right(starts, span[0]) - 1
            if span is not None:
                cursor = span[1]
            if not groups or groups[-1][0] != clause:
                groups.append((clause, [], []))
            groups[-1][1].append(it)
            groups[-1][2].append(span)
        out.extend(Enumeration(text, no, tuple(g), tuple(s)) for _, g, s in groups)
    return out


def _find(text: str, item: Item, start: int) -> tuple[int, int] | None:
    """Where the item stands in its line, at or after ``start``: its raw text, else its text."""
    for needle in (item.raw, item.text):
        i = text.find(needle, start) if needle else -1
        if i >= 0:
            return i, i + len(needle)
    return None
