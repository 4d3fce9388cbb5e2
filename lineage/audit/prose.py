"""Reading what a policy's prose says it collects and shares (sections 一 and 二).

Chinese privacy policies follow the structure of GB/T 35273-2020 Annex D:
section 一 (我们如何收集和使用您的个人信息) says, business function by business
function, what is collected; section 二 (我们如何共享、转让、委托处理、公开披露…)
says what is provided to which kind of partner. The tables (sharing list, SDK
table, permission table) are meant to agree with that prose; the audit's
consistency rules compare them, and this module supplies the prose side.

:func:`extract_statements` returns :class:`Statement` objects, one per clause that
collects (``收集、使用您的…``, ``识别您的…``, ``您需上传…``) or shares
(``将…共享给/提供给/提交给…``, ``向…共享/提供…``, ``将…与…共享``) personal
information, each with its line, the business function it sits under (the
nearest heading, e.g. ``2.1 履行反洗钱义务及进行实名认证``), the data items
resolved against ``data/fields.yaml``, the partner kind as written and the
purpose. It is pattern-based, and measured: ``bench/prose_eval.py`` scores it
against statements written by hand from the seed
(``tests/fixtures/audit/seed_prose_expected.yaml``); the figures are in
``docs/audit.md``.

>>> from registry import SEED_PATH
>>> st = extract_statements(SEED_PATH.read_text(encoding="utf-8"))
>>> pay = next(s for s in st if s.partner == "第三方支付机构")
>>> pay.kind, pay.line, "银行卡预留手机号" in pay.fields
('share', 1853, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lineage.audit.words import load_audit_words
from registry.splitting import Item, split_items
from registry.vocabulary import Vocabulary, load_vocabulary

COLLECT, SHARE, ENTRUST = "collect", "share", "entrust"

_SECTION = re.compile(r"^\s*(?:#+\s*)?([一二三四五六七八九十]+)、\s*(\S.*)$")
_MD_HEADING = re.compile(r"^\s*#+\s*")
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(\S.*)$")),
    (2, re.compile(r"^([A-Z])\s*([\u4e00-\u9fff].*)$")),
    (4, re.compile(r"^(\d+\.\d+)\s*(\S.*)$")),
    (3, re.compile(r"^(\d+)[.．、]\s*(\S.*)$")),
    (4, re.compile(r"^[（(](\d+)[）)]\s*(\S.*)$")),
)
_HEADING_MAX = 40
_SENTENCE_END = "。"
_CLAUSE_END = "；;"

_SHARE_TO = re.compile(r"(?:共享|分享|提供|提交|披露|传输|发送)(?:给|至)")
_SHARE_FROM = re.compile(r"向(?P<p>[^，；。]{1,80}?)(?P<v>共享|提供)(?![给至])(?P<d>[^；。]*)")
_SHARE_WITH = re.compile(r"将(?P<d>[^；。]+?)与(?P<p>[^；。]+?)(?P<v>共享)(?![给至])")
_SHARE_WITH_AFTER = re.compile(r"与(?P<p>[^，；。]+?)(?P<v>共享)(?![给至])(?P<d>[^；。]*)")
_OBTAINS = re.compile(
    r"(?P<p>[^，；。]*?(?:合作伙伴|合作方|机构|公司|第三方|服务商|供应商|平台))"
    r"(?:可能|会|将|也)?(?P<v>获得|获取|接收|收到)(?P<d>您的[^；。]*)"
)
_COLLECT = re.compile(
    r"(?P<v>收集、使用|收集和使用|收集|识别|获取|记录)(?P<who>您的|你的|您主动提供的|您填写的|您|你)"
    r"|(?P<v2>您需(?:要)?(?:上传|提供|填写)|需要您(?:提供|上传|填写))(?:您的)?"
    r"|(?:(?<=，)|(?<=会)|(?<=机构))(?P<v3>识别)(?![您你])"
)
_ENTRUST = re.compile(r"委托(?P<p>[^，；。]{2,60}?)处理(?P<d>[^，；。]*)")
_NEGATION = re.compile(r"不会|不得|禁止|决不|绝不|无权|不向")
_SELF = {"您", "你", "其", "用户", "您本人"}
_US = re.compile(r"^我们(?!的)")
_TO_SELF = re.compile(r"^(?:您|你)(?:展示|推送|发送|推荐|提供|介绍|说明|告知|通知|呈现)")
"""向您展示…、提供…: the user, not a partner (向您下单的商家提供 names a partner)."""
_PARTNER_SUFFIX = re.compile(
    r"^(.*(?:机构|合作方|合作伙伴|公司|平台|部门|机关|协会|数据库|供应商|服务商|运营商|关联方|"
    r"贷款人|处理者|第三方|银行|企业|单位|事务所))"
)
_DATA_STOP = re.compile(
    r"，(?!包括|包含|如|例如)|。|；|以用于|用于|以便|以核验|以确认|以实现|来实现|进行|并需要|对您")
_LEAD = re.compile(r"^(?:如下个人信息|如下信息|以下个人信息|以下信息)[：:]?")
_ANNOTATION = re.compile(r"[（(](?:可选提供|可选|选填|如有|非必填)[）)]")
_GENERIC_END = ("个人信息", "相关信息", "的信息", "的数据", "个人资料")
_SPLIT_WORDS = ("及", "和", "或", "与")
_SHORT = 12
"""Parts of an unknown "X和Y" at most this long are taken as two items (出发地和目的地)."""
_EXAMPLES = re.compile(r"[（(]\s*(?:如|例如|比如|诸如|such as|e\.g\.)", re.IGNORECASE)
"""A group whose parenthesis gives examples, not its members."""
_PRIOR = re.compile(r"前述(?:个人)?信息包括(?:您的)?(?P<d>[^。；]+)")
_REFERENT = re.compile(r"^(?:上述|前述|该等|这些)")
_PURPOSE_AFTER = re.compile(r"^[^，；。]*?[，,]?\s*(?:以用于|用于|以便|以)(?P<p>[^，；。]+)")
_PURPOSE_BEFORE = re.compile(r"(?:^|，)为了?(?P<p>[^；。]{2,120}?)，(?=我们|将|向|与|并)")


@dataclass(frozen=True, slots=True)
class DataItem:
    """One item of a data list as written, and its canonical field if the vocabulary knows it."""

    text: str
    field: str | None = None
    members: tuple[DataItem, ...] = ()
    unread: tuple[str, ...] = ()
    """Members listed in the group's parentheses that the vocabulary does not know (status
    values such as 已登录/注册): the list is closed, but the audit cannot tell what it holds."""
    examples: bool = False
    """The members are examples (``（如…）``, ``（例如…）``, ``…等）``): the group stays open."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One clause of the prose that collects or shares personal information."""

    kind: str
    """``collect`` or ``share``."""
    line: int
    section: str
    """The top-level section numeral (``一``, ``二``)."""
    function: str
    """The nearest heading above: the business function (``2.1 履行反洗钱义务及进行实名认证``)."""
    verb: str
    items: tuple[DataItem, ...]
    partner: str = ""
    """For ``share``: the recipient or kind of recipient as written (``第三方支付机构``)."""
    purpose: str = ""
    text: str = ""
    """The clause, as written."""
    general: bool = False
    """The data is named only in general terms (``您的个人信息``)."""
    partner_ref: str = ""
    """For ``上述机构``-style partners: the list they refer back to."""
    heading_path: tuple[str, ...] = field(default=())

    @property
    def fields(self) -> list[str]:
        """Canonical fields named, groups and their listed members, in order."""
        out: list[str] = []
        for it in _walk(self.items):
            if it.field and it.field not in out:
                out.append(it.field)
        return out

    @property
    def unresolved(self) -> list[str]:
        """The items the statement names that are no known field."""
        return [it.text for it in _walk(self.items) if it.field is None]

    @property
    def partner_kind(self) -> str:
        """The partner without ``我们的`` / ``合作的`` and without white space."""
        return normalize_partner(self.partner_ref or self.partner)

    @property
    def unread_groups(self) -> list[str]:
        """Groups named with a list of members some of which the vocabulary does not know."""
        return [it.field for it in _walk(self.items) if it.field and it.unread]

    def covers(self) -> list[tuple[str, bool]]:
        """(field, open) pairs: ``open`` when a group is named without members, or with examples
        (``（如…）``): it covers all its members."""
        out: list[tuple[str, bool]] = []
        for it in _walk(self.items):
            if it.field:
                out.append((it.field, (not it.members and not it.unread) or it.examples))
        return out


