"""The questions in Cypher: the same traversals as :mod:`lineage.exposure` and :mod:`lineage.paths`.

Why a module of its own: the Cypher here mirrors, clause by clause, the networkx
walks of :mod:`lineage.flows` (field -FLOWS_INTO-> scenario/SDK -RECEIVED_BY->
recipient, then -ENTRUSTS-> onward processors of the same app and via, with the
``fields`` / ``fields_by_via`` subsets), so that a change to one is easy to carry
to the other; the parity tests hold them together.

Every query takes ``$hidden``: the apps whose push is not complete. Their
relationships are skipped and nodes held only by them are invisible, so a
half-written app is never served. Query texts are constants; values (names,
apps, filters) are always parameters. Records come back raw and are shaped by
:func:`lineage.flows.record_rows`, as the registry database's SQL records are.
"""

from __future__ import annotations

from typing import Any

from lineage.backends.neo4j.schema import SEP

# the apps whose push is not complete, and whether the app asked for is complete
STATE = (
    "OPTIONAL MATCH (h:App) WHERE coalesce(h.push_complete, false) = false "
    "WITH collect(h.name) AS hidden "
    "OPTIONAL MATCH (a:App {key: $app_key}) "
    "RETURN hidden, coalesce(a.push_complete, false) AS app_ok"
)
COMPLETE_APPS = "MATCH (a:App) WHERE a.push_complete = true RETURN a.name AS name"

VISIBLE = "any(x IN n.in_apps WHERE NOT x IN $hidden)"
FIELD_EXISTS = f"MATCH (n:Field {{key: $key}}) WHERE {VISIBLE} RETURN n.name AS name"
FIELD_NAMES = f"MATCH (n:Field) WHERE {VISIBLE} RETURN n.name AS name"
RECIPIENT_EXISTS = f"MATCH (n:Recipient {{key: $key}}) WHERE {VISIBLE} RETURN n.name AS name"
RECIPIENT_NAMES = f"MATCH (n:Recipient) WHERE {VISIBLE} RETURN n.name AS name, n.as_written AS as_written"
# the recipients of one app (lineage.names.resolve_recipient with an app)
RECIPIENT_NAMES_IN_APP = (f"MATCH (n:Recipient) WHERE $app IN n.in_apps AND {VISIBLE} "
                          "RETURN n.name AS name, n.as_written AS as_written")
# the SDKs and the recipients they send to (a brand's recipients: lineage.names.sdk_recipients)
SDK_RECIPIENTS = ("MATCH (s:Sdk)-[e:RECEIVED_BY]->(r:Recipient) "
                  "WHERE NOT e.app IN $hidden AND ($app IS NULL OR e.app = $app) "
                  "RETURN DISTINCT s.name AS sdk, r.name AS recipient")
CATEGORY_NAMES = (f"MATCH (n:Field) WHERE n.category IS NOT NULL AND {VISIBLE} "
                  "RETURN DISTINCT n.category AS category")

# a relationship of an app that is visible (and of the app asked for, if any)
_IN_SCOPE = "(CASE WHEN $app IS NULL THEN NOT {r}.app IN $hidden ELSE {r}.app = $app END)"


HIER_DEPTH = 8   # deeper hierarchies (none so far: the vocabulary's is 3) fall back to the edges


def _walk(prop: str, depth: int = HIER_DEPTH) -> str:
    """Breadth-first over the fields' ``hier_up``/``hier_down`` lists (see lineage.backends.neo4j.push):
    what lineage.exposure._hierarchy finds over every MEMBER_OF edge, without reading the one
    edge per app and pair that the edges are."""
    q = "WITH f, [f.key] AS seen, [f.key] AS frontier "
    for _ in range(depth):
        q += ("CALL (frontier, seen) { UNWIND frontier AS k MATCH (x:Field {key: k}) "
              f"UNWIND coalesce(x.{prop}, []) AS c WITH DISTINCT c WHERE NOT c IN seen "
              "RETURN collect(c) AS nxt } "
              "WITH f, seen + nxt AS seen, nxt AS frontier ")
    return q + "RETURN [k IN seen WHERE k <> f.key] AS keys, size(frontier) > 0 AS deeper"


