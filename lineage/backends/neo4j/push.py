"""Pushing a registry's lineage graph to Neo4j: batched, idempotent, one app at a time.

Why this shape:

* The graph pushed is :func:`lineage.graph.build_graph` of each app, the very graph the
  networkx backend answers from, converted property by property (``ev`` → ``file``,
  ``line``, ``evidence``, ``table``, ``row``, ``column``; tuples → lists; dicts →
  JSON strings), so the two backends cannot drift apart.
* Writes are ``UNWIND $rows`` batches in managed write transactions (the driver
  retries transient failures), keyed by each node's ``key`` (the networkx node id) and
  each relationship's ``key`` (the networkx edge key): an app with nothing in the
  database (new, or its old version just deleted) is written with ``CREATE``, any other
  with ``MERGE`` on those keys, so pushing the same thing twice changes nothing, and a
  push cut off half-way is completed by running it again.
* Labels and relationship types come only from :data:`LABELS` / :data:`REL_TYPES`
  (the fixed model of ``docs/graph-model.md``), property names only from the graph's
  attribute names (checked to be plain names); every value travels as a query
  parameter, never as Cypher text.
* The client's work is overlapped with the server's: the next chunk of apps is built
  while one is written; rows are lists grouped by property names (no names repeated per
  row, and a literal property map the planner can stream); relationships find their ends
  by the element ids their chunk's node batches returned (no index seek per end).
* An app is served only once its push is complete: its ``App`` node carries
  ``push_complete`` (false from the first transaction of a push, true in the last)
  and ``pushed_sha256`` (:func:`lineage.backends.neo4j.digest.app_digest`: the policy, the
  vocabulary and the graph's code it was made from). The questions skip apps whose push is not
  complete, so a half-written app is never answered from. An app whose digest is the one the
  database holds is skipped before its graph is built (a push of an unchanged registry costs
  the digests only); **a change to how the graph or its rows are made must bump**
  :data:`~lineage.backends.neo4j.digest.GRAPH_MODEL_VERSION` unless it is in a module the
  digest reads (:data:`~lineage.backends.neo4j.digest.GRAPH_MODULES`).
* Scenarios, SDKs and permissions belong to one app; fields, recipients and
  controllers are shared. A new version of an app deletes that app's nodes and
  app-tagged relationships first (in batches), then writes the new graph; shared
  nodes remember which apps hold them (``in_apps``) and are removed when no app does.

Bookkeeping properties beyond the networkx graph: ``in_apps`` (Field, Recipient,
Controller), ``as_written_app``/``as_written_text`` (Recipient) and
``functions_app``/``functions_json`` (Field): which app gave which value, so that
``as_written`` and ``functions`` stay the union over apps; ``hier_up``/``hier_down``
(Field: distinct parents and children over all MEMBER_OF edges, for the hierarchy walk);
``push_complete``, ``pushed_sha256``, ``pending_sha256``, ``pushed_at`` (App); ``seq`` on
FLOWS_INTO, RECEIVED_BY and ENTRUSTS (the edge's place in the app graph's order, which
breaks ties between rows as networkx does); on ENTRUSTS ``all_fields_vias`` /
``via_field_pairs`` (``fields_by_via`` in a form Cypher can test).
"""

from __future__ import annotations

import functools
import gc
import json
import operator
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

from lineage import ids
from lineage.backends.neo4j.digest import app_digest, graph_context
from lineage.backends.neo4j.schema import SEP
from lineage.graph import build_graph
from registry.errors import BackendError
from registry.model import Evidence, Registry

T = TypeVar("T")

LABELS: dict[str, str] = {
    ids.FIELD: "Field", ids.SCENARIO: "Scenario", ids.SDK: "Sdk", ids.RECIPIENT: "Recipient",
    ids.PERMISSION: "Permission", ids.APP: "App", ids.CONTROLLER: "Controller",
}
REL_TYPES: dict[str, str] = {k: k.upper() for k in ids.EDGE_KINDS}
SHARED_KINDS = (ids.FIELD, ids.RECIPIENT, ids.CONTROLLER)
APP_SCOPED_KINDS = (ids.SCENARIO, ids.SDK, ids.PERMISSION)
# relationships between shared nodes (or onto the App node) that carry the app they belong to
APP_TAGGED_SHARED_RELS = (ids.ENTRUSTS, ids.MEMBER_OF, ids.OPERATES)
JSON_PROPS = ("fields_by_via", "functions")
SEQ_RELS = (ids.FLOWS_INTO, ids.RECEIVED_BY, ids.ENTRUSTS)
DEFAULT_BATCH = 5000
CHUNK_ROWS = 150_000   # apps are pushed in chunks of about this many rows,
FIRST_CHUNK_ROWS = 10_000   # the first ones smaller (doubling): the server starts writing early


# -- converting the networkx graph --------------------------------------------------------------

def _value(name: str, v: Any) -> Any:
    if isinstance(v, dict) or name in JSON_PROPS:
        return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(v, tuple | list):
        if all(x is None or isinstance(x, str | int | float | bool) for x in v):
            return list(v)
        return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    return v


def evidence_props(ev: Evidence | None) -> dict[str, Any]:
    """An Evidence as the properties the model writes it out as."""
    if ev is None:
        return {}
    return {"file": ev.file, "line": ev.line, "evidence": ev.text, "table": ev.table, "row": ev.row,
            "column": ev.column}


