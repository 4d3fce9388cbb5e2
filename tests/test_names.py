"""Names as people type them (issue 14 item 8): a part of a name resolves and says so, a part
of several is an error listing them, an unknown name keeps its did-you-mean; a brand is every
recipient of that brand where the question is a breach (docs/names.md).

Expectations are read from the documents:

* the seed, data/seed_policy.txt. Sharing list: the scenarios 银行卡绑定、授权自动扣款
  (line 2178, recipients line 2198, 易宝支付有限公司 among them), 借款导流合作 (2259),
  借款推荐服务 (2286), 风控审核、信用初审 (2316: 姓名、身份证号码、手机号码、银行卡号 to eleven
  recipients, 腾讯云计算（北京）有限责任公司 among them, line 2336), 贷后管理（逾期提醒、催收）
  (2370), 借款申请 (2424). SDK table: 极光推送SDK (line 1254) and the five other push SDKs,
  华为推送SDK (1335, provider 华为软件技术有限公司 line 1340), VIVO推送SDK (1412), OPPO推送SDK
  (1460), 小米推送SDK (1544), Flyme推送SDK (1628); 浏览器信息 (line 1118) and 网页浏览数据
  (line 1244) are fields of SDK rows.
* data/fields.yaml line 23: the categories (GB/T 35273 Annex A); 个人身份信息 is one,
  个人身份 is not; no field of the seed is 个人健康生理信息.
* data/recipients.yaml: the brands 腾讯 (tokens 腾讯, Tencent, Bugly, 微信, QQ, 广点通), 微信,
  Bugly, 华为.
* fixtures cut from /work/shared/corpus (each file says which lines): tests/fixtures/names/
  turing_voice_sdk.yaml (微信SDK, QQSDK, 腾讯 Bugly SDK by 深圳市腾讯计算机系统有限公司),
  vivo_browser.yaml (微信开放平台SDK and QQ分享SDK by 腾讯科技（深圳）有限公司, 微博分享SDK by
  北京微梦创科网络技术有限公司), jibencaozuo.yaml (微信SDK, provider written 腾讯 alone);
  tests/fixtures/lookup/keysf_third_sdk.yaml (华为推送SDK by 华为终端有限公司, line 10) and
  xunfeng_share_list.txt (网易宝, line 9).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lineage.backends.networkx import NetworkxBackend
from lineage.exposure import fields_of, who_receives
from lineage.graph import build_graph
from lineage.impact import add_partner, breach, remove_partner
from lineage.names import match_recipient, resolve_field_name, resolve_recipient
from registry.errors import (
    AmbiguousFieldError,
    AmbiguousNameError,
    AmbiguousRecipientError,
    SharegraphError,
    UnknownNameError,
    UnknownRecipientError,
)
from registry.importer import import_document
from registry.model import Registry
from registry.suggest import resolve_app, resolve_name

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TENCENT = ["深圳市腾讯计算机系统有限公司", "腾讯", "腾讯云计算（北京）有限责任公司", "腾讯科技（深圳）有限公司"]
PUSH_SDKS = ["Flyme推送SDK", "OPPO推送SDK", "VIVO推送SDK", "华为推送SDK", "小米推送SDK", "极光推送SDK"]


def _with(seed: Registry, *paths: str) -> Registry:
    reg = Registry(dict(seed.policies))
    for path in paths:
        policy, _ = import_document(FIXTURES / path, imported_at="2026-01-01T00:00:00Z")
        reg.add(policy)
    return reg


@pytest.fixture(scope="module")
def brands(seed_registry) -> Registry:
    """The seed and three apps whose SDKs come from other Tencent entities."""
    return _with(seed_registry, "names/turing_voice_sdk.yaml", "names/vivo_browser.yaml", "names/jibencaozuo.yaml")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


# -- scenarios and SDKs (impact add-partner) -------------------------------------------------

def test_a_scenario_by_the_start_of_its_name(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", scenario="风控审核")
    assert report["via"] == "风控审核、信用初审"
    assert report["resolved"] == {"风控审核": "风控审核、信用初审"}
    # the row shares 姓名、身份证号码、手机号码、银行卡号; the two sensitive ones are new to the partner
    assert report["sensitive_new"] == ["身份证号码", "银行卡号"]
    assert report["appendix_change"]["line"] == 2316


def test_a_scenario_by_a_part_inside_its_name(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", scenario="逾期")
    assert report["via"] == "贷后管理（逾期提醒、催收）" and report["resolved"] == {"逾期": "贷后管理（逾期提醒、催收）"}
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", scenario="风控审核、信用初审")
    assert report["resolved"] == {}  # the name itself: nothing to say


def test_a_part_of_several_scenarios_lists_them(seed_registry):
    with pytest.raises(AmbiguousNameError) as e:
        add_partner(seed_registry, "某某数据科技有限公司", scenario="借款")
    assert e.value.candidates == ["借款导流合作", "借款推荐服务", "借款申请"] and e.value.exit_code == 2
    assert str(e.value) == "scenario '借款' matches 3 scenarios: 借款导流合作, 借款推荐服务, 借款申请; name one of them"
    with pytest.raises(UnknownNameError) as u:
        add_partner(seed_registry, "某某数据科技有限公司", scenario="风控审查")
    assert not isinstance(u.value, AmbiguousNameError) and u.value.suggestions[0] == "风控审核、信用初审"


def test_an_sdk_by_part_of_its_name(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", sdk="极光")
    assert report["via"] == "极光推送SDK" and report["resolved"] == {"极光": "极光推送SDK"}
    assert report["appendix_change"]["line"] == 1254 and report["appendix_change"]["sdk"] == "极光推送SDK"
    with pytest.raises(AmbiguousNameError) as e:
        add_partner(seed_registry, "某某数据科技有限公司", sdk="推送")
    assert e.value.candidates == PUSH_SDKS
    # a name no SDK has is a new SDK, which needs the fields it collects
    with pytest.raises(SharegraphError, match="needs --fields"):
        add_partner(seed_registry, "某某数据科技有限公司", sdk="某某风控SDK")
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", sdk="某某风控SDK", fields=["身份证号"])
    assert report["appendix_change"]["note"] == "a new row of the SDK table"
    assert report["resolved"] == {"身份证号": "身份证号码"}


def test_cli_scenario_part_and_ambiguity():
    p = _cli("impact", "add-partner", "某某数据科技有限公司", "--scenario", "风控审核", "--json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["via"] == "风控审核、信用初审" and report["resolved"] == {"风控审核": "风控审核、信用初审"}
    amb = _cli("impact", "add-partner", "某某数据科技有限公司", "--scenario", "借款")
    assert amb.returncode == 2 and amb.stdout == ""
    assert amb.stderr == ("error: scenario '借款' matches 3 scenarios: 借款导流合作, 借款推荐服务, 借款申请; "
                          "name one of them\n")


# -- the generic rules -----------------------------------------------------------------------

def test_exact_beats_prefix_beats_contains():
    names = ["推送通知", "推送通知（补充）", "短信、电话通知及商业营销"]
    assert resolve_name("scenario", "推送通知", names).how == "exact"
    assert resolve_name("scenario", "推送 通知", names).how == "exact"   # white space aside
    assert resolve_name("scenario", "推送", names).name == "推送通知"     # the name the other extends
    assert resolve_name("scenario", "推送通知（", names).name == "推送通知（补充）"
    with pytest.raises(AmbiguousNameError) as e:   # begins none, is inside all three
        resolve_name("scenario", "通知", names)
    assert e.value.candidates == sorted(names)
    m = resolve_name("scenario", "电话", names)
    assert (m.name, m.how) == ("短信、电话通知及商业营销", "contains")
    with pytest.raises(UnknownNameError):
        resolve_name("scenario", "推", names)   # one character is never looked for inside names


def test_an_app_by_part_of_its_name(seed_registry):
    assert resolve_app(["你我贷"], "你我").name == "你我贷"
    assert resolve_app(["你我贷"], None) is None
    report = breach(seed_registry, "百融云创", app="你我")
    assert report["resolved"] == {"你我": "你我贷", "百融云创": "百融云创科技股份有限公司"}
    assert report["apps"] == ["你我贷"]
    with pytest.raises(UnknownNameError, match="unknown app '京东'"):
        breach(seed_registry, "百融云创", app="京东")


# -- categories ------------------------------------------------------------------------------

def test_an_unknown_category_is_an_error_not_an_empty_ranking(seed_registry):
    backend = NetworkxBackend(registry=seed_registry)
    with pytest.raises(UnknownNameError) as e:
        backend.exposure(category="个人身份")
    assert e.value.kind == "category" and e.value.suggestions[0] == "个人身份信息"
    ranked = backend.exposure(category="个人身份信息")
    assert ranked["fields"] and {r["category"] for r in ranked["fields"]} == {"个人身份信息"}
    assert backend.exposure(category=" 个人身份信息 ") == ranked
    # a category of the standard that no field of the seed has: known, and empty
    assert backend.exposure(category="个人健康生理信息") == {"fields": [], "recipients": []}


def test_cli_unknown_category():
    p = _cli("exposure", "--category", "个人身份")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("error: unknown category '个人身份'; did you mean 个人身份信息")
    assert p.stderr.count("\n") == 1


# -- recipients ------------------------------------------------------------------------------

def test_a_recipient_prefix_beats_one_inside_another_name(seed_registry):
    """易宝 begins 易宝支付有限公司 (seed line 2198) and is inside 网易宝 (xunfeng line 9)."""
    G = build_graph(_with(seed_registry, "lookup/xunfeng_share_list.txt"))
    rows = fields_of(G, "易宝")
    assert rows.match.name == "易宝支付有限公司" and rows.match.how == "prefix"
    assert rows.resolved == {"易宝": "易宝支付有限公司"}
    assert resolve_recipient(G, "网易宝").how == "exact"
    # a part of several names lists every name it begins or is inside
    with pytest.raises(AmbiguousRecipientError) as e:
        fields_of(G, "上海")
    assert {"上海钧正网络科技有限公司", "宝付网络科技（上海）有限公司"} <= set(e.value.candidates)


def test_the_answer_says_what_a_name_resolved_to(seed_graph):
    assert fields_of(seed_graph, "百融云创").resolved == {"百融云创": "百融云创科技股份有限公司"}
    assert fields_of(seed_graph, "百融云创科技股份有限公司").resolved == {}
    assert who_receives(seed_graph, "身份证号").resolved == {"身份证号": "身份证号码"}
    assert who_receives(seed_graph, "身份证号码").resolved == {}


def test_cli_breach_json_says_what_it_resolved():
    p = _cli("impact", "breach", "百融云创", "--json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["resolved"] == {"百融云创": "百融云创科技股份有限公司"}
    assert report["recipients"] == ["百融云创科技股份有限公司"]


# -- brands ----------------------------------------------------------------------------------

def test_a_breach_of_a_brand_is_every_recipient_of_it(brands):
    report = breach(brands, "腾讯")
    assert report["recipients"] == TENCENT and report["recipient"] == "腾讯"
    assert report["resolved"] == {"腾讯": TENCENT}
    assert report["apps"] == ["jibencaozuo", "turing_voice", "vivo_browser", "你我贷"]
    # 身份证号码 to 腾讯云 (seed line 2336), IDFA to 深圳市腾讯计算机 (turing), 设备信息 to
    # 腾讯科技（深圳） (vivo), 本机号码 to 腾讯 (jibencaozuo)
    assert {"身份证号码", "IDFA", "设备信息", "本机电话号码"} <= set(report["fields"])
    assert breach(brands, "Tencent")["recipients"] == TENCENT   # a token of the brand names it too


def test_a_brand_reaches_the_providers_of_its_sdks(brands):
    """微信 and Bugly are in no legal name: their SDKs' providers are theirs."""
    wechat = breach(brands, "微信")
    # 微信SDK (turing, jibencaozuo), 微信开放平台SDK (vivo); the seed has no 微信 SDK
    assert wechat["recipients"] == ["深圳市腾讯计算机系统有限公司", "腾讯", "腾讯科技（深圳）有限公司"]
    bugly = breach(brands, "Bugly")
    assert bugly["recipients"] == ["深圳市腾讯计算机系统有限公司"] and bugly["recipient"] == "深圳市腾讯计算机系统有限公司"
    assert bugly["resolved"] == {"Bugly": "深圳市腾讯计算机系统有限公司"}


