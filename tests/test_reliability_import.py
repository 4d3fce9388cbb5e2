"""Import: no silent replacement, bounded work on hostile input, messages that say what is wrong.

Issue 11, items 4 (replacing an app), 6 (YAML aliases and depth), 7 (the size limit),
8 (fuzzy matching bounded), 12 (encodings), 13 (a folder's failures on stderr) and 14
(a registry-as-code mapping overrides the classification). Documents are the seed
(data/seed_policy.txt) cut, re-encoded or repeated; YAML fixtures are cut from its rows.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry import import_document, load_registry
from registry.source import MAX_DOCUMENT_BYTES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed_policy.txt"
SEED_FLOWS = 1154  # the seed's flows (tests/test_import_seed.py, docs/benchmarks.md)


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def one_error_line(p: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout[-800:], p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), p.stderr
    assert "Traceback" not in p.stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    out = tmp_path / "reg.json"
    p = run("import", str(SEED), "-o", str(out))
    assert p.returncode == 0, p.stderr
    return out


# -- item 4: replacing an app -----------------------------------------------------------------

def test_a_policy_cut_before_its_lists_does_not_replace_the_app(seeded, tmp_path):
    """The issue's reproduction: the seed cut at byte 18,290 holds its permission table only."""
    cut = tmp_path / "cut.txt"
    cut.write_bytes(SEED.read_bytes()[:18_290])
    before = seeded.read_bytes()
    line = one_error_line(run("import", str(cut), "-o", str(seeded)), "cut.txt", "no flows found for 你我贷",
                          "permission table")
    assert f"keeps 你我贷's {SEED_FLOWS} flows" in line
    assert seeded.read_bytes() == before
    assert len(load_registry(seeded).policies["你我贷"].flows) == SEED_FLOWS
    # into a new registry too: an import that finds no flows makes no empty app
    fresh = tmp_path / "fresh.json"
    one_error_line(run("import", str(cut), "-o", str(fresh)), "no flows found")
    assert not fresh.exists()
    # --replace does not make an empty app either
    one_error_line(run("import", str(cut), "-o", str(seeded), "--replace"), "no flows found")


def test_a_replacement_says_what_changed(seeded, tmp_path):
    # the seed up to line 2330: the sharing list loses its rows after 借款推荐服务
    lines = SEED.read_text(encoding="utf-8").split("\n")
    shorter = tmp_path / "shorter.txt"
    shorter.write_text("\n".join(lines[:2330]), encoding="utf-8")
    policy, _ = import_document(shorter)
    assert 0 < SEED_FLOWS - len(policy.flows) < SEED_FLOWS / 2
    p = run("import", str(shorter), "-o", str(seeded))
    assert p.returncode == 0, p.stderr
    line = next(x for x in p.stdout.splitlines() if x.startswith("replaced "))
    assert line.startswith(f"replaced 你我贷: {SEED_FLOWS} -> {len(policy.flows)} flows (+0 -{SEED_FLOWS - len(policy.flows)}")
    assert "scenarios +0 -" in line and "recipients +0 -" in line
    p = run("import", str(SEED), "-o", str(seeded), "--json")
    rep = json.loads(p.stdout)["replaced"]
    assert (rep["flows_before"], rep["flows_after"]) == (len(policy.flows), SEED_FLOWS)
    assert rep["flows_removed"] == 0 and rep["flows_added"] == SEED_FLOWS - len(policy.flows)
    assert "app '你我贷' was already in the registry; its policy was replaced" in json.loads(p.stdout)["info"]


# cut from data/seed_policy.txt: the sharing row 推送通知 (lines 2205-2225), its recipients
# shortened to the first, as registry-as-code for the same app
ONE_ROW = """\
sharegraph: 1
app: 你我贷
scenarios:
  - name: 推送通知
    purpose: 推送消息到设备
    frequency: 每次使用时共享
    fields: [设备信息, 姓名, 性别]
    recipients: [深圳市和讯华谷信息技术有限公司]
"""


def test_losing_most_of_an_app_needs_replace(seeded, tmp_path):
    one = tmp_path / "one-row.yaml"
    one.write_text(ONE_ROW, encoding="utf-8")
    before = seeded.read_bytes()
    line = one_error_line(run("import", str(one), "-o", str(seeded)), "would replace 你我贷",
                          f"of its {SEED_FLOWS} flows", "--replace")
    assert f"({SEED_FLOWS} -> 3)" in line  # 3 fields to one recipient
    assert seeded.read_bytes() == before
    p = run("import", str(one), "-o", str(seeded), "--replace")
    assert p.returncode == 0, p.stderr
    assert f"replaced 你我贷: {SEED_FLOWS} -> 3 flows" in p.stdout
    assert len(load_registry(seeded).policies["你我贷"].flows) == 3


# cut from data/seed_policy.txt: the first row of the permission table (lines 201-221), another app
PERMISSIONS_ONLY = """\
sharegraph: 1
app: 第三个应用
permissions:
  - name: 网络
    platform: IOS
    purpose: 连接网络
    can_disable: 是
    impact: 无法连接网络
"""


