"""Names on Neo4j resolve as on networkx: the server's names, handed to the same functions of
lineage.names and registry.suggest, give the same answers, matches and errors.

The registry is the seed with the corpus cuts of tests/test_names.py (three apps with other
Tencent entities, keysf's 华为终端有限公司, xunfeng's 网易宝), pushed to the server of
tests/neo4j_server.py; the expectations themselves are tests/test_names.py's.
"""

from __future__ import annotations

from typing import Any

import pytest

from lineage.backends import NetworkxBackend
from lineage.backends.neo4j import Neo4jBackend
from lineage.backends.neo4j.push import push
from lineage.graph import build_graph
from registry.suggest import resolve_app
from tests.seed_backends import answer_of
from tests.test_names import TENCENT, _with

pytestmark = pytest.mark.neo4j
_call = answer_of




def test_names_parity(neo4j_driver, neo4j_env, seed_registry):
    reg = _with(seed_registry, "names/turing_voice_sdk.yaml", "names/vivo_browser.yaml", "names/jibencaozuo.yaml",
                "lookup/keysf_third_sdk.yaml", "lookup/xunfeng_share_list.txt")
    push(neo4j_driver, reg, database=neo4j_env["database"], progress=False)
    nx_, neo = NetworkxBackend(build_graph(reg)), Neo4jBackend(neo4j_driver, neo4j_env["database"])
    cases: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    for r in ("腾讯", "Tencent", "微信", "Bugly", "QQ", "华为", "腾讯云", "易宝", "上海", "百融云创", "微博", "不存在的公司"):
        cases += [("breach", (r,), {}), ("fields_of", (r,), {}), ("breach", (r,), {"app": "你我贷"})]
    for c in ("个人身份", "个人身份信息", "个人健康生理信息", "个人身份信息 "):
        cases.append(("exposure", (), {"category": c}))
    cases += [("recipients_by_apps", ("浏览",), {}), ("who_receives", ("浏览",), {})]
    bad = [f"{n}{a}{k}" for n, a, k in cases if _call(nx_, n, *a, **k) != _call(neo, n, *a, **k)]
    assert not bad, f"{len(bad)} of {len(cases)} differ: {bad[:10]}"
    # and they are the answers tests/test_names.py expects, not the same error twice
    report, _ = _call(neo, "breach", "腾讯")
    assert report["recipients"] == TENCENT and report["resolved"] == {"腾讯": TENCENT}
    assert _call(neo, "exposure", category="个人身份")[:2] == ("error", "UnknownNameError")
    assert neo.resolve_app("turing") == resolve_app(reg.apps, "turing")
    assert neo.resolve_app("turing").name == "turing_voice"
