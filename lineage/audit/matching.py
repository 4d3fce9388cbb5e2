"""Which row of the sharing list a prose statement is about.

The prose names kinds of partner (第三方支付机构) where the list names companies,
so a statement is paired with the row whose data and words it shares most:
the fraction of the statement's fields the row shares, plus the fraction of the
statement's two-character words (partner and purpose) found in the row's
scenario, purpose and recipients. Used by the consistency rules (to say which
row omits what) and by the relationship rule (to carry the prose's verb,
共享 or 委托, over to the row's recipients). A heuristic, so what rests on it
alone is reported as a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineage.audit.context import AuditContext
from lineage.audit.prose import Statement
from registry.model import Scenario
from registry.vocabulary import name_key

MIN_SCORE = 0.6
"""Below this a statement is paired with no row."""

_STOP = {"服务", "机构", "合作", "作的", "信息", "提供", "我们", "您的", "用户", "公司", "有限", "限公",
         "科技", "技术", "网络", "可能", "为您", "您提", "的服", "务机", "以及", "及其", "责任"}


def bigrams(text: str) -> set[str]:
    """The character pairs of a name's key, less common ones (有限, 公司…): a fuzzy match's units."""
    key = name_key(text)
    return {key[i:i + 2] for i in range(len(key) - 1)} - _STOP


@dataclass(frozen=True, slots=True)
class RowMatch:
    row: Scenario
    score: float
    field_share: float
    """Fraction of the statement's fields the row shares."""
    partner_share: float
    """Fraction of the partner's two-character words found in the row."""
    purpose_share: float

    @property
    def plausible(self) -> bool:
        """Some evidence beyond chance: a word of the partner, of the purpose, or nearly all the data."""
        return self.score >= MIN_SCORE and (
            self.partner_share > 0 or self.purpose_share >= 0.3 or self.field_share >= 0.9)


def covered_by(ctx: AuditContext, field: str, fields: set[str], closed: frozenset[str] = frozenset(),
               ) -> bool:
    """True if ``fields`` covers ``field``: itself, a group it belongs to (unless the group was
    given with a closed list of members, ``closed``), or members of it (a part of a group)."""
    if field in fields:
        return True
    if any(a in fields and a not in closed for a in ctx.ancestors(field)):
        return True
    return any(d in fields for d in ctx.descendants(field))


def match_rows(ctx: AuditContext, st: Statement) -> list[RowMatch]:
    """Rows of the sharing list ranked by how well they fit a statement (best first).

    Score: twice the partner's word share (the kind of partner is the strongest
    sign), plus the field share, plus half the purpose's word share.
    """
    pwords = bigrams(st.partner_ref or st.partner)
    uwords = bigrams(st.purpose)
    fields = set(st.fields)
    out: list[RowMatch] = []
    for row in ctx.policy.scenarios:
        shared = {f for f in fields if covered_by(ctx, f, set(ctx.scenario_fields(row)))}
        fshare = len(shared) / len(fields) if fields else 0.0
        rwords = bigrams(row.name + row.purpose + row.recipients_text)
        pshare = len(pwords & rwords) / len(pwords) if pwords else 0.0
        ushare = len(uwords & rwords) / len(uwords) if uwords else 0.0
        out.append(RowMatch(row, 2 * pshare + fshare + 0.5 * ushare, fshare, pshare, ushare))
    out.sort(key=lambda m: (-m.score, m.row.evidence.line))
    return out


def best_row(ctx: AuditContext, st: Statement) -> RowMatch | None:
    """The row a statement is about, if one fits well enough (see :attr:`RowMatch.plausible`)."""
    ranked = match_rows(ctx, st)
    return ranked[0] if ranked and ranked[0].plausible else None
