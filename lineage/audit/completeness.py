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
from lineage.audit.finding import ERROR, NOTE, WARNING, Finding, Quote
from registry.model import SDK, RecipientKind, Scenario
from registry.tables import RawRow, RawTable

LESSER_ELEMENTS = ("frequency",)
"""Elements whose absence is a warning, not an error: Art. 23 names the recipient's manner of
processing, which a 共享方式/频率 column only partly answers; a reviewer may read the purpose as
saying it. The release gate (``--fail-on error``) must not fire on what a reviewer may reject."""

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


def _header(ctx: AuditContext, kind: str) -> tuple[list[Quote], str]:
    """The table's header cells as written, each on its own line as the document has it, and a
    description in the audit's words (``the header (lines 2124–2148: A, B, C)``); a table read
    from labelled records or sentences has no header: ``[]`` and ``""``."""
    t = ctx.table(kind)
    if t is None or not t.headers:
        return [], ""
    cells = ctx.header_lines(t)
    if not cells:
        return [], ""
    lines = sorted(set(cells.values()))
    span = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}–{lines[-1]}"
    return ctx.quote_lines(lines), f"its header ({span}: {', '.join(cells)})"


def _has_header(ctx: AuditContext, kind: str) -> bool:
    t = ctx.table(kind)
    return t is not None and bool(t.headers) and any(t.roles)


def _sharing_value(s: Scenario, role: str) -> str:
    return {"data": s.data_text, "recipient": s.recipients_text, "purpose": s.purpose,
            "frequency": s.frequency}.get(role, "")


def _column_absent(ctx: AuditContext, role: str) -> bool:
    """True if the sharing list has no column for ``role``: from its header when it has one,
    else (rows read from labelled records or sentences) when no row gives it."""
    if _has_header(ctx, "sharing"):
        t = ctx.table("sharing")
        return t is not None and role not in t.roles
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
    quotes, header = _header(ctx, "sharing")
    for role, what in SHARING_ELEMENTS.items():
        if not _column_absent(ctx, role):
            continue
        recipients = sorted({r for s in ctx.policy.scenarios for r in ctx.scenario_recipients(s)})
        extra = ""
        if role == "contact":
            via_sdk = [r for r in recipients if ctx.sdks_of(r)]
            extra = (f": none of its {len(recipients)} recipients is given a contact there"
                     + (f" ({len(via_sdk)} have one in the SDK table)" if via_sdk else ""))
        if header:
            reason = f"the sharing list has no column for {what} ({header}){extra}"
        else:
            lines = sorted({s.evidence.line for s in ctx.policy.scenarios})
            quotes = ctx.quote_lines(lines[:3])
            reason = (f"none of the {len(ctx.policy.scenarios)} sharing disclosures (read from the "
                      f"policy's sentences or labelled entries, line{'s' if len(lines) > 1 else ''} "
                      f"{', '.join(map(str, lines[:3]))}) gives {what}{extra}")
        yield Finding.make(
            "SG102", WARNING if role in LESSER_ELEMENTS else ERROR,
            about={"app": ctx.app, "table": "sharing"},
            evidence=quotes,
            reason=reason,
            clause=cite(PIPL_23, GBT_92),
        )