def neo4j_props(data: dict[str, Any], *, with_ev: bool = True) -> dict[str, Any]:
    """Node or edge data of the networkx graph as Neo4j properties (``kind`` is the label/type).

    ``with_ev=False`` leaves the evidence out (the push sends it once per batch instead).
    """
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k in _SPECIAL:
            if k == "ev" and with_ev:
                out.update(evidence_props(v) if v is not None else dict.fromkeys(EV_PROPS))
            elif k != "ev" and k != "kind":
                out[k] = _value(k, v)
        elif v.__class__ in _SCALARS:
            out[k] = v
        else:
            out[k] = _value(k, v)
    return out


_SCALARS = frozenset({str, int, float, bool, type(None)})
_SPECIAL = frozenset({"kind", "ev", *JSON_PROPS})
EV_PROPS = ("file", "line", "evidence", "table", "row", "column")
_EV_SET = frozenset(EV_PROPS)


def _entrusts_helpers(d: dict[str, Any]) -> dict[str, Any]:
    fbv = d.get("fields_by_via") or {}
    return {
        "all_fields_vias": sorted(v for v, fs in fbv.items() if fs is None),
        "via_field_pairs": sorted(f"{v}{SEP}{f}" for v, fs in fbv.items() if fs is not None for f in fs),
    }


Cols = tuple[str, ...]   # the property names of a group of rows, in the order of their values


@dataclass
class AppRows:
    """One app's graph as rows to write.

    Shared nodes (fields, recipients, controllers) are dicts, merged over the apps of a chunk.
    The app's own nodes and its relationships are lists, grouped by their property names
    (``cols``): ``[ev, *values]`` for a node, ``[source key, target key, ev, *values]`` for a
    relationship, where ``ev`` is the Evidence (sent once per batch, see :func:`_with_evidence`).
    """

    app: str
    app_props: dict[str, Any]
    shared: dict[str, list[dict[str, Any]]] = field(default_factory=dict)     # kind -> rows
    own: dict[tuple[str, Cols], list[list[Any]]] = field(default_factory=dict)   # (kind, cols) -> rows
    edges: dict[tuple[tuple[str, str, str], Cols], list[list[Any]]] = field(default_factory=dict)
    # the vocabulary's MEMBER_OF edges: in every app's graph, written once per chunk
    vocab_edges: dict[tuple[str, str, str], tuple[Cols, list[Any]]] = field(default_factory=dict)
    vocab_parents: dict[str, list[str]] = field(default_factory=dict)   # field key -> vocab parents
    sha256: str = ""   # app_digest of what the rows were made from
    flows: int = 0
    unchanged: bool = False   # the database holds this digest complete: no rows were made

    @property
    def size(self) -> int:
        """Nodes and relationships of the app's rows: the unit chunks are cut by."""
        return (sum(map(len, self.shared.values())) + sum(map(len, self.own.values()))
                + sum(map(len, self.edges.values())) + len(self.vocab_edges))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COLS: dict[Cols, Cols] = {}


def _cols(props: dict[str, Any]) -> Cols:
    """The property names of ``props``, checked once: they are written into the Cypher text, so
    only plain names of the graph model (``docs/graph-model.md``) may pass, never data.

    >>> _cols({"app": "a", "key": "k"})
    ('app', 'key')
    >>> _cols({"x}) DETACH DELETE (n": 1})
    Traceback (most recent call last):
    registry.errors.BackendError: property name 'x}) DETACH DELETE (n' cannot be written to Neo4j
    """
    cols = tuple(props)
    known = _COLS.get(cols)
    if known is None:
        bad = [c for c in cols if not _NAME.fullmatch(c)]
        if bad:
            raise BackendError(f"property name {bad[0]!r} cannot be written to Neo4j")
        known = _COLS[cols] = cols
    return known


def app_rows(G: nx.MultiDiGraph, app: str, flows: int = 0, sha256: str = "") -> AppRows:
    """The rows of one app's graph (``build_graph(reg, app=app)``); ``sha256`` is the
    :func:`~lineage.backends.neo4j.digest.app_digest` of what the graph was made from.

    Each node or edge is converted by :func:`neo4j_props`, or, where its attributes are plain
    values (most are), by the same conversion compiled once per set of attribute names
    (:func:`_fast`): the values taken by one ``itemgetter``, no dict per row."""
    rows = AppRows(app=app, app_props={}, flows=flows, sha256=sha256)
    node_kind: dict[str, str] = {}
    for n, d in G._node.items():
        kind = node_kind[n] = d["kind"]
        fast = _fast(kind, tuple(d))
        vals = fast.values(d) if fast is not None else None
        if vals is not None and kind not in SHARED_KINDS and kind != ids.APP:
            rows.own.setdefault((kind, fast.cols), []).append([d.get("ev"), *vals, n])
            continue
        props = dict(zip(fast.names, vals, strict=True)) if vals is not None else neo4j_props(d, with_ev=False)
        props["key"] = n
        if kind == ids.APP:
            rows.app_props = props
        elif kind == ids.RECIPIENT:
            aw = props.pop("as_written", None) or []   # per app: the union over apps
            rows.shared.setdefault(kind, []).append({"key": n, "props": props, "per_app": list(aw)})
        elif kind == ids.FIELD:
            props.pop("functions", None)   # per app, like a recipient's spellings
            fns = [json.dumps(x, ensure_ascii=False, sort_keys=True) for x in d.get("functions") or ()]
            rows.shared.setdefault(kind, []).append({"key": n, "props": props, "per_app": fns})
            rows.vocab_parents[n] = []
        elif kind in SHARED_KINDS:
            rows.shared.setdefault(kind, []).append({"key": n, "props": props})
        else:
            ev = _own_evidence(props, d.get("ev"))
            rows.own.setdefault((kind, _cols(props)), []).append([ev, *props.values()])
    # seq: the edge's place in the graph's own order, so that Cypher can break ties between rows
    # exactly as the networkx walk does (it yields parallel edges in insertion order, the order
    # of G.edges(keys=True, data=True), read here from the adjacency it walks)
    i = -1
    edges = rows.edges
    plans, plain = _FAST, _SCALARS.issuperset
    for u, nbrs in G._adj.items():
        for v, keyed in nbrs.items():
            for k, d in keyed.items():
                i += 1
                kind = d["kind"]
                fast = plans.get((kind, tuple(d), True), _UNSEEN)
                if fast is _UNSEEN:
                    fast = _fast(kind, tuple(d), edge=True)
                vals = fast.get(d) if fast is not None else None
                if vals is not None and plain(map(type, vals)):
                    row = [u, v, d.get("ev"), *vals, k, i] if fast.seq else [u, v, d.get("ev"), *vals, k]
                    if kind == ids.MEMBER_OF and d.get("app") is None:
                        rows.vocab_parents.setdefault(u, []).append(v)
                        rows.vocab_edges[(u, v, k)] = (fast.cols, row)
                    else:
                        edges.setdefault(((kind, node_kind[u], node_kind[v]), fast.cols), []).append(row)
                    continue
                props = neo4j_props(d, with_ev=False)
                props["key"] = k
                if kind in SEQ_RELS:
                    props["seq"] = i
                if kind == ids.ENTRUSTS:
                    props.update(_entrusts_helpers(d))
                ev = _own_evidence(props, d.get("ev"))
                cols = _cols(props)
                if kind == ids.MEMBER_OF and d.get("app") is None:
                    rows.vocab_parents.setdefault(u, []).append(v)
                    rows.vocab_edges[(u, v, k)] = (cols, [u, v, ev, *props.values()])
                else:
                    group = (kind, node_kind[u], node_kind[v])
                    edges.setdefault((group, cols), []).append([u, v, ev, *props.values()])
    return rows


