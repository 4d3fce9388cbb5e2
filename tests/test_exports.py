"""`sharegraph export`: goldens written by hand, round trips on the whole seed, hostile names, CLI.

The golden files and how they were counted from data/seed_policy.txt are in
tests/golden/README.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from lineage.exports import FORMATS, ExportError, export, load_graph_json
from lineage.exports.common import COLUMNS, folded_columns, select
from lineage.exports.graphml import graphml_attrs, read_graphml_file
from lineage.exports.markdown import md
from registry import __version__
from registry.errors import UnknownFieldError, UnknownNameError, UnknownRecipientError
from registry.model import Evidence, Field, Recipient, RecipientKind, Registry, Scenario

GOLDEN = Path(__file__).resolve().parent / "golden"
GAODE = "高德软件有限公司"
SEED_SHA = "673587e0493ab939ffb58b6b862897bec1b8245eae5e849a5723927f9dded2b0"


def golden(name: str) -> str:
    return (GOLDEN / name).read_bytes().decode("utf-8-sig").replace("@TOOL_VERSION@", __version__)


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def csv_dicts(path: Path) -> list[dict[str, str]]:
    header, *rows = read_csv(path)
    return [dict(zip(header, r, strict=True)) for r in rows]


# -- goldens ---------------------------------------------------------------------------------

def test_csv_golden_one_recipient(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "gaode.csv"
    assert export(seed_registry, "csv", out, recipient=GAODE)["rows"] == 8
    assert out.read_bytes().decode("utf-8-sig") == golden("gaode_recipient.csv")


def test_csv_golden_id_card_by_recipient(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "id.csv"
    assert export(seed_registry, "csv", out, field="身份证号码", group_by="recipient")["rows"] == 45
    assert out.read_bytes().decode("utf-8-sig") == golden("id_card_by_recipient.csv")
    rows = csv_dicts(out)
    # 46 (scenario, recipient) pairs; the 5 group flows of 借款推荐服务 (身份证信息, which the
    # policy does not say holds the number) are left out, as who-receives leaves them out
    assert sum(int(r["flows"]) for r in rows) == 46
    both = next(r for r in rows if r["recipient"] == "百融云创科技股份有限公司")
    assert both["scenario"] == "短信、电话通知及商业营销; 风控审核、信用初审"
    assert both["source"] == "seed_policy.txt:2237; seed_policy.txt:2321"


def test_json_golden_one_recipient(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "gaode.json"
    assert export(seed_registry, "json", out, recipient=GAODE) == {
        "format": "json", "path": str(out), "nodes": 11, "edges": 12}
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(golden("gaode_recipient.json"))


def _graph_dump(G: nx.MultiDiGraph) -> tuple[Any, ...]:
    return (G.graph, dict(G.nodes(data=True)),
            {(u, v, k): d for u, v, k, d in G.edges(keys=True, data=True)})


def test_graphml_golden_one_recipient(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "gaode.graphml"
    export(seed_registry, "graphml", out, recipient=GAODE)
    expected = tmp_path / "expected.graphml"
    expected.write_text(golden("gaode_recipient.graphml"), encoding="utf-8")
    assert _graph_dump(read_graphml_file(out)) == _graph_dump(read_graphml_file(expected))


# -- round trips on the whole seed -----------------------------------------------------------

def _normalized(G: nx.MultiDiGraph) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
    def norm(d: dict[str, Any]) -> dict[str, Any]:
        return {k: (asdict(v) if isinstance(v, Evidence) else v) for k, v in d.items()}

    return ({n: norm(d) for n, d in G.nodes(data=True)},
            {(u, v, k): norm(d) for u, v, k, d in G.edges(keys=True, data=True)})


def test_json_round_trip_whole_seed(seed_registry: Registry, seed_graph: nx.MultiDiGraph,
                                    tmp_path: Path) -> None:
    out = tmp_path / "seed.json"
    result = export(seed_registry, "json", out)
    assert (result["nodes"], result["edges"]) == (seed_graph.number_of_nodes(), seed_graph.number_of_edges())
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("sharegraph-graph", 1)
    assert data["provenance"]["sources"] == [{"app": "你我贷", "file": "seed_policy.txt", "sha256": SEED_SHA,
                                              "imported_at": "2026-11-29T00:00:00Z"}]
    assert [n["key"] for n in data["nodes"]] == sorted(n["key"] for n in data["nodes"])
    keys = [(e["source"], e["target"], e["key"]) for e in data["edges"]]
    assert keys == sorted(keys)
    member = next(e for e in data["edges"] if e["kind"] == "member_of")
    assert "prop:source" in member and member["source"].startswith("field:")

    loaded = load_graph_json(out)
    assert _normalized(loaded) == _normalized(seed_graph)
    assert loaded.graph["apps"] == seed_graph.graph["apps"]
    # the loaded graph answers the questions as the original does
    from lineage.exposure import exposure, fields_of, who_receives

    for field in ("身份证号", "IMEI", "设备信息"):
        assert who_receives(loaded, field) == who_receives(seed_graph, field)
    assert fields_of(loaded, GAODE) == fields_of(seed_graph, GAODE)
    assert exposure(loaded) == exposure(seed_graph)


def test_json_loader_refuses_foreign_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ExportError, match="not a sharegraph-graph file"):
        load_graph_json(bad)
    bad.write_text('{"format": "sharegraph-graph", "version": 99, "nodes": [], "edges": []}')
    with pytest.raises(ExportError, match="version 99"):
        load_graph_json(bad)


def test_graphml_round_trip_whole_seed(seed_registry: Registry, seed_graph: nx.MultiDiGraph,
                                       tmp_path: Path) -> None:
    out = tmp_path / "seed.graphml"
    export(seed_registry, "graphml", out)
    H = read_graphml_file(out)
    assert set(H.nodes) == set(seed_graph.nodes)
    assert Counter((u, v, d["key"]) for u, v, d in H.edges(data=True)) == Counter(
        list(seed_graph.edges(keys=True)))
    assert len(set(H.edges(keys=True))) == H.number_of_edges()  # GraphML edge ids are unique
    for n, d in seed_graph.nodes(data=True):
        assert H.nodes[n] == graphml_attrs(d, label=d["name"]), n
        assert H.nodes[n]["label"] == d["name"] and H.nodes[n]["kind"] == d["kind"]
    assert H.nodes["field:身份证号码"]["sensitive"] is True
    for u, v, k, d in seed_graph.edges(keys=True, data=True):
        (got,) = [e for e in H[u][v].values() if e["key"] == k]
        assert got == {**graphml_attrs(d, label=d["kind"]), "key": k}
    assert H.graph["tool_version"] == __version__
    assert json.loads(H.graph["sources"])[0]["sha256"] == SEED_SHA


def test_xlsx_opens_with_the_csv_rows(seed_registry: Registry, tmp_path: Path) -> None:
    import openpyxl
    import pandas as pd

    for group_by in (None, "field", "recipient"):
        c, x = tmp_path / f"seed-{group_by}.csv", tmp_path / f"seed-{group_by}.xlsx"
        export(seed_registry, "csv", c, group_by=group_by)
        export(seed_registry, "xlsx", x, group_by=group_by)
        header, *rows = read_csv(c)
        sheets = pd.read_excel(x, sheet_name=None, dtype=str, keep_default_na=False)
        assert list(sheets) == ["flows", "recipients", "fields", "sdks", "permissions", "audit", "summary"]
        flows = sheets["flows"]
        assert list(flows.columns) == header
        assert flows.values.tolist() == rows, group_by
    wb = openpyxl.load_workbook(tmp_path / "seed-None.xlsx")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == ws.dimensions, ws.title
        assert ws.column_dimensions["A"].width >= 8, ws.title
    ws = wb["flows"]
    line_col = [c.value for c in ws[1]].index("source_line") + 1
    line = ws.cell(row=2, column=line_col).value
    assert isinstance(line, int) and line > 0  # source_line stays a number
    sdks = pd.read_excel(tmp_path / "seed-None.xlsx", sheet_name="sdks", dtype=str, keep_default_na=False)
    assert len(sdks) == 15  # the SDK table has 15 rows
    gaode = sdks[sdks["sdk"] == "高德地图SDK"].iloc[0]
    assert gaode["provider"] == GAODE and gaode["source_line"] == "1700"
    assert gaode["collects"] == "IMEI; IMSI; IP地址; MAC地址; 地理位置信息; 应用信息; 运营商信息"
    fields = pd.read_excel(tmp_path / "seed-None.xlsx", sheet_name="fields", dtype=str,
                           keep_default_na=False)
    assert fields[fields["field"] == "身份证号码"].iloc[0]["recipient_count"] == "45"


def test_csv_whole_seed_has_no_duplicates_or_junk(seed_registry: Registry, seed_graph: nx.MultiDiGraph,
                                                  tmp_path: Path) -> None:
    from lineage.flows import iter_flows

    out = tmp_path / "seed.csv"
    export(seed_registry, "csv", out)
    header, *rows = read_csv(out)
    assert tuple(header) == COLUMNS
    assert len(rows) == sum(1 for _ in iter_flows(seed_graph)) == 1154
    assert len({tuple(r) for r in rows}) == len(rows)
    for r in rows:
        assert not {"None", "nan", "NaN", "null"} & set(r), r
        d = dict(zip(header, r, strict=True))
        assert d["app"] and d["field"] and d["recipient"] and d["source_line"].isdigit()
        assert bool(d["scenario"]) != bool(d["sdk"])
        assert d["source_sha256"] == SEED_SHA and d["tool_version"] == __version__
    for group_by in ("field", "recipient"):
        g = tmp_path / f"{group_by}.csv"
        export(seed_registry, "csv", g, group_by=group_by)
        header, *rows = read_csv(g)
        assert tuple(header) == folded_columns(group_by)
        assert [r[0] for r in rows] == sorted({r[0] for r in rows})  # one row per key, sorted
        assert sum(int(r[1]) for r in rows) == 1154


def test_app_scope(seed_registry: Registry, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    export(seed_registry, "csv", a)
    export(seed_registry, "csv", b, app="你我贷")
    assert a.read_bytes() == b.read_bytes()
    with pytest.raises(UnknownNameError, match="unknown app"):
        export(seed_registry, "csv", tmp_path / "c.csv", app="不存在")
    assert not (tmp_path / "c.csv").exists()


def test_graph_input_scoped_to_one_app(seed_registry: Registry, tmp_path: Path) -> None:
    from lineage.graph import build_graph

    p = seed_registry.policies["你我贷"]
    two = Registry({"你我贷": p, "另一个": replace(p, app="另一个", source=replace(p.source, file="other.txt"))})
    G = build_graph(two)
    for app in two.apps:
        out = tmp_path / f"{app}.json"
        export(G, "json", out, app=app)
        assert _normalized(load_graph_json(out)) == _normalized(build_graph(two, app=app)), app
        assert [s["app"] for s in json.loads(out.read_text(encoding="utf-8"))["provenance"]["sources"]] == [app]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    export(G, "csv", a, app="另一个")
    export(two, "csv", b, app="另一个")
    assert a.read_bytes() == b.read_bytes()
    assert {r["app"] for r in csv_dicts(a)} == {"另一个"}


def test_yaml_is_the_registry_as_code(seed_registry: Registry, tmp_path: Path) -> None:
    from registry.readers.registry_yaml import registry_to_yaml

    out = tmp_path / "seed.yaml"
    export(seed_registry, "yaml", out)
    assert out.read_text(encoding="utf-8") == registry_to_yaml(seed_registry.policies["你我贷"])
    with pytest.raises(ExportError, match="do not apply"):
        export(seed_registry, "yaml", out, field="IMEI")


# -- the export equals what the terminal shows -----------------------------------------------

def _cli(*args: str) -> Any:
    from cli import app

    return CliRunner().invoke(app, list(args))


def test_csv_equals_who_receives(seed_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "id.csv"
    res = _cli("export", "-f", "csv", "-o", str(out), "--field", "身份证号")
    assert res.exit_code == 0, res.stderr
    exported = [(r["app"], r["field"], r["relation"], r["implied_via"], r["channel"],
                 r["scenario"] or r["sdk"], r["recipient"], f"{r['source_file']}:{r['source_line']}")
                for r in csv_dicts(out)]
    shown = _cli("who-receives", "身份证号", "--json")
    assert shown.exit_code == 0
    terminal = [(r["app"], r["field"], r["relation"], r["implied_via"] or "", r["channel"], r["via"],
                 r["recipient"], f"{r['evidence']['file']}:{r['evidence']['line']}")
                for r in json.loads(shown.stdout)]
    assert exported == terminal and len(exported) == 46
    # and the terminal's own CSV, column for column
    shown_csv = _cli("who-receives", "身份证号", "--csv")
    header, *rows = list(csv.reader(io.StringIO(shown_csv.stdout)))
    assert [dict(zip(header, r, strict=True))["recipient"] for r in rows] == [t[6] for t in exported]
    assert [dict(zip(header, r, strict=True))["evidence"] for r in rows] == [t[7] for t in exported]


def test_csv_equals_fields_of(tmp_path: Path) -> None:
    out = tmp_path / "g.csv"
    res = _cli("export", "-f", "csv", "-o", str(out), "--recipient", GAODE)
    assert res.exit_code == 0, res.stderr
    shown = json.loads(_cli("fields-of", GAODE, "--json").stdout)
    assert [(r["field"], r["channel"], r["scenario"] or r["sdk"]) for r in csv_dicts(out)] == [
        (r["field"], r["channel"], r["via"]) for r in shown]


def test_field_and_recipient_together(seed_registry: Registry) -> None:
    sel = select(seed_registry, field="身份证号码", recipient="百融云创科技股份有限公司")
    assert [(r["scenario"], r["relation"]) for r in sel.rows] == [
        ("短信、电话通知及商业营销", "explicit"), ("风控审核、信用初审", "explicit")]
    assert sel.scope == {"app": None, "field": "身份证号码", "recipient": "百融云创科技股份有限公司",
                         "group_by": None}
    with pytest.raises(UnknownRecipientError):
        select(seed_registry, recipient="没有这家公司")
    with pytest.raises(UnknownFieldError):
        select(seed_registry, field="没有这个字段")


# -- hostile names ---------------------------------------------------------------------------

EVIL_LINK = '=HYPERLINK("http://evil","x")'
XSS = "<script>alert(1)</script>"
EVIL_FIELDS = ("+1", "@SUM(A1)")
EVIL_SCENARIO = "-2+3"
EVIL_PURPOSE = "=1+1"
EVIL_FREQUENCY = "\tonce"


def hostile_registry(reg: Registry) -> Registry:
    """The seed with a hostile scenario: formula-like fields to formula-like and script recipients."""
    p = reg.policies["你我贷"]
    base = next(f for f in p.flows if f.via == "获取定位信息")
    ev = replace(base.evidence, text="+1、@SUM(A1)、地理位置信息")
    sc = Scenario(name=EVIL_SCENARIO, frequency=EVIL_FREQUENCY, purpose=EVIL_PURPOSE,
                  data_text=ev.text, recipients_text=f"{EVIL_LINK}、{XSS}", evidence=ev)
    fields = tuple(Field(name=f, category=None, sensitive=False, resolved=False, aliases_seen=(f,))
                   for f in EVIL_FIELDS)
    recipients = tuple(Recipient(name=n, kind=RecipientKind.COMPANY, as_written=(n,))
                       for n in (EVIL_LINK, XSS, "控制\x0b字符"))
    flows = tuple(replace(base, field=f, field_as_written=f, via=EVIL_SCENARIO, recipient=r.name,
                          recipient_as_written=r.name, purpose=EVIL_PURPOSE, frequency=EVIL_FREQUENCY,
                          evidence=ev)
                  for f in (*EVIL_FIELDS, "地理位置信息") for r in recipients)
    policy = replace(p, scenarios=(*p.scenarios, sc), fields=(*p.fields, *fields),
                     recipients=(*p.recipients, *recipients), flows=(*p.flows, *flows))
    return Registry({p.app: policy})


@pytest.fixture(scope="module")
def hostile(seed_registry: Registry) -> Registry:
    return hostile_registry(seed_registry)


def test_csv_cells_are_neutralized(hostile: Registry, tmp_path: Path) -> None:
    out = tmp_path / "evil.csv"
    export(hostile, "csv", out, recipient=EVIL_LINK)
    rows = csv_dicts(out)
    assert len(rows) == 3
    for r in rows:
        assert r["recipient"] == "'" + EVIL_LINK and r["recipient_as_written"] == "'" + EVIL_LINK
        assert r["scenario"] == "'" + EVIL_SCENARIO and r["purpose"] == "'" + EVIL_PURPOSE
        assert r["frequency"] == "'" + EVIL_FREQUENCY
    assert {r["field"] for r in rows} == {"'+1", "'@SUM(A1)", "地理位置信息"}
    raw = out.read_bytes().decode("utf-8-sig")
    assert "\n=" not in raw and ",=" not in raw and ",+" not in raw and ",@" not in raw
    # grouped cells are neutralized too
    g = tmp_path / "evil-by-field.csv"
    export(hostile, "csv", g, recipient=EVIL_LINK, group_by="field")
    assert [r["field"] for r in csv_dicts(g)] == ["'+1", "'@SUM(A1)", "地理位置信息"]


def test_xlsx_cells_are_text_not_formulas(hostile: Registry, tmp_path: Path) -> None:
    """Formula-like cells hold the text as written, as strings with Excel's quote prefix style
    (no apostrophe shown, still text when edited); the CSV keeps its leading quote."""
    import zipfile

    import openpyxl

    out = tmp_path / "evil.xlsx"
    export(hostile, "xlsx", out)
    wb = openpyxl.load_workbook(out)
    seen: dict[str, int] = Counter()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    formula_like = c.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    assert c.quotePrefix == formula_like, (ws.title, c.coordinate, c.value)
                    assert not c.value.startswith("'"), (ws.title, c.coordinate, c.value)
                    for bad in (EVIL_LINK, *EVIL_FIELDS, EVIL_SCENARIO, EVIL_PURPOSE, EVIL_FREQUENCY):
                        if c.value == bad:
                            assert c.data_type == "s"
                            seen[bad] += 1
    assert all(seen[b] > 0 for b in (EVIL_LINK, *EVIL_FIELDS, EVIL_SCENARIO, EVIL_PURPOSE, EVIL_FREQUENCY)), seen
    flows = wb["flows"]
    header = [c.value for c in flows[1]]
    col = header.index("recipient")
    names = {row[col].value for row in flows.iter_rows(min_row=2)}
    assert EVIL_LINK in names and XSS in names and "控制\ufffd字符" in names
    with zipfile.ZipFile(out) as z:  # no formula anywhere in the file, and the style is there
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
        assert b'quotePrefix="1"' in z.read("xl/styles.xml")


def test_html_shows_hostile_names_as_text(hostile: Registry, tmp_path: Path) -> None:
    out = tmp_path / "evil.html"
    export(hostile, "html", out)
    page = out.read_text(encoding="utf-8")
    assert XSS not in page and "alert(1)</script>" not in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page


def test_markdown_escapes_policy_text(hostile: Registry, tmp_path: Path) -> None:
    out = tmp_path / "evil.md"
    export(hostile, "markdown", out)
    text = out.read_text(encoding="utf-8")
    assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert md("a|b`c") == "a\\|b\\`c"
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():  # every row of a table keeps the header's column count
        if line.startswith("|"):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    tables = [b for b in blocks if b]
    assert len(tables) == 4
    for b in tables:
        assert len({line.replace("\\|", "").count("|") for line in b}) == 1, b


def test_graph_exports_survive_hostile_names(hostile: Registry, tmp_path: Path) -> None:
    j, g = tmp_path / "evil.json", tmp_path / "evil.graphml"
    export(hostile, "json", j)
    export(hostile, "graphml", g)
    G = load_graph_json(j)
    assert G.has_node(f"recipient:{EVIL_LINK}") and G.has_node("recipient:控制\x0b字符")
    H = read_graphml_file(g)
    assert H.nodes[f"recipient:{XSS}"]["label"] == XSS
    assert H.has_node("recipient:控制\ufffd字符")  # XML cannot hold U+000B


# -- writing ---------------------------------------------------------------------------------

def test_failed_export_leaves_no_file(seed_registry: Registry, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import lineage.exports.xlsx as xlsx_mod

    out = tmp_path / "seed.xlsx"

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx_mod, "_format", boom)
    with pytest.raises(RuntimeError):
        export(seed_registry, "xlsx", out)
    assert list(tmp_path.iterdir()) == []
    out.write_text("the previous export", encoding="utf-8")
    with pytest.raises(RuntimeError):
        export(seed_registry, "xlsx", out)
    assert out.read_text(encoding="utf-8") == "the previous export"
    assert list(tmp_path.iterdir()) == [out]
    with pytest.raises(ExportError, match="does not exist"):
        export(seed_registry, "csv", tmp_path / "no" / "such" / "dir.csv")


def test_xlsx_refuses_more_rows_than_excel_holds(seed_registry: Registry, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import lineage.exports.xlsx as xlsx_mod

    monkeypatch.setattr(xlsx_mod, "EXCEL_MAX_ROWS", 1154)  # the seed's flows + header do not fit
    with pytest.raises(ExportError, match="1,154 rows: an Excel sheet holds 1,153 below its header"):
        export(seed_registry, "xlsx", tmp_path / "seed.xlsx")
    assert list(tmp_path.iterdir()) == []
    export(seed_registry, "xlsx", tmp_path / "by-field.xlsx", group_by="field")  # 129 rows fit


def test_group_by_only_for_tables(seed_registry: Registry, tmp_path: Path) -> None:
    for fmt in ("json", "graphml", "html", "markdown"):
        with pytest.raises(ExportError, match="--group-by applies to csv and xlsx"):
            export(seed_registry, fmt, tmp_path / f"x.{fmt}", group_by="field")
    with pytest.raises(ExportError, match="unknown export format"):
        export(seed_registry, "pdf", tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_html_refuses_a_report_too_big_to_open(seed_registry: Registry, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import lineage.exports.html as html_mod

    monkeypatch.setattr(html_mod, "MAX_REPORT_FLOWS", 100)
    with pytest.raises(ExportError, match=r"1,154 flows in scope: an HTML report holds at most 100"):
        export(seed_registry, "html", tmp_path / "all.html")
    with pytest.raises(ExportError, match="narrow it with --app, --field or --recipient"):
        export(seed_registry, "html", tmp_path / "dev.html", field="设备信息")  # 203 rows
    assert list(tmp_path.iterdir()) == []
    assert export(seed_registry, "html", tmp_path / "id.html", field="身份证号码")["flows"] == 46


# -- CLI -------------------------------------------------------------------------------------

def test_cli_formats_match_the_library() -> None:
    import cli

    assert cli.EXPORT_FORMATS == FORMATS


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_writes_each_format(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"seed.{fmt}"
    res = _cli("export", "--format", fmt, "-o", str(out), "--app", "你我贷")
    assert res.exit_code == 0, res.stderr
    assert out.exists() and out.stat().st_size > 0
    assert res.stdout.startswith(f"wrote {out} ({fmt}")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temp file left behind


def test_cli_json_summary_and_group_by(tmp_path: Path) -> None:
    out = tmp_path / "by-field.xlsx"
    res = _cli("export", "-f", "xlsx", "-o", str(out), "--group-by", "field", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["rows"] == 129  # the seed's 129 fields


@pytest.mark.parametrize(("args", "message"), [
    (("-f", "pdf"), "Invalid value for '--format'"),
    (("-f", "csv", "--field", "身份证号吗"), "error: unknown field '身份证号吗'; did you mean 身份证号码"),
    (("-f", "csv", "--recipient", "没有这家公司"), "error: unknown recipient '没有这家公司'"),
    (("-f", "csv", "--app", "不存在"), "error: unknown app '不存在'"),
    (("-f", "json", "--group-by", "field"), "error: --group-by applies to csv and xlsx, not json"),
    (("-f", "csv", "--group-by", "app"), "Invalid value for '--group-by'"),
])
def test_cli_errors_write_nothing(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    out = tmp_path / "out.file"
    res = _cli("export", *args, "-o", str(out))
    assert res.exit_code == 2
    assert message in res.stderr
    if message.startswith("error:"):
        assert res.stderr.count("\n") == 1  # one line
    assert res.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_cli_registry_file(tmp_path: Path, seed_registry: Registry) -> None:
    from registry import save_registry

    reg = tmp_path / "registry.json"
    save_registry(seed_registry, reg)
    out = tmp_path / "report.html"
    res = _cli("export", "--format", "html", "--registry", str(reg), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert SEED_SHA in out.read_text(encoding="utf-8")
