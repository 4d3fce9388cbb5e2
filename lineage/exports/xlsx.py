"""XLSX: the flows and six views of them in one workbook, for an auditor's Excel.

Sheets: ``flows`` (the CSV's rows, folded with ``--group-by``), ``recipients``
(what each receives, and its record: contact, relationship, legal basis, cross-border), ``fields`` (who receives each), ``sdks`` (the SDK rows in
scope and what they collect), ``permissions`` (the device permissions, platforms
together), ``audit`` (the disclosure audit's findings) and ``summary`` (counts and
provenance). Each sheet has its header row frozen, an autofilter and column widths
fitted to the text.

Written by pandas with openpyxl. openpyxl stores a string that begins with ``=`` as a
formula; and Excel runs a text cell that begins with ``=``, ``+``, ``-`` or ``@`` once
someone edits it. So every such cell is written as a string with Excel's *quote
prefix* style (``quotePrefix``): Excel shows the text as written, without an
apostrophe, and keeps it text when the cell is edited (the CSV, which has no styles,
gets a leading ``'`` instead: :func:`lineage.export_safety.neutralize`). The sheets are
checked for formula cells before the file is renamed into place.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from lineage import ids
from lineage.export_safety import FORMULA_PREFIXES
from lineage.exports.common import (
    ExportError,
    Selection,
    atomic_path,
    permissions,
    provenance,
    table,
    xml_safe,
    yes_no,
)
from lineage.exports.html import audit_findings, summary
from registry.stats import row_headings

SHEETS = ("flows", "recipients", "fields", "sdks", "permissions", "audit", "summary")
EXCEL_MAX_ROWS = 1_048_576
"""Rows in an Excel sheet, the header included."""
MAX_WIDTH = 60
SEP = "; "


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float):
        return value
    return xml_safe("" if value is None else str(value))


def _width(value: Any) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _join(values: Any) -> str:
    return SEP.join(sorted({str(v) for v in values if v not in (None, "")}))


RECORD_COLUMNS = ["contact", "relationship", "legal_basis", "cross_border", "record_notes", "record_evidence"]
"""The recipients sheet's record columns (:mod:`lineage.exports.records`)."""
WRAPPED = ("quotes", "record_notes", "record_evidence")
"""Columns that hold one item a line."""


def _record_row(cells: dict[str, Any], empty: str) -> list[Any]:
    """A recipient's record as the recipients sheet's :data:`RECORD_COLUMNS`: each fact in words
    with ``(low)`` where it is low; its notes and the statements it is read from (``kind, line N:
    text as written``), one a line."""
    from lineage.exports.records import KINDS

    facts = [(c["text"] + (" (low)" if c["low"] else "")) if c else empty for c in (cells[k] for k in KINDS)]
    notes, evidence = [], []
    for k in KINDS:
        c = cells[k]
        if c is None:
            continue
        label = k.replace("_", " ").replace("cross border", "cross-border")
        if c["note"]:
            notes.append(f"{label}{' (low)' if c['low'] else ''}: {c['note']}")
        evidence += [f"{label}, {'line ' + str(e['line']) if e['line'] else 'no line'}: {e['text']}"
                     for e in c["evidence"]]
    return [*facts, "\n".join(notes), "\n".join(evidence)]


def recipients_sheet(rows: list[dict[str, Any]], sel: Selection | None = None) -> tuple[list[str], list[list[Any]]]:
    """(columns, rows) of the workbook's sheet with one row per recipient; with ``sel``, each
    recipient's record too (:data:`RECORD_COLUMNS`)."""
    cols = ["recipient", "recipient_kind", "onward_of", "field_count", "sensitive_field_count",
            "sensitive_field_names", "field_names", "scenarios_and_sdks", "apps"]
    acc: dict[str, dict[str, Any]] = {}
    for r, heading in zip(rows, row_headings(rows), strict=True):
        a = acc.setdefault(r["recipient"], {"kind": r["recipient_kind"], "of": set(), "fields": set(),
                                            "sens": set(), "via": set(), "apps": set()})
        a["via"].add(r["via"])
        a["apps"].add(r["app"])
        if r["onward_of"]:
            a["of"].add(r["onward_of"])
        if heading:  # a group listed with its members: the members are the fields (docs/counts.md)
            continue
        a["fields"].add(r["field"])
        if r["sensitive"]:
            a["sens"].add(r["field"])
    out = [[name, a["kind"], _join(a["of"]), len(a["fields"]), len(a["sens"]), _join(a["sens"]),
            _join(a["fields"]), _join(a["via"]), _join(a["apps"])]
           for name, a in sorted(acc.items(), key=lambda kv: (-len(kv[1]["sens"]), -len(kv[1]["fields"]), kv[0]))]
    if sel is not None:
        from lineage.exports.records import empty, record_cells

        cells = record_cells(sel, [r[0] for r in out])
        none = empty(sel) if sel.registry is not None else ""
        cols += RECORD_COLUMNS
        out = [[*r, *_record_row(cells[r[0]], none)] for r in out]
    return cols, out


