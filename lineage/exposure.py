"""Exposure questions: who receives a field, what a recipient gets, rankings.

>>> from registry import open_registry
>>> from lineage.graph import build_graph
>>> G = build_graph(open_registry())
>>> rows = who_receives(G, "身份证号")
>>> "百行征信有限公司" in {r["recipient"] for r in rows}
True
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from lineage import ids
from lineage.flows import (
    MEMBERS_INDEX,
    ROW_ORDER,
    FlowRef,
    flow_row,
    flows_from_field,
    iter_flows,
    recipients_of_via,
    sort_rows,
)
from lineage.names import (
    Answer,
    FieldMatch,
    categories,
    check_app,
    field_index,
    resolve_category,
    resolve_field_name,
    resolve_fields,
    resolve_recipient,
    resolve_recipients,
)
from lineage.related import explain
from registry.model import NO_ENTITY_KINDS

if TYPE_CHECKING:
    import networkx as nx


def _hierarchy(G: nx.MultiDiGraph, fnode: str, *, down: bool) -> list[str]:
    """Members below a group (down) or groups above a field (up), nearest first."""
    out: list[str] = []
    frontier = [fnode]
    adj = G._pred if down else G._succ
    # a field node's neighbours are mostly the scenarios and SDKs of every app: read the
    # hierarchy index (lineage.graph) where there is one, and check its edges still exist
    index = G.graph.get(MEMBERS_INDEX, {}).get("down" if down else "up")
    while frontier:
        nxt = []
        for n in frontier:
            near = adj[n]
            cands = (((o, near[o]) for o in index.get(n, ()) if o in near) if index is not None
                     else near.items())
            for other, keys in cands:
                if (other not in out and other != fnode
                        and any(d["kind"] == ids.MEMBER_OF for d in keys.values())):
                    out.append(other)
                    nxt.append(other)
        frontier = nxt
    return out


def members(G: nx.MultiDiGraph, field: str) -> list[str]:
    """Names of the fields below a group, in the vocabulary or in any policy's rows."""
    return sorted(G.nodes[n]["name"] for n in _hierarchy(G, ids.field_id(resolve_field_name(G, field)), down=True))


def who_receives(
    G: nx.MultiDiGraph, field: str, *, app: str | None = None, include_implied: bool = True,
    include_possible: bool = False,
) -> Answer:
    """Every recipient of a field, one row per (field, recipient, scenario or SDK).

    ``field`` is what a person types (see :mod:`lineage.names`): a name, an alias, part
    of a field as written, or a list; the answer covers every field it matched, and
    each row's ``matched`` is the text as written it was matched by (the field's name
    for an exact match). The returned list's ``match`` attribute is the
    :class:`~lineage.names.FieldMatch`.

    ``relation`` says how the row reaches the field asked:

    * ``explicit``: the field is written in the row;
    * ``implied``: the row lists it inside a group (``设备信息（包括…IMEI…）``),
      ``implied_via`` names the group;
    * ``member``: the field asked is a group, and the row is a flow of one of
      its members (asking 设备信息 lists IMEI's flows);
    * ``group`` (only with ``include_possible=True``): the row shares a group
      without listing members, and the vocabulary puts the field asked in that
      group (``implied_via`` is the group). The document does not say the field
      goes there: the recipient *may* get it. These rows are left out unless asked
      for, so that an answer lists only what the policy states;
      :func:`possible_count` says how many were left out.

    With ``include_implied=False`` only explicit rows are returned.

    An answer with no rows says why and lists the related fields that have recipients
    (``why`` and ``related``: :func:`lineage.related.explain`); one with rows lists in
    ``related`` the wholes the field is part of.
    """
    check_app(G, app)
    match = resolve_fields(G, field)
    rows = rows_for_match(G, match, app=app, include_implied=include_implied, include_possible=include_possible)
    return explain(rows, field_index(G), lambda: permission_grants(G, app),
                   lambda names: recipient_counts(G, names, app), app=app,
                   wider=None if include_implied else lambda: rows_for_match(G, match, app=app))


def recipient_counts(G: nx.MultiDiGraph, names: list[str], app: str | None = None) -> dict[str, int]:
    """How many recipients each field's own flows reach (of ``app``): what a related field shows."""
    out = {}
    for n in names:
        node = ids.field_id(n)
        if G.has_node(node):
            out[n] = len({ref.recipient for ref in flows_from_field(G, node, app)})
    return out


