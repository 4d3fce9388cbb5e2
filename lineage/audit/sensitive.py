"""SG3xx: sensitive personal information that leaves the app, and the consent asked for it.

PIPL Art. 28 defines sensitive personal information (the vocabulary marks it);
Art. 29 requires separate consent (单独同意) to process it, and Art. 23 requires
separate consent to provide any personal information to another handler. So
the question for each shared sensitive field is whether the policy says it asks
separate consent *for providing it*. A separate-consent statement about
collecting and using (收集、使用) does not cover provision; an explicit-consent
statement (明示同意, 明确同意) is what GB/T 35273-2020 §9.2 asks for sensitive
information, but not the separate consent the PIPL asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lineage.audit.clauses import GBT_92, GBT_97, PIPL_23, PIPL_28, PIPL_29, cite
from lineage.audit.context import AuditContext
from lineage.audit.finding import ERROR, NOTE, WARNING, Finding, Quote
from registry.model import Flow

SEPARATE = re.compile(r"单独(?:的)?(?:书面)?(?:同意|授权)")
EXPLICIT = re.compile(r"明示同意|明确(?:的)?同意|书面同意")
_PROVISION = re.compile(r"共享|提供给|对外提供|向第三方|向其他个人信息处理者|第三方SDK|接收方|委托第三方")
_CROSS_BORDER = re.compile(r"境外|跨境|出境")
_COLLECTION = re.compile(r"收集|使用")
_SENSITIVE = re.compile(r"敏感")


@dataclass(frozen=True, slots=True)
class ConsentStatement:
    """A sentence of the policy that says consent is asked, and what for."""

    line: int
    text: str
    separate: bool
    """单独同意 / 单独授权; else an explicit (明示/明确) consent."""
    scope: str
    """``provision``, ``cross-border``, ``collection`` or ``other``."""
    sensitive: bool
    """The sentence is about sensitive personal information."""

    @property
    def covers_provision(self) -> bool:
        """Whether the statement asks separate consent for providing data to others."""
        return self.separate and self.scope == "provision"


def consent_statements(ctx: AuditContext) -> list[ConsentStatement]:
    """Every sentence outside the tables that speaks of separate or explicit consent."""
    return list(_consent_statements(ctx.text.text if ctx.text else "", frozenset(ctx.table_lines)))


@cache
def _consent_statements(text: str, skip: frozenset[int]) -> tuple[ConsentStatement, ...]:
    out: list[ConsentStatement] = []
    for no, raw in enumerate(text.split("\n"), 1):
        if no in skip or not raw.strip():
            continue
        for sentence in re.split(r"(?<=。)", raw.strip()):
            sep, exp = SEPARATE.search(sentence), EXPLICIT.search(sentence)
            if not (sep or exp):
                continue
            if _CROSS_BORDER.search(sentence):
                scope = "cross-border"
            elif _PROVISION.search(sentence):
                scope = "provision"
            elif _COLLECTION.search(sentence):
                scope = "collection"
            else:
                scope = "other"
            out.append(ConsentStatement(no, sentence.strip(), bool(sep), scope,
                                        bool(_SENSITIVE.search(sentence))))
    return tuple(out)


def provision_consent(ctx: AuditContext) -> ConsentStatement | None:
    """The first statement that asks separate consent for providing personal information."""
    return next((c for c in consent_statements(ctx) if c.covers_provision), None)


def _status(ctx: AuditContext) -> str:
    c = provision_consent(ctx)
    if c is not None:
        return f"the policy asks separate consent for providing it (line {c.line})"
    if ctx.text is None:
        return "whether separate consent is asked could not be checked (no policy text)"
    return "the policy does not say it asks separate consent for providing it"


def _sensitive_by_via(ctx: AuditContext, flows: list[Flow]) -> tuple[list[str], list[str], list[int]]:
    fields = sorted({f.field for f in flows if ctx.sensitive(f.field)})
    recipients = sorted({f.recipient for f in flows if ctx.sensitive(f.field)})
    lines = sorted({f.evidence.line for f in flows if ctx.sensitive(f.field)})
    return fields, recipients, lines


def sensitive_shared(ctx: AuditContext) -> Iterator[Finding]:
    """SG301: a row or SDK gives sensitive fields to recipients; with or without separate consent."""
    covered = provision_consent(ctx) is not None
    level = NOTE if covered else WARNING
    status = _status(ctx)
    for s in ctx.policy.scenarios:
        fields, recipients, lines = _sensitive_by_via(ctx, ctx.scenario_flows(s))
        if not fields:
            continue
        yield Finding.make(
            "SG301", level,
            about={"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name,
                   "fields": fields, "recipients": recipients},
            evidence=[ctx.quote(ln) for ln in lines[:3]],
            reason=f"sharing row {s.name!r} gives {len(fields)} sensitive field(s) ({'、'.join(fields)}) "
                   f"to {len(recipients)} recipient(s); {status}",
            clause=cite(PIPL_28, PIPL_29, PIPL_23),
        )
    for sdk in ctx.policy.sdks:
        fields, recipients, lines = _sensitive_by_via(ctx, ctx.sdk_flows(sdk))
        if not fields:
            continue
        yield Finding.make(
            "SG301", level,
            about={"app": ctx.app, "table": "sdk", "row": sdk.evidence.row if sdk.evidence else None,
                   "sdk": sdk.name, "fields": fields, "recipients": recipients},
            evidence=[ctx.quote(ln) for ln in lines[:3]],
            reason=f"SDK {sdk.name!r} collects {len(fields)} sensitive field(s) ({'、'.join(fields)}) for "
                   f"{'、'.join(recipients)}; {status}",
            clause=cite(PIPL_28, PIPL_29, PIPL_23, GBT_97),
        )


def _describe(c: ConsentStatement) -> str:
    kind = "separate" if c.separate else "explicit"
    what = {"provision": "providing personal information", "cross-border": "transfer abroad",
            "collection": "collecting and using" + (" sensitive personal information" if c.sensitive else ""),
            "other": "the case it names"}[c.scope]
    return f"{kind} consent for {what} (line {c.line})"


def no_separate_consent_for_provision(ctx: AuditContext) -> Iterator[Finding]:
    """SG302: personal information is provided to other handlers, and no separate consent is said."""
    flows = list(ctx.policy.flows)
    if not flows or provision_consent(ctx) is not None:
        return
    recipients = sorted({f.recipient for f in flows})
    sens = sorted({f.field for f in flows if ctx.sensitive(f.field)})
    about = {"app": ctx.app, "recipients": recipients, "fields": sens}
    if ctx.text is None:
        yield Finding.make(
            "SG302", NOTE, about=about,
            reason="separate consent for providing personal information could not be checked: the "
                   "policy text was not found (give --text)",
            clause=cite(PIPL_23, PIPL_29),
        )
        return
    found = [c for c in consent_statements(ctx) if c.separate or c.scope == "provision"]
    said = "; ".join(_describe(c) for c in found) if found else "no separate consent statement at all"
    first_row = ctx.policy.scenarios[0].evidence.line if ctx.policy.scenarios else 0
    quotes: list[Quote] = [ctx.quote(c.line, focus="同意") for c in found[:4]]
    if first_row:
        quotes.append(ctx.quote(first_row))
    yield Finding.make(
        "SG302", ERROR if sens else WARNING, about=about, evidence=quotes,
        reason=f"the policy provides personal information to {len(recipients)} recipient(s) "
               f"({len(sens)} sensitive field(s) among it) but never says it asks separate consent for "
               f"that; what it says: {said}",
        clause=cite(PIPL_23, PIPL_29, GBT_92),
    )


RULES = (sensitive_shared, no_separate_consent_for_provision)