def fields_sheet(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """(columns, rows) of the workbook's sheet with one row per field."""
    cols = ["field", "category", "sensitive", "recipient_count", "recipient_names", "scenarios_and_sdks",
            "apps"]
    acc: dict[str, dict[str, Any]] = {}
    for r, heading in zip(rows, row_headings(rows), strict=True):
        if heading:  # a group listed with its members is no field of its own (docs/counts.md)
            continue
        a = acc.setdefault(r["field"], {"category": r["category"], "sensitive": r["sensitive"],
                                        "recipients": set(), "via": set(), "apps": set()})
        a["recipients"].add(r["recipient"])
        a["via"].add(r["via"])
        a["apps"].add(r["app"])
    out = [[name, a["category"], yes_no(a["sensitive"]), len(a["recipients"]), _join(a["recipients"]),
            _join(a["via"]), _join(a["apps"])]
           for name, a in sorted(acc.items(), key=lambda kv: (-len(kv[1]["recipients"]), kv[0]))]
    return cols, out


def sdks_sheet(sel: Selection) -> tuple[list[str], list[list[Any]]]:
    """The SDK rows in scope (those the selected flows pass through, or all of them)."""
    cols = ["app", "sdk", "provider", "contact", "policy_url", "function", "need", "purpose",
            "collects", "recipients", "source_file", "source_line"]
    G = sel.G
    collects: dict[str, set[str]] = defaultdict(set)
    recipients: dict[str, set[str]] = defaultdict(set)
    for r in sel.rows:
        if r["channel"] == "sdk":
            n = ids.sdk_id(r["app"], r["via"])
            collects[n].add(r["field"])
            recipients[n].add(r["recipient"])
    if sel.filtered:
        nodes = sorted(collects)
    else:
        nodes = sorted(n for n, d in G.nodes(data=True)
                       if d["kind"] == ids.SDK and d["app"] in set(sel.apps))
    out = []
    for n in nodes:
        d = G.nodes[n]
        ev = d.get("ev")
        out.append([d["app"], d["name"], d.get("provider"), d.get("contact"), d.get("policy_url"),
                    d.get("function"), d.get("need"), d.get("purpose"), _join(collects[n]),
                    _join(recipients[n]), ev.file if ev else None, ev.line if ev else None])
    return cols, out


def permissions_sheet(sel: Selection) -> tuple[list[str], list[list[Any]]]:
    """One row per device permission in scope, its platforms together (docs/counts.md)."""
    cols = ["app", "permission", "platforms", "purpose", "fields_granted", "fields_shared",
            "source_file", "source_line"]
    out = [[p["app"], p["permission"], SEP.join(p["platforms"]), p["purpose"], SEP.join(p["fields_granted"]),
            SEP.join(p["fields_shared"]), p["source_file"], p["source_line"]] for p in permissions(sel)]
    return cols, out


AUDIT_LEVELS = ("error", "warning", "note")


def audit_sheet(findings: list[dict[str, Any]] | None) -> tuple[list[str], list[list[Any]]]:
    """One row per finding of the disclosure audit, errors first; ``quotes`` holds each quoted
    line as ``line: text``, one a line (the source lines as written, :mod:`lineage.audit`)."""
    cols = ["level", "rule", "app", "about", "reason", "clause", "source_file", "first_line", "quotes"]
    out = []
    order = {lv: i for i, lv in enumerate(AUDIT_LEVELS)}
    for f in sorted(findings or [], key=lambda f: order.get(f["level"], len(order))):  # stable: audit's order
        about = {k: v for k, v in (f.get("about") or {}).items() if k != "app"}
        ev = f.get("evidence") or []
        out.append([f["level"], f["rule"], (f.get("about") or {}).get("app"),
                    SEP.join(f"{k}={v}" for k, v in about.items()), f["reason"], f.get("clause"),
                    ev[0]["file"] if ev else None, ev[0]["line"] if ev else None,
                    "\n".join(f"{q['line']}: {q['text']}" for q in ev)])
    return cols, out


def summary_sheet(sel: Selection, findings: list[dict[str, Any]] | None = None,
                  ) -> tuple[list[str], list[list[Any]]]:
    """(columns, rows) of the workbook's first sheet: provenance, scope and counts."""
    prov = provenance(sel)
    s = summary(sel.rows, len(permissions(sel)))
    scope = {k: v for k, v in sel.scope.items() if v}
    rows: list[list[Any]] = [
        ["tool", f"{prov['tool']} {prov['tool_version']}"],
        ["scope", "; ".join(f"{k} = {v}" for k, v in scope.items()) or "the whole registry"],
    ]
    for src in prov["sources"]:
        rows += [[f"source: {src['app']}", src["file"]],
                 [f"sha256: {src['app']}", src["sha256"]],
                 [f"imported_at: {src['app']}", src["imported_at"]]]
    rows += [["flows", s["flows"]], ["group rows among the flows", s["group_flows"]],
             ["fields", s["fields"]], ["sensitive fields", len(s["sensitive_fields"])],
             ["recipients", s["recipients"]], ["scenarios", s["scenarios"]], ["sdks", s["sdks"]],
             ["permissions", s["permissions"]],
             ["counted as", s["caption"]],
             ["sensitive field names", SEP.join(s["sensitive_fields"])],
             ["unnamed recipients", SEP.join(s["unnamed_recipients"])],
             ["brand-only recipients", SEP.join(s["brand_recipients"])],
             ["onward recipients", SEP.join(s["onward_recipients"])]]
    if sel.registry is None:
        from lineage.exports.records import NOT_IN_GRAPH

        rows.append(["recipient records", NOT_IN_GRAPH])
    if findings is None:
        rows.append(["audit", "not run (the export was given a graph, not a registry, or lineage.audit "
                              "is not installed)"])
    else:
        rows.append(["audit", ", ".join(f"{sum(f['level'] == lv for f in findings)} {lv}s"
                                        for lv in AUDIT_LEVELS)])
    return ["item", "value"], rows


def _frame(columns: list[str] | tuple[str, ...], rows: list[list[Any]]) -> Any:
    import pandas as pd

    data = [[_text(v) for v in row] for row in rows]
    return pd.DataFrame(data, columns=list(columns), dtype=object)


def write_xlsx(sel: Selection, path: str | Path, *, group_by: str | None = None) -> dict[str, Any]:
    """Write the selection as an Excel workbook; ExportError when the flows exceed a sheet."""
    import pandas as pd

    columns, records = table(sel, group_by)
    if len(records) >= EXCEL_MAX_ROWS:
        raise ExportError(f"{len(records):,} rows: an Excel sheet holds {EXCEL_MAX_ROWS - 1:,} below its "
                          "header; narrow the export (--app, --field, --recipient, --group-by) or write csv")
    flows = [[rec[c] for c in columns] for rec in records]  # lines stay numbers
    findings = audit_findings(sel)
    sheets = {
        "flows": (list(columns), flows),
        "recipients": recipients_sheet(sel.rows, sel),
        "fields": fields_sheet(sel.rows),
        "sdks": sdks_sheet(sel),
        "permissions": permissions_sheet(sel),
        "audit": audit_sheet(findings),
        "summary": summary_sheet(sel, findings),
    }
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, (cols, rows) in sheets.items():
            _frame(cols, rows).to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], cols, rows)
    return {"rows": len(flows), "sheets": list(SHEETS)}


def _format(ws: Any, cols: list[str], rows: list[list[Any]]) -> None:
    """Freeze the header, add an autofilter, fit widths; a formula-like text cell is a string
    with the quote prefix style; refuse any formula cell left."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    sample = rows[:2000]
    for i, c in enumerate(cols):
        lines = [line for r in sample if r[i] is not None for line in str(r[i]).split("\n")]
        width = max([_width(c), *map(_width, lines)])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(MAX_WIDTH, max(8, width + 2))
    for name in WRAPPED:  # one item a line
        if name not in cols:
            continue
        from openpyxl.styles import Alignment

        wrap = Alignment(wrap_text=True, vertical="top")
        for (c,) in ws.iter_rows(min_row=2, min_col=cols.index(name) + 1, max_col=cols.index(name) + 1):
            c.alignment = wrap
    for row in ws.iter_rows():
        for c in row:
            if c.data_type in ("s", "f") and isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES):
                c.data_type = "s"  # openpyxl made a formula of a leading "="
                c.quotePrefix = True
            if c.data_type == "f":
                raise ExportError(f"internal: sheet {ws.title} cell {c.coordinate} would be a formula")
