"""JSON: the lineage graph in a documented, versioned shape that loads back into an equal graph.

::

    {"format": "sharegraph-graph", "version": 1,
     "provenance": {"tool", "tool_version", "scope", "sources": [{app, file, sha256, imported_at}]},
     "nodes": [{"key", "kind", ...properties}],                 sorted by key
     "edges": [{"source", "target", "key", "kind", ...properties}]}  sorted by source, target, key

Properties are the graph's (docs/graph-model.md) with three changes: an ``ev``
(:class:`~registry.model.Evidence`) is written out as ``file``, ``line``,
``evidence`` (the cell text), ``table``, ``row``, ``column`` (all null when the
element has no evidence); tuples are lists; a property whose name is taken by the
shape (``source``, ``target``, ``key``: the ``source`` of a ``member_of`` edge) is
written ``prop:<name>``. :func:`load_graph_json` undoes all three.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from lineage import ids
from lineage.exports.common import ExportError, Selection, provenance, selected_graph, write_text
from lineage.flows import FLOWS_BY_APP, MEMBERS_INDEX
from registry.model import Evidence

FORMAT = "sharegraph-graph"
VERSION = 1
EV_KEYS = ("file", "line", "evidence", "table", "row", "column")
NODE_RESERVED = ("key", "kind")
EDGE_RESERVED = ("source", "target", "key", "kind")
PREFIX = "prop:"


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _props(data: dict[str, Any], reserved: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in sorted(data):
        if k == "kind":
            continue
        v = data[k]
        if k == "ev":
            ev: Evidence | None = v
            out.update(dict.fromkeys(EV_KEYS) if ev is None else {
                "file": ev.file, "line": ev.line, "evidence": ev.text, "table": ev.table,
                "row": ev.row, "column": ev.column})
            continue
        out[PREFIX + k if k in reserved else k] = _plain(v)
    return out


def graph_to_data(G: nx.MultiDiGraph, prov: dict[str, Any]) -> dict[str, Any]:
    """The JSON-ready dict of a graph (see the module doc)."""
    nodes = [{"key": n, "kind": d["kind"], **_props(d, NODE_RESERVED)}
             for n, d in sorted(G.nodes(data=True), key=lambda nd: nd[0])]
    edges = [{"source": u, "target": v, "key": k, "kind": d["kind"], **_props(d, EDGE_RESERVED)}
             for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3])]
    return {"format": FORMAT, "version": VERSION, "provenance": prov, "nodes": nodes, "edges": edges}


def dumps(G: nx.MultiDiGraph, prov: dict[str, Any]) -> str:
    """The graph as JSON text (see the module doc), ending with a newline."""
    return json.dumps(graph_to_data(G, prov), ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_json(sel: Selection, path: str | Path) -> dict[str, Any]:
    """Write the selection's graph as JSON; returns its node and edge counts."""
    G = selected_graph(sel)
    text = dumps(G, provenance(sel))
    write_text(path, lambda: text)
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


# -- loading -----------------------------------------------------------------------------------

def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _attrs(item: dict[str, Any], reserved: tuple[str, ...], evs: dict[tuple[Any, ...], Evidence],
           ) -> dict[str, Any]:
    d = {k: v for k, v in item.items() if k not in reserved}
    out: dict[str, Any] = {"kind": item["kind"]}
    if "evidence" in d and all(k in d for k in EV_KEYS):
        vals = tuple(d.pop(k) for k in EV_KEYS)
        if any(v is not None for v in vals):
            file, line, text, table, row, column = vals
            key = (file, line, table, row, column, text)
            out["ev"] = evs.setdefault(key, Evidence(file, line, table, row, column, text))
        else:
            out["ev"] = None
    for k, v in d.items():
        out[k[len(PREFIX):] if k.startswith(PREFIX) else k] = _tuples(v)
    return out


def reindex(G: nx.MultiDiGraph) -> None:
    """Rebuild the graph-level data :mod:`lineage.graph` keeps: apps and the two indexes."""
    G.graph["apps"] = {
        d["name"]: {"controller": d.get("controller"), "file": d.get("file"), "sha256": d.get("sha256"),
                    "imported_at": d.get("imported_at")}
        for _, d in G.nodes(data=True) if d["kind"] == ids.APP
    }
    flows: dict[str, dict[str, list[str]]] = {}
    members: dict[str, dict[str, list[str]]] = {"up": {}, "down": {}}
    for u, v, d in G.edges(data=True):
        if d["kind"] == ids.FLOWS_INTO:
            vias = flows.setdefault(u, {}).setdefault(d["app"], [])
            if v not in vias:
                vias.append(v)
        elif d["kind"] == ids.MEMBER_OF:
            for side, a, b in (("up", u, v), ("down", v, u)):
                lst = members[side].setdefault(a, [])
                if b not in lst:
                    lst.append(b)
    G.graph[FLOWS_BY_APP] = flows
    G.graph[MEMBERS_INDEX] = members


def data_to_graph(data: dict[str, Any], where: str = "<json>") -> nx.MultiDiGraph:
    """The graph of :func:`graph_to_data` data; ExportError for another format or version."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExportError(f"{where}: not a {FORMAT} file")
    if data.get("version") != VERSION:
        raise ExportError(f"{where}: {FORMAT} version {data.get('version')!r} is not supported "
                          f"(this sharegraph reads version {VERSION})")
    G = nx.MultiDiGraph()
    evs: dict[tuple[Any, ...], Evidence] = {}
    try:
        for n in data["nodes"]:
            G.add_node(n["key"], **_attrs(n, NODE_RESERVED, evs))
        for e in data["edges"]:
            G.add_edge(e["source"], e["target"], key=e["key"], **_attrs(e, EDGE_RESERVED, evs))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{where}: malformed {FORMAT} file ({type(exc).__name__}: {exc})") from exc
    reindex(G)
    return G


def load_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """A graph written by ``sharegraph export --format json``, as the graph it was made from."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ExportError(f"{path}: cannot read ({e.strerror or e})") from e
    except ValueError as e:
        raise ExportError(f"{path}: not JSON ({e})") from e
    return data_to_graph(data, str(path))
