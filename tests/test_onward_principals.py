"""An onward clause after a list of recipients speaks of every one of them (issue 14, item 4).

``广西广木资产管理有限公司、广西嘉数信息科技有限公司及其委托的外包服务机构`` (the seed's
appendix, 贷后管理 row, line 2390): a reader takes 其 for both companies the list names,
so each entrusts its own outsourcing processors, and a breach at 广西广木 or dropping
广西广木 reaches the processors it entrusts. Before, only 广西嘉数 had them. Where the list
goes on after the clause (``A、B及其关联公司、C``) 其 may mean B alone: A's processors are
named all the same, with confidence ``low`` and a note (docs/splitting.md, docs/graph-model.md).

Expectations come from reading the texts, never from the program's output.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lineage.graph import build_graph
from registry import RecipientKind, import_document
from registry.importer import SEED_PATH
from registry.model import Registry
from registry.normalize import classify_enumeration
from registry.splitting import split_enumerations
from registry.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
ROW = "贷后管理（逾期提醒、催收）"
GUANGMU, JIASHU = "广西广木资产管理有限公司", "广西嘉数信息科技有限公司"
OUTSOURCED = "委托的外包服务机构"
# data/seed_policy.txt line 2390, the recipient cell of the appendix's 贷后管理 row
SEED_CELL = f"{GUANGMU}、{JIASHU}及其{OUTSOURCED}"
# the row's data cell (line 2380): 用户ID、姓名、性别、出生日期、手机号码、联系地址、联系人信息、
# 工作单位名称、银行卡号, and 借款相关信息 with its 4 members and 还款相关信息 with its 4: 17 fields
ROW_FIELDS = 17


@pytest.fixture(scope="module")
def seed():
    policy, _ = import_document(SEED_PATH, imported_at="2026-01-01T00:00:00Z")
    return policy


def _names(texts: list[str], vocab=None, line: int = 0) -> list[list[tuple[str, str, str | None, str]]]:
    """(name, kind, onward_of, confidence) of each item's recipients, the list read as the build reads it."""
    v = vocab or load_vocabulary()
    out = []
    for e in split_enumerations([(line, t) for t in texts], vocab=v):
        texts_ = [(i.raw if i.members else i.text) or i.raw for i in e.items]
        for rs in classify_enumeration(texts_, v, e.written, e.line):
            out.append([(r.name, r.kind.value, r.onward_of, r.confidence) for r in rs])
    return out


# -- the rule, on the texts --------------------------------------------------------


def test_seed_cell_gives_each_company_its_outsourcing_processors():
    assert _names([SEED_CELL]) == [
        [(GUANGMU, "company", None, "high")],
        [(JIASHU, "company", None, "high"),
         (GUANGMU + OUTSOURCED, "onward", GUANGMU, "high"),
         (JIASHU + OUTSOURCED, "onward", JIASHU, "high")],
    ]


def test_the_onward_processor_of_the_first_company_is_named_by_the_whole_list():
    v = load_vocabulary()
    (e,) = split_enumerations([(2390, SEED_CELL)], vocab=v)
    rs = classify_enumeration([i.text for i in e.items], v, e.written, e.line)[1]
    written = {r.name: r.as_written for r in rs}
    assert written[GUANGMU + OUTSOURCED] == SEED_CELL  # the words that name it, as the cell has them
    assert written[JIASHU + OUTSOURCED] == f"{JIASHU}及其{OUTSOURCED}"


def test_two_brands_and_their_affiliates():
    # a userscript README's disclaimer (public repository text, search index id 70884165195):
    # "本项目为非官方第三方用户脚本，与 AcFun、快手及其关联方无任何关系" — 其 is AcFun and 快手
    assert _names(["AcFun、快手及其关联方"]) == [
        [("AcFun", "brand", None, "high")],
        [("快手", "brand", None, "high"),
         ("AcFun关联方", "onward", "AcFun", "high"),
         ("快手关联方", "onward", "快手", "high")],
    ]


