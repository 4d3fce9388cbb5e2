"""The HTML export of the seed in a real headless Chromium, network blocked (as test_report_browser).

Link counts for --field 身份证号码 are counted by hand from the appendix (tests/golden/README.md):

* (field, scenario) pairs: 身份证号码 in 7 rows (银行卡绑定, 短信电话通知, 借款推荐, 风控审核,
  电子签章, 借款申请, 权益服务) -> 7 (the bare group 身份证信息 of 借款推荐服务 is a possible
  row, not a stated one: exports, like who-receives, leave it out)
* (scenario, recipient) pairs: 6 + 18 + 5 + 11 + 3 + 1 + 2 -> 46

so 53 links; nodes: 1 field + 7 scenarios + 45 recipients (百融云创 in two rows) = 53.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lineage.exports import export
from registry.model import Registry
from tests.test_report_browser import Session, browser, select

pytestmark = pytest.mark.browser

__all__ = ["browser"]  # the module-scoped Chromium fixture, shared with test_report_browser

ID_LINKS, ID_NODES = 7 + 46, 1 + 7 + 45
BAIHANG = "百行征信有限公司"
# 百行征信 gets 身份证号码 through 风控审核、信用初审 only: 1 + 1 links, 3 nodes
BAIHANG_LINKS = 2


@pytest.fixture
def open_export(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Export HTML with the library, open the file, record what the page tries to do."""
    contexts: list[Any] = []

    def _open(registry: Registry, **kw: Any) -> Session:
        path = tmp_path / "report.html"
        export(registry, "html", path, **kw)
        url = path.as_uri()
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        s = Session(page, url)

        def route(r: Any) -> None:
            if r.request.url == url:
                r.continue_()
            else:
                s.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and s.errors.append(m.text))
        page.on("pageerror", lambda exc: s.errors.append(f"pageerror: {exc}"))
        page.on("dialog", lambda d: (s.dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        return s

    yield _open
    for context in contexts:
        context.close()


def test_id_card_diagram_has_the_hand_counted_links(open_export: Any, seed_registry: Registry) -> None:
    s = open_export(seed_registry, field="身份证号码")
    assert s.attr("#flow-diagram", "data-links") == str(ID_LINKS)
    assert s.attr("#flow-diagram", "data-nodes") == str(ID_NODES)
    assert s.attr("#flow-diagram", "data-aggregated") == "0"
    assert s.page.locator("#flow-diagram svg").count() >= 1
    header = s.page.text_content("#provenance")
    assert "seed_policy.txt" in header and "673587e0493ab939" in header and "field = 身份证号码" in header
    # filtering: one recipient, then the group field, then reset
    select(s, "filter-recipient", BAIHANG, BAIHANG_LINKS)
    assert s.attr("#flow-diagram", "data-nodes") == "3"
    assert s.rows("recipient-table") == 1
    s.page.click("#filter-reset")
    s.page.wait_for_selector(f"#flow-diagram[data-links='{ID_LINKS}']")
    assert s.rows("field-table") == 1  # 身份证号码 alone: the group 身份证信息 is not stated for it
    s.assert_clean()


def test_whole_seed_report_renders(open_export: Any, seed_registry: Registry, tmp_path: Path) -> None:
    import csv

    s = open_export(seed_registry)
    # links = distinct (field, via) + (via, recipient) pairs, counted from the CSV export
    out = tmp_path / "seed.csv"
    export(seed_registry, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fv = {(r["field"], r["scenario"] or r["sdk"]) for r in rows}
    vr = {(r["scenario"] or r["sdk"], r["recipient"]) for r in rows}
    assert s.attr("#flow-diagram", "data-links") == str(len(fv) + len(vr))
    assert s.page.locator("#flow-diagram svg").count() >= 1
    audit = s.page.text_content("#audit-section")
    assert "No audit was run" not in audit  # lineage.audit is installed: its findings are shown
    s.assert_clean()
