"""Matching a sentence template of ``data/prose.yaml`` around one of its verbs.

The prose reader finds a template's verb in a clause, then :func:`match` walks the
template's parts outwards: to the left (``将{data}``: back to the nearest ``将``;
``{data} {be}``: a be-word right before the verb, the data back to the start of the
subject) and to the right (``{verb} {data} with {recipient}``: forward to ``with``;
an open ``{data}`` at the end: up to a stop word). Every search is bounded, so a clause
is read in time linear in its length.

>>> from registry.readers.prose_words import load_prose_words
>>> en = load_prose_words().en
>>> t = next(t for t in en.templates if t.text == "{data} {be} {verb} to|with {recipient}")
>>> s = "Your credit card is passed directly to Stripe and doesn't go through our servers."
>>> m = t.verb_rx.search(s)
>>> hit = match(t, s, m.start(), m.end(), en)
>>> s[slice(*hit.spans["data"])].strip(), s[slice(*hit.spans["recipient"])].split()[0]
('Your credit card', 'Stripe')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from registry.lazy_re import lazy_compile
from registry.readers.prose_words import Lang, Template, alternation

OPEN, CLOSE = "（(【[「《“", "）)】]」》”"
BOUND_DATA = 400
"""Farthest a data list reaches from its verb, in characters."""
BOUND_NAME = 200
_SPACE = " \t\u3000"
_EXTRA_SKIPPABLE = frozenset({"also", "directly", "then", "only", "all"})
_ADVERBIAL_EN = frozenset({"for", "when", "if", "to", "in", "as", "after", "before", "while", "because",
                           "since", "once", "where", "during", "on", "by", "with", "unless"})
_ADVERBIAL_ZH = ("为了", "在", "当", "如果", "若", "如", "为")


@dataclass
class Hit:
    """A template read around one verb: the spans (in the clause) of its data and recipient."""

    tpl: Template
    verb: tuple[int, int]
    spans: dict[str, tuple[int, int]]
    start: int
    """Where the leftmost part starts."""
    loose: list[str] = field(default_factory=list)


def depth_map(s: str) -> list[int]:
    """Bracket depth at each character (an opening bracket counts inside)."""
    out, d = [], 0
    for ch in s:
        if ch in OPEN:
            d += 1
        out.append(d)
        if ch in CLOSE and d:
            d -= 1
    return out


_BRACKETS = rf"(?P<open>[{re.escape(OPEN)}])|(?P<close>[{re.escape(CLOSE)}])"
_CLAUSE_MARK = re.compile(_BRACKETS + r"|(?P<end>[。！？!?；;])|(?P<dot>\.(?=\s|$))")
_LAST_WORD = lazy_compile(r"(\S+)$")
_INITIALS = lazy_compile(r"(?:\w\.)+|[\d.]+")


@functools.lru_cache(maxsize=8)
def _dotted(suffixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s.casefold() for s in suffixes if s.endswith("."))


def clauses(text: str, abbreviations: frozenset[str], suffixes: Sequence[str]) -> Iterable[tuple[int, int]]:
    """(start, end) of each clause: text between top-level 。！？!?；; and English full stops.

    A full stop after an abbreviation or a company suffix (``Stripe, Inc.``) ends nothing.
    """
    start, depth, n = 0, 0, len(text)
    dotted = _dotted(tuple(suffixes))
    for m in _CLAUSE_MARK.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            continue
        if kind == "close":
            depth = max(0, depth - 1)
            continue
        if depth:
            continue
        i = m.start()
        if kind == "dot":
            w = _LAST_WORD.search(text, max(0, i - 20), i + 1)
            word = w.group(1).casefold() if w else ""
            if word in abbreviations or word.endswith(dotted) or _INITIALS.fullmatch(word):
                continue
        if i + 1 - start > 1:
            yield start, i + 1
        start = i + 1
    if n - start > 1:
        yield start, n


@functools.lru_cache(maxsize=1024)
def words_rx(words: tuple[str, ...], english: bool) -> re.Pattern[str]:
    """One compiled alternation of ``words`` (English: whole words, any case)."""
    return re.compile(alternation(words, english=english), re.IGNORECASE if english else 0)


def starts_with(s: str, i: int, words: Sequence[str], english: bool) -> str | None:
    """The longest of ``words`` that starts at ``s[i]`` (English: as a whole word, any case)."""
    m = words_rx(tuple(words), english).match(s, i)
    return m.group(0) if m else None


def skippable(word: str, lang: Lang) -> bool:
    """An adverb, modal or negation that may stand inside a verb phrase ("is *not* passed")."""
    w = word.casefold()
    return ((w.endswith("ly") and len(w) > 3) or w in _EXTRA_SKIPPABLE
            or any(w == m.casefold() for m in lang.modal) or any(w == n.casefold() for n in lang.negation))


@functools.lru_cache(maxsize=64)
def _stop_rx(stops: tuple[str, ...], continues: tuple[str, ...], english: bool) -> re.Pattern[str]:
    cont = alternation(continues, english=english) if english and continues else r"(?!x)x"
    stop = alternation(stops, english=english)
    return re.compile(_BRACKETS + rf"|(?P<end>[。；;!?！？])|(?P<comma>[,，])|(?P<cont>{cont})|(?P<stop>{stop})",
                      re.IGNORECASE if english else 0)


_AFTER_COMMA = lazy_compile(r"[ \t\u3000]*(?:(?:and|or|but)\s+)?([\w'’-]+)", re.IGNORECASE)
_AFTER_AND = lazy_compile(r"(?:and|or)\s+([\w'’-]+)", re.IGNORECASE)


def stop_at(s: str, start: int, end: int, stops: Sequence[str], lang: Lang, *, commas: bool,
            continues: Sequence[str] = ()) -> int:
    """The first top-level stop after ``start`` (or ``end``).

    Stops are ``。；;!?``, the words of ``stops``, a comma when ``commas`` (unless one of
    ``continues`` follows it), and in English a comma or ``and`` before a verb
    ("…, and stores communications").
    """
    english = lang.english
    depth = 0
    for m in _stop_rx(tuple(stops), tuple(continues), english).finditer(s, start, end):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif kind in ("end", "stop"):
            return m.start()
        elif kind == "comma":
            j = m.end()
            while j < end and s[j] in _SPACE:
                j += 1
            if commas and not (continues and starts_with(s, j, continues, english)):
                return m.start()
            if english and (w := _AFTER_COMMA.match(s, m.end())) and w.group(1).casefold() in lang.verb_words:
                return m.start()
        elif kind == "cont" and (w := _AFTER_AND.match(s, m.start())) and w.group(1).casefold() in lang.verb_words:
            return m.start()
    return end


_PART_MARK = re.compile(_BRACKETS + r"|(?P<sep>[,，:：、])")


def clause_start(s: str, pos: int) -> int:
    """Start of the clause part that ends at ``pos``: after the last comma or colon that no
    bracket group closed before ``pos`` encloses (at most :data:`BOUND_DATA` back).

    >>> s = "我们（包括A，B）会将X"
    >>> s[clause_start(s, len(s)):]
    '我们（包括A，B）会将X'
    >>> s = "此外，我们会将X"
    >>> s[clause_start(s, len(s)):]
    '我们会将X'
    """
    lo = max(0, pos - BOUND_DATA)
    events: list[tuple[str, int, int]] = []
    depth = 0
    for m in _PART_MARK.finditer(s, lo, pos):
        if m.lastgroup == "open":
            depth += 1
        elif m.lastgroup == "close":
            depth = max(0, depth - 1)
        events.append((m.lastgroup or "", m.end(), depth))
    low = depth
    for kind, end, d in reversed(events):
        if kind == "sep" and d <= low:
            return end
        low = min(low, d)
    return lo


def subject_start(s: str, pos: int, lang: Lang) -> int:
    """Start of the subject ending at ``pos``: the clause start, less leading adverbials
    ("For payment processing, your card details are passed to Stripe")."""
    start = max(0, pos - BOUND_DATA)
    head = s[start:pos]
    depth = depth_map(head)
    for c in (i for i, ch in enumerate(head) if ch in ",，" and depth[i] == 0):
        first = head[:c].strip()
        adverbial = (first.split(" ")[0].casefold() in _ADVERBIAL_EN if lang.english
                     else first.startswith(_ADVERBIAL_ZH))
        if not adverbial:
            break
        start = max(0, pos - BOUND_DATA) + c + 1
    return start


_WORD_BEFORE = lazy_compile(r"([\w'’-]+)\s*$")
_WORD_AFTER = lazy_compile(r"\s*([\w'’-]+)")
_PUNCT_BEFORE = lazy_compile(r"[,，;；:]\s*$")
_NT = lazy_compile(r"n[’']t\b", re.IGNORECASE)


def _word_before(s: str, pos: int) -> tuple[int, str]:
    m = _WORD_BEFORE.search(s, max(0, pos - 40), pos)
    return (m.start(), m.group(1)) if m else (pos, "")


def _find_back(s: str, pos: int, alts: Sequence[str], lang: Lang, limit: int) -> tuple[int, int] | None:
    lo = max(0, pos - limit)
    best: tuple[int, int] | None = None
    if lang.english:
        for m in words_rx(tuple(alts), True).finditer(s, lo, pos):
            best = (m.start(), m.end())
        return best
    for a in alts:
        i = s.rfind(a, lo, pos)
        if i != -1 and (best is None or i > best[0]):
            best = (i, i + len(a))
    return best


def _find_fwd(s: str, pos: int, alts: Sequence[str], lang: Lang, limit: int) -> tuple[int, int] | None:
    hi = min(len(s), pos + limit)
    if lang.english:
        m = words_rx(tuple(alts), True).search(s, pos, hi)
        return (m.start(), m.end()) if m else None
    best: tuple[int, int] | None = None
    for a in alts:
        i = s.find(a, pos, hi)
        if i != -1 and (best is None or i < best[0]):
            best = (i, i + len(a))
    return best


def _lit_before(s: str, pos: int, alts: Sequence[str], lang: Lang) -> int | None:
    if not lang.english:
        return next((pos - len(a) for a in alts if s[:pos].endswith(a)), None)
    p = pos
    for _ in range(3):
        q, w = _word_before(s, p)
        if not w:
            return None
        if any(w.casefold() == a.casefold() for a in alts):
            return q
        if not skippable(w, lang):
            return None
        p = q
    return None


def _lit_after(s: str, pos: int, alts: Sequence[str], lang: Lang) -> int | None:
    if not lang.english:
        return next((pos + len(a) for a in alts if s.startswith(a, pos)), None)
    p = pos
    for _ in range(3):
        m = _WORD_AFTER.match(s, p, p + 60)
        if not m:
            return None
        if any(m.group(1).casefold() == a.casefold() for a in alts):
            return m.end()
        if not skippable(m.group(1), lang):
            return None
        p = m.end()
    return None


def _be_before(s: str, pos: int, lang: Lang, *, search: bool) -> tuple[int, int] | None:
    """The be-word right before ``pos`` (adverbs, modals, negations between), or with
    ``search`` the nearest one in the clause part."""
    be = {b.casefold() for b in lang.be}
    p = pos
    for _ in range(12 if search else 4):
        q, w = _word_before(s, p)
        if not w:
            return None
        if w.casefold() in be:
            return q, q + len(w)
        if not search and not skippable(w, lang):
            return None
        if search and _PUNCT_BEFORE.search(s, max(0, q - 2), q):
            return None
        p = q
    return None


def _legal_suffix_only(seg: str, suffixes: Sequence[str]) -> bool:
    words = seg.strip(" ,").split()
    return bool(words) and words[0].casefold().rstrip(".") in {x.casefold().rstrip(".") for x in suffixes}


def match(tpl: Template, s: str, vs: int, ve: int, lang: Lang, suffixes: Sequence[str] = ()) -> Hit | None:
    """The template read around the verb at ``s[vs:ve]``, or None where the sentence is not of its shape."""
    spans: dict[str, tuple[int, int]] = {}
    loose: list[str] = []
    left = tpl.parts[:tpl.anchor][::-1]
    pos, i = vs, 0
    while i < len(left):
        p, nxt = left[i], left[i + 1] if i + 1 < len(left) else None
        if p.kind == "be":
            b = _be_before(s, pos, lang, search=False)
            if b is None:
                return None
            pos = b[0]
        elif p.kind == "gap":
            if nxt is None or nxt.kind != "be" or (b := _be_before(s, pos, lang, search=True)) is None:
                return None
            if s[b[1]:pos].strip():
                loose.append("the data and its verb stand apart")
            pos = b[0]
            i += 1
        elif p.kind == "lit":
            q = _lit_before(s, pos, p.words, lang)
            if q is None:
                return None
            pos = q
        elif nxt is not None and nxt.kind == "lit":
            f = _find_back(s, pos, nxt.words, lang, BOUND_DATA if p.kind == "data" else 80)
            if f is None:
                return None
            spans[p.kind] = (f[1], pos)
            pos = f[0]
            i += 1
        else:
            start = subject_start(s, pos, lang) if p.kind == "data" else clause_start(s, pos)
            if p.kind == "recipient" and lang.english and _legal_suffix_only(s[start:pos], suffixes):
                start = clause_start(s, max(0, start - 1))  # "Stripe, Inc. receives"
            spans[p.kind] = (start, pos)
            pos = start
        i += 1
    start = pos
    right = tpl.parts[tpl.anchor + 1:]
    pos, i = ve, 0
    while i < len(right):
        p, nxt = right[i], right[i + 1] if i + 1 < len(right) else None
        if p.kind == "lit":
            q = _lit_after(s, pos, p.words, lang)
            if q is None:
                return None
            pos = q
        elif p.kind in ("data", "recipient") and nxt is not None and nxt.kind == "lit":
            f = _find_fwd(s, pos, nxt.words, lang, BOUND_DATA)
            if f is None:
                return None
            spans[p.kind] = (pos, f[0])
            pos = f[1]
            i += 1
        elif p.kind == "data":
            end = stop_at(s, pos, min(len(s), pos + BOUND_DATA), lang.data_stops, lang,
                          commas=not lang.english, continues=lang.list_continues)
            spans[p.kind] = (pos, end)
            pos = end
        elif p.kind == "recipient":
            end = min(len(s), pos + BOUND_NAME)
            if not lang.english:
                end = stop_at(s, pos, end, lang.recipient_stops, lang, commas=True)
            spans[p.kind] = (pos, end)
            pos = end
        else:
            return None
        i += 1
    return Hit(tpl, (vs, ve), spans, start, loose)


def negation_in(s: str, hit: Hit, lang: Lang, region: tuple[int, int]) -> str | None:
    """The negation word in ``s[region]`` outside the hit's data and names, if any."""
    a, b = region
    chars = list(s[a:b])
    for x, y in hit.spans.values():
        for j in range(max(x, a), min(y, b)):
            chars[j - a] = " "
    t = "".join(chars)
    for ok in lang.not_negation:
        t = t.replace(ok, " " * len(ok))
    if lang.english:
        m = words_rx(lang.negation, True).search(t)
        if m is None and _NT.search(t):
            return "n't"
        return m.group(0) if m else None
    return next((n for n in sorted(lang.negation, key=len, reverse=True) if n in t), None)
