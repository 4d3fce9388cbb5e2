"""Answers stored per app in the registry database (``app_answers``, lineage.app_answers).

``sensitive-unnamed`` for people reads one stored row per app instead of every flow. Those
rows must be exactly the summary the flows give, and must not be read where they could
differ: apps that disagree on a recipient's kind or a field's sensitivity (the whole
registry's graph takes the first app's), rows of another version, an app changed in memory.
Each case below checks that the answer is still the whole graph's, row for row.

The apps are the bundled seed policy (你我贷, ``data/seed_policy.txt``) under several names,
some with one fact changed.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

from lineage import exposure
from lineage.app_answers import UNNAMED, stored_unnamed
from lineage.backends import NetworkxBackend
from lineage.deferred import DeferredAnswer
from lineage.graph import build_graph
from lineage.summary import by_recipient
from registry import Registry, open_registry
from registry.database import connect, open_database, writer
from registry.model import Policy, RecipientKind

SEED = open_registry().policies["你我贷"]


def _as(app: str, p: Policy = SEED) -> Policy:
    return dataclasses.replace(p, app=app)


def _db(tmp_path: Path, *policies: Policy) -> Path:
    path = tmp_path / "r.db"
    with writer(path) as w:
        for p in policies:
            w.put(p)
    return path


def _same_as_the_graph(path: Path, *, stored: bool) -> None:
    """sensitive-unnamed of the database: the whole graph's rows and per-app summary; read from
    the stored answers exactly when ``stored``."""
    reg = open_database(path)
    assert (stored_unnamed(reg.policies) is not None) is stored
    whole = build_graph(Registry({a: reg.policies[a] for a in reg.apps}))
    want = exposure.sensitive_to_unnamed(whole)
    got = NetworkxBackend(registry=open_database(path)).sensitive_to_unnamed()
    assert isinstance(got, DeferredAnswer) and len(got) == len(want) > 0
    assert got.lean_summary(per_app=True, evidence=False) == by_recipient(want, per_app=True, evidence=False)
    assert got.lean_summary(per_app=True, evidence=True) == by_recipient(want, per_app=True, evidence=True)
    assert [dict(r) for r in got] == [dict(r) for r in want]


def test_every_app_written_has_its_answer_and_they_are_the_flows_summary(tmp_path):
    path = _db(tmp_path, _as("b"), _as("a"))
    con = sqlite3.connect(path)
    assert con.execute("SELECT a.app, x.question FROM app_answers x JOIN apps a USING (app_id) "
                       "ORDER BY a.app, x.question").fetchall() == [
        ("a", UNNAMED), ("a", "stats"), ("b", UNNAMED), ("b", "stats")]
    con.close()
    _same_as_the_graph(path, stored=True)
    rows = stored_unnamed(open_database(path).policies)
    # read from the policy: 旦米 (a brand no row ties to a company) gets 身份证号码 in 短信、电话通知及商业营销
    danmi = [r for r in rows if r["recipient"] == "旦米"]
    assert [r["app"] for r in danmi] == ["a", "b"]
    assert "身份证号码" in danmi[0]["sensitive_fields"] and danmi[0]["via"] == ["短信、电话通知及商业营销"]


def test_a_recipient_of_another_kind_in_another_app_is_answered_from_the_flows(tmp_path):
    # the graph takes the first app's kind; app "b" says 旦米 is a company: its stored rows lack it
    other = dataclasses.replace(SEED, app="b", recipients=tuple(
        dataclasses.replace(r, kind=RecipientKind.COMPANY) if r.name == "旦米" else r for r in SEED.recipients))
    _same_as_the_graph(_db(tmp_path, _as("a"), other), stored=False)


def test_a_field_of_another_sensitivity_in_another_app_is_answered_from_the_flows(tmp_path):
    other = dataclasses.replace(SEED, app="b", fields=tuple(
        dataclasses.replace(f, sensitive=not f.sensitive) if f.name == "身份证号码" else f for f in SEED.fields))
    _same_as_the_graph(_db(tmp_path, _as("a"), other), stored=False)


def test_rows_of_another_version_or_an_app_without_rows_are_not_read(tmp_path):
    path = _db(tmp_path, _as("a"), _as("b"))
    con = connect(path)
    con.execute("UPDATE app_answers SET version = version + 1 WHERE app_id = (SELECT app_id FROM apps WHERE app = 'b')")
    con.close()
    _same_as_the_graph(path, stored=False)
    con = connect(path)
    con.execute("DELETE FROM app_answers WHERE app_id = (SELECT app_id FROM apps WHERE app = 'b')")
    con.close()
    _same_as_the_graph(path, stored=False)


def test_a_replaced_app_replaces_its_answer(tmp_path):
    path = _db(tmp_path, _as("a"), _as("b"))
    # "b" again, without the rows that give 旦米 its flows
    fewer = dataclasses.replace(SEED, app="b", flows=tuple(f for f in SEED.flows if f.recipient != "旦米"))
    with writer(path) as w:
        w.put(fewer)
    _same_as_the_graph(path, stored=True)
    assert [r["app"] for r in stored_unnamed(open_database(path).policies) if r["recipient"] == "旦米"] == ["a"]


def test_an_app_changed_in_memory_is_answered_from_the_flows(tmp_path):
    reg = open_database(_db(tmp_path, _as("a")))
    reg.policies["b"] = _as("b")
    assert stored_unnamed(reg.policies) is None


def test_a_version_3_file_gets_the_answers_on_open(tmp_path):
    new = _db(tmp_path, _as("a"), _as("b"))
    old = tmp_path / "v3.db"
    shutil.copy(new, old)
    con = sqlite3.connect(old)
    con.execute("DROP TABLE app_answers")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    _same_as_the_graph(old, stored=True)
    con = sqlite3.connect(old)
    assert con.execute("SELECT count(*) FROM app_answers").fetchone()[0] == 2
    assert con.execute("PRAGMA user_version").fetchone()[0] == 4


def test_stats_over_apps_read_each_apps_stored_counts_and_add_up_the_same(tmp_path):
    from bench.synth import synth_registry
    from registry.stats import STORED, stats

    synth = list(synth_registry(apps=3, flows=3000, seed=5).policies.values())
    apps = [_as("a"), *synth]
    path = _db(tmp_path, *apps)
    want = stats(Registry({p.app: p for p in apps}))
    reg = open_database(path)
    assert set(reg.policies.stored_answers(*STORED)) == {p.app for p in apps}
    got = stats(reg)
    assert got == want
    assert reg.policies._loaded == {}  # no app was read whole: the counts came from their rows
    # the seed's counts as docs/counts.md gives them, whichever way they are read
    assert got["per_app"]["a"]["permissions"] == 12 and got["per_app"]["a"]["permission_rows"] == 20
    # an app stored before its counts were (or changed in memory) is read whole, the rest stored
    con = connect(path)
    con.execute("DELETE FROM app_answers WHERE question = ? AND app_id = (SELECT app_id FROM apps WHERE app = 'a')",
                (STORED[0],))
    con.close()
    reg = open_database(path)
    assert stats(reg) == want and set(reg.policies._loaded) == {"a"}
    # a damaged row (not JSON, or not the counts) is derived data: that app is read whole
    for bad in ("{", "[]", '{"counts": 1}'):
        con = connect(path)
        con.execute("UPDATE app_answers SET rows = ? WHERE question = ? AND app_id = "
                    "(SELECT app_id FROM apps WHERE app = ?)", (bad, STORED[0], synth[0].app))
        con.close()
        reg = open_database(path)
        assert stats(reg) == want and synth[0].app in reg.policies._loaded, bad
    reg = open_database(path)
    reg.policies["a"] = dataclasses.replace(SEED, app="a", flows=SEED.flows[:10])
    assert stats(reg)["flows"] == want["flows"] - len(SEED.flows) + 10