def test_a_question_about_one_recipient_lists_a_brands_recipients(brands):
    G = build_graph(brands)
    with pytest.raises(AmbiguousRecipientError) as e:
        fields_of(G, "Tencent")
    assert e.value.candidates == TENCENT and e.value.exit_code == 2
    # a recipient's own name is that recipient, even where it is a brand's name too
    assert fields_of(G, "腾讯").match.name == "腾讯" and fields_of(G, "腾讯").resolved == {}
    # a part of one legal name is that one
    assert fields_of(G, "腾讯云").match.name == "腾讯云计算（北京）有限责任公司"


def test_two_legal_entities_of_one_brand(seed_registry):
    """华为软件技术有限公司 (the seed, line 1340; its 推送通知 row writes 华为, line 2225) and
    华为终端有限公司 (keysf, line 10) are both 华为."""
    reg = _with(seed_registry, "lookup/keysf_third_sdk.yaml")
    both = ["华为终端有限公司", "华为软件技术有限公司"]
    with pytest.raises(AmbiguousRecipientError) as e:
        fields_of(build_graph(reg), "华为")
    assert e.value.candidates == both
    report = breach(reg, "华为")
    assert report["recipients"] == both and "地理位置信息" in report["fields"]   # keysf line 11: 位置信息
    report, new = remove_partner(reg, "华为")
    assert report["recipients"] == both
    assert not {f.recipient for _, f in new.flows()} & set(both)


