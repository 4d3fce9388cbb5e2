"""The registry file as a SQLite database (issue 12): round trip, questions that read only
what they need, a killed import, two writers at once, files it must refuse.

The multi-app registry is the seed, the held-out real documents of ``bench/heldout/``
(each its own app) and a small synthetic registry (``bench.synth``: the same recipients
and fields recur across apps, as in a real registry of many apps). Answers read from the
database must be the whole graph's answers, row for row.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synth import synth_registry
from lineage import exposure
from lineage.app_answers import stored_unnamed
from lineage.backends import NetworkxBackend
from lineage.deferred import DeferredAnswer
from lineage.graph import build_graph
from lineage.summary import by_recipient
from registry import Registry, database, edge_rows, import_document, load_registry, open_registry
from registry.database import SCHEMA_VERSION, StoredPolicies, open_database, writer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed_policy.txt"
HELDOUT = ROOT / "bench" / "heldout"
SEED_FLOWS = len(open_registry().policies["你我贷"].flows)  # the bundled registry is a fresh import (test_registry_file)


def cli(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, **kw)


@pytest.fixture(scope="module")
def multi_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "registry.db"
    with writer(path) as w:
        for p in synth_registry(apps=25, flows=20000, seed=3).policies.values():
            w.put(p)
        w.put(open_registry().policies["你我贷"])
        for d in sorted(HELDOUT.iterdir()):
            src = next(d.glob("source.*"), None)
            if src is not None:
                policy, _ = import_document(src, app=d.name)
                if policy.flows:
                    w.put(policy)
    return path


def test_a_policy_reads_back_equal_to_what_was_written(tmp_path):
    seed = open_registry().policies["你我贷"]
    path = tmp_path / "r.db"
    with writer(path) as w:
        w.put(seed)
    back = open_database(path).policies["你我贷"]
    for f in dataclasses.fields(seed):
        assert getattr(back, f.name) == getattr(seed, f.name), f.name
    assert back.text is not None and "与第三方共享个人信息清单" in back.text


def test_import_default_is_a_database_and_reimport_replaces_one_app(tmp_path):
    out = tmp_path / "registry.db"
    r = cli("import", str(SEED), "-o", str(out), "--app", "A")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:16] == b"SQLite format 3\x00"
    assert cli("import", str(SEED), "-o", str(out), "--app", "B").returncode == 0
    r = cli("import", str(SEED), "-o", str(out), "--app", "A")
    assert f"replaced A: {SEED_FLOWS} -> {SEED_FLOWS} flows (no change)" in r.stdout
    con = sqlite3.connect(out)
    assert con.execute("SELECT app, count(*) FROM flows_readable GROUP BY app ORDER BY app").fetchall() == [
        ("A", SEED_FLOWS), ("B", SEED_FLOWS)]


def test_a_json_registry_converts_and_answers_the_same(tmp_path):
    out = tmp_path / "seed.db"
    r = cli("import", str(ROOT / "data" / "seed_registry.json"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    for q in (["who-receives", "身份证号", "--json"], ["sensitive-unnamed", "--json"],
              ["top-recipients", "手机号", "--json"], ["lineage", "身份证号", "--json"],
              ["fields-of", "百行征信有限公司", "--json"], ["audit", "--json"]):
        assert cli(*q, "-r", str(out)).stdout == cli(*q).stdout, q


def test_questions_across_apps_read_only_their_rows_and_answer_as_the_whole_graph(multi_db):
    stored = open_database(multi_db)
    whole = build_graph(Registry({a: stored.policies[a] for a in stored.apps}))
    names = sorted({d["name"] for _, d in whole.nodes(data=True) if d["kind"] == "field"})
    assert len(stored.apps) >= 30 and len(names) > 200
    for q in [*names, "设备", "手机", "Email", "address", "姓名、手机号"]:
        for implied, possible in ((True, False), (True, True), (False, False)):
            try:
                want = [dict(r) for r in exposure.who_receives(whole, q, include_implied=implied,
                                                               include_possible=possible)]
            except Exception as e:  # the same error, word for word
                want = f"{type(e).__name__}: {e}"
            b = NetworkxBackend(registry=open_database(multi_db))
            try:
                got = [dict(r) for r in b.who_receives(q, include_implied=implied, include_possible=possible)]
            except Exception as e:
                got = f"{type(e).__name__}: {e}"
            assert got == want, (q, implied, possible)
            assert b._G is None  # no whole graph was built
        try:
            want_top = exposure.recipients_by_apps(whole, q)
        except Exception as e:
            want_top = f"{type(e).__name__}: {e}"
        try:
            got_top = NetworkxBackend(registry=open_database(multi_db)).recipients_by_apps(q)
        except Exception as e:
            got_top = f"{type(e).__name__}: {e}"
        assert got_top == want_top, q
    want = exposure.sensitive_to_unnamed(whole)
    assert want and NetworkxBackend(registry=open_database(multi_db)).sensitive_to_unnamed() == want


def test_summaries_from_the_lean_flows_are_the_summaries_of_the_rows(multi_db):
    # who-receives and sensitive-unnamed for people: one row per recipient (per app and recipient),
    # computed from the lean flows without building the rows; the same as summarizing the whole
    # graph's rows, and the rows, once built, as many as the answer said
    stored = open_database(multi_db)
    whole = build_graph(Registry({a: stored.policies[a] for a in stored.apps}))
    names = sorted({d["name"] for _, d in whole.nodes(data=True) if d["kind"] == "field"})
    lean = 0
    for q in [*names[::2], "设备", "身份证号", "姓名、手机号"]:
        for implied, possible in ((True, False), (True, True), (False, False)):
            try:
                want = exposure.who_receives(whole, q, include_implied=implied, include_possible=possible)
            except Exception:
                continue
            got = NetworkxBackend(registry=open_database(multi_db)).who_receives(
                q, include_implied=implied, include_possible=possible)
            assert (got.possible, got.why, got.related) == (want.possible, want.why, want.related), q
            n = len(got)
            if isinstance(got, DeferredAnswer):
                lean += 1
                for per_app, evidence in ((False, False), (False, True), (True, False), (True, True)):
                    assert got.lean_summary(per_app=per_app, evidence=evidence) == by_recipient(
                        want, per_app=per_app, evidence=evidence), (q, implied, possible, per_app, evidence)
                assert not got.built
            assert [dict(r) for r in got] == [dict(r) for r in want] and len(got) == n, q
    assert lean > 100
    # top-recipients reads (app, recipient) pairs in SQL: the same rules as the lean flows'
    for name in names:
        assert sorted(edge_rows.recipient_apps(stored.policies, name)) == sorted(
            {(f[0], f[3]) for f in edge_rows.field_flows(stored.policies, [(name, 0)])}), name
    want = exposure.sensitive_to_unnamed(whole)
    assert stored_unnamed(stored.policies) is not None  # (its summary per app is the apps' stored answers)
    got = NetworkxBackend(registry=open_database(multi_db)).sensitive_to_unnamed()
    assert isinstance(got, DeferredAnswer) and len(got) == len(want) > 0
    for per_app, evidence in ((True, False), (True, True), (False, True)):
        assert got.lean_summary(per_app=per_app, evidence=evidence) == by_recipient(
            want, per_app=per_app, evidence=evidence)
    assert got == want and json.dumps(got) == json.dumps(want)


def test_a_question_about_one_app_reads_that_app_only(multi_db):
    reg = open_database(multi_db)
    b = NetworkxBackend(registry=reg, app="你我贷")
    rows = b.who_receives("身份证号", app="你我贷")
    assert "百行征信有限公司" in {r["recipient"] for r in rows}
    b.lineage("身份证号", app="你我贷")
    assert isinstance(reg.policies, StoredPolicies) and set(reg.policies._loaded) == {"你我贷"}
    whole = build_graph(Registry({a: reg.policies[a] for a in reg.apps}))
    for app in [*reg.apps[:8], "你我贷"]:
        one = NetworkxBackend(registry=open_database(multi_db), app=app)
        assert [dict(r) for r in one.who_receives("手机号", app=app)] == [
            dict(r) for r in exposure.who_receives(whole, "手机号", app=app)], app


def test_an_unknown_app_is_one_line_with_suggestions(multi_db):
    # (a unique part of an app's name resolves, docs/cli.md: '你我' is 你我贷; '你我花' is no app's)
    r = cli("who-receives", "手机号", "--app", "你我花", "-r", str(multi_db))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "你我贷" in r.stderr


def test_killed_imports_leave_the_old_or_the_new_app_never_half(tmp_path):
    """kill -9 at random moments, 24 times: the registry opens and the app is whole or absent."""
    out = tmp_path / "registry.db"
    assert cli("import", str(SEED), "-o", str(out), "--app", "old").returncode == 0
    rng = random.Random(12)
    outcomes = set()
    for _ in range(24):
        p = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "import", str(SEED), "-o", str(out),
                              "--app", "new", "--no-progress", "--replace"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.5))
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        reg = load_registry(out)
        assert len(reg.policies["old"].flows) == SEED_FLOWS
        if "new" in reg.policies:
            assert len(reg.policies["new"].flows) == SEED_FLOWS
            outcomes.add("new")
            with writer(out) as w:  # take it out again, so that the next kill can land before it
                w.delete("new")
        else:
            outcomes.add("absent")
        assert sqlite3.connect(out).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert outcomes == {"new", "absent"}, outcomes  # the kills landed both before and after the commit


def test_two_imports_of_different_apps_at_once_both_land(tmp_path):
    out = tmp_path / "registry.db"
    for attempt in range(4):
        names = [f"A{attempt}", f"B{attempt}"]
        procs = [subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "import", str(SEED), "-o", str(out),
                                   "--app", n, "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for n in names]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
        assert set(names) <= set(load_registry(out).apps)
    assert len(load_registry(out).apps) == 8


def test_a_second_writer_waits_then_fails_in_one_line(tmp_path):
    out = tmp_path / "registry.db"
    assert cli("import", str(SEED), "-o", str(out), "--app", "A").returncode == 0
    with writer(out):  # hold the write lock
        r = cli("import", str(SEED), "-o", str(out), "--app", "B", env={**os.environ,
                                                                    "SHAREGRAPH_LOCK_TIMEOUT": "1"})
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "another process is writing to it" in r.stderr and "Traceback" not in r.stderr
    assert load_registry(out).apps == ["A"]


def _one_line_error(r: subprocess.CompletedProcess[str], *words: str) -> None:
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def test_files_that_are_not_a_registry_database_are_refused_in_one_line(tmp_path):
    good = tmp_path / "good.db"
    assert cli("import", str(SEED), "-o", str(good)).returncode == 0
    data = good.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(data[: len(data) // 3])
    _one_line_error(cli("who-receives", "手机号", "-r", str(cut)), "cut.db")
    junk = tmp_path / "junk.db"
    junk.write_text("neither SQLite nor JSON\n", encoding="utf-8")
    _one_line_error(cli("who-receives", "手机号", "-r", str(junk)), "junk.db")
    newer = tmp_path / "newer.db"
    newer.write_bytes(data)
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    _one_line_error(cli("who-receives", "手机号", "-r", str(newer)), "newer.db", "newer than this sharegraph")
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    _one_line_error(cli("who-receives", "手机号", "-r", str(foreign)), "not a sharegraph registry")
    _one_line_error(cli("import", str(SEED), "-o", str(foreign)), "not a sharegraph registry")
    assert sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    # a database with nothing in it (what a reader may meet while an import makes the file):
    # a question says so; an import gives it the schema
    empty = tmp_path / "empty.db"
    con = sqlite3.connect(empty)
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    assert empty.stat().st_size > 0
    _one_line_error(cli("who-receives", "手机号", "-r", str(empty)), "empty.db", "an empty SQLite database")
    assert cli("import", str(SEED), "-o", str(empty)).returncode == 0
    assert load_registry(empty).apps == ["你我贷"]


def test_a_bad_value_inside_the_database_is_one_line(tmp_path):
    out = tmp_path / "registry.db"
    assert cli("import", str(SEED), "-o", str(out)).returncode == 0
    con = sqlite3.connect(out)
    # a recipient of 手机号码 (a row the question reads: a question across apps reads no other)
    con.execute("UPDATE recipients SET kind = 'bogus' WHERE name = "
                "(SELECT recipient FROM flows WHERE field = '手机号码' ORDER BY flow_id LIMIT 1)")
    con.commit()
    con.close()
    _one_line_error(cli("who-receives", "手机号", "-r", str(out)), "registry.db")
    _one_line_error(cli("who-receives", "手机号", "--app", "你我贷", "-r", str(out)), "registry.db")


def test_two_imports_creating_the_same_new_database_both_land(tmp_path):
    """Both processes find no file; one creates the schema, the other waits and uses it."""
    for attempt in range(8):
        out = tmp_path / f"new{attempt}.db"
        procs = [subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "import", str(SEED), "-o", str(out),
                                   "--app", n, "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for n in ("A", "B")]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, (attempt, err)
        assert load_registry(out).apps == ["A", "B"]


def _as_version_1(new: Path, old: Path) -> None:
    """A copy of ``new`` as version 1 was: no edge tables, no covering name indexes, the flow
    indexes of the time."""
    shutil.copy(new, old)
    con = sqlite3.connect(old)
    for obj in ("flow_edges", "recipient_edges"):
        con.execute(f"DROP TABLE {obj}")
    for index in ("fields_by_name", "recipients_by_name", "scenarios_by_name", "sdks_by_name"):
        con.execute(f"DROP INDEX {index}")
    con.execute("CREATE INDEX fields_by_name ON fields (name, app_id)")
    con.execute("CREATE INDEX flows_by_field ON flows (field, field_as_written)")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()


def _open_old(path: str, barrier, errors) -> None:
    barrier.wait()
    try:
        database.connect(path).close()
    except Exception as e:
        errors.put(f"{path}: {e}")


def test_two_processes_opening_one_old_file_at_once_migrate_it_once(tmp_path):
    """The second waits for the first's migration, then finds the file current. It used to run
    the steps again on the migrated file, and the edge tables' rows clashed."""
    import multiprocessing

    new = tmp_path / "new.db"
    with writer(new) as w:
        w.put(open_registry().policies["你我贷"])
    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for i in range(6):
        old = tmp_path / f"v1-{i}.db"
        _as_version_1(new, old)
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_open_old, args=(str(old), barrier, errors)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
            assert p.exitcode == 0
        con = sqlite3.connect(old)
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.execute("ATTACH ? AS new", (str(new),))
        for table in ("flow_edges", "recipient_edges"):  # made once: the same rows as a fresh file's
            assert con.execute(f"SELECT * FROM {table} EXCEPT SELECT * FROM new.{table}").fetchall() == []
            assert (con.execute(f"SELECT count(*) FROM {table}").fetchone()
                    == con.execute(f"SELECT count(*) FROM new.{table}").fetchone()), table
        con.close()
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []


