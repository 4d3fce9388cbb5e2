"""Building the lineage graph from a registry (model in ``docs/graph-model.md``).

A ``networkx.MultiDiGraph`` whose nodes are data fields, scenarios, SDKs,
recipients, permissions, apps and controllers, and whose edges are::

    permission -grants-> field -flows_into-> scenario|sdk -received_by-> recipient -entrusts-> onward
    field -member_of-> group field;  controller -operates-> app -discloses-> scenario|sdk|permission

A row of the sharing list (or the SDK table) gives every one of its fields to
every one of its recipients, so a flow is the pair of edges field→scenario and
scenario→recipient; the graph stores each pair once instead of one edge per
flow. Where a recipient gets only some of a scenario's fields (after an
``impact add-partner --fields``), its ``received_by`` edge lists them in
``fields``. Edges reference the registry's :class:`~registry.model.Evidence`
objects rather than copying them.

How a flow was read travels the same way, stored only where it is not the default (a
registry of a million table rows adds nothing): the item's ``qualifiers`` on its
``flows_into`` edge (they are written beside the field), the row's ``form``,
``confidence`` and ``note`` on the ``received_by`` (or ``entrusts``) edge (a row is read
once for all its recipients, and rows that share a scenario name keep their own:
巽风's three 订单交付 rows, one realigned, differ by recipient). Where one edge stands
for flows read differently, nothing is dropped: qualifiers are united, and
:func:`registry.edges.merged_reading` keeps the least sure reading and every note.

>>> from registry import open_registry
>>> G = build_graph(open_registry())
>>> G.nodes["field:身份证号码"]["sensitive"]
True
"""

from __future__ import annotations

import sys
from typing import Any

import networkx as nx

from lineage import ids
from lineage.flows import FLOWS_BY_APP, MEMBERS_INDEX
from registry.edges import fold_flows
from registry.model import Channel, Policy, Registry
from registry.vocabulary import load_vocabulary


def build_graph(reg: Registry, *, app: str | None = None) -> nx.MultiDiGraph:
    """The lineage graph of a registry (or of one app in it)."""
    G = nx.MultiDiGraph(apps={})
    for name in [app] if app else reg.apps:
        add_policy(G, reg.policies[name])
    _vocabulary_hierarchy(G)
    return G


def _ensure_field(G: nx.MultiDiGraph, name: str) -> str:
    """The node of a field, added from the vocabulary if no policy has it yet."""
    n = ids.field_id(name)
    if not G.has_node(n):
        e = load_vocabulary().fields.get(name)
        G.add_node(n, kind=ids.FIELD, name=name, category=e.category if e else None,
                   sensitive=bool(e and e.sensitive), resolved=e is not None)
    return n


def _vocabulary_hierarchy(G: nx.MultiDiGraph) -> None:
    vocab = load_vocabulary()
    for node, data in list(G.nodes(data=True)):
        if data.get("kind") != ids.FIELD:
            continue
        entry = vocab.fields.get(data["name"])
        child = node
        while entry is not None and entry.parent:
            parent = _ensure_field(G, entry.parent)
            if not G.has_edge(child, parent, key=ids.MEMBER_OF):
                add_member_of(G, child, parent, ids.MEMBER_OF, app=None, source="vocabulary")
            child, entry = parent, vocab.fields.get(entry.parent)


def add_member_of(G: nx.MultiDiGraph, child: str, parent: str, key: str, **attrs: Any) -> None:
    """A member_of edge, and the group hierarchy index (a field node also has an edge per row)."""
    G.add_edge(child, parent, key=key, kind=ids.MEMBER_OF, **attrs)
    index = G.graph.setdefault(MEMBERS_INDEX, {"up": {}, "down": {}})
    ups = index["up"].setdefault(child, [])
    if parent not in ups:
        ups.append(parent)
    downs = index["down"].setdefault(parent, [])
    if child not in downs:
        downs.append(child)


def add_policy(G: nx.MultiDiGraph, p: Policy) -> None:
    """Add one app's policy to the graph."""
    app = p.app
    a = ids.app_id(app)
    G.graph["apps"][app] = {
        "controller": p.controller, "file": p.source.file, "sha256": p.source.sha256,
        "imported_at": p.source.imported_at,
    }
    G.add_node(a, kind=ids.APP, name=app, controller=p.controller, file=p.source.file,
               sha256=p.source.sha256, imported_at=p.source.imported_at)
    if p.controller:
        c = ids.controller_id(p.controller)
        G.add_node(c, kind=ids.CONTROLLER, name=p.controller)
        G.add_edge(c, a, key=f"{ids.OPERATES}|{app}", kind=ids.OPERATES, app=app)
    for f in p.fields:
        n = ids.field_id(f.name)
        if not G.has_node(n):
            G.add_node(n, kind=ids.FIELD, name=f.name, category=f.category, sensitive=f.sensitive,
                       resolved=f.resolved)
    groups = {(f.name, f.parent) for f in p.fields if f.parent}
    groups |= {(fl.field, fl.implied_via) for fl in p.flows if fl.implied_via}
    for child, parent in sorted(groups):  # a field may sit in several groups
        _ensure_field(G, parent)
        add_member_of(G, ids.field_id(child), ids.field_id(parent), sys.intern(f"{ids.MEMBER_OF}|{app}"),
                       app=app, source="policy")
    for r in p.recipients:
        n = ids.recipient_id(r.name)
        if not G.has_node(n):
            G.add_node(n, kind=ids.RECIPIENT, name=r.name, recipient_kind=r.kind.value,
                       legal_entity=r.legal_entity, resolution=r.resolution,
                       onward_of=r.onward_of, contact=r.contact, as_written=tuple(r.as_written))
        else:
            node = G.nodes[n]
            node["as_written"] = tuple(dict.fromkeys((*node["as_written"], *r.as_written)))
    for s in p.scenarios:
        n = ids.scenario_id(app, s.name)
        G.add_node(n, kind=ids.SCENARIO, app=app, name=s.name, purpose=s.purpose,
                   frequency=s.frequency, ev=s.evidence)
        G.add_edge(a, n, key=ids.DISCLOSES, kind=ids.DISCLOSES, app=app)
    for s in p.sdks:
        n = ids.sdk_id(app, s.name)
        G.add_node(n, kind=ids.SDK, app=app, name=s.name, provider=s.provider, contact=s.contact,
                   policy_url=s.policy_url, function=s.function, need=s.need, purpose=s.purpose,
                   ev=s.evidence)
        G.add_edge(a, n, key=ids.DISCLOSES, kind=ids.DISCLOSES, app=app)
    for perm in p.permissions:
        n = ids.permission_id(app, perm.name)
        if not G.has_node(n):
            G.add_node(n, kind=ids.PERMISSION, app=app, name=perm.name, platforms=(), purpose=perm.purpose,
                       ev=perm.evidence)
            G.add_edge(a, n, key=ids.DISCLOSES, kind=ids.DISCLOSES, app=app)
        node = G.nodes[n]
        node["platforms"] = tuple(dict.fromkeys((*node["platforms"], perm.platform)))
        for f in perm.fields:
            fnode = _ensure_field(G, f)
            if not G.has_edge(n, fnode, key=ids.GRANTS):  # the first platform row is the evidence
                G.add_edge(n, fnode, key=ids.GRANTS, kind=ids.GRANTS, app=app, ev=perm.evidence)
    _add_flows(G, p)


