"""The CLI's reports as data (registry/sections.py, registry/import_run.py, lineage/reports.py):
what each section says, that piped output keeps each row's section, and whole --help summaries."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

import cli
from lineage.diff import diff
from lineage.reports import diff_sections
from registry import SEED_PATH, import_document, save_registry
from registry.import_run import import_sources
from registry.model import Registry


def _versions(tmp_path: Path) -> tuple[Registry, Registry]:
    """The seed, and a next version whose 风控审核 row (seed_policy.txt) drops 百行征信 and adds 面部照片."""
    text = SEED_PATH.read_text(encoding="utf-8")
    v2 = tmp_path / "v2.txt"
    v2.write_text(text.replace("百行征信有限公司、", "").replace(
        "姓名、身份证号码、手机号码、银行卡号\n", "姓名、身份证号码、手机号码、银行卡号、面部照片\n"), encoding="utf-8")
    regs = []
    for src in (SEED_PATH, v2):
        policy, _ = import_document(src)
        regs.append(Registry(policies={policy.app: policy}))
    return regs[0], regs[1]


def test_diff_sections_say_what_changed_under_titles(tmp_path):
    sections = diff_sections(diff(*_versions(tmp_path)))
    assert [s.title for s in sections] == ["你我贷 (compared)", "sensitive flows added", "sensitive flows removed",
                                           "names added or removed", "other flows removed"]
    by_title = {s.title: s for s in sections}
    # 面部照片 reaches the ten recipients left in the row; 百行征信 loses the row's four fields
    assert {r["field"] for r in by_title["sensitive flows added"].rows} == {"面部照片"}
    assert len(by_title["sensitive flows added"].rows) == 10
    assert sorted(r["field"] for r in by_title["sensitive flows removed"].rows) == ["身份证号码", "银行卡号"]
    assert sorted(r["field"] for r in by_title["other flows removed"].rows) == ["姓名", "手机号码"]
    assert sections[3].lines == ["recipients removed: 百行征信有限公司"]


def test_piped_diff_keeps_each_rows_section(tmp_path):
    old, new = _versions(tmp_path)
    save_registry(old, tmp_path / "old.json")
    save_registry(new, tmp_path / "new.json")
    res = CliRunner().invoke(cli.app, ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")])
    assert res.exit_code == 1, res.output
    header, *lines = res.stdout.splitlines()
    assert header == "section\tfield\tchannel\tvia\trecipient\timplied_via\ttext"
    sections = [line.split("\t")[0] for line in lines]
    for title in ("sensitive flows added", "sensitive flows removed", "other flows removed"):
        assert title in sections


def test_diff_of_several_apps_names_the_app_in_each_title(tmp_path):
    old, new = _versions(tmp_path)
    policy, _ = import_document(SEED_PATH, app="另一个应用")
    old.add(policy)
    new.add(policy)
    titles = [s.title for s in diff_sections(diff(old, new))]
    assert "你我贷: sensitive flows removed" in titles and "另一个应用 (compared): no change" in titles


def test_strict_import_of_the_seed_writes_nothing(tmp_path):
    out = import_sources([SEED_PATH], tmp_path / "r.db", strict=True)
    assert out.exit_code == 1
    # the seed has problems (guesses, unresolved names), so nothing is written: not even a file
    assert not (tmp_path / "r.db").exists()
    assert list(tmp_path.iterdir()) == []
    assert "--strict" in out.errors[0] and out.data["app"] == "你我贷"
    assert out.sections[0].lines[0].startswith("imported 你我贷: ")


def test_help_summaries_are_whole_first_paragraphs():
    group = get_command(cli.app)
    for name, cmd in group.commands.items():
        summary = cmd.get_short_help_str(limit=10_000)
        assert summary.endswith("."), (name, summary)
        assert not summary.endswith("..."), (name, summary)
