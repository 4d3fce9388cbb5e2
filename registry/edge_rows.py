"""Reading flows across apps from a registry database's edge tables, in SQL.

A question across a thousand apps (who receives a field, who gets sensitive fields
without being named) would otherwise load every policy and build its graph. The
database keeps each policy's flows folded into the graph's edges
(:func:`registry.edges.fold_flows`, tables ``flow_edges`` and ``recipient_edges``), so
such a question is a join over indexes. The records returned are the ones the Neo4j
backend fetches with Cypher (one per field→scenario/SDK edge, its recipients nested),
and :func:`lineage.flows.record_rows` turns both into the rows every question shares.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from registry.database import StoredPolicies, _fail, placeholders
from registry.errors import RegistryFileError
from registry.model import RecipientKind

_RELATION = {1: "member", 2: "group"}
_KINDS = frozenset(k.value for k in RecipientKind)

_HITS = """
WITH src(name, part) AS (VALUES {values}),
hits AS (
    SELECT fe.*, src.part AS part FROM src CROSS JOIN flow_edges fe ON fe.field = src.name
    WHERE (src.part = 0 AND (? OR fe.implied_via IS NULL)) OR src.part = 1
       OR (src.part = 2 AND fe.implied_via IS NULL AND NOT EXISTS (
           SELECT 1 FROM flow_edges y WHERE y.app_id = fe.app_id AND y.channel = fe.channel
           AND y.via = fe.via AND y.implied_via = src.name))
)
"""
_HIT_COLUMNS = ("h.app_id, h.seq, {part}, h.field, h.field_as_written, h.channel, h.via, h.implied_via, "
                "h.qualifiers, e.file, e.line, t.text")
_JOINS = (
    "JOIN evidence e ON e.app_id = h.app_id AND e.evidence_id = h.evidence_id "
    "JOIN cell_texts t ON t.app_id = e.app_id AND t.text_id = e.text_id "
)
_EDGE_COLUMNS = ("re.app_id, re.channel, re.via, re.seq, re.recipient, re.onward_of, re.as_written, re.line, "
                 "re.fields, re.form, re.confidence, re.note")
_CHUNK = 3000   # scenarios or SDKs per statement (three parameters each, under SQLite's limit)

ViaKey = tuple[int, str, str]
"""A scenario or SDK of one app in the database: ``(app_id, channel, name)``."""


def field_records(stored: StoredPolicies, sources: Sequence[tuple[str, int]], *,
                  implied: bool = True) -> list[dict[str, Any]]:
    """The flow records of fields, each source a ``(field name, part)``.

    Part 0: the field's own flows (only those naming it explicitly if not ``implied``);
    part 1: a member's flows (relation ``member``); part 2: a group's bare flows where its
    scenario lists none of the group's members (relation ``group``, ``implied_via`` the
    group): :func:`lineage.exposure.who_receives`'s three kinds of rows.
    """
    if not sources:
        return []
    values = ", ".join("(?, ?)" for _ in sources)
    params: list[Any] = [x for s in sources for x in s] + [int(implied)]
    hits = _fetch(stored, _HITS.format(values=values) + f"SELECT {_HIT_COLUMNS.format(part='h.part')} "
                  f"FROM hits h {_JOINS}", params)
    vias = {(h[0], h[5], h[6]) for h in hits}
    edges = _by_via(stored, vias, f"SELECT {_EDGE_COLUMNS} FROM v JOIN recipient_edges re "
                    "ON re.app_id = v.a AND re.channel = v.c AND re.via = v.n")
    return _records(stored, hits, _grouped(edges))


def unnamed_records(stored: StoredPolicies, fields: Iterable[str], recipients: Iterable[str]) -> list[dict[str, Any]]:
    """The flow records of ``fields`` that reach one of ``recipients`` (directly or onward).

    Read from the recipients' side: their edges first (an index seek per name), then the
    flows of the asked fields into those scenarios and SDKs, and the edges of the principals
    of onward processors among them (a processor gets only what its principal gets).
    """
    fsql, fnames = placeholders(sorted(set(fields)))
    rsql, rnames = placeholders(sorted(set(recipients)))
    if not fnames or not rnames:
        return []
    wanted = _fetch(stored, f"SELECT {_EDGE_COLUMNS} FROM recipient_edges re WHERE re.recipient IN {rsql}", rnames)
    bases = {(e[0], e[1], e[2], e[5]) for e in wanted if e[5] is not None}
    vias = {(e[0], e[1], e[2]) for e in wanted}
    hits = _by_via(stored, vias, f"SELECT {_HIT_COLUMNS.format(part='0')} FROM v JOIN flow_edges h "
                   f"ON h.app_id = v.a AND h.channel = v.c AND h.via = v.n {_JOINS}WHERE h.field IN {fsql}", fnames)
    if bases:
        bsql, bnames = placeholders(sorted({b[3] for b in bases}))
        wanted += [e for e in _fetch(stored, f"SELECT {_EDGE_COLUMNS} FROM recipient_edges re "
                                             f"WHERE re.recipient IN {bsql} AND re.onward_of IS NULL", bnames)
                   if (e[0], e[1], e[2], e[4]) in bases]
    keep = set(rnames)
    out = []
    for rec in _records(stored, hits, _grouped(wanted)):
        rec["recipients"] = [x for x in rec["recipients"] if x[0] in keep]  # principals were read for the check
        if rec["recipients"]:
            out.append(rec)
    return out


# -- lean flows: what a summary of the rows needs, without building the rows ---------------------

LEAN_KEY = 11
"""A lean flow is a tuple ``(app, channel, via, recipient, field, relation, part, fseq, rseq, onward,
eseq, implied_via, as_written, onward_of, form, confidence, app_id, evidence_id)``: the row
:func:`lineage.flows.record_rows` would build, less what a summary per recipient never reads (the
evidence's text, the scenario's purpose). Its first ``LEAN_KEY`` items are the rows' order
(:data:`lineage.flows.ROW_ORDER`, then the graph walk's, which breaks the ties)."""

_LEAN_HIT_COLUMNS = "h.app_id, h.seq, {part}, h.field, h.channel, h.via, h.implied_via, h.evidence_id"
_LEAN_EDGE_COLUMNS = ("re.app_id, re.channel, re.via, re.seq, re.recipient, re.onward_of, "
                      "nullif(re.as_written, re.recipient), 0, re.fields, re.form, re.confidence, NULL")
"""The edge columns a lean flow needs, in :data:`_EDGE_COLUMNS`'s places: no line, no note, and a
spelling only where it is not the name (most are; a text not read is a text not decoded)."""


def field_flows(stored: StoredPolicies, sources: Sequence[tuple[str, int]], *,
                implied: bool = True) -> list[tuple[Any, ...]]:
    """The lean flows (:data:`LEAN_KEY`) of :func:`field_records`, in no order."""
    if not sources:
        return []
    values = ", ".join("(?, ?)" for _ in sources)
    params: list[Any] = [x for s in sources for x in s] + [int(implied)]
    hits = _fetch(stored, _HITS.format(values=values) + f"SELECT {_LEAN_HIT_COLUMNS.format(part='h.part')} "
                  "FROM hits h", params)
    vias = {(h[0], h[4], h[5]) for h in hits}
    edges = _by_via(stored, vias, f"SELECT {_LEAN_EDGE_COLUMNS} FROM v JOIN recipient_edges re "
                    "ON re.app_id = v.a AND re.channel = v.c AND re.via = v.n")
    return _lean(stored, hits, _grouped(edges))


def unnamed_flows(stored: StoredPolicies, fields: Iterable[str], recipients: Iterable[str], *,
                  app_id: int | None = None) -> list[tuple[Any, ...]]:
    """The lean flows (:data:`LEAN_KEY`) of :func:`unnamed_records`, in no order; of one app only
    if ``app_id`` is given."""
    fsql, fnames = placeholders(sorted(set(fields)))
    rnames = sorted(set(recipients))
    keep = set(rnames)
    if not fnames or not rnames:
        return []
    # the recipients' edges, and those of the principals of the onward processors among them (a
    # processor gets what its principal gets), in one statement
    # (a principal among the recipients comes twice: its flows are deduplicated with the others)
    principal = _LEAN_EDGE_COLUMNS.replace("re.", "p.")
    rsql = placeholders(rnames)[0]
    one, only = ("", []) if app_id is None else (" AND re.app_id = ?", [app_id])
    wanted = _fetch(stored, f"SELECT {_LEAN_EDGE_COLUMNS} FROM recipient_edges re WHERE re.recipient IN {rsql}{one} "
                            f"UNION ALL SELECT {principal} FROM recipient_edges re JOIN recipient_edges p "
                            "ON p.app_id = re.app_id AND p.channel = re.channel AND p.via = re.via "
                            "AND p.recipient = re.onward_of AND p.onward_of IS NULL "
                            f"WHERE re.recipient IN {rsql} AND re.onward_of IS NOT NULL{one}", rnames + only + rnames + only)
    vias = {(e[0], e[1], e[2]) for e in wanted if e[4] in keep}
    hits = _by_via(stored, vias, f"SELECT {_LEAN_HIT_COLUMNS.format(part='0')} FROM v JOIN flow_edges h "
                   f"ON h.app_id = v.a AND h.channel = v.c AND h.via = v.n WHERE h.field IN {fsql}", fnames)
    return _lean(stored, hits, _grouped(wanted), keep=keep)


def ordered_flows(flows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Lean flows (:data:`LEAN_KEY`) in the rows' order, each flow once
    (:func:`lineage.exposure.dedupe_rows`)."""
    flows.sort(key=itemgetter(slice(LEAN_KEY)))
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in flows:
        key = (f[0], f[4], f[1], f[2], f[3], f[5], f[11])   # app, field, channel, via, recipient, relation, implied_via
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _lean(stored: StoredPolicies, hits: list[tuple[Any, ...]], edges: dict[ViaKey, list[tuple[Any, ...]]],
          keep: set[str] | None = None) -> list[tuple[Any, ...]]:
    """The lean flows of flow edge hits (:data:`_LEAN_HIT_COLUMNS`): one per recipient of the edge's
    scenario or SDK that gets its field (:func:`_receivers`), of ``keep`` only if given."""
    apps = {i: a for a, i in stored._ids.items()}
    allowed_of: dict[str | None, frozenset[str] | None] = {None: None}
    out = []
    for app_id, seq, part, field, channel, via, implied, ev in hits:
        kept = _receivers(field, edges.get((app_id, channel, via), ()), allowed_of)
        if not kept:
            continue
        app = apps.get(app_id)
        relation = _RELATION.get(part) or ("implied" if implied else "explicit")
        iv = field if part == 2 else implied
        out.extend((app, channel, via, name, field, relation, part, seq, rseq, onward, eseq, iv, written or name,
                    onward_of, form or "table", conf or "high", app_id, ev)
                   for name, written, _, onward_of, _, rseq, onward, eseq, form, conf, _ in kept
                   if keep is None or name in keep)
    return out


_RECIPIENT_APPS = """
SELECT DISTINCT h.app_id, re.recipient FROM flow_edges h
JOIN recipient_edges re ON re.app_id = h.app_id AND re.channel = h.channel AND re.via = h.via
WHERE h.field = ?
  AND (re.fields IS NULL OR EXISTS (SELECT 1 FROM json_each(re.fields) j WHERE j.value = h.field))
  AND (re.onward_of IS NULL OR EXISTS (
      SELECT 1 FROM recipient_edges p WHERE p.app_id = re.app_id AND p.channel = re.channel AND p.via = re.via
      AND p.seq < re.seq AND p.recipient = re.onward_of AND p.onward_of IS NULL
      AND (p.fields IS NULL OR EXISTS (SELECT 1 FROM json_each(p.fields) k WHERE k.value = h.field))))
"""


def recipient_apps(stored: StoredPolicies, field: str) -> list[tuple[str, str]]:
    """(app, recipient) for every recipient the flows of ``field`` (its own, explicit or implied)
    reach: :func:`_receivers`'s rules in SQL (a recipient listed for some of a scenario's fields
    only, an onward processor only where its principal gets the field), one row per pair and
    nothing else fetched. Without SQLite's JSON functions (before 3.38), from the lean flows."""
    apps = {i: a for a, i in stored._ids.items()}
    try:
        pairs = stored.con.execute(_RECIPIENT_APPS, (field,)).fetchall()
    except sqlite3.OperationalError as e:
        if "json_each" not in str(e):
            raise _fail(stored.path, e) from None
        return sorted({(f[0], f[3]) for f in field_flows(stored, [(field, 0)])})
    except sqlite3.Error as e:
        raise _fail(stored.path, e) from None
    return [(apps[a], r) for a, r in pairs]


def evidence_places(stored: StoredPolicies, refs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """``file:line`` of each evidence ``(app_id, evidence_id)`` asked."""
    keys = sorted(set(refs))
    out: dict[tuple[int, int], str] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i:i + _CHUNK]
        values = ", ".join("(?, ?)" for _ in chunk)
        out.update(((a, k), f"{f}:{line}") for a, k, f, line in _fetch(
            stored, f"WITH x(a, k) AS (VALUES {values}) SELECT e.app_id, e.evidence_id, e.file, e.line FROM x "
            "JOIN evidence e ON e.app_id = x.a AND e.evidence_id = x.k", [v for key in chunk for v in key]))
    return out


def permission_grants(stored: StoredPolicies) -> list[tuple[str, str]]:
    """(permission, field) for every field a permission row of any app collects."""
    try:
        rows = stored.con.execute("SELECT DISTINCT name, fields FROM permissions").fetchall()
    except sqlite3.Error as e:
        raise _fail(stored.path, e) from None
    return sorted({(name, f) for name, fields in rows for f in json.loads(fields or "[]")})


def recipient_counts(stored: StoredPolicies, fields: Iterable[str]) -> dict[str, int]:
    """How many recipients each field's own flows reach, across apps (a related field's count)."""
    out: dict[str, set[str]] = {}
    for f in field_flows(stored, [(f, 0) for f in sorted(set(fields))]):
        out.setdefault(f[4], set()).add(f[3])
    return {f: len(rs) for f, rs in out.items()}


def recipient_kinds(stored: StoredPolicies, names: Iterable[str] | None = None) -> dict[str, str]:
    """Each recipient's kind as the first app (by name) that names it has it, as the graph does."""
    if names is None:
        where, params = "", []
    else:
        sql, params = placeholders(sorted(set(names)))
        where = f"WHERE name IN {sql}"
    con = stored.con
    try:
        kinds: dict[str, list[str]] = {}
        for n, k in con.execute(f"SELECT DISTINCT name, kind FROM recipients {where}", params):
            kinds.setdefault(n, []).append(k)
        out = {n: ks[0] for n, ks in kinds.items()}
        differ = [n for n, ks in kinds.items() if len(ks) > 1]
        if differ:  # apps disagree (rare): read which app comes first
            sql, params = placeholders(differ)
            out.update((n, k) for n, k, _ in con.execute(
                "SELECT r.name, r.kind, min(a.app) FROM recipients r JOIN apps a ON a.app_id = r.app_id "
                f"WHERE r.name IN {sql} GROUP BY r.name", params))
    except sqlite3.Error as e:
        raise _fail(stored.path, e) from None
    bad = sorted(n for n, k in out.items() if k not in _KINDS)
    if bad:
        raise RegistryFileError(f"{stored.path}: recipient {bad[0]!r}: kind {out[bad[0]]!r} is not one the "
                                f"registry schema allows ({', '.join(sorted(_KINDS))})")
    return out


def _fetch(stored: StoredPolicies, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    try:
        return stored.con.execute(sql, list(params)).fetchall()
    except sqlite3.Error as e:
        raise _fail(stored.path, e) from None


def _by_via(stored: StoredPolicies, vias: set[ViaKey], sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (which joins ``v(a, c, n)``, the scenarios and SDKs given) for every via."""
    keys = sorted(vias)
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i:i + _CHUNK]
        values = ", ".join("(?, ?, ?)" for _ in chunk)
        out += _fetch(stored, f"WITH v(a, c, n) AS (VALUES {values}) {sql}", [x for k in chunk for x in k] + list(params))
    return out


def _grouped(edges: list[tuple[Any, ...]]) -> dict[ViaKey, list[tuple[Any, ...]]]:
    """Recipient edges (:data:`_EDGE_COLUMNS`) by scenario or SDK, each list in the app's order."""
    out: dict[ViaKey, list[tuple[Any, ...]]] = {}
    for e in edges:
        out.setdefault((e[0], e[1], e[2]), []).append(e[3:])
    for v in out.values():
        v.sort(key=lambda e: e[0])
    return out


def _records(stored: StoredPolicies, hits: list[tuple[Any, ...]],
             edges: dict[ViaKey, list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    """One record per flow edge hit (:data:`_HIT_COLUMNS`), the recipients of its scenario or SDK
    that get its field nested, each onward processor after its principal (and only if the
    principal gets the field)."""
    vias = _via_attributes(stored, {(h[0], h[5], h[6]) for h in hits})
    apps = {i: a for a, i in stored._ids.items()}
    allowed_of: dict[str | None, frozenset[str] | None] = {None: None}
    out = []
    for (app_id, seq, part, field, written, channel, via, implied, quals, file, line, text) in hits:
        kept = _receivers(field, edges.get((app_id, channel, via), ()), allowed_of)
        if not kept:
            continue
        purpose, frequency, function = vias.get((app_id, channel, via), ("", "", ""))
        out.append({
            "app": apps.get(app_id), "field": field, "field_as_written": written, "channel": channel,
            "via": via, "purpose": purpose, "frequency": frequency, "function": function,
            "implied_via": field if part == 2 else implied,
            "relation": _RELATION.get(part) or ("implied" if implied else "explicit"),
            "ev_file": file, "ev_line": line, "ev_text": text,
            "qualifiers": json.loads(quals) if quals else [], "part": part, "fseq": seq, "recipients": kept,
        })
    return out


def _receivers(field: str, edges: Iterable[tuple[Any, ...]],
               allowed_of: dict[str | None, frozenset[str] | None]) -> list[list[Any]]:
    """The recipients of one scenario or SDK (its edges, in the app's order) that get ``field``,
    each ``[name, as_written, kind (None), onward_of, line, rseq, onward, eseq, form, confidence,
    note]``: an onward processor only after its principal, and only if the principal gets the field.
    ``allowed_of`` caches the parsed ``fields`` lists."""
    direct: dict[str, int] = {}
    kept = []
    for rseq, name, onward_of, as_written, rline, fields, form, conf, note in edges:
        if fields is not None:
            allowed = allowed_of.get(fields)
            if allowed is None:
                allowed = allowed_of[fields] = frozenset(json.loads(fields))
            if field not in allowed:
                continue
        if onward_of is None:
            direct[name] = rseq
            kept.append([name, as_written, None, None, rline, rseq, 0, rseq, form, conf, note])
        elif onward_of in direct:  # (edges come in the app's order: principals first)
            kept.append([name, as_written, None, onward_of, rline, direct[onward_of], 1, rseq, form, conf, note])
    return kept


def _via_attributes(stored: StoredPolicies, vias: set[ViaKey]) -> dict[ViaKey, tuple[str, str, str]]:
    """(purpose, frequency, function) of each scenario and SDK asked; where a name is used twice
    the later row's, as the graph keeps the last node written. Read through the covering name
    indexes, for the scenarios and SDKs asked only (a thousand apps hold tens of thousands)."""
    out: dict[ViaKey, tuple[str, str, str]] = {}
    sharing = {v for v in vias if v[1] == "sharing"}
    for a, name, purpose, frequency, _ in sorted(_by_via(
            stored, sharing, "SELECT s.app_id, s.name, s.purpose, s.frequency, s.position FROM v "
            "JOIN scenarios s ON s.app_id = v.a AND s.name = v.n"), key=lambda r: (r[0], r[1], r[4])):
        out[(a, "sharing", name)] = (purpose, frequency, "")
    for a, name, purpose, function, _ in sorted(_by_via(
            stored, vias - sharing, "SELECT s.app_id, s.name, s.purpose, s.function, s.position FROM v "
            "JOIN sdks s ON s.app_id = v.a AND s.name = v.n"), key=lambda r: (r[0], r[1], r[4])):
        out[(a, "sdk", name)] = (purpose, "", function)
    return out