@dataclass(frozen=True)
class _Fast:
    """:func:`neo4j_props` for one kind and one tuple of attribute names, compiled: ``values``
    gives the properties' values in ``names`` order, or None where one is not a plain scalar
    (then the row takes the general way)."""

    names: tuple[str, ...]   # the properties, in the attributes' order (``kind``, ``ev`` left out)
    cols: Cols               # names + key (+ seq): the columns of a row
    get: Callable[[dict[str, Any]], tuple[Any, ...]]
    seq: bool = False

    def values(self, d: dict[str, Any]) -> tuple[Any, ...] | None:
        vals = self.get(d)
        return vals if _SCALARS.issuperset(map(type, vals)) else None


_FAST: dict[tuple[str, tuple[str, ...], bool], _Fast | None] = {}
_UNSEEN = object()


def _fast(kind: str, attrs: tuple[str, ...], edge: bool = False) -> _Fast | None:
    """The compiled conversion of that kind and attribute names; None where it takes the general
    way: JSON properties, ENTRUSTS' helpers, evidence merged into the row's own file/line."""
    sig = (kind, attrs, edge)
    if sig in _FAST:
        return _FAST[sig]
    names = tuple(a for a in attrs if a not in ("kind", "ev"))
    general = (not _JSON_SET.isdisjoint(names) and kind != ids.FIELD) or kind == ids.ENTRUSTS or (
        "ev" in attrs and not _EV_SET.isdisjoint(names))
    fast = None
    if not general:
        if kind == ids.FIELD:
            names = tuple(a for a in names if a != "functions")
        get = operator.itemgetter(*names) if len(names) > 1 else (
            (lambda d, n=names[0]: (d[n],)) if names else (lambda d: ()))
        seq = edge and kind in SEQ_RELS
        cols = _cols(dict.fromkeys((*names, "key", *(("seq",) if seq else ()))))
        fast = _Fast(names, cols, get, seq)
    _FAST[sig] = fast
    return fast


_JSON_SET = frozenset(JSON_PROPS)


def _own_evidence(props: dict[str, Any], ev: Evidence | None) -> Evidence | None:
    """The Evidence a row sends with its batch, or None when its properties already name one of
    the evidence's (an edge's own ``file``/``line``): then the evidence is merged into them here,
    as it overrides them (none in today's model has both)."""
    if ev is not None and not _EV_SET.isdisjoint(props):
        props.update(evidence_props(ev))
        return None
    return ev


# -- Cypher ---------------------------------------------------------------------------------------

