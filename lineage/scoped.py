"""Questions on a registry database that read only the rows they touch.

A registry file of a thousand apps is a SQLite database (:mod:`registry.database`).
A question about one app builds the graph of that app alone (:func:`graph_for`). A
question across apps first finds its fields among the names of every app
(:func:`registry.database.field_catalogue`, no flow read), then reads the flows of
those fields, their groups and members only (:func:`registry.database.flows_subset`),
builds the graph of that subset and asks it the same question the whole graph would
be asked (:mod:`lineage.exposure`): the rows are the same, the work is the subset's.
A test holds every answer equal to the whole graph's on a registry of real policies.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from lineage import exposure, ids
from lineage.graph import add_member_of, build_graph, names_graph
from lineage.names import Answer, FieldMatch, field_index, resolve_fields
from registry.database import StoredPolicies, field_catalogue, flows_subset, placeholders
from registry.model import Registry


def is_stored(reg: Registry) -> bool:
    """True if ``reg`` reads its policies from a database as they are asked for."""
    return isinstance(reg.policies, StoredPolicies)


def graph_for(reg: Registry, app: str | None = None) -> nx.MultiDiGraph:
    """The graph of one app (its policy alone is read), or of the whole registry."""
    if app is None:
        return build_graph(reg)
    return build_graph(Registry({app: reg.policy(app)}))


def _names(reg: Registry) -> nx.MultiDiGraph:
    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    cat = field_catalogue(stored)
    G = names_graph(reg.apps, cat["fields"], cat["groups"], cat["granted"])
    index = field_index(G)
    index._spellings = cat["spellings"]
    return G


def _closure(G: nx.MultiDiGraph, names: list[str]) -> set[str]:
    out = set(names)
    for n in names:
        node = ids.field_id(n)
        if G.has_node(node):
            for down in (True, False):
                out |= {G.nodes[m]["name"] for m in exposure._hierarchy(G, node, down=down)}
    return out


def _subset_graph(reg: Registry, names: nx.MultiDiGraph, where: str, params: list[Any],
                  fields: set[str]) -> nx.MultiDiGraph:
    """The graph of the selected flows, with the names graph's hierarchy among ``fields``."""
    assert isinstance(reg.policies, StoredPolicies)
    G = build_graph(flows_subset(reg.policies, where, params, fields=fields))
    for n in fields:
        u = ids.field_id(n)
        if not names.has_node(u):
            continue
        for _, v, k, d in names.out_edges(u, keys=True, data=True):
            if d["kind"] != ids.MEMBER_OF:
                continue
            for x in (u, v):
                if not G.has_node(x):
                    G.add_node(x, **names.nodes[x])
            if not any(e["kind"] == ids.MEMBER_OF for e in G.get_edge_data(u, v, default={}).values()):
                add_member_of(G, u, v, k, **{a: x for a, x in d.items() if a != "kind"})
    return G


def _fields_graph(reg: Registry, names: nx.MultiDiGraph, match_fields: list[str]) -> nx.MultiDiGraph:
    wanted = _closure(names, match_fields)
    sql, params = placeholders(sorted(wanted))
    return _subset_graph(reg, names, f"f.field IN {sql} OR f.implied_via IN {sql}", params * 2, wanted)


def who_receives(reg: Registry, field: str, *, include_implied: bool = True,
                 include_possible: bool = False) -> Answer:
    """:func:`lineage.exposure.who_receives` across every app of a stored registry."""
    names = _names(reg)
    match: FieldMatch = resolve_fields(names, field)
    G = _fields_graph(reg, names, list(match.fields))
    return exposure.rows_for_match(G, match, include_implied=include_implied, include_possible=include_possible)


def recipients_by_apps(reg: Registry, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """:func:`lineage.exposure.recipients_by_apps` of a stored registry."""
    names = _names(reg)
    name = exposure.resolve_field_name(names, field)
    G = _subset_graph(reg, names, "f.field = ?", [name], {name})
    if not G.has_node(ids.field_id(name)):
        return []
    return exposure.recipients_by_apps(G, name, limit=limit)


def sensitive_to_unnamed(reg: Registry) -> list[dict[str, Any]]:
    """:func:`lineage.exposure.sensitive_to_unnamed` across every app of a stored registry."""
    names = _names(reg)
    sensitive = sorted(d["name"] for _, d in names.nodes(data=True) if d["kind"] == ids.FIELD and d.get("sensitive"))
    kinds, kparams = placeholders(exposure.UNNAMED_KINDS)
    fsql, fparams = placeholders(sensitive)
    # an onward processor's rows hang off its principal's (…及其委托的外包服务机构): read both
    where = (f"f.field IN {fsql} AND EXISTS (SELECT 1 FROM recipients r WHERE r.app_id = f.app_id "
             f"AND (r.name = f.recipient AND r.kind IN {kinds} OR r.onward_of = f.recipient))")
    G = build_graph(flows_subset(reg.policies, where, fparams + kparams))  # type: ignore[arg-type]
    return exposure.sensitive_to_unnamed(G)
