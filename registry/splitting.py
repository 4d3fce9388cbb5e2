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

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from registry.vocabulary import Vocabulary, load_vocabulary, name_key

if TYPE_CHECKING:
    from registry.cellwords import CellWords

SEPARATORS = ("以及", "、", "；", ";", "，", ",", "。", "\n")
"""Strings that always end an item (outside parentheses)."""
_STRONG = ("；", ";", "。", "\n")
_WEAK = ("以及", "、", "，", ",")
OPEN, CLOSE = "（(【[", "）)】]"
_PAIR = dict(zip(OPEN, CLOSE, strict=True))
_TRIM = " \t\u3000、；;，,。.：:"
_ETC = re.compile(r"(?:等(?:个人)?(?:信息|数据)?|等等|,?\s*etc\.?)$")
_ENUM = re.compile(
    r"^\s*(?:[(（](?:[a-zA-Z]|[0-9]{1,2}|[ivx]{1,4})[)）]|[①-⑳]|(?:[a-zA-Z]|[0-9]{1,2})[)）])\s*(?=\S)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


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


class _Ctx:
    """The vocabulary and word lists one split works with."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.w: CellWords = vocab.cells
        suffixes = sorted({s.strip() for s in vocab.company_suffixes if s.strip()}, key=len, reverse=True)
        self.suffixes = tuple(suffixes)
        self.ascii_suffixes = tuple(s for s in suffixes if not _CJK.search(s))
        self.suffix_keys = tuple(name_key(s) for s in suffixes)
        alt = "|".join(re.escape(s) for s in self.ascii_suffixes) or r"(?!)"
        self._after_comma = re.compile(rf"\s*(?:{alt})(?=$|[\s,;.()（）、，；:：])", re.I)
        self._resolved: dict[tuple[str, bool], bool] = {}
        self.plain: dict[str, tuple[str, str] | None] = {}
        """Plain tokens seen: token -> (text, raw), or None if it needs the full reading."""
        self.cells: dict[str, list[Item]] = {}
        """Cell lines split before (at line 0): policies repeat their cells."""

    def resolves(self, text: str) -> bool:
        """The vocabulary knows the text (qualifiers in parentheses aside)."""
        return self._lookup(text, True)

    def known(self, text: str) -> bool:
        """The text as it stands, parentheses included, is a known field (银行卡信息及影像)."""
        return self._lookup(text, False)

    def _lookup(self, text: str, trailing: bool) -> bool:
        t = text.strip()
        hit = self._resolved.get((t, trailing))
        if hit is None:
            if len(self._resolved) > 100_000:
                self._resolved.clear()
            hit = bool(t) and self.vocab.resolve_field(t, trailing=trailing) is not None
            self._resolved[(t, trailing)] = hit
        return hit

    def item_like(self, text: str) -> bool:
        """Names a data item: known to the vocabulary, or ending in a data noun."""
        t = self.w.strip_leading_conjunction(_clean(text, self))
        return self.resolves(t) or self.w.head_shaped(t)

    def company(self, text: str) -> bool:
        """Ends in a company suffix (有限公司, "Inc."), a whole word in English ("Zinc" does not)."""
        t = re.sub(r"\s+", " ", text.strip())
        key = name_key(t)
        for s, k in zip(self.suffixes, self.suffix_keys, strict=True):
            if key.endswith(k) and len(key) > len(k) and (
                _CJK.search(s) or re.search(rf"(?:^|[\s,]){re.escape(s)}$", t, re.I)
            ):
                return True
        return False

    def comma_protected(self, text: str, i: int) -> bool:
        """A comma inside a company name ("Stripe, Inc.", "Beijing Co., Ltd.")."""
        return bool(self._after_comma.match(text, i + 1))

    def abbreviation_at(self, text: str, dot: int) -> bool:
        """The full stop at ``dot`` ends an abbreviation or a company suffix, not a sentence."""
        start = dot
        while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(（,，":
            start -= 1
        word = text[start:dot + 1]
        if len(word) <= 2 or word[:-1].isdigit():  # an initial ("J.") or a number ("1.")
            return True
        if self.w.is_abbreviation(word):
            return True
        head = re.sub(r"\s+", " ", text[:dot + 1]).casefold()
        return any(head.endswith(" " + s.casefold()) or head.endswith("," + s.casefold())
                   for s in self.ascii_suffixes if s.endswith("."))


# -- scanning -----------------------------------------------------------------------

_BRACKET = re.compile(r"[（(【\[）)】\]]")
_STRONG_AT = re.compile(r"[；;。\n]|\.(?=\s)")
_WEAK_AT = re.compile(r"以及|[、，,/／【\[]")
_SLASH_AT = re.compile(r"\s*[/／]\s*")


def _depths(text: str) -> bytes | bytearray | None:
    """Bracket depth before each character; None if the brackets do not balance."""
    if not _BRACKET.search(text):
        return bytes(len(text))
    marks = list(_BRACKET.finditer(text))
    out = bytearray(len(text))
    depth, last = 0, 0
    for m in marks:
        i = m.start()
        out[last:i + 1] = bytes((depth,)) * (i + 1 - last)
        if m.group() in OPEN:
            depth = min(depth + 1, 255)
        elif depth:
            depth -= 1
        last = i + 1
    out[last:] = bytes((depth,)) * (len(text) - last)
    return out if depth == 0 else None


def _clauses(text: str, ctx: _Ctx) -> list[str]:
    """The text cut at top-level ；;。, line breaks and sentence ends ("… layer). Function …")."""
    depth = _depths(text) or bytes(len(text))
    parts, start = [], 0
    for m in _STRONG_AT.finditer(text):
        i = m.start()
        if depth[i] or (m.group() == "." and not (
                _sentence_follows(text, i + 1) and not ctx.abbreviation_at(text, i))):
            continue
        parts.append(text[start:i])
        start = i + 1
    parts.append(text[start:])
    return parts


def _sentence_follows(text: str, j: int) -> bool:
    rest = text[j:].lstrip()
    return bool(rest) and (rest[0].isupper() or bool(_CJK.match(rest[0])))


def _weak_parts(text: str, ctx: _Ctx, nested: bool) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(part, qualifiers in scope, the part's own trailing markers) at top-level 、，, and 以及.

    Inside a parenthesis "/" separates members too (``(IMEI/IMSI)``), except in a URL.
    A 【…】 marker holding a qualifier (``【Android】``) is taken out: trailing a part it
    qualifies that part, otherwise every part after it in this list.
    """
    balanced = _depths(text)
    depth = balanced or bytes(len(text))
    slash = nested and "://" not in text and "www." not in text
    out: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    scope: tuple[str, ...] = ()
    own: list[str] = []
    buf: list[str] = []
    start = 0

    def flush() -> None:
        part = "".join(buf)
        if part.strip(_TRIM):
            out.append((part, scope, tuple(own)))
        buf.clear()
        own.clear()

    for m in _WEAK_AT.finditer(text):
        i, tok = m.start(), m.group()
        if i < start or depth[i]:
            continue
        if tok in "【[":
            close = _matching(text, i) if balanced is not None else -1
            label = ctx.w.qualifier_label(text[i + 1:close]) if close > i else None
            if not label:
                continue
            buf.append(text[start:i])
            rest = text[close + 1:].lstrip()
            if (not rest or rest[0] in "、，,；;。" or rest.startswith("以及")) and "".join(buf).strip(_TRIM):
                own.append(label)
            else:
                flush()
                scope = (label,)
            start = close + 1
            continue
        if (tok in ",，" and ctx.comma_protected(text, i)) or (
                tok in "/／" and (not slash or _and_or(text, i))):
            continue
        buf.append(text[start:i])
        flush()
        start = i + len(tok)
    buf.append(text[start:])
    flush()
    return out


def _and_or(text: str, i: int) -> bool:
    return text[max(0, i - 3):i].casefold() == "and" and text[i + 1:i + 3].casefold() == "or"


def _matching(text: str, i: int) -> int:
    """Index of the bracket closing the one at ``i`` (or -1)."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] in OPEN:
            depth += 1
        elif text[j] in CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return -1


def _opening(text: str) -> int:
    """Index of the bracket opening the one that closes ``text`` (or -1)."""
    depth = 0
    for j in range(len(text) - 1, -1, -1):
        if text[j] in CLOSE:
            depth += 1
        elif text[j] in OPEN:
            depth -= 1
            if depth == 0:
                return j
    return -1


def _top_level_find(text: str, pattern: re.Pattern[str] | None = None,
                    needle: str = "") -> list[tuple[int, int]]:
    if (pattern is None and needle not in text) or (pattern is not None and not pattern.search(text)):
        return []
    depth = _depths(text)
    if depth is None:
        return []
    if pattern is not None:
        return [(m.start(), m.end()) for m in pattern.finditer(text) if not depth[m.start()]]
    out: list[tuple[int, int]] = []
    i = text.find(needle)
    while needle and i >= 0:
        if not depth[i]:
            out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


def _without_parens(text: str) -> str:
    if not _BRACKET.search(text):
        return text
    depth = _depths(text)
    if depth is None:
        return text
    return "".join(ch for ch, d in zip(text, depth, strict=True) if not d and ch not in OPEN)


def _trim(text: str, ctx: _Ctx | None = None) -> str:
    """The text without separators and spaces at its ends; "Inc." and "B.V." keep their stop."""
    s = text.strip(_TRIM)
    tail = text.rstrip(" \t\u3000、；;，,。：:")
    if ctx is not None and s and tail.endswith(s + ".") and ctx.abbreviation_at(s + ".", len(s)):
        return s + "."
    return s


def _clean(text: str, ctx: _Ctx | None = None) -> str:
    t = _trim(text, ctx)
    stripped = _trim(_ETC.sub("", t), ctx)
    return stripped or t


# -- items --------------------------------------------------------------------------

_LABEL = re.compile(r"^([^：:、，,；;（）()【】\[\]/]{1,12}?)\s*[：:](?!//)\s*(?=\S)")


# one character class (no nested repeat to backtrack); white space inside an item
# ("User ID", "Android ID") needs the full reading, only line breaks separate here
_PLAIN_CELL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9、，,；;。\n]+")
_PLAIN_SEP = re.compile(r"以及|[、，,；;。\n]+")
_PLAIN_CONJ = re.compile(r"[和及与]")


def _plain(text: str, line: int, ctx: _Ctx) -> list[Item] | None:
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
            got = memo[tok] = (_clean(tok, ctx), _trim(tok, ctx)) if plain else None
        if got is None:
            return None
        out.append(Item(got[0], line, (), got[1]))
    return out


def _items(text: str, line: int, ctx: _Ctx, nested: bool = False) -> list[Item]:
    w = ctx.w
    fast = _plain(text, line, ctx)
    if fast is not None:
        return fast
    if w.is_none(text):
        return []
    out: list[Item] = []
    last: list[Item] = []
    for clause in _clauses(text, ctx):
        c = _trim(_ENUM.sub("", clause, count=1), ctx)
        if not c or w.is_none(c):
            continue
        bare = _without_parens(c)
        if w.is_denial(bare) or (out and w.starts_as_qualifier(c) and not ctx.item_like(c)):
            if last:  # "…, audit logs. No cardholder data.": kept with the items it follows
                n = len(last)
                out[-n:] = last = [replace(i, qualifiers=(*i.qualifiers, c)) for i in out[-n:]]
            continue
        last = _clause_items(c, line, ctx, nested)
        out.extend(last)
    return out


def _clause_items(c: str, line: int, ctx: _Ctx, nested: bool) -> list[Item]:
    w = ctx.w
    whole = c
    quals: list[str] = []
    for dash in w.dashes:
        hits = _top_level_find(c, needle=dash)
        if not hits:
            continue
        left, right = c[:hits[0][0]], c[hits[0][1]:]
        if right.strip() and (w.qualifier_label(right) or w.starts_as_qualifier(right)):
            quals.append(right.strip())
            c = left
        elif left.strip() and len(left.split()) == 1 and not ctx.item_like(left) and right.strip():
            quals.append(_trim(left, ctx))
            c = right
        break
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
    for start, end in _top_level_find(c, w._intro_top):
        if start == 0 or c[start - 1] in " ,，、\t" or _CJK.match(c[start - 1]):
            head, tail = c[:start], c[end:]
            break
    items = _list(head, line, ctx, nested)
    if tail is not None:
        members = tuple(_items(tail, line, ctx, nested=True))
        if items and members:
            g = items[-1]
            items[-1] = replace(g, members=g.members + members, raw=_trim(c[c.find(g.raw):], ctx) if g.raw in c
                                else g.raw)
        elif members:
            items = list(members)
    if label is not None:
        items = [Item(label, line, tuple(items), _trim(whole, ctx))]
    if quals:
        items = [replace(i, qualifiers=(*quals, *i.qualifiers)) for i in items]
    return items


def _list(text: str, line: int, ctx: _Ctx, nested: bool) -> list[Item]:
    w = ctx.w
    items: list[Item] = []
    for part, scope, own in _weak_parts(text, ctx, nested):
        p = _trim(part, ctx)
        p = _trim(w.strip_leading_conjunction(p), ctx)
        if not p or w.is_none(p):
            continue
        if items and w.starts_as_qualifier(p) and not ctx.item_like(p):
            items[-1] = replace(items[-1], qualifiers=(*items[-1].qualifiers, p))
            continue
        if not items and w.is_denial(_without_parens(p)):
            continue
        for it in _conjoined(p, line, ctx, nested):
            extra = (*scope, *it.qualifiers, *own)
            items.append(replace(it, qualifiers=extra) if extra != it.qualifiers else it)
    return items


def _peel_qualifiers(text: str, ctx: _Ctx) -> tuple[str, list[str]]:
    """The text without trailing qualifier parentheses, and those qualifiers."""
    quals: list[str] = []
    t = text
    while t.endswith(("）", ")")):
        o = _opening(t)
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


def _conjoined(text: str, line: int, ctx: _Ctx, nested: bool) -> list[Item]:
    """The items a part names: split at 和/及/与/and/+// where both sides are items."""
    if ctx.known(text):
        return [_group(text, line, ctx)]
    body, quals = _peel_qualifiers(text, ctx)
    if body != text and ctx.known(body):
        return [_group(text, line, ctx)]
    for start, end in _conjunctions(body, ctx, nested):
        a = _trim(body[:start], ctx)
        b = _trim(ctx.w.strip_leading_conjunction(_trim(body[end:], ctx)), ctx)
        if _may_split(a, b, body, body[start:end], ctx):
            pieces = [*_conjoined(a, line, ctx, nested), *_conjoined(b, line, ctx, nested)]
            return [replace(i, qualifiers=(*i.qualifiers, *quals)) if quals else i for i in pieces]
    return [_group(text, line, ctx)]


def _conjunctions(text: str, ctx: _Ctx, nested: bool) -> list[tuple[int, int]]:
    w = ctx.w
    depth = _depths(text)
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
        for m in _SLASH_AT.finditer(text):
            if not depth[m.start()] and not _and_or(text, m.start() + m.group(0).find("/")):
                hits.append((m.start(), m.end()))
    return sorted(hits)


def _may_split(a: str, b: str, whole: str, conj: str, ctx: _Ctx) -> bool:
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
        (_ASCII_WORD.match(a[-1:]) and _ASCII_WORD.match(b[:1])) or not (_CJK.search(a) and _CJK.search(b))
    ):
        return ctx.resolves(a_name) and ctx.resolves(b_name)
    return ctx.item_like(a_name) and ctx.item_like(b_name)


