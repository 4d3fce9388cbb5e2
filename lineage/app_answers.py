"""Answers of one app, computed when the app is written and stored beside it.

``sensitive-unnamed`` across a thousand apps folds some 130,000 flows into 16,000 rows, one
per app and recipient: seconds of work, every time it is asked, for rows that change only
when an app does. So the registry database keeps each app's rows of that summary in its
``app_answers`` table, written in the same transaction as the app (:func:`answers_of_app`,
called by :meth:`registry.database.Writer.put`), and a question across apps reads them
(:func:`stored_unnamed`): one row per app instead of every flow.

The rows of one app are the rows the whole registry gives for it as long as the apps agree
on what they share: a recipient's kind and a field's sensitivity are the first app's (by
name) where apps disagree, and then the stored rows of another app may differ. So
:func:`stored_unnamed` answers only when every app has rows of this :data:`VERSION` and no
two apps disagree on either; otherwise (or for ``--flows``, ``--json``, ``--evidence``) the
question reads the flows (:func:`lineage.scoped.sensitive_to_unnamed`). A test holds the
two ways equal.

This module loads no graph library: it runs inside every import.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from registry.database import StoredPolicies
from registry.model import NO_ENTITY_KINDS, Registry

UNNAMED = "sensitive-unnamed"
VERSION = 1
"""Bump when the summary rows (:func:`lineage.summary.summarize`) or what they are made of
change: rows of another version are not read, and the flows are."""


def answers_of_app(con: sqlite3.Connection, path: str | Path, app_id: int) -> list[tuple[str, int, str]]:
    """``(question, version, rows as JSON)`` of the app just written as ``app_id`` in ``con``'s
    transaction: its ``sensitive-unnamed`` rows, from its own recipients' kinds and fields'
    sensitivity. None are given for an app whose flows name a field its fields do not list (the
    registry's graph would take that field's sensitivity from another app)."""
    from lineage.summary import lean_summary_rows, summarize
    from registry.edge_rows import ordered_flows, unnamed_flows

    listed = {n: bool(s) for n, s in con.execute(
        "SELECT name, sensitive FROM fields WHERE app_id = ? ORDER BY position", (app_id,))}
    if any(f not in listed for (f,) in con.execute("SELECT DISTINCT field FROM flow_edges WHERE app_id = ?", (app_id,))):
        return []
    kinds = dict(con.execute("SELECT name, kind FROM recipients WHERE app_id = ? ORDER BY position", (app_id,)))
    unnamed = [n for n, k in kinds.items() if k in NO_ENTITY_KINDS]
    sensitive = [n for n, s in listed.items() if s]
    app = con.execute("SELECT app FROM apps WHERE app_id = ?", (app_id,)).fetchone()[0]
    one_app = StoredPolicies(path, con, ids={app: app_id})   # (not every app's id, for each app written)
    flows = ordered_flows(unnamed_flows(one_app, sensitive, unnamed, app_id=app_id)) if unnamed and sensitive else []
    rows = [_compact(r) for r in summarize(lean_summary_rows(flows, kinds, listed), per_app=True, evidence=False)]
    if any(r is None for r in rows):
        return []
    return [(UNNAMED, VERSION, json.dumps(rows, ensure_ascii=False, separators=(",", ":")))]


_STORED = ("recipient", "as_written", "kind", "onward_of", "how", "fields", "channels", "via", "flows", "read")
"""What a stored summary row keeps, as a list in this order (a third of the JSON of the dicts,
read three times as fast): its ``app`` and ``apps`` are the app's, and its ``sensitive_fields``
are its ``fields`` (every flow it folds is of a sensitive field)."""


def _compact(row: dict[str, Any]) -> list[Any] | None:
    if row["sensitive_fields"] != row["fields"] or row["apps"] != [row["app"]]:
        return None
    return [row[k] for k in _STORED]


def _expand(app: str, row: list[Any]) -> dict[str, Any]:
    recipient, as_written, kind, onward_of, how, fields, channels, via, flows, read = row
    return {"app": app, "recipient": recipient, "as_written": as_written, "kind": kind, "onward_of": onward_of,
            "how": how, "fields": fields, "sensitive_fields": list(fields), "channels": channels, "via": via,
            "apps": [app], "flows": flows, "read": read}


_DISAGREE = """
SELECT EXISTS (SELECT 1 FROM recipients GROUP BY name HAVING count(DISTINCT kind) > 1
               AND sum(kind IN ({kinds})) > 0)
    OR EXISTS (SELECT 1 FROM name_counts WHERE kind = 'field' GROUP BY name
               HAVING count(DISTINCT substr(value, instr(value, char(31)) + 1, 1)) > 1)
"""


def stored_unnamed(stored: StoredPolicies) -> list[dict[str, Any]] | None:
    """The ``sensitive-unnamed`` summary of every app (one row per app and recipient, as
    :func:`lineage.summary.by_recipient` gives it, without evidence) read from ``app_answers``,
    in the apps' order; None where it cannot stand for the flows' summary (an app without
    rows of this version, or apps that disagree on a recipient's kind or a field's
    sensitivity)."""
    con = stored.con
    try:
        have = con.execute("SELECT count(*) FROM app_answers WHERE question = ? AND version = ?",
                           (UNNAMED, VERSION)).fetchone()[0]
        if not stored.as_on_disk or have != len(stored) or con.execute(
                _DISAGREE.format(kinds=", ".join("?" for _ in NO_ENTITY_KINDS)), NO_ENTITY_KINDS).fetchone()[0]:
            return None
        out: list[dict[str, Any]] = []
        for app, rows in con.execute("SELECT a.app, x.rows FROM app_answers x JOIN apps a ON a.app_id = x.app_id "
                                     "WHERE x.question = ? AND x.version = ? ORDER BY a.app", (UNNAMED, VERSION)):
            out += [_expand(app, r) for r in json.loads(rows)]
    except (sqlite3.Error, ValueError, TypeError):
        return None   # (an older file, a damaged row: the flows answer)
    return out


def sensitive_to_unnamed(reg: Registry) -> list[dict[str, Any]]:
    """:func:`lineage.scoped.sensitive_to_unnamed` of a registry database, its summary per app and
    recipient read from the stored answers where they hold (:func:`stored_unnamed`): a
    :class:`~lineage.deferred.DeferredAnswer` whose rows, and any other summary, are read from
    the flows when asked for (``--flows``, ``--json``, ``--evidence``)."""
    stored = reg.policies
    assert isinstance(stored, StoredPolicies)
    summary = stored_unnamed(stored)
    if summary is None:
        from lineage import scoped

        return scoped.sensitive_to_unnamed(reg)
    from lineage.deferred import DeferredAnswer

    read: list[Any] = []

    def from_flows() -> Any:
        if not read:
            from lineage import scoped

            read.append(scoped.sensitive_to_unnamed(reg))
        return read[0]

    def summarize(per_app: bool, evidence: bool) -> list[dict[str, Any]]:
        if per_app and not evidence:
            return [dict(s) for s in summary]
        return from_flows().lean_summary(per_app=per_app, evidence=evidence)

    return DeferredAnswer(sum(s["flows"] for s in summary), lambda: list(from_flows().rows()), summarize)
