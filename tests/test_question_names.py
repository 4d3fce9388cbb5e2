"""The names the question commands take (follow-ups of issue 14 item 8): ``fields-of`` of a brand
covers every recipient of the brand, the exposure ranking refuses an unknown category itself,
and ``--app`` is resolved once by the command line, a unique part of an app's name naming it.

Read from the documents (see tests/test_names.py for the lines): data/recipients.yaml's brand
腾讯 has the tokens Tencent, QQ, 微信, Bugly …; the fixtures cut from the corpus give three more
apps whose SDKs come from 深圳市腾讯计算机系统有限公司 (turing_voice_sdk.yaml: 微信SDK, QQSDK,
腾讯 Bugly SDK), 腾讯科技（深圳）有限公司 (vivo_browser.yaml: 微信开放平台SDK, QQ分享SDK) and a
provider written 腾讯 alone (jibencaozuo.yaml: 微信SDK); the seed's 腾讯云人脸核身SDK (line 813)
and 风控审核、信用初审 row (line 2336) name 腾讯云计算（北京）有限责任公司. The seed is the one
app 你我贷.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from lineage.backends.networkx import NetworkxBackend
from lineage.exposure import exposure, fields_of
from lineage.graph import build_graph
from registry import save_registry
from registry.errors import AmbiguousRecipientError, UnknownNameError
from registry.importer import import_document
from registry.model import Registry

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TENCENT = {"深圳市腾讯计算机系统有限公司", "腾讯", "腾讯云计算（北京）有限责任公司", "腾讯科技（深圳）有限公司"}


@pytest.fixture(scope="module")
def brands(seed_registry) -> Registry:
    reg = Registry(dict(seed_registry.policies))
    for path in ("names/turing_voice_sdk.yaml", "names/vivo_browser.yaml", "names/jibencaozuo.yaml"):
        reg.add(import_document(FIXTURES / path, imported_at="2026-01-01T00:00:00Z")[0])
    return reg


def test_fields_of_a_brand_is_what_all_its_recipients_receive(brands):
    b = NetworkxBackend(registry=brands)
    for query in ("Tencent", "腾讯", "QQ"):
        rows = b.fields_of(query)
        assert set(rows.match.names) == TENCENT, query
        assert {r["recipient"] for r in rows} == TENCENT, query
        assert rows.match.describe().startswith(f"matched the brand {query!r}: 4 recipients: ")
    # the seed's 腾讯云人脸核身SDK row: 腾讯云's rows are among them, each naming its recipient
    assert any(r["via"] == "腾讯云人脸核身SDK" and r["recipient"] == "腾讯云计算（北京）有限责任公司"
               for r in b.fields_of("腾讯"))
    # sensitive fields first, whichever recipient gets them
    sens = [r["sensitive"] for r in b.fields_of("腾讯")]
    assert sens == sorted(sens, reverse=True)
    # a part of one legal name stays that one
    assert {r["recipient"] for r in b.fields_of("腾讯云")} == {"腾讯云计算（北京）有限责任公司"}
    # the library function, asked for one recipient, still refuses to pick one of a brand's
    with pytest.raises(AmbiguousRecipientError):
        fields_of(build_graph(brands), "Tencent")


def test_cli_fields_of_a_brand(brands, tmp_path):
    path = tmp_path / "brands.json"
    save_registry(brands, path)
    run = CliRunner().invoke(cli.app, ["fields-of", "腾讯", "-r", str(path), "--json"])
    assert run.exit_code == 0, run.output
    assert {r["recipient"] for r in json.loads(run.stdout)} == TENCENT


def test_the_ranking_itself_refuses_an_unknown_category(seed_graph):
    with pytest.raises(UnknownNameError) as e:
        exposure(seed_graph, category="个人身份")
    assert e.value.suggestions[0] == "个人身份信息"


def test_cli_resolves_part_of_an_app_name_once_and_says_so():
    said = "resolved: app '你我' is 你我贷 (the one app beginning with it)"
    for args in (["who-receives", "身份证号码"], ["fields-of", "百行征信有限公司"], ["exposure", "--limit", "1"],
                 ["sensitive-unnamed"]):
        run = CliRunner().invoke(cli.app, [*args, "--app", "你我"])
        assert run.exit_code == 0, (args, run.output)
        assert run.stderr.splitlines()[0] == said, args
        if args[0] != "exposure":
            rows = json.loads(CliRunner().invoke(cli.app, [*args, "--app", "你我", "--json"]).stdout)
            assert rows and {r["app"] for r in rows} == {"你我贷"}, args
    j = CliRunner().invoke(cli.app, ["exposure", "--limit", "1", "--app", "你我", "--json"])
    assert json.loads(j.stdout)["resolved"] == {"你我": "你我贷"} and j.stderr == ""
    typed = CliRunner().invoke(cli.app, ["exposure", "--limit", "1", "--app", "你我贷", "--json"])
    assert json.loads(typed.stdout)["resolved"] == {}
    bad = CliRunner().invoke(cli.app, ["who-receives", "身份证号码", "--app", "京东"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: unknown app '京东'")
