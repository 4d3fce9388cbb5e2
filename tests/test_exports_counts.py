"""One definition of each count (issue 14 item 7, docs/counts.md): ``stats``, the HTML report,
the Markdown summary and the XLSX summary give the same numbers, and say what they count.

Before: ``stats`` said 137 fields / 55 sensitive and 20 permissions, the report 129 / 51, with
no word why; the group names 借款相关信息 and 放款信息 counted as sensitive fields of 百融.

Expectations are read from data/seed_policy.txt:

* The permission table (lines 174-700) has 20 rows of 12 permissions: 网络, 通知, 获取应用程序列表,
  相机, 相册, 地理位置, 通讯录, 通话记录, 短信, 存储空间, 日历, 麦克风; eight of them have an IOS row
  as well as an Android row (网络 201/228, 通知 250/277, 相机 326/353, 相册 375/402, 地理位置 424/451,
  通讯录 473/500, 日历 603/630, 麦克风 652/679).
* Groups written with their members, so headings and not fields of their own:
  line 2237 ``您使用我们服务的状态（注册天数、注册后最近一次登录天数）；借款相关信息（借款期限、…）``,
  line 2264 ``放款信息（放款金额、放款时间、放款期限）、还款相关信息（还款金额、…）``,
  line 2375 ``借款相关信息（银行卡号、…、还款信息、…）``. 还款相关信息 is also written bare inside the
  last (``还款信息``), and 设备信息 bare at lines 854 and 2210: those two are fields.
* 百融云创科技股份有限公司 is named in three rows (recipients at lines 2252, 2279, 2336):
  line 2237 lists 姓名、性别、手机号码、身份证号码、注册天数、注册后最近一次登录天数、借款期限、借款额度、
  还款金额、还款日期、应还日期、逾期状态、优惠券信息、银行卡开户行、银行卡尾号、是否上报征信、是否开通权益、
  权益开通日期、权益费金额 (19, the two group names left out); line 2264 adds 审批状态、授信额度、银行卡号、
  银行卡预留手机号、放款金额、放款时间、放款期限、还款时间、还款状态、还款期次、逾期信息、还款方式、还款计划
  (13 new of its 17); line 2321 (姓名、身份证号码、手机号码、银行卡号) adds none: 32 items as written.
  data/fields.yaml makes 借款额度 an alias of 授信额度 and 还款时间 of 还款日期: 30 fields. Of them
  姓名、性别、手机号码、注册天数、注册后最近一次登录天数、优惠券信息 are not sensitive: 24 sensitive.
  Before, the three group names made it 33 fields and 27 sensitive.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from lineage.exports import export, select
from lineage.exports.html import build_report
from registry.model import Registry
from registry.stats import caption, row_counts, stats

BAIRONG = "百融云创科技股份有限公司"
HEADINGS = {"借款相关信息", "放款信息", "服务使用状态"}
PERMISSION_ONLY = ["存储文件", "日历信息", "照片", "短信内容", "视频", "语音信息", "通讯录", "通话记录"]
"""Fields the permission table gives access to (data/permissions.yaml) that no row of the
sharing list or SDK table lists (a search of lines 700- finds 通讯录, 通话记录, 日历, 麦克风 nowhere,
and 照片, 视频, 短信, 存储, 语音 only inside other fields: 营业执照照片, 短信验证码, 语音信箱号码…)."""

runner = CliRunner()


def test_permissions_are_distinct_permissions(seed_registry: Registry) -> None:
    s = stats(seed_registry)
    assert (s["permissions"], s["permission_rows"]) == (12, 20)
    assert s["per_app"]["你我贷"]["permissions"] == 12


def test_group_headings_are_not_fields(seed_registry: Registry) -> None:
    counts = row_counts(select(seed_registry).rows)
    assert HEADINGS.isdisjoint(counts["fields"])
    assert {"设备信息", "还款相关信息"} <= set(counts["fields"])  # written bare somewhere
    assert HEADINGS.isdisjoint(counts["sensitive_fields"])
    s = stats(seed_registry)
    assert s["fields"] == len(counts["fields"])
    assert s["sensitive_fields"] == len(counts["sensitive_fields"])
    assert s["permission_only_field_names"] == PERMISSION_ONLY
    # every field the policy mentions is either counted, a heading only, or only read by a permission
    mentioned = {f.name for f in seed_registry.policies["你我贷"].fields}
    assert mentioned == set(counts["fields"]) | HEADINGS | set(PERMISSION_ONLY)


def test_bairong_fields_by_reading(seed_registry: Registry) -> None:
    rows = select(seed_registry, recipient=BAIRONG).rows
    assert len(rows) == 21 + 19 + 4  # each item of the three rows, and the 4 group names at 2237, 2264
    counts = row_counts(rows)
    assert len(counts["fields"]) == 30
    assert len(counts["sensitive_fields"]) == 24
    assert {"借款相关信息", "放款信息", "还款相关信息", "服务使用状态"}.isdisjoint(counts["fields"])
    assert counts["group_flows"] == 4


def test_stats_report_and_exports_agree(seed_registry: Registry, tmp_path: Path) -> None:
    import pandas as pd

    s = stats(seed_registry)
    report = build_report(select(seed_registry))["summary"]
    assert (report["fields"], len(report["sensitive_fields"]), report["permissions"], report["flows"],
            report["recipients"], report["group_flows"]) == (
        s["fields"], s["sensitive_fields"], s["permissions"], s["flows"], s["recipients"], s["group_flows"])
    assert report["caption"].startswith("Counted (docs/counts.md): fields = distinct fields")
    assert f"{s['group_flows']} of them a group's own row" in report["caption"]

    md = tmp_path / "seed.md"
    export(seed_registry, "markdown", md)
    text = md.read_text(encoding="utf-8")
    assert f"- Data fields: {s['fields']} ({s['sensitive_fields']} sensitive)" in text
    assert f"device permissions: {s['permissions']}" in text
    assert "Counted (docs/counts.md)" in text

    x = tmp_path / "seed.xlsx"
    export(seed_registry, "xlsx", x)
    summary = pd.read_excel(x, sheet_name="summary", dtype=str, keep_default_na=False)
    items = dict(zip(summary["item"], summary["value"], strict=True))
    assert (items["fields"], items["sensitive fields"], items["permissions"], items["flows"]) == (
        str(s["fields"]), str(s["sensitive_fields"]), str(s["permissions"]), str(s["flows"]))
    assert items["counted as"] == report["caption"]
    fields = pd.read_excel(x, sheet_name="fields", dtype=str, keep_default_na=False)
    assert len(fields) == s["fields"] and HEADINGS.isdisjoint(fields["field"])


def test_stats_says_what_it_counts() -> None:
    res = runner.invoke(cli.app, ["stats"])
    assert res.exit_code == 0, res.output
    by = dict(line.split("\t") for line in res.stdout.splitlines()[1:])
    assert (by["permissions"], by["permission_rows"]) == ("12", "20")
    assert "Counted (docs/counts.md): fields = distinct fields that reach a recipient" in res.stderr
    assert "permissions = distinct permissions, iOS and Android together" in res.stderr
    data = json.loads(runner.invoke(cli.app, ["stats", "--json"]).stdout)
    assert data["fields"] == int(by["fields"])


def test_several_apps_add_rows_and_count_names_once(seed_registry: Registry) -> None:
    policy = seed_registry.policies["你我贷"]
    two = Registry({"你我贷": policy, "另一个应用": replace(policy, app="另一个应用")})
    one, both = stats(seed_registry), stats(two)
    for key in ("permissions", "permission_rows", "flows", "group_flows", "sharing_rows"):
        assert both[key] == 2 * one[key], key
    for key in ("fields", "sensitive_fields", "recipients", "permission_only_fields"):
        assert both[key] == one[key], key


@pytest.mark.parametrize("counts", [{}, {"group_flows": 3, "permission_only_fields": 2, "permissions": 1}])
def test_caption_is_one_sentence(counts: dict[str, int]) -> None:
    text = caption(counts)
    assert text.startswith("Counted (docs/counts.md): ") and text.endswith(".") and "\n" not in text
    assert ("3 of them a group's own row" in text) == bool(counts)
    assert ("2 more only read through a device permission" in text) == bool(counts)


def test_import_reports_the_counts_stats_reports():
    """Issue 14 item 7: `import` said 137 fields and 20 permission rows where `stats` says 126 and 12."""
    from registry import import_document, open_registry
    from registry.stats import stats

    _, report = import_document(Path(__file__).resolve().parent.parent / "data" / "seed_policy.txt")
    s = stats(open_registry())
    for k in ("sharing_rows", "sdks", "permissions", "permission_rows", "fields", "sensitive_fields", "flows"):
        assert report.counts[k] == s[k], k
    assert (report.counts["fields"], report.counts["permissions"]) == (126, 12)
