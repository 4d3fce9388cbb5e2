"""The Neo4j backend: the questions of :class:`lineage.backends.Backend`, answered in Cypher.

Why: the networkx backend loads a registry file into memory on every command; a team
that keeps many apps' policies in a shared Neo4j (local, a cluster or Aura) asks the
server instead, and may query the graph in Cypher directly (:func:`query`, read-only).
The answers are the networkx backend's, row for row and in the same order (the parity
tests check it): the traversal runs in Cypher (:mod:`lineage.backends.neo4j.cypher`), rows are
shaped and sorted with the same keys as :mod:`lineage.exposure` and :mod:`lineage.paths`.

Connection: ``NEO4J_URI`` (``bolt://``, ``neo4j://``, ``neo4j+s://`` for Aura … passed to
the driver unchanged), ``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD``,
``NEO4J_DATABASE`` (default ``neo4j``). Every driver failure becomes a one-line
:class:`registry.errors.BackendError`. Pushing is :func:`lineage.backends.neo4j.push.push`.
The driver is imported only here and in the push, never by ``cli.py`` at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from lineage import ids
from lineage.backends.neo4j import cypher as Q
from lineage.backends.neo4j.connection import (
    connect,
    driver_from_env,
    env_settings,
    query,
    translate_errors,
)
from lineage.backends.neo4j.push import PushResult, push
from lineage.exposure import (
    NO_ENTITY_KINDS,
    dedupe_rows,
    merge_answers,
    ranked,
    recipient_ranking_row,
    sort_fields_of,
    stated_only,
)
from lineage.flows import sort_rows, walk_order
from lineage.impact import blast_names
from lineage.names import (
    Answer,
    FieldIndex,
    FieldMatch,
    RecipientMatch,
    brand_tokens,
    match_field,
    match_recipient,
    one_field,
    resolve_category,
)
from lineage.paths import matched_tree, unique_collectors
from lineage.related import explain
from registry.suggest import NameMatch, check_app, resolve_app
from registry.vocabulary import load_vocabulary

__all__ = ["Neo4jBackend", "PushResult", "connect", "driver_from_env", "push", "query",
           "translate_errors"]

T = TypeVar("T")
# every field's spellings as the documents wrote them (lineage.names rule 3; read only when needed)
FIELD_SPELLINGS = (
    "MATCH (n:Field)-[fe:FLOWS_INTO]->() "
    "WHERE any(x IN n.in_apps WHERE NOT x IN $hidden) AND NOT fe.app IN $hidden "
    "RETURN DISTINCT n.name AS name, fe.as_written AS written"
)
# -- the backend ------------------------------------------------------------------------------------

class Neo4jBackend:
    """The questions of :class:`lineage.backends.Backend`, answered by a Neo4j server."""

    def __init__(self, driver: Any, database: str = "neo4j", *, owns_driver: bool = False) -> None:
        self.driver = driver
        self.database = database
        self._owns = owns_driver

    @classmethod
    def from_env(cls) -> Neo4jBackend:
        """Connect with NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE."""
        env = env_settings()
        driver = connect(env["uri"], env["user"], env["password"], env["database"])
        return cls(driver, env["database"], owns_driver=True)

    def close(self) -> None:
        """Close the driver if this backend opened it (a driver passed in stays open)."""
        if self._owns:
            self.driver.close()

    def __enter__(self) -> Neo4jBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing

    def _read(self, work: Callable[[Any], T]) -> T:
        from neo4j import READ_ACCESS

        with translate_errors(self.driver, self.database), self.driver.session(
                database=self.database, default_access_mode=READ_ACCESS,
                notifications_min_severity="OFF") as s:
            return s.execute_read(work)

    @staticmethod
    def _rows(tx: Any, cypher: str, **kw: Any) -> list[dict[str, Any]]:
        result = tx.run(cypher, Q.params(**kw))
        keys = result.keys()
        return [dict(zip(keys, values, strict=True)) for values in result.values()]

    def _state(self, tx: Any, app: str | None) -> list[str]:
        """The apps not served (push incomplete); UnknownNameError if ``app`` is not complete."""
        rec = self._rows(tx, Q.STATE, app_key=ids.app_id(app) if app is not None else None)[0]
        if app is not None and not rec["app_ok"]:
            names = sorted(r["name"] for r in self._rows(tx, Q.COMPLETE_APPS))
            check_app(names, app)
        return rec["hidden"]

    def _index(self, tx: Any, hidden: list[str]) -> FieldIndex:
        """The server's field names, and their spellings on demand (lineage.names.field_index)."""
        names = [r["name"] for r in self._rows(tx, Q.FIELD_NAMES, hidden=hidden)]

        def spellings() -> list[tuple[str, str]]:
            return [(r["name"], r["written"]) for r in self._rows(tx, FIELD_SPELLINGS, hidden=hidden)]

        return FieldIndex(names, spellings)

    def _fields(self, tx: Any, text: str, hidden: list[str], index: FieldIndex | None = None) -> FieldMatch:
        """lineage.names.resolve_fields against the server: the same rules on its names."""
        # every name, even for an exact one: 位置信息 also matches 位置信息（可选）
        return match_field(index or self._index(tx, hidden), text.strip())

    def _field(self, tx: Any, text: str, hidden: list[str]) -> str:
        """lineage.names.resolve_field_name against the server."""
        return one_field(self._fields(tx, text, hidden))

    def _recipient(self, tx: Any, text: str, hidden: list[str], *, group: bool = False,
                   app: str | None = None) -> RecipientMatch:
        """lineage.names.resolve_recipient against the server: its names (of ``app``, if given), the same rules."""
        text = text.strip()
        if (not (group and brand_tokens(text))
                and self._rows(tx, Q.RECIPIENT_EXISTS, key=ids.recipient_id(text), hidden=hidden)):
            return RecipientMatch(text, text, text, "exact")
        names = Q.RECIPIENT_NAMES if app is None else Q.RECIPIENT_NAMES_IN_APP
        recs = [(r["name"], r["as_written"] or ()) for r in self._rows(tx, names, hidden=hidden, app=app)]
        sdks = ([(r["sdk"], r["recipient"]) for r in self._rows(tx, Q.SDK_RECIPIENTS, hidden=hidden, app=app)]
                if brand_tokens(text) else [])
        return match_recipient(recs, text, group=group, sdks=sdks)

    def _category(self, tx: Any, category: str | None, hidden: list[str]) -> str | None:
        """lineage.names.resolve_category against the server: the vocabulary's categories and its fields'."""
        if category is None:
            return None
        found = [r["category"] for r in self._rows(tx, Q.CATEGORY_NAMES, hidden=hidden)]
        return resolve_category(category, {*load_vocabulary().categories, *found})

    def apps(self) -> list[str]:
        """The apps the server serves (those whose push is complete), sorted."""
        return sorted(self._read(lambda tx: [r["name"] for r in self._rows(tx, Q.COMPLETE_APPS)]))

    def resolve_app(self, app: str | None) -> NameMatch | None:
        """The app ``app`` names among the complete apps of the server (by part of its name too:
        :func:`registry.suggest.resolve_app`), or None when no app is asked."""
        if app is None:
            return None
        names = self._read(lambda tx: [r["name"] for r in self._rows(tx, Q.COMPLETE_APPS)])
        return resolve_app(names, app)

    def _who(self, tx: Any, field: str, app: str | None, include_implied: bool,
             hidden: list[str], index: FieldIndex | None = None) -> tuple[FieldMatch, Answer]:
        match = self._fields(tx, field, hidden, index)
        per_field = []
        for name in match.fields:
            rows = self._who_one(tx, name, app, include_implied, hidden)
            for r in rows:
                r["matched"] = match.matched(name)
            per_field.append(rows)
        return match, Answer(merge_answers(per_field), match)

    def _who_one(self, tx: Any, name: str, app: str | None, include_implied: bool,
                 hidden: list[str]) -> list[dict[str, Any]]:
        key = ids.field_id(name)
        members: list[str] = []
        groups: list[str] = []
        if include_implied:
            h = self._rows(tx, Q.HIERARCHY_EDGES if hidden else Q.HIERARCHY, key=key, hidden=hidden)
            if h and h[0]["deeper"]:
                h = self._rows(tx, Q.HIERARCHY_EDGES, key=key, hidden=hidden)
            if h:
                members, groups = h[0]["members"], h[0]["groups"]
        recs = self._rows(tx, Q.WHO_RECEIVES[app is not None], key=key, app=app, hidden=hidden,
                          app_key=ids.app_id(app) if app is not None else None, implied=include_implied,
                          members=members, groups=groups)
        return dedupe_rows(sort_rows(walk_order(recs, asked=name)))

    # -- the questions

    def who_receives(self, field: str, *, app: str | None = None,
                     include_implied: bool = True, include_possible: bool = False) -> Answer:
        """Every recipient of a field (see :func:`lineage.exposure.who_receives`): with no rows,
        why, and the related fields that have recipients."""
        def work(tx: Any) -> Answer:
            hidden = self._state(tx, app)
            index = self._index(tx, hidden)
            rows = stated_only(self._who(tx, field, app, include_implied, hidden, index)[1], include_possible)

            def grants() -> list[tuple[str, str]]:
                return [(r["permission"], r["field"]) for r in self._rows(tx, Q.PERMISSION_GRANTS, app=app,
                                                                         hidden=hidden)]

            def count(names: list[str]) -> dict[str, int]:
                return {r["field"]: r["recipients"] for r in self._rows(
                    tx, Q.RECIPIENT_COUNTS, keys=[ids.field_id(n) for n in names], app=app, hidden=hidden)}

            def wider() -> Answer:
                return stated_only(self._who(tx, field, app, True, hidden, index)[1], False)

            return explain(rows, index, grants, count, app=app, wider=None if include_implied else wider)

        return self._read(work)

    def fields_of(self, recipient: str, *, app: str | None = None) -> Answer:
        """What one recipient receives (see :func:`lineage.exposure.fields_of` with ``brand=True``):
        a brand of several recipients is all of them."""
        def work(tx: Any) -> tuple[RecipientMatch, list[dict[str, Any]]]:
            hidden = self._state(tx, app)
            match = self._recipient(tx, recipient, hidden, group=True)
            return match, self._fields_of_names(tx, match.names, app, hidden)

        match, rows = self._read(work)
        return Answer(sort_fields_of(dedupe_rows(rows), match.written), match)

    def _fields_of_names(self, tx: Any, names: tuple[str, ...], app: str | None,
                         hidden: list[str]) -> list[dict[str, Any]]:
        """The rows of what each recipient named receives, one recipient after another."""
        return [r for name in names
                for r in walk_order(self._rows(tx, Q.FIELDS_OF, key=ids.recipient_id(name), app=app, hidden=hidden))]

    def exposure(self, *, app: str | None = None, category: str | None = None,
                 sensitive: bool | None = None, channel: str | None = None,
                 limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Fields ranked by recipients, recipients by sensitive fields (see lineage.exposure.exposure)."""
        def work(tx: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            hidden = self._state(tx, app)
            kw = {"app": app, "category": self._category(tx, category, hidden), "sensitive": sensitive,
                  "channel": channel}
            return self._rows(tx, Q.EXPOSURE_FIELDS, **kw), self._rows(tx, Q.EXPOSURE_RECIPIENTS, **kw)

        frecs, rrecs = self._read(work)
        fields = [{
            "field": r["field"], "category": r["category"], "sensitive": bool(r["sensitive"]),
            "recipients": r["recipients"], "unnamed": r["unnamed"], "onward": r["onward"],
            "brand": r["brand"], "apps": r["apps"], "scenarios": r["scenarios"], "sdks": r["sdks"],
        } for r in frecs]
        recipients = [recipient_ranking_row(r["recipient"], r["kind"], r["sensitive"], r["fields"], r["apps"])
                      for r in rrecs]
        return ranked(fields, recipients, limit)

    def lineage(self, field: str, *, app: str | None = None) -> dict[str, Any]:
        """The tree of a field's lineage (see :func:`lineage.paths.lineage`)."""
        def work(tx: Any) -> tuple[FieldMatch, Answer, list[tuple[list[dict[str, Any]], list[dict[str, Any]]]],
                                   list[str]]:
            hidden = self._state(tx, app)
            match, rows = self._who(tx, field, app, True, hidden)
            per_field = [(self._rows(tx, Q.FIELD_INFO, key=ids.field_id(n), hidden=hidden),
                          self._rows(tx, Q.COLLECTED_BY, key=ids.field_id(n), app=app, hidden=hidden))
                         for n in match.fields]
            return match, rows, per_field, hidden

        match, rows, per_field, hidden = self._read(work)
        rows = stated_only(rows, False)   # as lineage.paths.lineage: what the policy states
        infos: list[dict[str, Any] | None] = []
        collected: list[dict[str, Any]] = []
        for info, coll in per_field:
            f = info[0] if info else None
            functions = json.loads(f["functions"]) if f and f["functions"] else []
            infos.append(f)
            collected += _collected(coll, functions, app, hidden)
        return matched_tree(match, infos, rows, unique_collectors(collected))

    def recipients_by_apps(self, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Cross-app: recipients of a field ranked by apps (see lineage.exposure.recipients_by_apps)."""
        def work(tx: Any) -> list[dict[str, Any]]:
            hidden = self._state(tx, None)
            name = self._field(tx, field, hidden)
            return self._rows(tx, Q.RECIPIENTS_BY_APPS, key=ids.field_id(name), hidden=hidden)

        rows = [{"recipient": r["recipient"], "kind": r["kind"], "apps": len(set(r["apps"])),
                 "app_list": sorted(set(r["apps"]))} for r in self._read(work)]
        rows.sort(key=lambda r: (-r["apps"], r["recipient"]))
        return rows[:limit] if limit else rows

    def sensitive_to_unnamed(self, *, app: str | None = None) -> list[dict[str, Any]]:
        """Cross-app: sensitive fields shared with recipients no legal entity names (unnamed, onward,
        unresolved brands: :data:`lineage.exposure.NO_ENTITY_KINDS`)."""
        def work(tx: Any) -> list[dict[str, Any]]:
            self._state(tx, app)
            return self._rows(tx, Q.SENSITIVE_TO_UNNAMED, app=app, kinds=list(NO_ENTITY_KINDS))

        rows = walk_order(self._read(work))
        rows = [r for r in rows if r["sensitive"] and r["recipient_kind"] in NO_ENTITY_KINDS]
        return dedupe_rows(sort_rows(rows))

    def breach(self, partner: str, *, app: str | None = None) -> dict[str, Any]:
        """A partner breach (see :func:`lineage.impact.breach`): a brand is all its recipients."""
        def work(tx: Any) -> tuple[RecipientMatch, list[dict[str, Any]], list[dict[str, Any]]]:
            hidden = self._state(tx, app)
            match = self._recipient(tx, partner, hidden, group=True, app=app)
            onward = [r for name in match.names
                      for r in self._rows(tx, Q.ONWARD_OF, key=ids.recipient_id(name), app=app, hidden=hidden)]
            rows = [r for name in match.names
                    for r in dedupe_rows(self._fields_of_names(tx, (name,), app, hidden))]
            return match, onward, rows

        match, onward_recs, rows = self._read(work)
        return {
            "recipient": match.names[0],
            "recipients": list(match.names),
            "apps": sorted({r["app"] for r in rows}),
            "fields": sorted({r["field"] for r in rows}),
            "sensitive_fields": sorted({r["field"] for r in rows if r["sensitive"]}),
            "scenarios": [{"app": a, "scenario": s}
                          for a, s in sorted({(r["app"], r["via"]) for r in rows if r["channel"] == "sharing"})],
            "sdks": [{"app": a, "sdk": s}
                     for a, s in sorted({(r["app"], r["via"]) for r in rows if r["channel"] == "sdk"})],
            "onward_processors": sorted({r["recipient"] for r in onward_recs} - set(match.names)),
            "flows": len(rows),
            **blast_names(match),
            "action": "breach",
        }


def _ev(rec: dict[str, Any]) -> dict[str, Any] | None:
    if rec["file"] is None and rec["line"] is None:
        return None
    return {"file": rec["file"], "line": rec["line"], "text": rec["text"]}


def _collected(recs: list[dict[str, Any]], functions: list[dict[str, Any]], app: str | None,
               hidden: list[str]) -> list[dict[str, Any]]:
    """lineage.paths.collected_by from the records of Q.COLLECTED_BY."""
    out: list[dict[str, Any]] = []
    for r in sorted(recs, key=lambda r: r["part"]):
        if r["kind"] == "permission":
            out.append({"kind": "permission", "app": r["app"], "name": r["name"],
                        "platforms": list(r["platforms"] or ()), "purpose": r["purpose"] or "",
                        "evidence": _ev(r)})
        else:
            out.append({"kind": "sdk", "app": r["app"], "name": r["name"], "provider": r["provider"],
                        "purpose": r["purpose"] or r["function"] or "", "evidence": _ev(r)})
    for fn in functions:
        if (app is None or fn["app"] == app) and fn.get("app") not in hidden:
            out.append({"kind": "business_function", **fn})
    return unique_collectors(out)
