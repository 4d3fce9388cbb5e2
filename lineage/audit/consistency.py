"""SG4xx: do the tables agree with what the policy says in prose?

Sections 一 and 二 say, in sentences, what each business function collects and
what is provided to which kind of partner (read by :mod:`lineage.audit.prose`).
The sharing list, SDK table and permission table should agree:

* SG401: the prose says data is shared, and no row of the sharing list shares it;
* SG402: the prose says a kind of partner gets data, and the row for that kind
  of partner (paired by :mod:`lineage.audit.matching`) omits it;
* SG403: the sharing list shares data the prose never says is collected;
* SG404: an SDK collects data the collection prose never mentions;
* SG405: a permission's data is shared (a row or an SDK) and the permission
  table does not say so.

A group named with its members (设备信息（包括…）) covers those members only; a
group named alone covers all of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from lineage.audit.clauses import GBT_55, GBT_92, GBT_97, PIPL_17, PIPL_23, TC260_SDK, cite
from lineage.audit.context import AuditContext
from lineage.audit.finding import NOTE, WARNING, Finding
from lineage.audit.matching import best_row, covered_by
from lineage.audit.prose import COLLECT, SHARE, Statement
from registry.model import Channel, Flow, Permission

LEGAL = re.compile(r"协会|监管|征信|人民银行|公安|法院|检察|司法|政府|有权机关|行政机关|消费者权益保护|仲裁|交警")
"""Partners the policy provides data to by legal obligation: no row of the list is expected."""

_SAYS_SHARED = re.compile(r"共享|提供给|第三方|SDK|合作方|合作机构|合作伙伴|接收方")


def is_legal(st: Statement) -> bool:
    """Whether a statement's partner is a legal authority (disclosure required by law)."""
    return bool(LEGAL.search(st.partner_kind))


def _shares(ctx: AuditContext) -> list[Statement]:
    return [s for s in ctx.statements if s.kind == SHARE and s.fields]


def _listed(ctx: AuditContext) -> set[str]:
    return {f.field for f in ctx.policy.flows if f.channel is Channel.SHARING}


def _join(names: list[str], limit: int = 12) -> str:
    return "、".join(names[:limit]) + (f"… ({len(names)} in all)" if len(names) > limit else "")


def prose_shared_not_listed(ctx: AuditContext) -> Iterator[Finding]:
    """SG401: data the prose says is shared that no row of the sharing list shares."""
    listed = _listed(ctx)
    for st in _shares(ctx):
        missing = [f for f in st.fields if not covered_by(ctx, f, listed)]
        if not missing:
            continue
        legal = is_legal(st)
        yield Finding.make(
            "SG401", NOTE if legal else WARNING,
            about={"app": ctx.app, "table": "sharing", "statement": f"line {st.line}: {st.partner}",
                   "fields": missing},
            evidence=[ctx.quote(st.line, focus=st.partner)],
            reason=f"the prose says {_join(missing)} {'is' if len(missing) == 1 else 'are'} provided to "
                   f"{st.partner} (line {st.line}); no row of the sharing list shares "
                   f"{'it' if len(missing) == 1 else 'them'}"
                   + (" (a provision the law requires; the list may leave it out, the prose should say "
                      "so)" if legal else ""),
            clause=cite(PIPL_23, GBT_92) if not legal else cite(PIPL_17, GBT_55),
        )


def prose_shared_row_omits(ctx: AuditContext) -> Iterator[Finding]:
    """SG402: the row paired with a prose statement omits data the statement gives that partner."""
    listed = _listed(ctx)
    for st in _shares(ctx):
        if is_legal(st):
            continue
        m = best_row(ctx, st)
        if m is None:
            continue
        row_fields = set(ctx.scenario_fields(m.row))
        missing = [f for f in st.fields if covered_by(ctx, f, listed)
                   and not covered_by(ctx, f, row_fields)]
        if not missing:
            continue
        yield Finding.make(
            "SG402", NOTE,
            about={"app": ctx.app, "table": "sharing", "row": m.row.evidence.row, "scenario": m.row.name,
                   "statement": f"line {st.line}: {st.partner}", "fields": missing},
            evidence=[ctx.quote(st.line, focus=st.partner), *ctx.quote_ev(m.row.evidence)],
            reason=f"the prose gives {st.partner} {_join(missing)} (line {st.line}); the row that fits it "
                   f"best, {m.row.name!r}, does not list {'it' if len(missing) == 1 else 'them'} "
                   "(other rows do)",
            clause=cite(PIPL_23, GBT_92),
        )


def _collected(ctx: AuditContext) -> tuple[set[str], frozenset[str]]:
    """Fields the collection prose names, and the groups it names with a closed list of members."""
    fields: set[str] = set()
    closed: set[str] = set()
    for st in ctx.statements:
        if st.kind != COLLECT:
            continue
        for name, open_ in st.covers():
            fields.add(name)
            if not open_:
                closed.add(name)
    # a group named alone anywhere is open, whatever another sentence lists under it
    opened = {name for st in ctx.statements if st.kind == COLLECT for name, o in st.covers() if o}
    return fields, frozenset(closed - opened)


