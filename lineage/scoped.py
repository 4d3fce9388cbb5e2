"""Questions on a registry database that read only the rows they touch.

A registry file of a thousand apps is a SQLite database (:mod:`registry.database`).
A question about one app builds the graph of that app alone (:func:`graph_for`). A
question across apps first finds its fields among the names of every app
(:func:`registry.database.field_catalogue`, no flow read), then reads the flows of
those fields from the database's edge tables in SQL (:mod:`registry.edge_rows`) and
shapes them with the functions every backend shares (:func:`lineage.flows.record_rows`,
the sorting and dedupe of :mod:`lineage.exposure`), as the Neo4j backend does with
Cypher. A test holds every answer equal to the whole graph's on a registry of real
policies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage import exposure
from lineage.deferred import no_cycle_collection
from lineage.field_names import FieldNames
from lineage.names import Answer, FieldMatch, match_field, one_field
from registry.database import StoredPolicies
from registry.model import Registry

if TYPE_CHECKING:
    import networkx as nx

# (what a question across apps needs is imported by it: a question about one app, the common
# case of a command's start-up, loads none of it)


def graph_for(reg: Registry, app: str | None = None) -> nx.MultiDiGraph:
    """The graph of one app (its policy alone is read), or of the whole registry."""
    from lineage.graph import build_graph

    if app is None:
        return build_graph(reg)
    return build_graph(Registry({app: reg.policy(app)}))


def _names(reg: Registry) -> FieldNames:
    """Every field name of the registry and their groups (no graph: :mod:`lineage.field_names`)."""
    from lineage.field_names import field_names
    from registry.database import field_catalogue

    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    cat = field_catalogue(stored)
    return field_names(reg.apps, cat["fields"], cat["groups"], cat["granted"], cat["spellings"])


def _sources(names: FieldNames, name: str, implied: bool) -> list[tuple[str, int]]:
    """The field asked (part 0), its members (1) and its groups (2): who_receives's three walks."""
    if not implied or name not in names.fields:
        return [(name, 0)]
    return ([(name, 0)] + [(m, 1) for m in names.hierarchy(name, down=True)]
            + [(g, 2) for g in names.hierarchy(name, down=False)])


def _rows(reg: Registry, names: FieldNames, recs: list[dict[str, Any]],
          asked: str | None = None) -> list[dict[str, Any]]:
    """The rows of fetched records, with the field's and the recipient's attributes as the
    whole registry's graph has them (the first app, by name, to write them)."""
    from lineage.flows import walk_order
    from registry.edge_rows import recipient_kinds

    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    kinds = recipient_kinds(stored, {x[0] for rec in recs for x in rec["recipients"]})
    for rec in recs:
        node = names.fields.get(rec["field"], {})
        rec["category"], rec["sensitive"] = node.get("category"), bool(node.get("sensitive"))
        for x in rec["recipients"]:
            x[2] = kinds.get(x[0])
    return walk_order(recs, asked)


def who_receives(reg: Registry, field: str, *, include_implied: bool = True,
                 include_possible: bool = False) -> Answer:
    """:func:`lineage.exposure.who_receives` across every app of a stored registry.

    The answer of one field is a :class:`~lineage.deferred.DeferredAnswer`: its count, its
    ``possible`` and ``related`` and its summary per recipient come from the lean flows, its rows
    are built when read (``--json``, ``--flows``)."""
    with no_cycle_collection():
        return _who_receives(reg, field, include_implied, include_possible)


def _who_rows(reg: Registry, names: FieldNames, match: FieldMatch, include_implied: bool,
              include_possible: bool) -> Answer:
    """The rows of :func:`who_receives`, built."""
    from registry.edge_rows import field_records

    per_field = []
    for name in match.fields:
        recs = field_records(reg.policies, _sources(names, name, include_implied),  # type: ignore[arg-type]
                             implied=include_implied)
        rows = _rows(reg, names, recs, asked=name)  # (merge_answers sorts and dedupes them all)
        for r in rows:
            r["matched"] = match.matched(name)
        per_field.append(rows)
    return exposure.stated_only(Answer(exposure.merge_answers(per_field), match), include_possible)


