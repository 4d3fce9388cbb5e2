"""Render a sharegraph report dict as ONE self-contained HTML file.

The file is meant to be mailed or archived by an auditor, so it must open with
no network access and must not let a hostile string in a privacy policy (a
recipient named ``</script><img onerror=...>``) run code:

* ECharts (vendored in ``assets/``), the page script and the style are inlined;
  a Content-Security-Policy meta tag forbids every load (``default-src 'none'``)
  and only allows the inline scripts by their SHA-256 hashes.
* The data travels as JSON in ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 and U+2029 escaped, and the page script writes data
  only through ``textContent``.

Python does the work that must not depend on the browser: packing the flows
compactly, and deciding whether the diagram has to be aggregated
(see :func:`plan_diagram`). The page script draws everything else.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from math import isqrt
from pathlib import Path
from string import Template
from typing import Any

ASSETS = Path(__file__).parent / "assets"
MAX_LINKS = 2000
"""Above this many distinct links a Sankey is unreadable (and slow): aggregate."""

# Flow keys embedded in the page. Strings go through a shared string table
# (field, recipient and evidence texts repeat a lot); RAW_COLUMNS are kept as is.
FLOW_COLUMNS = (
    "app", "field", "field_as_written", "category", "sensitive", "channel", "via",
    "purpose", "frequency", "recipient", "recipient_as_written", "recipient_kind",
    "onward_of", "implied_via", "heading", "file", "line", "evidence",
)  # fmt: skip
"""``onward_of``: the recipient that entrusts an onward processor (the diagram's fourth
column); ``heading``: the flow names a group whose members the same cell lists, so it is
no field of its own in the counts (docs/counts.md)."""
RAW_COLUMNS = ("sensitive", "heading", "line")
LAYERS = ("field", "via", "recipient")


@cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


@cache
def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def json_for_script(data: Any) -> str:
    """JSON that cannot end or alter the ``<script>`` element holding it.

    Escaping ``<`` also defuses ``</script>`` and ``<!--``; ``>`` and ``&`` are
    escaped for defence in depth; U+2028/2029 for pre-ES2019 JSON-in-JS readers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escape)
    return text


def _pack_flows(flows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Flows as rows of string-table indices (-1 = None): ~5x smaller than dicts."""
    strings: list[str] = []
    index: dict[str, int] = {}
    rows: list[list[Any]] = []
    for flow in flows:
        row: list[Any] = []
        for col in FLOW_COLUMNS:
            value = flow.get(col)
            if col in RAW_COLUMNS:
                row.append(value if col == "line" else bool(value))
            elif value is None:
                row.append(-1)
            else:
                value = str(value)
                i = index.get(value)
                if i is None:
                    i = index[value] = len(strings)
                    strings.append(value)
                row.append(i)
        rows.append(row)
    return {"columns": FLOW_COLUMNS, "raw": RAW_COLUMNS, "strings": strings, "rows": rows}


def _ranks(flows: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    """0-based rank of each name by number of flows (ties broken by name); a recipient that
    entrusts an onward processor counts its processor's flows too."""
    counts = Counter(str(f.get(key)) for f in flows)
    if key == "recipient":
        counts.update(str(f["onward_of"]) for f in flows if f.get("onward_of"))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {name: rank for rank, (name, _) in enumerate(ordered)}


def plan_diagram(flows: Sequence[Mapping[str, Any]], max_links: int = MAX_LINKS) -> dict[str, Any]:
    """Decide how the unfiltered Sankey is drawn.

    Links are the distinct (field, via), (via, recipient) and (recipient, onward processor)
    pairs (:func:`lineage.diagram.diagram_links`); a group's heading row is drawn as its
    members. If there are more than ``max_links``, keep
    the top ``top_n`` names of every layer by flow count and merge the others of each layer
    into one "other (N)" node, with the largest ``top_n`` that fits (found by bisection;
    merging never adds links). ``grouped`` maps each merged name to its "other (N)" label,
    per layer (onward processors are recipients here). ``order`` is each column's node order,
    top to bottom (:func:`lineage.diagram.order_columns`).
    """
    from lineage.diagram import order_columns

    ranks = {layer: _ranks(flows, layer) for layer in LAYERS}
    fv: set[tuple[int, int]] = set()
    vr: set[tuple[int, int]] = set()
    ro: set[tuple[int, int]] = set()
    for f in flows:
        if f.get("heading"):  # drawn as its members (lineage.diagram)
            continue
        field, via = ranks["field"][str(f.get("field"))], ranks["via"][str(f.get("via"))]
        recipient = ranks["recipient"][str(f.get("recipient"))]
        fv.add((field, via))
        if f.get("onward_of"):
            base = ranks["recipient"][str(f["onward_of"])]
            ro.add((base, recipient))
            vr.add((via, base))
        else:
            vr.add((via, recipient))

    def links_at(k: int) -> int:
        def merged(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
            return {(min(a, k), min(b, k)) for a, b in pairs}

        return len(merged(fv)) + len(merged(vr)) + len(merged(ro))

    total = len(fv) + len(vr) + len(ro)
    plan: dict[str, Any] = {
        "max_links": max_links,
        "total_links": total,
        "links": total,
        "aggregated": False,
        "top_n": None,
        "grouped": {"f": {}, "v": {}, "r": {}},
    }
    if total <= max_links:
        plan["order"] = order_columns(flows)
        return plan
    # With k kept names per layer there are at most 3 * (k + 1)**2 links.
    lo, hi = max(0, isqrt(max_links // 3) - 1), max(len(r) for r in ranks.values())
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if links_at(mid) <= max_links else (lo, mid - 1)
    grouped: dict[str, dict[str, str]] = {}
    for layer, short in zip(LAYERS, "fvr", strict=True):
        rest = [name for name, rank in ranks[layer].items() if rank >= lo]
        grouped[short] = {name: f"other ({len(rest)})" for name in rest}
    plan.update(aggregated=True, top_n=lo, links=links_at(lo), grouped=grouped)
    others = {label for g in grouped.values() for label in g.values()}

    def name(col: str, text: str) -> str:
        return grouped["r" if col == "o" else col].get(text, text)

    plan["order"] = order_columns(flows, name, others)
    return plan


def render_html(report: dict[str, Any], *, max_links: int = MAX_LINKS) -> str:
    """Return the report as one self-contained HTML document (see module doc).

    ``report`` is the ``sharegraph-report`` dict (format, version, title, scope,
    sources, summary, flows, optional audit, optional records: each recipient's record
    cells, :func:`lineage.exports.html.report_records`). ``max_links`` is the diagram size
    above which the overview is aggregated.
    """
    flows = report.get("flows") or []
    data = {key: report.get(key) for key in (
        "format", "version", "tool_version", "generated_at", "title", "scope", "sources",
        "summary", "audit", "records")}  # fmt: skip
    data["flows"] = _pack_flows(flows)
    data["diagram"] = plan_diagram(flows, max_links)

    echarts_js, report_js = _asset("echarts.min.js"), _asset("report.js")
    csp = "; ".join((
        "default-src 'none'",
        f"script-src {_csp_hash(echarts_js)} {_csp_hash(report_js)}",
        "style-src 'unsafe-inline'",  # ECharts positions its tooltip with inline styles
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ))  # fmt: skip
    return Template(_asset("report.html")).substitute(
        csp=csp,
        tool_version=html.escape(str(report.get("tool_version") or "")),
        title=html.escape(str(report.get("title") or "Data sharing lineage")),
        css=_asset("report.css"),
        data=json_for_script(data),
        echarts_js=echarts_js,
        report_js=report_js,
    )
