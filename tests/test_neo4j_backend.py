"""The Neo4j backend against a real server: the push, parity with networkx, faults, the CLI.

No mocks: every test talks Bolt to the server of tests/neo4j_server.py (the local
embedded Neo4j, or the one NEO4J_URI names; its database is wiped before tests).
Parity means the same rows, with the same keys and values, in the same order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import socket
from collections import Counter
from typing import Any

import pytest

from lineage import impact
from lineage.backends import NetworkxBackend
from lineage.backends.neo4j import Neo4jBackend, connect, query
from lineage.backends.neo4j.digest import app_digest, graph_context
from lineage.backends.neo4j.push import neo4j_props, push
from lineage.graph import build_graph
from lineage.paths import annotate_business_functions
from registry.errors import BackendError, SharegraphError
from registry.model import Field, Registry

pytestmark = pytest.mark.neo4j

OTHER = "另一个应用"
NASTY = "a'b\"c\\d}) MATCH (n) DETACH DELETE n //"
BOOKKEEPING = {"in_apps", "as_written_app", "as_written_text", "push_complete", "pushed_sha256",
               "pending_sha256", "pushed_at", "seq", "all_fields_vias", "via_field_pairs", "hier_up",
               "hier_down", "functions_app", "functions_json"}


# -- helpers ---------------------------------------------------------------------------------------

def _driver(env: dict[str, Any]) -> Any:
    return connect(env["uri"], env["user"], env["password"], env["database"])


def _dump(driver: Any, database: str, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN n.key AS key, labels(n) AS labels, properties(n) AS p", database_=database)
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p",
        database_=database)
    def clean(p: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if k not in skip}
    return {
        "nodes": sorted([r["key"], r["labels"], clean(r["p"])] for r in nodes),
        "rels": sorted(([r["a"], r["t"], r["b"], clean(r["p"])] for r in rels),
                       key=lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True)),
    }


def _checksum(dump: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(dump, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _nx(reg: Registry) -> Any:
    """The networkx graph the CLI answers from: with the business functions of the policies' prose."""
    G = build_graph(reg)
    annotate_business_functions(G, reg)
    return G


def _counts(driver: Any, database: str) -> tuple[Counter[str], Counter[str]]:
    n, _, _ = driver.execute_query("MATCH (n) RETURN labels(n)[0] AS l, count(*) AS c", database_=database)
    r, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c", database_=database)
    return Counter({x["l"]: x["c"] for x in n}), Counter({x["t"]: x["c"] for x in r})


def _nx_counts(G: Any) -> tuple[Counter[str], Counter[str]]:
    from lineage.backends.neo4j.push import LABELS, REL_TYPES

    return (Counter(LABELS[d["kind"]] for _, d in G.nodes(data=True)),
            Counter(REL_TYPES[d["kind"]] for *_, d in G.edges(data=True)))


def _assert_mirrors(driver: Any, database: str, reg: Registry) -> None:
    """Neo4j holds exactly the networkx graph of reg: same nodes, edges and properties, nothing lost."""
    from lineage.backends.neo4j.push import LABELS

    G = _nx(reg)
    assert _counts(driver, database) == _nx_counts(G)
    dump = _dump(driver, database, skip=frozenset(BOOKKEEPING))
    labels = {LABELS[d["kind"]] for _, d in G.nodes(data=True)}
    have_nodes = {k: (ls, p) for k, ls, p in dump["nodes"]}
    for n, d in G.nodes(data=True):
        ls, p = have_nodes[n]
        assert ls == [LABELS[d["kind"]]] and ls[0] in labels
        want = {k: v for k, v in neo4j_props(d).items() if v is not None}
        want["key"] = n
        if d["kind"] == "recipient":   # the union over apps; its order may differ after replacements
            assert sorted(p.pop("as_written")) == sorted(want.pop("as_written")), n
        assert p == want, n
    _assert_hierarchy_lists(driver, database)
    have_rels = Counter(json.dumps([a, t, b, p], ensure_ascii=False, sort_keys=True)
                        for a, t, b, p in dump["rels"])
    want_rels: Counter[str] = Counter()
    for u, v, k, d in G.edges(keys=True, data=True):
        p = {x: y for x, y in neo4j_props(d).items() if y is not None}
        p["key"] = k
        want_rels[json.dumps([u, d["kind"].upper(), v, p], ensure_ascii=False, sort_keys=True)] += 1
    assert have_rels == want_rels


