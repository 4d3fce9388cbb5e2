"""What every export shares: the selection of flows, provenance, the table rows, atomic writes.

The rows of an export are the flows of the lineage graph (:func:`lineage.flows.flow_row`),
chosen exactly as the terminal chooses them: ``--field`` gives the rows of
:func:`lineage.exposure.who_receives` (hierarchy-aware), ``--recipient`` those of
:func:`lineage.exposure.fields_of`, both together the rows of the first naming the
second's recipient, and neither every flow (of ``--app``) in :func:`lineage.flows.sort_rows`
order. So an export holds what ``sharegraph who-receives`` or ``fields-of`` prints.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from lineage import ids
from lineage.export_safety import neutralize
from registry.errors import OutputPathError, SharegraphError
from registry.model import Registry
from registry.suggest import check_app

TOOL = "sharegraph"
GROUP_BY = ("field", "recipient")


class ExportError(SharegraphError):
    """An export that cannot be made: unwritable path, bad option, foreign graph file."""


class ExportPathError(ExportError, OutputPathError):
    """An export's output path that is refused (a folder, a device, a missing folder…)."""


def tool_version() -> str:
    """The sharegraph version that exports record as their provenance."""
    from registry import __version__

    return __version__


# -- selection ---------------------------------------------------------------------------------

@dataclass
class Selection:
    """The graph an export draws from and the flow rows it selected."""

    G: nx.MultiDiGraph
    rows: list[dict[str, Any]]
    scope: dict[str, str | None]
    registry: Registry | None = None
    apps: list[str] = field(default_factory=list)
    """The apps in scope (all of the graph's, or ``--app``)."""

    @property
    def filtered(self) -> bool:
        """True when --field or --recipient narrowed the graph to some of its flows."""
        return bool(self.scope.get("field") or self.scope.get("recipient"))


