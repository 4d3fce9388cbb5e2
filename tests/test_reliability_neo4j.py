"""Neo4j: a read-only query reads the graph only; a server dying mid-push gives one line (items 9, 10).

Against the real server of ``tests/neo4j_server.py`` (scripts/neo4j-local). The server
death is real too: the push goes through a TCP proxy in this process that forwards to
the server and, once the push is under way, closes every connection and stops listening.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from lineage.backends.neo4j import query
from lineage.backends.neo4j.push import push
from lineage.backends.neo4j.safety import plan_refusal, refusal
from registry.errors import BackendError
from tests.skips import skip_or_fail

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parent.parent


def cli(env: dict[str, Any], *args: str, uri: str | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "NEO4J_URI": uri or env["uri"], "NEO4J_USER": env["user"],
            "NEO4J_PASSWORD": env["password"], "NEO4J_DATABASE": env["database"]}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env=full, timeout=timeout)


def one_error_line(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout[-300:], p.stderr[-2000:])
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in p.stderr
    return lines[0]


OUTSIDE = [
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l LIMIT 2",          # the reproduction
    "load csv with headers from 'file:///etc/hostname' as row return row",
    "LOAD /* a comment between */ CSV FROM 'http://127.0.0.1:9/x.csv' AS l RETURN l",
    "MATCH (f:Field) WITH f LIMIT 1 LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "CALL dbms.components()",
    "CALL dbms.listConfig() YIELD name, value RETURN name, value",
    "call `dbms`.components() yield name return name",
    "CALL apoc.load.json('file:///etc/passwd')",
    "CALL apoc.load.csv('file:///etc/passwd') YIELD list RETURN list",
    "RETURN apoc.cypher.runFirstColumnSingle('LOAD CSV FROM \"file:///etc/passwd\" AS l RETURN l', {}) AS x",
    "CALL { CALL dbms.components() YIELD name RETURN name } RETURN name",
]


@pytest.mark.parametrize("cypher", OUTSIDE)
def test_query_refuses_reading_outside_the_graph(cypher, neo4j_driver, neo4j_env):
    with pytest.raises(BackendError, match=r"^refused: ") as e:
        query(neo4j_driver, cypher, database=neo4j_env["database"])
    assert "\n" not in str(e.value)


def test_cli_query_does_not_return_the_servers_passwd(neo4j_env):
    p = cli(neo4j_env, "neo4j", "query", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l LIMIT 2")
    assert "LOAD CSV" in one_error_line(p)
    assert "root" not in p.stdout


def test_graph_reads_still_run(neo4j_driver, neo4j_env, seed_registry):
    db = neo4j_env["database"]
    push(neo4j_driver, seed_registry, database=db, progress=False)
    assert query(neo4j_driver, "CALL db.labels() YIELD label RETURN label ORDER BY label", database=db)
    # 'LOAD CSV' inside a string literal is text, not a clause
    assert query(neo4j_driver, "RETURN 'LOAD CSV FROM x' AS s // dbms.components()", database=db) == [
        {"s": "LOAD CSV FROM x"}]
    rows = query(neo4j_driver, "MATCH (f:Field {name: $n}) RETURN f.sensitive AS s", {"n": "身份证号码"},
                 database=db)
    assert rows == [{"s": True}]


def test_the_plan_check_sees_what_the_text_check_sees(neo4j_driver, neo4j_env):
    """The server's own EXPLAIN plan names LoadCSV and the procedure: a second check no spelling hides."""
    with neo4j_driver.session(database=neo4j_env["database"]) as s:
        for cypher in ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "CALL dbms.components()"):
            plan = s.run("EXPLAIN " + cypher).consume().plan
            assert plan_refusal(plan) == refusal(cypher) and plan_refusal(plan) is not None
        plan = s.run("EXPLAIN CALL db.labels() YIELD label RETURN label").consume().plan
        assert plan_refusal(plan) is None


def test_local_server_has_file_urls_off(neo4j_driver, neo4j_env):
    """Past sharegraph's check, the local server itself refuses to read a file (docs/neo4j-local.md)."""
    if not neo4j_env["local"]:
        skip_or_fail("the server of NEO4J_URI is configured by its owner: unset NEO4J_URI to test scripts/neo4j-local")
    from neo4j.exceptions import ClientError

    with pytest.raises(ClientError, match="allow_csv_import_from_file_urls"), \
            neo4j_driver.session(database=neo4j_env["database"]) as s:
        s.run("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l LIMIT 1").data()


class DyingProxy:
    """Forwards 127.0.0.1:<port> to the server; after ``kill_after`` bytes to the server, dies."""

    def __init__(self, host: str, port: int, kill_after: int) -> None:
        self.target = (host, port)
        self.kill_after = kill_after
        self.sent = 0
        self.dead = threading.Event()
        self.lock = threading.Lock()
        self.socks: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.dead.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.socks += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, to_server: bool) -> None:
        while not self.dead.is_set():
            try:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
            except OSError:
                break
            if to_server:
                with self.lock:
                    self.sent += len(data)
                    if self.sent > self.kill_after:
                        self.kill()
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.close()

    def kill(self) -> None:
        """The server dies: every connection is cut, and nothing answers on the port any more."""
        self.dead.set()
        self.listener.close()
        for s in list(self.socks):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def test_server_death_mid_push_is_one_error_line(neo4j_env, neo4j_driver, tmp_path):
    """Before: 11 lines of the driver's retry warnings over 30 s, then the error line."""
    from registry import open_registry, save_registry

    reg = tmp_path / "reg.json"
    save_registry(open_registry(), reg)
    host, _, port = neo4j_env["uri"].partition("://")[2].rpartition(":")
    proxy = DyingProxy(host, int(port), kill_after=200_000)
    try:
        p = cli(neo4j_env, "neo4j", "push", "-r", str(reg), "--no-progress", "--batch-size", "20",
                uri=f"bolt://127.0.0.1:{proxy.port}")
    finally:
        proxy.kill()
    assert proxy.sent > 200_000, "the push ended before the server died: nothing was tested"
    line = one_error_line(p)
    assert "Neo4j" in line
    assert "retried" not in p.stderr and "Transaction failed" not in p.stderr
