"""Reading disclosure prose: sentences that name a recipient and the data it receives.

Some documents state their sharing in sentences instead of tables, in Chinese and in
English::

    我们可能会将您的设备信息、IP地址共享给合作伙伴【恩亿科（北京）数据科技有限公司】，用于…
    - [Stripe](https://stripe.com), for payments. Your credit card is passed directly to Stripe.
    Intercom, Inc.
        Dashboard user reporting. Data collected can include user information like email address.

The sentence shapes are the templates of ``data/prose.yaml`` (``将{data}{verb}{recipient}``,
``{recipient} {verb} {data}``, ``{data} {be} {verb} to {recipient}`` …) with their verbs,
stop words, negations and referents (:mod:`registry.readers.prose_words`); the code only
knows how to read a template (:mod:`registry.readers.prose_match`). A sentence gives a
row only when

* its recipient looks like a name: a legal entity or brand
  (:func:`~registry.columns.looks_like_org`), a capitalised vendor name
  (:func:`~registry.columns.looks_like_vendor`), a linked or bold name, an SDK; or is
  a referent (``it``, ``该SDK``) of the vendor its bullet or entry is about;
* it lists data items (split by :func:`registry.splitting.split_items`);
* no negation governs its verb (``不会``, ``does not``, ``never``).

A sentence about what *we* collect names no recipient and gives nothing. Each clause
(text between ``。；;`` and sentence ends) is read on its own, so the data of one clause
goes only to that clause's recipients.

Rows are :class:`~registry.tables.RawRow` of ``RawTable(kind="sharing", layout="prose")``,
one table per paragraph or bullet, each row on the line of its verb, with
:attr:`~registry.tables.RawRow.note` naming the sentence shape read and
:attr:`~registry.tables.RawRow.confidence` ``low`` where the reading is loose (the
recipient only implied by the entry, the data apart from its verb, parts of a list or
of the names left out).

>>> tables, notes = read_prose([(1, "我们仅会在获得您的单独同意后，向某某科技有限公司共享您的身份证号码、姓名。")])
>>> row = tables[0].rows[0]
>>> row.text("recipient"), row.text("data").split("\\n"), row.confidence, tables[0].layout
('某某科技有限公司', ['身份证号码', '姓名'], 'high', 'prose')
>>> read_prose([(1, "我们不会向某某科技有限公司共享您的身份证号码。")])
([], ["line 1: '共享' sentence denied by '不会': no flow"])
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from registry.lazy_re import lazy_compile
from registry.readers import Document, Found
from registry.readers.prose_match import (
    Hit,
    clause_start,
    clauses,
    match,
    negation_in,
    starts_with,
)
from registry.readers.prose_names import (
    ALIAS,
    EDGE,
    QUOTES,
    SDK_NAME,
    SENTENCE_MARK,
    brand_tokens,
    company_suffixes,
    data_score_of,
    is_name,
    is_referent,
    names_en,
    names_zh,
    org_or_brand,
    strip_alias,
    strip_categories_zh,
    use_vocabulary,
    vocab,
)
from registry.readers.prose_words import CJK, Lang, ProseWords, load_prose_words
from registry.tables import Cell, RawRow, RawTable
from registry.vocabulary import load_vocabulary

LAYOUT = "prose"
_MAX_CLAUSE = 1500
"""A clause longer than this (characters) is not read: no disclosure sentence runs so long."""
_MAX_BLOCK_LINES = 60
_MAX_MARK = 120
_SNIFF_SPAN = 2_000_000
_BULLET = re.compile(
    r"^\s*(?:[-*+•·▪●○◆■]\s+|\d{1,3}(?:\.\d{1,3}){1,4}\.?\s*|\d{1,3}[.、．)）]\s*"
    r"|[（(][0-9一二三四五六七八九十]{1,3}[）)]\s*|[①-⑳]\s*|[a-z][)）]\s*)")
_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s+|第[一二三四五六七八九十\d]{1,3}[条章节部分]|[一二三四五六七八九十]{1,3}、"
    r"|[（(][一二三四五六七八九十]{1,3}[）)])")
_FENCE = lazy_compile(r"^\s*(?:```|~~~)")
_RULE = lazy_compile(r"^[=\-~^*+#_]{3,}$")
"""A line of one mark: an RST heading's underline, or a Markdown rule."""
_ABOUT_END = lazy_compile(r"[.。;；!?！？](?=\s|$)|[。；]")
_ABOUT_LEAD = lazy_compile(r"^[\s,，:：\-–—]*(?:(?:for|used for|用于)\s*)?", re.IGNORECASE)
_MARKS = (
    re.compile(r"\*\*([^*\n]{1,120}?)\*\*"),
    re.compile(r"__([^_\n]{1,120}?)__"),
    re.compile(r"\[([^\]\n]{1,120})\]\([^)\n]{0,2000}\)"),
    re.compile(r"<(?:a|b|strong)\b[^>\n]{0,1000}>([^<\n]{1,120})</", re.IGNORECASE),
)
"""Linked and bold names (at most :data:`_MAX_MARK` characters)."""
_LATIN = re.compile(r"[A-Za-z]")
_QUOTED_HEAD = re.compile(r"^[“\"「『《]([^”\"」』》]{1,40})[”\"」』》]\s*[：:，,]")
_NAME_BEFORE = re.compile(r"^([^,，:：(（—–]{1,60}?)\s*(?:[,，:：—–]|\s-\s|[（(])")
_ADVERB = lazy_compile(r"[a-z]{2,}ly")
_NONSPACE = lazy_compile(r"\S+")
_ZH_CONJ = re.compile(r"^(?:并且|并|同时|此外|另外|而且|而|且)")


