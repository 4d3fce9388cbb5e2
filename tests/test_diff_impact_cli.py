"""diff between two versions of the seed, and the impact commands end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lineage.diff import diff
from registry import SEED_PATH, import_document, load_registry
from registry.model import Registry

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """The seed, and a 'next version' whose 风控审核 row drops 百行征信 and adds 面部照片."""
    d = tmp_path_factory.mktemp("versions")
    text = SEED_PATH.read_text(encoding="utf-8")
    assert text.count("百行征信有限公司、") == 1
    new_text = text.replace("百行征信有限公司、", "").replace(
        "姓名、身份证号码、手机号码、银行卡号\n", "姓名、身份证号码、手机号码、银行卡号、面部照片\n")
    assert new_text.count("银行卡号、面部照片") == 1
    (d / "v2.txt").write_text(new_text, encoding="utf-8")
    for name, src in (("old.json", SEED_PATH), ("new.json", d / "v2.txt")):
        p = run("import", str(src), "-o", str(d / name))
        assert p.returncode == 0, p.stderr
    return d / "old.json", d / "new.json"


def test_diff_library(versions):
    old, new = (load_registry(p) for p in versions)
    d = diff(old, new)
    assert d["changed"]
    (a,) = d["apps"]
    assert a["recipients"] == {"added": [], "removed": ["百行征信有限公司"]}
    removed = a["flows"]["removed"]
    assert sorted(r["field"] for r in removed) == ["姓名", "手机号码", "身份证号码", "银行卡号"]
    assert all(r["recipient"] == "百行征信有限公司" for r in removed)
    added = a["flows"]["added"]
    # 面部照片 now goes to the row's 10 remaining recipients
    assert len(added) == 10 and {r["field"] for r in added} == {"面部照片"}
    s = a["sensitive"]
    assert len(s["flows_added"]) == 10
    assert sorted(r["field"] for r in s["flows_removed"]) == ["身份证号码", "银行卡号"]
    assert a["fields"] == {"added": [], "removed": []}


def test_diff_same_registry_is_empty(versions):
    old = load_registry(versions[0])
    assert diff(old, old)["changed"] is False


def test_diff_cli_exit_codes(versions):
    old, new = versions
    same = run("diff", str(old), str(old))
    assert same.returncode == 0 and "no change" in same.stdout
    changed = run("diff", str(old), str(new), "--json")
    assert changed.returncode == 1
    data = json.loads(changed.stdout)
    assert data["apps"][0]["sensitive"]["flows_removed"][0]["recipient"] == "百行征信有限公司"


def test_diff_compares_apps_by_name(versions):
    a = load_registry(versions[0])
    policy, _ = import_document(SEED_PATH, app="另一个应用")
    b = Registry(dict(a.policies))
    b.add(policy)
    d = diff(a, b)
    assert [(x["app"], x["status"]) for x in d["apps"]] == [("你我贷", "compared"), ("另一个应用", "added")]


def test_impact_add_partner_cli_writes_only_with_apply(tmp_path):
    dry = run("impact", "add-partner", "某某数据科技有限公司", "--scenario", "风控审核、信用初审", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["sensitive_new"] == ["身份证号码", "银行卡号"]
    assert list(tmp_path.iterdir()) == []
    out = tmp_path / "new.json"
    applied = run("impact", "add-partner", "某某数据科技有限公司", "-s", "风控审核、信用初审", "--apply", "-o", str(out))
    assert applied.returncode == 0, applied.stderr
    reg = load_registry(out)
    assert "某某数据科技有限公司" in {r.name for r in reg.policies["你我贷"].recipients}
    no_out = run("impact", "add-partner", "X有限公司", "-s", "风控审核、信用初审", "--apply")
    assert no_out.returncode == 2 and "-o" in no_out.stderr


def test_impact_add_partner_from_yaml(tmp_path):
    spec = tmp_path / "partner.yaml"
    spec.write_text("name: 某某征信有限公司\nscenario: 借款申请\nfields: [身份证号, 面部照片]\n", encoding="utf-8")
    p = run("impact", "add-partner", "--from-yaml", str(spec), "--json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert {e["field"] for e in report["new_exposures"]} == {"身份证号码", "面部照片"}
    assert report["appendix_change"]["line"] == 2424


def test_impact_bad_yaml(tmp_path):
    spec = tmp_path / "partner.yaml"
    spec.write_text("name: [unclosed\n", encoding="utf-8")
    p = run("impact", "add-partner", "--from-yaml", str(spec))
    assert p.returncode == 2 and p.stderr.startswith("error: ") and "partner.yaml" in p.stderr
    assert "Traceback" not in p.stderr


def test_impact_unknown_scenario_suggests():
    # 风控审查 is no scenario's name nor part of one (风控审核 is a part: tests/test_names.py)
    p = run("impact", "add-partner", "X有限公司", "--scenario", "风控审查")
    assert p.returncode == 2
    assert "unknown scenario '风控审查'" in p.stderr and "风控审核、信用初审" in p.stderr


def test_remove_partner_and_breach_cli():
    p = run("impact", "remove-partner", "不存在的伙伴", "--json")
    assert p.returncode == 2 and "unknown recipient '不存在的伙伴'" in p.stderr
    p = run("impact", "remove-partner", "高德软件有限公司", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["loses_only_recipient"]
    b = run("impact", "breach", "小米", "--json")
    assert b.returncode == 0 and json.loads(b.stdout)["recipient"] == "小米移动软件有限公司"