def test_items_after_the_clause_are_not_its_principals():
    # a registration page's privacy notice (public repository text, search index id 3256917930):
    # "可能会与保时捷中国及其关联方、商业伙伴或在中国境内或境外的第三方服务商分享客户的个人信息"
    got = _names(["保时捷中国及其关联方、商业伙伴或在中国境内或境外的第三方服务商"])
    onward = [r for rs in got for r in rs if r[1] == "onward"]
    assert onward == [("保时捷中国关联方", "onward", "保时捷中国", "high")]


def test_a_list_that_goes_on_after_the_clause_is_a_guess_for_the_earlier_names():
    # a user agreement (public repository text, search index id 4212883788): "如果由此引起本平台、
    # 领航互联及其关联公司、员工、客户和合作伙伴被第三方索赔的": 其 reads as 领航互联; that it also
    # takes in 本平台 is a guess. 及其关联公司 is an onward marker here as a DPO would add it to
    # data/recipients.yaml (the bundled list has 及其关联方).
    v = load_vocabulary()
    v = dataclasses.replace(v, onward_markers=(*v.onward_markers, "及其关联公司"))
    (e,) = split_enumerations([(8, "本平台、领航互联及其关联公司、员工、客户和合作伙伴")], vocab=v)
    rs = classify_enumeration([i.text for i in e.items], v, e.written, e.line)
    onward = {r.name: r for item in rs for r in item if r.kind is RecipientKind.ONWARD}
    assert sorted(onward) == ["本平台关联公司", "领航互联关联公司"]
    assert (onward["领航互联关联公司"].confidence, onward["领航互联关联公司"].note) == ("high", "")
    guess = onward["本平台关联公司"]
    assert (guess.onward_of, guess.confidence) == ("本平台", "low")
    assert guess.note.startswith("line 8: '本平台、领航互联及其关联公司': the list goes on")
    assert "其 may mean 领航互联 alone" in guess.note


def test_the_list_reaches_back_to_the_last_onward_clause_only():
    # a recruiting screener's prompt (public repository text, search index id 63575779668):
    # "华为 / 荣耀及其关联公司、OPPO / 小米及其关联公司等受限背景": each 及其 speaks of its own names
    v = load_vocabulary()
    v = dataclasses.replace(v, onward_markers=(*v.onward_markers, "及其关联公司"))
    got = _names(["华为 / 荣耀及其关联公司、OPPO / 小米及其关联公司"], vocab=v)
    onward = [(r[0], r[2]) for rs in got for r in rs if r[1] == "onward"]
    assert onward == [("华为 / 荣耀关联公司", "华为 / 荣耀"), ("OPPO / 小米关联公司", "OPPO / 小米")]


def test_lists_end_at_a_line_break_and_a_semicolon():
    # the seed's 借款推荐服务 row (lines 2306 and 2309): one recipient cell, two lines, two lists
    cell = [(2306, "辽宁自贸试验区（营口片区）桔子数字科技有限公司、北京融三六零信息技术有限公司"),
            (2309, "河南中原消费金融股份有限公司、上海旭昌网络科技有限公司、新疆万鸿信息科技有限公司")]
    got = [(e.line, [i.text for i in e.items]) for e in split_enumerations(cell)]
    assert got == [(2306, ["辽宁自贸试验区（营口片区）桔子数字科技有限公司", "北京融三六零信息技术有限公司"]),
                   (2309, ["河南中原消费金融股份有限公司", "上海旭昌网络科技有限公司", "新疆万鸿信息科技有限公司"])]
    # a "；" ends a list too: QQ's sharing list, 广告服务, its data cell (saveweb/see-agreement,
    # docs/腾讯/QQ/【Android】QQ与第三方共享个人信息清单.md, commit 3dc8030a)
    cell = [(1, "如IDFA、OAID等设备标识符；如曝光、点击数据等广告数据；如系统语言、屏幕高宽、屏幕方向等设备信息")]
    assert [len(e.items) for e in split_enumerations(cell)] == [2, 2, 3]


# -- the seed, imported -------------------------------------------------------------------