# -- blocks: paragraphs, bullets and entries, and the vendor each is about -----------------------

@dataclass
class _Head:
    name: str
    line: int
    aliases: tuple[str, ...] = ()
    strong: bool = False
    """A linked, bold or quoted name, a legal entity, a term line: it may be the recipient
    of a sentence that names none. A weak head only answers a referent (``it``)."""
    about: tuple[int, str] | None = None
    """What the entry says the vendor does ("for third-party secure payment processing"):
    the purpose of the rows that go to it, where their sentence gives none."""


@dataclass
class _Block:
    segs: list[tuple[int, str]]
    heading: bool = False
    head: _Head | None = None
    heading_head: _Head | None = None
    context: _Head | None = None
    """The vendor named last ("We use Stripe …"): what ``it`` and implied recipients mean."""
    breaks: frozenset[int] = frozenset()
    """Lines ending in a Markdown hard break (two spaces, a backslash): the next line starts
    anew (``ios版本：…、定位权限␣␣`` then ``android版本：…``), so a space joins them, even in Chinese."""

    @functools.cached_property
    def joined(self) -> tuple[str, list[int], list[int]]:
        text, starts, lines = "", [], []
        prev = 0
        for line, seg in self.segs:
            if text and seg and (prev in self.breaks or not (CJK.match(text[-1]) or CJK.match(seg[0]))):
                text += " "
            prev = line
            starts.append(len(text))
            lines.append(line)
            text += seg
        return text, starts, lines

    def line_at(self, off: int) -> int:
        _, starts, lines = self.joined
        return lines[max(0, bisect.bisect_right(starts, off) - 1)]


def marks_of(doc: Document) -> dict[int, list[str]]:
    """Linked and bold names by line: ``[Stripe](…)``, ``**Stripe**``, ``<a>``, ``<b>``, ``<strong>``."""
    out: dict[int, list[str]] = {}
    for no, raw in enumerate(doc.lines, 1):
        if "*" not in raw and "_" not in raw and "[" not in raw and "<" not in raw:
            continue
        for rx in _MARKS:
            for m in rx.finditer(raw):
                if t := m.group(1).strip(EDGE + QUOTES):
                    out.setdefault(no, []).append(t)
    root = doc.html_root if "<" in doc.text[:200_000] else None
    if root is not None:
        for el in root.iter("a", "b", "strong"):
            t = " ".join((el.text_content() or "").split()).strip(EDGE + QUOTES)
            if t and len(t) <= _MAX_MARK and el.sourceline:
                out.setdefault(el.sourceline, []).append(t)
    return out


