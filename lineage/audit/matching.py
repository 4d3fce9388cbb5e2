"""Which row of the sharing list a prose statement is about.

The prose names kinds of partner (第三方支付机构) where the list names companies,
so a statement is paired with the row whose words and data it shares most: the
partner kind's two-character words found in the row's scenario, purpose and
recipients (the strongest sign), the share of the statement's fields the row
lists and of the row's fields the statement gives, and the purpose's words.
Each pairing says how sure it is (:attr:`RowMatch.confidence`): a pairing with no
word of the partner and little data in common is not made. Used by the consistency rules (to say which
row omits what) and by the relationship rule (to carry the prose's verb,
共享 or 委托, over to the row's recipients). A heuristic, so what rests on it
alone is reported as a note.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lineage.audit.context import AuditContext
from lineage.audit.prose import Statement
from lineage.audit.words import load_audit_words
from registry.model import Scenario
from registry.vocabulary import name_key

_STOP = {"服务", "机构", "合作", "作的", "信息", "提供", "我们", "您的", "用户", "公司", "有限", "限公",
         "科技", "技术", "网络", "可能", "为您", "您提", "的服", "务机", "以及", "及其", "责任"}


_RUN = re.compile(r"[\w]+")


@functools.cache
def _generic() -> re.Pattern[str]:
    return load_audit_words().pattern("generic_partner_words")


def bigrams(text: str) -> set[str]:
    """The character pairs of a name's key within runs of letters (never across punctuation or
    a generic word such as 服务, 机构, 供应商: ``generic_partner_words`` of data/audit.yaml),
    less common ones (有限, 公司…): a fuzzy match's units.

    >>> sorted(bigrams("短信和语音服务机构、通信运营商"))
    ['信和', '信运', '和语', '短信', '营商', '语音', '运营', '通信']
    """
    out: set[str] = set()
    for run in _RUN.findall(_generic().sub("、", name_key(text))):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out - _STOP


HIGH, MEDIUM, LOW = "high", "medium", "low"
CONFIDENCE_RANK = {HIGH: 2, MEDIUM: 1, LOW: 0}


@dataclass(frozen=True, slots=True)
class RowMatch:
    """How well a prose statement fits a row of the sharing list, and how sure the pairing is."""

    row: Scenario
    statement: Statement
    field_share: float
    """Fraction of the statement's fields the row shares."""
    row_share: float
    """Fraction of the row's fields the statement gives."""
    partner_share: float
    """Fraction of the partner's two-character words found in the row."""
    purpose_share: float
    partner_words: tuple[str, ...] = ()
    """The partner's words the row has (``短信``)."""
    shared: int = 0
    """How many of the statement's fields the row shares."""

    @property
    def score(self) -> float:
        """The partner's word share, plus the statement's and the row's data shares, plus half
        the purpose's word share: a partner word alone (支付 in a purpose that mentions paying a
        fee) does not outweigh a row that shares all the statement's data and nothing else."""
        return self.partner_share + self.field_share + self.row_share + 0.5 * self.purpose_share

    @property
    def confidence(self) -> str:
        """``high``: a word of the partner kind is in the row and most of the data is too;
        ``medium``: a partner word and some data, or (no partner word) nearly all the
        statement's data, half the row's and a word of the purpose; else ``low``."""
        data = max(self.field_share, self.row_share)
        if self.partner_share > 0 and data >= 0.6:
            return HIGH
        if self.partner_share > 0 and (data > 0 or self.partner_share >= 0.5):
            return MEDIUM
        if self.field_share >= 0.8 and self.row_share >= 0.5 and self.purpose_share >= 0.2:
            return MEDIUM
        return LOW

    @property
    def plausible(self) -> bool:
        """Sure enough to rest a note on: ``high`` or ``medium``."""
        return self.confidence != LOW

    def describe(self) -> str:
        """How sure the pairing is, in words: the partner words and the data the two share."""
        words = ("the partner's words " + "、".join(self.partner_words) + " are in the row"
                 if self.partner_words else "no word of the partner is in the row")
        n = len(self.statement.fields)
        data = (f"{self.shared} of its {n} data items are in the row" if n
                else "it names no data item")
        return f"fit {self.confidence}: {words}, {data}"


def covered_by(ctx: AuditContext, field: str, fields: set[str], closed: frozenset[str] = frozenset(),
               _depth: int = 0) -> bool:
    """True if ``fields`` covers ``field``: itself, a group it belongs to (unless the group was
    given with a closed list of members, ``closed``), members of it (a part of a group), or a
    whole it is a piece of (``part_of``: the card number covers its last digits)."""
    if field in fields:
        return True
    if any(a in fields and a not in closed for a in ctx.ancestors(field)):
        return True
    if any(d in fields for d in ctx.descendants(field)):
        return True
    return _depth < 3 and any(covered_by(ctx, w, fields, closed, _depth + 1) for w in ctx.wholes(field))


def fit(ctx: AuditContext, st: Statement, row: Scenario) -> RowMatch:
    """How well one statement fits one row: partner words, data both ways, purpose words."""
    pwords = bigrams(st.partner_kind)
    uwords = bigrams(st.purpose)
    fields = set(st.fields)
    row_fields = set(ctx.scenario_fields(row))
    shared = {f for f in fields if covered_by(ctx, f, row_fields)}
    given = {f for f in row_fields if covered_by(ctx, f, fields)}
    rwords = bigrams(f"{row.name}、{row.purpose}")  # the row's kind of partner, not company names
    common = tuple(sorted(pwords & rwords))
    return RowMatch(
        row, st,
        field_share=len(shared) / len(fields) if fields else 0.0,
        row_share=len(given) / len(row_fields) if row_fields else 0.0,
        partner_share=len(common) / len(pwords) if pwords else 0.0,
        purpose_share=len(uwords & rwords) / len(uwords) if uwords else 0.0,
        partner_words=common, shared=len(shared),
    )


def match_rows(ctx: AuditContext, st: Statement) -> list[RowMatch]:
    """Rows of the sharing list ranked by how well they fit a statement (best first)."""
    out = [fit(ctx, st, row) for row in ctx.policy.scenarios]
    out.sort(key=lambda m: (-CONFIDENCE_RANK[m.confidence], -m.score, m.row.evidence.line))
    return out


def best_row(ctx: AuditContext, st: Statement) -> RowMatch | None:
    """The row a statement is about, if one fits well enough (see :attr:`RowMatch.confidence`)."""
    ranked = match_rows(ctx, st)
    return ranked[0] if ranked and ranked[0].plausible else None


def statements_for(ctx: AuditContext, row: Scenario, statements: list[Statement]) -> list[RowMatch]:
    """The statements that fit a row (``high`` or ``medium``), best first."""
    fits = [m for m in (fit(ctx, st, row) for st in statements) if m.plausible]
    fits.sort(key=lambda m: (-CONFIDENCE_RANK[m.confidence], -m.score, m.statement.line))
    return fits