def permission_grants(G: nx.MultiDiGraph, app: str | None = None) -> list[tuple[str, str]]:
    """(permission, field) for every field a permission row (of ``app``) collects."""
    out = set()
    for n, d in G.nodes(data=True):
        if d["kind"] == ids.PERMISSION and (app is None or d.get("app") == app):
            out |= {(d["name"], G.nodes[f]["name"]) for _, f, e in G.out_edges(n, data=True)
                    if e["kind"] == ids.GRANTS}
    return sorted(out)


def rows_for_match(G: nx.MultiDiGraph, match: FieldMatch, *, app: str | None = None,
                   include_implied: bool = True, include_possible: bool = False) -> Answer:
    """who_receives for fields already resolved (:func:`lineage.names.resolve_fields`)."""
    per_field = [_who_one(G, name, match.matched(name), app, include_implied) for name in match.fields]
    return stated_only(Answer(merge_answers(per_field), match), include_possible)


POSSIBLE = "group"
"""The relation of a row inferred from the vocabulary's groups, not stated by the policy."""


def stated_only(rows: Answer, include_possible: bool) -> Answer:
    """The rows the policy states, the vocabulary's inferences (relation ``group``) kept aside.

    Shared by both backends. The result's ``possible`` attribute counts the rows left
    out, so that the CLI can say so (an answer never hides rows silently).
    """
    if include_possible:
        return rows
    kept = Answer([r for r in rows if r["relation"] != POSSIBLE], rows.match)
    kept.possible = len(rows) - len(kept)
    return kept


def _who_one(G: nx.MultiDiGraph, name: str, matched: str, app: str | None,
             include_implied: bool) -> list[dict[str, Any]]:
    fnode = ids.field_id(name)
    rows: list[dict[str, Any]] = []
    if G.has_node(fnode):
        for ref in flows_from_field(G, fnode, app):
            row = flow_row(G, ref, asked=name)
            if include_implied or row["relation"] == "explicit":
                rows.append(row)
        if include_implied:
            for m in _hierarchy(G, fnode, down=True):
                rows.extend(flow_row(G, ref, relation="member", asked=name)
                            for ref in flows_from_field(G, m, app))
            for g in _hierarchy(G, fnode, down=False):
                gname = G.nodes[g]["name"]
                for ref in flows_from_field(G, g, app):
                    if ref.flow_edge["implied_via"] is not None:
                        continue
                    if _lists_members(G, ref.via, gname):  # members listed, the field not among them
                        continue
                    row = flow_row(G, ref, relation="group", asked=name)
                    row["implied_via"] = gname
                    rows.append(row)
    for r in rows:
        r["matched"] = matched
    return rows


RELATION_RANK = {"explicit": 0, "implied": 0, "member": 1, "group": 2}