# members (below) and groups (above) of a field, when every app is complete
HIERARCHY = (
    "MATCH (f:Field {key: $key}) "
    f"CALL (f) {{ {_walk('hier_down')} }} WITH f, keys AS members, deeper AS d1 "
    f"CALL (f) {{ {_walk('hier_up')} }} "
    "RETURN members, keys AS groups, d1 OR deeper AS deeper"
)
# the same over the edges, skipping those of apps whose push is not complete
HIERARCHY_EDGES = (
    "MATCH (f:Field {key: $key}) "
    "CALL (f) { OPTIONAL MATCH (f)<-[ms:MEMBER_OF*1..]-(m:Field) "
    "  WHERE m <> f AND all(x IN ms WHERE x.app IS NULL OR NOT x.app IN $hidden) "
    "  RETURN collect(DISTINCT m.key) AS members } "
    "CALL (f) { OPTIONAL MATCH (f)-[gs:MEMBER_OF*1..]->(g:Field) "
    "  WHERE g <> f AND all(x IN gs WHERE x.app IS NULL OR NOT x.app IN $hidden) "
    "  RETURN collect(DISTINCT g.key) AS groups } "
    "RETURN members, groups, false AS deeper"
)


# The recipients of a via v, collected once per via: lineage.flows.recipients_of_via without the
# field, which is applied per flow by _FOR_FIELD (``rf``: the RECEIVED_BY edge's subset, ``ef``:
# the ENTRUSTS edge's subset for this via; null = every field). The onward processors are found
# by an index seek on ENTRUSTS.app, not by expanding a popular recipient's thousand ENTRUSTS.
_VIA_RECIPIENTS = (
    "CALL (v) { "
    "  MATCH (v)-[re:RECEIVED_BY]->(to:Recipient) "
    "  RETURN collect({e: re, to: to, base: null, rseq: re.seq, onward: 0, rf: re.fields, ef: null}) "
    "         AS direct "
    "} "
    "CALL (v) { "
    "  MATCH (v)-[re:RECEIVED_BY]->(b:Recipient) "
    "  WITH v, re, b, re.app AS app "
    "  CALL (v, b, app) { "
    "    MATCH (x)-[e:ENTRUSTS]->(to:Recipient) USING INDEX e:ENTRUSTS(app) "
    "    WHERE e.app = app AND x = b AND v.key IN e.vias "
    "    RETURN e, to "
    "  } "
    "  RETURN collect({e: e, to: to, base: b, rseq: re.seq, onward: 1, rf: re.fields, "
    "    ef: CASE WHEN v.key IN e.all_fields_vias THEN null "
    "        ELSE [p IN e.via_field_pairs WHERE p STARTS WITH v.key + $sep | substring(p, size(v.key) + 1)] "
    "        END}) AS onward "
    "} "
)
# the recipients (in rs) that get field src
_FOR_FIELD = "[x IN rs WHERE (x.rf IS NULL OR src.name IN x.rf) AND (x.ef IS NULL OR src.name IN x.ef)]"

# One record per flow edge (field -> via), its recipients nested: a via's recipients share the
# edge's columns (the evidence text above all), which would otherwise travel once per recipient.
# (x.e: the RECEIVED_BY edge, or ENTRUSTS for an onward processor; its form, confidence and note
# are set only where they are not the defaults, as on the networkx edge: lineage.graph)
_RECIPIENT = ("[x.to.name, x.e.as_written, x.to.recipient_kind, x.base.name, x.e.line, x.rseq, x.onward, x.e.seq, "
              "x.e.form, x.e.confidence, x.e.note]")
_HIT = (
    "RETURN fe.app AS app, src.name AS field, fe.as_written AS field_as_written, "
    "src.category AS category, coalesce(src.sensitive, false) AS sensitive, fe.channel AS channel, "
    "v.name AS via, v.purpose AS purpose, v.frequency AS frequency, v.function AS function, "
    "{implied} AS implied_via, {relation} AS relation, fe.file AS ev_file, fe.line AS ev_line, "
    "fe.evidence AS ev_text, fe.qualifiers AS qualifiers, {part} AS part, fe.seq AS fseq, "
    "{recipients} AS recipients"
)
_EXPLICIT = "CASE WHEN fe.implied_via IS NULL THEN 'explicit' ELSE 'implied' END"
_FLOW_HIT = _HIT.format(implied="fe.implied_via", part="0", relation=_EXPLICIT,
                        recipients=f"[x IN {_FOR_FIELD} | {_RECIPIENT}]")


