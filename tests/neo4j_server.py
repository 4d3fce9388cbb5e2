"""Pytest plugin: a Neo4j server for the tests marked ``neo4j``.

Load it from the main conftest with ``pytest_plugins = ["tests.neo4j_server"]``.

Fixtures:

``neo4j_env`` (session)
    ``{"uri", "user", "password", "database", "local"}`` of the server to use. With ``NEO4J_URI``
    set, that server (``NEO4J_USER`` default ``neo4j``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``
    default ``neo4j``); otherwise the local one from ``scripts/neo4j-local/run start``, started
    once per session and stopped at its end if this session started it. Without Java or Maven
    the tests are skipped, or fail when ``CI=true``.

``neo4j_driver`` (function)
    A ``neo4j.Driver`` for that server, its database emptied before the test. This deletes every
    node of the database ``NEO4J_DATABASE``: never point ``NEO4J_URI`` at data you want to keep.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.skips import skip_or_fail

REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "scripts" / "neo4j-local" / "run"

MISSING_TOOLS = (
    "Neo4j tests need Java 17 and Maven (apt-get install openjdk-17-jdk maven) "
    "or NEO4J_URI pointing at a server"
)
# The first start downloads Neo4j with Maven before the script's own 180 s start timeout runs.
START_TIMEOUT_S = 1200
WIPE_BATCH = 10_000


def parse_exports(text: str) -> dict[str, str]:
    """The ``export KEY=VALUE`` lines that ``run start`` prints, as a dict."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("export "):
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        words = shlex.split(value)
        values[key.strip()] = words[0] if words else ""
    return values


def _run(command: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(RUN), command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture(scope="session")
def neo4j_env() -> Iterator[dict[str, Any]]:
    if os.environ.get("NEO4J_URI"):
        yield {
            "uri": os.environ["NEO4J_URI"],
            "user": os.environ.get("NEO4J_USER") or "neo4j",
            "password": os.environ.get("NEO4J_PASSWORD", ""),
            "database": os.environ.get("NEO4J_DATABASE") or "neo4j",
            "local": False,
        }
        return

    if shutil.which("java") is None or shutil.which("mvn") is None:
        skip_or_fail(MISSING_TOOLS)

    started = _run("start", timeout=START_TIMEOUT_S)
    if started.returncode != 0:
        detail = "\n".join(started.stderr.strip().splitlines()[-15:])
        pytest.fail(
            f"scripts/neo4j-local/run start failed (exit {started.returncode}):\n{detail}",
            pytrace=False,
        )
    exports = parse_exports(started.stdout)
    # "already running" means another shell or session owns the server: leave it running.
    we_started_it = "# neo4j-local: started" in started.stdout
    try:
        yield {
            "uri": exports["NEO4J_URI"],
            "user": exports["NEO4J_USER"],
            "password": exports["NEO4J_PASSWORD"],
            "database": exports["NEO4J_DATABASE"],
            "local": True,
        }
    finally:
        if we_started_it:
            _run("stop", timeout=120)


def wipe_database(driver: Any, database: str) -> None:
    """Delete every node and relationship, a batch per transaction."""
    while True:
        records, _, _ = driver.execute_query(
            "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
            batch=WIPE_BATCH,
            database_=database,
        )
        if records[0]["deleted"] == 0:
            return


@pytest.fixture
def neo4j_driver(neo4j_env: dict[str, Any]) -> Iterator[Any]:
    import neo4j

    driver = neo4j.GraphDatabase.driver(
        neo4j_env["uri"], auth=(neo4j_env["user"], neo4j_env["password"])
    )
    try:
        wipe_database(driver, neo4j_env["database"])
        yield driver
    finally:
        driver.close()
