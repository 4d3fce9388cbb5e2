"""The registry file: round trip, the shipped seed registry, many policies per registry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from registry import (
    SEED_PATH,
    import_document,
    load_registry,
    open_registry,
    save_registry,
)
from registry.model import Registry
from registry.store import registry_to_dict

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_seed_registry_equals_a_fresh_import():
    shipped = open_registry()
    stamp = shipped.policies["你我贷"].source.imported_at
    policy, _ = import_document(SEED_PATH, imported_at=stamp)
    fresh = Registry()
    fresh.add(policy)
    assert registry_to_dict(fresh) == registry_to_dict(shipped), (
        "data/seed_registry.json is stale: regenerate it with "
        "`sharegraph import data/seed_policy.txt -o data/seed_registry.json`"
    )


def test_round_trip(tmp_path):
    reg = open_registry()
    out = tmp_path / "r.json"
    save_registry(reg, out)
    assert load_registry(out) == reg
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("sharegraph-registry", 1)


def test_evidence_is_shared_not_copied():
    p = open_registry().policies["你我贷"]
    # the 华为推送SDK row's 内存容量 line gives one evidence object to its one recipient flow;
    # the 姓名 item of a sharing row is cited by every recipient's flow through the same object
    flows = [f for f in p.flows if f.via == "风控审核、信用初审" and f.field == "姓名"]
    assert len(flows) == 11
    assert len({id(f.evidence) for f in flows}) == 1


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          timeout=120)


def test_import_twice_replaces_and_app_adds(tmp_path):
    out = tmp_path / "reg.json"
    assert run("import", str(SEED_PATH), "-o", str(out)).returncode == 0
    assert run("import", str(SEED_PATH), "-o", str(out)).returncode == 0
    reg = load_registry(out)
    assert reg.apps == ["你我贷"]
    assert len(reg.policies["你我贷"].flows) == len(open_registry().policies["你我贷"].flows)
    p = run("import", str(SEED_PATH), "-o", str(out), "--app", "另一个应用")
    assert p.returncode == 0, p.stderr
    assert load_registry(out).apps == ["你我贷", "另一个应用"]


def test_stats_keys():
    p = run("stats", "--json")
    assert p.returncode == 0
    s = json.loads(p.stdout)
    for key in ("sharing_rows", "sdks", "permissions", "recipients", "fields", "flows", "unresolved_fields"):
        assert key in s
    # 12 permissions in 20 rows (iOS and Android apart): docs/counts.md
    assert (s["sharing_rows"], s["sdks"], s["permissions"], s["permission_rows"]) == (13, 15, 12, 20)
    assert s["unresolved_fields"] == 0


def test_who_receives_json_keys():
    p = run("who-receives", "设备信息", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    for key in ("recipient", "recipient_as_written", "channel", "scenario", "sdk", "field", "field_as_written",
                "implied_via", "evidence"):
        assert key in rows[0]
    assert {"file", "line"} <= set(rows[0]["evidence"])
    imei = [r for r in rows if r["field"] == "IMEI"]
    assert imei and all(r["relation"] == "member" for r in imei)


def test_lint_lists_unresolved_brands():
    p = run("lint", "--json")
    assert p.returncode == 1
    rows = json.loads(p.stdout)
    assert [(r["kind"], r["name"]) for r in rows] == [("recipient", "app store"), ("recipient", "旦米")]


def test_strict_import_fails_and_writes_nothing(tmp_path):
    out = tmp_path / "reg.json"
    p = run("import", str(SEED_PATH), "-o", str(out), "--strict")
    assert p.returncode == 1
    assert "--strict" in p.stderr and not out.exists()


def test_import_a_folder_of_policies(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "seed.txt").write_bytes(SEED_PATH.read_bytes())
    (docs / "empty.txt").write_bytes(b"")
    (docs / "notes.bin").write_bytes(b"\x00")  # not a policy file: not picked up
    out = tmp_path / "reg.json"
    p = run("import", str(docs), "-o", str(out))
    assert p.returncode == 2  # one document failed
    assert "imported 1 of 2 documents" in p.stdout
    assert "error: " in p.stderr and "empty.txt" in p.stderr  # failures: one line each on stderr
    assert load_registry(out).apps == ["你我贷"]


def test_import_with_forced_layout(tmp_path):
    src = tmp_path / "seed.html"  # a wrong extension: the layout is forced back to text
    src.write_bytes(SEED_PATH.read_bytes())
    out = tmp_path / "reg.json"
    p = run("import", str(src), "-o", str(out), "--layout", "flattened-text")
    assert p.returncode == 0, p.stderr
    assert len(load_registry(out).policies["你我贷"].flows) == len(open_registry().policies["你我贷"].flows)
    bad = run("import", str(src), "-o", str(out), "--layout", "pdf")
    assert bad.returncode == 2 and "unknown layout 'pdf'" in bad.stderr
