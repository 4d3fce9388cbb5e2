"""Issue 14, item 6: ``impact add-partner`` does only what was asked, in the policy's words.

Every expectation is read from the documents, not from the program:

- data/seed_policy.txt, the appendix 《与第三方共享个人信息清单》: its header cells at lines
  2124 (项目名称/业务场景), 2129 (共享信息), 2134 (共享场景、频率), 2139 (共享目的) and 2144
  (共享信息接收方); the row 认证服务 at lines 2151-2171 (共享信息 at 2156: 身份证正反面照片、
  面部照片、营业执照照片、信用卡卡号、信用卡有效期、车辆行驶证照片; 共享信息接收方 at 2171:
  北京旷视科技有限公司、腾讯云计算（北京）有限责任公司、迈容智能科技（上海）有限公司); the row
  风控审核、信用初审 at lines 2316-2336 (共享信息 at 2321: 姓名、身份证号码、手机号码、银行卡号);
  the row 推送通知 (2205; its 共享信息接收方 at 2225 writes 小米 among seven names); the row
  贷后管理（逾期提醒、催收） (2370; 共享信息接收方 at 2390: 广西广木资产管理有限公司、
  广西嘉数信息科技有限公司及其委托的外包服务机构); the SDK table's headers at lines 771-806
  (SDK名称 … 收集信息) and its row 小米推送SDK at line 1544 (provider 小米移动软件有限公司).
- data/recipients.yaml: 百行征信 is an alias of 百行征信有限公司; 百融 is no one's alias.
- /work/shared/corpus/jd_yangche_share_list/source.txt, lines 17-23: a list written as
  labelled records (产品/类型:高德地图 … 第三方公司名称:高德软件有限公司), another policy's
  own column names.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from lineage.impact import add_partner, remove_partner
from registry import import_document
from registry.errors import SharegraphError
from registry.model import Registry

runner = CliRunner()

SEED_COLUMNS = ["项目名称/业务场景", "共享信息", "共享场景、频率", "共享目的", "共享信息接收方"]  # lines 2124-2144
AUTH_DATA = "身份证正反面照片、面部照片、营业执照照片、信用卡卡号、信用卡有效期、车辆行驶证照片"  # line 2156
AUTH_RECIPIENTS = "北京旷视科技有限公司、腾讯云计算（北京）有限责任公司、迈容智能科技（上海）有限公司"  # line 2171
SDK_COLUMNS = ["SDK名称", "提供者名称", "沟通反馈渠道", "隐私政策链接地址", "SDK基本功能", "业务需求", "使用目的",
               "收集信息"]  # lines 771-806
JD = Path("/work/shared/corpus/jd_yangche_share_list/source.txt")


def _cli(*args: str):
    return runner.invoke(cli.app, ["impact", "add-partner", *args])


# -- fields the row does not share -----------------------------------------------------------

def test_fields_the_row_does_not_share_are_an_error(seed_registry):
    # 人脸 (an alias of 人脸识别特征) and 通讯录: neither is in the 认证服务 row (line 2156)
    with pytest.raises(SharegraphError) as e:
        add_partner(seed_registry, "百行征信", scenario="认证服务", fields=["人脸", "通讯录"])
    msg = str(e.value)
    assert e.value.exit_code == 2 and "\n" not in msg
    assert "人脸" in msg and "通讯录" in msg and "--new-fields" in msg
    assert AUTH_DATA in msg  # the row's fields, as it writes them


def test_cli_refuses_them_in_one_line():
    res = _cli("百行征信", "--scenario", "认证服务", "--fields", "人脸,通讯录")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1
    assert AUTH_DATA in res.stderr and "Traceback" not in res.stderr


def test_a_field_of_the_row_is_no_error(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", scenario="认证服务", fields=["面部照片"])
    assert report["new_fields"] == []


def test_new_fields_when_asked_and_the_change_says_which(seed_registry):
    report, new = add_partner(seed_registry, "百行征信", scenario="认证服务", fields=["人脸", "通讯录"],
                              new_fields=True)
    assert report["new_fields"] == ["人脸识别特征", "通讯录"]
    change = report["appendix_change"]
    assert change["new_fields"] == ["人脸识别特征", "通讯录"]
    # the row's other recipients do not get them: the row stays, the partner gets a row of its own
    assert change["after"] == change["before"] and change["changed"] == []
    assert change["new_row"] == {"项目名称/业务场景": "认证服务", "共享信息": "人脸识别特征、通讯录",
                                 "共享场景、频率": "使用时共享一次",
                                 "共享目的": "完成实名认证、营业执照认证、信用卡认证、车辆认证",
                                 "共享信息接收方": "百行征信有限公司"}
    got = {f.field for f in new.policies["你我贷"].flows if f.recipient == "百行征信有限公司" and f.via == "认证服务"}
    assert got == {"人脸识别特征", "通讯录"}


def test_new_fields_from_a_partner_file(tmp_path):
    spec = tmp_path / "partner.yaml"
    spec.write_text("name: 百行征信\nscenario: 认证服务\nfields: [通讯录]\nnew_fields: true\n", encoding="utf-8")
    res = runner.invoke(cli.app, ["impact", "add-partner", "--from-yaml", str(spec), "--json"])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["new_fields"] == ["通讯录"]


# -- the partner as the appendix names it ----------------------------------------------------

def test_a_short_name_is_written_as_its_legal_entity(seed_registry):
    report, new = add_partner(seed_registry, "百行征信", scenario="认证服务")
    assert report["written_as"] == report["legal_entity"] == "百行征信有限公司"
    assert report["resolved"] == {"百行征信": "百行征信有限公司"} and report["warnings"] == []
    change = report["appendix_change"]
    assert change["would_be"] == f"{AUTH_RECIPIENTS}、百行征信有限公司"
    assert change["after"]["共享信息接收方"] == f"{AUTH_RECIPIENTS}、百行征信有限公司"
    assert change["changed"] == ["共享信息接收方"]
    written = {f.recipient_as_written for f in new.policies["你我贷"].flows if f.via == "认证服务"}
    assert "百行征信" not in written and "百行征信有限公司" in written


def test_the_cli_says_it_resolved_the_partner():
    res = _cli("百行征信", "--scenario", "认证服务")
    assert res.exit_code == 0, res.stderr
    assert "百行征信 → 百行征信有限公司" in res.stdout


def test_no_legal_entity_known_is_written_as_typed_with_a_warning(seed_registry):
    report, _ = add_partner(seed_registry, "百融", scenario="风控审核")
    assert report["written_as"] == "百融" and report["legal_entity"] is None
    assert report["appendix_change"]["would_be"].endswith("、百融")
    [warning] = report["warnings"]
    assert "no legal entity is known for '百融'" in warning
    # the registry's company whose name begins with it (line 2336) is named, not taken in its place
    assert "百融云创科技股份有限公司" in warning and report["recipient"] == "百融"
    res = _cli("百融", "--scenario", "风控审核")
    assert res.exit_code == 0 and "warning: no legal entity is known for '百融'" in res.stderr


# -- the row before and after, in the policy's own columns -----------------------------------

def test_the_change_is_the_row_before_and_after_in_the_policys_columns(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", scenario="风控审核")
    change = report["appendix_change"]
    assert change["columns"] == SEED_COLUMNS and change["headers_as_written"] is True
    assert change["line"] == 2316 and change["row"] == 7
    assert change["before"] == {"项目名称/业务场景": "风控审核、信用初审", "共享信息": "姓名、身份证号码、手机号码、银行卡号",
                                "共享场景、频率": "使用时共享一次", "共享目的": "资信评估",
                                "共享信息接收方": change["now"]}
    assert change["now"].startswith("百行征信有限公司、") and change["now"].endswith("度小满科技（北京）有限公司")
    assert change["after"] == {**change["before"], "共享信息接收方": change["now"] + "、某某数据科技有限公司"}
    assert change["new_row"] is None


def test_some_of_the_rows_fields_get_a_row_of_their_own(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", scenario="风控审核", fields=["姓名", "手机号"])
    change = report["appendix_change"]
    assert change["after"] == change["before"]
    assert change["new_row"]["共享信息"] == "姓名、手机号码"  # as line 2321 writes them
    assert change["new_row"]["共享信息接收方"] == "某某数据科技有限公司"


def test_on_a_terminal_a_table_piped_one_table_and_json_an_object():
    args = ("某某数据科技有限公司", "--scenario", "风控审核")
    piped = _cli(*args)
    assert piped.exit_code == 0, piped.stderr
    header, *lines = [ln.split("\t") for ln in piped.stdout.splitlines()]
    assert header[0] == "section" and all(c in header for c in ["row", *SEED_COLUMNS])
    rows = [dict(zip(header, ln, strict=True)) for ln in lines]
    change = [r for r in rows if r["section"].startswith("appendix change")]
    assert [r["row"] for r in change] == ["before", "after"]
    assert change[1]["共享信息接收方"].endswith("度小满科技（北京）有限公司、某某数据科技有限公司")
    assert "key" not in header and "would_be" not in piped.stdout  # no key/value dump of the object
    data = json.loads(_cli(*args, "--json").stdout)
    assert isinstance(data["appendix_change"]["before"], dict)


def test_the_sections_a_terminal_draws():
    from lineage.reports import add_partner_outcome
    from registry import open_registry

    out = add_partner_outcome(open_registry(), "百行征信", scenario="认证服务")
    table = out.sections[-1]
    assert table.title == "appendix change: sharing list row 1 (line 2151)"
    assert table.columns == ["row", *SEED_COLUMNS]
    assert [r["row"] for r in table.rows] == ["before", "after"]
    assert table.rows[0]["共享信息接收方"] == AUTH_RECIPIENTS
    assert "partner: 百行征信 → 百行征信有限公司" in out.sections[0].lines


def test_an_sdk_row_in_the_sdk_tables_columns(seed_registry):
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", sdk="小米推送")
    change = report["appendix_change"]
    assert change["columns"] == SDK_COLUMNS and change["line"] == 1544
    assert change["before"]["提供者名称"] == "小米移动软件有限公司"
    assert change["after"]["提供者名称"] == "小米移动软件有限公司、某某数据科技有限公司"
    report, _ = add_partner(seed_registry, "某某数据科技有限公司", sdk="某某风控SDK", fields=["身份证号"])
    change = report["appendix_change"]
    assert change["before"] is None and list(change["after"]) == SDK_COLUMNS
    assert change["after"]["SDK名称"] == "某某风控SDK" and change["after"]["收集信息"] == "身份证号码"


def test_another_policys_own_columns(tmp_path):
    policy, _ = import_document(JD)
    reg = Registry({policy.app: policy})
    report, _ = add_partner(reg, "北京测试科技有限公司", scenario="门店导航")
    change = report["appendix_change"]
    assert change["columns"] == ["产品/类型", "使用目的", "使用场景", "共享信息名称", "共享方式", "第三方公司名称",
                                 "隐私保护说明"]
    assert change["before"]["产品/类型"] == "高德地图" and change["before"]["第三方公司名称"] == "高德软件有限公司"
    assert change["after"]["第三方公司名称"] == "高德软件有限公司、北京测试科技有限公司"
    with pytest.raises(SharegraphError, match="设备唯一标识码"):  # line 20: what the row shares
        add_partner(reg, "北京测试科技有限公司", scenario="门店导航", fields=["通讯录"])


def test_without_the_policys_text_the_columns_are_named_by_role(seed_registry):
    p = seed_registry.policies["你我贷"]
    reg = Registry({p.app: dataclasses.replace(p, text=None)})
    change = add_partner(reg, "某某数据科技有限公司", scenario="认证服务")[0]["appendix_change"]
    assert change["headers_as_written"] is False
    assert change["columns"] == ["scenario", "data", "frequency", "purpose", "recipient"]
    assert change["before"]["data"] == AUTH_DATA


# -- remove-partner: each row it changes, before and after ----------------------------------

def test_remove_partner_shows_each_row_before_and_after(seed_registry):
    report, _ = remove_partner(seed_registry, "小米")
    by_line = {c["line"]: c for c in report["appendix_changes"]}
    assert set(by_line) == {2205, 1544}
    push = by_line[2205]
    assert push["columns"] == SEED_COLUMNS
    assert push["before"]["共享信息接收方"] == "深圳市和讯华谷信息技术有限公司、小米、华为、VIVO、OPPO、魅族、app store"
    assert push["after"]["共享信息接收方"] == "深圳市和讯华谷信息技术有限公司、华为、VIVO、OPPO、魅族、app store"
    assert by_line[1544]["after"] is None  # the SDK's only provider: the row goes


def test_remove_partner_keeps_an_onward_clause_that_still_governs(seed_registry):
    # line 2390: 其 speaks of both companies (issue 14 item 4); without 嘉数, 广木 still entrusts
    report, _ = remove_partner(seed_registry, "广西嘉数信息科技有限公司")
    [change] = report["appendix_changes"]
    assert change["after"]["共享信息接收方"] == "广西广木资产管理有限公司及其委托的外包服务机构"
    report, _ = remove_partner(seed_registry, "广西广木资产管理有限公司")
    [change] = report["appendix_changes"]
    assert change["after"]["共享信息接收方"] == "广西嘉数信息科技有限公司及其委托的外包服务机构"


def test_remove_partner_piped_names_the_rows():
    res = runner.invoke(cli.app, ["impact", "remove-partner", "小米"])
    assert res.exit_code == 0, res.stderr
    header, *lines = [ln.split("\t") for ln in res.stdout.splitlines()]
    rows = [dict(zip(header, ln, strict=True)) for ln in lines]
    sharing = [r for r in rows if r["section"] == "sharing list rows to change"]
    assert [r["row"] for r in sharing] == ["row 3 before", "row 3 after"]
    sdk = [r for r in rows if r["section"] == "SDK table rows to change"]
    assert [r["row"] for r in sdk] == ["row 12 before", "row 12 after: row removed"]