def _walk(items: Iterable[DataItem]) -> Iterable[DataItem]:
    for it in items:
        yield it
        yield from _walk(it.members)


def normalize_partner(text: str) -> str:
    """A partner phrase without blanks, qualifiers (我们的, 合作的…) and edge punctuation."""
    t = re.sub(r"\s+", "", text)
    for prefix in ("我们的", "合作的", "可能为您提供借款服务的"):
        t = t.replace(prefix, "")
    return t.strip("，,、：:")


# -- sections and headings -----------------------------------------------------------------

def section_spans(lines: Sequence[str]) -> dict[str, range]:
    """Line ranges (1-based) of each top-level section ``一、`` … ``八、``.

    A table of contents repeats the headings; for each numeral the occurrence
    followed by the longest stretch before the next heading is the section.
    """
    marks = [(no, m.group(1)) for no, raw in enumerate(lines, 1)
             if (m := _SECTION.match(raw)) and len(_MD_HEADING.sub("", raw).strip()) <= _HEADING_MAX]
    best: dict[str, range] = {}
    for i, (no, numeral) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(lines) + 1
        if numeral not in best or (end - no) > len(best[numeral]):
            best[numeral] = range(no, end)
    return best


def section_kinds(lines: Sequence[str]) -> dict[str, str]:
    """The top-level sections that say what is collected (``collect``) or shared (``share``),
    by their heading's words (``sharing_section_words``, ``collection_section_words`` of
    data/audit.yaml): the seed's 一 and 二, the vivo browser policy's 一, 二 (Cookie) and 四.

    >>> section_kinds(["一、我们如何收集和使用您的个人信息", "正文。", "二、我们如何共享、转让您的个人信息", "正文。",
    ...                "三、我们如何存储您的个人信息", "正文。"])
    {'一': 'collect', '二': 'share'}
    """
    words = load_audit_words()
    out: dict[str, str] = {}
    for numeral, span in section_spans(lines).items():
        heading = lines[span.start - 1]
        if words.matches("sharing_section_words", heading):
            out[numeral] = SHARE
        elif words.matches("collection_section_words", heading):
            out[numeral] = COLLECT
    return out