def sharing_row_incomplete(ctx: AuditContext) -> Iterator[Finding]:
    """SG101: a sharing row leaves an Art. 23 element empty (where the list has the column)."""
    for s in ctx.policy.scenarios:
        missing = []
        roles = []
        for role, what in SHARING_ELEMENTS.items():
            if role == "contact" or _column_absent(ctx, role):
                continue
            if not _sharing_value(s, role).strip():
                missing.append(what)
                roles.append(role)
        if missing:
            yield Finding.make(
                "SG101", WARNING if set(roles) <= set(LESSER_ELEMENTS) else ERROR,
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


def _has_scenario_cell(ctx: AuditContext, s: Scenario) -> bool:
    """Whether the row was written with a scenario of its own (a cell or label), not named by
    the import after its purpose (a sharing sentence has no scenario)."""
    found = ctx.row_at("sharing", s.evidence.line)
    if found is None:
        return ctx.text is None  # without the text, trust the registry's row
    _, row = found
    return "scenario" in row.cells and not row.cells["scenario"].empty


def restates(purpose: str, name: str, filler: re.Pattern[str]) -> bool:
    """Whether a purpose says no more than its scenario's name: its words, less filler words
    (提供, 进行, 服务…: ``purpose_filler_words`` of data/audit.yaml), are all the name's.

    >>> from lineage.audit.words import load_audit_words
    >>> f = load_audit_words().pattern("purpose_filler_words")
    >>> restates("提供借款推荐服务", "借款推荐服务", f), restates("推送消息到设备", "推送通知", f)
    (True, False)
    """
    p, n = purpose.strip(), name.strip()
    if not p:
        return False
    if p == n:
        return True
    words = _pairs(filler.sub("、", p))
    return bool(words) and words <= _pairs(n)


def _pairs(text: str) -> set[str]:
    """Two-character words within runs of letters (an English word counts as one)."""
    out: set[str] = set()
    for run in re.findall(r"\w+", text.casefold()):
        if run.isascii():
            out.add(run)
        else:
            out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


def sharing_purpose_restates_scenario(ctx: AuditContext) -> Iterator[Finding]:
    """SG105: a sharing row's purpose only repeats its scenario's name (in other words, or as is)."""
    filler = ctx.words.pattern("purpose_filler_words")
    for s in ctx.policy.scenarios:
        if not _has_scenario_cell(ctx, s):
            continue  # a row read from a sentence is named by its purpose: nothing to compare
        if not restates(s.purpose, s.name, filler):
            continue
        same = s.purpose.strip() == s.name.strip()
        found = ctx.row_at("sharing", s.evidence.line)
        lines = [s.evidence.line]
        if found is not None and "purpose" in found[1].cells and found[1].cells["purpose"].line:
            lines.append(found[1].cells["purpose"].line)
        yield Finding.make(
            "SG105", WARNING,
            about={"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name},
            evidence=ctx.quote_lines(lines),
            reason=f"sharing row {s.name!r} gives as its purpose "
                   + (f"its own name ({s.purpose!r})" if same else
                      f"{s.purpose!r}, its name in other words")
                   + ": what the recipient does with the data is not said",
            clause=cite(PIPL_23, GBT_92),
        )


def _sdk_about(ctx: AuditContext, s: SDK) -> dict[str, object]:
    return {"app": ctx.app, "table": "sdk", "row": s.evidence.row if s.evidence else None,
            "sdk": s.name, "recipient": s.provider}


def _sdk_row(ctx: AuditContext, s: SDK) -> tuple[RawTable, RawRow] | None:
    """The SDK's row as the document's table has it (found by the line of its name)."""
    return ctx.row_at("sdk", s.evidence.line, "sdk_name") if s.evidence else None


def _sdk_quotes(ctx: AuditContext, s: SDK, whole_row: bool = False) -> list[Quote]:
    """The line that names the SDK; with ``whole_row``, the first line of each of its row's
    cells that holds text (the row spans several lines in a flattened table), each as written."""
    found = _sdk_row(ctx, s) if whole_row else None
    if found is None:
        return ctx.quote_ev(s.evidence)
    _, row = found
    return ctx.quote_lines(c.line for c in row.cells.values() if c.line and not c.empty) \
        or ctx.quote_ev(s.evidence)


_ROLE_WORDS = {"provider": "provider", "contact": "contact", "function": "basic function",
               "need": "business need", "purpose": "purpose", "data": "collected data"}


def _blank_cells(ctx: AuditContext, s: SDK, roles: tuple[str, ...], default: str) -> str:
    """Which of the SDK row's cells for ``roles`` are blank (by their headers as written) or
    which columns its table lacks: the audit's own words, for the reason (never a quote)."""
    found = _sdk_row(ctx, s)
    if found is None:
        return default
    t, row = found
    header = {role: h for h, role in zip(t.headers, t.roles, strict=False) if role}
    blank = [f"'{header[r]}'" for r in roles if r in header and (r not in row.cells or row.cells[r].empty)]
    absent = [_ROLE_WORDS[r] for r in roles if r not in header]
    parts = []
    if blank:
        parts.append(f"its {'、'.join(blank)} cell{'s are' if len(blank) > 1 else ' is'} blank")
    if absent:
        labelled = t.layout in ("records", "paragraph-list") or not t.headers
        parts.append(f"its {'entry' if labelled else 'table'} has no {' or '.join(absent)} "
                     f"{'label' if labelled else 'column'}")
    return "; ".join(parts) or default


def _privacy_link(ctx: AuditContext, s: SDK) -> str:
    """The link to the SDK's privacy policy: its column, else a labelled URL of its row
    (``隐私链接：https://…``: a label the header words do not know, kept as an attribute)."""
    if s.policy_url.strip():
        return s.policy_url.strip()
    for label, value in s.attributes:
        if _URL.match(value) and ctx.words.matches("privacy_link_labels", label):
            return value.strip()
    return ""


def _not_an_sdk(s: SDK) -> bool:
    """An entry that gives nothing an SDK row gives (no provider, contact, link or purpose): a
    heading or paragraph the import read as an SDK entry (SG104 says so, as a note)."""
    return not (s.provider.strip() or s.contact.strip() or s.policy_url.strip()
                or s.function.strip() or s.need.strip() or s.purpose.strip()
                or any(_URL.match(v) for _, v in s.attributes))


def sdk_row_incomplete(ctx: AuditContext) -> Iterator[Finding]:
    """SG104: an SDK row leaves an Art. 23 element empty: provider, contact, purpose or data."""
    for s in ctx.policy.sdks:
        missing: list[str] = []
        no_provider = not s.provider.strip()
        no_contact = not s.contact.strip()
        no_purpose = not (s.function.strip() or s.need.strip() or s.purpose.strip())
        if no_provider:
            missing.append("its provider (" + _blank_cells(ctx, s, ("provider",), "none named") + ")")
        if no_contact:
            missing.append("the provider's contact (" + _blank_cells(ctx, s, ("contact",), "none given") + ")")
        if no_purpose:
            missing.append("any purpose (" + _blank_cells(ctx, s, ("function", "need", "purpose"),
                                                          "function, need and purpose all blank") + ")")
        if not s.data_text.strip():
            missing.append("the personal information it collects ("
                           + _blank_cells(ctx, s, ("data",), "none listed") + ")")
        if not missing:
            continue
        link = _privacy_link(ctx, s)
        level, tail = ERROR, ""
        if no_provider and no_contact and no_purpose and not link:
            # nothing an SDK row gives: a heading or paragraph the import took for an SDK entry
            level = NOTE
            tail = ("; it gives nothing else an SDK entry gives (no provider, contact, link or "
                    "purpose), so it may be prose the import read as an SDK entry: check it")
        elif len(missing) == 1 and no_contact and link:
            # the provider is named and its privacy policy linked: reachable, not by a contact
            level = WARNING
            tail = f"; only the link to its privacy policy ({link}) leads to the provider"
        yield Finding.make(
            "SG104", level, about=_sdk_about(ctx, s), evidence=_sdk_quotes(ctx, s, whole_row=True),
            reason=f"SDK {s.name!r} ({s.provider or 'no provider'}) does not give " + "; ".join(missing) + tail,
            clause=cite(PIPL_23, GBT_97, TC260_SDK),
        )


def sdk_without_policy_link(ctx: AuditContext) -> Iterator[Finding]:
    """SG106: an SDK row gives no link to the SDK's own privacy policy."""
    for s in ctx.policy.sdks:
        if not _privacy_link(ctx, s) and not _not_an_sdk(s):
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
