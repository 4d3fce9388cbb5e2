"""Looking up what a DPO types: exact names first, then text as written, lists, did-you-mean.

Expectations are read from the documents:

* the seed, data/seed_policy.txt: the SDK table's OPPO推送SDK row (provider
  广东欢太科技有限公司, line 1466) collects 手机Region设置 (line 1513); the 同盾SDK row
  (杭州博盾习言科技有限公司) collects 设备指纹类型 (line 1040); the sharing list names
  百融云创科技股份有限公司 in rows 4, 5 and 7 (lines 2252, 2279, 2336) and
  广西嘉数信息科技有限公司及其委托的外包服务机构 in row 9 (line 2390);
* tests/fixtures/lookup/, cut from the real documents of /work/shared/corpus (each file
  says which lines): xunfeng_share_list.txt is lines 1-9 of
  xunfeng_share_list/source.txt byte for byte; the .yaml files copy the cells of
  jd_yangche_share_list (lines 9-29), keysf_third_sdk (lines 12-25) and
  acuity_subprocessors (five sections) into registry-as-code.

The non-facts asserted below are the corpus's own (expected.json ``non_facts``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lineage.exposure import fields_of, who_receives
from lineage.graph import build_graph
from lineage.impact import breach, remove_partner
from lineage.names import (
    FieldIndex,
    contains_finder,
    heads,
    match_field,
    match_key,
    match_recipient,
    resolve_field_name,
    resolve_fields,
    resolve_recipient,
)
from lineage.paths import lineage
from registry.errors import (
    AmbiguousFieldError,
    AmbiguousRecipientError,
    UnknownFieldError,
    UnknownRecipientError,
)
from registry.importer import import_document
from registry.model import Registry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lookup"


def _registry(name: str) -> Registry:
    policy, _ = import_document(FIXTURES / name, imported_at="2026-01-01T00:00:00Z")
    reg = Registry()
    reg.add(policy)
    return reg


@pytest.fixture(scope="module")
def graphs() -> dict[str, object]:
    return {n: build_graph(_registry(n)) for n in (
        "xunfeng_share_list.txt", "jd_yangche_share_list.yaml", "keysf_third_sdk.yaml",
        "acuity_subprocessors.yaml")}


def recipients(rows: list[dict[str, object]]) -> set[object]:
    return {r["recipient"] for r in rows}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


# -- the pieces ------------------------------------------------------------------------------

def test_match_key_reads_cjk_punctuation_as_ascii():
    assert match_key("设备唯一标识码（IMEI/IMSI）") == match_key("设备唯一标识码(IMEI/IMSI)")
    assert match_key("【身份证】") == match_key("[身份证]")
    assert match_key("Ｉ Ｐ 地址") == match_key("ip地址")
    assert match_key("姓名、手机号") != match_key("姓名手机号")


def test_contains_respects_latin_word_edges():
    has = contains_finder("IP")
    assert has("IP地址") and has("IP at the infrastructure layer") and has("设备信息(IMEI/MAC/IP)")
    assert not has("WiFiIP")  # vivo_browser's WiFiIP: a Latin query matches whole words only
    assert contains_finder("email")("hashed email when present")
    assert not contains_finder("mail")("hashed email")
    assert contains_finder("位") is None  # one character is never looked for inside names


def test_heads_take_notes_and_lists_off():
    assert "位置信息" in heads("位置信息（可选）")
    assert "设备唯一标识码" in heads("设备唯一标识码(IMEI/IMSI)")
    assert heads("腾讯云计算（北京）有限责任公司") == []


def test_rules_on_plain_lists():
    index = FieldIndex(["地理位置信息", "位置信息（可选）", "设备指纹"],
                       lambda: [("地理位置信息", "位置信息"), ("设备指纹", "设备指纹类型")])
    m = match_field(index, "位置信息")
    assert (m.how, m.fields) == ("exact", ("地理位置信息", "位置信息（可选）"))
    assert m.describe() == "matched: 地理位置信息, 位置信息（可选）"
    m = match_field(index, "指纹类型")
    assert (m.how, m.fields, m.written) == ("contains", ("设备指纹",), ("设备指纹类型",))
    recs = [("百融云创科技股份有限公司", ["百融云创科技股份有限公司"]), ("小米移动软件有限公司", ["小米"])]
    assert match_recipient(recs, "百融云创").name == "百融云创科技股份有限公司"
    assert match_recipient(recs, "小米").how == "exact"
    with pytest.raises(AmbiguousRecipientError) as e:
        match_recipient(recs, "有限公司")
    assert e.value.candidates == ["小米移动软件有限公司", "百融云创科技股份有限公司"]
    assert e.value.exit_code == 2


# -- the seed --------------------------------------------------------------------------------

def test_exact_names_answer_as_before(seed_graph):
    rows = who_receives(seed_graph, "身份证号")
    assert rows.match.how == "exact" and rows.match.fields == ("身份证号码",)
    assert {r["matched"] for r in rows} == {"身份证号码"}
    assert rows == who_receives(seed_graph, "身份证号码")


def test_part_of_a_field_as_written(seed_graph):
    # 手机Region设置 (line 1513) in the OPPO推送SDK row: the vocabulary calls it 地区设置
    rows = who_receives(seed_graph, "Region")
    assert (rows.match.how, rows.match.fields, rows.match.written) == ("contains", ("地区设置",), ("手机Region设置",))
    assert recipients(r for r in rows if r["relation"] == "explicit") == {"广东欢太科技有限公司"}
    assert {r["matched"] for r in rows} == {"手机Region设置"}
    # 设备指纹类型 (line 1040) in the 同盾SDK row
    rows = who_receives(seed_graph, "指纹类型", include_implied=False)
    assert recipients(rows) == {"杭州博盾习言科技有限公司"} and {r["field"] for r in rows} == {"设备指纹"}


def test_a_vocabulary_field_is_not_another_that_contains_it(seed_graph):
    """指纹 (a fingerprint, biometric) is a vocabulary field no row of the seed shares;
    设备指纹 (a device fingerprint) is another field: asking 指纹 must not list 同盾."""
    rows = who_receives(seed_graph, "指纹")
    assert rows == [] and rows.match.how == "vocabulary" and rows.match.fields == ("指纹",)


def test_a_list_answers_for_each_item(seed_graph):
    rows = who_receives(seed_graph, "姓名、身份证号", include_implied=False)
    assert rows.match.how == "split" and rows.match.fields == ("姓名", "身份证号码")
    assert {r["field"] for r in rows} == {"姓名", "身份证号码"}
    # 百行征信 gets both in row 7 (line 2336)
    assert {r["field"] for r in rows if r["recipient"] == "百行征信有限公司"} == {"姓名", "身份证号码"}
    # a name that needs one field refuses several, naming them
    with pytest.raises(AmbiguousFieldError) as e:
        resolve_field_name(seed_graph, "姓名、身份证号")
    assert e.value.candidates == ["姓名", "身份证号码"]


def test_a_field_with_a_note_around_it(seed_graph):
    m = resolve_fields(seed_graph, "设备信息（包括IMEI）")
    assert (m.how, m.fields) == ("contained", ("设备信息",))


def test_unknown_field_still_suggests(seed_graph):
    with pytest.raises(UnknownFieldError) as e:
        who_receives(seed_graph, "身份证号吗")
    assert "身份证号码" in e.value.suggestions and not isinstance(e.value, AmbiguousFieldError)
    with pytest.raises(UnknownFieldError):
        who_receives(seed_graph, "邮")  # one character: not looked for inside names


def test_recipient_by_part_of_its_name(seed_graph):
    rows = fields_of(seed_graph, "百融云创")
    assert rows.match.name == "百融云创科技股份有限公司" and rows.match.how == "prefix"  # 百融云创 begins the name
    full = fields_of(seed_graph, "百融云创科技股份有限公司")
    assert rows == full and {r["matched"] for r in rows} == {"百融云创科技股份有限公司"}
    # 广西嘉数… and 广西嘉数…委托的外包服务机构 (line 2390): the name the other extends
    assert resolve_recipient(seed_graph, "广西嘉数").name == "广西嘉数信息科技有限公司"


def test_ambiguous_recipient_lists_candidates(seed_graph):
    with pytest.raises(AmbiguousRecipientError) as e:
        fields_of(seed_graph, "上海")
    assert {"上海忱臻科技有限公司", "上海科享贸易有限公司"} <= set(e.value.candidates)
    assert isinstance(e.value, UnknownRecipientError)
    with pytest.raises(UnknownRecipientError):
        fields_of(seed_graph, "不存在的公司")


def test_impact_resolves_partners_the_same_way(seed_registry):
    report = breach(seed_registry, "百融云创")
    assert report["recipient"] == "百融云创科技股份有限公司" and report["matched"] == "百融云创科技股份有限公司"
    report, _ = remove_partner(seed_registry, "高德")
    assert report["recipient"] == "高德软件有限公司"


def test_lineage_of_several_fields(seed_graph):
    t = lineage(seed_graph, "姓名、身份证号")
    assert t["matched"] == [{"field": "姓名", "written": "姓名"}, {"field": "身份证号码", "written": "身份证号码"}]
    assert t["field"] == "姓名, 身份证号码" and t["sensitive"] is True
    one = lineage(seed_graph, "Region")
    assert one["field"] == "地区设置" and one["matched"] == [{"field": "地区设置", "written": "手机Region设置"}]


# -- fixtures cut from the corpus ------------------------------------------------------------

def test_xunfeng_id_card_and_picture(graphs):
    """Row 5 (line 9): 网易宝 gets 姓名,手机号码,身份证号码及身份证图片,银行卡信息."""
    G = graphs["xunfeng_share_list.txt"]
    for q in ("身份证号码", "身份证图片", "身份证号码及身份证图片", "身份证号"):
        assert recipients(who_receives(G, q)) == {"网易宝"}, q
    # 收票人邮箱 inside 发票信息(包括…) of row 4 (line 7): 诺诺发票
    rows = who_receives(G, "邮箱")
    assert recipients(rows) == {"诺诺发票"} and {r["matched"] for r in rows} == {"收票人邮箱"}
    # non-facts: 收货地址 is not given to 网易宝
    assert "网易宝" not in recipients(who_receives(G, "收货地址"))


def test_jd_device_id_with_its_list(graphs):
    """极光, 高德地图 and 百度地图 (lines 13, 20, 27) all share 设备唯一标识码(IMEI/IMSI)."""
    G = graphs["jd_yangche_share_list.yaml"]
    three = {"深圳市和讯华谷信息技术有限公司", "高德软件有限公司", "北京百度网讯科技有限公司"}
    for q in ("设备唯一标识码(IMEI/IMSI)", "设备唯一标识码（IMEI/IMSI）", "设备唯一标识码", "IMEI", "IMSI"):
        assert recipients(who_receives(G, q)) == three, q
    # non-facts: 软件安装列表 only to 极光 (not 高德); MAC地址 and IP地址 not to 百度
    assert recipients(who_receives(G, "软件安装列表")) == {"深圳市和讯华谷信息技术有限公司"}
    assert recipients(who_receives(G, "安装列表")) == {"深圳市和讯华谷信息技术有限公司"}
    assert "北京百度网讯科技有限公司" not in recipients(who_receives(G, "MAC地址"))
    assert "北京百度网讯科技有限公司" not in recipients(who_receives(G, "IP地址"))
    assert fields_of(G, "百度").match.name == "北京百度网讯科技有限公司"


def test_keysf_push_sdks(graphs):
    G = graphs["keysf_third_sdk.yaml"]
    assert recipients(who_receives(G, "Region")) == {"广东欢太科技有限公司"}       # 手机Region设置, line 21
    assert recipients(who_receives(G, "手机Region设置")) == {"广东欢太科技有限公司"}
    assert recipients(who_receives(G, "电量")) == {"广东欢太科技有限公司"}         # 手机电量; not 小米
    assert recipients(who_receives(G, "位置信息")) == {"华为终端有限公司"}        # not 欢太
    assert "华为终端有限公司" in recipients(who_receives(G, "SIM卡IMSI"))         # line 14
    assert recipients(who_receives(G, "锁屏状态")) == {"小米移动软件有限公司"}    # line 17, not 华为
    assert fields_of(G, "欢太").match.name == "广东欢太科技有限公司"


def test_acuity_english_text_as_written(graphs):
    G = graphs["acuity_subprocessors.yaml"]
    rows = who_receives(G, "audio")   # "Voice audio + the resulting transcript" (OpenAI)
    assert recipients(rows) == {"OpenAI"} and rows.match.how == "contains"
    assert recipients(who_receives(G, "transcript")) == {"OpenAI", "Anthropic"}
    assert recipients(who_receives(G, "prompt context")) == {"Anthropic"}
    # "email" names the vocabulary's 电子邮箱 (Stripe's "Email"): the exact match wins, and
    # Meta's "hashed email when present" is not pulled in by the word
    email = who_receives(G, "email")
    assert email.match.how == "exact" and "Meta Platforms, Inc." not in recipients(email)
    assert "Stripe, Inc." in recipients(email)
    assert recipients(who_receives(G, "hashed email")) == {"Meta Platforms, Inc."}
    assert fields_of(G, "Stripe").match.name == "Stripe, Inc."
    assert fields_of(G, "Resend").match.name == "Resend (Resend, Inc.)"
    with pytest.raises(AmbiguousRecipientError) as e:
        fields_of(G, "Inc.")
    assert e.value.candidates == ["Meta Platforms, Inc.", "Resend (Resend, Inc.)", "Stripe, Inc."]


# -- the command line ------------------------------------------------------------------------

def test_cli_says_what_it_matched():
    p = _cli("who-receives", "Region")
    assert p.returncode == 0, p.stderr
    said = p.stderr.strip().splitlines()
    assert said[0] == "matched (fields written with 'Region'): 手机Region设置 (地区设置)"
    # 地区设置 is one of the vocabulary's 设备信息: rows sharing bare 设备信息 are counted, not listed
    assert said[1:] == [] or (len(said) == 2 and "--possible lists them" in said[1])
    assert "广东欢太科技有限公司" in p.stdout
    j = _cli("who-receives", "Region", "--json")
    rows = json.loads(j.stdout)
    assert j.stderr == "" and isinstance(rows, list) and rows
    assert all("recipient" in r and r["matched"] == "手机Region设置" for r in rows)
    plain = _cli("who-receives", "身份证号码")
    assert plain.returncode == 0 and "matched" not in plain.stderr


def test_cli_recipient_part_and_ambiguity():
    p = _cli("fields-of", "百融云创")
    assert p.returncode == 0 and p.stderr.strip() == "matched: 百融云创科技股份有限公司"
    amb = _cli("fields-of", "上海")
    assert amb.returncode == 2 and amb.stdout == ""
    assert amb.stderr.startswith("error: recipient '上海' matches 12 recipients: ")
    assert amb.stderr.count("\n") == 1 and "Traceback" not in amb.stderr


def test_a_pasted_document_is_no_field_name(seed_graph):
    """Bounded work: a 120,000-character query is neither searched inside written fields nor
    fuzzy-matched, and the error names it in one short line (issue 11: no unbounded input)."""
    from lineage.names import MAX_CONTAINS, contains_finder

    query = "设备" * 60_000
    assert contains_finder(query) is None and len(query) > MAX_CONTAINS
    with pytest.raises(UnknownFieldError) as e:
        who_receives(seed_graph, query)
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 200 and "120,000 characters" in msg