def test_a_version_1_file_is_migrated_on_open_and_answers_the_same(tmp_path, multi_db):
    """Schema 1 had no edge tables: a file of that version gets them on first open."""
    old = tmp_path / "v1.db"
    _as_version_1(multi_db, old)
    for q in (["who-receives", "身份证号", "--json"], ["sensitive-unnamed", "--json"],
              ["top-recipients", "手机号", "--json"]):
        assert cli(*q, "-r", str(old)).stdout == cli(*q, "-r", str(multi_db)).stdout, q
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert con.execute("SELECT count(*) FROM flow_edges").fetchone()[0] > 0
    assert not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'flows_by_field'").fetchall()
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _name_counts(path: Path) -> list[tuple[str, str, str, int]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT kind, name, value, apps FROM name_counts ORDER BY kind, name, value").fetchall()
    finally:
        con.close()


def test_name_counts_follow_every_import_and_removal(tmp_path, multi_db):
    # the names a question across apps resolves against are counted per app as apps come and go:
    # after adding, replacing and removing apps, the counts are those of the apps left, counted afresh
    path = tmp_path / "r.db"
    shutil.copy(multi_db, path)
    seed = open_registry().policies["你我贷"]
    with writer(path) as w:
        gone = w.apps()[:5]
        for app in gone:
            w.delete(app)
        w.put(dataclasses.replace(seed, app="又一个"))
        w.put(dataclasses.replace(seed, app=w.apps()[0], fields=seed.fields[:40]))
    kept = _name_counts(path)
    assert ("field", "身份证号码", "=个人身份信息\x1f1\x1f1") in {k[:3] for k in kept}
    fresh = tmp_path / "fresh.db"
    with writer(fresh) as w:
        for app in open_database(path).apps:
            w.put(open_database(path).policies[app])
    assert kept == _name_counts(fresh)
    con = sqlite3.connect(path)  # what version 2 was: no name_counts
    con.execute("DROP TABLE name_counts")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()
    reg = open_database(path)
    assert _name_counts(path) == kept
    assert NetworkxBackend(registry=reg).who_receives("身份证号") == NetworkxBackend(
        registry=open_database(fresh)).who_receives("身份证号")


def test_the_field_names_of_a_question_across_apps_walk_as_the_names_graph(multi_db):
    # who-receives and top-recipients across apps find their fields without networkx
    # (lineage.field_names): the same nodes, attributes and walks as lineage.graph.names_graph
    from lineage.field_names import field_names
    from lineage.graph import names_graph
    from lineage.ids import field_id
    from lineage.names import field_index
    from registry.database import field_catalogue

    reg = open_database(multi_db)
    cat = field_catalogue(reg.policies)
    G = names_graph(reg.apps, cat["fields"], cat["groups"], cat["granted"])
    names = field_names(reg.apps, cat["fields"], cat["groups"], cat["granted"], cat["spellings"])
    assert list(names.fields) == [d["name"] for _, d in G.nodes(data=True)] and len(names.fields) > 200
    walks = 0
    for n, attrs in names.fields.items():
        assert {k: G.nodes[field_id(n)][k] for k in ("category", "sensitive", "resolved")} == {
            k: attrs[k] for k in ("category", "sensitive", "resolved")}, n
        for down in (True, False):
            want = [G.nodes[x]["name"] for x in exposure._hierarchy(G, field_id(n), down=down)]
            assert names.hierarchy(n, down=down) == want, (n, down)
            walks += bool(want)
    assert walks > 100
    assert names.index.names == field_index(G).names


def _connect_new(path: str, barrier, errors) -> None:
    barrier.wait()
    try:
        database.connect(path, create=True).close()
    except Exception as e:
        errors.put(f"{path}: {e}")


def test_two_processes_making_the_same_new_database_at_once_both_open_it(tmp_path):
    """The race behind a CI failure: SQLite refuses a second switch to WAL without waiting.

    Started together from a barrier, 30 pairs of processes open a missing file with
    ``create=True``. Before creators took turns on the sidecar lock, about 4 in 10 pairs had
    one fail at once with "database is locked"; now every open succeeds.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for i in range(30):
        path = str(tmp_path / f"race{i}.db")
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_connect_new, args=(path, barrier, errors)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == database.APPLICATION_ID
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
