"""After import, every answer comes from the registry alone: the document is never opened again.

The seed (data/seed_policy.txt) is copied under another name into a folder of its own and
imported; every question command is asked of that registry and its output kept. Then the
copy is deleted and the registry moved to another folder (so neither the recorded file, nor
a file beside the registry, nor data/seed_policy.txt can stand in for it: the copy's name is
not the seed's), and every question is asked again: the outputs must be the same, byte for
byte (exports: the written files; XLSX: every cell).

The parts of the answers that only the document's prose gives are checked against the
document as written: the business functions ``lineage`` names (data/seed_policy.txt lines
80-83, 122-125) and the lines the audit quotes (line 1814).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from registry import SEED_PATH, open_registry
from registry.errors import RegistryFileError
from registry.store import policy_from_dict, policy_to_dict

APP = "你我贷"
DOC_NAME = "privacy_policy_under_test.txt"  # not the seed's name: data/ holds no file called so

# sharegraph ARGS...: every question a registry answers (the registry is given with -r)
QUESTIONS: list[list[str]] = [
    ["stats"],
    ["stats", "--json"],
    ["lint", "--json"],
    ["who-receives", "身份证号"],
    ["who-receives", "身份证号", "--json"],
    ["fields-of", "高德软件有限公司", "--json"],
    ["exposure", "--json"],
    ["lineage", "身份证号"],
    ["lineage", "身份证号", "--json"],
    ["lineage", "地理位置信息", "--json"],
    ["impact", "add-partner", "某某数据科技有限公司", "--scenario", "风控审核、信用初审", "--json"],
    ["impact", "remove-partner", "高德软件有限公司", "--json"],
    ["impact", "breach", "小米", "--json"],
    ["top-recipients", "身份证号", "--json"],
    ["sensitive-unnamed", "--json"],
    ["audit"],
    ["audit", "--json"],
]
EXPORTS = ("html", "csv", "xlsx", "json", "graphml", "markdown", "yaml")


def _xlsx_cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]


def _ask_everything(registry: Path, out: Path, cwd: Path) -> dict[str, Any]:
    """Every question's exit code and output, every export's content (the registry's path
    in an output is written ``<registry>``, so two locations compare)."""
    from cli import app

    runner = CliRunner()
    env = {"SOURCE_DATE_EPOCH": "1700000000"}  # the HTML report's generated_at
    answers: dict[str, Any] = {}
    with contextlib.chdir(cwd):
        for args in QUESTIONS:
            res = runner.invoke(app, [*args, "-r", str(registry)], env=env)
            assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
            answers[" ".join(args)] = (res.exit_code, res.output.replace(str(registry), "<registry>"))
        for fmt in EXPORTS:
            path = out / f"export.{fmt}"
            res = runner.invoke(app, ["export", "-f", fmt, "-o", str(path), "-r", str(registry)], env=env)
            assert res.exit_code == 0, (fmt, res.output)
            answers[f"export {fmt}"] = _xlsx_cells(path) if fmt == "xlsx" else path.read_bytes()
    return answers


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    docs = tmp_path_factory.mktemp("documents")
    first = tmp_path_factory.mktemp("first")
    moved = tmp_path_factory.mktemp("moved")
    doc = docs / DOC_NAME
    shutil.copyfile(SEED_PATH, doc)

    from cli import app

    reg = first / "registry.json"
    res = CliRunner().invoke(app, ["import", str(doc), "-o", str(reg)])
    assert res.exit_code == 0, res.output
    before = _ask_everything(reg, first, docs)  # the document is here, beside the working folder

    doc.unlink()
    reg2 = moved / "registry.json"
    shutil.copyfile(reg, reg2)
    policy = open_registry(reg2).policies[APP]
    # the registry names the deleted copy, and no file of that name is anywhere it could be found
    assert policy.source.file == DOC_NAME
    assert not any((d / DOC_NAME).exists() for d in (docs, first, moved, SEED_PATH.parent, Path.cwd()))
    after = _ask_everything(reg2, moved, moved)
    return {"before": before, "after": after, "registry": reg2}


def test_every_answer_is_the_same_without_the_document(runs: dict[str, Any]) -> None:
    before, after = runs["before"], runs["after"]
    assert list(before) == list(after)
    for key in before:
        assert before[key] == after[key], f"{key}: the answer changed once the document was gone"
    # the answers are answers, not errors
    assert before["audit --json"][0] == 0 and before["lineage 身份证号 --json"][0] == 0


def test_business_functions_without_the_document(runs: dict[str, Any]) -> None:
    code, out = runs["after"]["lineage 身份证号 --json"]
    assert code == 0
    functions = {c["name"]: c for c in json.loads(out)["collected_by"] if c["kind"] == "business_function"}
    # data/seed_policy.txt line 80 is the heading "2.1 履行反洗钱义务及进行实名认证"; line 83, under it,
    # says 我们将收集您的姓名、性别、出生日期、身份证号、… (it collects 身份证号)
    lines = SEED_PATH.read_text(encoding="utf-8").split("\n")
    assert lines[79].strip() == "2.1 履行反洗钱义务及进行实名认证" and "我们将收集您的姓名、性别、出生日期、身份证号" in lines[82]
    fn = functions["2.1 履行反洗钱义务及进行实名认证"]
    assert (fn["app"], fn["evidence"]["file"], fn["evidence"]["line"]) == (APP, DOC_NAME, 83)
    # line 122 "2.4 办理确认借款、支付、还款、授权自动扣款"; line 125: 我们将收集、使用您的姓名、身份证号、…
    assert "我们将收集、使用您的姓名、身份证号" in lines[124]
    assert functions["2.4 办理确认借款、支付、还款、授权自动扣款"]["evidence"]["line"] == 125


def test_audit_quotes_the_document_as_written_without_it(runs: dict[str, Any]) -> None:
    _, out = runs["after"]["audit --json"]
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["rule"] == "SG001"]  # the text is there: nothing skipped
    # SG302 rests on line 1814, where the policy shares with other handlers on consent (明确同意, not
    # 单独同意); the line is prose, in no table, so only the document itself can give its words
    quotes = [e for f in findings if f["rule"] == "SG302" for e in f["evidence"] if e["line"] == 1814]
    line_1814 = SEED_PATH.read_text(encoding="utf-8").split("\n")[1813]
    assert line_1814 == "\t1. 获得您明确同意或授权的情况下，向其他个人信息处理者共享业务必要的个人信息；"
    assert quotes and all(q["text"] == line_1814.strip() and q["file"] == DOC_NAME for q in quotes)


def test_the_registry_file_keeps_the_text(runs: dict[str, Any]) -> None:
    data = json.loads(runs["registry"].read_text(encoding="utf-8"))
    (p,) = data["policies"]
    assert p["text"] == SEED_PATH.read_text(encoding="utf-8")  # UTF-8 without BOM, LF: decoded as is


def test_a_text_that_is_not_a_string_is_one_line_error(tmp_path: Path) -> None:
    policy = open_registry().policies[APP]
    assert policy_from_dict(policy_to_dict(policy)) == policy
    d = {"format": "sharegraph-registry", "version": 1, "policies": [{**policy_to_dict(policy), "text": 7}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegistryFileError) as e:
        open_registry(path)
    assert "policies[0].text" in str(e.value) and "\n" not in str(e.value)