def schema_statements() -> list[str]:
    """Uniqueness constraints on ``key``, indexes on ``name`` and ``app`` (labels from LABELS only)."""
    out = []
    for kind, label in LABELS.items():
        out.append(f"CREATE CONSTRAINT {kind}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE")
        out.append(f"CREATE INDEX {kind}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
        if kind in APP_SCOPED_KINDS:
            out.append(f"CREATE INDEX {kind}_app IF NOT EXISTS FOR (n:{label}) ON (n.app)")
    for kind in APP_TAGGED_SHARED_RELS:
        rel = REL_TYPES[kind]
        out.append(f"CREATE INDEX {kind}_app IF NOT EXISTS FOR ()-[r:{rel}]-() ON (r.app)")
    return out


# in_apps gains this chunk's apps: the new ones (nothing of them in the database) are appended
# as they are; only apps pushed before (a rerun, --force) need a membership test. Lists of popular
# nodes hold ~every app, so this keeps a push linear in the number of apps.


# Per-app values of a shared node (a recipient's spellings, a field's business functions) are
# kept as two parallel lists, the app of each value and the value, apps in order, so that the
# node's property is the union over apps and a new version of one app replaces only its own.
PER_APP = {ids.RECIPIENT: ("as_written_app", "as_written_text"),
           ids.FIELD: ("functions_app", "functions_json")}
# the property made from the values: the spellings without repeats; the functions as JSON text,
# exactly json.dumps of the list (", " between items)
_DERIVED = {
    ids.RECIPIENT: "n.as_written = reduce(acc = [], t IN pt | CASE WHEN t IN acc THEN acc ELSE acc + t END)",
    ids.FIELD: ("n.functions = CASE WHEN size(pt) = 0 THEN null ELSE '[' + reduce(acc = '', "
                "i IN range(0, size(pt) - 1) | acc + CASE WHEN i = 0 THEN '' ELSE ', ' END + pt[i]) + ']' END"),
}


def _per_app_merge(kind: str) -> str:
    """Keep the other apps' (app, value) pairs, append this row's (its apps in order); sort by app
    only when the appended apps do not come after the kept ones (a push in order never sorts)."""
    ap, tp = PER_APP[kind]
    return (
        f"WITH n, row, coalesce(n.{ap}, []) AS oa, coalesce(n.{tp}, []) AS ot "
        "WITH n, row, oa, ot, CASE WHEN size(row.old_apps) = 0 THEN range(0, size(oa) - 1) "
        "     ELSE [i IN range(0, size(oa) - 1) WHERE NOT oa[i] IN row.old_apps] END AS keep "
        "WITH n, row, [i IN keep | oa[i]] AS ka, [i IN keep | ot[i]] AS kt "
        "WITH n, row, ka + row.pa AS pa, kt + row.pt AS pt, "
        "     (size(ka) = 0 OR size(row.pa) = 0 OR ka[-1] <= row.pa[0]) AS ordered "
        "CALL (pa, pt, ordered) { "
        "  UNWIND CASE WHEN ordered THEN [] ELSE range(0, size(pa) - 1) END AS i "
        "  WITH pa[i] AS a, pt[i] AS t, i ORDER BY a, i "
        "  RETURN collect(a) AS sa, collect(t) AS st "
        "} "
        "WITH n, row, CASE WHEN ordered THEN pa ELSE sa END AS pa, CASE WHEN ordered THEN pt ELSE st END AS pt "
        f"SET n.{ap} = CASE WHEN size(pa) = 0 THEN null ELSE pa END, "
        f"    n.{tp} = CASE WHEN size(pt) = 0 THEN null ELSE pt END, "
        f"    {_DERIVED[kind]}, "
    )


# in_apps gains this chunk's apps: the new ones (nothing of them in the database) are appended
# as they are; only apps pushed before (a rerun, --force) need a membership test. Lists of popular
# nodes hold ~every app, so this keeps a push linear in the number of apps.
_IN_APPS = ("n.in_apps = coalesce(n.in_apps, []) + row.new_apps "
            "+ [a IN row.old_apps WHERE NOT a IN coalesce(n.in_apps, [])]")


# node batches return the element ids of what they wrote, for the relationships' batches: a
# lookup by id instead of two index seeks per relationship (a fifth of the relationship's cost)
_IDS = " RETURN collect(n.key) AS keys, collect(elementId(n)) AS ids"
NODE_EV_AT, EDGE_EV_AT = 0, 2   # where a row of an app's own node / of a relationship holds its Evidence


def _node_query(kind: str) -> str:
    label = LABELS[kind]
    head = f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n += row.props "
    if kind in PER_APP:
        return head + _per_app_merge(kind) + _IN_APPS + _IDS
    return head + "SET " + _IN_APPS + _IDS


def _props_map(cols: Cols, first: int, ev_at: int) -> str:
    """A literal map of the properties ``cols`` (the row's values from index ``first`` on) and of
    the evidence (``$evs[row[ev_at]]``, null for none). With the property names known, the planner
    writes each row as it reads it (``SET x = row.map`` made it buffer the whole batch once per
    SET: an Eager each). Null values are not written (CREATE, ``SET x = {…}``)."""
    ev = f"$evs[row[{ev_at}]]"   # inline: a variable (or a CASE) for it is an Eager again
    parts = [f"`{c}`: row[{first + i}]" for i, c in enumerate(cols)]
    parts += [f"`{c}`: {ev}.`{c}`" for c in EV_PROPS if c not in cols]
    return "{" + ", ".join(parts) + "}"


@functools.lru_cache(maxsize=512)
def _app_node_query(kind: str, cols: Cols, *, create: bool) -> str:
    """App-scoped nodes, rows ``[ev, *values]``: MERGE on the key, or CREATE when the app's data
    is known to be absent."""
    label = LABELS[kind]
    props = _props_map(cols, 1, NODE_EV_AT)
    if create:
        return f"UNWIND $rows AS row CREATE (n:{label} {props})" + _IDS
    return f"UNWIND $rows AS row MERGE (n:{label} {{key: row[{1 + cols.index('key')}]}}) SET n = {props}" + _IDS


@functools.lru_cache(maxsize=512)
def _edge_query(kind: str, src: str, dst: str, cols: Cols, *, create: bool) -> str:
    """Relationships, rows ``[source id, target id, ev, *values]`` (the ends' element ids, see
    :meth:`_Pusher.batch`): CREATE when the app's data is known to be absent, else MERGE on the key."""
    rel = REL_TYPES[kind]
    props = _props_map(cols, 3, EDGE_EV_AT)
    head = (f"UNWIND $rows AS row MATCH (a:{LABELS[src]}) WHERE elementId(a) = row[0] "
            f"MATCH (b:{LABELS[dst]}) WHERE elementId(b) = row[1] ")
    if create:
        return head + f"CREATE (a)-[r:{rel} {props}]->(b)"
    return head + f"MERGE (a)-[r:{rel} {{key: row[{3 + cols.index('key')}]}}]->(b) SET r = {props}"


# The vocabulary's hierarchy may have changed since an earlier push: drop its stale edges
# (checked once per field and push: it reads every MEMBER_OF edge of the field).
_RECONCILE = (
    "UNWIND $rows AS row MATCH (n:Field {key: row.key}) "
    "MATCH (n)-[old:MEMBER_OF]->(p:Field) WHERE old.app IS NULL AND NOT p.key IN row.vocab_parents "
    "DELETE old RETURN count(*) AS deleted"
)
# hier_up / hier_down: a field's distinct parents and children over every MEMBER_OF edge (the
# vocabulary's and each app's). The questions walk the hierarchy through these lists: walking
# the edges means reading one per app and pair (18,000 into 设备信息 on a thousand apps).
# Both lists are kept sorted, so that rebuilding them gives the same property values. Each node
# is one row (``add``: the keys to add), so that no row reads a list another row has written.
_HIER_ADD = {
    prop: (
        "UNWIND $rows AS row MATCH (n:Field {key: row.key}) "
        f"WITH n, coalesce(n.{prop}, []) + [x IN row.add WHERE NOT x IN coalesce(n.{prop}, [])] AS l "
        "CALL (l) { UNWIND l AS x WITH x ORDER BY x RETURN collect(x) AS sorted } "
        f"SET n.{prop} = sorted"
    )
    for prop in ("hier_up", "hier_down")
}
# after relationships were deleted (a new version, a rerun, the vocabulary): rebuild the lists
_HIER_REBUILD = (
    "MATCH (f:Field) "
    "CALL (f) { OPTIONAL MATCH (f)-[:MEMBER_OF]->(p:Field) WITH DISTINCT p.key AS k ORDER BY k "
    "  RETURN collect(k) AS up } "
    "CALL (f) { OPTIONAL MATCH (f)<-[:MEMBER_OF]-(c:Field) WITH DISTINCT c.key AS k ORDER BY k "
    "  RETURN collect(k) AS down } "
    "SET f.hier_up = CASE WHEN size(up) = 0 THEN null ELSE up END, "
    "    f.hier_down = CASE WHEN size(down) = 0 THEN null ELSE down END"
)

_STATES = ("UNWIND $apps AS x MATCH (a:App {key: x}) "
           "RETURN a.name AS app, a.push_complete AS complete, a.pushed_sha256 AS pushed")
_BEGIN = (
    "UNWIND $apps AS x "
    "OPTIONAL MATCH (old:App {key: x.key}) "
    "WITH x, old IS NOT NULL AS existed, old.pushed_sha256 AS pushed, old.pending_sha256 AS pending, "
    "     coalesce(old.push_complete, false) AS complete "
    "MERGE (a:App {key: x.key}) "
    "SET a += x.props, a.push_complete = false "
    "RETURN x.app AS app, existed, pushed, pending, complete, elementId(a) AS id"
)
_PENDING = (
    "UNWIND $apps AS x MATCH (a:App {key: x.key}) "
    "SET a.pending_sha256 = x.sha256, a.pushed_sha256 = CASE WHEN x.keep THEN a.pushed_sha256 ELSE null END"
)
_COMPLETE = (
    "UNWIND $apps AS x MATCH (a:App {key: x.key}) "
    "SET a.push_complete = true, a.pushed_sha256 = x.sha256, a.pending_sha256 = null, "
    "    a.pushed_at = $now"
)
_DELETE_NODES = {
    kind: f"MATCH (n:{LABELS[kind]}) WHERE n.app IN $apps WITH n LIMIT $batch DETACH DELETE n "
          "RETURN count(*) AS deleted"
    for kind in APP_SCOPED_KINDS
}
_DELETE_RELS = {
    kind: f"MATCH ()-[r:{REL_TYPES[kind]}]->() WHERE r.app IN $apps WITH r LIMIT $batch DELETE r "
          "RETURN count(*) AS deleted"
    for kind in APP_TAGGED_SHARED_RELS
}
_UNTAG = {
    kind: f"MATCH (n:{LABELS[kind]}) WHERE any(a IN n.in_apps WHERE a IN $apps) "
          "SET n.in_apps = [a IN n.in_apps WHERE NOT a IN $apps]"
    for kind in SHARED_KINDS
}
for _kind, (_ap, _tp) in PER_APP.items():
    _UNTAG[_kind] = (
        f"MATCH (n:{LABELS[_kind]}) WHERE any(a IN n.in_apps WHERE a IN $apps) "
        f"WITH n, coalesce(n.{_ap}, []) AS oa, coalesce(n.{_tp}, []) AS ot "
        "WITH n, oa, ot, [i IN range(0, size(oa) - 1) WHERE NOT oa[i] IN $apps] AS keep "
        "WITH n, [i IN keep | oa[i]] AS pa, [i IN keep | ot[i]] AS pt "
        f"SET n.{_ap} = CASE WHEN size(pa) = 0 THEN null ELSE pa END, "
        f"    n.{_tp} = CASE WHEN size(pt) = 0 THEN null ELSE pt END, "
        f"    {_DERIVED[_kind]}, n.in_apps = [a IN n.in_apps WHERE NOT a IN $apps]"
    )
_ORPHANS = {
    kind: f"MATCH (n:{LABELS[kind]}) WHERE size(coalesce(n.in_apps, [])) = 0 "
          "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted"
    for kind in SHARED_KINDS
}


# -- the push -------------------------------------------------------------------------------------

@dataclass
class PushResult:
    apps: list[str] = field(default_factory=list)          # written
    unchanged: list[str] = field(default_factory=list)     # already complete with the same digest
    replaced: list[str] = field(default_factory=list)      # an older version was deleted first
    nodes: int = 0
    relationships: int = 0
    flows: int = 0
    batches: int = 0
    transactions: int = 0   # every write transaction: the batches and the bookkeeping
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The push as JSON-ready data, with its throughput."""
        return {
            "apps": self.apps, "unchanged": self.unchanged, "replaced": self.replaced,
            "nodes": self.nodes, "relationships": self.relationships, "flows": self.flows,
            "batches": self.batches, "transactions": self.transactions, "seconds": round(self.seconds, 3),
            "flows_per_second": round(self.flows / self.seconds) if self.seconds else None,
        }


class _Rows(list):  # type: ignore[type-arg]
    """A list parameter whose ``repr`` is its length. The driver formats each query's parameters
    for its debug log even when nothing logs (neo4j 6.4, ``Bolt5x5.run``): on a batch of 5,000
    rows that cost about as much as packing them."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class _Pusher:
    def __init__(self, driver: Any, database: str, batch_size: int,
                 after_batch: Callable[[int], None] | None) -> None:
        self.driver = driver
        self.database = database
        self.batch_size = max(1, batch_size)
        self.after_batch = after_batch
        self.batches = 0      # write batches done
        self.transactions = 0   # write transactions done (batches and bookkeeping)
        self.planned = 0      # write batches planned so far
        self.reconciled: set[str] = set()   # fields whose vocabulary edges were checked
        self.hier_pairs: set[tuple[str, str]] = set()   # (child, parent) added to hier_* lists
        self.node_ids: dict[str, str] = {}   # key -> elementId of the nodes the chunk wrote
        self.first_props: dict[str, dict[str, Any]] = {}   # shared node key -> its first app's properties

    def _session(self) -> Any:
        return self.driver.session(database=self.database, notifications_min_severity="OFF")

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        params = {k: _Rows(v) if v.__class__ is list else v for k, v in params.items()}

        def work(tx: Any) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(query, params)]

        with self._session() as s:
            out = s.execute_write(work)
        self.transactions += 1
        return out

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """A read transaction's records (not counted as a write)."""
        with self._session() as s:
            return s.execute_read(lambda tx: [r.data() for r in tx.run(query, params)])

    def batch(self, query: str, rows: list[Any], ev_at: int | None = None) -> None:
        """Write ``rows`` in batches; ``ev_at``: where a row holds its Evidence (list rows)."""
        for i in range(0, len(rows), self.batch_size):
            part = rows[i:i + self.batch_size]
            evs = _with_evidence(part, ev_at) if ev_at is not None else []
            if ev_at == EDGE_EV_AT:   # relationships find their ends by the ids the nodes' batches returned
                node_ids = self.node_ids
                for r in part:
                    r[0], r[1] = node_ids[r[0]], node_ids[r[1]]
            out = self.write(query, rows=part, evs=evs)
            if out and "ids" in out[0]:
                self.node_ids.update(zip(out[0]["keys"], out[0]["ids"], strict=True))
            self.batches += 1
            if self.after_batch is not None:
                self.after_batch(self.batches)

    def drain(self, query: str, **params: Any) -> None:
        """Delete in batches until nothing is left (these batches are not counted as writes)."""
        while self.write(query, batch=self.batch_size, **params)[0]["deleted"]:
            pass


