"""Bad input: one line on stderr saying what and where, exit code 2, nothing written.

These run the real console entry point in a subprocess, as a user would.
"""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed_policy.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=120,
    )


def import_(tmp_path: Path, source: Path, out_name: str = "reg.json") -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / out_name
    return run("import", str(source), "-o", str(out)), out


def assert_one_line_error(p: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in p.stderr
    for frag in fragments:
        assert frag in lines[0]


def test_empty_file(tmp_path):
    src = tmp_path / "empty.txt"
    src.write_bytes(b"")
    p, out = import_(tmp_path, src)
    assert_one_line_error(p, "empty.txt", "empty")
    assert not out.exists()


def test_binary_file(tmp_path):
    src = tmp_path / "logo.png"
    src.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    p, out = import_(tmp_path, src)
    assert_one_line_error(p, "logo.png", "binary")
    assert not out.exists()


def test_no_recognizable_table(tmp_path):
    src = tmp_path / "prose.txt"
    src.write_text("隐私政策\n\n我们非常重视您的个人信息。\n\n我们不会与第三方共享您的信息。\n", encoding="utf-8")
    p, out = import_(tmp_path, src)
    assert_one_line_error(p, "prose.txt", "no sharing list")
    assert not out.exists()


def test_missing_file(tmp_path):
    p, _out = import_(tmp_path, tmp_path / "nope.txt")
    assert_one_line_error(p, "nope.txt", "no such file")


def test_table_cut_off_in_the_middle(tmp_path):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    # cut inside the 借款推荐服务 row of the sharing list, after its purpose cell (line 2301)
    src = tmp_path / "cut.txt"
    src.write_text("\n".join(lines[:2302]), encoding="utf-8")
    p, out = import_(tmp_path, src)
    # the complete rows are kept and the cut row is named, not guessed at (archived copies of
    # real pages end mid-table); replacing a fuller import of the app needs --replace
    assert p.returncode == 0, p.stderr
    assert "line 2286: the sharing table is cut off: its last row has 4 of 5 cells; that row was left out" in p.stdout
    assert out.exists()


def test_failed_import_leaves_existing_registry_untouched(tmp_path):
    out = tmp_path / "reg.json"
    ok = run("import", str(SEED), "-o", str(out))
    assert ok.returncode == 0, ok.stderr
    before = out.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    p = run("import", str(bad), "-o", str(out))
    assert p.returncode == 2
    assert out.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["bad.txt", "reg.json"]  # no temp file left


@pytest.mark.parametrize(
    "variant",
    ["gb18030", "utf-8-bom", "crlf", "cr", "utf-16"],
)
def test_encodings_and_line_endings_import_like_the_seed(tmp_path, variant):
    text = SEED.read_text(encoding="utf-8")
    if variant == "gb18030":
        data = text.encode("gb18030")
    elif variant == "utf-8-bom":
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    elif variant == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    elif variant == "cr":
        data = text.replace("\n", "\r").encode("utf-8")
    else:
        data = text.encode("utf-16")
    src = tmp_path / f"seed-{variant}.txt"
    src.write_bytes(data)
    from registry import import_document

    policy, _ = import_document(src)
    base, _ = import_document(SEED)
    assert policy.app == base.app
    assert len(policy.flows) == len(base.flows)
    assert [(f.field, f.via, f.recipient, f.evidence.line) for f in policy.flows] == [
        (f.field, f.via, f.recipient, f.evidence.line) for f in base.flows
    ]


def test_broken_registry_file(tmp_path):
    reg = tmp_path / "reg.json"
    reg.write_text('{"format": "sharegraph-registry", "version": 1, "policies": [', encoding="utf-8")
    p = run("stats", "--registry", str(reg))
    assert_one_line_error(p, "reg.json", "not valid JSON")


def test_foreign_registry_file(tmp_path):
    reg = tmp_path / "other.json"
    reg.write_text('{"hello": "world"}', encoding="utf-8")
    p = run("stats", "--registry", str(reg))
    assert_one_line_error(p, "other.json", "not a sharegraph registry file")


def test_future_registry_version(tmp_path):
    reg = tmp_path / "future.json"
    reg.write_text('{"format": "sharegraph-registry", "version": 99, "policies": []}', encoding="utf-8")
    p = run("stats", "--registry", str(reg))
    assert_one_line_error(p, "future.json", "version 99")


def test_unknown_field_suggests(tmp_path):
    p = run("who-receives", "身份证号吗")
    assert_one_line_error(p, "unknown field '身份证号吗'", "did you mean", "身份证号码")