def _heading(text: str) -> tuple[int, str] | None:
    t = _MD_HEADING.sub("", text).strip()
    if not t or len(t) > _HEADING_MAX or any(p in t for p in "。；;") or t.endswith(("：", ":")):
        return None
    for level, rx in _HEADINGS:
        if rx.match(t):
            return level, t
    if len(t) <= 20 and not any(p in t for p in "，,、：:"):
        return 5, t
    return None


# -- data lists ------------------------------------------------------------------------------

def _balance(text: str) -> str:
    opened = sum(text.count(c) for c in "（(") - sum(text.count(c) for c in "）)")
    return text + "）" * max(0, opened)


def _clean_data(text: str) -> str:
    t = _ANNOTATION.sub("", text)
    t = t.replace("信息信息", "信息")
    t = re.sub(r"^前述[^，；。]*?中的", "", t)
    t = _LEAD.sub("", t.strip())
    # "借贷交易记录，包括借款额度、…" lists a group's members after a comma
    t = re.sub(r"[，,]\s*(包括|包含|例如|如)(.+)$", r"（\1\2）", t)
    return _balance(t.strip(" ，,：:"))


def is_generic(text: str) -> bool:
    """A phrase that names personal information only in general terms."""
    t = text.strip()
    return t in {"信息", "其", "资料"} or t.endswith(_GENERIC_END) or "前述" in t