def test_a_folder_import_refuses_per_app_and_reports_on_stderr(seeded, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one-row.yaml").write_text(ONE_ROW, encoding="utf-8")  # would lose most of 你我贷
    (docs / "empty.txt").write_bytes(b"")
    (docs / "permissions.yaml").write_text(PERMISSIONS_ONLY, encoding="utf-8")  # no flows
    other = ONE_ROW.replace("app: 你我贷", "app: 另一个应用")
    (docs / "other.yaml").write_text(other, encoding="utf-8")
    p = run("import", str(docs), "-o", str(seeded))
    assert p.returncode == 2
    errors = p.stderr.strip().splitlines()
    # item 13: one line each on stderr (was: on stdout, nothing on stderr)
    assert len(errors) == 3 and all(e.startswith("error: ") for e in errors), p.stderr
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("would replace 你我贷" in e for e in errors)
    assert any("permissions.yaml: no flows found for 第三个应用 (found only: permission table)" in e
               for e in errors)
    assert "error" not in p.stdout
    reg = load_registry(seeded)
    assert reg.apps == ["你我贷", "另一个应用"]
    assert len(reg.policies["你我贷"].flows) == SEED_FLOWS


# -- item 7 (the refusal part): documents over the size limit ----------------------------------

def test_a_document_over_the_limit_is_refused_in_one_line(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: the refusal comes from its size, before any read
        fh.truncate(MAX_DOCUMENT_BYTES + 1)
    one_error_line(run("import", str(big), "-o", str(tmp_path / "r.json")), "big.txt",
                   f"{MAX_DOCUMENT_BYTES + 1:,} bytes", "larger than the 16,777,216-byte limit")
    p = run("import", str(SEED), "-o", str(tmp_path / "r.json"), env={"SHAREGRAPH_MAX_DOCUMENT_BYTES": "60000"})
    one_error_line(p, "68,674 bytes", "60,000-byte limit", "SHAREGRAPH_MAX_DOCUMENT_BYTES")
    assert not (tmp_path / "r.json").exists()


def test_a_pipe_is_read_only_up_to_the_limit(tmp_path):
    fifo = tmp_path / "doc.txt"
    os.mkfifo(fifo)
    feeder = subprocess.Popen(["sh", "-c", f"yes 第三方SDK > {fifo}"], stderr=subprocess.DEVNULL)
    try:
        p = run("import", str(fifo), "-o", str(tmp_path / "r.json"),
                env={"SHAREGRAPH_MAX_DOCUMENT_BYTES": "100000"}, timeout=60)
    finally:
        feeder.kill()
        feeder.wait()
    one_error_line(p, "more than 100,000 bytes")


# -- item 12: what is wrong with an encoding ------------------------------------------------------

def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _cut_inside_a_character(data: bytes, at: int) -> bytes:
    while data[at] & 0xC0 != 0x80:  # move to a continuation byte: the cut splits a character
        at += 1
    return data[:at]


ENCODINGS = {
    "utf-8 cut inside a character": (lambda: _cut_inside_a_character(_seed_text().encode(), 20_000),
                                     ["UTF-8 text ends inside a character", "cut short"]),
    "utf-16 le without bom": (lambda: _seed_text().encode("utf-16-le"),
                              ["UTF-16 (little-endian) text without a byte-order mark"]),
    "utf-16 be without bom": (lambda: _seed_text().encode("utf-16-be"),
                              ["UTF-16 (big-endian) text without a byte-order mark"]),
    "utf-32 le without bom": (lambda: _seed_text().encode("utf-32-le"),
                              ["UTF-32 (little-endian) text without a byte-order mark"]),
    "utf-32 be without bom": (lambda: _seed_text().encode("utf-32-be"),
                              ["UTF-32 (big-endian) text without a byte-order mark"]),
    "utf-16 cut inside a character": (lambda: _seed_text().encode("utf-16")[:30_001],
                                      ["UTF-16 text ends inside a character", "cut short"]),
    "a bad byte in utf-8 text": (lambda: (lambda b: b[:30_000] + b"\xff" + b[30_000:])(_seed_text().encode()),
                                 ["not valid UTF-8: byte 0xff"]),
}


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_encoding_problems_are_named(tmp_path, case):
    make, fragments = ENCODINGS[case]
    doc = tmp_path / "doc.txt"
    doc.write_bytes(make())
    line = one_error_line(run("import", str(doc), "-o", str(tmp_path / "r.json")), "doc.txt", *fragments)
    assert "binary" not in line and "GB18030" not in line


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_with_a_bom_imports_like_the_seed(tmp_path, codec):
    text = _seed_text()
    data = text.encode("utf-32") if codec == "utf-32" else codecs.BOM_UTF32_BE + text.encode("utf-32-be")
    doc = tmp_path / "seed32.txt"
    doc.write_bytes(data)
    policy, _ = import_document(doc)
    base, _ = import_document(SEED)
    assert [(f.field, f.via, f.recipient, f.evidence.line) for f in policy.flows] == [
        (f.field, f.via, f.recipient, f.evidence.line) for f in base.flows]
    assert policy.source.encoding == "utf-32"


def test_a_utf16_registry_file_says_so(seeded, tmp_path):
    u16 = tmp_path / "u16.json"
    u16.write_bytes(seeded.read_text(encoding="utf-8").encode("utf-16"))
    one_error_line(run("stats", "-r", str(u16)), "UTF-16 text; a registry file is UTF-8 JSON")


@pytest.mark.parametrize("cut", ["inside a character", "at a character"])
def test_a_truncated_registry_file_says_so(seeded, tmp_path, cut):
    data = seeded.read_bytes()
    short = tmp_path / "short.json"
    if cut == "inside a character":
        short.write_bytes(_cut_inside_a_character(data, len(data) // 2))
        want = "ends inside a UTF-8 character"
    else:
        short.write_bytes(data[: data.index(b'"flows"')])
        want = "the file ends before its JSON does"
    one_error_line(run("stats", "-r", str(short)), "short.json", want, "cut short")


# -- item 6: YAML aliases and depth ----------------------------------------------------------------

LAUGHS = "sharegraph: 1\napp: x\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize("case", ["billion laughs", "flow nesting", "block nesting", "merge key"])
def test_hostile_yaml_is_refused_quickly(tmp_path, case):
    if case == "billion laughs":
        text, want = LAUGHS, "YAML aliases (*a) are not allowed"
    elif case == "flow nesting":
        text, want = "sharegraph: 1\napp: x\nscenarios: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 32"
    elif case == "block nesting":
        text = "sharegraph: 1\napp: x\nscenarios:\n" + "".join("  " * i + "-\n" for i in range(1, 300))
        want = "nested more than 32"
    else:
        text = ("sharegraph: 1\napp: x\nbase: &base {name: 推送通知, fields: [姓名], recipients: [小米]}\n"
                "scenarios:\n  - <<: *base\n")
        want = "YAML aliases (*base)"
    doc = tmp_path / "hostile.yaml"
    doc.write_text(text, encoding="utf-8")
    started = time.monotonic()
    one_error_line(run("import", str(doc), "-o", str(tmp_path / "r.json"), timeout=60), "hostile.yaml:", want)
    assert time.monotonic() - started < 60  # the billion laughs hung forever before


# -- item 14: a mapping overrides the classification -------------------------------------------------

# cut from data/seed_policy.txt: the 小米推送SDK row (lines 1544-1574, two of its fields) and
# the sharing row 推送通知 (lines 2205-2225), its recipients shortened to 小米
MAPPED = """\
sharegraph: 1
app: 你我贷
sdks:
  - name: 小米推送SDK
    provider: 小米移动软件有限公司
    purpose: 推送消息到用户设备
    fields: [Android ID, IMEI]
scenarios:
  - name: 推送通知
    purpose: 推送消息到设备
    fields: [姓名]
    recipients: [RECIPIENT]
"""


def _sharing_recipients(tmp_path: Path, recipient: str) -> tuple[list[tuple[str, str]], object]:
    doc = tmp_path / "mapped.yaml"
    doc.write_text(MAPPED.replace("RECIPIENT", recipient), encoding="utf-8")
    policy, report = import_document(doc)
    flows = [(f.recipient, f.recipient_as_written) for f in policy.flows if f.via == "推送通知"]
    return flows, (policy, report)


def test_a_plain_brand_resolves_through_the_sdk_table(tmp_path):
    flows, _ = _sharing_recipients(tmp_path, "小米")
    assert flows == [("小米移动软件有限公司", "小米")]  # the SDK table names 小米's provider


def test_a_mapping_with_a_kind_is_taken_as_written(tmp_path):
    flows, (policy, report) = _sharing_recipients(tmp_path, "{name: 小米, kind: company}")
    assert flows == [("小米", "小米")]
    r = policy.recipient("小米")
    assert r is not None and r.kind.value == "company" and r.legal_entity is None
    provider = policy.recipient("小米移动软件有限公司")  # still the SDK's provider, no longer 小米's
    assert provider is not None and "小米" not in provider.as_written and provider.resolution is None
    assert "小米" not in report.unresolved_recipients
    assert report.counts["recipients"] == len(policy.recipients)


def test_a_mapped_brand_stays_a_brand(tmp_path):
    flows, (policy, report) = _sharing_recipients(tmp_path, "{name: 小米, kind: brand}")
    assert flows == [("小米", "小米")]
    assert policy.recipient("小米").kind.value == "brand"
    assert "小米" in report.unresolved_recipients  # a brand the file ties to no legal entity


# -- item 8: fuzzy matching bounded -------------------------------------------------------------------

def test_suggestions_for_a_huge_name_are_bounded():
    from registry.vocabulary import load_vocabulary

    v = load_vocabulary()
    started = time.monotonic()
    assert v.suggest_fields("身份证号码" * 40_000) == []  # 200,000 characters: took 27 s
    assert time.monotonic() - started < 5
    assert "身份证号码" in v.suggest_fields("身份证号吗")  # a misspelling still gets its suggestion
