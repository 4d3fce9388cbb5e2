"""The seed on every backend, for the tests that hold the answers equal across them.

``networkx``: the seed's graph in memory; ``database``: the seed in a registry database,
whose questions across apps read their rows in SQL (:mod:`lineage.scoped`); ``neo4j``: the
seed pushed to a Neo4j server (the ``neo4j_env`` fixture of :mod:`tests.neo4j_server`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

KINDS = ["networkx", "database", "neo4j"]


def seed_backend(request: Any, seed_registry: Any, tmp_path_factory: Any) -> Iterator[Any]:
    """Yield the backend ``request.param`` names, holding the seed; close it after."""
    from lineage.backends.networkx import NetworkxBackend

    if request.param == "networkx":
        yield NetworkxBackend(registry=seed_registry)
        return
    if request.param == "database":
        from registry.database import open_database, writer

        path = tmp_path_factory.mktemp("db") / "seed.db"
        with writer(path) as w:
            w.put(seed_registry.policies["你我贷"])
        yield NetworkxBackend(registry=open_database(path))
        return
    from lineage.backends.neo4j import Neo4jBackend, connect, push
    from tests.neo4j_server import wipe_database

    env = request.getfixturevalue("neo4j_env")
    driver = connect(env["uri"], env["user"], env["password"], env["database"])
    wipe_database(driver, env["database"])
    push(driver, seed_registry, database=env["database"], progress=False)
    b = Neo4jBackend(driver, env["database"], owns_driver=True)
    try:
        yield b
    finally:
        b.close()


def answer_of(backend: Any, name: str, *args: Any, **kw: Any) -> Any:
    """A question's rows and match, or its error as (``error``, type, message): what two
    backends must give alike, errors and their suggestions included."""
    from registry.errors import SharegraphError

    try:
        out = getattr(backend, name)(*args, **kw)
    except SharegraphError as e:
        return ("error", type(e).__name__, str(e))
    return out, getattr(out, "match", None)