class _Resolver:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    def field(self, text: str) -> str | None:
        for cand in self._candidates(text):
            e = self.vocab.resolve_field(cand)
            if e:
                return e.name
        return None

    @staticmethod
    def _candidates(text: str) -> list[str]:
        t = text.strip()
        out = [t]
        if "等" in t[1:]:  # "统一社会信用代码等企业信息"
            out.append(t.split("等", 1)[0])
        if t.endswith("信息") and len(t) > 4:
            out.append(t[:-2])
        if "的" in t:
            out.append(t.rsplit("的", 1)[1])
        return [c for c in out if c]

    def items(self, text: str) -> tuple[DataItem, ...]:
        out: list[DataItem] = []
        for it in split_items(_clean_data(text)):
            out.extend(self._item(it.text, it.members, raw=it.raw))
        return tuple(out)

    def _member(self, group: str | None, group_text: str, text: str) -> str | None:
        """A member of a group, read in the group's context first (联系人信息: 手机号码 is the contact's)."""
        if group and group_text.endswith("信息"):
            name = self.field(group_text[:-2] + text)
            if name and self.vocab.fields[name].parent == group:
                return name
        return None

    def _item(self, text: str, members: Sequence[Item], group: tuple[str | None, str] = (None, ""),
              raw: str = "") -> list[DataItem]:
        name = self._member(*group, text) or self.field(text)
        if name is None and not members:  # "信用卡卡号和银行绑定手机号", "联系人信息（…）或通讯录"
            for word in _SPLIT_WORDS:
                parts = _split_top(text, word)
                if len(parts) > 1:
                    got = [x for p in parts for x in self.items(p)]
                    if got and (all(x.field for x in got) or all(len(p) <= _SHORT for p in parts)):
                        return got
        kids: list[DataItem] = []
        for m in members:
            kids.extend(self._item(m.text, m.members, (name, text)))
        resolved_kids = tuple(k for k in kids if k.field or k.members)
        if name:
            unread = tuple(k.text for k in kids if not (k.field or k.members))
            examples = bool(_EXAMPLES.search(raw)) or bool(members and members[-1].raw.rstrip("）)").endswith("等"))
            return [DataItem(text, name, resolved_kids, unread, examples)]
        if resolved_kids:  # "个人信息（包括您的姓名、…）": the members are the data
            return list(resolved_kids)
        if is_generic(text):
            return []
        return [DataItem(re.sub(r"^(?:您的|你的|用户的)", "", text), None)]


def _split_top(text: str, word: str) -> list[str]:
    """``text`` split at ``word`` where it stands outside parentheses."""
    parts: list[str] = []
    depth = start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
        elif depth == 0 and text.startswith(word, i):
            parts.append(text[start:i])
            i += len(word)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


# -- statements ------------------------------------------------------------------------------

def _partner(after: str) -> str:
    head = re.split(r"[，；。]", after, maxsplit=1)[0]
    m = _PARTNER_SUFFIX.match(head)
    return (m.group(1) if m else head).strip()


def _purpose(after: str, sentence_head: str) -> str:
    m = _PURPOSE_AFTER.match(after)
    if m:
        return m.group("p").strip(" ，,")
    found = list(_PURPOSE_BEFORE.finditer(sentence_head))
    return found[-1].group("p").strip() if found else ""


def _data_phrase(text: str) -> str:
    """A data list from its start to the first word that ends it (outside parentheses)."""
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
        elif depth == 0:
            m = _DATA_STOP.match(text, i)
            if m:
                return text[:i]
        i += 1
    return text


def _prepare(paragraph: str) -> str:
    """A paragraph without its list number and with titles emptied (《与第三方共享…清单》 shares nothing)."""
    t = re.sub(r"^\s*(?:\d+[.．、]|[（(]\d+[）)]|[①-⑩])\s*", "", paragraph)
    return re.sub(r"《[^》]*》", "《》", t)


def _clauses(paragraph: str) -> list[str]:
    out: list[str] = []
    for sentence in paragraph.split(_SENTENCE_END):
        parts = re.split(f"[{_CLAUSE_END}]", sentence)
        out.extend(p for p in parts if p.strip())
    return out


@dataclass
class Paragraph:
    line: int
    text: str
    section: str
    path: tuple[str, ...]