def _assert_hierarchy_lists(driver: Any, database: str) -> None:
    """The fields' hier_up/hier_down lists give the hierarchy the MEMBER_OF edges give."""
    from lineage.backends.neo4j import cypher as Q

    keys = [r["k"] for r in driver.execute_query("MATCH (f:Field) RETURN f.key AS k", database_=database).records]
    for k in keys:
        fast = driver.execute_query(Q.HIERARCHY, key=k, database_=database).records[0]
        slow = driver.execute_query(Q.HIERARCHY_EDGES, key=k, hidden=[], database_=database).records[0]
        assert not fast["deeper"], k
        assert sorted(fast["members"]) == sorted(slow["members"]), k
        assert sorted(fast["groups"]) == sorted(slow["groups"]), k


def _ensure_pushed(driver: Any, database: str, reg: Registry) -> None:
    """Push ``reg`` unless the database holds exactly it already (parity tests share one push)."""
    context = graph_context()
    want = {a: app_digest(reg.policies[a], context) for a in reg.apps}
    recs, _, _ = driver.execute_query(
        "MATCH (a:App) RETURN a.name AS app, a.pushed_sha256 AS sha, a.push_complete AS done",
        database_=database)
    have = {r["app"]: r["sha"] for r in recs if r["done"]}
    if have != want or len(recs) != len(want):
        from tests.neo4j_server import wipe_database

        wipe_database(driver, database)
        push(driver, reg, database=database, progress=False)


def _renamed(reg: Registry, app: str) -> Registry:
    p = next(iter(reg.policies.values()))
    return Registry({app: dataclasses.replace(p, app=app)})


