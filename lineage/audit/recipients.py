"""SG2xx: are the recipients named? (PIPL Art. 23: the recipient's name.)

A category (合作的持牌金融机构) is not a name; neither is an onward processor a
recipient entrusts (…及其委托的外包服务机构), nor a brand (旦米, app store) that
nothing in the policy ties to a legal entity. A brand the policy's own SDK
table ties to a company is resolved at import; that is reported as a note, for
the list should say the company itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lineage.audit.clauses import GBT_92, PIPL_21, PIPL_23, cite
from lineage.audit.context import AuditContext
from lineage.audit.finding import ERROR, NOTE, WARNING, Finding, Quote
from lineage.audit.prose import SHARE
from registry.model import Recipient, RecipientKind, Scenario

_REENTRUST = re.compile(r"转委托")


def _rows_naming(ctx: AuditContext, name: str) -> list[Scenario]:
    return ctx.sharing_rows_of(name)


def _sensitive_received(ctx: AuditContext, s: Scenario, recipient: str) -> list[str]:
    return sorted({f.field for f in ctx.scenario_flows(s)
                   if f.recipient == recipient and ctx.sensitive(f.field)})


def _written(r: Recipient) -> str:
    return r.as_written[0] if r.as_written else r.name


def _about(ctx: AuditContext, s: Scenario, r: Recipient) -> dict[str, object]:
    return {"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name,
            "recipient": r.name}


def _tail(sens: list[str]) -> str:
    if not sens:
        return ""
    shown = "、".join(sens[:6]) + ("…" if len(sens) > 6 else "")
    return f"; it receives {len(sens)} sensitive field(s) ({shown})"


def unnamed_recipient(ctx: AuditContext) -> Iterator[Finding]:
    """SG201: a row names a category of recipient, not a recipient (合作的持牌金融机构)."""
    for r in ctx.policy.recipients:
        generic_affiliate = r.kind is RecipientKind.AFFILIATE and r.name in ("关联公司", "关联方")
        if r.kind is not RecipientKind.UNNAMED and not generic_affiliate:
            continue
        for s in _rows_naming(ctx, r.name):
            yield Finding.make(
                "SG201", ERROR, about=_about(ctx, s, r),
                evidence=[ctx.quote(ctx.recipient_line(s, r.name), focus=_written(r))],
                reason=f"sharing row {s.name!r} names {r.name!r}, a kind of recipient, not a recipient"
                       + _tail(_sensitive_received(ctx, s, r.name)),
                clause=cite(PIPL_23, GBT_92),
            )


def onward_processor(ctx: AuditContext) -> Iterator[Finding]:
    """SG202: a recipient passes the data on to processors it entrusts, unnamed (…及其委托的…)."""
    reentrust = [i for i, line in enumerate(ctx.lines, 1) if _REENTRUST.search(line)]
    for r in ctx.policy.recipients:
        if r.kind is not RecipientKind.ONWARD:
            continue
        for s in _rows_naming(ctx, r.name):
            quotes = [ctx.quote(ctx.recipient_line(s, r.name), focus=_written(r))]
            extra = ""
            if reentrust:
                quotes.append(ctx.quote(reentrust[0], focus="转委托"))
                extra = (f"; the policy's own rule (line {reentrust[0]}) forbids re-entrustment "
                         "without the user's consent, and none is asked for this")
            yield Finding.make(
                "SG202", WARNING, about=_about(ctx, s, r), evidence=quotes,
                reason=f"sharing row {s.name!r}: {r.onward_of or 'a recipient'} hands the data on to "
                       f"processors it entrusts, which the policy does not name ({r.as_written[0] if r.as_written else r.name})"
                       + extra + _tail(_sensitive_received(ctx, s, r.name)),
                clause=cite(PIPL_23, PIPL_21, GBT_92),
            )


def unresolved_brand(ctx: AuditContext) -> Iterator[Finding]:
    """SG203: a brand nothing in the policy ties to a legal entity (旦米, app store)."""
    for r in ctx.policy.recipients:
        if r.kind is not RecipientKind.BRAND:
            continue
        for s in _rows_naming(ctx, r.name):
            yield Finding.make(
                "SG203", WARNING, about=_about(ctx, s, r),
                evidence=[ctx.quote(ctx.recipient_line(s, r.name), focus=_written(r))],
                reason=f"sharing row {s.name!r} names {r.name!r}, a brand that neither the list nor the "
                       "SDK table ties to a legal entity" + _tail(_sensitive_received(ctx, s, r.name)),
                clause=cite(PIPL_23, GBT_92),
            )


def brand_resolved_by_sdk_table(ctx: AuditContext) -> Iterator[Finding]:
    """SG204: a brand in the list tied to its company only through the SDK table."""
    for r in ctx.policy.recipients:
        if not r.resolution:
            continue
        brands = [w for w in r.as_written if w != r.name]
        rows = [s for s in _rows_naming(ctx, r.name)
                if any(f.recipient == r.name and f.recipient_as_written in brands
                       for f in ctx.scenario_flows(s))]
        for s in rows:
            line = ctx.recipient_line(s, r.name)
            quotes: list[Quote] = [ctx.quote(line, focus=brands[0] if brands else r.name)]
            m = re.search(r"line (\d+)", r.resolution)
            if m:
                quotes.append(ctx.quote(int(m.group(1))))
            yield Finding.make(
                "SG204", NOTE, about=_about(ctx, s, r), evidence=quotes,
                reason=f"sharing row {s.name!r} names the brand {'、'.join(brands) or r.name}; only the SDK "
                       f"table ties it to {r.name} ({r.resolution}): the list should name the company",
                clause=cite(PIPL_23),
            )


def open_partner_categories(ctx: AuditContext) -> Iterator[Finding]:
    """SG206: the prose provides data to kinds of partner given as an open list, none named, and
    no row of the sharing list is for them."""
    from lineage.audit.consistency import is_legal
    from lineage.audit.matching import best_row

    open_list = ctx.words.pattern("open_list_re")
    for st in ctx.statements:
        if st.kind != SHARE or is_legal(st):
            continue
        kinds = st.partner_ref or st.partner
        after = st.text[st.text.find(st.partner) + len(st.partner):] if st.partner in st.text else ""
        if not (st.partner_ref or open_list.search(kinds) or re.match(r"^[，,]\s*(?:包括|如|例如)", after)):
            continue
        parts = [p for p in re.split(r"[、，,]|以及|及|和|或", re.sub(r"^.*?(?:如|例如|包括)", "", kinds)) if p.strip()]
        if len(parts) < 2 and not st.partner_ref and not open_list.search(after[:80]):
            continue
        if any(ctx.names_entity(p) for p in parts) or best_row(ctx, st) is not None:
            continue
        data = "、".join(st.fields[:8]) if st.fields else "personal information without naming its types"
        yield Finding.make(
            "SG206", WARNING,
            about={"app": ctx.app, "statement": f"line {st.line}: {st.partner}", "fields": st.fields},
            evidence=[ctx.quote(st.line, focus=st.partner[:20])],
            reason=f"line {st.line} provides {data} to kinds of partner given as an open list "
                   f"({kinds[:120]}{'…' if len(kinds) > 120 else ''}), none named, and no row of the sharing "
                   "list is for them: the recipients, their contacts and the data each gets are not told",
            clause=cite(PIPL_23, GBT_92),
        )


RULES = (unnamed_recipient, onward_processor, unresolved_brand, brand_resolved_by_sdk_table,
         open_partner_categories)