def _first_lines(flows: list[Flow], limit: int = 3) -> list[int]:
    return sorted({f.evidence.line for f in flows})[:limit]


def listed_not_collected(ctx: AuditContext) -> Iterator[Finding]:
    """SG403: the sharing list shares a field that the prose never says is collected."""
    if not ctx.statements:
        return
    collected, closed = _collected(ctx)
    by_field: dict[str, list[Flow]] = defaultdict(list)
    for f in ctx.policy.flows:
        if f.channel is Channel.SHARING:
            by_field[f.field].append(f)
    for name in sorted(by_field):
        if covered_by(ctx, name, collected, closed):
            continue
        flows = by_field[name]
        rows = sorted({f.via for f in flows})
        said = [st.line for st in ctx.statements if st.kind == SHARE and name in st.fields]
        also = (f" (the sharing prose names it, line {said[0]}, but no sentence says how or in which "
                "business function it is collected)") if said else ""
        yield Finding.make(
            "SG403", WARNING,
            about={"app": ctx.app, "table": "sharing", "field": name, "scenario": rows[0] if len(rows) == 1 else None},
            evidence=[ctx.quote(ln, focus=flows[0].field_as_written) for ln in _first_lines(flows)],
            reason=f"the sharing list shares {name} ({'、'.join(rows)}), which sections 一 and 二 never "
                   f"say is collected{also}",
            clause=cite(PIPL_17, GBT_55),
        )


def sdk_not_in_collection_prose(ctx: AuditContext) -> Iterator[Finding]:
    """SG404: an SDK collects a field the collection prose never mentions."""
    if not ctx.statements:
        return
    collected, closed = _collected(ctx)
    by_field: dict[str, list[Flow]] = defaultdict(list)
    for f in ctx.policy.flows:
        if f.channel is Channel.SDK:
            by_field[f.field].append(f)
    for name in sorted(by_field):
        if covered_by(ctx, name, collected, closed):
            continue
        flows = by_field[name]
        sdks = sorted({f.via for f in flows})
        yield Finding.make(
            "SG404", NOTE,
            about={"app": ctx.app, "table": "sdk", "field": name, "sdk": sdks[0] if len(sdks) == 1 else None},
            evidence=[ctx.quote(ln) for ln in _first_lines(flows)],
            reason=f"{'、'.join(sdks)} collect{'s' if len(sdks) == 1 else ''} {name}, which the collection "
                   "prose never mentions (only the SDK table lists it)",
            clause=cite(PIPL_17, GBT_97, TC260_SDK),
        )


def _reaches(ctx: AuditContext, perm_field: str, flow_field: str) -> bool:
    return flow_field == perm_field or perm_field in ctx.ancestors(flow_field)


def permission_data_shared_unsaid(ctx: AuditContext) -> Iterator[Finding]:
    """SG405: data a permission reads is shared or collected by SDKs; the permission table is silent."""
    by_name: dict[str, list[Permission]] = defaultdict(list)
    for p in ctx.policy.permissions:
        by_name[p.name].append(p)
    for name, rows in by_name.items():
        fields = sorted({f for p in rows for f in p.fields})
        if not fields or any(_SAYS_SHARED.search(p.purpose + p.impact) for p in rows):
            continue
        flows = [fl for fl in ctx.policy.flows if any(_reaches(ctx, pf, fl.field) for pf in fields)]
        if not flows:
            continue
        shared = sorted({fl.field for fl in flows})
        vias = sorted({f"{'row' if fl.channel is Channel.SHARING else 'SDK'} {fl.via}" for fl in flows})
        recipients = sorted({fl.recipient for fl in flows})
        sens = any(ctx.sensitive(f) for f in shared)
        purposes = "; ".join(dict.fromkeys(p.purpose for p in rows if p.purpose))
        quotes = [q for p in rows for q in ctx.quote_ev(p.evidence)][:2]
        quotes += [ctx.quote(ln) for ln in _first_lines(flows, 2)]
        yield Finding.make(
            "SG405", WARNING if sens else NOTE,
            about={"app": ctx.app, "table": "permission", "permission": name, "fields": shared,
                   "recipients": recipients},
            evidence=quotes,
            reason=f"the permission table says {name} is for {purposes or 'an unstated purpose'!r}; the data "
                   f"it reads ({'、'.join(shared)}) goes to {len(recipients)} recipient(s) through "
                   f"{_join(vias, 6)}, which the table does not say",
            clause=cite(PIPL_17, PIPL_23, TC260_SDK),
        )


RULES = (
    prose_shared_not_listed,
    prose_shared_row_omits,
    listed_not_collected,
    sdk_not_in_collection_prose,
    permission_data_shared_unsaid,
)
