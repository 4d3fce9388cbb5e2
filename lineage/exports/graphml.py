"""GraphML for Gephi, yEd and Cytoscape, written by networkx (docs/exports.md).

GraphML holds only scalars, so the graph's attributes are converted:

* every node gets ``label`` (its name) and ``kind``; field nodes keep ``sensitive``
  (a boolean) to colour by; edges get ``label`` (their kind);
* ``ev`` (:class:`~registry.model.Evidence`) becomes ``file``, ``line``, ``evidence``,
  ``table``, ``row``, ``column``; tuples are joined with ``; ``; dicts (``fields_by_via``)
  are JSON text; None is left out; characters XML forbids become U+FFFD;
* the edge ``id`` is unique (``<source>-><target>#<key>``: Gephi drops edges whose id
  repeats); the graph's own edge key is the ``key`` attribute.

The graph element carries the provenance (``tool``, ``tool_version``, ``scope`` and
``sources`` as JSON text).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from lineage.exports.common import Selection, atomic_path, provenance, selected_graph, xml_safe

SEP = "; "


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, tuple | list):
        return xml_safe(SEP.join(str(v) for v in value))
    if isinstance(value, dict):
        return xml_safe(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return xml_safe(str(value))


def graphml_attrs(data: dict[str, Any], *, label: str | None = None) -> dict[str, Any]:
    """An element's attributes as GraphML-safe scalars (see the module doc)."""
    out: dict[str, Any] = {}
    if label is not None:
        out["label"] = xml_safe(label)
    for k, v in data.items():
        if k == "ev":
            if v is not None:
                out.update(file=xml_safe(v.file), line=v.line, evidence=xml_safe(v.text),
                           table=xml_safe(v.table), row=v.row, column=xml_safe(v.column))
            continue
        if v is None:
            continue
        out[k] = _scalar(v)
    return out


def edge_id(u: str, v: str, k: str) -> str:
    """A GraphML edge id from its ends and key, safe in XML."""
    return xml_safe(f"{u}->{v}#{k}")


def to_graphml_graph(G: nx.MultiDiGraph, prov: dict[str, Any]) -> nx.MultiDiGraph:
    """The graph with GraphML-safe attributes, unique edge ids and provenance on the graph."""
    H = nx.MultiDiGraph()
    H.graph.update(
        format="sharegraph-graph", tool=prov["tool"], tool_version=prov["tool_version"],
        scope=xml_safe(json.dumps(prov["scope"], ensure_ascii=False, sort_keys=True)),
        sources=xml_safe(json.dumps(prov["sources"], ensure_ascii=False)),
    )
    for n, d in sorted(G.nodes(data=True), key=lambda nd: nd[0]):
        H.add_node(xml_safe(n), **graphml_attrs(d, label=str(d.get("name", n))))
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]):
        attrs = graphml_attrs(d, label=str(d["kind"]))
        attrs["key"] = xml_safe(k)
        H.add_edges_from([(xml_safe(u), xml_safe(v), edge_id(u, v, k), attrs)])
    return H


def write_graphml_file(sel: Selection, path: str | Path) -> dict[str, Any]:
    """Write the selection's graph as GraphML; returns its node and edge counts."""
    G = selected_graph(sel)
    H = to_graphml_graph(G, provenance(sel))
    with atomic_path(path) as tmp:
        nx.write_graphml(H, tmp, encoding="utf-8", prettyprint=True, infer_numeric_types=True)
    return {"nodes": H.number_of_nodes(), "edges": H.number_of_edges()}


def read_graphml_file(path: str | Path) -> nx.MultiDiGraph:
    """Read an export back with networkx (edges keyed by their GraphML id)."""
    return nx.read_graphml(path, node_type=str, edge_key_type=str, force_multigraph=True)
