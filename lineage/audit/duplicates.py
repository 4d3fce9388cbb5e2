"""SG6xx: duplicates and contradictions inside the tables.

A recipient listed twice in one cell, the same SDK or scenario listed twice, a
provider given different contacts in different SDK rows, a field written twice
in one cell: none breaks a provision by itself, but each says the list is not
kept with care, and a reader cannot tell which entry to believe.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from lineage.audit.clauses import GBT_92, PIPL_7, PIPL_17, cite
from lineage.audit.context import AuditContext
from lineage.audit.finding import NOTE, WARNING, Finding, Quote
from registry.model import Scenario
from registry.normalize import classify_recipient, resolve_field
from registry.splitting import split_items


def _cell_lines(ctx: AuditContext, s: Scenario, role: str) -> list[tuple[int, str]]:
    """(line, text) of a sharing row's cell, from the text when it is there."""
    raw = ctx.raw_row("sharing", s.evidence.row)
    if raw is not None and role in raw.cells:
        return list(raw.cells[role].items)
    text = s.recipients_text if role == "recipient" else s.data_text
    base = ctx.recipient_line(s) if role == "recipient" else s.evidence.line
    return [(base + i, t) for i, t in enumerate(text.split("\n"))]


def recipient_listed_twice(ctx: AuditContext) -> Iterator[Finding]:
    """SG601: one cell of the sharing list names the same recipient more than once."""
    for s in ctx.policy.scenarios:
        seen: dict[str, list[int]] = defaultdict(list)
        for line, text in _cell_lines(ctx, s, "recipient"):
            for item in split_items(text, line):
                for r in classify_recipient(item.raw or item.text, ctx.vocab)[:1]:
                    seen[r.name].append(line)
        for name, lines in seen.items():
            if len(lines) < 2:
                continue
            yield Finding.make(
                "SG601", NOTE,
                about={"app": ctx.app, "table": "sharing", "row": s.evidence.row, "scenario": s.name,
                       "recipient": name},
                evidence=[ctx.quote(ln, focus=name) for ln in sorted(set(lines))],
                reason=f"sharing row {s.name!r} lists {name} {len(lines)} times: nothing is missing, "
                       "the list is only less clear",
                clause=cite(PIPL_7),
            )


def provider_contacts_differ(ctx: AuditContext) -> Iterator[Finding]:
    """SG602: one SDK provider is given different contacts in different SDK rows."""
    by_provider: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for s in ctx.policy.sdks:
        if s.provider and s.contact.strip():
            by_provider[s.provider].append((s.name, s.contact.strip(), s.evidence.line if s.evidence else 0))
    for provider, rows in sorted(by_provider.items()):
        contacts = sorted({c for _, c, _ in rows})
        if len(contacts) < 2:
            continue
        quotes: list[Quote] = []
        for _, _, line in rows:
            quotes.extend(_contact_quotes(ctx, line))
        yield Finding.make(
            "SG602", NOTE,
            about={"app": ctx.app, "table": "sdk", "recipient": provider, "sdk": tuple(n for n, _, _ in rows)},
            evidence=quotes,
            reason=f"{provider} is given {len(contacts)} different contacts: "
                   + "; ".join(f"{c} ({', '.join(n for n, cc, _ in rows if cc == c)})" for c in contacts)
                   + ": each is a contact, so nothing Art. 23 asks is missing; one contact per provider "
                     "reads more clearly",
            clause=cite(PIPL_7),
        )


def _contact_quotes(ctx: AuditContext, sdk_line: int) -> list[Quote]:
    """The SDK's name line and, when the table is at hand, its contact cell."""
    out = [ctx.quote(sdk_line)]
    t = ctx.table("sdk")
    if t is not None:
        for row in t.rows:
            cell = row.cells.get("sdk_name")
            if cell is not None and cell.line == sdk_line and "contact" in row.cells and row.cells["contact"].line:
                out.append(ctx.quote(row.cells["contact"].line))
    return out


def listed_twice(ctx: AuditContext) -> Iterator[Finding]:
    """SG603: the same SDK, or the same scenario, has two rows."""
    for table, names in (("sdk", [(s.name, s.evidence.line if s.evidence else 0) for s in ctx.policy.sdks]),
                         ("sharing", [(s.name, s.evidence.line) for s in ctx.policy.scenarios])):
        count = Counter(n for n, _ in names)
        for name, k in sorted(count.items()):
            if k < 2:
                continue
            key = "sdk" if table == "sdk" else "scenario"
            yield Finding.make(
                "SG603", WARNING, about={"app": ctx.app, "table": table, key: name},
                evidence=[ctx.quote(ln) for n, ln in names if n == name],
                reason=f"the {'SDK table' if table == 'sdk' else 'sharing list'} has {k} rows for {name!r}",
                clause=cite(PIPL_17, GBT_92),
            )


def field_listed_twice(ctx: AuditContext) -> Iterator[Finding]:
    """SG604: one data cell names the same field twice (at the same level)."""
    cells = [("sharing", s.evidence.row, s.name, None, s.data_text, s.evidence.line) for s in ctx.policy.scenarios]
    cells += [("sdk", s.evidence.row if s.evidence else 0, None, s.name, s.data_text,
               s.evidence.line if s.evidence else 0) for s in ctx.policy.sdks]
    for table, row, scenario, sdk, text, line in cells:
        count = Counter(resolve_field(it.text, ctx.vocab).canonical for it in split_items(text.replace("\n", "、")))
        dup = sorted(n for n, k in count.items() if k > 1)
        if dup:
            yield Finding.make(
                "SG604", NOTE,
                about={"app": ctx.app, "table": table, "row": row, "scenario": scenario, "sdk": sdk,
                       "fields": dup},
                evidence=[ctx.quote(line)],
                reason=f"{'row ' + repr(scenario) if scenario else 'SDK ' + repr(sdk)} names "
                       f"{'、'.join(dup)} twice",
                clause=cite(PIPL_17),
            )


RULES = (recipient_listed_twice, provider_contacts_differ, listed_twice, field_listed_twice)