def _group_name(text: str) -> str:
    """The text before a trailing parenthesis (the group's name), else the text."""
    if text.endswith(("）", ")")):
        o = _opening(text)
        if o > 0:
            return text[:o].rstrip()
    return text


def _group(part: str, line: int, ctx: _Ctx) -> Item:
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
        o = _opening(t)
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
        name = _trim(name, ctx)
        if name and members and (intro or len(members) > 1 or ctx.item_like(members[0].text)):
            return Item(_clean(name, ctx), line, members, _trim(raw, ctx), tuple(quals))
        break
    if not ctx.known(t):
        tail = w.trailing_qualifier(t)
        if tail:
            t, q = tail
            quals.insert(0, q)
    return Item(_clean(t, ctx), line, (), _trim(raw, ctx), tuple(quals))


# -- public -------------------------------------------------------------------------

_CTX: dict[int, _Ctx] = {}
_DEFAULT: list[tuple[str | None, Vocabulary]] = []


def _ctx(vocab: Vocabulary | None) -> _Ctx:
    v = vocab
    if v is None:  # the default vocabulary, looked up once per $SHAREGRAPH_VOCAB
        env = os.environ.get("SHAREGRAPH_VOCAB")
        if not _DEFAULT or _DEFAULT[0][0] != env:
            _DEFAULT[:] = [(env, load_vocabulary())]
        v = _DEFAULT[0][1]
    ctx = _CTX.get(id(v))
    if ctx is None or ctx.vocab is not v:
        ctx = _CTX[id(v)] = _Ctx(v)
    return ctx


def _finish(item: Item, ctx: _Ctx) -> Item:
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


def _cell(text: str, line: int, ctx: _Ctx) -> list[Item]:
    """The finished items of one line of a cell, memoized: policies repeat their cells."""
    items = ctx.cells.get(text)
    if items is None:
        if len(ctx.cells) > 50_000:
            ctx.cells.clear()
        items = ctx.cells[text] = [_finish(i, ctx) for i in _items(text, 0, ctx) if i.text]
    return [_reline(i, line) for i in items] if line else list(items)


def split_items(text: str, line: int = 0, *, vocab: Vocabulary | None = None) -> list[Item]:
    """Items of a cell's text, groups with their members; no item for text naming no data.

    ``vocab`` decides where 和/及/and split (a known field is never split); by default
    the vocabulary :func:`~registry.vocabulary.load_vocabulary` finds.
    """
    return _cell(text, line, _ctx(vocab))


def split_lines(lines: Sequence[tuple[int, str]], *, vocab: Vocabulary | None = None) -> list[Item]:
    """Items of a cell given as (line number, text) pairs; each line is its own item list."""
    ctx = _ctx(vocab)
    out: list[Item] = []
    for no, text in lines:
        out.extend(_cell(text, no, ctx))
    return out