class _Extractor:
    def __init__(self, vocab: Vocabulary) -> None:
        self.r = _Resolver(vocab)

    def paragraph(self, p: Paragraph) -> list[Statement]:
        out: list[Statement] = []
        referents = re.search(r"包括(?P<l>[^。；]+?)等", p.text)
        for clause in _clauses(_prepare(p.text)):
            collected = self._collect(clause, p)
            found = collected + self._share(clause, p, out, collected) + self._entrust(clause, p)
            found.sort(key=lambda x: x[0])
            out.extend(s for _, s in found)
            prior = _PRIOR.search(clause)
            if prior and out and not out[-1].fields:
                last = out[-1]
                items = self.r.items(_data_phrase(prior.group("d")))
                if items:
                    out[-1] = _replace(last, items=items, general=False)
        if referents:
            ref = referents.group("l")
            out = [_replace(s, partner_ref=ref) if s.kind == SHARE and _REFERENT.match(s.partner)
                   else s for s in out]
        return out

    def _collect(self, clause: str, p: Paragraph) -> list[tuple[int, Statement]]:
        out: list[tuple[int, Statement]] = []
        for m in _COLLECT.finditer(clause):
            verb = m.group("v") or m.group("v2") or m.group("v3")
            if _NEGATION.search(clause[: m.start()]):
                continue
            data = _data_phrase(clause[m.end():])
            items = self.r.items(data)
            prior = _PRIOR.search(clause, m.end())
            if not items and prior:  # "获取您的个人信息，…，前述信息包括您的个人财产状况、…"
                items = self.r.items(_data_phrase(prior.group("d")))
            if not any(it.field for it in _walk(items)):
                continue
            out.append((m.start(), Statement(
                COLLECT, p.line, p.section, p.path[-1] if p.path else "", verb, items,
                purpose=_purpose(clause[m.end() + len(data):], clause[: m.start()]),
                text=clause.strip(), heading_path=p.path,
            )))
        return out

    def _share(self, clause: str, p: Paragraph, earlier: list[Statement],
               collected: list[tuple[int, Statement]]) -> list[tuple[int, Statement]]:
        """Provision statements of one clause, in the four shapes policies use."""
        out: list[tuple[int, Statement]] = []
        taken: list[range] = []

        def add(pos: int, span: range, verb: str, data: str, partner: str, after: str,
                anaphora: bool = False) -> None:
            if not partner or partner in _SELF or _TO_SELF.match(partner) or _US.match(partner):
                return
            if _NEGATION.search(clause[:pos]) or data.strip().endswith(("的情形", "的情况", "清单")):
                return
            before = earlier + [s for q, s in sorted(collected + out, key=lambda x: x[0]) if q < pos]
            items, general = self._share_items("其" if anaphora else data, before)
            out.append((pos, self._stmt(p, clause, verb, items, general, partner, after,
                                        clause[:pos])))
            taken.append(span)

        prev_end = 0
        for m in _SHARE_TO.finditer(clause):  # 将 D 共享给 P; D 将被共享给 P; 并提交至 P
            head = clause[prev_end: m.start()]
            prev_end = m.end()
            k = head.rfind("将")
            data = head[k + 1:] if k >= 0 else ""
            if data.startswith("被"):  # passive: the subject is the data
                data = re.split(r"[，,]", head[:k])[-1]
            partner = _partner(clause[m.end():])
            zero = head.rstrip().endswith("并")  # "收集…，并提交至…": the same data
            add(m.start(), range(m.start() - len(data), m.end()), m.group(0), data, partner,
                clause[m.end() + len(partner):], anaphora=zero)
        for m in _SHARE_WITH.finditer(clause):  # 将 D 与 P 共享
            if not any(m.start() in r for r in taken):
                add(m.start(), range(m.start(), m.end()), "与…共享", m.group("d"),
                    m.group("p").strip(), clause[m.end():])
        for m in _SHARE_WITH_AFTER.finditer(clause):  # 与 P 共享 D
            if not any(m.start() in r for r in taken) and _PARTNER_SUFFIX.match(m.group("p")):
                add(m.start(), range(m.start(), m.end()), "与…共享", _data_phrase(m.group("d")),
                    m.group("p").strip(), m.group("d"))
        for m in _SHARE_FROM.finditer(clause):  # 向 P 共享/提供 D
            if any(m.start() in r for r in taken) or re.match(r"^[^，；。]*的情[形况]", m.group("d")):
                continue
            add(m.start(), range(m.start(), m.end()), "向…" + m.group("v"), _data_phrase(m.group("d")),
                _partner(m.group("p").strip()), clause[m.end():])
        for m in _OBTAINS.finditer(clause):  # P 可能获得您的 D (told from the partner's side)
            partner = re.split(r"[，,]", m.group("p"))[-1].strip()
            if "从" in partner or any(m.start("v") in r for r in taken):
                continue
            add(m.start("v"), range(m.start("v"), m.end()), m.group("v"), _data_phrase(m.group("d")),
                _partner(partner), m.group("d"))
        return out

    def _entrust(self, clause: str, p: Paragraph) -> list[tuple[int, Statement]]:
        """``委托…处理您的个人信息``: entrusted processing (PIPL Art. 21), not provision."""
        out: list[tuple[int, Statement]] = []
        for m in _ENTRUST.finditer(clause):
            if _NEGATION.search(clause[: m.start()]) or m.group("p").startswith(("处理", "关系")):
                continue
            items = self.r.items(_data_phrase(m.group("d"))) if m.group("d").strip() else ()
            out.append((m.start(), Statement(
                ENTRUST, p.line, p.section, p.path[-1] if p.path else "", "委托…处理", items,
                partner=m.group("p").strip(), purpose=_purpose("", clause[: m.start()]),
                text=clause.strip(), general=not items, heading_path=p.path,
            )))
        return out

    def _share_items(self, data: str, before: list[Statement]) -> tuple[tuple[DataItem, ...], bool]:
        """The items shared, and whether the data is named only in general terms (or not at all)."""
        d = data.strip()
        if d in {"其", "其信息", "上述信息", "前述信息"}:  # the object of the statement before
            for s in reversed(before):
                if s.items:
                    return s.items, False
            return (), True
        items = self.r.items(d) if d else ()
        return items, not items

    def _stmt(self, p: Paragraph, clause: str, verb: str, items: tuple[DataItem, ...], general: bool,
              partner: str, after: str, before: str) -> Statement:
        return Statement(SHARE, p.line, p.section, p.path[-1] if p.path else "", verb, items,
                         partner=partner, purpose=_purpose(after, before), text=clause.strip(),
                         general=general, heading_path=p.path)