def test_a_brand_on_plain_lists():
    recs = [("华为软件技术有限公司", ["华为软件技术有限公司", "华为"]), ("华为终端有限公司", ["华为终端有限公司"]),
            ("广西嘉数信息科技有限公司", ["广西嘉数信息科技有限公司"])]
    m = match_recipient(recs, "华为", group=True)
    assert m.names == ("华为终端有限公司", "华为软件技术有限公司") and m.how == "brand"
    assert m.describe() == "matched the brand '华为': 2 recipients: 华为终端有限公司, 华为软件技术有限公司"
    # a name about to be added (partial=False) is never a brand's: only its exact spelling
    assert match_recipient(recs, "华为", partial=False).name == "华为软件技术有限公司"
    # an onward processor is not one of a brand's recipients (it is in the breach's onward list)
    onward = [("腾讯云计算（北京）有限责任公司", []), ("腾讯云计算（北京）有限责任公司委托的外包服务机构", [])]
    assert match_recipient(onward, "腾讯", group=True).names == ("腾讯云计算（北京）有限责任公司",)


# -- fields ----------------------------------------------------------------------------------

def test_one_field_by_the_start_of_its_name(seed_graph):
    """浏览 begins 浏览器信息 (line 1118) and is inside 网页浏览数据 (line 1244): a question about
    one field takes the one it begins; who-receives still answers for both."""
    assert resolve_field_name(seed_graph, "浏览") == "浏览器信息"
    assert set(who_receives(seed_graph, "浏览").match.fields) == {"浏览器信息", "网页浏览记录"}
    with pytest.raises(AmbiguousFieldError):
        resolve_field_name(seed_graph, "设备")   # begins ten fields: still a list of them


def test_unknown_names_keep_their_suggestions(seed_graph):
    with pytest.raises(UnknownRecipientError) as e:
        fields_of(seed_graph, "百融云创科技有限公司")
    assert not isinstance(e.value, AmbiguousRecipientError)
    assert e.value.suggestions[0] == "百融云创科技股份有限公司"
