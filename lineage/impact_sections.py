"""The impact reports for people: what add-partner and remove-partner would change, in the policy's words.

The ``--json`` document is the report as :mod:`lineage.impact` returns it; these sections are
what a person reads: a summary, the new exposures, and each row of the appendix before and
after, in the policy's own columns (:mod:`lineage.appendix`): a table on a terminal, one table
with a ``section`` column when piped.
"""

from __future__ import annotations

from typing import Any

from registry.sections import Section, cell, mapping_sections

EXPOSURE_COLUMNS = ["field", "sensitive", "category", "already_received_elsewhere", "rank_before", "rank_after",
                    "recipients_before", "recipients_after"]
TABLE_NAMES = {"sharing": "sharing list", "sdk": "SDK table"}


def where(change: dict[str, Any]) -> str:
    """The row a change is about, for a title: ``sharing list row 7 (line 2316)``, ``SDK table: new row``.

    >>> where({"table": "sdk", "row": None, "line": None})
    'SDK table: new row'
    """
    name = TABLE_NAMES.get(change["table"], change["table"])
    if change.get("row") is None:
        return f"{name}: new row"
    return f"{name} row {change['row']}" + (f" (line {change['line']})" if change.get("line") else "")


def row_views(change: dict[str, Any]) -> list[dict[str, Any]]:
    """A change's rows as table rows: ``before`` and ``after`` (``after: row removed`` when the
    row goes; one row ``before = after`` when it stays as it is), then ``new row``, each cell as
    the policy writes it; the first column, ``row``, says which.

    >>> row_views({"columns": ["接收方"], "before": {"接收方": "A"}, "after": None, "new_row": None})
    [{'row': 'before', '接收方': 'A'}, {'row': 'after: row removed'}]
    >>> row_views({"before": {"接收方": "A"}, "after": {"接收方": "A"}, "changed": [], "new_row": {"接收方": "B"}})
    [{'row': 'before = after', '接收方': 'A'}, {'row': 'new row', '接收方': 'B'}]
    """
    before, after = change.get("before"), change.get("after")
    out: list[dict[str, Any]] = []
    if before is not None and after is not None and not change.get("changed"):
        out.append({"row": "before = after", **before})
    else:
        if before is not None:
            out.append({"row": "before", **before})
        out.append({"row": "after", **after} if after is not None else {"row": "after: row removed"})
    if change.get("new_row") is not None:
        out.append({"row": "new row", **change["new_row"]})
    return out


def row_section(title: str, change: dict[str, Any]) -> Section:
    """One row change as a table in the policy's columns (their headers as written)."""
    return Section(title, rows=row_views(change), columns=["row", *change["columns"]])


def add_partner_sections(report: dict[str, Any]) -> list[Section]:
    """``impact add-partner``: what is added where, the partner as the appendix would name it,
    the new exposures, and the appendix row before and after."""
    c = report["appendix_change"]
    partner = report["partner"].strip()
    via = f"the {'scenario' if report['channel'] == 'sharing' else 'SDK'} {report['via']}"
    lines = [f"adding {report['written_as']} to {via} of {report['app']}"
             + ("" if report.get("written") else " (nothing written without --apply -o)")]
    if report["written_as"] != partner:
        lines.append(f"partner: {partner} → {report['written_as']}")
    elif report.get("legal_entity") is None:
        lines.append(f"partner: {partner} (as typed: no legal entity is known)")
    if report["already_receives_fields"]:
        lines.append(f"already receives: {'、'.join(report['already_receives_fields'])}")
    if report["sensitive_new"]:
        lines.append(f"sensitive fields new to it: {'、'.join(report['sensitive_new'])}")
    typed = {v: k for k, v in report["resolved"].items() if isinstance(v, str)}
    if report.get("new_fields"):
        lines.append("new to the row: " + "、".join(
            f + (f" (typed {typed[f]})" if f in typed else "") for f in report["new_fields"]))
    if report["unchanged"]:
        lines.append(f"already there, unchanged: {'、'.join(report['unchanged'])}")
    changed = c.get("changed") or []
    lines.append(f"{where(c)}: " + (f"changes {'、'.join(changed)}" if changed and c.get("before") else
                                    "a new row" if c.get("before") is None else "stays as it is"))
    if c.get("note"):
        lines.append(c["note"])
    if not c.get("headers_as_written", True):
        lines.append("the registry keeps no text of the policy: columns named by their roles")
    if report.get("written"):
        lines.append(f"written: {report['written']}")
    out = [Section("summary", lines)]
    if report["new_exposures"]:
        out.append(Section("new exposures", rows=report["new_exposures"], columns=EXPOSURE_COLUMNS))
    out.append(row_section(f"appendix change: {where(c)}", c))
    return out


def add_partner_notes(report: dict[str, Any]) -> list[str]:
    """stderr for people: each name typed that was resolved, and each warning."""
    notes = [f"resolved: {k} → {cell(v)}" for k, v in report["resolved"].items()
             if k != report["partner"].strip()]  # the partner is in the summary
    return notes + [f"warning: {w}" for w in report.get("warnings", [])]


def remove_partner_sections(report: dict[str, Any]) -> list[Section]:
    """``impact remove-partner``: the blast radius (as ``breach``), then each appendix row that
    names the partner, before and after, one table per table of the policy (the columns of a
    table are its own)."""
    changes = report.get("appendix_changes") or []
    out = mapping_sections({k: v for k, v in report.items() if k != "appendix_changes"})
    apps = {c["app"] for c in changes}
    groups: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for c in changes:
        groups.setdefault((c["app"], c["table"], tuple(c["columns"])), []).append(c)
    for (app, table, columns), rows in groups.items():
        title = (f"{app}: " if len(apps) > 1 else "") + f"{TABLE_NAMES.get(table, table)} rows to change"
        body = [{**r, "row": f"row {c['row']} {r['row']}", "line": c["line"]} for c in rows for r in row_views(c)]
        out.append(Section(title, rows=body, columns=["row", "line", *columns]))
        notes = [f"line {c['line']}: {c['note']}" for c in rows if c.get("note")]
        if notes:
            out.append(Section(f"{title}: notes", notes))
    return out