def _who_receives(scoped: bool) -> str:
    """lineage.exposure.who_receives: the field's own flows (part 0), its members' ($members,
    part 1, relation member) and the bare flows of the groups above it ($groups) that list no
    members (part 2, relation group). ``scoped``: one app, whose flows are reached from its App
    node (a field of a thousand apps has thousands of flows; one app has a few hundred)."""
    if scoped:
        flows = ("MATCH (:App {key: $app_key})-[:DISCLOSES]->(v)<-[fe:FLOWS_INTO]-(s:Field) "
                 "UNWIND [h IN srcs WHERE h[0] = s] AS h ")
    else:
        flows = ("UNWIND srcs AS h WITH h, h[0] AS s "
                 "MATCH (s)-[fe:FLOWS_INTO]->(v) WHERE NOT fe.app IN $hidden ")
    return (
        "MATCH (f:Field {key: $key}) WHERE any(x IN f.in_apps WHERE NOT x IN $hidden) "
        "CALL () { UNWIND $members AS k MATCH (m:Field {key: k}) RETURN collect(m) AS members } "
        "CALL () { UNWIND $groups AS k MATCH (g:Field {key: k}) RETURN collect(g) AS groups } "
        "WITH [[f, 0]] + [m IN members | [m, 1]] + [g IN groups | [g, 2]] AS srcs "
        + flows +
        "WITH h[0] AS src, h[1] AS part, fe, v "
        "WHERE (part = 0 AND ($implied OR fe.implied_via IS NULL)) OR part = 1 "
        "   OR (part = 2 AND fe.implied_via IS NULL "
        "       AND NOT EXISTS { MATCH (v)<-[y:FLOWS_INTO]-(:Field) WHERE y.implied_via = src.name }) "
        "WITH v, collect([src, fe, part]) AS hits "
        + _VIA_RECIPIENTS +
        "WITH v, direct + onward AS rs, hits "
        "UNWIND hits AS h "
        "WITH v, rs, h[0] AS src, h[1] AS fe, h[2] AS part "
        + _HIT.format(
            implied="CASE WHEN part = 2 THEN src.name ELSE fe.implied_via END", part="part",
            relation=f"CASE part WHEN 0 THEN ({_EXPLICIT}) WHEN 1 THEN 'member' ELSE 'group' END",
            recipients=f"[x IN {_FOR_FIELD} | {_RECIPIENT}]")
    )


WHO_RECEIVES = {scoped: _who_receives(scoped) for scoped in (False, True)}

# lineage.exposure.fields_of: flows whose recipient (or onward processor) is the recipient
FIELDS_OF = (
    f"MATCH (r:Recipient {{key: $key}}) WHERE any(x IN r.in_apps WHERE NOT x IN $hidden) "
    "CALL (r) { "
    "  MATCH (v)-[e:RECEIVED_BY]->(r) "
    f"  WHERE {_IN_SCOPE.format(r='e')} "
    "  MATCH (src:Field)-[fe:FLOWS_INTO]->(v) WHERE e.fields IS NULL OR src.name IN e.fields "
    "  RETURN src, fe, v, {e: e, to: r, base: null, rseq: e.seq, onward: 0} AS x "
    "  UNION ALL "
    "  MATCH (b:Recipient)-[e:ENTRUSTS]->(r) "
    f"  WHERE {_IN_SCOPE.format(r='e')} "
    "  WITH r, b, e "
    "  MATCH (v)-[re:RECEIVED_BY]->(b) WHERE re.app = e.app AND v.key IN e.vias "
    "  MATCH (src:Field)-[fe:FLOWS_INTO]->(v) "
    "  WHERE (re.fields IS NULL OR src.name IN re.fields) "
    "    AND (v.key IN e.all_fields_vias OR v.key + $sep + src.name IN e.via_field_pairs) "
    "  RETURN src, fe, v, {e: e, to: r, base: b, rseq: re.seq, onward: 1} AS x "
    "} "
    + _HIT.format(implied="fe.implied_via", part="0", relation=_EXPLICIT, recipients=f"[{_RECIPIENT}]")
)

# every via of the complete apps (or of one), with its recipients: lineage.flows.iter_flows
_ALL_VIAS = (
    "MATCH (a:App) WHERE a.push_complete = true AND ($app IS NULL OR a.name = $app) "
    "MATCH (a)-[:DISCLOSES]->(v) WHERE v:Scenario OR v:Sdk "
    + _VIA_RECIPIENTS +
    "WITH v, direct + onward AS rs "
    "MATCH (v)<-[fe:FLOWS_INTO]-(src:Field) "
)
_EXPOSURE_FILTER = (
    "WHERE ($channel IS NULL OR fe.channel = $channel) "
    "AND ($category IS NULL OR src.category = $category) "
    "AND ($sensitive IS NULL OR coalesce(src.sensitive, false) = $sensitive) "
    f"UNWIND {_FOR_FIELD} AS x "
)
EXPOSURE_FIELDS = (
    _ALL_VIAS + _EXPOSURE_FILTER
    + "WITH src, collect(DISTINCT x.to) AS rs, collect(DISTINCT fe.app) AS apps, collect(DISTINCT v) AS vs "
      "RETURN src.name AS field, src.category AS category, coalesce(src.sensitive, false) AS sensitive, "
      "size(rs) AS recipients, "
      "size([x IN rs WHERE x.recipient_kind = 'unnamed']) AS unnamed, "
      "size([x IN rs WHERE x.recipient_kind = 'onward']) AS onward, "
      "size([x IN rs WHERE x.recipient_kind = 'brand']) AS brand, "
      "size(apps) AS apps, size([x IN vs WHERE x:Scenario]) AS scenarios, "
      "size([x IN vs WHERE x:Sdk]) AS sdks"
)
EXPOSURE_RECIPIENTS = (
    _ALL_VIAS + _EXPOSURE_FILTER
    + "WITH x.to AS to, collect(DISTINCT src) AS fs, collect(DISTINCT fe.app) AS apps "
      "RETURN to.name AS recipient, to.recipient_kind AS kind, size(fs) AS fields, size(apps) AS apps, "
      "[x IN fs WHERE x.sensitive = true | x.name] AS sensitive"
)