def test_seed_import_names_both_outsourcing_processors(seed):
    rows = [f for f in seed.flows if f.via == ROW]
    assert list(dict.fromkeys(f.recipient for f in rows)) == [
        GUANGMU, JIASHU, GUANGMU + OUTSOURCED, JIASHU + OUTSOURCED]
    for base in (GUANGMU, JIASHU):
        onward = seed.recipient(base + OUTSOURCED)
        assert (onward.kind, onward.onward_of) == (RecipientKind.ONWARD, base)
        got = [f for f in rows if f.recipient == base + OUTSOURCED]
        assert len(got) == ROW_FIELDS
        assert {(f.confidence, f.note, f.recipient_line) for f in got} == {("high", "", 2390)}


def test_graph_entrusts_from_every_principal(seed):
    reg = Registry()
    reg.add(seed)
    G = build_graph(reg)
    entrusts = [(G.nodes[u]["name"], G.nodes[w]["name"]) for u, w, d in G.edges(data=True)
                if d["kind"] == "entrusts"]
    assert sorted(entrusts) == sorted([(GUANGMU, GUANGMU + OUTSOURCED), (JIASHU, JIASHU + OUTSOURCED)])


def test_a_brand_principal_entrusts_under_the_legal_entity_it_resolves_to(tmp_path):
    # the seed's 推送通知 row (line 2225) with the onward clause the 贷后管理 row writes put at
    # its end: "深圳市和讯华谷信息技术有限公司、小米、华为、VIVO、OPPO、魅族及其委托的外包服务机构".
    # 小米 is a brand the SDK table ties to 小米移动软件有限公司 (小米推送SDK, line 1544): its
    # processors are entrusted by that company, a recipient of the row, not by a name no node has.
    text = SEED_PATH.read_text(encoding="utf-8")
    assert text.count("、魅族、app store") == 1
    doc = tmp_path / "seed_onward_push.txt"
    doc.write_text(text.replace("、魅族、app store", f"、魅族及其{OUTSOURCED}"), encoding="utf-8")
    policy, _ = import_document(doc, imported_at="2026-01-01T00:00:00Z")
    xiaomi = policy.recipient("小米" + OUTSOURCED)
    assert (xiaomi.kind, xiaomi.onward_of) == (RecipientKind.ONWARD, "小米移动软件有限公司")
    reg = Registry()
    reg.add(policy)
    G = build_graph(reg)
    bases = {G.nodes[u]["name"]: G.nodes[u].get("recipient_kind") for u, w, d in G.edges(data=True)
             if d["kind"] == "entrusts" and G.nodes[w]["name"].endswith(OUTSOURCED) and "推送" in str(d["vias"])}
    assert bases == {"深圳市和讯华谷信息技术有限公司": "company", "小米移动软件有限公司": "company",
                     "华为软件技术有限公司": "company", "维沃移动通信有限公司": "company",
                     "广东欢太科技有限公司": "company", "珠海市魅族通讯设备有限公司": "company"}


# -- what a user sees: impact breach and remove-partner --------------------------------------


def _cli(*args: str) -> dict:
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args, "--json"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def fresh_db(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("onward") / "seed.db"
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), "import", str(SEED_PATH), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return out


@pytest.mark.parametrize("command", ["breach", "remove-partner"])
@pytest.mark.parametrize("where", ["bundled", "fresh"])
def test_impact_on_guangmu_reaches_its_outsourcing_processors(command, where, fresh_db):
    registry = () if where == "bundled" else ("--registry", str(fresh_db))
    report = _cli("impact", command, GUANGMU, *registry)
    assert report["onward_processors"] == [GUANGMU + OUTSOURCED]
    assert {"联系人信息", "银行卡号"} <= set(report["fields"])
    assert report["scenarios"] == [{"app": "你我贷", "scenario": ROW}]


def test_impact_on_jiashu_is_unchanged():
    assert _cli("impact", "breach", JIASHU)["onward_processors"] == [JIASHU + OUTSOURCED]
