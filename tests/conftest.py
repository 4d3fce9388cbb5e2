"""Shared fixtures. Paths resolve from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed_policy.txt"

pytest_plugins = ["tests.neo4j_server"]


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_registry():
    from registry import open_registry

    return open_registry()


@pytest.fixture(scope="session")
def seed_graph(seed_registry):
    from lineage.graph import build_graph

    return build_graph(seed_registry)
