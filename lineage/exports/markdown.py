"""Markdown: a short summary of the lineage for a ticket or a wiki page.

Provenance, counts, the sensitive fields and who gets them, the unnamed, brand-only and onward
recipients with their records (contact, relationship, legal basis, cross-border:
:mod:`lineage.exports.records`), and the fields that reach the most recipients. Every string that comes
from a policy is escaped (:func:`md`): it cannot close a table cell, open a code
span, a link or an emphasis, or inject HTML.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from lineage.exports import records
from lineage.exports.common import Selection, permissions, provenance, write_text
from lineage.exports.html import summary, title
from registry.stats import row_headings

TOP = 10
"""Rows of the top-fields table."""
NAMES = 12
"""Recipients named per cell before ``… and N more``."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|~#!])")


def md(value: Any) -> str:
    r"""Policy text made inert in Markdown: one line, HTML escaped, markup characters escaped.

    >>> md("a|b `x` <script>*y*</script>")
    'a\\|b \\`x\\` &lt;script&gt;\\*y\\*&lt;/script&gt;'
    """
    text = " ".join(str("" if value is None else value).split())
    text = html.escape(text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _names(items: list[str]) -> str:
    shown = ", ".join(md(x) for x in items[:NAMES])
    rest = len(items) - NAMES
    return shown + (f" … and {rest} more" if rest > 0 else "")


def _fact(cell: dict[str, Any] | None, notes: dict[str, int], empty: str) -> str:
    """A record cell (:mod:`lineage.exports.records`): the value in words, ``?N`` where it is low
    (N its note below the table), ``l. 892`` the policy's line."""
    if cell is None:
        return empty
    text = md(cell["text"])
    if cell["low"]:
        n = notes.setdefault(cell["note"], len(notes) + 1) if cell["note"] else None
        text += f" ?{n or ''}"
    lines = ", ".join(str(n) for n in cell["lines"] if n)
    return text + (f" (l. {lines})" if lines else "")


def _record_key(sel: Selection, notes: dict[str, int]) -> list[str]:
    out = [""]
    caption = records.caption(sel)
    if caption:
        out += [f"_{md(caption)}_", ""]
    out.append("Contact, relationship, legal basis, cross-border: as the policy states them; l. N is the line of "
               "the policy they are read from" + ("; ?N marks a low-confidence reading, N its note:" if notes else "."))
    if notes:
        out.append("")
        out += [f"- ?{n}: {md(note)}" for note, n in notes.items()]
    return out


def render_markdown(sel: Selection) -> str:
    """The selection as a Markdown report: provenance, summary, then one table of flows."""
    prov = provenance(sel)
    rows = sel.rows
    s = summary(rows, len(permissions(sel)))
    scope = {k: v for k, v in sel.scope.items() if v and k != "group_by"}
    out = [f"# {md(title(sel.scope, sel.apps))}", ""]
    out.append(f"Made by {prov['tool']} {md(prov['tool_version'])}. Scope: "
               + ("; ".join(f"{k} = {md(v)}" for k, v in scope.items()) or "the whole registry")
               + ".")
    out += ["", "| App | Source document | SHA-256 | Imported at |", "|---|---|---|---|"]
    out += [f"| {md(x['app'])} | {md(x['file'])} | `{x['sha256']}` | {md(x['imported_at'])} |"
            for x in prov["sources"]]

    per_field: dict[str, set[str]] = defaultdict(set)
    per_field_vias: dict[str, set[tuple[str, str]]] = defaultdict(set)
    sensitive: dict[str, bool] = {}
    category: dict[str, str] = {}
    per_recipient: dict[str, dict[str, Any]] = {}
    for r, heading in zip(rows, row_headings(rows), strict=True):
        if r["recipient_kind"] in ("unnamed", "brand", "onward"):
            rec = per_recipient.setdefault(r["recipient"], {"kind": r["recipient_kind"], "fields": set(),
                                                            "vias": set(), "of": set()})
            rec["vias"].add(r["via"])
            if not heading:
                rec["fields"].add(r["field"])
            if r["onward_of"]:
                rec["of"].add(r["onward_of"])
        if heading:  # a group listed with its members: its members are the fields (docs/counts.md)
            continue
        per_field[r["field"]].add(r["recipient"])
        per_field_vias[r["field"]].add((r["app"], r["via"]))
        sensitive[r["field"]] = bool(r["sensitive"])
        category[r["field"]] = r["category"] or ""

    out += ["", "## Counts", "",
            f"- Flows (field → scenario or SDK → recipient): {s['flows']}",
            f"- Data fields: {s['fields']} ({len(s['sensitive_fields'])} sensitive)",
            f"- Recipients: {s['recipients']} ({len(s['unnamed_recipients'])} unnamed, "
            f"{len(s['brand_recipients'])} brand only, {len(s['onward_recipients'])} onward)",
            f"- Scenarios of the sharing list: {s['scenarios']}; SDKs: {s['sdks']}; "
            f"device permissions: {s['permissions']}",
            "", f"_{md(s['caption'])}_"]

    out += ["", "## Sensitive fields and who gets them", ""]
    if s["sensitive_fields"]:
        out += ["| Field | Category | Recipients | Who |", "|---|---|---:|---|"]
        for f in sorted(s["sensitive_fields"], key=lambda f: (-len(per_field[f]), f)):
            out.append(f"| {md(f)} | {md(category[f])} | {len(per_field[f])} | "
                       f"{_names(sorted(per_field[f]))} |")
    else:
        out.append("None in this scope.")

    out += ["", "## Unnamed, brand-only and onward recipients", "",
            "The policy names a category, a brand it ties to no company, or an unnamed processor.", ""]
    if per_recipient:
        cells = records.record_cells(sel, sorted(per_recipient))
        notes: dict[str, int] = {}
        out += ["| Recipient | Kind | Entrusted by | Fields | Through | " + " | ".join(records.HEADINGS) + " |",
                "|---|---|---|---:|---|" + "---|" * len(records.KINDS)]
        for name in sorted(per_recipient):
            rec = per_recipient[name]
            facts = " | ".join(_fact(cells[name][k], notes, records.empty(sel)) for k in records.KINDS)
            out.append(f"| {md(name)} | {rec['kind']} | {_names(sorted(rec['of'])) or '—'} | "
                       f"{len(rec['fields'])} | {_names(sorted(rec['vias']))} | {facts} |")
        out += _record_key(sel, notes)
    else:
        out.append("None in this scope.")

    out += ["", f"## Top fields by recipients (top {TOP})", ""]
    if per_field:
        out += ["| # | Field | Sensitive | Recipients | Scenarios and SDKs |", "|---:|---|---|---:|---:|"]
        ranked = sorted(per_field, key=lambda f: (-len(per_field[f]), not sensitive[f], f))[:TOP]
        for i, f in enumerate(ranked, 1):
            out.append(f"| {i} | {md(f)} | {'yes' if sensitive[f] else 'no'} | {len(per_field[f])} | "
                       f"{len(per_field_vias[f])} |")
    else:
        out.append("No flows in this scope.")
    return "\n".join(out) + "\n"


def write_markdown(sel: Selection, path: str | Path) -> dict[str, Any]:
    """Write the selection as Markdown; returns its flow count."""
    text = render_markdown(sel)
    write_text(path, lambda: text)
    return {"flows": len(sel.rows)}