def synthetic_registry(n: int = 20, seed: int = 20240601) -> Registry:
    """``n`` apps made from the seed: each loses 0-3 partners and gains 0-2 (some with a field subset)."""
    from registry import open_registry

    base = open_registry()
    p0 = base.policies[base.apps[0]]
    rnd = random.Random(seed)
    recipients = sorted({f.recipient for f in p0.flows})
    scenarios = [s.name for s in p0.scenarios]
    sdks = [s.name for s in p0.sdks]
    partners = ["某某数据科技有限公司", "小米", "合作的持牌金融机构", "北京测试科技有限公司",
                "伙伴一科技有限公司", "伙伴二科技有限公司"]
    reg = Registry()
    for i in range(n):
        name = f"应用{i:02d}"
        one = _renamed(base, name)
        for r in rnd.sample(recipients, rnd.randint(0, 3)):
            _, one = impact.remove_partner(one, r, app=name)
        for _ in range(rnd.randint(0, 2)):
            partner = rnd.choice(partners)
            if rnd.random() < 0.6:
                sc = rnd.choice(scenarios)
                fields = None
                if rnd.random() < 0.5:
                    fs = sorted({f.field for f in one.policies[name].flows if f.via == sc})
                    fields = rnd.sample(fs, max(1, len(fs) // 2)) if fs else None
                _, one = impact.add_partner(one, partner, app=name, scenario=sc, fields=fields)
            else:
                _, one = impact.add_partner(one, partner, app=name, sdk=rnd.choice([*sdks, "新SDK"]),
                                            fields=["IMEI", "手机号"])
        reg.add(one.policies[name])
    return reg


@pytest.fixture(scope="module")
def synth_registry() -> Registry:
    return synthetic_registry()


@pytest.fixture(scope="module")
def shared_driver(neo4j_env: dict[str, Any]) -> Any:
    driver = _driver(neo4j_env)
    yield driver
    driver.close()


# -- push ------------------------------------------------------------------------------------------

def test_push_seed_mirrors_the_networkx_graph(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    result = push(neo4j_driver, seed_registry, database=db, progress=False)
    assert result.apps == seed_registry.apps and not result.unchanged
    _assert_mirrors(neo4j_driver, db, seed_registry)
    recs, _, _ = neo4j_driver.execute_query(
        "MATCH (a:App) RETURN a.push_complete AS done, a.pushed_sha256 AS sha", database_=db)
    assert [r["done"] for r in recs] == [True] and len(recs[0]["sha"]) == 64
    # evidence travels with the flows
    recs, _, _ = neo4j_driver.execute_query(
        "MATCH (:Field {name: '身份证号码'})-[r:FLOWS_INTO]->() RETURN r.file AS f, r.line AS l, "
        "r.evidence AS e, r.table AS t, r.row AS row, r.column AS c LIMIT 1", database_=db)
    assert recs[0]["f"] == "seed_policy.txt" and recs[0]["l"] > 0 and recs[0]["e"] and recs[0]["t"]


def test_second_push_changes_nothing(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    before = _dump(neo4j_driver, db)
    again = push(neo4j_driver, seed_registry, database=db, progress=False)
    assert again.unchanged == seed_registry.apps and not again.apps
    assert _checksum(_dump(neo4j_driver, db)) == _checksum(before)
    # rewriting everything (MERGE on keys) changes nothing either, but the push time
    forced = push(neo4j_driver, seed_registry, database=db, progress=False, force=True, batch_size=50)
    assert forced.apps == seed_registry.apps and not forced.replaced
    skip = frozenset({"pushed_at"})
    assert _checksum(_dump(neo4j_driver, db, skip=skip)) == _checksum(_dump_skip(before, skip))


def _counting_graphs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The apps whose graph the push builds from now on, in order."""
    import importlib

    push_module = importlib.import_module("lineage.backends.neo4j.push")
    built: list[str] = []
    real = push_module.app_graph

    def app_graph(reg: Registry, app: str) -> Any:
        built.append(app)
        return real(reg, app)

    monkeypatch.setattr(push_module, "app_graph", app_graph)
    return built


def test_unchanged_apps_are_not_built_again(neo4j_driver, neo4j_env, synth_registry, monkeypatch):
    """A push of an unchanged registry compares digests of the policies and builds no graph;
    a changed app among unchanged ones is built and pushed, alone, and the database then
    answers as networkx does on the new registry."""
    db = neo4j_env["database"]
    built = _counting_graphs(monkeypatch)
    first = push(neo4j_driver, synth_registry, database=db, progress=False)
    assert first.apps == synth_registry.apps and built == synth_registry.apps
    before = _checksum(_dump(neo4j_driver, db))
    built.clear()
    again = push(neo4j_driver, synth_registry, database=db, progress=False)
    assert again.unchanged == synth_registry.apps and not again.apps and built == []
    assert _checksum(_dump(neo4j_driver, db)) == before
    # one app changes: a recipient it shares with the others leaves it (and stays for them)
    app = synth_registry.apps[1]
    gone = next(f.recipient for f in synth_registry.policies[app].flows
                if any(f.recipient in {g.recipient for g in synth_registry.policies[b].flows}
                       for b in synth_registry.apps if b != app))
    _, one = impact.remove_partner(Registry({app: synth_registry.policies[app]}), gone, app=app)
    v2 = Registry(dict(synth_registry.policies))
    v2.add(one.policies[app])
    built.clear()
    result = push(neo4j_driver, v2, database=db, progress=False)
    assert built == [app] and result.apps == [app] and result.replaced == [app]
    assert result.unchanged == [a for a in v2.apps if a != app]
    _assert_mirrors(neo4j_driver, db, v2)
    _assert_parity(Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(v2)), _cases(v2))
    assert Neo4jBackend(neo4j_driver, db).fields_of(gone, app=app) == []
    assert Neo4jBackend(neo4j_driver, db).fields_of(gone)


def test_a_changed_vocabulary_pushes_every_app_again(neo4j_driver, neo4j_env, seed_registry, monkeypatch,
                                                     tmp_path):
    """The graph depends on the vocabulary too (categories, the hierarchy): the digest reads it."""
    import shutil

    from registry import vocabulary
    from registry.datafiles import DATA_DIR

    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    for f in DATA_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    with open(tmp_path / "fields.yaml", "a", encoding="utf-8") as out:
        out.write("\n# a DPO's comment: the file changed, the graph may have\n")
    monkeypatch.setenv("SHAREGRAPH_VOCAB", str(tmp_path))
    assert vocabulary.vocabulary_dir() == tmp_path
    built = _counting_graphs(monkeypatch)
    again = push(neo4j_driver, seed_registry, database=db, progress=False)
    assert again.apps == seed_registry.apps and built == seed_registry.apps
    _assert_mirrors(neo4j_driver, db, seed_registry)


def _dump_skip(dump: dict[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    return {
        "nodes": [[k, labels, {x: y for x, y in p.items() if x not in skip}] for k, labels, p in dump["nodes"]],
        "rels": dump["rels"],
    }


def test_new_version_of_an_app_replaces_its_flows(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    _, v2 = impact.remove_partner(seed_registry, "百行征信有限公司")
    _, v2 = impact.add_partner(v2, "某某数据科技有限公司", scenario="风控审核、信用初审", fields=["身份证号"])
    result = push(neo4j_driver, v2, database=db, progress=False)
    assert result.replaced == seed_registry.apps
    _assert_mirrors(neo4j_driver, db, v2)
    gone, _, _ = neo4j_driver.execute_query(
        "MATCH (r:Recipient {name: '百行征信有限公司'}) RETURN count(r) AS n", database_=db)
    assert gone[0]["n"] == 0   # its only app dropped it: an orphan, removed
    _assert_parity(Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(v2)), _cases(v2))


def test_new_version_with_another_hierarchy(neo4j_driver, neo4j_env, seed_registry):
    """Groups a policy no longer lists leave the hierarchy the questions walk."""
    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    p = next(iter(seed_registry.policies.values()))
    grouped = [f for f in p.fields if f.parent]
    assert grouped
    fields = tuple(dataclasses.replace(f, parent=None) if f.parent else f for f in p.fields)
    v2 = Registry({p.app: dataclasses.replace(p, fields=fields)})
    push(neo4j_driver, v2, database=db, progress=False)
    _assert_mirrors(neo4j_driver, db, v2)
    groups = sorted({f.parent for f in grouped})
    cases = [("who_receives", (g,), {}) for g in groups] + [("who_receives", (f.name,), {}) for f in grouped]
    _assert_parity(Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(v2)), cases)
    push(neo4j_driver, seed_registry, database=db, progress=False)   # and back
    _assert_mirrors(neo4j_driver, db, seed_registry)
    _assert_parity(Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(seed_registry)), cases)


def test_new_version_of_one_app_leaves_the_other_untouched(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    first = seed_registry.apps[0]
    two = Registry(dict(seed_registry.policies))
    two.add(_renamed(seed_registry, OTHER).policies[OTHER])
    push(neo4j_driver, two, database=db, progress=False)
    _assert_mirrors(neo4j_driver, db, two)

    def of_other() -> str:
        nodes, _, _ = neo4j_driver.execute_query(
            "MATCH (n) WHERE n.app = $a OR n.key = $k RETURN n.key AS k, properties(n) AS p",
            a=OTHER, k=f"app:{OTHER}", database_=db)
        rels, _, _ = neo4j_driver.execute_query(
            "MATCH (x)-[r]->(y) WHERE r.app = $a RETURN x.key AS x, y.key AS y, properties(r) AS p",
            a=OTHER, database_=db)
        return _checksum({"nodes": sorted(json.dumps(r.data(), ensure_ascii=False, sort_keys=True) for r in nodes),
                          "rels": sorted(json.dumps(r.data(), ensure_ascii=False, sort_keys=True) for r in rels)})

    before = of_other()
    _, v2 = impact.remove_partner(two, "小米", app=first)
    result = push(neo4j_driver, v2, app=first, database=db, progress=False)
    assert result.replaced == [first] and result.apps == [first]
    assert of_other() == before
    _assert_mirrors(neo4j_driver, db, v2)
    _assert_parity(Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(v2)), _cases(v2))
    # 小米 is still there: the other app shares with it
    assert Neo4jBackend(neo4j_driver, db).fields_of("小米", app=OTHER)
    assert Neo4jBackend(neo4j_driver, db).fields_of("小米", app=first) == []


def test_apps_that_disagree_about_a_shared_node_over_several_chunks(neo4j_driver, neo4j_env, seed_registry,
                                                                    monkeypatch):
    """A shared node's properties are the first app's, as on networkx, also when the push writes
    the apps in several chunks (here one app each)."""
    import importlib

    push_module = importlib.import_module("lineage.backends.neo4j.push")
    db = neo4j_env["database"]
    first = next(iter(seed_registry.policies.values()))
    other = _renamed(seed_registry, OTHER).policies[OTHER]
    # the seed's own contacts: the other app gives its first recipient with a contact the second's
    named = [r for r in other.recipients if r.contact]
    changed = tuple(dataclasses.replace(r, contact=named[1].contact) if r.name == named[0].name else r
                    for r in other.recipients)
    reg = Registry({first.app: first, OTHER: dataclasses.replace(other, recipients=changed)})
    assert reg.apps == [first.app, OTHER]
    monkeypatch.setattr(push_module, "FIRST_CHUNK_ROWS", 1)
    result = push(neo4j_driver, reg, database=db, progress=False)
    assert result.apps == reg.apps
    _assert_mirrors(neo4j_driver, db, reg)
    recs, _, _ = neo4j_driver.execute_query("MATCH (r:Recipient {name: $n}) RETURN r.contact AS c",
                                            n=named[0].name, database_=db)
    assert [r["c"] for r in recs] == [named[0].contact]


# -- parity ----------------------------------------------------------------------------------------

def _cases(reg: Registry) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    """Every question, with each filter, on the apps of ``reg`` (first app for app scopes)."""
    a = reg.apps[0]
    G = build_graph(reg)
    cats = sorted({d["category"] for _, d in G.nodes(data=True) if d["kind"] == "field" and d["category"]})
    out: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    for f in ("身份证号", "IMEI", "设备信息", "地理位置信息", "手机号", "银行卡号", "MAC地址", "身份证信息",
              "个人常用设备信息", "电话号码"):
        for implied in (True, False):
            out.append(("who_receives", (f,), {"include_implied": implied}))
            out.append(("who_receives", (f,), {"include_implied": implied, "app": a}))
    for r in ("小米", "百行征信有限公司", "广西嘉数信息科技有限公司委托的外包服务机构", "合作的持牌金融机构",
              "小米科技有限责任公司", "合作方"):
        out.append(("fields_of", (r,), {}))
        out.append(("fields_of", (r,), {"app": a}))
    out.append(("exposure", (), {}))
    out.append(("exposure", (), {"app": a}))
    out += [("exposure", (), {"category": c}) for c in cats[:4]]
    out += [("exposure", (), {"sensitive": s}) for s in (True, False)]
    out += [("exposure", (), {"channel": c, "app": a}) for c in ("sharing", "sdk")]
    out.append(("exposure", (), {"limit": 5, "sensitive": True, "channel": "sharing"}))
    for f in ("身份证号", "设备信息", "地理位置信息", "IMEI", "手机号"):
        out.append(("lineage", (f,), {}))
        out.append(("lineage", (f,), {"app": a}))
        out.append(("recipients_by_apps", (f,), {}))
        out.append(("recipients_by_apps", (f,), {"limit": 3}))
    out.append(("sensitive_to_unnamed", (), {}))
    out.append(("sensitive_to_unnamed", (), {"app": a}))
    return out


def _call(backend: Any, name: str, args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
    try:
        return getattr(backend, name)(*args, **kw)
    except SharegraphError as e:   # errors must match too: type, message, suggestions
        return ("error", type(e).__name__, str(e))


def _assert_parity(neo: Any, nx_: Any, cases: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
    bad = []
    for name, args, kw in cases:
        want, got = _call(nx_, name, args, kw), _call(neo, name, args, kw)
        if want != got:
            bad.append(f"{name}{args}{kw}")
    assert not bad, f"{len(bad)} of {len(cases)} questions differ: {bad[:10]}"


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_parity_every_question(which, shared_driver, neo4j_env, seed_registry, synth_registry):
    reg = seed_registry if which == "seed" else synth_registry
    _ensure_pushed(shared_driver, neo4j_env["database"], reg)
    neo = Neo4jBackend(shared_driver, neo4j_env["database"])
    nx_ = NetworkxBackend(_nx(reg))
    cases = _cases(reg)
    assert len(cases) > 60
    _assert_parity(neo, nx_, cases)


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_parity_every_field_and_recipient(which, shared_driver, neo4j_env, seed_registry, synth_registry):
    """who_receives for every field (both ways), fields_of for every recipient, with and without app."""
    reg = seed_registry if which == "seed" else synth_registry
    _ensure_pushed(shared_driver, neo4j_env["database"], reg)
    G = _nx(reg)
    fields = sorted(d["name"] for _, d in G.nodes(data=True) if d["kind"] == "field")
    recipients = sorted(d["name"] for _, d in G.nodes(data=True) if d["kind"] == "recipient")
    apps = [None, reg.apps[-1]]
    cases = [("who_receives", (f,), {"include_implied": i, "app": a})
             for f in fields for i in (True, False) for a in apps]
    cases += [("fields_of", (r,), {"app": a}) for r in recipients for a in apps]
    cases += [("lineage", (f,), {}) for f in fields[::7]]
    _assert_parity(Neo4jBackend(shared_driver, neo4j_env["database"]), NetworkxBackend(G), cases)


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_parity_unknown_names(which, shared_driver, neo4j_env, seed_registry, synth_registry):
    reg = seed_registry if which == "seed" else synth_registry
    _ensure_pushed(shared_driver, neo4j_env["database"], reg)
    cases = [
        ("who_receives", ("身份证号吗",), {}), ("who_receives", ("完全没有的东西",), {}),
        ("who_receives", ("身份证号",), {"app": "没有这个应用"}), ("fields_of", ("小米科技",), {}),
        ("fields_of", ("不存在的公司",), {}), ("exposure", (), {"app": reg.apps[0] + "x"}),
        ("recipients_by_apps", ("imei",), {}), ("who_receives", (" Imei ",), {}),
        ("lineage", ("身份证号吗",), {}), ("sensitive_to_unnamed", (), {"app": "没有"}),
    ]
    _assert_parity(Neo4jBackend(shared_driver, neo4j_env["database"]), NetworkxBackend(_nx(reg)), cases)


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_breach_matches_impact(which, shared_driver, neo4j_env, seed_registry, synth_registry):
    reg = seed_registry if which == "seed" else synth_registry
    _ensure_pushed(shared_driver, neo4j_env["database"], reg)
    neo = Neo4jBackend(shared_driver, neo4j_env["database"])
    for partner in ("百行征信有限公司", "小米", "广西嘉数信息科技有限公司", "合作的持牌金融机构"):
        for app in (None, reg.apps[0]):
            assert neo.breach(partner, app=app) == impact.breach(reg, partner, app=app), (partner, app)


# -- faults ----------------------------------------------------------------------------------------

def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _one_line_error(fn: Any) -> str:
    with pytest.raises(BackendError) as e:
        fn()
    msg = str(e.value)
    assert "\n" not in msg and msg
    return msg


def test_missing_uri(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    msg = _one_line_error(Neo4jBackend.from_env)
    assert msg == "NEO4J_URI is not set: point it at a server (see docs/neo4j-local.md)"


def test_wrong_password(neo4j_env, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", neo4j_env["uri"])
    monkeypatch.setenv("NEO4J_USER", neo4j_env["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_env["password"] + "-not-it")
    assert "NEO4J_PASSWORD" in _one_line_error(Neo4jBackend.from_env)


def test_server_down(neo4j_env):
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    assert "cannot reach Neo4j" in _one_line_error(
        lambda: connect(uri, neo4j_env["user"], neo4j_env["password"]))


def test_wrong_database(neo4j_driver, neo4j_env, seed_registry):
    msg = _one_line_error(lambda: push(neo4j_driver, seed_registry, database="nosuchdb", progress=False))
    assert "no database 'nosuchdb'" in msg
    msg = _one_line_error(lambda: Neo4jBackend(neo4j_driver, "nosuchdb").who_receives("身份证号"))
    assert "no database 'nosuchdb'" in msg


def test_routing_uri_pushes_and_answers(neo4j_driver, neo4j_env, seed_registry, monkeypatch):
    """neo4j:// (what a cluster or Aura's neo4j+s:// uses) goes to the driver unchanged."""
    scheme, sep, rest = neo4j_env["uri"].partition("://")
    monkeypatch.setenv("NEO4J_URI", "neo4j" + scheme.removeprefix("bolt").removeprefix("neo4j") + sep + rest)
    monkeypatch.setenv("NEO4J_USER", neo4j_env["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_env["password"])
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_env["database"])
    with Neo4jBackend.from_env() as neo:
        push(neo.driver, seed_registry, database=neo.database, progress=True)   # no TTY: no bar
        assert neo.who_receives("身份证号") == NetworkxBackend(_nx(seed_registry)).who_receives("身份证号")


def test_bad_uri():
    assert "not a Bolt URI" in _one_line_error(lambda: connect("http://localhost:7474", "neo4j", "x"))


def _with_nasty_names(reg: Registry) -> Registry:
    """The seed with a field, a recipient and the app named like Cypher injections."""
    p = next(iter(reg.policies.values()))
    old_field, old_recipient = "身份证号码", "百行征信有限公司"
    nasty_recipient = NASTY + " 有限公司"
    flows = tuple(dataclasses.replace(
        f, field=NASTY if f.field == old_field else f.field,
        recipient=nasty_recipient if f.recipient == old_recipient else f.recipient) for f in p.flows)
    fields = tuple(Field(NASTY, f.category, f.sensitive, None, False, (NASTY,)) if f.name == old_field else f
                   for f in p.fields)
    recipients = tuple(dataclasses.replace(r, name=nasty_recipient, as_written=(nasty_recipient,))
                       if r.name == old_recipient else r for r in p.recipients)
    app = NASTY + "应用"
    return Registry({app: dataclasses.replace(p, app=app, flows=flows, fields=fields, recipients=recipients)})


def test_names_with_quotes_and_cypher_are_data(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    reg = _with_nasty_names(seed_registry)
    push(neo4j_driver, reg, database=db, progress=False)
    _assert_mirrors(neo4j_driver, db, reg)
    neo, nx_ = Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(reg))
    rows = neo.who_receives(NASTY)
    assert rows and rows == nx_.who_receives(NASTY)
    assert {r["field"] for r in rows} == {NASTY}
    app = reg.apps[0]
    _assert_parity(neo, nx_, [("who_receives", (NASTY,), {"app": app}),
                              ("fields_of", (NASTY + " 有限公司",), {"app": app}),
                              ("lineage", (NASTY,), {}), ("exposure", (), {"app": app})])


def test_interrupted_push_is_not_served_and_a_rerun_completes_it(neo4j_env, neo4j_driver, seed_registry):
    db = neo4j_env["database"]
    app = seed_registry.apps[0]
    cut = _driver(neo4j_env)
    msg = _one_line_error(lambda: push(cut, seed_registry, database=db, progress=False, batch_size=40,
                                       _after_batch=lambda n: cut.close() if n == 4 else None))
    assert msg.startswith(f"push of app {app} interrupted after 4 of ") and "rerun the push" in msg
    recs, _, _ = neo4j_driver.execute_query("MATCH (a:App) RETURN a.push_complete AS done", database_=db)
    assert [r["done"] for r in recs] == [False]
    neo = Neo4jBackend(neo4j_driver, db)
    empty = NetworkxBackend(_nx(Registry()))
    assert neo.who_receives("身份证号") == empty.who_receives("身份证号") == []
    assert neo.exposure() == {"fields": [], "recipients": []}
    with pytest.raises(SharegraphError, match="unknown app"):
        neo.who_receives("身份证号", app=app)
    # the rerun completes it: no duplicates, nothing missing
    result = push(neo4j_driver, seed_registry, database=db, progress=False, batch_size=40)
    assert result.apps == [app] and not result.replaced
    _assert_mirrors(neo4j_driver, db, seed_registry)
    _assert_parity(neo, NetworkxBackend(_nx(seed_registry)), _cases(seed_registry)[:30])


def test_half_pushed_app_is_invisible_next_to_complete_ones(neo4j_env, neo4j_driver, synth_registry):
    """Two complete apps and one cut off: every question answers as if only the two existed."""
    db = neo4j_env["database"]
    a, b, c = synth_registry.apps[:3]
    done = Registry({x: synth_registry.policies[x] for x in (a, b)})
    push(neo4j_driver, done, database=db, progress=False)
    cut = _driver(neo4j_env)
    _one_line_error(lambda: push(cut, Registry({c: synth_registry.policies[c]}), database=db,
                                 progress=False, batch_size=60,
                                 _after_batch=lambda n: cut.close() if n == 8 else None))
    recs, _, _ = neo4j_driver.execute_query(
        "MATCH (x:App) RETURN x.name AS app, x.push_complete AS done ORDER BY app", database_=db)
    assert [(r["app"], r["done"]) for r in recs] == [(a, True), (b, True), (c, False)]
    neo, nx_ = Neo4jBackend(neo4j_driver, db), NetworkxBackend(_nx(done))
    _assert_parity(neo, nx_, _cases(done))
    _assert_parity(neo, nx_, [("who_receives", ("身份证号",), {"app": c}), ("exposure", (), {"app": c})])


@pytest.mark.parametrize("rerun", ["new", "old"])
def test_interrupted_replacement(rerun, neo4j_env, neo4j_driver, seed_registry):
    """v1 complete, v2 cut off: nothing of the app is served; rerunning v2 or going back to v1 both work."""
    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    _, v2 = impact.remove_partner(seed_registry, "小米")
    cut = _driver(neo4j_env)
    _one_line_error(lambda: push(cut, v2, database=db, progress=False, batch_size=30,
                                 _after_batch=lambda n: cut.close() if n == 3 else None))
    neo = Neo4jBackend(neo4j_driver, db)
    assert neo.who_receives("身份证号") == []
    final = v2 if rerun == "new" else seed_registry
    push(neo4j_driver, final, database=db, progress=False)
    _assert_mirrors(neo4j_driver, db, final)
    _assert_parity(neo, NetworkxBackend(_nx(final)), _cases(final)[:30])


# -- read-only query -------------------------------------------------------------------------------

def test_query_refuses_writes_and_answers_reads(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    for cypher in ("CREATE (n)", "MATCH (n) DETACH DELETE n", "MATCH (f:Field) SET f.x = 1 RETURN f",
                   "CREATE INDEX x IF NOT EXISTS FOR (n:X) ON (n.a)", "MERGE (n:Field {key: 'x'})"):
        msg = _one_line_error(lambda c=cypher: query(neo4j_driver, c, database=db))
        assert msg.startswith("refused: the query writes (") and msg.endswith("; neo4j query is read-only")
    fields = sum(1 for _, d in build_graph(seed_registry).nodes(data=True) if d["kind"] == "field")
    assert query(neo4j_driver, "MATCH (f:Field) RETURN count(f) AS n", database=db) == [{"n": fields}]
    rows = query(neo4j_driver, "MATCH (f:Field {name: $n}) RETURN f.name AS name, f.sensitive AS s",
                 {"n": "身份证号码"}, database=db)
    assert rows == [{"name": "身份证号码", "s": True}]
    counts, _ = _counts(neo4j_driver, db)
    assert counts["Field"] > 0   # nothing was deleted


def test_query_read_transaction_refuses_writes_on_the_server(neo4j_driver, neo4j_env):
    """Even past the EXPLAIN check, the READ transaction makes the server refuse a write."""
    import neo4j
    from neo4j.exceptions import ClientError

    with neo4j_driver.session(database=neo4j_env["database"], default_access_mode=neo4j.READ_ACCESS) as s, \
            pytest.raises(ClientError) as e:
        s.execute_read(lambda tx: tx.run("CREATE (n:Scratch)").consume())
    assert e.value.code == "Neo.ClientError.Statement.AccessMode"


# -- CLI -------------------------------------------------------------------------------------------

def _env(neo4j_env: dict[str, Any]) -> dict[str, str]:
    return {"NEO4J_URI": neo4j_env["uri"], "NEO4J_USER": neo4j_env["user"],
            "NEO4J_PASSWORD": neo4j_env["password"], "NEO4J_DATABASE": neo4j_env["database"]}


def test_cli_push_then_ask(neo4j_driver, neo4j_env):
    from typer.testing import CliRunner

    import cli

    runner = CliRunner()
    env = _env(neo4j_env)
    pushed = runner.invoke(cli.app, ["neo4j", "push", "--no-progress"], env=env)
    assert pushed.exit_code == 0, pushed.output
    assert pushed.output.startswith("pushed 1 app(s):")
    for args in (["who-receives", "身份证号"], ["fields-of", "小米"], ["exposure"], ["lineage", "IMEI"],
                 ["top-recipients", "设备信息"], ["sensitive-unnamed"]):
        neo = runner.invoke(cli.app, [*args, "--backend", "neo4j", "--json"], env=env)
        nx_ = runner.invoke(cli.app, [*args, "--json"], env=env)
        assert neo.exit_code == nx_.exit_code == 0, neo.output
        assert json.loads(neo.output) == json.loads(nx_.output) and neo.output == nx_.output, args
    again = runner.invoke(cli.app, ["neo4j", "push", "--no-progress", "--json"], env=env)
    assert json.loads(again.output)["unchanged"] == ["你我贷"]


def test_cli_query_and_errors(neo4j_driver, neo4j_env):
    from typer.testing import CliRunner

    import cli

    runner = CliRunner()
    env = _env(neo4j_env)
    runner.invoke(cli.app, ["neo4j", "push", "--no-progress"], env=env)
    ok = runner.invoke(cli.app, ["neo4j", "query", "MATCH (f:Field {name: $n}) RETURN f.sensitive AS s",
                                 "--param", "n=身份证号码", "--json"], env=env)
    assert ok.exit_code == 0 and json.loads(ok.output) == [{"s": True}]
    refused = runner.invoke(cli.app, ["neo4j", "query", "MATCH (n) DETACH DELETE n"], env=env)
    assert refused.exit_code == 2 and "refused: the query writes" in refused.output
    bad = runner.invoke(cli.app, ["who-receives", "身份证号", "--backend", "neo4j"],
                        env={**env, "NEO4J_PASSWORD": "wrong-one"})
    assert bad.exit_code == 2 and bad.output.startswith("error: Neo4j") and bad.output.count("\n") == 1
    down = runner.invoke(cli.app, ["neo4j", "push"], env={**env, "NEO4J_URI": f"bolt://127.0.0.1:{_closed_port()}"})
    assert down.exit_code == 2 and "cannot reach Neo4j" in down.output
