"""Pushing a registry's lineage graph to Neo4j: batched, idempotent, one app at a time.

Why this shape:

* The graph pushed is :func:`lineage.graph.build_graph` of each app, the very graph the
  networkx backend answers from, converted property by property (``ev`` → ``file``,
  ``line``, ``evidence``, ``table``, ``row``, ``column``; tuples → lists; dicts →
  JSON strings), so the two backends cannot drift apart.
* Writes are ``UNWIND $rows`` batches in managed write transactions (the driver
  retries transient failures), keyed by ``MERGE`` on each node's ``key`` (the
  networkx node id) and each relationship's ``key`` (the networkx edge key):
  pushing the same thing twice changes nothing, and a push cut off half-way is
  completed by running it again.
* Labels and relationship types come only from :data:`LABELS` / :data:`REL_TYPES`
  (the fixed model of ``docs/graph-model.md``); every value travels as a query
  parameter, never as Cypher text.
* An app is served only once its push is complete: its ``App`` node carries
  ``push_complete`` (false from the first transaction of a push, true in the last)
  and ``pushed_sha256`` (a digest of what was pushed). The questions skip apps whose
  push is not complete, so a half-written app is never answered from.
* Scenarios, SDKs and permissions belong to one app; fields, recipients and
  controllers are shared. A new version of an app deletes that app's nodes and
  app-tagged relationships first (in batches), then writes the new graph; shared
  nodes remember which apps hold them (``in_apps``) and are removed when no app does.

Bookkeeping properties beyond the networkx graph: ``in_apps`` (Field, Recipient,
Controller), ``as_written_app``/``as_written_text`` (Recipient: which app used which
spelling, so ``as_written`` stays the union over apps), ``push_complete``,
``pushed_sha256``, ``pending_sha256`` (App), ``seq`` on FLOWS_INTO, RECEIVED_BY and
ENTRUSTS (the edge's place in the app graph's order, which breaks ties between rows as
networkx does), and on ENTRUSTS ``all_fields_vias`` / ``via_field_pairs``
(``fields_by_via`` in a form Cypher can test).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from lineage import ids
from lineage.graph import build_graph
from registry.errors import BackendError
from registry.model import Evidence, Registry

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
SEP = "\x1f"   # joins a via key and a field name in ENTRUSTS.via_field_pairs
DEFAULT_BATCH = 5000
CHUNK_ROWS = 40_000   # apps are pushed in chunks of about this many rows


# -- converting the networkx graph --------------------------------------------------------------

def _value(name: str, v: Any) -> Any:
    if isinstance(v, dict) or name in JSON_PROPS:
        return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(v, tuple | list):
        if all(x is None or isinstance(x, str | int | float | bool) for x in v):
            return list(v)
        return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    return v


def neo4j_props(data: dict[str, Any]) -> dict[str, Any]:
    """Node or edge data of the networkx graph as Neo4j properties (``kind`` is the label/type)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k == "kind":
            continue
        if k == "ev":
            ev: Evidence | None = v
            out.update(file=ev.file if ev else None, line=ev.line if ev else None,
                       evidence=ev.text if ev else None, table=ev.table if ev else None,
                       row=ev.row if ev else None, column=ev.column if ev else None)
            continue
        out[k] = _value(k, v)
    return out


def _entrusts_helpers(d: dict[str, Any]) -> dict[str, Any]:
    fbv = d.get("fields_by_via") or {}
    return {
        "all_fields_vias": sorted(v for v, fs in fbv.items() if fs is None),
        "via_field_pairs": sorted(f"{v}{SEP}{f}" for v, fs in fbv.items() if fs is not None for f in fs),
    }


@dataclass
class AppRows:
    """One app's graph as rows to write."""

    app: str
    app_props: dict[str, Any]
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)      # kind -> rows
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    vocab_parents: dict[str, list[str]] = field(default_factory=dict)   # field key -> vocab parents
    sha256: str = ""
    flows: int = 0

    @property
    def size(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.edges.values()))


def app_rows(G: nx.MultiDiGraph, app: str, flows: int = 0) -> AppRows:
    """The rows of one app's graph (``build_graph(reg, app=app)``) and their digest."""
    rows = AppRows(app=app, app_props={}, flows=flows)
    h = hashlib.sha256()
    for n, d in sorted(G.nodes(data=True), key=lambda x: x[0]):
        kind = d["kind"]
        props = neo4j_props(d)
        props["key"] = n
        if kind == ids.APP:
            rows.app_props = props
        elif kind == ids.RECIPIENT:
            aw = props.pop("as_written", None) or []
            rows.nodes.setdefault(kind, []).append({"key": n, "props": props, "aw": aw})
        else:
            rows.nodes.setdefault(kind, []).append({"key": n, "props": props})
        if kind == ids.FIELD:
            rows.vocab_parents[n] = []
        h.update(json.dumps([kind, props, d.get("as_written")], ensure_ascii=False, sort_keys=True,
                            default=str).encode())
    # seq: the edge's place in the graph's own order, so that Cypher can break ties between rows
    # exactly as the networkx walk does (it yields parallel edges in insertion order)
    edges = [(i, u, v, k, d) for i, (u, v, k, d) in enumerate(G.edges(keys=True, data=True))]
    for i, u, v, k, d in sorted(edges, key=lambda e: (e[1], e[2], e[3])):
        kind = d["kind"]
        props = neo4j_props(d)
        props["key"] = k
        if kind in SEQ_RELS:
            props["seq"] = i
        if kind == ids.ENTRUSTS:
            props.update(_entrusts_helpers(d))
        if kind == ids.MEMBER_OF and d.get("app") is None:
            rows.vocab_parents.setdefault(u, []).append(v)
        group = (kind, G.nodes[u]["kind"], G.nodes[v]["kind"])
        rows.edges.setdefault(group, []).append({"s": u, "t": v, "k": k, "p": props})
        h.update(json.dumps([kind, u, v, props], ensure_ascii=False, sort_keys=True).encode())
    rows.sha256 = h.hexdigest()
    return rows


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