def merge_answers(per_field: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows of the fields one query matched, sorted and deduplicated (shared with Neo4j).

    One field: its rows as they always were. Several: a flow that one matched field
    reaches directly is not repeated as the ``member`` or ``group`` row of another
    (asking ``设备`` matches 设备信息 and IMEI: IMEI's flows stay IMEI's own rows).
    """
    rows = dedupe_rows(flow_order([r for rs in per_field for r in rs]))
    if len(per_field) < 2:
        return rows
    best: dict[tuple[Any, ...], int] = {}
    for r in rows:
        k = _flow_key(r)
        best[k] = min(best.get(k, 9), RELATION_RANK.get(r["relation"], 0))
    return [r for r in rows if RELATION_RANK.get(r["relation"], 0) == best[_flow_key(r)]]


_ROW_KEY = itemgetter(*ROW_ORDER)


def flow_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`lineage.flows.sort_rows`, four times faster where every key is text (always, for
    the rows of a question: app, channel, via, recipient, field, relation); the same order, as
    both compare the same strings. A row with another type (None) falls back to sort_rows.

    >>> flow_order([{k: "b" for k in ROW_ORDER}, {k: "a" for k in ROW_ORDER}])[0]["app"]
    'a'
    """
    try:
        return sorted(rows, key=_ROW_KEY)
    except TypeError:
        return sort_rows(rows)


def _flow_key(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["app"], r["field"], r["field_as_written"], r["channel"], r["via"], r["recipient"],
            r["onward_of"])


def _lists_members(G: nx.MultiDiGraph, via: str, group: str) -> bool:
    return any(e["kind"] == ids.FLOWS_INTO and e["implied_via"] == group
               for _, _, e in G.in_edges(via, data=True))


def dedupe_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in order, each flow once (shared by both backends)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in rows:
        key = (r["app"], r["field"], r["channel"], r["via"], r["recipient"], r["relation"], r["implied_via"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def fields_of(G: nx.MultiDiGraph, recipient: str, *, app: str | None = None, brand: bool = False) -> Answer:
    """What one recipient receives, across scenarios and SDKs, sensitive fields first.

    ``recipient`` may be part of a name when only one recipient has it (see
    :mod:`lineage.names`); each row's ``matched`` is the name or spelling matched, and
    the returned list's ``match`` attribute the :class:`~lineage.names.RecipientMatch`.

    With ``brand=True`` (the question as a person asks it: ``fields-of 腾讯``), a brand names
    every recipient of the brand (:func:`lineage.names.resolve_recipients`), and the answer is
    what all of them receive (in ``app``, if given), each row naming its ``recipient``; without
    it (a caller holding one recipient's name), a brand of several is ambiguous. Names resolve
    among every recipient of the graph: one that ``app`` does not share with has no rows.
    """
    check_app(G, app)
    match = resolve_recipients(G, recipient) if brand else resolve_recipient(G, recipient)
    rows = [r for name in match.names for r in _fields_of_one(G, name, app)]
    return Answer(sort_fields_of(dedupe_rows(rows), match.written), match)


def _fields_of_one(G: nx.MultiDiGraph, name: str, app: str | None) -> list[dict[str, Any]]:
    rnode = ids.recipient_id(name)
    rows: list[dict[str, Any]] = []
    sources: list[tuple[str, str | None]] = []  # (via node, entrusting recipient)
    for u, _, d in G.in_edges(rnode, data=True):
        if app is not None and d.get("app") != app:
            continue
        if d["kind"] == ids.RECEIVED_BY:
            sources.append((u, None))
        elif d["kind"] == ids.ENTRUSTS:
            sources.extend((v, u) for v in d["vias"])
    for via, base in dict.fromkeys(sources):
        for f, _, fe in G.in_edges(via, data=True):
            if fe["kind"] != ids.FLOWS_INTO:
                continue
            fname = G.nodes[f]["name"]
            for r, re_, b in recipients_of_via(G, via, fname):
                if r == rnode and b == base:
                    rows.append(flow_row(G, FlowRef(f, via, r, fe, re_, b)))
    return rows


def sort_fields_of(rows: list[dict[str, Any]], matched: str) -> list[dict[str, Any]]:
    """fields_of's order (sensitive first), each row marked with the text matched (shared with Neo4j)."""
    for r in rows:
        r["matched"] = matched
    return sorted(rows, key=lambda r: (not r["sensitive"], r["field"], r["app"], r["channel"], r["via"],
                                       r["relation"], r["recipient"]))


def exposure(
    G: nx.MultiDiGraph,
    *,
    app: str | None = None,
    category: str | None = None,
    sensitive: bool | None = None,
    channel: str | None = None,
    limit: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Fields ranked by how many recipients receive them; recipients by sensitive fields.

    Explicit and implied flows count; a group's bare flows do not count for its members. A
    category neither the vocabulary nor the graph knows is an UnknownNameError with
    did-you-mean (:func:`lineage.names.resolve_category`), never an empty ranking.
    """
    check_app(G, app)
    category = resolve_category(category, categories(G))
    per_field: dict[str, set[str]] = defaultdict(set)
    field_apps: dict[str, set[str]] = defaultdict(set)
    field_vias: dict[str, set[str]] = defaultdict(set)
    per_recipient: dict[str, set[str]] = defaultdict(set)
    recipient_apps: dict[str, set[str]] = defaultdict(set)
    for ref in iter_flows(G, app):
        fe = ref.flow_edge
        if channel is not None and fe["channel"] != channel:
            continue
        f = G.nodes[ref.field]
        if category is not None and f.get("category") != category:
            continue
        if sensitive is not None and bool(f.get("sensitive")) != sensitive:
            continue
        per_field[ref.field].add(ref.recipient)
        field_apps[ref.field].add(fe["app"])
        field_vias[ref.field].add(ref.via)
        per_recipient[ref.recipient].add(ref.field)
        recipient_apps[ref.recipient].add(fe["app"])
    fields = []
    for fnode, recips in per_field.items():
        f = G.nodes[fnode]
        kinds = [G.nodes[r]["recipient_kind"] for r in recips]
        fields.append({
            "field": f["name"], "category": f.get("category"), "sensitive": bool(f.get("sensitive")),
            "recipients": len(recips),
            "unnamed": sum(k == "unnamed" for k in kinds),
            "onward": sum(k == "onward" for k in kinds),
            "brand": sum(k == "brand" for k in kinds),
            "apps": len(field_apps[fnode]),
            "scenarios": sum(G.nodes[v]["kind"] == ids.SCENARIO for v in field_vias[fnode]),
            "sdks": sum(G.nodes[v]["kind"] == ids.SDK for v in field_vias[fnode]),
        })
    recipients = [
        recipient_ranking_row(G.nodes[rnode]["name"], G.nodes[rnode]["recipient_kind"],
                              [G.nodes[f]["name"] for f in fset if G.nodes[f].get("sensitive")],
                              len(fset), len(recipient_apps[rnode]))
        for rnode, fset in per_recipient.items()
    ]
    return ranked(fields, recipients, limit)


def recipient_ranking_row(name: str, kind: str, sensitive: list[str], fields: int, apps: int) -> dict[str, Any]:
    """One row of :func:`exposure`'s recipient ranking (shared with the Neo4j backend)."""
    sens = sorted(sensitive)
    return {"recipient": name, "kind": kind, "sensitive_fields": len(sens), "fields": fields, "apps": apps,
            "sensitive": sens}


def ranked(fields: list[dict[str, Any]], recipients: list[dict[str, Any]],
           limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """:func:`exposure`'s two rankings, sorted, numbered from 1 and cut to ``limit`` (shared with Neo4j).

    Fields by how many recipients get them (sensitive first on a tie), recipients by how many
    sensitive fields they get, then how many fields.
    """
    fields.sort(key=lambda r: (-r["recipients"], not r["sensitive"], r["field"]))
    recipients.sort(key=lambda r: (-r["sensitive_fields"], -r["fields"], r["recipient"]))
    for rows in (fields, recipients):
        for i, row in enumerate(rows, 1):
            row["rank"] = i
    if limit:
        fields, recipients = fields[:limit], recipients[:limit]
    return {"fields": fields, "recipients": recipients}


def recipients_by_apps(G: nx.MultiDiGraph, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Cross-app: the recipients of a field, ranked by how many apps give it to them."""
    name = resolve_field_name(G, field)
    fnode = ids.field_id(name)
    apps: dict[str, set[str]] = defaultdict(set)
    if G.has_node(fnode):
        for ref in flows_from_field(G, fnode):
            apps[ref.recipient].add(ref.flow_edge["app"])
    rows = [
        {"recipient": G.nodes[r]["name"], "kind": G.nodes[r]["recipient_kind"], "apps": len(a),
         "app_list": sorted(a)}
        for r, a in apps.items()
    ]
    rows.sort(key=lambda r: (-r["apps"], r["recipient"]))
    return rows[:limit] if limit else rows


def sensitive_to_unnamed(G: nx.MultiDiGraph, *, app: str | None = None) -> list[dict[str, Any]]:
    """Cross-app: which apps share sensitive fields with recipients that no legal entity names
    (:data:`NO_ENTITY_KINDS`: unnamed, onward processors, brands left unresolved); each row's
    ``recipient_kind`` says which."""
    check_app(G, app)
    rows = []
    for ref in iter_flows(G, app):
        f = G.nodes[ref.field]
        r = G.nodes[ref.recipient]
        if f.get("sensitive") and r["recipient_kind"] in NO_ENTITY_KINDS:
            rows.append(flow_row(G, ref))
    return dedupe_rows(sort_rows(rows))