def _replace(s: Statement, **kw: object) -> Statement:
    from dataclasses import replace

    return replace(s, **kw)  # type: ignore[arg-type]


def paragraphs(lines: Sequence[str], sections: Iterable[str] | None = None,
               skip: Iterable[int] = ()) -> list[Paragraph]:
    """The prose lines of the given sections (by default those :func:`section_kinds` finds)
    with their heading path, tables skipped."""
    spans = section_spans(lines)
    if sections is None:
        sections = sorted(section_kinds(lines), key=lambda n: spans[n].start)
    skipped = set(skip)
    out: list[Paragraph] = []
    for numeral in sections:
        span = spans.get(numeral)
        if span is None:
            continue
        path: list[tuple[int, str]] = []
        for no in span:
            if no == span.start or no in skipped:
                continue
            raw = lines[no - 1].strip()
            if not raw:
                continue
            if raw.startswith("#"):  # a Markdown heading is never a paragraph, however long
                level = len(raw) - len(raw.lstrip("#"))
                path = [(lv, t) for lv, t in path if lv < level] + [(level, _MD_HEADING.sub("", raw))]
                continue
            h = _heading(raw)
            if h is not None:
                level, text = h
                path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
                continue
            out.append(Paragraph(no, raw, numeral, tuple(t for _, t in path)))
    return out


def extract_statements(
    text: str,
    *,
    vocab: Vocabulary | None = None,
    skip_lines: Iterable[int] = (),
    sections: Iterable[str] | None = None,
) -> list[Statement]:
    """Collection and sharing statements of the sections that collect and share (by their
    headings: :func:`section_kinds`; the seed's 一 and 二), in document order.

    ``skip_lines`` are lines not to read as prose (the tables: see
    :func:`table_lines`); without it, table cells short enough to pass for
    headings are skipped anyway and longer ones rarely hold the verbs looked for.
    """
    ex = _Extractor(vocab or load_vocabulary())
    lines = text.split("\n")
    out: list[Statement] = []
    for p in paragraphs(lines, sections, skip_lines):
        out.extend(ex.paragraph(p))
    return out


def table_lines(text: str, path: str = "<text>") -> set[int]:
    """Lines the flattened-text reader takes for tables (header to last cell)."""
    from registry.readers.flattened import read_flattened

    tables, _ = read_flattened(text.split("\n"), path)
    out: set[int] = set()
    for t in tables:
        last = max((ln for r in t.rows for c in r.cells.values() for ln, _ in c.items), default=t.line)
        out.update(range(t.line, last + 1))
    return out
