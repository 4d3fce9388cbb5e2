"""The HTML lineage report in a real headless Chromium, with the network blocked.

Expectations below are counted by hand from REPORT's flows, not computed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lineage.report_html import render_html
from tests.skips import skip_or_fail

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SKIP_MESSAGE = "browser tests need Chromium: apt-get install chromium; pip install playwright"

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "</script><img src=x onerror=alert(1)>"
BAOFU = "宝付网络科技（上海）有限公司"
BAIHANG = "百行征信有限公司"
BANK = "银行卡绑定、授权自动扣款"
RISK = "风控审核、信用初审"
PUSH = "推送通知"
EV_BANK = "姓名、手机号码、身份证号码、身份证正反面照片、银行卡号、银行卡预留手机号、短信验证码"
EV_RISK = "姓名、身份证号码、手机号码、银行卡号"
EV_PUSH = "设备信息、姓名、性别、借款额度、借款期限、注册天数、注册后最近一次登录天数"


def flow(field: str, via: str, recipient: str, line: int, evidence: str, **extra: Any) -> dict:
    base = {
        "app": "你我贷借款", "field": field, "field_as_written": field, "category": "个人身份信息",
        "sensitive": False, "channel": "sharing", "via": via, "purpose": "", "frequency": "每次使用时共享",
        "recipient": recipient, "recipient_as_written": recipient, "recipient_kind": "company",
        "implied_via": None, "file": "seed_policy.txt", "line": line, "evidence": evidence,
    }  # fmt: skip
    base.update(extra)
    return base


FLOWS = [
    flow("身份证号码", BANK, BAOFU, 2183, EV_BANK, sensitive=True, field_as_written="身份证号",
         purpose="绑定用户借还款银行卡、授权自动扣款"),
    flow("身份证号码", RISK, BAIHANG, 2321, EV_RISK, sensitive=True, purpose="资信评估",
         frequency="使用时共享一次"),
    flow("姓名", BANK, BAOFU, 2183, EV_BANK, category="个人基本资料"),
    flow("手机号码", RISK, BAIHANG, 2321, EV_RISK, category="个人基本资料"),
    flow("IMEI", "高德地图SDK", "高德软件有限公司", 1705, "IMEI", channel="sdk",
         category="设备信息", purpose="定位"),
    flow("IMEI", PUSH, "深圳市和讯华谷信息技术有限公司", 2210, EV_PUSH, category="设备信息",
         implied_via="设备信息", purpose="推送消息到设备"),
    flow("姓名", PUSH, XSS_SCRIPT, 2210, EV_PUSH, category="个人基本资料"),
    flow("性别", PUSH, XSS_IMG, 2210, EV_PUSH, category="个人基本资料"),
]  # fmt: skip
# Links drawn, counted by hand: (field, via) pairs
#   身份证号码-BANK, 身份证号码-RISK, 姓名-BANK, 手机号码-RISK, IMEI-高德地图SDK, IMEI-PUSH,
#   姓名-PUSH, 性别-PUSH                                                        -> 8
# (via, recipient) pairs
#   BANK-BAOFU (2 flows), RISK-BAIHANG (2), 高德地图SDK-高德软件, PUSH-和讯华谷,
#   PUSH-XSS_SCRIPT, PUSH-XSS_IMG                                              -> 6
# Nodes: 5 fields + 4 vias + 6 recipients (BAOFU, BAIHANG, 高德软件, 和讯华谷, XSS_SCRIPT,
# XSS_IMG) = 15.
ALL_LINKS, ALL_NODES = 14, 15
# 身份证号码 only: flows 1-2 -> links 身份证号码-BANK, 身份证号码-RISK, BANK-BAOFU, RISK-BAIHANG;
# nodes 身份证号码, BANK, RISK, BAOFU, BAIHANG.
ID_LINKS, ID_NODES = 4, 5

REPORT = {
    "format": "sharegraph-report", "version": 1, "tool_version": "0.1.0",
    "generated_at": "2026-11-29T03:50:00Z", "title": "你我贷借款 — data sharing lineage",
    "scope": {"app": "你我贷借款", "field": None, "recipient": None},
    "sources": [{"app": "你我贷借款", "file": "seed_policy.txt", "sha256": "ab12" * 16,
                 "imported_at": "2026-11-29T03:40:00Z"}],
    "summary": {"flows": 8, "fields": 5, "recipients": 5, "scenarios": 3, "sdks": 1,
                "sensitive_fields": ["身份证号码"], "unnamed_recipients": ["合作的持牌金融机构"],
                "onward_recipients": ["广西嘉数信息科技有限公司委托的外包服务机构"]},
    "flows": FLOWS,
    "audit": [
        {"rule": "SG-R1", "level": "error", "reason": "SDK collects location without a stated purpose",
         "clause": "PIPL Art. 23", "evidence": [{"file": "seed_policy.txt", "line": 1700, "text": "高德地图SDK"}]},
        {"rule": "SG-R4", "level": "warning", "reason": "recipient not named", "clause": "PIPL Art. 23",
         "evidence": [{"file": "seed_policy.txt", "line": 2360, "text": "合作的持牌金融机构"}]},
        {"rule": "SG-R7", "level": "warning", "reason": XSS_IMG, "clause": "GB/T 35273 §9.2",
         "evidence": []},
    ],
}  # fmt: skip


@dataclass
class Session:
    """One opened report page and everything it tried to do."""

    page: Any
    url: str
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attr(self, selector: str, name: str) -> str | None:
        return self.page.get_attribute(selector, name)

    def rows(self, table: str) -> int:
        return self.page.locator(f"#{table} tbody tr:not(.empty)").count()

    def assert_clean(self) -> None:
        assert self.blocked == [], f"page tried to reach the network: {self.blocked}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"dialogs fired: {self.dialogs}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; skip without it (fail under CI=true)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        skip_or_fail(SKIP_MESSAGE)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(report: dict, name: str = "report.html", **render_kw: Any) -> Session:
        path = tmp_path / name
        path.write_text(render_html(report, **render_kw), encoding="utf-8")
        url = path.as_uri()
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        session = Session(page, url)

        def route(r: Any) -> None:
            if r.request.url == url:
                r.continue_()
            else:
                session.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: req.url != url and session.blocked.append(req.url))
        page.on("console", lambda m: m.type == "error" and session.errors.append(m.text))
        page.on("pageerror", lambda exc: session.errors.append(f"pageerror: {exc}"))

        def on_dialog(d: Any) -> None:
            session.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", timeout=20_000)
        return session

    yield _open
    for context in contexts:
        context.close()


def select(s: Session, control: str, value: str, links: int) -> None:
    s.page.select_option(f"#{control}", value)
    s.page.wait_for_selector(f"#flow-diagram[data-links='{links}']", timeout=5_000)


def test_diagram_renders_all_links(open_report: Any) -> None:
    s = open_report(REPORT)
    assert s.page.locator("#flow-diagram svg").count() >= 1
    assert s.attr("#flow-diagram", "data-links") == str(ALL_LINKS)
    assert s.attr("#flow-diagram", "data-nodes") == str(ALL_NODES)
    assert s.attr("#flow-diagram", "data-aggregated") == "0"
    assert s.page.is_hidden("#diagram-note")
    labels = s.page.locator("#flow-diagram svg text").all_text_contents()
    assert "身份证号码" in labels and "高德地图SDK" in labels
    assert not any(t.startswith(("f:", "v:", "r:")) for t in labels), "layer prefixes leaked"
    # sensitive field drawn red, others in the field colour
    colors = s.page.evaluate(
        """() => Object.fromEntries(echarts.getInstanceByDom(document.getElementById('flow-diagram'))
              .getOption().series[0].data.map(d => [d.name, d.itemStyle.color]))"""
    )
    assert colors["f:身份证号码"] == "#c62828"
    assert colors["f:姓名"] != "#c62828"
    assert s.rows("field-table") == 5 and s.rows("recipient-table") == 6
    s.assert_clean()


def test_filter_to_one_field_and_one_recipient(open_report: Any) -> None:
    s = open_report(REPORT)
    select(s, "filter-field", "身份证号码", ID_LINKS)
    assert s.attr("#flow-diagram", "data-nodes") == str(ID_NODES)
    assert s.rows("field-table") == 1
    row = s.page.text_content("#field-table tbody")
    assert "身份证号码" in row and BAOFU in row and BAIHANG in row
    assert "seed_policy.txt:2183" in row and "seed_policy.txt:2321" in row
    assert EV_RISK in row
    assert "as written: 身份证号" in row
    recipients = s.page.locator(
        "#recipient-table tbody tr td:first-child strong"
    ).all_text_contents()
    assert sorted(recipients) == sorted([BAOFU, BAIHANG])

    select(s, "filter-field", "", ALL_LINKS)
    # 百行征信 gets 身份证号码 and 手机号码 via RISK: 2 + 1 links, 2 + 1 + 1 nodes
    select(s, "filter-recipient", BAIHANG, 3)
    assert s.attr("#flow-diagram", "data-nodes") == "4"
    assert s.rows("field-table") == 2 and s.rows("recipient-table") == 1
    # both filters: 身份证号码 to 百行征信 only
    select(s, "filter-field", "身份证号码", 2)
    s.page.click("#filter-reset")
    s.page.wait_for_selector(f"#flow-diagram[data-links='{ALL_LINKS}']")
    s.assert_clean()


def test_search_filters_tables(open_report: Any) -> None:
    s = open_report(REPORT)
    s.page.fill("#search", "seed_policy.txt:2321")
    s.page.wait_for_function("document.querySelectorAll('#recipient-table tbody tr').length === 1")
    assert s.rows("field-table") == 2  # 身份证号码, 手机号码
    assert s.page.text_content("#recipient-table tbody strong") == BAIHANG
    s.page.fill("#search", "implied")  # not in the data: nothing matches
    s.page.wait_for_selector("#field-table tbody tr.empty")
    assert s.rows("field-table") == 0
    s.page.fill("#search", "")
    s.page.wait_for_function("document.querySelectorAll('#field-table tbody tr').length === 5")
    # the search filters the tables only, not the diagram
    assert s.attr("#flow-diagram", "data-links") == str(ALL_LINKS)
    s.assert_clean()


def test_hostile_names_are_text_and_run_nothing(open_report: Any) -> None:
    s = open_report(REPORT)
    body = s.page.text_content("body")
    assert XSS_SCRIPT in body and XSS_IMG in body
    assert s.page.locator("img").count() == 0
    options = s.page.locator("#filter-recipient option").all_text_contents()
    assert f"{XSS_IMG} (1)" in options
    select(s, "filter-recipient", XSS_IMG, 2)
    s.page.hover("#flow-diagram")
    assert s.dialogs == []
    s.assert_clean()


def test_header_summary_and_audit(open_report: Any) -> None:
    s = open_report(REPORT)
    header = s.page.text_content("#provenance")
    assert "seed_policy.txt" in header and "ab12" * 16 in header
    assert "sharegraph 0.1.0" in header and "2026-11-29T03:50:00Z" in header
    assert "2026-11-29T03:40:00Z" in header and "app = 你我贷借款" in header
    summary = s.page.text_content("#summary")
    assert (
        "合作的持牌金融机构" in summary and "广西嘉数信息科技有限公司委托的外包服务机构" in summary
    )
    assert s.page.text_content("#summary .chip.sensitive") == "身份证号码"
    audit = s.page.text_content("#audit-section")
    assert "error: 1 · warning: 2" in audit and XSS_IMG in audit
    levels = s.page.locator("#audit-section [data-level] h3").all_text_contents()
    assert levels == ["error (1)", "warning (2)"]
    assert "seed_policy.txt:1700" in s.page.text_content("#audit-section [data-level='error']")
    s.assert_clean()


def test_names_shared_across_layers_do_not_make_cycles(open_report: Any) -> None:
    flows = [
        flow("推送通知", PUSH, "推送通知", 1, "x"),  # one name as field, scenario and recipient
        flow("推送通知", "极光推送SDK", PUSH, 2, "x", channel="sdk"),
        flow("极光推送SDK", PUSH, "极光推送SDK", 3, "x"),
    ]
    s = open_report({**REPORT, "flows": flows, "summary": None, "audit": None})
    # f:推送通知->v:推送通知, f:推送通知->v:极光推送SDK, f:极光推送SDK->v:推送通知,
    # v:推送通知->r:推送通知, v:极光推送SDK->r:推送通知, v:推送通知->r:极光推送SDK
    assert s.attr("#flow-diagram", "data-links") == "6"
    assert s.attr("#flow-diagram", "data-nodes") == "6"
    assert "No audit was run" in s.page.text_content("#audit-section")
    s.assert_clean()


def test_aggregated_diagram_says_so(open_report: Any) -> None:
    flows = [
        flow(f"字段{i}", f"场景{j}", f"公司{(i + j) % 9}", i, "x")
        for i in range(12)
        for j in range(4)
    ]
    # 48 (field, via) + 36 (via, recipient) links, limit 20 -> aggregated
    s = open_report({**REPORT, "flows": flows, "audit": []}, max_links=20)
    assert s.attr("#flow-diagram", "data-aggregated") == "1"
    assert int(s.attr("#flow-diagram", "data-links")) <= 20
    note = s.page.text_content("#diagram-note")
    assert s.page.is_visible("#diagram-note") and "84 distinct links" in note and "other (" in note
    assert s.rows("field-table") == 12  # tables keep every field
    assert "nothing to report" in s.page.text_content("#audit-section")
    s.assert_clean()


def test_tables_paginate_with_a_note(open_report: Any) -> None:
    flows = [flow(f"字段{i:03}", BANK, BAOFU, i, "x") for i in range(120)]
    s = open_report({**REPORT, "flows": flows})
    assert s.rows("field-table") == 50
    assert "Rows 1–50 of 120" in s.page.text_content("#field-table-pager")
    s.page.click("#field-table-pager button:has-text('Next')")
    s.page.wait_for_function(
        "document.querySelector('#field-table-pager').textContent.includes('51–100')"
    )
    s.assert_clean()


def test_screenshot(open_report: Any, tmp_path: Path) -> None:
    s = open_report(REPORT)
    shot = tmp_path / "report.png"
    s.page.screenshot(path=str(shot), full_page=True)
    assert shot.exists() and shot.stat().st_size > 30_000
    keep = os.environ.get("SHAREGRAPH_KEEP_SCREENSHOT")
    if keep:
        Path(keep).write_bytes(shot.read_bytes())
    s.assert_clean()