def _clip(t: str, limit: int = 160) -> str:
    """``t`` without surrounding blanks, cut at a word boundary if longer than ``limit``."""
    t = " ".join(t.split())
    if len(t) <= limit:
        return t
    cut = t.rfind(" ", 0, limit)
    return t[:cut if cut > limit // 2 else limit]


def _blocks(lines: Iterable[tuple[int, str]]) -> Iterable[_Block]:
    """Paragraphs, bullets and entries: the lines that run on, one block each.

    A blank line, a bullet, a heading or a table row ends a block; a line ending a
    Chinese sentence ends it unless the next line is indented (a definition's body).
    """
    cur: list[tuple[int, str]] = []
    hard: set[int] = set()
    fence = False
    for no, raw in lines:
        stripped = raw.strip()
        first = stripped[:1]
        if first in ("`", "~") and _FENCE.match(raw):
            fence = not fence
        elif fence or not stripped or first == "|":
            pass
        elif first in "=-~^*+#_" and _RULE.match(stripped):  # "Support\n-------": a heading above
            if len(cur) == 1 and len(cur[0][1]) <= 60:
                yield _Block(cur, heading=True, breaks=frozenset(hard))
                cur = []
        elif len(stripped) <= 60 and _HEADING.match(stripped) and not SENTENCE_MARK.search(stripped[:-1]):
            if cur:
                yield _Block(cur, breaks=frozenset(hard))
                cur = []
            yield _Block([(no, stripped.lstrip("#").strip())], heading=True)
            continue
        else:
            bullet = _BULLET.match(raw)
            indented = raw[:1] in " \t\u3000" and not bullet
            if cur and (bullet or len(cur) >= _MAX_BLOCK_LINES
                        or (not indented and cur[-1][1].endswith(("。", "！", "？", "；")))):
                yield _Block(cur, breaks=frozenset(hard))
                cur = []
            cur.append((no, raw[bullet.end():].strip() if bullet else stripped))
            if raw.endswith(("  ", "\\")):
                hard.add(no)
            continue
        if cur:  # every branch above but the last two ends the block
            yield _Block(cur, breaks=frozenset(hard))
            cur = []
    if cur:
        yield _Block(cur, breaks=frozenset(hard))


# -- statements ---------------------------------------------------------------------------------

@dataclass
class _Stmt:
    line: int
    recipients: list[tuple[int, str]]
    items: list[tuple[int, str]]
    purpose: tuple[int, str] | None
    confidence: str
    note: str


@dataclass
class _Reader:
    words: ProseWords
    marks: dict[int, list[str]]
    notes: list[str] = field(default_factory=list)

    def lang_of(self, s: str) -> Lang:
        """Chinese where CJK characters are at least a third as many as Latin letters."""
        if not CJK.search(s):
            return self.words.en
        if not _LATIN.search(s):
            return self.words.zh
        cjk = len(CJK.findall(s))
        if cjk * 3 >= len(s) - cjk:
            return self.words.zh
        return self.words.zh if cjk * 3 >= len(_LATIN.findall(s)) else self.words.en

    def marks_at(self, block: _Block, *offs: int) -> list[str]:
        return [m for o in offs for m in self.marks.get(block.line_at(o), [])]

    # -- what a block is about --
    def head_of(self, block: _Block, lang: Lang) -> _Head | None:
        """The vendor a bullet or entry opens with: a linked, bold or quoted name, a term line,
        or a name before the first comma or colon."""
        line, first = block.segs[0]
        marks = self.marks.get(line, [])
        t = first.lstrip(" *_`>").lstrip(QUOTES)
        head: _Head | None = None
        end = 0
        for m in sorted(marks, key=len, reverse=True):
            if t.startswith(m) and is_name(m, [m], lang):
                head, end = _Head(m, line, strong=True), len(m)
                break
        if head is None and (q := _QUOTED_HEAD.match(first.lstrip(" *_`>"))) is not None:
            head, end = _Head(q.group(1).strip(), line, strong=True), len(q.group(0)) - 1
            t = first.lstrip(" *_`>")
        term = first.strip().rstrip(":：")
        if head is None and len(block.segs) > 1 and len(term) <= 80 and not SENTENCE_MARK.search(term) \
                and is_name(term, marks, lang):
            head = _Head(term, line, strong=True)
            text, starts, _ = block.joined
            about = _clip(_ABOUT_LEAD.sub("", _ABOUT_END.split(text[starts[1]:], 1)[0]))
            head.about = (block.segs[1][0], about) if about else None
            return head
        if head is None and (p := _NAME_BEFORE.match(t)) and is_name(p.group(1), marks, lang):
            name = p.group(1).strip()
            head, end = _Head(name, line, strong=org_or_brand(name) or name in marks), p.end(1)
        if head is None:
            return None
        if (am := ALIAS.match(t, end)) is not None:
            head.aliases, end = (am.group(1),), am.end()
        about = _clip(_ABOUT_LEAD.sub("", _ABOUT_END.split(t[end:], 1)[0]))
        head.about = (line, about) if about else None
        return head

    def name_alone(self, block: _Block, lang: Lang) -> _Head | None:
        """A block that is a name alone (``**Stripe**``, ``### Stripe``): the vendor of what follows."""
        if len(block.segs) != 1:
            return None
        line, t = block.segs[0]
        t = t.strip(" *_`#").rstrip(":：")
        marks = self.marks.get(line, [])
        if len(t) <= 60 and not SENTENCE_MARK.search(t) and " - " not in t and is_name(t, marks, lang):
            return _Head(t, line, strong=t in marks or org_or_brand(t))
        return None

    # -- reading --
    def read_block(self, block: _Block) -> list[_Stmt]:
        text = block.joined[0]
        out: list[_Stmt] = []
        for a, b in clauses(text, self.words.abbreviations, company_suffixes()):
            if b - a <= _MAX_CLAUSE:
                out.extend(self.read_clause(block, a, text[a:b]))
        return out

    def read_clause(self, block: _Block, a: int, s: str) -> list[_Stmt]:
        lang = self.lang_of(s)
        hits: dict[tuple[int, int], list[Hit]] = {}
        if lang.any_verb_rx is None:
            return []
        for m in lang.any_verb_rx.finditer(s):
            for tpl in lang.templates_at(s[m.start():m.end()]):
                hit = match(tpl, s, m.start(), m.end(), lang, company_suffixes())
                if hit is not None:
                    hits.setdefault((m.start(), m.end()), []).append(hit)
        out: list[_Stmt] = []
        taken: list[tuple[int, int]] = []
        for verb in sorted(hits, key=lambda v: (v[0], v[0] - v[1])):
            if any(x < verb[1] and verb[0] < y for x, y in taken):
                continue  # a shorter verb inside one already read ("共享" in "共享给")
            # explicit shapes first, then the closest reading (the nearest 将, the shortest spans)
            for hit in sorted(hits[verb], key=lambda h: (h.tpl.implicit, sum(y - x for x, y in h.spans.values()))):
                st = self.statement(block, a, s, hit, lang)
                if st is not None:
                    taken.append(verb)
                    if isinstance(st, list):
                        out.extend(st)
                    break
        return out

    def statement(self, block: _Block, a: int, s: str, hit: Hit, lang: Lang) -> list[_Stmt] | bool | None:
        """The row a hit makes; True where it only names the vendor of what follows or is
        denied; None where the sentence is not of the template's shape after all."""
        tpl = hit.tpl
        verb = s[hit.verb[0]:hit.verb[1]]
        vline = block.line_at(a + hit.verb[0])
        loose = list(hit.loose)
        if tpl.requires_rx is not None and not tpl.requires_rx.search(s, 0, hit.verb[0]):
            return None
        recipients: list[tuple[int, str]] = []
        odd: dict[str, str] = {}
        if "recipient" in hit.spans:
            got = self.recipients(block, a, s, hit, lang, loose, odd)
            if got is None:
                return None
            recipients, hit.spans["recipient"] = got
        if tpl.context:
            if not recipients:
                return None
            block.context = _Head(recipients[0][1], recipients[0][0], strong=True)
            return True
        if not tpl.negation_ignored:
            region = (clause_start(s, hit.start), hit.verb[1])
            if neg := negation_in(s, hit, lang, region):
                self.notes.append(f"line {vline}: '{verb}' sentence denied by '{neg}': no flow")
                return True
        if tpl.implicit:
            h = block.context or (block.head if block.head and block.head.strong else None)
            if h is None:
                return None
            recipients = [(h.line, h.name)]
            loose.append(f"the recipient is {h.name}, the vendor this entry is about")
        if not recipients or "data" not in hit.spans:
            return None
        items, dropped = self.items(block, a, s, hit.spans["data"], lang)
        if not items or (tpl.weak and not any(self.reads_as_data(t) for _, t in items)):
            return None
        if dropped:
            loose.append(f"{dropped} part(s) of the list left out (not data items)")
        if not tpl.implicit:
            block.context = _Head(recipients[-1][1], recipients[-1][0], strong=True)
        purpose = self.purpose(block, a, s, hit, lang)
        head = block.head
        if purpose is None and head is not None and head.about and any(n == head.name for _, n in recipients):
            purpose = head.about
        # names read loosely (two names written as one) make a row of their own: the others stay sure
        out = []
        for group, extra in (([r for r in recipients if r[1] not in odd], []),
                             ([r for r in recipients if r[1] in odd], [odd[r[1]] for r in recipients if r[1] in odd])):
            if not group:
                continue
            why = list(dict.fromkeys([*loose, *extra]))
            note = f"line {vline}: read from a sentence ({tpl.text.replace('{verb}', verb)})"
            note += "".join("; " + w for w in why)
            out.append(_Stmt(vline, group, items, purpose, "low" if why else "high", note))
        return out

    def recipients(self, block: _Block, a: int, s: str, hit: Hit, lang: Lang, loose: list[str],
                   odd: dict[str, str]) -> tuple[list[tuple[int, str]], tuple[int, int]] | None:
        """The names (line, name) of the hit's recipient span, and the span they take; None if
        it names nobody. ``loose`` gets what makes the whole reading loose, ``odd`` what makes
        one name's reading loose (name -> why)."""
        x, y = hit.spans["recipient"]
        span = s[x:y]
        marks = self.marks_at(block, a + x, a + max(x, y - 1))
        subject = y <= hit.verb[0]
        if subject:  # "Stripe receives", "该SDK会收集": the whole subject is the name
            t, off = self.bare_subject(span, lang)
            at = x + off
            if not t and not lang.english:
                return None  # "收集…" with no subject: it is "我们" left unsaid
            if not t or is_referent(t, lang):
                got = self.referent(block, loose, t)
                return (got, (at, at + len(t))) if got else None
            names = [(0, t)] if not lang.english else names_en(t, marks, lang)
            if not names or names[-1][0] + len(names[-1][1]) < len(t.rstrip(" ,.")) - 1 \
                    or not all(is_name(n, marks, lang) for _, n in names):
                return None
            if hit.tpl.weak and not any(self.sure_name(n, marks, block) for _, n in names):
                return None  # "Server logs IP addresses": a weak verb needs a sure name
            return [(block.line_at(a + at + o), strip_alias(n)[0]) for o, n in names], (at, at + len(t))
        t = span.lstrip()
        lead = x + len(span) - len(t)
        if lang.english:
            ref = next((r for r in sorted(lang.referents, key=len, reverse=True)
                        if starts_with(t, 0, [r], True)), None)
            if ref:
                got = self.referent(block, loose, ref)
                return (got, (lead, lead + len(ref))) if got else None
            names = names_en(t, marks, lang)
            good = [(block.line_at(a + lead + o), self.head_alias(block, n) or n) for o, n in names
                    if self.head_alias(block, n) or is_name(n, marks, lang)]
            if not good:
                return None
            if len(good) < len(names):
                loose.append("some of the names are not names")
            return good, (lead, lead + names[-1][0] + len(names[-1][1]))
        t2 = strip_categories_zh(t.strip(EDGE + QUOTES), lang)
        if is_referent(t2, lang):
            got = self.referent(block, loose, t2)
            return (got, (x, y)) if got else None
        good, bad = [], []
        for o, n, note in names_zh(t2):
            n2 = strip_categories_zh(n, lang)
            if is_name(n2, marks, lang):
                good.append((block.line_at(a + x + span.find(t2) + o), n2))
                if note:
                    odd[n2] = note
            else:
                bad.append(n2)
        if not good:
            return None
        if bad:
            loose.append(f"not read as names: {', '.join(bad)[:80]}")
        return good, (x, y)

    def bare_subject(self, span: str, lang: Lang) -> tuple[str, int]:
        """A subject without its modals, adverbs and negations ("Plausible explicitly does not"),
        and where it starts in ``span``."""
        if lang.english:
            words = list(_NONSPACE.finditer(span))
            while words and _skippable_tail(words[-1].group(0), lang):
                words.pop()
            while words and words[0].group(0).casefold() in ("and", "but", "then", "so", "while", "also", "which"):
                words.pop(0)
            if not words:
                return "", len(span)
            return span[words[0].start():words[-1].end()].rstrip(" ,"), words[0].start()
        t = span.strip(EDGE + QUOTES)
        t = _modal_tail(lang.modal).sub("", t) or t
        t = _ZH_CONJ.sub("", t).strip(EDGE + QUOTES)
        return t, max(0, span.find(t))

    def sure_name(self, n: str, marks: Sequence[str], block: _Block) -> bool:
        """A name shown as one: linked or bold, a legal entity, an SDK, one holding a brand of
        recipients.yaml (``友盟+SDK``), the entry's vendor."""
        known = {h.name for h in (block.head, block.context, block.heading_head) if h is not None}
        return (n in marks or n in known or org_or_brand(n) or bool(SDK_NAME.fullmatch(n))
                or any(tok.casefold() in n.casefold() for tok in brand_tokens()))

    def referent(self, block: _Block, loose: list[str], written: str) -> list[tuple[int, str]]:
        h = block.context or block.head or block.heading_head
        if h is None:
            return []
        loose.append(f"the recipient is {h.name}, which {written!r} refers to" if written
                     else f"the recipient is {h.name}, the vendor this entry is about")
        return [(h.line, h.name)]

    @staticmethod
    def head_alias(block: _Block, n: str) -> str | None:
        """The entry's vendor where ``n`` is its name or alias ("hosted by AWS" under
        "Amazon Web Services (AWS)")."""
        h = block.head or block.heading_head
        return h.name if h is not None and (n == h.name or n in h.aliases) else None

    def items(self, block: _Block, a: int, s: str, span: tuple[int, int], lang: Lang
              ) -> tuple[list[tuple[int, str]], int]:
        """The data items of ``s[span]`` as (line, item as written with its parenthesis), and
        how many parts were left out (too long, a verb, a clause, a referent)."""
        from registry.splitting import split_items

        x, y = span
        text = s[x:y]
        out: list[tuple[int, str]] = []
        dropped, pos = 0, 0
        stops = {w.casefold() for w in lang.data_stops}
        for item in split_items(text):
            raw, name = (item.raw or item.text).strip(), item.text
            for _ in range(3):  # "your name" -> "name", "您的设备信息" -> "设备信息"
                d = starts_with(name, 0, lang.determiners, lang.english)
                if not d or len(d) >= len(name) or raw[:len(d)].casefold() != d.casefold():
                    break
                name, raw = name[len(d):].lstrip(), raw[len(d):].lstrip()
            words = name.split()
            if lang.english and len(words) > 1 and _ADVERB.fullmatch(words[-1]) and raw.endswith(words[-1]):
                # "your credit card details securely": the adverb is no part of the item
                name, raw = name[:-len(words[-1])].rstrip(), raw[:-len(words[-1])].rstrip()
                words.pop()
            first = words[0].casefold() if words else ""
            too_long = (len(words) > self.words.max_item_words if lang.english and not CJK.search(name)
                        else len(name) > self.words.max_item_chars)
            if not name or too_long or is_referent(name, lang) or any(c in name for c in lang.clause_markers) \
                    or (lang.english and (first in lang.verb_words or first in stops)) or self.names_document(name):
                dropped += 1
                continue
            where = text.find(raw, pos)
            if where == -1:
                continue
            pos = where + len(raw)
            out.append((block.line_at(a + x + where), raw))
        return out, dropped

    def names_document(self, t: str) -> bool:
        """Whether ``t`` ends in a word of ``document_words``: a title ("第三方SDK收集使用信息说明"
        is about SDKs, not an SDK collecting "使用信息说明")."""
        end = t.casefold().rstrip(" .。")
        return any(end.endswith(w.casefold()) and (CJK.search(w) or end == w.casefold() or end.endswith(" " + w.casefold()))
                   for w in self.words.document_words)

    def reads_as_data(self, t: str) -> bool:
        if data_score_of(t) > 0 or vocab().resolve_field(t) is not None:
            return True
        return any(w.casefold() in t.casefold() for w in self.words.data_words)

    @staticmethod
    def purpose(block: _Block, a: int, s: str, hit: Hit, lang: Lang) -> tuple[int, str] | None:
        """``用于…`` / ``for …`` right after the statement."""
        end = max([hit.verb[1], *(y for _, y in hit.spans.values())])
        rx = (r"[,\s]*(?:for|to help|in order to)\s+([^,.;]{3,80})" if lang.english
              else r"[，,\s]*(?:用于|以便|以用于|以实现|为了)([^，。；;]{2,60})")
        m = re.compile(rx).match(s, end)
        return (block.line_at(a + m.start(1)), m.group(1).strip()) if m else None


def _skippable_tail(word: str, lang: Lang) -> bool:
    """A word that may end a subject before its verb: a modal, a negation, an adverb."""
    w = word.rstrip(",.").casefold()
    return (w in {"also", "does", "do", "only", "then", "all"} or (w.endswith("ly") and len(w) > 3)
            or any(w == m.casefold() for m in lang.modal) or any(w == n.casefold() for n in lang.negation))


@functools.lru_cache(maxsize=4)
def _modal_tail(modal: tuple[str, ...]) -> re.Pattern[str]:
    """Modal words at the end of a Chinese subject ("该SDK可能会")."""
    return re.compile("(?:" + "|".join(map(re.escape, modal)) + ")+$") if modal else re.compile(r"(?!x)x")


def _table(block: _Block, stmts: list[_Stmt]) -> RawTable:
    rows = []
    for st in sorted(stmts, key=lambda st: st.line):
        cells = {"recipient": Cell(tuple(dict.fromkeys(st.recipients))), "data": Cell(tuple(st.items))}
        if st.purpose:
            cells["purpose"] = Cell((st.purpose,))
        rows.append(RawRow(st.line, cells, confidence=st.confidence, note=st.note))
    return RawTable("sharing", block.segs[0][0], [], [], rows, layout=LAYOUT)


def read_prose(lines: Iterable[tuple[int, str]], marks: dict[int, list[str]] | None = None,
               words: ProseWords | None = None) -> tuple[list[RawTable], list[str]]:
    """Disclosure sentences of ``(line, text)`` pairs as tables, and notes on denied ones.

    ``marks`` holds the linked and bold names of each line (:func:`marks_of`): they count
    as names, and a bullet or entry that opens with one is about that vendor.
    """
    w = words or load_prose_words()
    use_vocabulary(load_vocabulary())
    reader = _Reader(w, marks or {})
    tables: list[RawTable] = []
    heading: _Block | None = None
    before: _Block | None = None
    for block in _blocks(lines):
        if block.heading:
            heading, before = block, None
            continue
        text = block.joined[0]
        if not w.gate_rx.search(text):
            before = block
            continue
        # what the block is about: its own opening name, else a name standing alone just before
        # it ("**Stripe**"), and the heading above (for "it")
        lang = reader.lang_of(text[:400])
        block.heading_head = reader.name_alone(heading, lang) if heading is not None else None
        block.head = reader.head_of(block, lang) or (reader.name_alone(before, lang) if before else None)
        before = block
        if stmts := reader.read_block(block):
            tables.append(_table(block, stmts))
    return tables, reader.notes


# -- the reader protocol -----------------------------------------------------------------------

def sniff(doc: Document) -> float:
    """0 without a disclosure verb; a little more for each one found (below the table readers)."""
    n = 0
    for _ in load_prose_words().sniff_rx.finditer(doc.text[:_SNIFF_SPAN]):
        n += 1
        if n >= 8:
            break
    return 0.0 if n == 0 else min(0.5, 0.1 + 0.05 * n)


READS_LEFTOVERS = True
"""Read after the table and record readers, on the lines they did not read."""


def read(doc: Document) -> Found:
    """Disclosures written as sentences, in the lines no table reader took."""
    lines = doc.text_lines if not doc.covered else [(n, t) for n, t in doc.text_lines if n not in doc.covered]
    tables, notes = read_prose(lines, marks_of(doc))
    rows = sum(len(t.rows) for t in tables)
    return Found("prose", tables, notes, saw=f"{rows} disclosure sentence(s)" if rows
                 else "no sentence names a recipient and the data it receives")