def _add_flows(G: nx.MultiDiGraph, p: Policy) -> None:
    """The flows of ``p`` as edges, folded as :func:`registry.edges.fold_flows` says."""
    app = p.app
    edges = fold_flows(p)
    index: dict[str, dict[str, list[str]]] = G.graph.setdefault(FLOWS_BY_APP, {})
    via_ids: dict[tuple[str, str], str] = {}

    def via_id(channel: str, via: str) -> str:
        v = via_ids.get((channel, via))
        if v is None:
            v = via_ids[(channel, via)] = ids.via_id(app, channel, via)
        return v

    succ = G._succ
    for fe in edges.flows:
        v = via_id(fe.channel, fe.via)
        fnode = ids.field_id(fe.field)
        key = sys.intern(f"{ids.FLOWS_INTO}|{fe.implied_via or ''}")  # one string, not one per edge
        G.add_edge(fnode, v, key=key, kind=ids.FLOWS_INTO, app=app, channel=fe.channel,
                   implied_via=fe.implied_via, as_written=fe.as_written, ev=fe.evidence)
        vias = index.setdefault(fnode, {}).setdefault(app, [])
        if v not in vias:
            vias.append(v)
        if fe.qualifiers:  # only where there are some
            succ[fnode][v][key]["qualifiers"] = fe.qualifiers
    for r in edges.received:
        v, rnode = via_id(r.channel, r.via), ids.recipient_id(r.recipient)
        G.add_edge(v, rnode, key=ids.RECEIVED_BY, kind=ids.RECEIVED_BY, app=app, channel=r.channel,
                   as_written=r.as_written, line=r.line, file=r.file, fields=r.fields)
        if r.reading:
            succ[v][rnode][ids.RECEIVED_BY].update(r.reading)
    for e in edges.entrusts:
        by_id = {via_id(*vk): fs for vk, fs in e.vias.items()}
        u, w, k = ids.recipient_id(e.base), ids.recipient_id(e.onward), f"{ids.ENTRUSTS}|{app}"
        G.add_edge(u, w, key=k, kind=ids.ENTRUSTS, app=app, vias=tuple(sorted(by_id)), line=e.line,
                   as_written=e.as_written, fields_by_via=by_id)
        if e.reading:
            succ[u][w][k].update(e.reading)


def edges_of_kind(G: nx.MultiDiGraph, node: str, kind: str, *, out: bool = True,
                  app: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """Edges of one kind leaving (or entering) a node, optionally of one app."""
    it = G.out_edges(node, data=True) if out else G.in_edges(node, data=True)
    return [(u, v, d) for u, v, d in it if d["kind"] == kind and (app is None or d.get("app") == app)]


def channel_of(node_kind: str) -> str:
    """The channel (``sharing``/``sdk``) of flows through a node of that kind."""
    return Channel.SHARING.value if node_kind == ids.SCENARIO else Channel.SDK.value


def names_graph(apps: list[str], fields: list[Any], groups: list[tuple[str, str]],
                granted: list[str]) -> nx.MultiDiGraph:
    """A graph of field names and groups only: what resolving a name across apps needs.

    Built from :func:`registry.database.field_catalogue`, it holds the field nodes and the
    member_of hierarchy the whole registry's graph would hold, without a single flow, so a
    question across a thousand apps can find its fields before reading the flows of those
    fields alone (:mod:`lineage.scoped`).
    """
    G = nx.MultiDiGraph(apps={a: {} for a in apps})
    for f in fields:
        G.add_node(ids.field_id(f.name), kind=ids.FIELD, name=f.name, category=f.category,
                   sensitive=f.sensitive, resolved=f.resolved)
    for child, parent in groups:
        _ensure_field(G, child)
        _ensure_field(G, parent)
        add_member_of(G, ids.field_id(child), ids.field_id(parent), f"{ids.MEMBER_OF}|", app=None, source="policy")
    for name in granted:
        _ensure_field(G, name)
    _vocabulary_hierarchy(G)
    return G
