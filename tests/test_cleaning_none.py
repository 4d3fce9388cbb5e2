"""Cells and items that name no data give no item, so no flow.

The words are in data/splitting.yaml (`none`, `negation`); the examples are cut from
the corpus (/work/shared/corpus/<name>/source.*, file and line in each comment).
"""

from __future__ import annotations

import pytest

from registry import import_document
from registry.splitting import split_items, split_lines


def texts(s: str) -> list[str]:
    return [i.text for i in split_items(s)]


@pytest.mark.parametrize("cell", [
    "无", "不涉及", "暂无", "none", "None", "N/A", "n/a", "-", "—", "not applicable", "No personal data",
    "不收集个人信息", "无。", " N/A ", "Not used.",
])
def test_none_cells_give_no_item(cell):
    assert split_items(cell) == []


def test_none_lines_among_others():
    assert [i.text for i in split_lines([(1, "姓名"), (2, "无"), (3, "-")])] == ["姓名"]
    assert texts("IMEI, MAC, etc.") == ["IMEI", "MAC"]


def test_words_that_only_start_like_none_are_items():
    # jibencaozuo/source.md:145: 无线网SSID名称 starts with 无
    assert texts("无线网SSID名称") == ["无线网SSID名称"]
    # seed_policy.txt (prose, 三): 不良信息 is a field
    assert texts("不良信息、诉讼信息") == ["不良信息", "诉讼信息"]
    assert texts("Notification settings, nonce") == ["Notification settings", "nonce"]


def test_denials_give_no_item():
    # acuity_subprocessors/source.md:139 (Inngest)
    items = split_items("Event payloads keyed on userId; never full transcripts or audio")
    assert [i.text for i in items] == ["Event payloads keyed on userId"]
    assert items[0].qualifiers == ("never full transcripts or audio",)
    # acuity_subprocessors/source.md:151 (PostHog): the redacted items are no data shared
    got = texts("Sanitised event payloads. The user identifier is a SHA-256 hash of the email; "
                "transcripts, audio, and free-text fields are redacted by a server-side scrubber before "
                "any event is sent.")
    assert "transcripts" not in got and "audio" not in got
    assert got[0] == "Sanitised event payloads"
    # acuity_subprocessors/source.md:163 (Sentry): "removes any email-, name-, … key"
    got = texts("Scrubbed crash + error events. The `beforeSend` hook in the SDK runs a `scrubDeep` "
                "redactor that removes any email-, name-, transcript-, audio-, or token-shaped key from "
                "the payload before upload.")
    assert got == ["Scrubbed crash + error events"]
    # paymenthood_subprocessors/source.yml:22: "No cardholder data." is no item
    items = split_items("Account data, payment metadata and tokens, audit logs. No cardholder data.")
    assert [i.text for i in items] == ["Account data", "payment metadata and tokens", "audit logs"]
    assert all("No cardholder data" in i.qualifiers for i in items)
    # a denial alone names nothing
    assert split_items("Never shared") == []
    assert split_items("我们不会收集您的个人信息") == []


def test_adjectives_that_look_like_denials_are_data():
    # baton_subprocessors/source.md:24 ("**redacted** screenshots/log excerpts", bold removed)
    assert texts("Ticket metadata; redacted screenshots/log excerpts") == [
        "Ticket metadata", "redacted screenshots/log excerpts"]
    # acuity_subprocessors/source.md:163: "Scrubbed" as an adjective
    assert texts("Scrubbed crash + error events") == ["Scrubbed crash + error events"]


def test_a_none_row_makes_no_flow(tmp_path):
    # A sharing list with one row that shares nothing (the layout of the xunfeng list,
    # xunfeng_share_list/source.txt:3-5, with its data cell written 无).
    src = tmp_path / "none.md"
    src.write_text(
        "某某隐私政策\n\n附件一:《第三方个人信息共享清单》\n\n"
        "| 第三方名称 | 共享场景 | 共享目的 | 共享个人信息类型 |\n|---|---|---|---|\n"
        "| 商家 | 购买三方商品 | 商品交易 | 无 |\n"
        "| 诺诺发票 | 订单开票 | 开发票 | 发票信息(包括抬头名称、公司税号) |\n",
        encoding="utf-8")
    policy, _ = import_document(src, imported_at="2026-01-01T00:00:00Z")
    by_recipient = {f.recipient for f in policy.flows}
    assert "商家" not in by_recipient
    assert {f.field for f in policy.flows if f.recipient == "诺诺发票"} == {"发票信息", "发票抬头", "纳税人识别号"}
