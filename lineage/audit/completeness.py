"""SG1xx: is each row of the sharing list and each SDK disclosed in full?

PIPL Art. 23 lists what a handler must tell before providing personal
information to another handler: the recipient's name and contact, the purpose,
the manner of processing and the types of personal information. GB/T 35273-2020
§9.2 and §9.7 and the TC260 SDK guide ask the same of each embedded SDK (plus a
link to its privacy policy). A column missing from a whole table is one finding
for the table; a cell left empty is one finding for its row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lineage.audit.clauses import GBT_92, GBT_97, PIPL_17, PIPL_23, TC260_SDK, cite
from lineage.audit.context import AuditContext
from lineage.audit.finding import ERROR, NOTE, WARNING, Finding, Quote, clip
from registry.model import SDK, RecipientKind, Scenario

SHARING_ELEMENTS = {
    "data": "the types of personal information",
    "recipient": "the recipient",
    "purpose": "the purpose",
    "frequency": "the manner and frequency",
    "contact": "the recipient's contact",
}
"""The Art. 23 elements a sharing row must give, by column role."""

_URL = re.compile(r"^\s*(?:https?://|www\.)", re.IGNORECASE)
_PHONE_OR_MAIL = re.compile(r"@|\d[\d\s-]{6,}")


def _header_quote(ctx: AuditContext, kind: str) -> list[Quote]:
    """The table's header row, its cells joined (a flattened table puts each on its own line)."""
    t = ctx.table(kind)
    if t is None:
        return []
    return [Quote(ctx.file, t.line, clip(" | ".join(t.headers)))]


def _sharing_value(s: Scenario, role: str) -> str:
    return {"data": s.data_text, "recipient": s.recipients_text, "purpose": s.purpose,
            "frequency": s.frequency}.get(role, "")


def _column_absent(ctx: AuditContext, role: str) -> bool:
    """True if the sharing list has no column for ``role`` (from its header, else from the rows)."""
    t = ctx.table("sharing")
    if t is not None:
        return role not in t.roles
    scenarios = ctx.policy.scenarios
    if role == "contact":
        return not any(ctx.policy.recipient(r) and ctx.policy.recipient(r).contact  # type: ignore[union-attr]
                       for s in scenarios for r in ctx.scenario_recipients(s)
                       if not ctx.sdks_of(r))
    return bool(scenarios) and not any(_sharing_value(s, role) for s in scenarios)


def sharing_column_missing(ctx: AuditContext) -> Iterator[Finding]:
    """SG102: the sharing list has no column for an Art. 23 element (one finding per table)."""
    if not ctx.policy.scenarios:
        return
    for role, what in SHARING_ELEMENTS.items():
        if not _column_absent(ctx, role):
            continue
        recipients = sorted({r for s in ctx.policy.scenarios for r in ctx.scenario_recipients(s)})
        extra = ""
        if role == "contact":
            via_sdk = [r for r in recipients if ctx.sdks_of(r)]
            extra = (f": none of its {len(recipients)} recipients is given a contact there"
                     + (f" ({len(via_sdk)} have one in the SDK table)" if via_sdk else ""))
        yield Finding.make(
            "SG102", ERROR,
            about={"app": ctx.app, "table": "sharing"},
            evidence=_header_quote(ctx, "sharing") or [ctx.quote(ctx.policy.scenarios[0].evidence.line)],
            reason=f"the sharing list has no column for {what}{extra}",
            clause=cite(PIPL_23, GBT_92),
        )