# lineage.exposure.recipients_by_apps: the field's own flows, grouped by recipient
RECIPIENTS_BY_APPS = (
    "MATCH (src:Field {key: $key}) WHERE any(x IN src.in_apps WHERE NOT x IN $hidden) "
    "MATCH (src)-[fe:FLOWS_INTO]->(v) WHERE NOT fe.app IN $hidden "
    + _VIA_RECIPIENTS +
    "WITH src, fe, v, direct + onward AS rs "
    f"UNWIND {_FOR_FIELD} AS x "
    "WITH x.to AS to, collect(DISTINCT fe.app) AS apps "
    "RETURN to.name AS recipient, to.recipient_kind AS kind, apps"
)

# lineage.exposure.recipient_counts: how many recipients each field's own flows reach (related fields)
RECIPIENT_COUNTS = (
    "UNWIND $keys AS k MATCH (src:Field {key: k}) WHERE any(x IN src.in_apps WHERE NOT x IN $hidden) "
    f"MATCH (src)-[fe:FLOWS_INTO]->(v) WHERE {_IN_SCOPE.format(r='fe')} "
    + _VIA_RECIPIENTS +
    "WITH src, fe, v, direct + onward AS rs "
    f"UNWIND {_FOR_FIELD} AS x "
    "RETURN src.name AS field, count(DISTINCT x.to) AS recipients"
)
# lineage.exposure.permission_grants: the fields each permission row collects
PERMISSION_GRANTS = (
    "MATCH (p:Permission)-[g:GRANTS]->(f:Field) "
    f"WHERE {_IN_SCOPE.format(r='g')} "
    "RETURN DISTINCT p.name AS permission, f.name AS field"
)

# lineage.exposure.sensitive_to_unnamed
SENSITIVE_TO_UNNAMED = (
    _ALL_VIAS
    + "WHERE src.sensitive = true "
    + _HIT.format(implied="fe.implied_via", part="0", relation=_EXPLICIT,
                  recipients=f"[x IN {_FOR_FIELD} WHERE x.to.recipient_kind IN $kinds "
                             f"| {_RECIPIENT}]")
)

# lineage.paths.collected_by
COLLECTED_BY = (
    "MATCH (f:Field {key: $key}) WHERE any(x IN f.in_apps WHERE NOT x IN $hidden) "
    "CALL (f) { "
    "  MATCH (p:Permission)-[g:GRANTS]->(f) "
    f"  WHERE {_IN_SCOPE.format(r='g')} "
    "  RETURN 'permission' AS kind, g.app AS app, p.name AS name, p.platforms AS platforms, "
    "         p.purpose AS purpose, null AS provider, null AS function, g.file AS file, g.line AS line, "
    "         g.evidence AS text, [0] AS part "
    "  UNION ALL "
    "  MATCH (f)-[fe:FLOWS_INTO]->(s:Sdk) "
    f"  WHERE fe.channel = 'sdk' AND {_IN_SCOPE.format(r='fe')} "
    "  RETURN 'sdk' AS kind, fe.app AS app, s.name AS name, null AS platforms, s.purpose AS purpose, "
    "         s.provider AS provider, s.function AS function, fe.file AS file, fe.line AS line, "
    "         fe.evidence AS text, [1, fe.seq] AS part "
    "} "
    "RETURN kind, app, name, platforms, purpose, provider, function, file, line, text, part"
)
FIELD_INFO = (f"MATCH (n:Field {{key: $key}}) WHERE {VISIBLE} "
              "RETURN n.category AS category, n.sensitive AS sensitive, n.functions AS functions")

# lineage.impact._onward_rows
ONWARD_OF = (
    "MATCH (r:Recipient {key: $key})-[e:ENTRUSTS]->(o:Recipient) "
    f"WHERE {_IN_SCOPE.format(r='e')} RETURN o.name AS recipient"
)


def params(**kw: Any) -> dict[str, Any]:
    """Query parameters with the constants every query may use."""
    return {"sep": SEP, **kw}
