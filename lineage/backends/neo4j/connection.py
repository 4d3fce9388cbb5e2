"""The connection to a Neo4j server: settings, the driver, one-line errors, read-only queries.

The bottom of the Neo4j backend: :mod:`~lineage.backends.neo4j.push` and
:mod:`~lineage.backends.neo4j.backend` both import from here, never the other way.
Connection: ``NEO4J_URI`` (``bolt://``, ``neo4j://``, ``neo4j+s://`` for Aura … passed to
the driver unchanged), ``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD``,
``NEO4J_DATABASE`` (default ``neo4j``). Every driver failure becomes a one-line
:class:`registry.errors.BackendError`. The driver is imported only when connecting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from registry.errors import BackendError

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
NOT_SET = "NEO4J_URI is not set: point it at a server (see docs/neo4j-local.md)"


# -- connection and errors ------------------------------------------------------------------------

def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _where(driver: Any) -> str:
    """The server address a driver talks to, for error messages (best effort)."""
    addr = getattr(getattr(driver, "_pool", None), "address", None)
    return f" at {addr.host}:{addr.port}" if addr is not None and hasattr(addr, "host") else ""


@contextmanager
def translate_errors(driver: Any, database: str) -> Iterator[None]:
    """Turn the driver's exceptions into one-line :class:`BackendError`."""
    from neo4j.exceptions import (
        AuthError,
        ClientError,
        ConfigurationError,
        DriverError,
        Neo4jError,
        ServiceUnavailable,
        SessionExpired,
    )

    where = _where(driver)
    try:
        yield
    except AuthError as e:
        raise BackendError(f"Neo4j{where} refused the login: wrong NEO4J_USER or NEO4J_PASSWORD "
                           f"({_one_line(e.message or 'authentication failed')})") from e
    except ClientError as e:
        if e.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise BackendError(f"Neo4j{where} has no database {database!r} (NEO4J_DATABASE)") from e
        raise BackendError(f"Neo4j{where} refused the query: {e.code}: {_one_line(e.message)}") from e
    except (ServiceUnavailable, SessionExpired) as e:
        raise BackendError(f"cannot reach Neo4j{where}: {_one_line(e)}") from e
    except Neo4jError as e:
        raise BackendError(f"Neo4j{where} failed: {e.code}: {_one_line(e.message)}") from e
    except ConfigurationError as e:
        raise BackendError(f"bad Neo4j configuration: {_one_line(e)}") from e
    except DriverError as e:
        raise BackendError(f"Neo4j driver error{where}: {_one_line(e) or type(e).__name__}") from e
    except OSError as e:
        raise BackendError(f"cannot reach Neo4j{where}: {_one_line(e)}") from e


def connect(uri: str, user: str, password: str, database: str = "neo4j", *, verify: bool = True) -> Any:
    """A driver for ``uri`` (any scheme the driver knows), checked to answer, or BackendError."""
    import neo4j

    from lineage.backends.neo4j.safety import quiet_driver_logs

    quiet_driver_logs()  # retries are the driver's business: the user sees the one error line
    scheme = uri.partition("://")[0].lower()
    if scheme not in BOLT_SCHEMES:
        raise BackendError(f"NEO4J_URI {uri!r} is not a Bolt URI: use one of "
                           + ", ".join(f"{s}://" for s in BOLT_SCHEMES))
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), user_agent="sharegraph",
                                            notifications_min_severity="OFF")
    except Exception as e:  # ConfigurationError, ValueError: a malformed URI or option
        raise BackendError(f"bad NEO4J_URI {uri!r}: {_one_line(e)}") from e
    if verify:
        try:
            with translate_errors(driver, database):
                driver.verify_connectivity()
        except BackendError:
            driver.close()
            raise
    return driver


def env_settings() -> dict[str, str]:
    """NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, or BackendError without a URI."""
    uri = os.environ.get("NEO4J_URI", "").strip()
    if not uri:
        raise BackendError(NOT_SET)
    return {"uri": uri, "user": os.environ.get("NEO4J_USER") or "neo4j",
            "password": os.environ.get("NEO4J_PASSWORD", ""),
            "database": os.environ.get("NEO4J_DATABASE") or "neo4j"}


def driver_from_env() -> tuple[Any, str]:
    """``(driver, database)`` from the environment."""
    env = env_settings()
    return connect(env["uri"], env["user"], env["password"], env["database"]), env["database"]


# -- read-only Cypher for people -----------------------------------------------------------------

def _plain(v: Any) -> Any:
    if v is None or isinstance(v, str | int | float | bool):
        return v
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return str(v)


def query(driver: Any, cypher: str, params: dict[str, Any] | None = None, *,
          database: str = "neo4j", limit: int | None = None) -> list[dict[str, Any]]:
    """Run a read-only Cypher query and return its rows as plain data.

    Refused with a one-line :class:`BackendError` when its plan writes (checked with
    ``EXPLAIN``), or when it reads outside the graph (``LOAD CSV``, ``dbms.*``,
    ``apoc.load.*`` …: :mod:`lineage.backends.neo4j.safety`, on its text and on its plan); it
    then runs in a READ transaction, where the server refuses writes too.
    """
    import neo4j
    from neo4j.exceptions import ClientError

    from lineage.backends.neo4j.safety import plan_refusal, refusal

    params = dict(params or {})
    text = cypher.strip().rstrip(";")
    outside = refusal(text)
    if outside:
        raise BackendError(outside)
    first = text.split(None, 1)[0].upper() if text else ""
    if first == "PROFILE":   # PROFILE runs the query: plan it like any other
        explain = "EXPLAIN " + text[len("PROFILE"):]
    else:
        explain = text if first == "EXPLAIN" else f"EXPLAIN {text}"

    def plan(tx: Any) -> tuple[str, Any]:
        summary = tx.run(explain, params).consume()
        return summary.query_type, summary.plan

    def run(tx: Any) -> list[dict[str, Any]]:
        out = []
        for rec in tx.run(text, params):
            out.append({k: _plain(v) for k, v in rec.data().items()})
            if limit is not None and len(out) >= limit:
                break
        return out

    with translate_errors(driver, database):
        try:
            with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                                notifications_min_severity="OFF") as s:
                kind, tree = s.execute_read(plan)
                outside = plan_refusal(tree)
                if outside:
                    raise BackendError(outside)
                if kind != "r":
                    what = {"w": "write", "rw": "read-write", "s": "schema"}.get(kind, kind)
                    raise BackendError(f"refused: the query writes (its plan is {what}); "
                                       "neo4j query is read-only")
                if first == "EXPLAIN":
                    return []
                return s.execute_read(run)
        except ClientError as e:
            if e.code == "Neo.ClientError.Statement.AccessMode":
                raise BackendError(f"refused: the query writes ({_one_line(e.message)}); "
                                   "neo4j query is read-only") from e
            raise