def _with_evidence(rows: list[list[Any]], at: int) -> list[dict[str, Any]]:
    """The batch's list of evidence; each row's Evidence (``row[at]``) becomes its index there.
    Each cell's text travels once per batch, not once per flow (flows of one cell share their
    Evidence)."""
    index: dict[int, int] = {}
    evs: list[dict[str, Any]] = []
    for r in rows:
        ev = r[at]
        if ev is not None:
            j = index.get(id(ev))
            if j is None:
                j = index[id(ev)] = len(evs)
                evs.append(evidence_props(ev))
            r[at] = j   # rows are written once: convert in place
    return evs


def _schema(p: _Pusher) -> None:
    with p._session() as s:
        for stmt in schema_statements():
            s.run(stmt).consume()


def app_graph(reg: Registry, app: str) -> nx.MultiDiGraph:
    """What is pushed of one app: its lineage graph, with the business functions its policy's
    prose names where the registry holds the text (what ``sharegraph lineage`` shows on networkx)."""
    from lineage.paths import annotate_business_functions

    G = build_graph(reg, app=app)
    annotate_business_functions(G, Registry({app: reg.policies[app]}))
    return G


def _iter_chunks(reg: Registry, apps: list[str], pushed: dict[str, str] | None = None,
                 context: str | None = None) -> Iterator[list[AppRows]]:
    """The apps' rows in chunks: while one chunk is written, the next is built (see
    :func:`_prefetched`), so the first is small, and each next one twice the last up to CHUNK_ROWS
    (each chunk rewrites the popular shared nodes' lists of apps: fewer chunks, less rewriting).
    An app whose digest is ``pushed[app]`` (complete in the database) is passed on unbuilt,
    marked ``unchanged``."""
    context = graph_context() if context is None else context
    pushed = pushed or {}
    chunk: list[AppRows] = []
    size, limit = 0, FIRST_CHUNK_ROWS
    for a in apps:
        policy = reg.policies[a]
        sha = app_digest(policy, context)
        if pushed.get(a) == sha:
            chunk.append(AppRows(app=a, app_props={}, sha256=sha, unchanged=True))
            continue
        rows = app_rows(app_graph(reg, a), a, flows=len(policy.flows), sha256=sha)
        chunk.append(rows)
        size += rows.size
        if size >= limit:
            yield chunk
            chunk, size, limit = [], 0, min(2 * limit, CHUNK_ROWS)
    if chunk:
        yield chunk


