"""Issue 14, items 5 and 10: the CLI's details a user meets first.

Item 5: a report of several sections, piped, is ONE tab-separated table whose first column
names the section (docs/cli.md, "Output"), so ``| grep`` and ``| cut`` keep each row's meaning.
Item 10: ``--version``; usage errors as one ``error: …`` line with exit 2; ``stats`` per app as a
table; two output formats at once refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from lineage.render import show
from registry import SEED_PATH, __version__, import_document, save_registry
from registry.model import Registry
from registry.sections import Outcome, Section, TreeNode

runner = CliRunner()


def _tsv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """A piped table: its header and its rows as dicts (every line has the header's width)."""
    header, *lines = [ln.split("\t") for ln in text.splitlines()]
    assert all(len(ln) == len(header) for ln in lines), text[:500]
    return header, [dict(zip(header, ln, strict=True)) for ln in lines]


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, Path]:
    """The seed, and a next version whose 风控审核 row (seed_policy.txt line 2316) drops 百行征信
    and adds 面部照片 (the same edit as tests/test_cli_sections.py)."""
    d = tmp_path_factory.mktemp("versions")
    text = SEED_PATH.read_text(encoding="utf-8")
    v2 = d / "v2.txt"
    v2.write_text(text.replace("百行征信有限公司、", "").replace(
        "姓名、身份证号码、手机号码、银行卡号\n", "姓名、身份证号码、手机号码、银行卡号、面部照片\n"), encoding="utf-8")
    paths = []
    for name, src in (("old.json", SEED_PATH), ("new.json", v2)):
        policy, _ = import_document(src)
        save_registry(Registry(policies={policy.app: policy}), d / name)
        paths.append(d / name)
    return paths[0], paths[1]


# -- item 5: piped, several sections are one table -------------------------------------------

def test_piped_diff_is_one_table_with_a_section_column(versions):
    res = runner.invoke(cli.app, ["diff", *map(str, versions)])
    assert res.exit_code == 1, res.output
    header, rows = _tsv(res.stdout)
    assert header == ["section", "field", "channel", "via", "recipient", "implied_via", "text"]
    by = {}
    for r in rows:
        by.setdefault(r["section"], []).append(r)
    # the two tables of removed flows keep their meaning in every row (they were bare TSV blocks)
    assert sorted(r["field"] for r in by["sensitive flows removed"]) == ["身份证号码", "银行卡号"]
    assert sorted(r["field"] for r in by["other flows removed"]) == ["姓名", "手机号码"]
    assert {r["recipient"] for r in by["other flows removed"]} == {"百行征信有限公司"}
    assert len(by["sensitive flows added"]) == 10
    # 面部照片 is a field of other rows already: no field is new, the app's title row stands alone
    assert [r["text"] for r in by["你我贷 (compared)"]] == [""]
    assert [r["text"] for r in by["names added or removed"]] == ["recipients removed: 百行征信有限公司"]
    assert all(r["section"] for r in rows)


@pytest.mark.parametrize("args", [
    ["exposure", "--limit", "3"],
    ["impact", "remove-partner", "高德软件有限公司"],
    ["impact", "breach", "小米"],
    ["impact", "add-partner", "某某数据科技有限公司", "--scenario", "风控审核、信用初审"],
])
def test_every_piped_multi_section_report_is_one_table(args):
    res = runner.invoke(cli.app, args)
    assert res.exit_code == 0, res.output
    assert "==" not in res.stdout
    header, rows = _tsv(res.stdout)
    assert header[0] == "section"
    assert rows and all(r["section"] for r in rows)
    assert len({r["section"] for r in rows}) >= 2


def test_piped_exposure_names_its_two_rankings():
    _, rows = _tsv(runner.invoke(cli.app, ["exposure", "--limit", "2"]).stdout)
    assert [(r["section"], r["rank"]) for r in rows] == [
        ("fields by recipients", "1"), ("fields by recipients", "2"),
        ("recipients by sensitive fields", "1"), ("recipients by sensitive fields", "2")]
    assert rows[0]["field"] and not rows[0]["recipient"] and rows[2]["recipient"] and not rows[2]["field"]


def test_one_table_of_sections():
    from registry.sections import one_table

    sections = [Section("head", ["a line"]), Section("t", rows=[{"x": 1, "y": 2}], columns=["y"]),
                Section("empty"), Section("u", rows=[{"x": 3}])]
    t = one_table(sections)
    assert t.columns == ["section", "y", "x", "text"]
    assert t.rows == [{"section": "head", "text": "a line"}, {"section": "t", "y": 2},
                      {"section": "empty", "text": ""}, {"section": "u", "x": 3}]


