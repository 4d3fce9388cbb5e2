"""The Neo4j server the tests use (scripts/neo4j-local, or the one NEO4J_URI names) really works.

No mocks: every test below talks Bolt to a real server, except the two that check how the
plugin and the script behave when Java or Maven is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.skips import skip_or_fail

# Works with or without the main conftest loading the plugin (a plugin is registered once).
# The tests import from it only inside functions, so that pytest imports it first, as a plugin.
pytest_plugins = ["tests.neo4j_server"]

REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "scripts" / "neo4j-local" / "run"


def _count_nodes(driver: Any, database: str) -> int:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database)
    return records[0]["n"]


def _routing_uri(uri: str) -> str:
    scheme, sep, rest = uri.partition("://")
    return "neo4j" + scheme.removeprefix("bolt").removeprefix("neo4j") + sep + rest


@pytest.mark.neo4j
def test_server_answers_return_1(neo4j_driver: Any, neo4j_env: dict[str, Any]) -> None:
    neo4j_driver.verify_connectivity()
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one", database_=neo4j_env["database"])
    assert [r["one"] for r in records] == [1]


@pytest.mark.neo4j
def test_wrong_password_is_refused(neo4j_env: dict[str, Any]) -> None:
    import neo4j
    from neo4j.exceptions import AuthError

    wrong = neo4j_env["password"] + "-not-it"
    with (
        neo4j.GraphDatabase.driver(neo4j_env["uri"], auth=(neo4j_env["user"], wrong)) as driver,
        pytest.raises(AuthError),
    ):
        driver.verify_connectivity()


@pytest.mark.neo4j
def test_local_server_refuses_the_default_password(neo4j_env: dict[str, Any]) -> None:
    """The initial password is set before the first start: neo4j/neo4j never logs in."""
    if not neo4j_env["local"]:
        skip_or_fail("only the local server's initial password is known: unset NEO4J_URI to test scripts/neo4j-local")
    import neo4j
    from neo4j.exceptions import AuthError

    with (
        neo4j.GraphDatabase.driver(neo4j_env["uri"], auth=("neo4j", "neo4j")) as driver,
        pytest.raises(AuthError),
    ):
        driver.verify_connectivity()


@pytest.mark.neo4j
def test_write_then_read_back(neo4j_driver: Any, neo4j_env: dict[str, Any]) -> None:
    database = neo4j_env["database"]

    def write(tx: Any) -> None:
        tx.run(
            "CREATE (:Company {name: $a})-[:SHARES_WITH {purpose: $purpose, categories: $cats}]"
            "->(:Company {name: $b})",
            a="Example Corp",
            b="Ad Partner Ltd",
            purpose="advertising",
            cats=["email", "device id"],
        ).consume()

    def read(tx: Any) -> list[dict[str, Any]]:
        result = tx.run(
            "MATCH (a:Company)-[r:SHARES_WITH]->(b:Company) "
            "RETURN a.name AS a, b.name AS b, r.purpose AS purpose, r.categories AS cats"
        )
        return [record.data() for record in result]

    with neo4j_driver.session(database=database) as session:
        session.execute_write(write)
    with neo4j_driver.session(database=database) as session:
        rows = session.execute_read(read)
    assert rows == [
        {
            "a": "Example Corp",
            "b": "Ad Partner Ltd",
            "purpose": "advertising",
            "cats": ["email", "device id"],
        }
    ]


@pytest.mark.neo4j
def test_rolled_back_transaction_leaves_nothing(
    neo4j_driver: Any, neo4j_env: dict[str, Any]
) -> None:
    database = neo4j_env["database"]
    with neo4j_driver.session(database=database) as session:
        tx = session.begin_transaction()
        tx.run("UNWIND range(1, 50) AS i CREATE (:Scratch {i: i})").consume()
        assert tx.run("MATCH (n:Scratch) RETURN count(n) AS n").single()["n"] == 50
        tx.rollback()
    assert _count_nodes(neo4j_driver, database) == 0


@pytest.mark.neo4j
def test_each_test_starts_with_an_empty_database(
    neo4j_driver: Any, neo4j_env: dict[str, Any]
) -> None:
    from tests.neo4j_server import wipe_database

    database = neo4j_env["database"]
    assert _count_nodes(neo4j_driver, database) == 0
    # More than one wipe batch, with relationships, so the batching loop runs more than once.
    neo4j_driver.execute_query(
        "UNWIND range(1, 25000) AS i CREATE (:Scratch {i: i})-[:NEXT]->(:Scratch)",
        database_=database,
    )
    assert _count_nodes(neo4j_driver, database) == 50000
    wipe_database(neo4j_driver, database)
    assert _count_nodes(neo4j_driver, database) == 0


@pytest.mark.neo4j
def test_routing_uri_works_too(neo4j_driver: Any, neo4j_env: dict[str, Any]) -> None:
    """neo4j:// (routing) against the same server: the single instance serves its own
    routing table, which lists its advertised Bolt address for all three roles."""
    import neo4j

    database = neo4j_env["database"]
    uri = _routing_uri(neo4j_env["uri"])
    assert uri.startswith("neo4j")
    auth = (neo4j_env["user"], neo4j_env["password"])
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        driver.verify_connectivity()
        driver.execute_query(
            "CREATE (:Routed {via: $uri})",
            uri=uri,
            database_=database,
            routing_=neo4j.RoutingControl.WRITE,
        )
        records, _, _ = driver.execute_query(
            "MATCH (n:Routed) RETURN n.via AS via",
            database_=database,
            routing_=neo4j.RoutingControl.READ,
        )
        assert [r["via"] for r in records] == [uri]

    if neo4j_env["local"]:
        records, _, _ = neo4j_driver.execute_query(
            "CALL dbms.routing.getRoutingTable({}, $db) YIELD servers RETURN servers",
            db=database,
            database_="system",
        )
        address = neo4j_env["uri"].partition("://")[2]
        table = {s["role"]: s["addresses"] for s in records[0]["servers"]}
        assert table == {"WRITE": [address], "READ": [address], "ROUTE": [address]}


@pytest.mark.neo4j
def test_local_state_file_and_status(neo4j_env: dict[str, Any]) -> None:
    if not neo4j_env["local"]:
        skip_or_fail("NEO4J_URI names an outside server: unset it to test scripts/neo4j-local")
    state = REPO / ".cache" / "neo4j-local" / "state.env"
    values = dict(line.split("=", 1) for line in state.read_text().splitlines() if "=" in line)
    assert values["NEO4J_URI"] == neo4j_env["uri"]
    assert values["NEO4J_PASSWORD"] == neo4j_env["password"]
    assert values["NEO4J_USER"] == "neo4j"
    assert values["NEO4J_DATABASE"] == "neo4j"
    assert Path(values["NEO4J_LOCAL_DATA"]).is_dir()
    assert oct(state.stat().st_mode & 0o777) == "0o600"

    from tests.neo4j_server import parse_exports

    status = subprocess.run(
        ["bash", str(RUN), "status"], capture_output=True, text=True, check=False
    )
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.startswith(f"running: {neo4j_env['uri']} ")

    # A second start reuses the running server and prints the same exports.
    again = subprocess.run(
        ["bash", str(RUN), "start"], capture_output=True, text=True, check=False, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert "# neo4j-local: already running" in again.stdout
    assert parse_exports(again.stdout)["NEO4J_URI"] == neo4j_env["uri"]


_TOOL_PATH = os.pathsep.join([os.environ.get("PATH", ""), os.defpath])


def test_run_script_needs_java_and_maven(tmp_path: Path) -> None:
    """Without java and mvn on PATH the script says what to install, in one line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "cat", "mkdir"):
        found = shutil.which(tool, path=_TOOL_PATH)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    bash = shutil.which("bash", path=_TOOL_PATH)
    assert bash is not None
    result = subprocess.run(
        [bash, str(RUN), "start"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "install Java 17 and Maven: apt-get install openjdk-17-jdk maven" in lines[0]


def test_missing_tools_skip_locally_and_fail_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.neo4j_server import MISSING_TOOLS

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Java 17 and Maven"):
        skip_or_fail(MISSING_TOOLS)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Java 17 and Maven"):
        skip_or_fail(MISSING_TOOLS)


def test_parse_exports_reads_run_start_output() -> None:
    from tests.neo4j_server import parse_exports

    text = (
        "# neo4j-local: started, pid 42\n"
        "export NEO4J_URI=bolt://127.0.0.1:7999\n"
        "export NEO4J_PASSWORD=0123abcd\n"
        "export NEO4J_LOCAL_DATA=/tmp/sharegraph-neo4j.Ab12Cd\n"
    )
    assert parse_exports(text) == {
        "NEO4J_URI": "bolt://127.0.0.1:7999",
        "NEO4J_PASSWORD": "0123abcd",
        "NEO4J_LOCAL_DATA": "/tmp/sharegraph-neo4j.Ab12Cd",
    }
