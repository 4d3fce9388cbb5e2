"""Malformed registry files: one line naming the JSON path, never a traceback (issue 11, item 11).

Before: 21 of 90 hostile files gave tracebacks (AttributeError, RecursionError, ValueError,
TypeError), and a negative evidence index silently cited the last evidence entry. The file
is now checked against docs/registry-file-schema.json as it is built; these are the
issue's cases, then a property: the loader refuses a file exactly when the schema (and
the index checks the schema cannot express) does.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import SEED_REGISTRY, load_registry
from registry.errors import RegistryFileError
from registry.store import SCHEMA_PATH, _policy_validator

ROOT = Path(__file__).resolve().parent.parent
BASE = json.loads(SEED_REGISTRY.read_text(encoding="utf-8"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def changed(edit: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    edit(d)
    return d


def p0(d: dict[str, Any]) -> dict[str, Any]:
    return d["policies"][0]  # type: ignore[no-any-return]


CASES = {
    "policies as a dict": (lambda d: d.update(policies={"你我贷": {}}), 'policies: expected a list, not {"你我贷": {}}'),
    "policies as a string": (lambda d: d.update(policies="x"), 'policies: expected a list, not "x"'),
    "policies [5]": (lambda d: d.update(policies=[5]), "policies[0]: expected a mapping, not 5"),
    "policies [[]]": (lambda d: d.update(policies=[[]]), "policies[0]: expected a mapping, not []"),
    "policies [null]": (lambda d: d.update(policies=[None]), "policies[0]: expected a mapping, not null"),
    "app 5": (lambda d: p0(d).update(app=5), "policies[0].app: expected a string, not 5"),
    "app null": (lambda d: p0(d).update(app=None), "policies[0].app: expected a string, not null"),
    "sensitive 'no'": (lambda d: p0(d)["fields"][0].update(sensitive="no"),
                       'policies[0].fields[0].sensitive: expected true or false, not "no"'),
    "negative evidence index": (lambda d: p0(d)["flows"][7].update(evidence=-1),
                                "policies[0].flows[7].evidence: must be 0 or more, not -1"),
    "evidence index past the end": (lambda d: p0(d)["flows"][7].update(evidence=200),
                                    "policies[0].flows[7].evidence: evidence #200 does not exist (the policy has 200)"),
    "evidence index true": (lambda d: p0(d)["flows"][7].update(evidence=True),
                            "policies[0].flows[7].evidence: expected an integer, not true"),
    "negative text index": (lambda d: p0(d)["evidence"][3].__setitem__(5, -2),
                            "policies[0].evidence[3][5]: must be 0 or more, not -2"),
    "unknown channel": (lambda d: p0(d)["flows"][0].update(channel="email"),
                        'policies[0].flows[0].channel: expected one of sharing, sdk, not "email"'),
    "a flow without its field": (lambda d: p0(d)["flows"][2].pop("field"),
                                 "policies[0].flows[2]: missing key 'field'"),
    "recipient kind": (lambda d: p0(d)["recipients"][0].update(kind="person"),
                       "policies[0].recipients[0].kind: expected one of company, brand"),
    "the same app twice": (lambda d: d["policies"].append(copy.deepcopy(p0(d))),
                           "policies[1].app: app '你我贷' is given twice"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_malformed_registry_is_one_line_naming_the_path(tmp_path, case):
    edit, want = CASES[case]
    reg = tmp_path / "reg.json"
    reg.write_text(json.dumps(changed(edit), ensure_ascii=False, indent=1), encoding="utf-8")
    commands = [("stats", "-r", str(reg))]
    if case in ("app 5", "policies as a dict", "negative evidence index"):  # import read it too
        commands.append(("import", str(ROOT / "data" / "seed_policy.txt"), "-o", str(reg)))
    for args in commands:
        p = run(*args)
        assert p.returncode == 2, (args, p.stdout[-300:])
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
        assert lines[0].startswith(f"error: {reg}: {want}"), lines[0]


@pytest.mark.parametrize("case", ["nested 100,000 deep", "a 5,000-digit version", "version true"])
def test_hostile_json_is_one_line(tmp_path, case):
    head = '{"format": "sharegraph-registry", '
    if case == "nested 100,000 deep":
        text, want = head + '"version": 1, "policies": [' + "[" * 100_000 + "]" * 100_000 + "]}", "nested too deeply"
    elif case == "a 5,000-digit version":
        text, want = head + '"version": ' + "9" * 5000 + ', "policies": []}', "a number longer than"
    else:
        text, want = head + '"version": true, "policies": []}', "version true is not supported"
    reg = tmp_path / "reg.json"
    reg.write_text(text, encoding="utf-8")
    p = run("stats", "-r", str(reg))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and want in p.stderr, p.stderr


def test_what_save_registry_writes_is_valid_against_the_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(BASE)  # the shipped seed registry, as save_registry wrote it


# -- the loader and the schema agree ---------------------------------------------------------------

SMALL = changed(lambda d: p0(d).update(flows=p0(d)["flows"][:6], fields=p0(d)["fields"][:4],
                                       recipients=p0(d)["recipients"][:3], scenarios=p0(d)["scenarios"][:2],
                                       sdks=p0(d)["sdks"][:2], permissions=p0(d)["permissions"][:2]))
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 300), st.floats(allow_nan=False, width=16),
                   st.text(max_size=4), st.just([]), st.just({}), st.just(["x"]), st.just([0, 1]))


def _paths(x: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(x, dict):
        for k, v in x.items():
            out += _paths(v, (*at, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += _paths(v, (*at, i))
    return out


POLICY_PATHS = [p for p in _paths(p0(SMALL)) if p]


def _expected_error(policy: dict[str, Any]) -> bool:
    """True if the schema, or an index past the end of its list, refuses the policy."""
    if any(True for _ in _policy_validator().iter_errors(policy)):
        return True
    texts, evidence = policy.get("texts", []), policy.get("evidence", [])
    if any(r[5] >= len(texts) for r in evidence):
        return True
    return any(x.get("evidence") is not None and x["evidence"] >= len(evidence)
               for part in ("scenarios", "sdks", "permissions", "flows") for x in policy.get(part, []))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(POLICY_PATHS), VALUES | st.just("<delete>")), min_size=1,
                      max_size=3))
def test_the_loader_refuses_exactly_what_the_schema_refuses(tmp_path_factory, edits):
    d = copy.deepcopy(SMALL)
    for path, value in edits:
        node = p0(d)
        try:
            for k in path[:-1]:
                node = node[k]
            if value == "<delete>":
                del node[path[-1]]
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit changed what the path runs through
    reg = tmp_path_factory.mktemp("reg") / "reg.json"
    reg.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    want_error = _expected_error(p0(d))
    try:
        load_registry(reg)
    except RegistryFileError as e:
        assert want_error, f"refused a file the schema allows: {e}"
        assert str(e).startswith(f"{reg}: policies[0]") and "\n" not in str(e)
        return
    assert not want_error, "loaded a file the schema refuses"
