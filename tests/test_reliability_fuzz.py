"""Property-based runs of the registry-file loader and the registry-as-code YAML import.

The targets of tests/fuzz/fuzz_registry.py, driven by hypothesis: whatever the bytes,
``load_registry`` returns a registry or raises one RegistryFileError line, and a YAML
import returns a policy or raises a SharegraphError, quickly (before: RecursionError
tracebacks from deep nesting, a hang on aliases). Inputs are random bytes, the shipped
seed registry (data/seed_registry.json, its lists shortened) cut and spliced, YAML built from the tokens YAML
and registry-as-code are made of, and the news fixture (tests/fixtures/import/news.yaml) mutated.

``SHAREGRAPH_FUZZ_EXAMPLES=5000`` runs more examples a test (200 by default).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import SEED_REGISTRY
from tests.fuzz.fuzz_registry import registry_file, yaml_import

FIX = Path(__file__).resolve().parent / "fixtures" / "import"
FUZZ = settings(
    max_examples=int(os.environ.get("SHAREGRAPH_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _small_seed() -> bytes:
    """The shipped seed registry with its lists cut short (40 flows), laid out as save_registry does."""
    d = json.loads(SEED_REGISTRY.read_text(encoding="utf-8"))
    p = d["policies"][0]
    for key, n in (("flows", 40), ("fields", 12), ("recipients", 8), ("scenarios", 3), ("sdks", 3),
                   ("permissions", 3), ("notes", 2)):
        p[key] = p[key][:n]
    return json.dumps(d, ensure_ascii=False, indent=1).encode("utf-8")


SEED_JSON = _small_seed()
JSON_TOKENS = [b"{", b"}", b"[", b"]", b",", b":", b'"', b"null", b"true", b"-1", b"1e999", b"9" * 50,
               b'"policies"', b'"flows"', b'"evidence"', b'"app"', b"\\u0000", b"\xff", b"\xe4\xbd", b" "]


@FUZZ
@given(st.binary(max_size=300))
def test_registry_loader_random_bytes(data):
    registry_file(data)


@FUZZ
@given(st.data())
def test_registry_loader_seed_cut_and_spliced(data):
    raw = SEED_JSON
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        i = data.draw(st.integers(0, len(raw)), label="at")
        op = data.draw(st.sampled_from(["cut", "splice", "delete", "nest"]))
        if op == "cut":
            raw = raw[:i]
        elif op == "splice":
            raw = raw[:i] + b"".join(data.draw(st.lists(st.sampled_from(JSON_TOKENS), max_size=6))) + raw[i:]
        elif op == "delete":
            raw = raw[:i] + raw[i + data.draw(st.integers(1, 200)):]
        else:
            depth = data.draw(st.integers(100, 50_000))
            raw = raw[:i] + b"[" * depth + b"]" * depth + raw[i:]
    registry_file(raw)


YAML_TOKENS = [
    "\n", "\n", "  ", "- ", ": ", "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b", "<<: ", "? ", "|\n", ">\n",
    "'", '"', "#", "---\n", "...\n", "%YAML 1.1\n", "!!str ", "!!python/object:os.system ", "!!binary ",
    "\t", "\ufeff", "sharegraph: 1\n", "app: 某某新闻\n", "scenarios:\n", "sdks:\n", "permissions:\n",
    "name: ", "fields: ", "recipients: ", "kind: company", "kind: onward", "onward_of: ", "provider: ",
    "手机号码", "设备标识符（OAID、IDFA）", "每日互动股份有限公司", "个推", "true", "null", "0x1F", "1e5",
]
yaml_text = st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=5), max_size=120).map("".join)
NEWS = (FIX / "news.yaml").read_text(encoding="utf-8")


@FUZZ
@given(yaml_text)
def test_yaml_import_random_tokens(text):
    yaml_import(("sharegraph: 1\napp: x\n" + text).encode("utf-8"))


@FUZZ
@given(st.data())
def test_yaml_import_mutated_fixture(data):
    lines = NEWS.split("\n")
    for _ in range(data.draw(st.integers(1, 5), label="mutations")):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "splice", "indent", "alias", "nest"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "splice":
            k = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + data.draw(yaml_text) + lines[i][k:]
        elif op == "indent":
            lines[i] = " " * data.draw(st.integers(0, 12)) + lines[i].lstrip()
        elif op == "alias":
            lines[i] = lines[i].replace(": ", ": &x ", 1) if i % 2 else lines[i] + " *x"
        else:
            depth = data.draw(st.integers(30, 5000))
            lines.insert(i, "  nested: " + "[" * depth + "]" * depth)
        if not lines:
            break
    yaml_import("\n".join(lines).encode("utf-8"))
