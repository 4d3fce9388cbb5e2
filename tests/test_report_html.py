"""Pure-Python tests of lineage.report_html.render_html: offline, CSP, escaping, scale."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from lineage.report_html import MAX_LINKS, json_for_script, plan_diagram, render_html

HOSTILE = ["<script>alert(1)</script>", "</script><img src=x onerror=alert(1)>"]
SHA = "3f" * 32


def flow(field: str, via: str, recipient: str, **extra: object) -> dict:
    base = {
        "app": "你我贷借款", "field": field, "field_as_written": field, "category": "个人身份信息",
        "sensitive": False, "channel": "sharing", "via": via, "purpose": "资信评估",
        "frequency": "使用时共享一次", "recipient": recipient, "recipient_as_written": recipient,
        "recipient_kind": "company", "implied_via": None, "file": "seed_policy.txt",
        "line": 2321, "evidence": "姓名、身份证号码、手机号码、银行卡号",
    }  # fmt: skip
    base.update(extra)
    return base


def report(flows: list[dict], **extra: object) -> dict:
    base = {
        "format": "sharegraph-report", "version": 1, "tool_version": "0.1.0",
        "generated_at": "2026-11-29T03:50:00Z", "title": "你我贷借款 — data sharing lineage",
        "scope": {"app": None, "field": None, "recipient": None},
        "sources": [{"app": "你我贷借款", "file": "seed_policy.txt", "sha256": SHA,
                     "imported_at": "2026-11-29T03:40:00Z"}],
        "summary": {"flows": len(flows)},
        "flows": flows,
    }  # fmt: skip
    base.update(extra)
    return base


SMALL = report(
    [
        flow("身份证号码", "风控审核、信用初审", "百行征信有限公司", sensitive=True),
        flow("姓名", "推送通知", HOSTILE[0], line=2210, evidence="设备信息、姓名、性别"),
        flow("性别", "推送通知", HOSTILE[1], line=2210, evidence="设备信息、姓名、性别"),
        flow("IMEI", "高德地图SDK", "高德软件有限公司", channel="sdk", line=1701,
             evidence="高德地图SDK https://lbs.amap.com/pages/privacy/ <!-- \u2028 \u2029 &amp;"),
    ],
    audit=[{"rule": "SG-R1", "level": "error", "reason": HOSTILE[1], "clause": "PIPL Art. 23",
            "evidence": [{"file": "seed_policy.txt", "line": 1700, "text": "高德地图SDK"}]}],
)  # fmt: skip

DATA_RE = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)
SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(SMALL)


def embedded_data(page: str) -> dict:
    match = DATA_RE.search(page)
    assert match, "report-data script missing"
    return json.loads(match.group(1))


def test_data_roundtrips_and_has_no_markup(page: str) -> None:
    raw = DATA_RE.search(page).group(1)
    for dangerous in ("<", ">", "&", "\u2028", "\u2029"):
        assert dangerous not in raw
    data = embedded_data(page)
    strings = data["flows"]["strings"]
    assert HOSTILE[0] in strings and HOSTILE[1] in strings
    assert any("<!-- \u2028 \u2029 &amp;" in s for s in strings)
    assert data["audit"][0]["reason"] == HOSTILE[1]
    assert len(data["flows"]["rows"]) == 4


def test_hostile_names_never_appear_unescaped(page: str) -> None:
    for name in HOSTILE:
        assert name not in page
    markup = SCRIPT_RE.sub("<script></script>", DATA_RE.sub("", page))
    assert "onerror" not in markup and "<img" not in markup
    # exactly the three script elements we emit: data, ECharts, report script
    assert len(re.findall(r"<script\b", page, re.I)) == 3
    assert len(re.findall(r"</script", page, re.I)) == 3


def test_no_remote_loads_outside_data(page: str) -> None:
    markup = page.replace(DATA_RE.search(page).group(0), "")
    assert not re.search(
        r"""\b(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", markup, re.I
    )
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", markup, re.I)
    assert not re.search(r"@import|<link\b|<iframe\b|<object\b|<embed\b", markup, re.I)


