"""The digest a Neo4j push compares to skip unchanged apps (no server needed).

What it must notice: any value of the policy, the vocabulary files, the graph's code (through
the modules it reads and GRAPH_MODEL_VERSION); what it must not depend on: which objects hold
the values (a registry read twice gives the same digests).
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from lineage.backends.neo4j import digest
from lineage.backends.neo4j.digest import app_digest, graph_context
from registry import open_registry


@pytest.fixture(scope="module")
def seed():
    return next(iter(open_registry().policies.values()))


def test_same_registry_read_twice_same_digest(seed):
    again = next(iter(open_registry().policies.values()))
    assert again is not seed and again.flows[0] is not seed.flows[0]
    ctx = graph_context()
    assert app_digest(again, ctx) == app_digest(seed, ctx)


def test_every_kind_of_change_to_the_policy_is_seen(seed):
    ctx = graph_context()
    base = app_digest(seed, ctx)
    sc = seed.scenarios[0]
    r = seed.recipients[0]
    changed = [
        dataclasses.replace(seed, scenarios=(dataclasses.replace(sc, purpose=sc.purpose + "。"), *seed.scenarios[1:])),
        dataclasses.replace(seed, recipients=(dataclasses.replace(r, as_written=(*r.as_written, "x")),
                                              *seed.recipients[1:])),
        dataclasses.replace(seed, controller=(seed.controller or "") + " "),
        dataclasses.replace(seed, text=(seed.text or "") + "\n"),
        dataclasses.replace(seed, flows=seed.flows[:-1]),
        dataclasses.replace(seed, flows=(*seed.flows[:-1], dataclasses.replace(seed.flows[-1], qualifiers=("可选",)))),
    ]
    digests = [app_digest(p, ctx) for p in changed]
    assert base not in digests and len(set(digests)) == len(digests)


def test_vocabulary_files_and_model_version_are_part_of_it(tmp_path, monkeypatch):
    from registry.datafiles import DATA_DIR

    base = graph_context()
    for f in DATA_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("SHAREGRAPH_VOCAB", str(tmp_path))
    assert graph_context() == base   # the same files elsewhere
    with open(tmp_path / "fields.yaml", "a", encoding="utf-8") as out:
        out.write("\n# edited\n")
    assert graph_context() != base
    monkeypatch.delenv("SHAREGRAPH_VOCAB")
    monkeypatch.setattr(digest, "GRAPH_MODEL_VERSION", digest.GRAPH_MODEL_VERSION + "+1")
    assert graph_context() != base


def test_the_graphs_code_is_read():
    """The modules that define the graph are importable (a rename would silently drop one)."""
    import importlib.util

    for name in digest.GRAPH_MODULES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin and spec.origin.endswith(".py"), name