def _prefetched(it: Iterator[T]) -> Iterator[T]:
    """The items of ``it``, the next one made in a thread while the caller works on this one:
    building an app's rows is Python work, writing them is mostly waiting for the server."""
    from concurrent.futures import ThreadPoolExecutor

    done = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-push-rows") as pool:
        fut = pool.submit(next, it, done)
        while True:
            item = fut.result()
            if item is done:
                return
            fut = pool.submit(next, it, done)
            yield item  # type: ignore[misc]


@dataclass
class _Plan:
    """What one chunk writes: (query, rows, where a row holds its Evidence) in order, nodes first."""

    work: list[tuple[str, list[Any], int | None]] = field(default_factory=list)
    vocab_parents: dict[str, list[str]] = field(default_factory=dict)   # field key -> vocab parents
    member_pairs: set[tuple[str, str]] = field(default_factory=set)     # (child, parent) of MEMBER_OF


def _begin(p: _Pusher, chunk: list[AppRows], result: PushResult, force: bool) -> tuple[
        list[AppRows], dict[str, dict[str, Any]], set[str]]:
    """Mark the chunk's changed apps incomplete and delete their old versions; returns the apps
    to write, what the database held of each, and the apps with nothing in the database."""
    built = [c for c in chunk if not c.unchanged]
    states = {r["app"]: r for r in p.write(_STATES, apps=[ids.app_id(c.app) for c in built])} if built else {}
    todo = []
    for c in chunk:
        st = states.get(c.app)
        if c.unchanged or (not force and st and st["complete"] and st["pushed"] == c.sha256):
            result.unchanged.append(c.app)
        else:
            todo.append(c)
    if not todo:
        return [], {}, set()
    begun = {r["app"]: r for r in p.write(
        _BEGIN, apps=[{"key": ids.app_id(c.app), "app": c.app, "props": c.app_props} for c in todo])}
    p.node_ids = {ids.app_id(a): r["id"] for a, r in begun.items()}
    # delete what the database holds of an app unless it is (a part of) exactly this content
    stale = [c.app for c in todo if begun[c.app]["existed"]
             and c.sha256 not in (begun[c.app]["pending"], begun[c.app]["pushed"])]
    if stale:
        result.replaced.extend(stale)
        for kind in APP_SCOPED_KINDS:
            p.drain(_DELETE_NODES[kind], apps=stale)
        for kind in APP_TAGGED_SHARED_RELS:
            p.drain(_DELETE_RELS[kind], apps=stale)
        for q in _UNTAG.values():
            p.write(q, apps=stale)
    p.write(_PENDING, apps=[{"key": ids.app_id(c.app), "sha256": c.sha256,
                             "keep": begun[c.app]["pushed"] == c.sha256} for c in todo])
    # apps with nothing in the database yet (new, or just deleted) get CREATE instead of MERGE for
    # their own nodes and relationships: no lookup of parallel edges. A rerun after an interruption
    # finds the app half-written (pending) and MERGEs.
    fresh = {c.app for c in todo if not begun[c.app]["existed"]} | set(stale)
    return todo, begun, fresh