def sharing_row_incomplete(ctx: AuditContext) -> Iterator[Finding]:
    """SG101: a sharing row leaves an Art. 23 element empty (where the list has the column)."""
    for s in ctx.policy.scenarios:
        missing = []
        for role, what in SHARING_ELEMENTS.items():
            if role == "contact" or _column_absent(ctx, role):
                continue
            if not _sharing_value(s, role).strip():
                missing.append(what)
        if missing:
            yield Finding.make(
                "SG101", ERROR,
                about={"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name},
                evidence=ctx.quote_ev(s.evidence),
                reason=f"sharing row {s.name!r} does not give " + ", ".join(missing),
                clause=cite(PIPL_23, GBT_92),
            )


def sharing_row_without_contact(ctx: AuditContext) -> Iterator[Finding]:
    """SG103: the list has a contact column, but a row's recipients are given no contact."""
    if _column_absent(ctx, "contact"):
        return
    for s in ctx.policy.scenarios:
        raw = ctx.raw_row("sharing", s.evidence.row)
        if raw is not None:
            empty = not raw.text("contact")
            names = ctx.scenario_recipients(s) if empty else []
        else:
            names = [r for r in ctx.scenario_recipients(s)
                     if (rec := ctx.policy.recipient(r)) is not None and not rec.contact
                     and rec.kind is not RecipientKind.ONWARD]
        if names:
            yield Finding.make(
                "SG103", ERROR,
                about={"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name,
                       "recipients": names},
                evidence=[ctx.quote(ctx.recipient_line(s))],
                reason=f"sharing row {s.name!r} gives no contact for {len(names)} recipient(s)",
                clause=cite(PIPL_23, GBT_92),
            )


def sharing_purpose_restates_scenario(ctx: AuditContext) -> Iterator[Finding]:
    """SG105: a sharing row's purpose only repeats its scenario's name."""
    for s in ctx.policy.scenarios:
        if s.purpose.strip() and s.purpose.strip() == s.name.strip():
            yield Finding.make(
                "SG105", WARNING,
                about={"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name},
                evidence=ctx.quote_ev(s.evidence),
                reason=f"sharing row {s.name!r} gives as its purpose its own name ({s.purpose!r}): "
                       "what the recipient does with the data is not said",
                clause=cite(PIPL_23, GBT_92),
            )


def _sdk_about(ctx: AuditContext, s: SDK) -> dict[str, object]:
    return {"app": ctx.app, "table": "sdk", "row": s.evidence.row if s.evidence else None,
            "sdk": s.name, "recipient": s.provider}


def _sdk_quotes(ctx: AuditContext, s: SDK, roles: tuple[str, ...] = ()) -> list[Quote]:
    """The SDK's name line; with ``roles``, those cells of its row as ``header：text`` (empty shows)."""
    quotes = ctx.quote_ev(s.evidence, f"{s.name} | {s.provider}")
    t = ctx.table("sdk")
    raw = ctx.raw_row("sdk", s.evidence.row) if s.evidence else None
    if roles and t is not None and raw is not None and quotes:
        header = dict(zip(t.roles, t.headers, strict=False))
        cells = [f"{header.get('sdk_name', 'SDK')}：{raw.text('sdk_name')}"]
        cells += [f"{header.get(r, r)}：{raw.text(r)}" for r in roles if r in header]
        quotes = [Quote(ctx.file, quotes[0].line, clip("；".join(cells)))]
    return quotes


def sdk_row_incomplete(ctx: AuditContext) -> Iterator[Finding]:
    """SG104: an SDK row leaves an Art. 23 element empty: provider, contact, purpose or data."""
    for s in ctx.policy.sdks:
        missing: list[str] = []
        roles: list[str] = []
        if not s.provider.strip():
            missing.append("its provider")
            roles.append("provider")
        if not s.contact.strip():
            missing.append("the provider's contact")
            roles.append("contact")
        if not (s.function.strip() or s.need.strip() or s.purpose.strip()):
            missing.append("any purpose (basic function, business need and purpose are all empty)")
            roles.extend(("function", "need", "purpose"))
        if not s.data_text.strip():
            missing.append("the personal information it collects")
            roles.append("data")
        if missing:
            yield Finding.make(
                "SG104", ERROR, about=_sdk_about(ctx, s), evidence=_sdk_quotes(ctx, s, tuple(roles)),
                reason=f"SDK {s.name!r} ({s.provider or 'no provider'}) does not give " + "; ".join(missing),
                clause=cite(PIPL_23, GBT_97, TC260_SDK),
            )


def sdk_without_policy_link(ctx: AuditContext) -> Iterator[Finding]:
    """SG106: an SDK row gives no link to the SDK's own privacy policy."""
    for s in ctx.policy.sdks:
        if not s.policy_url.strip():
            yield Finding.make(
                "SG106", WARNING, about=_sdk_about(ctx, s), evidence=_sdk_quotes(ctx, s),
                reason=f"SDK {s.name!r} gives no link to its provider's privacy policy",
                clause=cite(TC260_SDK, GBT_97),
            )


def sdk_contact_is_web_page(ctx: AuditContext) -> Iterator[Finding]:
    """SG107: an SDK's contact is a web address only (no phone number or e-mail)."""
    for s in ctx.policy.sdks:
        c = s.contact.strip()
        if c and _URL.match(c) and not _PHONE_OR_MAIL.search(c):
            yield Finding.make(
                "SG107", NOTE, about=_sdk_about(ctx, s), evidence=_sdk_quotes(ctx, s),
                reason=f"SDK {s.name!r} gives a web page ({c}) as its provider's contact; a page can "
                       "serve, a phone number or e-mail address is what Art. 23 readers expect",
                clause=cite(PIPL_23, PIPL_17),
            )


RULES = (
    sharing_row_incomplete,
    sharing_column_missing,
    sharing_row_without_contact,
    sdk_row_incomplete,
    sharing_purpose_restates_scenario,
    sdk_without_policy_link,
    sdk_contact_is_web_page,
)