def test_csp_forbids_loads_and_hashes_match_inline_scripts(page: str) -> None:
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert meta, "CSP meta tag missing"
    assert page.index(meta.group(0)) < page.index("<script"), "CSP must come before any script"
    directives = {d.split()[0]: d.split()[1:] for d in meta.group(1).split(";") if d.strip()}
    assert directives["default-src"] == ["'none'"]
    assert directives["img-src"] == ["data:"]
    assert directives["style-src"] == ["'unsafe-inline'"]
    scripts = SCRIPT_RE.findall(page)
    assert len(scripts) == 2
    expected = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    }
    assert set(directives["script-src"]) == expected
    assert "'unsafe-eval'" not in meta.group(1)


def test_title_and_meta_are_html_escaped() -> None:
    html_text = render_html(report([], title='<b>"x"</b>', tool_version='1"><script>'))
    assert "<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>" in html_text
    assert '1"><script>' not in html_text


def test_json_for_script_escapes() -> None:
    text = json_for_script({"a": "</script><!--\u2028\u2029&"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!--\\u2028\\u2029\\u0026"}'
    assert json.loads(text) == {"a": "</script><!--\u2028\u2029&"}


def test_empty_report_without_audit_renders() -> None:
    html_text = render_html({"title": "empty", "flows": []})
    data = embedded_data(html_text)
    assert data["audit"] is None and data["flows"]["rows"] == []
    assert data["diagram"]["total_links"] == 0


def test_links_count_distinct_pairs_and_names_shared_across_layers() -> None:
    flows = [
        flow("X", "X", "X"),  # one name in all three layers
        flow("X", "X", "X", line=1),  # duplicate pair: value 2, still one link each
        flow("Y", "X", "Z"),
    ]
    plan = plan_diagram(flows)
    assert plan["total_links"] == 4  # (X,X) (Y,X) | (X,X) (X,Z)
    assert not plan["aggregated"]


def big_flows(fields: int, vias: int, recipients: int) -> list[dict]:
    return [
        flow(f"字段{i}", f"场景{j}", f"公司{(i * 7 + j) % recipients}", line=i * vias + j)
        for i in range(fields)
        for j in range(vias)
    ]


def test_aggregation_kicks_in_over_link_threshold() -> None:
    flows = big_flows(100, 30, 50)  # 3000 (field, via) pairs alone
    plan = plan_diagram(flows)
    assert plan["total_links"] > MAX_LINKS
    assert plan["aggregated"]
    assert plan["links"] <= MAX_LINKS
    assert 30 <= plan["top_n"] < 100
    grouped_fields = plan["grouped"]["f"]
    assert len(grouped_fields) == 100 - plan["top_n"]
    assert set(grouped_fields.values()) == {f"other ({100 - plan['top_n']})"}
    # the largest top_n that fits: one more would exceed the limit
    over = plan_diagram(flows, max_links=plan["links"] - 1)
    assert over["top_n"] < plan["top_n"]
    # and the page carries the plan for the script to draw and explain
    data = embedded_data(render_html(report(flows)))
    assert data["diagram"]["aggregated"] and data["diagram"]["top_n"] == plan["top_n"]


def test_no_aggregation_at_or_below_threshold() -> None:
    flows = big_flows(10, 5, 7)
    plan = plan_diagram(flows, max_links=plan_diagram(flows)["total_links"])
    assert not plan["aggregated"] and plan["grouped"] == {"f": {}, "v": {}, "r": {}}


def test_tiny_threshold_still_fits() -> None:
    plan = plan_diagram(big_flows(20, 6, 9), max_links=3)
    assert plan["aggregated"] and plan["links"] <= 3 and plan["top_n"] == 0


def test_20000_flows_are_aggregated() -> None:
    """Speed is measured in bench/, not here; this checks the large report is aggregated."""
    flows = big_flows(400, 50, 300)
    assert len(flows) == 20000
    html_text = render_html(report(flows))
    assert embedded_data(html_text)["diagram"]["aggregated"]