def _who_receives(reg: Registry, field: str, include_implied: bool, include_possible: bool) -> Answer:
    from lineage.deferred import DeferredAnswer
    from lineage.related import explain
    from registry.edge_rows import field_flows, ordered_flows, permission_grants, recipient_counts

    names = _names(reg)
    match: FieldMatch = match_field(names.index, field)
    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    wider = None if include_implied else lambda: who_receives(reg, field)
    grants, counts = (lambda: permission_grants(stored)), (lambda fields: recipient_counts(stored, fields))
    if len(match.fields) != 1:  # several fields: merge_answers weighs their rows against each other
        answer = _who_rows(reg, names, match, include_implied, include_possible)
        return explain(answer, names.index, grants, counts, wider=wider)
    name = match.fields[0]
    flows = field_flows(stored, _sources(names, name, include_implied), implied=include_implied)
    flows = ordered_flows(flows)
    stated = flows if include_possible else [f for f in flows if f[5] != exposure.POSSIBLE]
    shown = Answer([{"field": f} for f in dict.fromkeys(f[4] for f in stated)], match)
    shown.possible = 0 if include_possible else len(flows) - len(stated)
    explain(shown, names.index, grants, counts, wider=wider)  # (it reads each row's field only)
    if not stated:
        return shown
    answer = DeferredAnswer(
        len(stated), lambda: _built(lambda: _who_rows(reg, names, match, include_implied, include_possible)),
        lambda per_app, evidence: _summary(reg, names, stated, per_app, evidence), match)
    answer.possible, answer.why, answer.related = shown.possible, shown.why, shown.related
    return answer


def _built(build: Any) -> list[dict[str, Any]]:
    with no_cycle_collection():
        return list(build())


def _summary(reg: Registry, names: FieldNames, flows: list[tuple[Any, ...]], per_app: bool,
             evidence: bool) -> list[dict[str, Any]]:
    """:func:`lineage.summary.by_recipient` of the rows the lean ``flows`` stand for."""
    from lineage.summary import lean_summary_rows, summarize
    from registry.edge_rows import evidence_places, recipient_kinds

    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    kinds = recipient_kinds(stored, {f[3] for f in flows})
    sensitive = {n: names.sensitive(n) for n in {f[4] for f in flows}}
    places = evidence_places(stored, ((f[16], f[17]) for f in flows)) if evidence else {}
    with no_cycle_collection():
        return summarize(lean_summary_rows(flows, kinds, sensitive, places), per_app=per_app, evidence=evidence)


def recipients_by_apps(reg: Registry, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """:func:`lineage.exposure.recipients_by_apps` of a stored registry."""
    with no_cycle_collection():
        return _recipients_by_apps(reg, field, limit)


def _recipients_by_apps(reg: Registry, field: str, limit: int | None) -> list[dict[str, Any]]:
    from registry.edge_rows import recipient_apps, recipient_kinds

    names = _names(reg)
    name = one_field(match_field(names.index, field))
    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    apps: dict[str, set[str]] = {}
    for app, recipient in recipient_apps(stored, name):
        apps.setdefault(recipient, set()).add(app)
    kinds = recipient_kinds(stored, apps)
    rows = [{"recipient": r, "kind": kinds.get(r), "apps": len(a), "app_list": sorted(a)} for r, a in apps.items()]
    rows.sort(key=lambda r: (-r["apps"], r["recipient"]))
    return rows[:limit] if limit else rows


def sensitive_to_unnamed(reg: Registry) -> list[dict[str, Any]]:
    """:func:`lineage.exposure.sensitive_to_unnamed` across every app of a stored registry: a
    :class:`~lineage.deferred.DeferredAnswer`, summarized per app and recipient from the lean
    flows, its rows built when read."""
    with no_cycle_collection():
        return _sensitive_to_unnamed(reg)


def _sensitive_to_unnamed(reg: Registry) -> list[dict[str, Any]]:
    from lineage.deferred import DeferredAnswer
    from lineage.exposure import dedupe_rows
    from lineage.flows import sort_rows
    from registry.edge_rows import ordered_flows, recipient_kinds, unnamed_flows, unnamed_records

    names = _names(reg)
    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    sensitive = [n for n, d in names.fields.items() if d["sensitive"]]
    unnamed = [n for n, k in recipient_kinds(stored).items() if k in exposure.NO_ENTITY_KINDS]
    flows = ordered_flows(unnamed_flows(stored, sensitive, unnamed))

    def build() -> list[dict[str, Any]]:
        return dedupe_rows(sort_rows(_rows(reg, names, unnamed_records(stored, sensitive, unnamed))))

    return DeferredAnswer(len(flows), lambda: _built(build),
                          lambda per_app, evidence: _summary(reg, names, flows, per_app, evidence))