def _node_query(kind: str) -> str:
    label = LABELS[kind]
    if kind == ids.RECIPIENT:
        # as_written is the union of every app's spellings, apps in order: keep the other apps'
        # (app, spelling) pairs, add this push's, sort by app, deduplicate.
        return (
            f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n += row.props "
            "WITH n, row "
            "CALL (n, row) { "
            "  WITH coalesce(n.as_written_app, []) AS oa, coalesce(n.as_written_text, []) AS ot "
            "  WITH [i IN range(0, size(oa) - 1) WHERE NOT oa[i] IN row.apps | [oa[i], ot[i]]] "
            "       + row.pairs AS ps "
            "  UNWIND range(0, size(ps) - 1) AS i "
            "  WITH ps[i] AS p, i ORDER BY p[0], i "
            "  RETURN collect(p[0]) AS pa, collect(p[1]) AS pt "
            "} "
            "SET n.as_written_app = pa, n.as_written_text = pt, "
            "    n.as_written = reduce(acc = [], t IN pt | CASE WHEN t IN acc THEN acc ELSE acc + t END), "
            "    n.in_apps = coalesce(n.in_apps, []) + [a IN row.apps WHERE NOT a IN coalesce(n.in_apps, [])]"
        )
    if kind in SHARED_KINDS:
        q = (f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n += row.props "
             "SET n.in_apps = coalesce(n.in_apps, []) + [a IN row.apps WHERE NOT a IN coalesce(n.in_apps, [])]")
        if kind == ids.FIELD:
            # the vocabulary's hierarchy may have changed since an earlier push: drop stale edges
            q += (" WITH n, row OPTIONAL MATCH (n)-[old:MEMBER_OF]->(p:Field) "
                  "WHERE old.app IS NULL AND NOT p.key IN row.vocab_parents DELETE old")
        return q
    return f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n = row.props"


def _edge_query(kind: str, src: str, dst: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{LABELS[src]} {{key: row.s}}) MATCH (b:{LABELS[dst]} {{key: row.t}}) "
            f"MERGE (a)-[r:{REL_TYPES[kind]} {{key: row.k}}]->(b) SET r = row.p")


_BEGIN = (
    "UNWIND $apps AS x "
    "OPTIONAL MATCH (old:App {key: x.key}) "
    "WITH x, old IS NOT NULL AS existed, old.pushed_sha256 AS pushed, old.pending_sha256 AS pending, "
    "     coalesce(old.push_complete, false) AS complete "
    "MERGE (a:App {key: x.key}) "
    "SET a += x.props, a.push_complete = false "
    "RETURN x.app AS app, existed, pushed, pending, complete"
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
    for kind in (ids.FIELD, ids.CONTROLLER)
}
_UNTAG[ids.RECIPIENT] = (
    "MATCH (n:Recipient) WHERE any(a IN n.in_apps WHERE a IN $apps) "
    "WITH n, [i IN range(0, size(n.as_written_app) - 1) WHERE NOT n.as_written_app[i] IN $apps] AS keep "
    "WITH n, [i IN keep | n.as_written_app[i]] AS pa, [i IN keep | n.as_written_text[i]] AS pt "
    "SET n.in_apps = [a IN n.in_apps WHERE NOT a IN $apps], n.as_written_app = pa, n.as_written_text = pt, "
    "    n.as_written = reduce(acc = [], t IN pt | CASE WHEN t IN acc THEN acc ELSE acc + t END)"
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
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "apps": self.apps, "unchanged": self.unchanged, "replaced": self.replaced,
            "nodes": self.nodes, "relationships": self.relationships, "flows": self.flows,
            "batches": self.batches, "seconds": round(self.seconds, 3),
            "flows_per_second": round(self.flows / self.seconds) if self.seconds else None,
        }