def _plan(todo: list[AppRows], fresh: set[str], result: PushResult,
          first_props: dict[str, dict[str, Any]] | None = None) -> _Plan:
    """The chunk's rows as batches of queries: shared nodes merged over its apps, the apps' own
    rows appended as they are. A shared node's properties are those of the first app of the push
    that has it (``first_props``, kept over the push's chunks), as in networkx."""
    plan = _Plan()
    first_props = {} if first_props is None else first_props
    shared: dict[str, dict[str, dict[str, Any]]] = {}
    own: dict[tuple[str, Cols, bool], list[list[Any]]] = {}
    edges: dict[tuple[tuple[str, str, str], Cols, bool], list[list[Any]]] = {}
    vocab: dict[tuple[str, str, str], tuple[Cols, list[Any]]] = {}
    for c in todo:
        create = c.app in fresh
        for kind, rows in c.shared.items():
            bucket = shared.setdefault(kind, {})
            for r in rows:
                have = bucket.get(r["key"])
                if have is None:
                    props = first_props.setdefault(r["key"], r["props"])
                    have = bucket[r["key"]] = {"key": r["key"], "props": props, "apps": [], "pairs": []}
                    if kind == ids.FIELD:
                        plan.vocab_parents[r["key"]] = c.vocab_parents.get(r["key"], [])
                have["apps"].append(c.app)
                if kind in PER_APP:
                    have["pairs"].extend([c.app, t] for t in r["per_app"])
        for (kind, cols), rows in c.own.items():
            own.setdefault((kind, cols, create), []).extend(rows)
        for (group, cols), rows in c.edges.items():
            edges.setdefault((group, cols, create), []).extend(rows)
        for k, v in c.vocab_edges.items():   # the vocabulary's edges are in every app's graph
            vocab.setdefault(k, v)
    for cols, row in vocab.values():
        edges.setdefault(((ids.MEMBER_OF, ids.FIELD, ids.FIELD), cols, False), []).append(row)
    for kind in SHARED_KINDS:
        rows = list(shared.get(kind, {}).values())
        result.nodes += len(rows)
        for r in rows:
            apps_ = r.pop("apps")
            r["new_apps"] = [a for a in apps_ if a in fresh]
            r["old_apps"] = [a for a in apps_ if a not in fresh]
            pairs = r.pop("pairs")
            if kind in PER_APP:
                r["pa"] = [a for a, _ in pairs]
                r["pt"] = [t for _, t in pairs]
        plan.work.append((_node_query(kind), rows, None))
    for (kind, cols, create), rows in sorted(own.items(), key=lambda x: x[0]):
        result.nodes += len(rows)
        plan.work.append((_app_node_query(kind, cols, create=create), rows, NODE_EV_AT))
    for (group, cols, create), rows in sorted(edges.items(), key=lambda x: x[0]):
        result.relationships += len(rows)
        if group[0] == ids.MEMBER_OF:
            plan.member_pairs.update((r[0], r[1]) for r in rows)
        plan.work.append((_edge_query(*group, cols, create=create), rows, EDGE_EV_AT))
    return plan


