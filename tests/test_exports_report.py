"""The HTML report's diagram plan (lineage/diagram.py, lineage.report_html.plan_diagram): four
columns, fields by category with sensitive ones first, few crossings, group headings drawn as
their members, "other (N)" last. Browser checks of the same: tests/test_export_browser.py.

The seed facts used, from data/seed_policy.txt: 广西广木资产管理有限公司 and 广西嘉数信息科技有限公司
"及其委托的外包服务机构" receive the 贷后管理（逾期提醒、催收） row (line 2375, recipients 2390),
whose data cell lists 借款相关信息（银行卡号、借款金额、…）: 借款相关信息 heads its members there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from lineage.diagram import crossings, diagram_links, order_columns
from lineage.exports import export, select
from lineage.exports.html import build_report
from lineage.exports.records import NOT_IN_GRAPH, NOT_STATED
from lineage.graph import build_graph
from lineage.report_html import plan_diagram
from registry.model import RecipientFact, Registry

SEED = Path(__file__).resolve().parent.parent / "data" / "seed_policy.txt"
MEGVII = "北京旷视科技有限公司"
GUANGMU_ONWARD = "广西广木资产管理有限公司委托的外包服务机构"

ONWARD = {"广西嘉数信息科技有限公司委托的外包服务机构", "广西广木资产管理有限公司委托的外包服务机构"}


def flow(field: str, via: str, recipient: str, **extra: Any) -> dict[str, Any]:
    return {"field": field, "via": via, "recipient": recipient, "category": "c", "sensitive": False,
            "onward_of": None, "heading": False, **extra}


def test_crossings_counted_by_hand() -> None:
    # a→x, a→y, b→x, b→y with a above b, x above y: only a→y and b→x cross
    k22 = [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]
    assert crossings(k22, {"a": 0, "b": 1}, {"x": 0, "y": 1}) == 1
    # three parallel links reversed: every pair crosses, 3
    rev = [("a", "x"), ("b", "y"), ("c", "z")]
    assert crossings(rev, {"a": 0, "b": 1, "c": 2}, {"x": 2, "y": 1, "z": 0}) == 3
    assert crossings(rev, {"a": 0, "b": 1, "c": 2}, {"x": 0, "y": 1, "z": 2}) == 0


def test_onward_processor_hangs_from_its_recipient() -> None:
    flows = [flow("姓名", "贷后管理", "广西嘉数"),
             flow("姓名", "贷后管理", "外包机构", onward_of="广西嘉数")]
    links = diagram_links(flows)
    assert links == {("f", "v"): {("姓名", "贷后管理"): 2}, ("v", "r"): {("贷后管理", "广西嘉数"): 1},
                     ("r", "o"): {("广西嘉数", "外包机构"): 1}}
    assert plan_diagram(flows)["total_links"] == 3
    # the processor's row alone (fields-of the processor): the path stays whole
    alone = diagram_links(flows[1:])
    assert alone[("v", "r")] == {("贷后管理", "广西嘉数"): 1}
    assert plan_diagram(flows[1:])["total_links"] == 3
    assert plan_diagram(flows)["order"]["o"] == ["外包机构"]


def test_group_heading_is_drawn_as_its_members() -> None:
    flows = [flow("借款相关信息", "贷后管理", "R", heading=True),
             flow("借款金额", "贷后管理", "R", implied_via="借款相关信息")]
    plan = plan_diagram(flows)
    assert plan["total_links"] == 2 and plan["order"]["f"] == ["借款金额"]


def test_seed_order(seed_registry: Registry) -> None:
    flows = build_report(select(seed_registry))["flows"]
    plan = plan_diagram(flows)
    order = plan["order"]
    assert set(order["o"]) == ONWARD
    assert "借款相关信息" not in order["f"] and "设备信息" in order["f"]  # heads its members only / bare
    category = {f["field"]: f["category"] for f in flows}
    sensitive = {f["field"]: f["sensitive"] for f in flows}
    cats = [category[f] for f in order["f"]]
    runs = [c for i, c in enumerate(cats) if i == 0 or c != cats[i - 1]]
    assert len(runs) == len(set(runs))  # each category one run
    for c in runs:
        flags = [sensitive[f] for f in order["f"] if category[f] == c]
        assert flags == sorted(flags, reverse=True)  # sensitive first within it
    assert sensitive[order["f"][0]]
    # fewer crossings than each column ranked by flows (the order the report drew before)
    links = diagram_links(flows)
    weight: Counter[str] = Counter()
    for (a, b), ls in links.items():
        for (x, y), w in ls.items():
            weight[a + x] += w
            weight[b + y] += w
    ranked = {c: sorted(order[c], key=lambda n, c=c: (-weight[c + n], n)) for c in order}

    def total(o: dict[str, list[str]]) -> int:
        pos = {c: {n: i for i, n in enumerate(o[c])} for c in o}
        return sum(crossings(ls, pos[a], pos[b]) for (a, b), ls in links.items())

    assert total(order) * 3 < total(ranked) * 2, (total(order), total(ranked))


def test_aggregated_other_is_last() -> None:
    flows = [flow(f"字段{i}", f"场景{j}", f"公司{(i * 7 + j) % 40}", sensitive=i % 3 == 0,
                  category=f"类{i % 4}") for i in range(60) for j in range(20)]
    plan = plan_diagram(flows, max_links=300)
    assert plan["aggregated"]
    for col in ("f", "v", "r"):
        names = plan["order"][col]
        others = [n for n in names if n.startswith("other (")]
        assert len(others) == 1 and names[-1] == others[0], col
    assert order_columns(flows[:0]) == {"f": [], "v": [], "r": [], "o": []}


# -- recipient records (docs/recipient-records.md) --------------------------------------------

def seed_line(n: int) -> str:
    return SEED.read_text(encoding="utf-8").splitlines()[n - 1].strip()


def test_report_carries_each_recipients_record(seed_registry: Registry) -> None:
    records = build_report(select(seed_registry))["records"]
    assert records["headings"] == ["Contact", "Relationship", "Legal basis", "Cross-border"]
    assert records["empty"] == NOT_STATED and records["caption"] is None
    contact, relationship, legal_basis, _ = records["cells"][MEGVII]
    assert seed_line(892) == "400-6700-866"
    assert (contact["text"], contact["lines"], contact["low"]) == ("400-6700-866", [892], False)
    assert contact["evidence"] == [{"file": "seed_policy.txt", "line": 892, "text": "400-6700-866"}]
    assert relationship["low"] and relationship["note"]  # said of the sharing list, not of 旷视: a guess
    assert legal_basis is None  # the policy is silent: the page writes "not stated"
    _, rel, _, _ = records["cells"][GUANGMU_ONWARD]
    assert "及其委托的外包服务机构" in seed_line(2390) and "广西广木资产管理有限公司" in seed_line(2390)
    assert (rel["text"], rel["lines"], rel["low"]) == ("entrusted processor (受托方)", [2390], False)
    assert rel["evidence"][0]["text"] == seed_line(2390)


def test_report_from_a_graph_says_the_records_are_not_in_it(seed_registry: Registry) -> None:
    records = build_report(select(build_graph(seed_registry)))["records"]
    assert records["caption"] == NOT_IN_GRAPH and records["empty"] != NOT_STATED
    contact, relationship, legal_basis, cross_border = records["cells"][MEGVII]
    assert contact["text"] == "400-6700-866" and contact["lines"] == []  # the node keeps it, no line
    assert relationship is legal_basis is cross_border is None


def test_markdown_recipients_table_shows_records(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "seed.md"
    export(seed_registry, "markdown", out)
    text = out.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Recipient | Kind"))
    assert header.endswith("| Contact | Relationship | Legal basis | Cross-border |")
    row = next(line for line in text.splitlines() if line.startswith(f"| {GUANGMU_ONWARD} |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[5:8] == [NOT_STATED, "entrusted processor (受托方) (l. 2390)", NOT_STATED]
    # the cross-border is said of all personal information: low, marked ?N, its note below the table
    mark = cells[8].split("?")[1].split(" ")[0]
    assert cells[8].startswith("not transferred abroad (不出境) ?")
    assert f"- ?{mark}: said of all personal information the policy covers" in text


def test_record_text_stays_text(seed_registry: Registry, tmp_path: Path) -> None:
    """A contact as hostile as a policy could write one: escaped in HTML and Markdown."""
    xss = "<img src=x onerror=alert(1)>|`x`"
    p = seed_registry.policies["你我贷"]
    fact = RecipientFact("contact", xss, xss, 2390, "column", "联系方式")
    recipients = tuple(replace(r, facts=(*r.facts, fact)) if r.name == GUANGMU_ONWARD else r
                       for r in p.recipients)
    reg = Registry({p.app: replace(p, recipients=recipients)})
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    export(reg, "html", html, recipient=GUANGMU_ONWARD)
    export(reg, "markdown", md)
    page = html.read_text(encoding="utf-8")
    assert "<img src=x" not in page and "\\u003cimg src=x onerror=alert(1)\\u003e|`x`" in page
    row = next(line for line in md.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {GUANGMU_ONWARD} |"))
    assert "<img" not in row and "&lt;img src=x onerror=alert(1)&gt;\\|\\`x\\` (l. 2390)" in row
