"""The lineage questions on the seed, against expectations read from the document.

Counts below were made by hand from the appendix 《与第三方共享个人信息清单》 and the
SDK table of data/seed_policy.txt; the comments show the arithmetic.

Every question of the Backend protocol runs on both backends (the ``backend`` fixture):
networkx in memory, and a real Neo4j server with the seed pushed to it. The what-if
questions that change a registry (add-partner, remove-partner) run on the registry.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage.exposure import (
    fields_of,
)
from lineage.graph import build_graph
from lineage.impact import add_partner, remove_partner
from lineage.paths import lineage
from registry.errors import UnknownFieldError, UnknownRecipientError
from tests.seed_backends import seed_backend


@pytest.fixture(scope="module", params=["networkx", "neo4j"])
def backend(request, seed_registry, tmp_path_factory):
    """The questions' backend: the seed's graph in memory, or the seed pushed to a Neo4j server."""
    yield from seed_backend(request, seed_registry, tmp_path_factory)


ID_SCENARIOS = {
    "银行卡绑定、授权自动扣款": 6, "短信、电话通知及商业营销": 18, "借款推荐服务": 5,
    "风控审核、信用初审": 11, "电子签章和电子合同存证服务": 3, "借款申请": 1, "权益服务": 2,
}


def test_who_receives_id_number_explicit(backend):
    rows = backend.who_receives("身份证号", include_implied=False)
    assert len(rows) == sum(ID_SCENARIOS.values()) == 46
    per = {}
    for r in rows:
        per[r["scenario"]] = per.get(r["scenario"], 0) + 1
        assert r["field"] == "身份证号码" and r["channel"] == "sharing" and r["implied_via"] is None
        assert r["evidence"]["file"] == "seed_policy.txt" and r["evidence"]["line"] >= 2117
    assert per == ID_SCENARIOS
    written = {r["field_as_written"] for r in rows}
    assert written == {"身份证号", "身份证号码"}
    assert "百行征信有限公司" in {r["recipient"] for r in rows}


def test_who_receives_accepts_any_alias(backend):
    a = backend.who_receives("身份证号")
    b = backend.who_receives("身份证号码")
    assert a == b


def test_who_receives_imei_explicit_implied_and_through_group(backend):
    rows = backend.who_receives("IMEI", include_possible=True)
    explicit_sdks = {r["sdk"] for r in rows if r["relation"] == "explicit"}
    # IMEI is written in 11 SDK rows
    assert explicit_sdks == {"腾讯云人脸核身SDK", "听云SDK", "同盾SDK", "易盾SDK", "Growing IO SDK", "极光推送SDK",
                             "华为推送SDK", "OPPO推送SDK", "小米推送SDK", "Flyme推送SDK", "高德地图SDK"}
    implied = [r for r in rows if r["relation"] == "implied"]
    assert {r["scenario"] for r in implied} == {"借款推荐服务"} and len(implied) == 5
    assert all(r["implied_via"] == "设备信息" for r in implied)
    push = [r for r in rows if r["relation"] == "group" and r["scenario"] == "推送通知"]
    assert len(push) == 7 and all(r["implied_via"] == "设备信息" for r in push)
    assert backend.who_receives("IMEI", include_implied=False) != rows
    # the 推送通知 row shares 设备信息 and lists no members: the policy does not say IMEI goes
    # there, so by default the answer leaves those rows out and counts them
    stated = backend.who_receives("IMEI")
    assert [r for r in stated if r["relation"] == "group"] == []
    assert stated.possible == len([r for r in rows if r["relation"] == "group"]) >= 7


def test_who_receives_group_lists_members(backend):
    rows = backend.who_receives("设备信息")
    members = {r["field"] for r in rows if r["relation"] == "member"}
    assert {"IMEI", "MAC地址", "IP地址"} <= members
    explicit = {r["scenario"] or r["sdk"] for r in rows if r["relation"] == "explicit"}
    assert {"推送通知", "借款推荐服务", "借款申请"} <= explicit


def test_unknown_field_suggests(backend):
    with pytest.raises(UnknownFieldError) as e:
        backend.who_receives("身份证号吗")
    assert "身份证号码" in e.value.suggestions
    assert str(e.value).startswith("unknown field '身份证号吗'; did you mean")


def test_fields_of_brand_resolves_to_entity(backend):
    rows = backend.fields_of("小米")
    assert {r["recipient_as_written"] for r in rows} == {"小米", "小米移动软件有限公司"}
    push = {r["field_as_written"] for r in rows if r["channel"] == "sharing"}
    assert push == {"设备信息", "姓名", "性别", "借款额度", "借款期限", "注册天数", "注册后最近一次登录天数"}
    sdk = {r["field_as_written"] for r in rows if r["channel"] == "sdk"}
    assert {"Android ID", "IMEI", "VAID", "AAID", "电池", "硬件序列号信息"} <= sdk
    assert rows == backend.fields_of("小米移动软件有限公司")


def test_fields_of_sensitive_first(backend):
    rows = backend.fields_of("百行征信有限公司")
    assert [r["field"] for r in rows] == ["身份证号码", "银行卡号", "姓名", "手机号码"] or \
        [r["sensitive"] for r in rows] == sorted((r["sensitive"] for r in rows), reverse=True)
    assert rows[0]["sensitive"]


def test_fields_of_onward_processor(backend):
    rows = backend.fields_of("广西嘉数信息科技有限公司委托的外包服务机构")
    # the 贷后管理 row: 8 fields plus the group 借款相关信息 and its 8 members
    assert len(rows) == 17
    assert all(r["onward_of"] == "广西嘉数信息科技有限公司" for r in rows)


def test_unknown_recipient(backend):
    with pytest.raises(UnknownRecipientError):
        backend.fields_of("不存在的公司")


def test_exposure_ranking(backend):
    e = backend.exposure()
    top = e["fields"][0]
    # 姓名 goes to 6+7+18+8+5+11+3+4+2+1+2 = 67 recipient slots; 百融云创 is in three rows: 65
    # (贷后管理: 广西广木, 广西嘉数 and the outsourcing processors each of them entrusts)
    assert (top["field"], top["recipients"]) == ("姓名", 65)
    assert top["unnamed"] == 1 and top["onward"] == 2
    ranks = [r["recipients"] for r in e["fields"]]
    assert ranks == sorted(ranks, reverse=True)
    sens = backend.exposure(sensitive=True)["fields"]
    assert all(r["sensitive"] for r in sens) and "身份证号码" in {r["field"] for r in sens}
    sdk_only = backend.exposure(channel="sdk")["fields"]
    assert all(r["scenarios"] == 0 for r in sdk_only)


def test_sensitive_to_unnamed(backend):
    rows = backend.sensitive_to_unnamed()
    # brands no row ties to a legal entity are listed too (issue 14 item 2: 旦米, app store)
    assert rows and all(r["recipient_kind"] in ("unnamed", "onward", "brand") and r["sensitive"] for r in rows)
    assert {"合作的持牌金融机构", "旦米", "app store"} <= {r["recipient"] for r in rows}


def test_recipients_by_apps_on_one_app(backend):
    rows = backend.recipients_by_apps("身份证号码")
    assert all(r["apps"] == 1 and r["app_list"] == ["你我贷"] for r in rows)
    assert len(rows) == len({r["recipient"] for r in backend.who_receives("身份证号码", include_implied=False)})


def test_lineage_tree(backend):
    t = backend.lineage("地理位置信息")
    kinds = {(c["kind"], c["name"]) for c in t["collected_by"]}
    assert ("permission", "地理位置") in kinds
    assert ("sdk", "高德地图SDK") in kinds
    gaode = next(p for p in t["paths"] if p["via"] == "获取定位信息")
    assert [r["recipient"] for r in gaode["recipients"]] == ["高德软件有限公司"]
    t2 = backend.lineage("联系人信息")
    after = next(p for p in t2["paths"] if p["via"] == "贷后管理（逾期提醒、催收）")
    jiashu = next(r for r in after["recipients"] if r["recipient"] == "广西嘉数信息科技有限公司")
    assert [o["recipient"] for o in jiashu["onward"]] == ["广西嘉数信息科技有限公司委托的外包服务机构"]


def test_group_members_reported_with_group(seed_registry, backend):
    """Property: every flow of a member implied by a group is reported when asking the group."""
    policy = seed_registry.policies["你我贷"]
    for f in policy.flows:
        if f.implied_via is None:
            continue
        rows = backend.who_receives(f.implied_via)
        assert any(r["field"] == f.field and r["via"] == f.via and r["recipient"] == f.recipient
                   and r["relation"] == "member" for r in rows), (f.field, f.via, f.recipient)


def test_add_partner_report(seed_registry):
    report, new = add_partner(seed_registry, "某某数据科技有限公司", scenario="风控审核、信用初审")
    assert [e["field"] for e in report["new_exposures"]][:1] == ["身份证号码"]  # sensitive first
    assert {e["field"] for e in report["new_exposures"]} == {"姓名", "身份证号码", "手机号码", "银行卡号"}
    assert report["sensitive_new"] == ["身份证号码", "银行卡号"]
    assert report["already_receives"] is False
    assert report["appendix_change"]["line"] == 2316
    assert report["appendix_change"]["would_be"].endswith("度小满科技（北京）有限公司、某某数据科技有限公司")
    assert "某某数据科技有限公司" not in {r.name for r in seed_registry.policies["你我贷"].recipients}
    assert "某某数据科技有限公司" in {r.name for r in new.policies["你我贷"].recipients}


def test_add_existing_partner_says_where_it_already_receives(seed_registry):
    report, _ = add_partner(seed_registry, "小米", scenario="认证服务", fields=["面部照片"])
    assert report["recipient"] == "小米移动软件有限公司"
    assert report["already_receives"] and "小米" in report["known_as"]
    assert report["sensitive_new"] == ["面部照片"]


def test_remove_partner_blast_radius(seed_registry):
    report, new = remove_partner(seed_registry, "高德软件有限公司")
    assert report["sdks"] == [{"app": "你我贷", "sdk": "高德地图SDK"}]
    assert report["scenarios"] == [{"app": "你我贷", "scenario": "获取定位信息"}]
    assert "地理位置信息" in report["sensitive_fields"]
    # 高德 is the only recipient of the 获取定位信息 row and of its SDK row
    lost = {(o["via"], o["field"]) for o in report["loses_only_recipient"]}
    assert ("获取定位信息", "地理位置信息") in lost
    assert ("高德地图SDK", "IMEI") in lost
    assert all(f.recipient != "高德软件有限公司" for f in new.policies["你我贷"].flows)


def test_breach(backend):
    report = backend.breach("广西嘉数信息科技有限公司")
    assert report["onward_processors"] == ["广西嘉数信息科技有限公司委托的外包服务机构"]
    assert "联系人信息" in report["fields"]


def _shape(G):
    nodes = sorted((n, d.get("kind")) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, str(d.get("fields"))) for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["宝付网络科技（上海）有限公司", "百行征信有限公司", "上海科享贸易有限公司",
                        "北京融三六零信息技术有限公司", "上海忱臻科技有限公司"]))
def test_remove_then_add_gives_back_the_graph(seed_registry, partner):
    """Property: removing a partner, then adding it back where it was, gives back the same graph."""
    before = build_graph(seed_registry)
    rows = fields_of(before, partner)
    _, reg = remove_partner(seed_registry, partner)
    by_via: dict[str, list[str]] = {}
    for r in rows:
        if r["relation"] in ("explicit",) and r["channel"] == "sharing":
            by_via.setdefault(r["via"], []).append(r["field"])
    for via in by_via:
        _, reg = add_partner(reg, partner, scenario=via)
    assert _shape(build_graph(reg)) == _shape(before)


def test_lineage_starts_at_business_functions(seed_registry):
    """The body names what each business function collects (2.1 at line 83: 姓名、性别、出生日期、身份证号…)."""
    from lineage.paths import annotate_business_functions

    G = build_graph(seed_registry)
    assert annotate_business_functions(G, seed_registry) > 0
    t = lineage(G, "身份证号码")
    fns = {(c["name"], c["evidence"]["line"]) for c in t["collected_by"] if c["kind"] == "business_function"}
    assert ("2.1 履行反洗钱义务及进行实名认证", 83) in fns
    assert ("2.4 办理确认借款、支付、还款、授权自动扣款", 125) in fns
    contacts = lineage(G, "联系人信息")["collected_by"]
    assert ("business_function", "2.2 申请借款额度、风控审核与信用初审") in {(c["kind"], c["name"]) for c in contacts}
