"""HTML: the self-contained lineage report (:func:`lineage.report_html.render_html`).

This module builds the ``sharegraph-report`` dict render_html draws: provenance (the
source documents and their SHA-256, the tool version, when each was imported, when
the report was made), the scope, a summary, the selected flows, and the disclosure
audit's findings when :mod:`lineage.audit` is installed and the export was given a
registry (the audit reads the policies, not the graph).

``generated_at`` is the current UTC time, or ``SOURCE_DATE_EPOCH`` when set, for
reproducible builds.

A report holds at most :data:`MAX_REPORT_FLOWS` flows. Above 2,000 diagram links the
page already aggregates its diagram (:func:`lineage.report_html.plan_diagram`); above
the flow limit the page itself becomes too heavy for a browser (measured in
docs/benchmarks-export.md), so the export refuses and says how to narrow it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lineage.exports.common import ExportError, Selection, permissions, provenance, write_text
from registry.stats import row_headings

REPORT_FORMAT = "sharegraph-report"
REPORT_VERSION = 1
MAX_REPORT_FLOWS = 100_000
"""About 100 synthetic apps: ~20 MB of HTML with their audit, opened by Chromium in ~5 s
(docs/benchmarks-export.md); twice that took three times as long."""


def check_report_size(flows: int, limit: int | None = None) -> None:
    """Refuse a report too big to open: say how to narrow it, and which formats take it all."""
    limit = MAX_REPORT_FLOWS if limit is None else limit
    if flows > limit:
        raise ExportError(
            f"{flows:,} flows in scope: an HTML report holds at most {limit:,} (a bigger page is too "
            "heavy to open); narrow it with --app, --field or --recipient, or write the whole "
            "registry as csv, xlsx, json or graphml")


def generated_at() -> str:
    """The report's UTC timestamp: ``SOURCE_DATE_EPOCH`` if set (reproducible), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def report_flow(row: dict[str, Any], heading: bool = False) -> dict[str, Any]:
    """A flow row in the keys render_html packs (lineage.report_html.FLOW_COLUMNS); ``heading``:
    the row names a group whose members its cell lists (registry.stats.row_headings)."""
    ev = row["evidence"]
    return {
        "app": row["app"], "field": row["field"], "field_as_written": row["field_as_written"],
        "category": row["category"], "sensitive": bool(row["sensitive"]), "channel": row["channel"],
        "via": row["via"], "purpose": row["purpose"], "frequency": row["frequency"],
        "recipient": row["recipient"], "recipient_as_written": row["recipient_as_written"],
        "recipient_kind": row["recipient_kind"], "onward_of": row.get("onward_of"),
        "implied_via": row["implied_via"], "heading": heading,
        "file": ev["file"], "line": ev["line"], "evidence": ev["text"],
    }  # fmt: skip


def summary(rows: Sequence[dict[str, Any]], permission_count: int | None = None) -> dict[str, Any]:
    """Counts and the names an auditor looks for first (shared by the HTML, Markdown and XLSX
    exports), counted as ``sharegraph stats`` counts (:mod:`registry.stats`, docs/counts.md).

    ``fields`` is a number and ``sensitive_fields`` the names; ``brand_recipients`` are the
    recipients the policy names by a brand it ties to no legal entity. ``permission_count`` (the
    distinct device permissions in scope) is given by the caller, which has the graph.
    """
    from registry.stats import caption, row_counts

    def names(pred: Any, key: str) -> list[str]:
        return sorted({r[key] for r in rows if pred(r)})

    c = row_counts(rows)
    out = {
        "flows": c["flows"], "group_flows": c["group_flows"], "implied_flows": c["implied_flows"],
        "fields": len(c["fields"]), "recipients": c["recipients"], "scenarios": c["scenarios"],
        "sdks": c["sdks"], "sensitive_fields": c["sensitive_fields"],
        "unnamed_recipients": names(lambda r: r["recipient_kind"] == "unnamed", "recipient"),
        "brand_recipients": names(lambda r: r["recipient_kind"] == "brand", "recipient"),
        "onward_recipients": names(lambda r: r["recipient_kind"] == "onward", "recipient"),
    }  # fmt: skip
    if permission_count is not None:
        out["permissions"] = permission_count
    out["caption"] = caption(out)
    return out


def title(scope: dict[str, Any], apps: Sequence[str]) -> str:
    """A report title from its scope: the app (or the count of apps), field and recipient."""
    if scope.get("app"):
        head = scope["app"]
    elif len(apps) == 1:
        head = apps[0]
    else:
        head = f"{len(apps)} apps"
    parts = [f"{k} {scope[k]}" for k in ("field", "recipient") if scope.get(k)]
    return f"{head} — data sharing lineage" + (f" ({', '.join(parts)})" if parts else "")


def audit_findings(sel: Selection) -> list[dict[str, Any]] | None:
    """The disclosure audit's findings for the apps in scope, or None where there is no audit."""
    if sel.registry is None:
        return None
    try:
        from lineage.audit import audit
    except ImportError:
        return None
    findings = audit(sel.registry, app=sel.scope.get("app"))
    return [f.as_dict() for f in findings]


def build_report(sel: Selection) -> dict[str, Any]:
    """The ``sharegraph-report`` dict of a selection (the shape render_html documents)."""
    prov = provenance(sel)
    perms = permissions(sel)
    scope = {k: sel.scope.get(k) for k in ("app", "field", "recipient")}
    report: dict[str, Any] = {
        "format": REPORT_FORMAT, "version": REPORT_VERSION, "tool_version": prov["tool_version"],
        "generated_at": generated_at(), "title": title(scope, sel.apps), "scope": scope,
        "sources": prov["sources"], "summary": summary(sel.rows, len(perms)),
        "permissions": perms,
        "flows": [report_flow(r, h) for r, h in zip(sel.rows, row_headings(sel.rows), strict=True)],
    }  # fmt: skip
    report["records"] = report_records(sel)
    findings = audit_findings(sel)
    if findings is not None:
        report["audit"] = findings
    return report


def report_records(sel: Selection) -> dict[str, Any]:
    """Each recipient's record for the report's Recipients table (:mod:`lineage.exports.records`):
    ``kinds``, ``headings``, ``empty`` (what an empty cell reads), ``caption`` (why the cells are
    empty, when the export was given a graph) and ``cells`` (per recipient, one cell a kind)."""
    from lineage.exports import records

    cells = records.record_cells(sel)
    return {"kinds": list(records.KINDS), "headings": list(records.HEADINGS), "empty": records.empty(sel),
            "caption": records.caption(sel),
            "cells": {name: [c[k] for k in records.KINDS] for name, c in cells.items()}}


def write_html(sel: Selection, path: str | Path, *, max_flows: int | None = None) -> dict[str, Any]:
    """Write the selection as a self-contained HTML report; returns its flow count."""
    from lineage.report_html import render_html

    check_report_size(len(sel.rows), max_flows)
    report = build_report(sel)
    page = render_html(report)
    write_text(path, lambda: page)
    out = {"flows": len(report["flows"])}
    if "audit" in report:
        out["findings"] = len(report["audit"])
    return out