def _hierarchy(p: _Pusher, plan: _Plan, replaced: bool) -> None:
    """Bring the fields' hier_up/hier_down lists and the vocabulary's edges up to date."""
    check = [{"key": k, "vocab_parents": v} for k, v in plan.vocab_parents.items() if k not in p.reconciled]
    p.reconciled.update(plan.vocab_parents)
    rebuild = bool(check) and p.write(_RECONCILE, rows=check)[0]["deleted"] > 0
    pairs = sorted(plan.member_pairs - p.hier_pairs)
    p.hier_pairs.update(pairs)
    if pairs:
        up: dict[str, list[str]] = {}
        down: dict[str, list[str]] = {}
        for child, parent in pairs:
            up.setdefault(child, []).append(parent)
            down.setdefault(parent, []).append(child)
        p.write(_HIER_ADD["hier_up"], rows=[{"key": k, "add": v} for k, v in up.items()])
        p.write(_HIER_ADD["hier_down"], rows=[{"key": k, "add": v} for k, v in down.items()])
    if replaced:   # an old version, or an interrupted push: relationships were deleted
        for kind in SHARED_KINDS:
            p.drain(_ORPHANS[kind])
        rebuild = True
    if rebuild:
        p.write(_HIER_REBUILD)


def _push_chunk(p: _Pusher, chunk: list[AppRows], result: PushResult, force: bool) -> list[str]:
    """Write one chunk of apps; returns the apps written (not skipped)."""
    todo, begun, fresh = _begin(p, chunk, result, force)
    if not todo:
        return []
    plan = _plan(todo, fresh, result, p.first_props)
    p.planned += sum(-(-len(rows) // p.batch_size) for _, rows, _ in plan.work)
    for query, rows, ev_at in plan.work:
        p.batch(query, rows, ev_at)
    _hierarchy(p, plan, any(begun[c.app]["existed"] for c in todo))
    p.write(_COMPLETE, apps=[{"key": ids.app_id(c.app), "sha256": c.sha256} for c in todo],
            now=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    result.nodes += len(todo)
    return [c.app for c in todo]


def push(
    driver: Any,
    registry: Registry,
    app: str | None = None,
    *,
    database: str = "neo4j",
    batch_size: int = DEFAULT_BATCH,
    progress: bool = True,
    force: bool = False,
    _after_batch: Callable[[int], None] | None = None,
) -> PushResult:
    """Write the lineage graph of ``registry`` (or of one ``app``) to Neo4j.

    Apps already pushed with the same content are left alone (``force`` rewrites them,
    which changes nothing either). Raises :class:`BackendError` on failure; a push that
    stops half-way leaves the unfinished apps marked incomplete, and running it again
    completes it. The business functions come from the policy texts the registry holds (no
    file is read). ``_after_batch(n)`` is called after each written batch (tests use it
    to cut a push off).
    """
    from contextlib import ExitStack

    from lineage.backends.neo4j.connection import translate_errors

    stack = ExitStack()
    if app is not None and app not in registry.policies:
        registry.policy(app)
    apps = [app] if app is not None else registry.apps
    p = _Pusher(driver, database, batch_size, _after_batch)
    result = PushResult()
    t0 = time.perf_counter()
    bar = _progress(progress, len(apps))
    done = 0
    current: list[str] = []
    try:
        stack.enter_context(_fewer_collections())
        with translate_errors(driver, database):
            _schema(p)
            # what the database holds complete: the apps whose digest it is are not built again
            pushed = {} if force else {r["app"]: r["pushed"] for r in p.read(
                _STATES, apps=[ids.app_id(a) for a in apps]) if r["complete"] and r["pushed"]}
        if bar is not None:
            bar.start()
        for chunk in _prefetched(_iter_chunks(registry, apps, pushed)):
            current = [c.app for c in chunk]
            try:
                with translate_errors(driver, database):
                    written = _push_chunk(p, chunk, result, force)
            except BackendError as e:
                if len(apps) == 1:
                    head = f"push of app {apps[0]} interrupted after {p.batches} of {p.planned} batches"
                else:
                    left = ", ".join(current[:3]) + (" …" if len(current) > 3 else "")
                    head = (f"push of {len(apps)} apps interrupted after {p.batches} batches, "
                            f"{done} of {len(apps)} apps complete ({left} not)")
                raise BackendError(f"{head}: {e}; rerun the push to complete it") from e.__cause__
            written_set = set(written)
            result.apps.extend(written)
            result.flows += sum(c.flows for c in chunk if c.app in written_set)
            done += len(chunk)
            if bar is not None:
                bar.update(bar.task_ids[0], completed=done, description=f"pushing ({p.batches} batches)")
    finally:
        if bar is not None:
            bar.stop()
        stack.close()
    result.batches = p.batches
    result.transactions = p.transactions
    result.seconds = time.perf_counter() - t0
    return result


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector, tuned for the push and restored after it: what exists
    already (the registry: a million flows) is frozen out of its walks, and the youngest
    generation is collected every 20,000 allocations instead of 700. Building rows allocates
    millions of small lists the collector would otherwise walk again and again: −20 % of the
    client's CPU on 300 apps (``docs/benchmarks-neo4j.md``); cyclic garbage (each app's graph)
    is still collected, a little later."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _progress(enabled: bool, total: int) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("apps"), TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    bar.add_task("pushing", total=total)
    return bar
