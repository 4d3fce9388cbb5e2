"""Scanning a cell's text: brackets, clauses, list parts, and the context a split uses.

The low half of :mod:`registry.splitting`: where the top level of a text is (outside
brackets), where its clauses and list parts end, how an item is trimmed, and
:class:`CellContext`, the vocabulary and ``data/splitting.yaml`` words one split
works with (memoized per vocabulary).
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from registry.lazy_re import lazy_compile
from registry.vocabulary import Vocabulary, load_vocabulary, name_key

if TYPE_CHECKING:
    from registry.cellwords import CellWords
    from registry.splitting import Item

OPEN, CLOSE = "（(【[", "）)】]"
TRIM = " \t\u3000、；;，,。.：:"
"""Characters trimmed from both ends of an item."""
CJK = re.compile(r"[\u3400-\u9fff]")
_ETC = re.compile(r"(?:等(?:个人)?(?:信息|数据)?|等等|,?\s*etc\.?)$")


class CellContext:
    """The vocabulary and word lists one split works with."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.w: CellWords = vocab.cells
        suffixes = sorted({s.strip() for s in vocab.company_suffixes if s.strip()}, key=len, reverse=True)
        self.suffixes = tuple(suffixes)
        self.ascii_suffixes = tuple(s for s in suffixes if not CJK.search(s))
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
        t = self.w.strip_leading_conjunction(clean(text, self))
        return self.resolves(t) or self.w.head_shaped(t)

    def company(self, text: str) -> bool:
        """Ends in a company suffix (有限公司, "Inc."), a whole word in English ("Zinc" does not)."""
        t = re.sub(r"\s+", " ", text.strip())
        key = name_key(t)
        for s, k in zip(self.suffixes, self.suffix_keys, strict=True):
            if key.endswith(k) and len(key) > len(k) and (
                CJK.search(s) or re.search(rf"(?:^|[\s,]){re.escape(s)}$", t, re.I)
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


_BRACKET = re.compile(r"[（(【\[）)】\]]")
_STRONG_AT = re.compile(r"[；;。\n]|\.(?=\s)")
_WEAK_AT = re.compile(r"以及|[、，,/／【\[]")
SLASH_AT = re.compile(r"\s*[/／]\s*")


def depths(text: str) -> bytes | bytearray | None:
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


def clauses(text: str, ctx: CellContext) -> list[str]:
    """The text cut at top-level ；;。, line breaks and sentence ends ("… layer). Function …").

    A Chinese label after a space opens a clause too: ``…、IDFV 可选信息：【双端】设备MAC地址``,
    ``…、定位权限 android版本：设备信息…``
    (a cell whose line breaks were lost between ``必选信息：…`` and ``可选信息：…``).
    """
    depth = depths(text) or bytes(len(text))
    parts, start = [], 0
    cuts = [(m.start(), m.start() + 1) for m in _STRONG_AT.finditer(text)]
    if "：" in text or ":" in text:
        cuts.extend((m.start(1), m.start(1)) for m in _INNER_LABEL.finditer(text))
        cuts.sort()
    for i, after in cuts:
        if i < start or depth[i] or (text[i] == "." and not (
                _sentence_follows(text, i + 1) and not ctx.abbreviation_at(text, i))):
            continue
        parts.append(text[start:i])
        start = after
    parts.append(text[start:])
    return parts


_INNER_LABEL = lazy_compile(r"\S\s+([A-Za-z]{0,10}[\u4e00-\u9fff][A-Za-z\u4e00-\u9fff]{1,10}[：:])(?!//)(?=\s*\S)")


def _sentence_follows(text: str, j: int) -> bool:
    rest = text[j:].lstrip()
    return bool(rest) and (rest[0].isupper() or bool(CJK.match(rest[0])))


def weak_parts(text: str, ctx: CellContext, nested: bool) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(part, qualifiers in scope, the part's own trailing markers) at top-level 、，, and 以及.

    Inside a parenthesis "/" separates members too (``(IMEI/IMSI)``), except in a URL.
    A 【…】 marker holding a qualifier (``【Android】``) is taken out: trailing a part it
    qualifies that part, otherwise every part after it in this list.
    """
    balanced = depths(text)
    depth = balanced or bytes(len(text))
    slash = nested and "://" not in text and "www." not in text
    out: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    scope: tuple[str, ...] = ()
    own: list[str] = []
    buf: list[str] = []
    start = 0

    def flush() -> None:
        part = "".join(buf)
        if part.strip(TRIM):
            out.append((part, scope, tuple(own)))
        buf.clear()
        own.clear()

    for m in _WEAK_AT.finditer(text):
        i, tok = m.start(), m.group()
        if i < start or depth[i]:
            continue
        if tok in "【[":
            close = matching(text, i) if balanced is not None else -1
            label = ctx.w.qualifier_label(text[i + 1:close]) if close > i else None
            if not label:
                continue
            buf.append(text[start:i])
            rest = text[close + 1:].lstrip()
            if (not rest or rest[0] in "、，,；;。" or rest.startswith("以及")) and "".join(buf).strip(TRIM):
                own.append(label)
            else:
                flush()
                scope = (label,)
            start = close + 1
            continue
        if (tok in ",，" and ctx.comma_protected(text, i)) or (
                tok in "/／" and (not slash or and_or(text, i))):
            continue
        buf.append(text[start:i])
        flush()
        start = i + len(tok)
    buf.append(text[start:])
    flush()
    return out


def and_or(text: str, i: int) -> bool:
    """Whether the ``/`` at ``i`` is the one of "and/or" (a conjunction, not a separator)."""
    return text[max(0, i - 3):i].casefold() == "and" and text[i + 1:i + 3].casefold() == "or"


def matching(text: str, i: int) -> int:
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


def opening(text: str) -> int:
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


def top_level_find(text: str, pattern: re.Pattern[str] | None = None,
                    needle: str = "") -> list[tuple[int, int]]:
    """(start, end) of each match outside brackets; ``[]`` if brackets do not balance."""
    if (pattern is None and needle not in text) or (pattern is not None and not pattern.search(text)):
        return []
    depth = depths(text)
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


def without_parens(text: str) -> str:
    """``text`` without its bracketed parts; unchanged when brackets do not balance."""
    if not _BRACKET.search(text):
        return text
    depth = depths(text)
    if depth is None:
        return text
    return "".join(ch for ch, d in zip(text, depth, strict=True) if not d and ch not in OPEN)


def trim(text: str, ctx: CellContext | None = None) -> str:
    """The text without separators and spaces at its ends; "Inc." and "B.V." keep their stop."""
    s = text.strip(TRIM)
    tail = text.rstrip(" \t\u3000、；;，,。：:")
    if ctx is not None and s and tail.endswith(s + ".") and ctx.abbreviation_at(s + ".", len(s)):
        return s + "."
    return s


def clean(text: str, ctx: CellContext | None = None) -> str:
    """The trimmed text without a closing 等 / 等信息 / ", etc." (unless that is all of it)."""
    t = trim(text, ctx)
    stripped = trim(_ETC.sub("", t), ctx)
    return stripped or t


_CTX: dict[int, CellContext] = {}
_DEFAULT: list[tuple[str | None, Vocabulary]] = []


def context(vocab: Vocabulary | None) -> CellContext:
    """The context for ``vocab`` (default: the vocabulary ``load_vocabulary`` finds), made once."""
    v = vocab
    if v is None:  # the default vocabulary, looked up once per $SHAREGRAPH_VOCAB
        env = os.environ.get("SHAREGRAPH_VOCAB")
        if not _DEFAULT or _DEFAULT[0][0] != env:
            _DEFAULT[:] = [(env, load_vocabulary())]
        v = _DEFAULT[0][1]
    ctx = _CTX.get(id(v))
    if ctx is None or ctx.vocab is not v:
        ctx = _CTX[id(v)] = CellContext(v)
    return ctx
