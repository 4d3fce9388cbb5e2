"""The questions in Cypher: the same traversals as :mod:`lineage.exposure` and :mod:`lineage.paths`.

Why a module of its own: the Cypher here mirrors, clause by clause, the networkx
walks of :mod:`lineage.flows` (field -FLOWS_INTO-> scenario/SDK -RECEIVED_BY->
recipient, then -ENTRUSTS-> onward processors of the same app and via, with the
``fields`` / ``fields_by_via`` subsets), so that a change to one is easy to carry
to the other; the parity tests hold them together.

Every query takes ``$hidden``: the apps whose push is not complete. Their
relationships are skipped and nodes held only by them are invisible, so a
half-written app is never served. Query texts are constants; values (names,
apps, filters) are always parameters. Rows come back raw and are shaped by
:func:`flow_row`, the twin of :func:`lineage.flows.flow_row`.
"""

from __future__ import annotations

from typing import Any

from lineage.neo4j_push import SEP

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

# a relationship of an app that is visible (and of the app asked for, if any)
_IN_SCOPE = "(CASE WHEN $app IS NULL THEN NOT {r}.app IN $hidden ELSE {r}.app = $app END)"
# a MEMBER_OF edge that counts: the vocabulary's, or a complete app's
_HIER = "(x.app IS NULL OR NOT x.app IN $hidden)"

# recipients of (src, v): lineage.flows.recipients_of_via
_RECIPIENTS = (
    "CALL (src, v) { "
    "  MATCH (v)-[re:RECEIVED_BY]->(to:Recipient) "
    "  WHERE re.fields IS NULL OR src.name IN re.fields "
    "  RETURN re AS e, to, null AS base, re.seq AS rseq, 0 AS onward "
    "  UNION ALL "
    "  MATCH (v)-[re:RECEIVED_BY]->(b:Recipient) "
    "  WHERE re.fields IS NULL OR src.name IN re.fields "
    "  WITH src, v, re, b "   # expand from the base, not from an index of all ENTRUSTS
    "  MATCH (b)-[e:ENTRUSTS]->(to:Recipient) "
    "  WHERE e.app = re.app AND v.key IN e.vias "
    "    AND (v.key IN e.all_fields_vias OR v.key + $sep + src.name IN e.via_field_pairs) "
    "  RETURN e, to, b AS base, re.seq AS rseq, 1 AS onward "
    "} "
)
_ROW = (
    "RETURN fe.app AS app, src.name AS field, fe.as_written AS field_as_written, "
    "src.category AS category, coalesce(src.sensitive, false) AS sensitive, fe.channel AS channel, "
    "v.name AS via, v.purpose AS purpose, v.frequency AS frequency, v.function AS function, "
    "to.name AS recipient, e.as_written AS recipient_as_written, to.recipient_kind AS recipient_kind, "
    "base.name AS onward_of, {implied} AS implied_via, {relation} AS relation, fe.file AS ev_file, "
    "fe.line AS ev_line, fe.evidence AS ev_text, e.line AS recipient_line, "
    "[{part}, fe.seq, rseq, onward, e.seq] AS ord"
)
_FLOW_ROW = _ROW.format(implied="fe.implied_via", part="0",
                        relation="CASE WHEN fe.implied_via IS NULL THEN 'explicit' ELSE 'implied' END")

# lineage.exposure.who_receives: the field's own flows, its members' (relation member) and
# the bare flows of the groups above it that list no members (relation group)
WHO_RECEIVES = (
    f"MATCH (f:Field {{key: $key}}) WHERE any(x IN f.in_apps WHERE NOT x IN $hidden) "
    "CALL (f) { "
    "  MATCH (f)-[fe:FLOWS_INTO]->(v) "
    f"  WHERE {_IN_SCOPE.format(r='fe')} AND ($implied OR fe.implied_via IS NULL) "
    "  RETURN f AS src, fe, v, CASE WHEN fe.implied_via IS NULL THEN 'explicit' ELSE 'implied' END "
    "         AS relation, fe.implied_via AS implied, 0 AS part "
    "  UNION ALL "
    "  MATCH (f)<-[ms:MEMBER_OF*1..]-(m:Field) "
    f"  WHERE $implied AND m <> f AND all(x IN ms WHERE {_HIER}) "
    "  WITH DISTINCT m "
    "  MATCH (m)-[fe:FLOWS_INTO]->(v) "
    f"  WHERE {_IN_SCOPE.format(r='fe')} "
    "  RETURN m AS src, fe, v, 'member' AS relation, fe.implied_via AS implied, 1 AS part "
    "  UNION ALL "
    "  MATCH (f)-[gs:MEMBER_OF*1..]->(g:Field) "
    f"  WHERE $implied AND g <> f AND all(x IN gs WHERE {_HIER}) "
    "  WITH DISTINCT g "
    "  MATCH (g)-[fe:FLOWS_INTO]->(v) "
    f"  WHERE {_IN_SCOPE.format(r='fe')} AND fe.implied_via IS NULL "
    "    AND NOT EXISTS { MATCH (v)<-[y:FLOWS_INTO]-(:Field) WHERE y.implied_via = g.name } "
    "  RETURN g AS src, fe, v, 'group' AS relation, g.name AS implied, 2 AS part "
    "} "
    + _RECIPIENTS
    + _ROW.format(implied="implied", relation="relation", part="part")
)