class _Pusher:
    def __init__(self, driver: Any, database: str, batch_size: int,
                 after_batch: Callable[[int], None] | None) -> None:
        self.driver = driver
        self.database = database
        self.batch_size = max(1, batch_size)
        self.after_batch = after_batch
        self.batches = 0      # write batches done
        self.planned = 0      # write batches planned so far

    def _session(self) -> Any:
        return self.driver.session(database=self.database, notifications_min_severity="OFF")

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: Any) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(query, params)]

        with self._session() as s:
            return s.execute_write(work)

    def batch(self, query: str, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), self.batch_size):
            self.write(query, rows=rows[i:i + self.batch_size])
            self.batches += 1
            if self.after_batch is not None:
                self.after_batch(self.batches)

    def drain(self, query: str, **params: Any) -> None:
        """Delete in batches until nothing is left (these batches are not counted as writes)."""
        while self.write(query, batch=self.batch_size, **params)[0]["deleted"]:
            pass


def _schema(p: _Pusher) -> None:
    with p._session() as s:
        for stmt in schema_statements():
            s.run(stmt).consume()


def _iter_chunks(reg: Registry, apps: list[str]) -> Iterator[list[AppRows]]:
    chunk: list[AppRows] = []
    size = 0
    for a in apps:
        G = build_graph(reg, app=a)
        rows = app_rows(G, a, flows=len(reg.policies[a].flows))
        chunk.append(rows)
        size += rows.size
        if size >= CHUNK_ROWS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _push_chunk(p: _Pusher, chunk: list[AppRows], result: PushResult, force: bool) -> list[str]:
    """Write one chunk of apps; returns the apps written (not skipped)."""
    states = {r["app"]: r for r in p.write(
        "UNWIND $apps AS x OPTIONAL MATCH (a:App {key: x}) "
        "RETURN x AS key, a.name AS app, a.push_complete AS complete, a.pushed_sha256 AS pushed",
        apps=[ids.app_id(c.app) for c in chunk])}
    todo = []
    for c in chunk:
        st = states.get(c.app)
        if not force and st and st["complete"] and st["pushed"] == c.sha256:
            result.unchanged.append(c.app)
        else:
            todo.append(c)
    if not todo:
        return []
    begun = {r["app"]: r for r in p.write(
        _BEGIN, apps=[{"key": ids.app_id(c.app), "app": c.app, "props": c.app_props} for c in todo])}
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
    # nodes: shared ones merged over the chunk's apps (first app wins, as in networkx)
    node_rows: dict[str, dict[str, dict[str, Any]]] = {}
    edge_rows: dict[tuple[str, str, str], dict[tuple[str, str, str], dict[str, Any]]] = {}
    for c in todo:
        for kind, rows in c.nodes.items():
            bucket = node_rows.setdefault(kind, {})
            for r in rows:
                have = bucket.get(r["key"])
                if have is None:
                    have = bucket[r["key"]] = {"key": r["key"], "props": r["props"], "apps": [], "pairs": []}
                    if kind == ids.FIELD:
                        have["vocab_parents"] = c.vocab_parents.get(r["key"], [])
                have["apps"].append(c.app)
                have["pairs"].extend([c.app, t] for t in r.get("aw", ()))
        for group, rows in c.edges.items():
            ebucket = edge_rows.setdefault(group, {})
            for r in rows:
                ebucket.setdefault((r["s"], r["t"], r["k"]), r)
    work: list[tuple[str, list[dict[str, Any]]]] = []
    for kind in (ids.FIELD, ids.RECIPIENT, ids.CONTROLLER, ids.SCENARIO, ids.SDK, ids.PERMISSION):
        rows = list(node_rows.get(kind, {}).values())
        if kind not in SHARED_KINDS:
            rows = [{"key": r["key"], "props": r["props"]} for r in rows]
        elif kind != ids.RECIPIENT:
            for r in rows:
                r.pop("pairs")
        work.append((_node_query(kind), rows))
        result.nodes += len(rows)
    for (kind, src, dst), ebucket in sorted(edge_rows.items()):
        rows = list(ebucket.values())
        work.append((_edge_query(kind, src, dst), rows))
        result.relationships += len(rows)
    p.planned += sum(-(-len(rows) // p.batch_size) for _, rows in work)
    for query, rows in work:
        p.batch(query, rows)
    if any(begun[c.app]["existed"] for c in todo):   # an old version, or an interrupted push
        for kind in SHARED_KINDS:
            p.drain(_ORPHANS[kind])
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
    completes it. ``_after_batch(n)`` is called after each written batch (tests use it
    to cut a push off).
    """
    from lineage.names import _closest
    from lineage.neo4j_backend import translate_errors
    from registry.errors import UnknownNameError

    if app is not None and app not in registry.policies:
        raise UnknownNameError("app", app, _closest(app, registry.apps))
    apps = [app] if app is not None else registry.apps
    p = _Pusher(driver, database, batch_size, _after_batch)
    result = PushResult()
    t0 = time.perf_counter()
    bar = _progress(progress, len(apps))
    done = 0
    current: list[str] = []
    try:
        with translate_errors(driver, database):
            _schema(p)
        if bar is not None:
            bar.start()
        for chunk in _iter_chunks(registry, apps):
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
    result.batches = p.batches
    result.seconds = time.perf_counter() - t0
    return result


def _progress(enabled: bool, total: int) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("apps"), TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    bar.add_task("pushing", total=total)
    return bar
