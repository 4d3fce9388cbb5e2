"""Names in disclosure prose: what reads as a recipient, and the names a span holds.

A recipient must look like a name (the prose reader's rule): a legal entity or a brand
(:func:`registry.columns.looks_like_org`, the aliases of ``data/recipients.yaml``), a
capitalised vendor name (:func:`registry.columns.looks_like_vendor`), a linked or bold
name, or an SDK. Category words (``合作伙伴``, "our partners") are not names.

>>> from registry.readers.prose_words import load_prose_words
>>> zh, en = load_prose_words().zh, load_prose_words().en
>>> [n for _, n, _ in names_zh("合作伙伴【北京有竹居网络技术有限公司/北京一点网聚科技有限公司（一点资讯）】")]
['北京有竹居网络技术有限公司', '北京一点网聚科技有限公司']
>>> [n for _, n in names_en("Stripe, Inc. and PayPal for payments", [], en)]
['Stripe, Inc.', 'PayPal']
>>> is_name("合作伙伴", [], zh), is_name("It", [], en), is_name("lemlist", ["lemlist"], en)
(False, False, True)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from registry.lazy_re import lazy_compile
from registry.readers.prose_match import depth_map, starts_with
from registry.readers.prose_words import CJK, Lang
from registry.vocabulary import Vocabulary, load_vocabulary

QUOTES = "“”\"'‘’「」『』《》"
EDGE = " \t\u3000,，、:：;；.。!！?？-–—*·•"
SDK_NAME = re.compile(r"[\w\u3400-\u9fff .+-]{1,30}?(?:SDK|sdk)")
ALIAS = lazy_compile(r"\s*[（(]([^（()）]{1,30})[）)]")
_EN_NAME_WORD = lazy_compile(r"[A-Z0-9][\w.&+'’-]*")
_TRAILING_ALIAS = re.compile(r"^(.{2,}?)\s*[（(]([^（()）]{1,30})[）)]$")
SENTENCE_MARK = re.compile(r"[。；;!?]")
_EN_NAME_JOIN = lazy_compile(r" (?:of|de|du|von|la|&) (?=[A-Z])")
_EN_NEXT_WORD = lazy_compile(r" (?=[A-Z0-9])")
_EN_NAME_SEP = lazy_compile(r"\s*(?:,\s*and|,\s*or|,|and|or|&)\s+")
_BRACKETED = re.compile(r"[【\[]([^】\]]{1,200})[】\]]")
_EN_LEGAL = lazy_compile(r",? (?:Inc|LLC|Ltd|Limited|GmbH|Corp|Co|PLC|AG|SA|S\.A|B\.V|BV|N\.V|Pte|Pty)\b\.?")


@functools.cache
def company_suffixes() -> tuple[str, ...]:
    """The company suffixes of recipients.yaml (有限公司, Inc.), longest first."""
    return tuple(sorted(vocab().company_suffixes, key=len, reverse=True))


@functools.lru_cache(maxsize=8192)
def org_or_brand(t: str) -> bool:
    """A legal entity, a brand, or an alias of recipients.yaml."""
    from registry.columns import looks_like_org

    return looks_like_org(t) or vocab().recipient_alias(t) is not None


_VOCAB: list[Vocabulary] = []


def vocab() -> Vocabulary:
    """The vocabulary of the read under way (:func:`use_vocabulary`)."""
    if not _VOCAB:
        use_vocabulary(load_vocabulary())
    return _VOCAB[0]


def use_vocabulary(vocab: Vocabulary) -> None:
    """Read with ``vocab``; the caches of names are cleared when it changes ($SHAREGRAPH_VOCAB)."""
    if _VOCAB and _VOCAB[0] is vocab:
        return
    _VOCAB[:] = [vocab]
    for cached in (org_or_brand, brand_tokens, company_suffixes, vendor, data_score_of):
        cached.cache_clear()


@functools.lru_cache(maxsize=8192)
def vendor(t: str) -> bool:
    """:func:`registry.columns.looks_like_vendor`, remembered."""
    from registry.columns import looks_like_vendor

    return looks_like_vendor(t)


@functools.lru_cache(maxsize=8192)
def data_score_of(t: str) -> float:
    """:func:`registry.columns.data_score`, remembered."""
    from registry.columns import data_score

    return data_score(t)


@functools.cache
def brand_tokens() -> tuple[str, ...]:
    """Every brand name and token of recipients.yaml (two characters or more)."""
    return tuple({x for b in vocab().brands for x in (b.name, *b.tokens) if len(x) >= 2})


def strip_alias(t: str) -> tuple[str, str]:
    """``北京一点网聚科技有限公司（一点资讯）`` -> (name, alias), where the name alone is a name."""
    m = _TRAILING_ALIAS.match(t)
    if m and org_or_brand(m.group(1)):
        return m.group(1).strip(), m.group(2).strip()
    return t, ""


def split_joined(t: str) -> list[str]:
    """Legal names written one after another (``北京火山引擎科技有限公司抖音有限公司``)."""
    out: list[str] = []
    rest = t
    for _ in range(4):
        cut = None
        for suf in (s for s in company_suffixes() if CJK.search(s)):
            i = rest.find(suf)
            while i != -1:
                end = i + len(suf)
                tail = rest[end:]
                if len(tail) >= 4 and not tail.startswith(("（", "(")) and org_or_brand(strip_alias(tail)[0]):
                    cut = end if cut is None else min(cut, end)
                    break
                i = rest.find(suf, i + 1)
        if cut is None:
            break
        out.append(rest[:cut])
        rest = rest[cut:]
    return [*out, rest]


def is_referent(t: str, lang: Lang) -> bool:
    """Whether ``t`` only points back to the vendor its entry is about ("it", "该SDK")."""
    k = " ".join(t.strip(EDGE + QUOTES).split()).casefold()
    return bool(k) and any(k == r.casefold() for r in lang.referents)


def is_name(t: str, marks: Sequence[str], lang: Lang) -> bool:
    """Whether ``t`` reads as the name of a recipient (see the module docstring)."""
    t = t.strip(EDGE + QUOTES)
    if not t or len(t) > 80 or any(w in t for w in lang.not_in_names) or SENTENCE_MARK.search(t):
        return False
    words = t.split()
    if t in marks:  # linked or bold: any case ("lemlist"), but no data words
        return (len(words) <= 6 and words[0].casefold() not in lang.not_names and not is_referent(t, lang)
                and (org_or_brand(t) or data_score_of(t) == 0))
    if SDK_NAME.fullmatch(t):
        return not is_referent(t, lang) and not t.startswith(("该", "此", "本"))
    if not CJK.search(t) and (words[0].casefold().strip(",.") in lang.not_names
                              or all(w.casefold().strip(",.()") in lang.not_names for w in words)):
        return False
    if org_or_brand(t) or (t.endswith(("）", ")")) and org_or_brand(strip_alias(t)[0])):
        return True
    return not CJK.search(t) and vendor(t)


def names_en(span: str, marks: Sequence[str], lang: Lang) -> list[tuple[int, str]]:
    """The names a span starts with: ``Stripe and PayPal``, ``Stripe, Inc.``, ``Amazon Web Services (AWS)``."""
    names: list[tuple[int, str]] = []
    i, n = 0, len(span)
    while i < n:
        while i < n and span[i] in " \t":
            i += 1
        for _ in range(3):  # "our payment processor" -> the name after
            d = starts_with(span, i, [*lang.determiners, *lang.categories], True)
            if not d:
                break
            i += len(d)
            while i < n and span[i] == " ":
                i += 1
        mark = next((m for m in sorted(marks, key=len, reverse=True) if span.startswith(m, i)), None)
        if mark:
            j = i + len(mark)
        else:
            j, words = i, 0
            while j < n and words < 6:
                m = _EN_NAME_WORD.match(span, j)
                if not m:
                    if words and (c := _EN_NAME_JOIN.match(span, j)):
                        j = c.end()
                        continue
                    break
                j, words = m.end(), words + 1
                if (lm := _EN_LEGAL.match(span, j)) is not None:
                    j, words = lm.end(), words + 1
                elif _EN_NEXT_WORD.match(span, j):
                    j += 1
            if words == 0:
                break
        name = span[i:j]
        if not _EN_LEGAL.search(" " + name.split(" ")[-1]) or not name.endswith("."):
            name = name.rstrip(" ,.")
        if not name:
            break
        names.append((i, name))
        i = j
        if (am := ALIAS.match(span, i)) is not None:
            i = am.end()
        sep = _EN_NAME_SEP.match(span, i)
        if not sep:
            break
        i = sep.end()
    return names


def names_zh(span: str) -> list[tuple[int, str, str]]:
    """Names of a Chinese recipient span: ``合作伙伴【A/B、C】`` -> A, B, C, as (offset, name, note)."""
    inner = _BRACKETED.search(span)
    base, body = (inner.start(1), inner.group(1)) if inner else (0, span)
    depth = depth_map(body)
    parts: list[tuple[int, str]] = []
    start = i = 0
    while i < len(body):
        if depth[i] == 0 and body[i] in "、/／，,":
            parts.append((start, body[start:i]))
            start = i + 1
        elif depth[i] == 0 and body.startswith("以及", i):
            parts.append((start, body[start:i]))
            start = i + 2
            i += 1
        elif depth[i] == 0 and body[i] in "及和与或" and not body.startswith("及其", i) \
                and org_or_brand(body[start:i].strip(EDGE + QUOTES)):
            parts.append((start, body[start:i]))
            start = i + 1
        i += 1
    parts.append((start, body[start:]))
    out: list[tuple[int, str, str]] = []
    for off, p in parts:
        t = p.strip(EDGE + QUOTES)
        if not t:
            continue
        pieces = split_joined(t)
        note = f"{t} read as {len(pieces)} names" if len(pieces) > 1 else ""
        at = base + off + p.find(t)
        for piece in pieces:
            out.append((at + t.find(piece), strip_alias(piece.strip(EDGE + QUOTES))[0], note))
    return out


def strip_categories_zh(t: str, lang: Lang) -> str:
    """``t`` without up to three leading category words, which are no part of a name (合作伙伴…)."""
    for _ in range(3):
        c = next((c for c in sorted(lang.categories, key=len, reverse=True)
                  if t.startswith(c) and len(t) > len(c)), None)
        if c is None:
            break
        t = t[len(c):]
    return t
