"""The XLSX workbook read back with openpyxl: the permissions and audit sheets, the recipients
sheet's columns (issue 14, "The auditor's report"). Formula-like text kept as written with
Excel's quote prefix: tests/test_exports.py::test_xlsx_cells_are_text_not_formulas.

Expectations are read from data/seed_policy.txt: the permission table (lines 174-700) has 20
rows of 12 permissions, 网络 listed for IOS at line 201 and Android at 228, 获取应用程序列表
for Android only (line 299), 麦克风 last (IOS 652, Android 679); 合作的持牌金融机构 is the
recipient written at line 2444 of the 借款申请 row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lineage.exports import export
from lineage.graph import build_graph
from registry.model import Registry

SEED = Path(__file__).resolve().parent.parent / "data" / "seed_policy.txt"
BAIRONG = "百融云创科技股份有限公司"
PERMISSIONS = ["网络", "通知", "获取应用程序列表", "相机", "相册", "地理位置", "通讯录", "通话记录", "短信",
               "存储空间", "日历", "麦克风"]  # fmt: skip


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    import openpyxl

    ws = openpyxl.load_workbook(path)[name]
    header, *rows = ws.iter_rows(values_only=True)
    return [dict(zip(header, r, strict=True)) for r in rows]


@pytest.fixture(scope="module")
def workbook(seed_registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "seed.xlsx"
    export(seed_registry, "xlsx", out)
    return out


def test_permissions_sheet(workbook: Path) -> None:
    rows = sheet(workbook, "permissions")
    assert [r["permission"] for r in rows] == PERMISSIONS
    by = {r["permission"]: r for r in rows}
    assert by["网络"]["platforms"] == "IOS; Android" and by["网络"]["source_line"] == 201
    assert by["获取应用程序列表"]["platforms"] == "Android" and by["获取应用程序列表"]["source_line"] == 299
    assert by["麦克风"]["purpose"] == "使用在线客服语音输入功能时录制音频或发送语音"  # line 655, the IOS row
    assert sum(len(r["platforms"].split("; ")) for r in rows) == 20  # the table's 20 rows
    # 地理位置 gives 地理位置信息, which is shared; 通话记录 gives 通话记录, which no row shares
    assert by["地理位置"]["fields_shared"] == "地理位置信息"
    assert by["通话记录"]["fields_granted"] == "通话记录" and by["通话记录"]["fields_shared"] is None


def test_permissions_of_a_field(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "location.xlsx"
    export(seed_registry, "xlsx", out, field="地理位置信息")
    assert [r["permission"] for r in sheet(out, "permissions")] == ["地理位置"]


def test_audit_sheet_quotes_the_document(seed_registry: Registry, workbook: Path) -> None:
    from lineage.audit import audit

    findings = audit(seed_registry)
    rows = sheet(workbook, "audit")
    assert len(rows) == len(findings)
    levels = [r["level"] for r in rows]
    assert levels == sorted(levels, key=["error", "warning", "note"].index)  # errors first
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for r in rows:
        assert r["rule"].startswith("SG") and r["reason"]
        for quote in (r["quotes"] or "").splitlines():
            no, _, text = quote.partition(": ")
            assert text.rstrip("…").lstrip("…") in lines[int(no) - 1], quote  # the line as written
    unnamed = [r for r in rows if r["rule"] == "SG201"]
    assert unnamed and unnamed[0]["first_line"] == 2444 and "合作的持牌金融机构" in unnamed[0]["quotes"]
    summary = {r["item"]: r["value"] for r in sheet(workbook, "summary")}
    n = {lv: levels.count(lv) for lv in ("error", "warning", "note")}
    assert summary["audit"] == f"{n['error']} errors, {n['warning']} warnings, {n['note']} notes"


def test_no_audit_from_a_graph(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "graph.xlsx"
    export(build_graph(seed_registry), "xlsx", out)
    assert sheet(out, "audit") == []
    assert {r["item"]: r["value"] for r in sheet(out, "summary")}["audit"].startswith("not run")


def test_recipients_sheet_names_counts_and_lists(workbook: Path) -> None:
    rows = sheet(workbook, "recipients")
    assert list(rows[0]) == ["recipient", "recipient_kind", "onward_of", "field_count", "sensitive_field_count",
                             "sensitive_field_names", "field_names", "scenarios_and_sdks", "apps"]
    bairong = next(r for r in rows if r["recipient"] == BAIRONG)
    # tests/test_exports_counts.py reads the three rows naming 百融: 30 fields, 24 sensitive
    assert (bairong["field_count"], bairong["sensitive_field_count"]) == (30, 24)
    assert len(bairong["field_names"].split("; ")) == 30
    assert "借款相关信息" not in bairong["field_names"].split("; ")
    assert bairong["scenarios_and_sdks"] == "借款导流合作; 短信、电话通知及商业营销; 风控审核、信用初审"
    fields = sheet(workbook, "fields")
    assert list(fields[0])[:5] == ["field", "category", "sensitive", "recipient_count", "recipient_names"]