def test_a_text_report_stays_text_when_piped(capsys):
    # no table among the sections (the audit's form): the titles stay as '== title' lines
    out = Outcome(None, [Section(lines=["audit: 1 error"]), Section("error (1)", ["SG104 p.txt:3  why"])])
    assert show(out) == 0
    assert capsys.readouterr().out == "audit: 1 error\n\n== error (1)\nSG104 p.txt:3  why\n"


def test_a_piped_tree_is_lines_never_wrapped(capsys):
    root = TreeNode("身份证号码")
    root.add("sharing: " + "很长的场景名称" * 20).add("某某有限公司")
    show(Outcome(None, tree=root))
    assert capsys.readouterr().out.splitlines() == [
        "身份证号码", "└── sharing: " + "很长的场景名称" * 20, "    └── 某某有限公司"]


# -- item 10 ------------------------------------------------------------------------------------

def test_version():
    res = runner.invoke(cli.app, ["--version"])
    assert res.exit_code == 0 and res.stdout == f"sharegraph {__version__}\n"
    pyproject = (Path(cli.__file__).parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{__version__}"' in pyproject


@pytest.mark.parametrize(("args", "fragment"), [
    (["who-receives"], "Missing argument"),
    (["exposure", "--channel", "email"], "--channel"),
    (["who-receives", "身份证号", "--backend", "mongo"], "--backend"),
    (["bogus"], "No such command 'bogus'"),
    (["stats", "--nope"], "No such option: --nope"),
    (["impact", "breach"], "Missing argument"),
    (["export", "-o", "x.csv"], "--format"),
    (["audit", "--fail-on", "fatal"], "error, warning or note"),
])
def test_usage_errors_are_one_line(args, fragment):
    res = runner.invoke(cli.app, args)
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0], lines[0]
    assert "Usage:" not in res.stderr and res.stdout == ""


def test_no_arguments_still_shows_the_help():
    res = runner.invoke(cli.app, [])
    assert "Commands" in res.output and "who-receives" in res.output


@pytest.mark.parametrize("args", [["who-receives", "身份证号"], ["fields-of", "小米"], ["exposure"],
                                  ["top-recipients", "身份证号"], ["sensitive-unnamed"]])
def test_two_output_formats_are_refused(args):
    res = runner.invoke(cli.app, [*args, "--json", "--csv"])
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("error: ") and "--json" in res.stderr and "--csv" in res.stderr
    assert res.stdout == ""


@pytest.fixture(scope="module")
def two_apps(tmp_path_factory) -> Path:
    """The seed twice, under two app names."""
    reg = Registry()
    for name in ("你我贷", "另一个应用"):
        policy, _ = import_document(SEED_PATH, app=name)
        reg.add(policy)
    path = tmp_path_factory.mktemp("two") / "two.json"
    save_registry(reg, path)
    return path


def test_stats_per_app_is_a_table(two_apps):
    res = runner.invoke(cli.app, ["stats", "-r", str(two_apps)])
    assert res.exit_code == 0, res.output
    assert "{" not in res.stdout  # was: per_app printed as a Python dict
    header, rows = _tsv(res.stdout)
    assert header == ["count", "你我贷", "另一个应用", "all 2 apps"]
    assert [r["count"] for r in rows][:3] == ["sharing_rows", "sdks", "permissions"]
    data = json.loads(runner.invoke(cli.app, ["stats", "-r", str(two_apps), "--json"]).stdout)
    assert set(data["per_app"]) == {"你我贷", "另一个应用"}  # --json unchanged
    for row in rows:
        k = row["count"]
        assert (row["你我贷"], row["另一个应用"], row["all 2 apps"]) == (
            str(data["per_app"]["你我贷"][k]), str(data["per_app"]["另一个应用"][k]), str(data[k]))
    by = {r["count"]: r for r in rows}
    # the same policy twice: flows add up, recipients are counted once
    assert int(by["flows"]["all 2 apps"]) == 2 * int(by["flows"]["你我贷"])
    assert by["recipients"]["all 2 apps"] == by["recipients"]["你我贷"]


def test_stats_of_one_app_is_one_column():
    header, rows = _tsv(runner.invoke(cli.app, ["stats"]).stdout)
    assert header == ["count", "你我贷"]
    by = {r["count"]: r["你我贷"] for r in rows}
    assert (by["sharing_rows"], by["sdks"]) == ("13", "15")  # seed_policy.txt: 13 sharing rows, 15 SDKs


def test_the_cli_choices_are_the_librarys():
    # declared in cli.py so that start-up imports no backend; they must not drift
    from lineage.backends import BACKENDS

    assert cli.BACKENDS == BACKENDS
