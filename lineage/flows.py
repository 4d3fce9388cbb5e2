"""Walking the factored graph back into flows: one row per field, via and recipient.

The graph stores a row of the sharing list as field→scenario and
scenario→recipient edges (see :mod:`lineage.graph`); :func:`iter_flows` yields
the flows they stand for, and :func:`flow_row` turns one into the plain dict
every question, export and backend uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lineage import ids
from registry.edges import READING_DEFAULTS

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True, slots=True)
class FlowRef:
    field: str          # field node id
    via: str            # scenario or SDK node id
    recipient: str      # recipient node id
    flow_edge: dict[str, Any]   # field -flows_into-> via
    recv_edge: dict[str, Any]   # via -received_by-> recipient, or base -entrusts-> onward
    onward_of: str | None = None   # for an onward processor: the entrusting recipient's node id


def _allowed(fields: tuple[str, ...] | None, field_name: str) -> bool:
    return fields is None or field_name in fields


# G.graph[FLOWS_BY_APP][field node][app]: the scenario/SDK nodes the field flows into in that
# app, in edge order (kept by lineage.graph). A popular field has a flows_into edge per row of
# every app; with the index, a question about one app reads its dozen, not the thousands.
FLOWS_BY_APP = "flows_into_by_app"
# G.graph[MEMBERS_INDEX]["up"][field node]: its groups; ["down"][group node]: its members (nodes
# joined by member_of edges, in edge order; kept by lineage.graph).
MEMBERS_INDEX = "member_of_index"


def recipients_of_via(G: nx.MultiDiGraph, via: str, field_name: str,
                      ) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    """(recipient node, edge data, entrusting recipient) for one field passing through ``via``."""
    succ = G._succ  # the adjacency dicts: no view objects per edge on this hot path
    for r, rkeys in succ[via].items():
        for d in rkeys.values():
            if d["kind"] != ids.RECEIVED_BY or not _allowed(d.get("fields"), field_name):
                continue
            yield r, d, None
            # entrusts edges are keyed entrusts|<app> (lineage.graph): look up this app's edge
            # to each onward processor instead of scanning one edge per app
            ekey = f"{ids.ENTRUSTS}|{d['app']}"
            for o, okeys in succ[r].items():
                e = okeys.get(ekey)
                if (e is not None and e["kind"] == ids.ENTRUSTS and e["app"] == d["app"]
                        and via in e["vias"] and _allowed(e["fields_by_via"].get(via), field_name)):
                    yield o, e, r


def flows_from_field(G: nx.MultiDiGraph, fnode: str, app: str | None = None) -> Iterator[FlowRef]:
    """Every flow leaving field node ``fnode`` (of ``app`` if given), with via and recipient."""
    name = G.nodes[fnode]["name"]
    out = G._succ[fnode]
    index = G.graph.get(FLOWS_BY_APP)
    if app is not None and index is not None:
        pairs = [(v, out[v]) for v in index.get(fnode, {}).get(app, ()) if v in out]
    else:
        pairs = list(out.items())
    for via, keys in pairs:
        for fe in keys.values():
            if fe["kind"] != ids.FLOWS_INTO or (app is not None and fe["app"] != app):
                continue
            for r, re_, base in recipients_of_via(G, via, name):
                yield FlowRef(fnode, via, r, fe, re_, base)


def iter_flows(G: nx.MultiDiGraph, app: str | None = None) -> Iterator[FlowRef]:
    """Every flow in the graph (of one app), in no particular order."""
    for n, d in G.nodes(data=True):
        if d["kind"] not in (ids.SCENARIO, ids.SDK) or (app is not None and d["app"] != app):
            continue
        incoming = [(f, e) for f, _, e in G.in_edges(n, data=True) if e["kind"] == ids.FLOWS_INTO]
        for f, fe in incoming:
            name = G.nodes[f]["name"]
            for r, re_, base in recipients_of_via(G, n, name):
                yield FlowRef(f, n, r, fe, re_, base)


def flow_row(G: nx.MultiDiGraph, ref: FlowRef, *, relation: str | None = None,
             asked: str | None = None) -> dict[str, Any]:
    """The plain-data row of one flow (keys documented in docs/graph-model.md)."""
    f = G.nodes[ref.field]
    v = G.nodes[ref.via]
    r = G.nodes[ref.recipient]
    fe, re_ = ref.flow_edge, ref.recv_edge
    ev = fe["ev"]
    channel = fe["channel"]
    implied = fe["implied_via"]
    row: dict[str, Any] = {
        "app": fe["app"],
        "field": f["name"],
        "field_as_written": fe["as_written"],
        "category": f.get("category"),
        "sensitive": bool(f.get("sensitive")),
        "channel": channel,
        "scenario": v["name"] if channel == "sharing" else None,
        "sdk": v["name"] if channel == "sdk" else None,
        "via": v["name"],
        "purpose": v.get("purpose") or "",
        "frequency": v.get("frequency") or "",
        "recipient": r["name"],
        "recipient_as_written": re_.get("as_written") or r["name"],
        "recipient_kind": r["recipient_kind"],
        "onward_of": G.nodes[ref.onward_of]["name"] if ref.onward_of else None,
        "implied_via": implied,
        "relation": relation or ("implied" if implied else "explicit"),
        "evidence": {"file": ev.file, "line": ev.line, "text": ev.text},
        "recipient_evidence": {"file": ev.file, "line": re_.get("line") or ev.line},
        # how it was read (lineage.graph stores these only where they are not the default)
        "form": re_.get("form", READING_DEFAULTS["form"]),
        "confidence": re_.get("confidence", READING_DEFAULTS["confidence"]),
        "note": re_.get("note", READING_DEFAULTS["note"]),
        "qualifiers": list(fe.get("qualifiers", ())),
    }
    if channel == "sdk" and not row["purpose"]:
        row["purpose"] = v.get("function") or ""
    if asked is not None:
        row["asked"] = asked
    return row


ROW_ORDER = ("app", "channel", "via", "recipient", "field", "relation")


def sort_rows(rows: list[dict[str, Any]], keys: tuple[str, ...] = ROW_ORDER) -> list[dict[str, Any]]:
    """Rows in a stable order by ``keys`` (``None`` sorts first, values as text)."""
    def key(r: dict[str, Any]) -> tuple[str, ...]:
        return tuple(v if v.__class__ is str else "" if v is None else str(v) for v in map(r.get, keys))

    return sorted(rows, key=key)


def record_rows(rec: dict[str, Any], asked: str | None = None) -> list[tuple[list[int], dict[str, Any]]]:
    """The rows of :func:`flow_row` from a fetched record (one field→scenario/SDK edge, its
    recipients nested as ``[name, as_written, kind, onward_of, line, rseq, onward, eseq, form,
    confidence, note]``), each with its place in the graph walk's order (what breaks ties).

    The backends that fetch rows instead of walking a graph (Cypher on Neo4j, SQL on a
    registry database: :mod:`registry.edge_rows`) shape them here, so the rows are the same.
    """
    channel = rec["channel"]
    via = rec["via"]
    purpose = rec["purpose"] or ""
    if channel == "sdk" and not purpose:
        purpose = rec["function"] or ""
    ev_line = rec["ev_line"]
    qualifiers = rec["qualifiers"] or []
    evidence = {"file": rec["ev_file"], "line": ev_line, "text": rec["ev_text"]}
    out = []
    for (name, as_written, kind, onward_of, line, rseq, onward, eseq,
         form, confidence, note) in rec["recipients"]:
        row: dict[str, Any] = {
            "app": rec["app"],
            "field": rec["field"],
            "field_as_written": rec["field_as_written"],
            "category": rec["category"],
            "sensitive": bool(rec["sensitive"]),
            "channel": channel,
            "scenario": via if channel == "sharing" else None,
            "sdk": via if channel == "sdk" else None,
            "via": via,
            "purpose": purpose,
            "frequency": rec["frequency"] or "",
            "recipient": name,
            "recipient_as_written": as_written or name,
            "recipient_kind": kind,
            "onward_of": onward_of,
            "implied_via": rec["implied_via"],
            "relation": rec["relation"],
            "evidence": dict(evidence),
            "recipient_evidence": {"file": rec["ev_file"], "line": line or ev_line},
            "form": form or READING_DEFAULTS["form"],
            "confidence": confidence or READING_DEFAULTS["confidence"],
            "note": note or READING_DEFAULTS["note"],
            "qualifiers": list(qualifiers),
        }
        if asked is not None:
            row["asked"] = asked
        order = [-1 if x is None else x for x in (rec["part"], rec["fseq"], rseq, onward, eseq)]
        out.append((order, row))
    return out


def walk_order(recs: list[dict[str, Any]], asked: str | None = None) -> list[dict[str, Any]]:
    """The rows of fetched records, in the order the graph walk yields them (the sorts that
    follow are stable: this order is what decides between rows equal on every sort key)."""
    pairs = [p for rec in recs for p in record_rows(rec, asked)]
    pairs.sort(key=lambda p: p[0])
    return [row for _, row in pairs]
