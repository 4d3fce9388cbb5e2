"""How each flow was read (form, confidence, note, qualifiers) reaches every answer row.

Expectations come from reading the documents:

* tests/fixtures/import/corpus_cuts/xunfeng_shifted.txt (巽风《第三方个人信息共享清单》, lines
  1-12 of corpus xunfeng_share_list, see that folder's README): rows 6 (顺丰速运, line 10) and
  the two after it (京东快递 line 11, 德邦 line 12) are all 订单交付 and give 商品信息、收货地址、
  收件人姓名和收件人手机号码; the last two lost their 序号 cell, so their cells stand one column
  to the left and had to be realigned: a guess;
* tests/fixtures/prose/walla_subprocessors.md (corpus walla_subprocessors, source lines 24-41;
  fixture line N is source line N + 23): line 2 "Your credit card is passed directly to
  Stripe" states the fact outright; line 3 (Sqreen) "IP address information and email is
  logged in the security monitoring system" and line 4 (LogDNA) "Logs exclude all PII except
  for IP Address." name no recipient in the sentence: the vendor of the bullet is a guess;
* data/seed_policy.txt: every flow is a table row; the SDK table writes IDFV（IOS） in the
  Growing IO SDK row (line 1235) and 广告标识符IDFA（IOS） in the 极光推送SDK row (line 1310).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from lineage.exports.common import select, table_records
from lineage.graph import build_graph
from lineage.paths import lineage
from lineage.reports import WHO_COLUMNS
from registry.importer import import_document
from registry.model import Recipient, RecipientKind, Registry
from registry.store import save_registry

TESTS = Path(__file__).resolve().parent
SHIFTED = TESTS / "fixtures" / "import" / "corpus_cuts" / "xunfeng_shifted.txt"
WALLA = TESTS / "fixtures" / "prose" / "walla_subprocessors.md"
READING = ("form", "confidence", "note", "qualifiers")


def registry_of(path: Path) -> Registry:
    policy, _ = import_document(path, imported_at="2026-01-01T00:00:00Z")
    return Registry({policy.app: policy})


def ask(reg: Registry, tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    """A question through the CLI on the registry saved as a file (the file keeps the readings)."""
    path = tmp_path / "registry.json"
    save_registry(reg, path)
    run = CliRunner().invoke(cli.app, [*args, "--registry", str(path), "--json"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def shifted() -> Registry:
    return registry_of(SHIFTED)


@pytest.fixture(scope="module")
def walla() -> Registry:
    return registry_of(WALLA)


def test_realigned_rows_are_low_the_row_read_as_is_stays_high(shifted, tmp_path):
    rows = {r["recipient"]: r for r in ask(shifted, tmp_path, "who-receives", "收货地址")}
    assert {"顺丰速运", "京东快递", "德邦"} <= set(rows)
    for name, line in (("京东快递", 11), ("德邦", 12)):
        r = rows[name]
        assert (r["form"], r["confidence"], r["qualifiers"]) == ("table", "low", []), name
        assert r["note"].startswith(f"line {line}:") and "shifted" in r["note"], r["note"]
    # the three 订单交付 rows share one scenario node: the realigned two must not make 顺丰 a guess
    assert rows["顺丰速运"]["via"] == rows["京东快递"]["via"] == "订单交付"
    assert {k: rows["顺丰速运"][k] for k in READING} == {"form": "table", "confidence": "high", "note": "",
                                                       "qualifiers": []}


def test_fields_of_and_lineage_carry_the_reading(shifted, tmp_path):
    got = ask(shifted, tmp_path, "fields-of", "德邦")
    assert got and {(r["form"], r["confidence"]) for r in got} == {("table", "low")}
    tree = lineage(build_graph(shifted), "收货地址")
    path = next(p for p in tree["paths"] if p["via"] == "订单交付")
    by = {r["recipient"]: r for r in path["recipients"]}
    assert by["德邦"]["confidence"] == "low" and "shifted" in by["德邦"]["note"]
    assert by["顺丰速运"]["confidence"] == "high" and by["顺丰速运"]["note"] == ""
    assert all(f["qualifiers"] == [] for f in path["fields"])


def test_prose_rows_say_so_and_why(walla, tmp_path):
    ip = {r["recipient"]: r for r in ask(walla, tmp_path, "who-receives", "IP地址")}
    assert set(ip) == {"Sqreen", "LogDNA"}
    for name, line in (("Sqreen", 3), ("LogDNA", 4)):
        r = ip[name]
        assert (r["form"], r["confidence"]) == ("prose", "low"), name
        # each vendor keeps the note of its own sentence, though both flows meet on one edge
        assert r["note"].startswith(f"line {line}:") and name in r["note"], r["note"]
    card = ask(walla, tmp_path, "who-receives", "credit card")
    assert [(r["recipient"], r["form"], r["confidence"]) for r in card] == [("Stripe", "prose", "high")]
    assert card[0]["note"].startswith("line 2:")


def test_terminal_table_marks_guesses_and_prose(shifted, walla, tmp_path):
    save_registry(shifted, tmp_path / "s.json")
    save_registry(walla, tmp_path / "w.json")
    run = CliRunner().invoke(cli.app, ["who-receives", "收货地址", "--registry", str(tmp_path / "s.json")])
    assert run.exit_code == 0, run.output
    header, *lines = [ln.split("\t") for ln in run.stdout.splitlines()]
    assert header[-1] == "read"
    marks = {ln[header.index("recipient")]: ln[-1] for ln in lines}
    assert marks["京东快递"] == marks["德邦"] == "?" and marks["顺丰速运"] == ""
    run = CliRunner().invoke(cli.app, ["who-receives", "IP地址", "--registry", str(tmp_path / "w.json")])
    assert {ln.split("\t")[-1] for ln in run.stdout.splitlines()[1:]} == {"prose?"}
    # the seed's answers are all table rows read as they stand: no column added
    run = CliRunner().invoke(cli.app, ["who-receives", "身份证号"])
    assert run.stdout.splitlines()[0].split("\t") == WHO_COLUMNS
    # the CSV of a question always has the four columns
    run = CliRunner().invoke(cli.app, ["who-receives", "收货地址", "--csv", "--registry", str(tmp_path / "s.json")])
    assert run.stdout.splitlines()[0].split(",")[-4:] == list(READING)


def test_seed_qualifiers_reach_the_rows(seed_registry, tmp_path):
    rows = ask(seed_registry, tmp_path, "who-receives", "IDFV")
    by_via = {(r["via"], r["relation"]): r["qualifiers"] for r in rows}
    assert by_via[("Growing IO SDK", "explicit")] == ["platform: iOS"]
    assert by_via[("借款推荐服务", "implied")] == []   # line 2291 lists IDFV in 设备信息, no qualifier
    idfa = [r for r in ask(seed_registry, tmp_path, "who-receives", "IDFA") if r["via"] == "极光推送SDK"]
    assert idfa and all(r["qualifiers"] == ["platform: iOS"] for r in idfa)
    assert {(r["form"], r["confidence"], r["note"]) for r in rows} == {("table", "high", "")}


def test_only_what_is_not_the_default_is_stored(seed_graph):
    # a million table rows must not grow: the edges of a plain reading carry nothing new
    extra = [(k, d) for _, _, k, d in seed_graph.edges(keys=True, data=True)
             if any(x in d for x in ("form", "confidence", "note", "qualifiers"))]
    assert sorted((k, d["qualifiers"]) for k, d in extra) == [("flows_into|", ("platform: iOS",))] * 2


def test_flows_meeting_on_one_edge_lose_nothing(seed_registry):
    # a second row of the same SDK name (as SDK tables with one row per platform have) writes
    # IDFV again with another qualifier, for another provider, read with a guess
    p = seed_registry.policies["你我贷"]
    idfv = next(f for f in p.flows if f.field == "IDFV" and f.via == "Growing IO SDK")
    other = dataclasses.replace(idfv, recipient="北京测试科技有限公司", recipient_as_written="北京测试科技有限公司",
                                qualifiers=("可选",), confidence="low", note="a guess")
    partner = Recipient("北京测试科技有限公司", RecipientKind.COMPANY, ("北京测试科技有限公司",))
    reg = Registry({p.app: dataclasses.replace(p, flows=(*p.flows, other), recipients=(*p.recipients, partner))})
    rows = {r["recipient"]: r for r in select(reg, field="IDFV").rows if r["via"] == "Growing IO SDK"}
    # the field's words are said of the field in this SDK: both kept, in the order written
    assert rows["北京测试科技有限公司"]["qualifiers"] == rows["北京易数科技有限公司"]["qualifiers"] == [
        "platform: iOS", "可选"]
    # the reading is the row's: the guess stays with the recipient whose row it was
    assert (rows["北京测试科技有限公司"]["confidence"], rows["北京测试科技有限公司"]["note"]) == ("low", "a guess")
    assert (rows["北京易数科技有限公司"]["confidence"], rows["北京易数科技有限公司"]["note"]) == ("high", "")


def test_exports_carry_the_reading(shifted):
    recs = {r["recipient"]: r for r in table_records(select(shifted, field="收货地址"))}
    assert recs["德邦"]["confidence"] == "low" and "shifted" in recs["德邦"]["note"]
    assert (recs["顺丰速运"]["form"], recs["顺丰速运"]["confidence"], recs["顺丰速运"]["note"]) == ("table", "high", "")
    assert recs["顺丰速运"]["qualifiers"] == ""


def _sdk_flows(cell_items: list[str]) -> list:
    """The flows one SDK row would make of a data cell's items (as the builder adds them)."""
    from registry.build import _Builder
    from registry.model import Channel, Evidence, Flow
    from registry.splitting import Item
    from registry.vocabulary import load_vocabulary

    b = _Builder(load_vocabulary(), "list.txt")
    ev = Evidence("list.txt", 1, "sdk", 1, "data", "，".join(cell_items))
    for name, item, implied in b.fields_of([Item(t, line=1) for t in cell_items]):
        b.add_flow(Flow(field=name, field_as_written=item.text, channel=Channel.SDK, via="语音SDK",
                        recipient="上海兆言网络科技有限公司", recipient_as_written="上海兆言网络科技有限公司",
                        purpose="", frequency="", evidence=ev, implied_via=implied))
    return b.flows


def test_a_stated_field_wins_over_the_same_field_read_from_a_permission_word():
    # 麦克风 (a permission: data/permissions.yaml gives 语音信息), then 语音 (an alias of 语音信息)
    # in one cell, in either order: one 语音信息 flow, the stated one, high
    for cell in (["麦克风", "语音"], ["语音", "麦克风"]):
        voice = [f for f in _sdk_flows(cell) if f.field == "语音信息"]
        assert [(f.field_as_written, f.confidence, f.note) for f in voice] == [("语音", "high", "")], cell
    only = [f for f in _sdk_flows(["麦克风"]) if f.field == "语音信息"]
    assert [(f.field_as_written, f.confidence) for f in only] == [("麦克风", "low")]
    assert "names a permission (麦克风)" in only[0].note
