"""Looking names up on Neo4j gives the networkx answers: the same rows, the same match, the same errors.

The registry is the seed and the four fixtures cut from the corpus (tests/fixtures/lookup,
see tests/test_lookup.py), pushed to the server of tests/neo4j_server.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from lineage import impact
from lineage.backends import NetworkxBackend
from lineage.backends.neo4j import Neo4jBackend
from lineage.backends.neo4j.push import push
from lineage.graph import build_graph
from lineage.paths import annotate_business_functions
from registry.model import Registry
from tests.seed_backends import answer_of
from tests.test_lookup import _registry

pytestmark = pytest.mark.neo4j
_call = answer_of

FIELDS = ["身份证号", "身份证号码", "Region", "指纹类型", "指纹", "设备", "姓名、身份证号", "设备信息（包括IMEI）",
          "身份证号吗", "邮", "位置信息", "设备唯一标识码(IMEI/IMSI)", "IMEI", "电量", "audio", "transcript", "email",
          "hashed email", "身份证号码及身份证图片", "邮箱", "安装列表"]
RECIPIENTS = ["百融云创", "广西嘉数", "上海", "小米", "百度", "Stripe", "Inc.", "Resend", "不存在的公司"]




def test_lookup_parity(neo4j_driver, neo4j_env, seed_registry):
    reg = Registry(dict(seed_registry.policies))
    for name in ("xunfeng_share_list.txt", "jd_yangche_share_list.yaml", "keysf_third_sdk.yaml",
                 "acuity_subprocessors.yaml"):
        reg.add(next(iter(_registry(name).policies.values())))
    push(neo4j_driver, reg, database=neo4j_env["database"], progress=False)
    G = build_graph(reg)
    annotate_business_functions(G, reg)
    nx_, neo = NetworkxBackend(G), Neo4jBackend(neo4j_driver, neo4j_env["database"])
    cases: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    for f in FIELDS:
        cases += [("who_receives", (f,), {}), ("who_receives", (f,), {"include_implied": False}),
                  ("who_receives", (f,), {"app": "你我贷"}), ("lineage", (f,), {}),
                  ("recipients_by_apps", (f,), {})]
    cases += [("fields_of", (r,), {}) for r in RECIPIENTS]
    bad = [f"{n}{a}{k}" for n, a, k in cases if _call(nx_, n, *a, **k) != _call(neo, n, *a, **k)]
    assert not bad, f"{len(bad)} of {len(cases)} differ: {bad[:10]}"
    for r in ("百融云创", "百度", "上海"):
        assert _call(neo, "breach", r) == _call(impact, "breach", reg, r), r
    # and the answers are not all errors: the lookups found what the fixtures hold
    rows, match = _call(neo, "who_receives", "Region")
    assert match.how == "contains" and {r["recipient"] for r in rows} >= {"广东欢太科技有限公司"}


def test_reading_parity(neo4j_driver, neo4j_env, seed_registry):
    """How each flow was read, on Neo4j as on networkx: the realigned rows of the 巽风 cut (low)
    and the sentences of the Walla cut (prose) next to the seed (whose IDFV/IDFA carry
    'platform: iOS'); expectations read in tests/test_flow_reading.py's documents."""
    from tests.test_flow_reading import SHIFTED, WALLA, registry_of
    from tests.test_neo4j_backend import _assert_mirrors

    reg = Registry(dict(seed_registry.policies))
    for path in (SHIFTED, WALLA):
        reg.add(next(iter(registry_of(path).policies.values())))
    db = neo4j_env["database"]
    push(neo4j_driver, reg, database=db, progress=False)
    _assert_mirrors(neo4j_driver, db, reg)   # the same properties, absent where networkx has none
    G = build_graph(reg)
    annotate_business_functions(G, reg)
    nx_, neo = NetworkxBackend(G), Neo4jBackend(neo4j_driver, db)
    cases: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    for f in ("收货地址", "商品信息", "IP地址", "credit card", "email", "IDFV", "IDFA", "设备信息"):
        cases += [("who_receives", (f,), {}), ("who_receives", (f,), {"include_implied": False}),
                  ("lineage", (f,), {})]
    cases += [("fields_of", (r,), {}) for r in ("京东快递", "德邦", "顺丰速运", "LogDNA", "Sqreen", "Stripe",
                                                "北京易数科技有限公司", "深圳市和讯华谷信息技术有限公司")]
    cases.append(("sensitive_to_unnamed", (), {}))
    bad = [f"{n}{a}{k}" for n, a, k in cases if _call(nx_, n, *a, **k) != _call(neo, n, *a, **k)]
    assert not bad, f"{len(bad)} of {len(cases)} differ: {bad[:10]}"
    # and Neo4j's rows do say it
    rows = [r for r in neo.who_receives("收货地址") if r["via"] == "订单交付"]
    assert {r["recipient"]: r["confidence"] for r in rows} == {"顺丰速运": "high", "京东快递": "low", "德邦": "low"}
    assert all("shifted" in r["note"] for r in rows if r["confidence"] == "low")
    ip = {r["recipient"]: r for r in neo.who_receives("IP地址", app="walla_subprocessors.md")}
    assert {n: (r["form"], r["confidence"], r["note"][:7]) for n, r in ip.items()} == {
        "Sqreen": ("prose", "low", "line 3:"), "LogDNA": ("prose", "low", "line 4:")}
    idfv = [r for r in neo.who_receives("IDFV") if r["via"] == "Growing IO SDK"]
    assert idfv and all(r["qualifiers"] == ["platform: iOS"] for r in idfv)