# lineage.exposure.fields_of: flows whose recipient (or onward processor) is the recipient
FIELDS_OF = (
    f"MATCH (r:Recipient {{key: $key}}) WHERE any(x IN r.in_apps WHERE NOT x IN $hidden) "
    "CALL (r) { "
    "  MATCH (src:Field)-[fe:FLOWS_INTO]->(v)-[e:RECEIVED_BY]->(r) "
    f"  WHERE {_IN_SCOPE.format(r='e')} AND (e.fields IS NULL OR src.name IN e.fields) "
    "  RETURN src, fe, v, e, r AS to, null AS base, e.seq AS rseq, 0 AS onward "
    "  UNION ALL "
    "  MATCH (b:Recipient)-[e:ENTRUSTS]->(r) "
    f"  WHERE {_IN_SCOPE.format(r='e')} "
    "  WITH r, b, e "
    "  MATCH (src:Field)-[fe:FLOWS_INTO]->(v)-[re:RECEIVED_BY]->(b) "
    "  WHERE re.app = e.app AND v.key IN e.vias AND (re.fields IS NULL OR src.name IN re.fields) "
    "    AND (v.key IN e.all_fields_vias OR v.key + $sep + src.name IN e.via_field_pairs) "
    "  RETURN src, fe, v, e, r AS to, b AS base, re.seq AS rseq, 1 AS onward "
    "} "
    + _FLOW_ROW
)

# every flow of the complete apps (or of one): lineage.flows.iter_flows, anchored on App nodes
_ALL_FLOWS = (
    "MATCH (a:App) WHERE a.push_complete = true AND ($app IS NULL OR a.name = $app) "
    "MATCH (a)-[:DISCLOSES]->(v)<-[fe:FLOWS_INTO]-(src:Field) "
)

EXPOSURE_FIELDS = (
    _ALL_FLOWS
    + "WHERE ($channel IS NULL OR fe.channel = $channel) "
      "AND ($category IS NULL OR src.category = $category) "
      "AND ($sensitive IS NULL OR coalesce(src.sensitive, false) = $sensitive) "
    + _RECIPIENTS
    + "WITH src, collect(DISTINCT to) AS rs, collect(DISTINCT fe.app) AS apps, collect(DISTINCT v) AS vs "
      "RETURN src.name AS field, src.category AS category, coalesce(src.sensitive, false) AS sensitive, "
      "size(rs) AS recipients, "
      "size([x IN rs WHERE x.recipient_kind = 'unnamed']) AS unnamed, "
      "size([x IN rs WHERE x.recipient_kind = 'onward']) AS onward, "
      "size([x IN rs WHERE x.recipient_kind = 'brand']) AS brand, "
      "size(apps) AS apps, size([x IN vs WHERE x:Scenario]) AS scenarios, "
      "size([x IN vs WHERE x:Sdk]) AS sdks"
)
EXPOSURE_RECIPIENTS = (
    _ALL_FLOWS
    + "WHERE ($channel IS NULL OR fe.channel = $channel) "
      "AND ($category IS NULL OR src.category = $category) "
      "AND ($sensitive IS NULL OR coalesce(src.sensitive, false) = $sensitive) "
    + _RECIPIENTS
    + "WITH to, collect(DISTINCT src) AS fs, collect(DISTINCT fe.app) AS apps "
      "RETURN to.name AS recipient, to.recipient_kind AS kind, size(fs) AS fields, size(apps) AS apps, "
      "[x IN fs WHERE x.sensitive = true | x.name] AS sensitive"
)

# lineage.exposure.recipients_by_apps: the field's own flows, grouped by recipient
RECIPIENTS_BY_APPS = (
    "MATCH (src:Field {key: $key}) WHERE any(x IN src.in_apps WHERE NOT x IN $hidden) "
    "MATCH (src)-[fe:FLOWS_INTO]->(v) WHERE NOT fe.app IN $hidden "
    + _RECIPIENTS
    + "WITH to, collect(DISTINCT fe.app) AS apps "
      "RETURN to.name AS recipient, to.recipient_kind AS kind, apps"
)

# lineage.exposure.sensitive_to_unnamed
SENSITIVE_TO_UNNAMED = (
    _ALL_FLOWS
    + "WHERE src.sensitive = true "
    + _RECIPIENTS
    + "WITH * WHERE to.recipient_kind IN ['unnamed', 'onward'] "
    + _FLOW_ROW
)

# lineage.paths.collected_by
COLLECTED_BY = (
    f"MATCH (f:Field {{key: $key}}) WHERE any(x IN f.in_apps WHERE NOT x IN $hidden) "
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


def flow_row(rec: dict[str, Any], asked: str | None = None) -> dict[str, Any]:
    """The flow row of :func:`lineage.flows.flow_row` from a record of the queries above."""
    channel = rec["channel"]
    via = rec["via"]
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
        "purpose": rec["purpose"] or "",
        "frequency": rec["frequency"] or "",
        "recipient": rec["recipient"],
        "recipient_as_written": rec["recipient_as_written"] or rec["recipient"],
        "recipient_kind": rec["recipient_kind"],
        "onward_of": rec["onward_of"],
        "implied_via": rec["implied_via"],
        "relation": rec["relation"],
        "evidence": {"file": rec["ev_file"], "line": rec["ev_line"], "text": rec["ev_text"]},
        "recipient_evidence": {"file": rec["ev_file"], "line": rec["recipient_line"] or rec["ev_line"]},
    }
    if channel == "sdk" and not row["purpose"]:
        row["purpose"] = rec["function"] or ""
    if asked is not None:
        row["asked"] = asked
    return row
