"""Issue 14 item 9: who-receives reads at a glance. One row per recipient by default (the
spelling the policy used beside the legal name it resolved to), ``--flows`` for one row per
flow, ``--sensitive`` to keep sensitive fields, the app column only when the registry holds
several apps, and a table fitted to the terminal.

Read from data/seed_policy.txt: 身份证号码 is shared in seven rows of the sharing list (counted
in tests/test_questions.py: 46 flows) to 45 recipients, 百融云创科技股份有限公司 being in two of
them (短信、电话通知及商业营销, line 2252, and 风控审核、信用初审, line 2336). The 推送通知 row
(line 2225) writes 小米, which the SDK table's 小米推送SDK (line 1544) ties to
小米移动软件有限公司; both share device data (设备信息 and its members). 姓名 is not sensitive
and 身份证号码 is (data/fields.yaml).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

import cli
from lineage import reports
from lineage.backends.networkx import NetworkxBackend
from lineage.summary import by_recipient
from registry import save_registry
from registry.model import Registry


def _tsv(*args: str) -> tuple[list[str], list[list[str]]]:
    run = CliRunner().invoke(cli.app, list(args))
    assert run.exit_code == 0, run.output
    header, *lines = [ln.split("\t") for ln in run.stdout.splitlines()]
    return header, lines


def test_one_row_per_recipient_by_default():
    header, lines = _tsv("who-receives", "身份证号")
    assert header == reports.WHO_COLUMNS   # one app: no app column
    assert len(lines) == 45
    row = {h: v for h, v in zip(header, next(ln for ln in lines if ln[0] == "百融云创科技股份有限公司"), strict=True)}
    assert row["via"] == "短信、电话通知及商业营销, 风控审核、信用初审" and row["flows"] == "2"
    assert row["how"] == "explicit" and row["channel"] == "sharing"


def test_the_name_as_written_stands_beside_the_legal_name():
    header, lines = _tsv("who-receives", "设备信息")
    xiaomi = {h: v for h, v in zip(header, next(ln for ln in lines if ln[0] == "小米移动软件有限公司"), strict=True)}
    assert xiaomi["as_written"] == "小米"
    assert xiaomi["channel"] == "sharing, sdk" and set(xiaomi["via"].split(", ")) == {"推送通知", "小米推送SDK"}
    assert xiaomi["how"] == "explicit, member" and "fields" in header   # a group: its members' rows too


def test_flows_lists_one_row_per_flow_and_json_stays_the_flows():
    header, lines = _tsv("who-receives", "身份证号", "--flows")
    assert header == ["field", "relation", "implied_via", "channel", "via", "recipient"] and len(lines) == 46
    run = CliRunner().invoke(cli.app, ["who-receives", "身份证号", "--json"])
    assert len(json.loads(run.stdout)) == 46
    csv_lines = CliRunner().invoke(cli.app, ["who-receives", "身份证号", "--csv"]).stdout.splitlines()
    assert csv_lines[0].startswith("app,field,relation") and len(csv_lines) == 47


def test_sensitive_keeps_the_rows_of_sensitive_fields():
    header, lines = _tsv("who-receives", "姓名、身份证号", "--flows", "--sensitive")
    assert {ln[header.index("field")] for ln in lines} == {"身份证号码"} and len(lines) == 46
    run = CliRunner().invoke(cli.app, ["who-receives", "姓名、身份证号", "--sensitive"])
    assert "--sensitive: " in run.stderr and "not sensitive left out" in run.stderr


def test_the_app_column_only_with_several_apps(seed_registry, tmp_path):
    p = seed_registry.policies["你我贷"]
    two = Registry({"你我贷": p, "另一个": dataclasses.replace(p, app="另一个")})
    path = tmp_path / "two.json"
    save_registry(two, path)
    header, lines = _tsv("who-receives", "身份证号", "-r", str(path))
    assert "apps" in header and len(lines) == 45
    assert {ln[header.index("apps")] for ln in lines} == {"2"}
    header, lines = _tsv("who-receives", "身份证号", "-r", str(path), "--flows")
    assert header[0] == "app" and len(lines) == 92
    header, _ = _tsv("who-receives", "身份证号", "-r", str(path), "--app", "另一个", "--flows")
    assert "app" not in header


def test_summary_is_the_same_from_every_row_order(seed_registry):
    rows = NetworkxBackend(registry=seed_registry).who_receives("设备信息")
    a = {s["recipient"]: s for s in by_recipient(rows)}
    b = {s["recipient"]: s for s in by_recipient(list(reversed(rows)))}
    assert a.keys() == b.keys() and len(a) == 21
    assert all(sorted(a[k]["via"]) == sorted(b[k]["via"]) and a[k]["flows"] == b[k]["flows"] for k in a)
    assert sum(s["flows"] for s in a.values()) == len(rows)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("field", ["设备信息", "身份证号"])
def test_at_80_columns_a_name_wraps_once_at_most(seed_registry, monkeypatch, field):
    """The issue: at 80 columns the flow table wrapped each name three times."""
    from lineage.render import show

    rows = NetworkxBackend(registry=seed_registry).who_receives(field)
    out = reports.who_outcome(rows, field, width=80)
    screen = _Terminal()
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("sys.stdout", screen)
    show(out)
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in screen.getvalue().splitlines()]
    body = [ln for ln in lines if ln.startswith("│")]
    assert lines and max(cell_len(ln) for ln in lines) <= 80
    # a row is one line, or two where a name is folded: never three
    assert len(body) <= 2 * len(out.sections[0].rows)
    assert any("+" in ln for ln in body) or field == "身份证号"   # long lists cut, said as +N


def test_sensitive_unnamed_is_one_row_per_app_and_recipient():
    header, lines = _tsv("sensitive-unnamed")
    assert header[:3] == ["recipient", "kind", "why"] and len(lines) == 5
    flows_header, flows = _tsv("sensitive-unnamed", "--flows")
    assert len(flows) == 53 and "why" in flows_header
    assert sum(int(ln[header.index("flows")]) for ln in lines) == 53