def select(
    registry_or_graph: Registry | nx.MultiDiGraph,
    *,
    app: str | None = None,
    field: str | None = None,
    recipient: str | None = None,
    group_by: str | None = None,
) -> Selection:
    """Build the graph (of one app with ``app``) and pick the flow rows the options ask for."""
    from lineage.exposure import fields_of, who_receives
    from lineage.flows import flow_row, iter_flows, sort_rows
    from lineage.names import resolve_field_name, resolve_recipient_name

    if group_by is not None and group_by not in GROUP_BY:
        raise ExportError(f"--group-by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    reg: Registry | None = None
    if isinstance(registry_or_graph, Registry):
        reg = registry_or_graph
        check_app(reg.apps, app)
        from lineage.graph import build_graph

        G = build_graph(reg, app=app)  # one app's graph is all a scoped export needs
    else:
        G = registry_or_graph
        check_app(sorted(G.graph.get("apps", {})), app)
    apps = [app] if app else sorted(G.graph.get("apps", {}))
    scope: dict[str, str | None] = {"app": app, "field": None, "recipient": None, "group_by": group_by}
    if field is not None:
        rows = who_receives(G, field, app=app)
        scope["field"] = resolve_field_name(G, field)
        if recipient is not None:
            name = resolve_recipient_name(G, recipient)
            scope["recipient"] = name
            rows = [r for r in rows if r["recipient"] == name]
        for r in rows:
            r.pop("asked", None)
    elif recipient is not None:
        rows = fields_of(G, recipient, app=app)
        scope["recipient"] = resolve_recipient_name(G, recipient)
    else:
        rows = sort_rows([flow_row(G, ref) for ref in iter_flows(G, app)])
    return Selection(G, dedupe(rows), scope, reg, apps)


def dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop rows that repeat an earlier row's flow (same app, field, via, recipient, relation…)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in rows:
        key = (r["app"], r["field"], r["field_as_written"], r["channel"], r["via"], r["recipient"],
               r["onward_of"], r["relation"], r["implied_via"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def sources(G: nx.MultiDiGraph, apps: list[str]) -> list[dict[str, Any]]:
    """The source document of each app in scope: name, SHA-256, when it was imported."""
    known = G.graph.get("apps", {})
    return [{"app": a, "file": known[a].get("file"), "sha256": known[a].get("sha256"),
             "imported_at": known[a].get("imported_at")} for a in apps if a in known]


def provenance(sel: Selection) -> dict[str, Any]:
    """What every export carries: the tool and its version, the scope, the source documents."""
    return {"tool": TOOL, "tool_version": tool_version(), "scope": dict(sel.scope),
            "sources": sources(sel.G, sel.apps)}


def permissions(sel: Selection) -> list[dict[str, Any]]:
    """The device permissions in scope, one per distinct permission of an app (its platforms
    together): every permission of the apps in scope, or with --field/--recipient those that give
    access to a field of the selected flows. Sorted by app, then table order."""
    shared = {r["field"] for r in sel.rows}
    apps = set(sel.apps)
    out = []
    for n, d in sel.G.nodes(data=True):
        if d["kind"] != ids.PERMISSION or d["app"] not in apps:
            continue
        granted = [sel.G.nodes[f]["name"] for _, f, k in sel.G.out_edges(n, keys=True) if k == ids.GRANTS]
        if sel.filtered and not shared.intersection(granted):
            continue
        ev = d.get("ev")
        out.append({"app": d["app"], "permission": d["name"], "platforms": list(d.get("platforms") or ()),
                    "purpose": d.get("purpose") or "", "fields_granted": granted,
                    "fields_shared": [f for f in granted if f in shared],
                    "source_file": ev.file if ev else None, "source_line": ev.line if ev else None})
    out.sort(key=lambda x: (x["app"], x["source_line"] or 0, x["permission"]))
    return out


# -- table rows (csv, xlsx) -------------------------------------------------------------------

COLUMNS = (
    "app", "field", "field_as_written", "qualifiers", "category", "sensitive", "relation", "implied_via",
    "channel", "scenario", "sdk", "purpose", "frequency", "recipient", "recipient_as_written",
    "recipient_kind", "onward_of", "form", "confidence", "note", "source_file", "source_line",
    "recipient_line", "source_sha256", "imported_at", "tool_version",
)  # fmt: skip
"""The columns of a flow row in the CSV and the XLSX ``flows`` sheet (docs/exports.md)."""

INT_COLUMNS = ("source_line", "recipient_line")
QUALIFIER_SEP = "; "
"""Between a row's qualifiers in one cell (``可选; platform: iOS``)."""

# Folded rows: the key, counts, then every other column joined; lines become file:line.
_FOLDED_REST = tuple(c for c in COLUMNS if c not in ("source_file", "source_line", "recipient_line"))


def folded_columns(group_by: str) -> tuple[str, ...]:
    """The columns of a table folded by ``group_by`` (one row per field or per recipient)."""
    other = "recipients" if group_by == "field" else "fields"
    rest = [c for c in _FOLDED_REST if c != group_by]
    i = rest.index("onward_of") + 1
    rest[i:i] = ["source", "recipient_source"]
    return (group_by, "flows", other, *rest)


def table_columns(group_by: str | None) -> tuple[str, ...]:
    """The columns of an export table: one row per flow, or folded by ``group_by``."""
    return COLUMNS if group_by is None else folded_columns(group_by)


def yes_no(value: Any) -> str:
    """``yes``/``no`` for a flag in a table cell (clearer than True/False to an auditor)."""
    return "yes" if value else "no"


def table_records(sel: Selection) -> list[dict[str, Any]]:
    """One plain record per flow, keyed by :data:`COLUMNS` (strings; lines as ints)."""
    known = sel.G.graph.get("apps", {})
    version = tool_version()
    out = []
    for r in sel.rows:
        src = known.get(r["app"], {})
        ev = r["evidence"]
        rec = {
            "app": r["app"], "field": r["field"], "field_as_written": r["field_as_written"],
            "qualifiers": QUALIFIER_SEP.join(r["qualifiers"]), "category": r["category"], "sensitive": yes_no(r["sensitive"]),
            "relation": r["relation"], "implied_via": r["implied_via"], "channel": r["channel"],
            "scenario": r["scenario"], "sdk": r["sdk"], "purpose": r["purpose"],
            "frequency": r["frequency"], "recipient": r["recipient"],
            "recipient_as_written": r["recipient_as_written"], "recipient_kind": r["recipient_kind"],
            "onward_of": r["onward_of"], "form": r["form"], "confidence": r["confidence"],
            "note": r["note"], "source_file": ev["file"], "source_line": ev["line"],
            "recipient_line": r["recipient_evidence"]["line"],
            "source_sha256": src.get("sha256"), "imported_at": src.get("imported_at"),
            "tool_version": version,
        }  # fmt: skip
        out.append({k: ("" if v is None else v) for k, v in rec.items()})
    return out


def _where(file: str, line: Any) -> str:
    return f"{file}:{line}" if file else ""


def _sort_key(value: str) -> tuple[Any, ...]:
    """file:line sorts by file, then line as a number; anything else as text."""
    head, sep, tail = value.rpartition(":")
    if sep and tail.isdigit():
        return (head, int(tail), value)
    return (value, -1, value)


def fold(records: list[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
    """One record per field (or recipient): other values ``; ``-joined, deduplicated, sorted."""
    if group_by not in GROUP_BY:
        raise ExportError(f"--group-by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    other = "recipient" if group_by == "field" else "field"
    cols = folded_columns(group_by)
    joined = cols[3:]
    groups: dict[str, dict[str, set[str]]] = {}
    counts: dict[str, int] = defaultdict(int)
    for rec in records:
        key = str(rec[group_by])
        g = groups.setdefault(key, {c: set() for c in (*joined, other)})
        counts[key] += 1
        values = dict(rec, source=_where(rec["source_file"], rec["source_line"]),
                      recipient_source=_where(rec["source_file"], rec["recipient_line"]))
        for c in (*joined, other):
            v = values[c]
            if v != "" and v is not None:
                g[c].add(str(v))
    out = []
    for key in sorted(groups):
        g = groups[key]
        row: dict[str, Any] = {group_by: key, "flows": counts[key], cols[2]: len(g[other])}
        for c in joined:
            row[c] = "; ".join(sorted(g[c], key=_sort_key))
        out.append(row)
    return out


def table(sel: Selection, group_by: str | None = None) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and records of the flows table, folded when ``group_by`` is given."""
    records = table_records(sel)
    if group_by is not None:
        records = fold(records, group_by)
    return table_columns(group_by), records


_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text an XML file (XLSX, GraphML) can hold: forbidden control characters become U+FFFD."""
    return _XML_BAD.sub("\ufffd", text)


def cell(value: Any) -> str:
    """A spreadsheet cell: text, neutralized against formula injection (OWASP)."""
    return neutralize("" if value is None else str(value))


# -- writing -----------------------------------------------------------------------------------

@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed over it when the block succeeds, else removed.

    A failed export never leaves a half-written file, nor replaces an older good one. A
    target that exists and is not a regular file (a folder, a device, a FIFO) is refused
    before anything is written; a symbolic link to a regular file is written through
    (see :mod:`registry.atomic`).
    """
    from registry.atomic import atomic_output

    try:
        with atomic_output(path) as tmp:
            yield tmp
    except OutputPathError as e:
        raise ExportPathError(str(e)) from None
    except OSError as e:
        raise ExportError(f"{path}: cannot write ({e.strerror or e})") from e


def write_text(path: str | Path, produce: Callable[[], str], *, encoding: str = "utf-8") -> None:
    """Write text atomically (``produce`` runs first, so an error leaves nothing behind)."""
    text = produce()
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


# -- subgraph of a selection (json, graphml) ---------------------------------------------------

def selected_graph(sel: Selection) -> nx.MultiDiGraph:
    """The whole graph (of the app in scope); with --field/--recipient, the selected flows' part.

    The part holds each selected flow's edges (field -flows_into-> scenario|SDK
    -received_by-> recipient, and -entrusts-> onward recipient) and the app that
    discloses each scenario or SDK (app -discloses-> scenario|SDK), with all their
    attributes.
    """
    G = sel.G
    if not sel.filtered:
        app = sel.scope.get("app")
        return G if app is None or list(G.graph.get("apps", {})) == [app] else app_part(G, app)
    edges: dict[tuple[str, str, str], None] = {}
    for r in sel.rows:
        app = r["app"]
        fnode = ids.field_id(r["field"])
        via = ids.via_id(app, r["channel"], r["via"])
        implied = "" if r["relation"] == "group" else (r["implied_via"] or "")
        wanted = [(fnode, via, f"{ids.FLOWS_INTO}|{implied}"), (ids.app_id(app), via, ids.DISCLOSES)]
        if r["onward_of"]:
            base = ids.recipient_id(r["onward_of"])
            wanted += [(via, base, ids.RECEIVED_BY),
                       (base, ids.recipient_id(r["recipient"]), f"{ids.ENTRUSTS}|{app}")]
        else:
            wanted.append((via, ids.recipient_id(r["recipient"]), ids.RECEIVED_BY))
        for e in wanted:
            if not G.has_edge(*e):
                raise ExportError(f"internal: flow edge {e} is not in the graph")
            edges[e] = None
    H = nx.MultiDiGraph(apps={a: dict(G.graph["apps"][a]) for a in sel.apps if a in G.graph["apps"]})
    for u, v, k in edges:
        for n in (u, v):
            if n not in H:
                H.add_node(n, **G.nodes[n])
        H.add_edge(u, v, key=k, **G.edges[u, v, k])
    return H


def app_part(G: nx.MultiDiGraph, app: str) -> nx.MultiDiGraph:
    """One app's graph cut from a graph of several: what ``build_graph(registry, app=app)`` makes.

    The app's own edges (every edge but the vocabulary's ``member_of`` carries ``app``),
    their nodes, and the vocabulary hierarchy above the app's fields.
    """
    H = nx.MultiDiGraph(apps={app: dict(G.graph["apps"][app])})
    own = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d.get("app") == app]
    for u, v, k, d in own:
        for n in (u, v):
            if n not in H:
                H.add_node(n, **G.nodes[n])
        H.add_edge(u, v, key=k, **d)
    H.add_node(ids.app_id(app), **G.nodes[ids.app_id(app)])
    frontier = [n for n, d in H.nodes(data=True) if d["kind"] == ids.FIELD]
    while frontier:  # walk up the vocabulary's groups, as lineage.graph does per app
        nxt = []
        for n in frontier:
            for _, parent, k, d in G.out_edges(n, keys=True, data=True):
                if d["kind"] == ids.MEMBER_OF and d.get("app") is None and not H.has_edge(n, parent, k):
                    if parent not in H:
                        H.add_node(parent, **G.nodes[parent])
                        nxt.append(parent)
                    H.add_edge(n, parent, key=k, **d)
        frontier = nxt
    return H
