"""The XLSX workbook read back with openpyxl: the permissions and audit sheets, the recipients
sheet's columns (issue 14, "The auditor's report"). Formula-like text kept as written with
Excel's quote prefix: tests/test_exports.py::test_xlsx_cells_are_text_not_formulas.

Expectations are read from data/seed_policy.txt: the permission table (lines 174-700) has 20
rows of 12 permissions, 网络 listed for IOS at line 201 and Android at 228, 获取应用程序列表
for Android only (line 299), 麦克风 last (IOS 652, Android 679); 合作的持牌金融机构 is the
recipient written at line 2444 of the 借款申请 row. Recipient records (docs/recipient-records.md):
北京旷视科技有限公司's 沟通反馈渠道 is 400-6700-866 (line 892); the name on line 2390,
"广西广木资产管理有限公司、广西嘉数信息科技有限公司及其委托的外包服务机构", makes the outsourcing
institutions entrusted processors.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lineage.exports import export
from lineage.exports.records import NOT_IN_GRAPH
from lineage.graph import build_graph
from registry.model import RecipientFact, Registry

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
                             "sensitive_field_names", "field_names", "scenarios_and_sdks", "apps", "contact",
                             "relationship", "legal_basis", "cross_border", "record_notes", "record_evidence"]
    bairong = next(r for r in rows if r["recipient"] == BAIRONG)
    # tests/test_exports_counts.py reads the three rows naming 百融: 30 fields, 24 sensitive
    assert (bairong["field_count"], bairong["sensitive_field_count"]) == (30, 24)
    assert len(bairong["field_names"].split("; ")) == 30
    assert "借款相关信息" not in bairong["field_names"].split("; ")
    assert bairong["scenarios_and_sdks"] == "借款导流合作; 短信、电话通知及商业营销; 风控审核、信用初审"
    fields = sheet(workbook, "fields")
    assert list(fields[0])[:5] == ["field", "category", "sensitive", "recipient_count", "recipient_names"]


MEGVII = "北京旷视科技有限公司"
GUANGMU_ONWARD = "广西广木资产管理有限公司委托的外包服务机构"


def seed_line(n: int) -> str:
    return SEED.read_text(encoding="utf-8").splitlines()[n - 1].strip()


def test_recipients_sheet_records(workbook: Path) -> None:
    rows = {r["recipient"]: r for r in sheet(workbook, "recipients")}
    megvii = rows[MEGVII]
    assert megvii["contact"] == seed_line(892) == "400-6700-866"
    assert f"contact, line 892: {seed_line(892)}" in megvii["record_evidence"].splitlines()
    assert megvii["legal_basis"] == "not stated"
    assert megvii["relationship"].endswith(" (low)")  # said of the sharing list, not of 旷视
    assert any(n.startswith("relationship (low): ") for n in megvii["record_notes"].splitlines())
    onward = rows[GUANGMU_ONWARD]
    assert onward["relationship"] == "entrusted processor (受托方)" and onward["contact"] == "not stated"
    assert f"relationship, line 2390: {seed_line(2390)}" in onward["record_evidence"].splitlines()
    assert "及其委托的外包服务机构" in seed_line(2390)


def test_recipients_sheet_from_a_graph(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "graph.xlsx"
    export(build_graph(seed_registry), "xlsx", out)
    megvii = next(r for r in sheet(out, "recipients") if r["recipient"] == MEGVII)
    assert megvii["contact"] == "400-6700-866"  # the graph's node keeps it
    assert megvii["relationship"] is megvii["legal_basis"] is megvii["cross_border"] is None  # not "not stated"
    assert {r["item"]: r["value"] for r in sheet(out, "summary")}["recipient records"] == NOT_IN_GRAPH


def test_record_cells_are_not_formulas(seed_registry: Registry, tmp_path: Path) -> None:
    import openpyxl

    evil = '=HYPERLINK("http://evil","x")'
    p = seed_registry.policies["你我贷"]
    recipients = tuple(replace(r, facts=(RecipientFact("contact", evil, evil, 892, "column", "沟通反馈渠道"),))
                       if r.name == MEGVII else r for r in p.recipients)
    out = tmp_path / "evil.xlsx"
    export(Registry({p.app: replace(p, recipients=recipients)}), "xlsx", out, recipient=MEGVII)
    ws = openpyxl.load_workbook(out)["recipients"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("contact") + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (evil, "s", True)
