"""Backends behind one small interface: the same questions, the same rows, in the same order.

::

    lineage/backends/
    ├── __init__.py      the Backend protocol, open_backend()
    ├── networkx.py      the embedded default: a graph in memory, built from the registry file
    └── neo4j/           the same questions on a Neo4j server
        ├── connection.py  settings, the driver, one-line errors, read-only queries (the bottom)
        ├── schema.py      names the push and the Cypher share
        ├── safety.py      what a read-only query may do
        ├── push.py        the registry's graph into Neo4j, batched and idempotent
        ├── cypher.py      the questions' traversals in Cypher
        └── backend.py     Neo4jBackend: fetches with Cypher, shapes rows with lineage's functions

A module here may import the layers below it (``lineage.exposure``, ``lineage.paths``,
``lineage.names``, ``registry``) and the modules above it in this list, never the
other way; no backend imports another's private names.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from registry.model import Registry

BACKENDS = ("networkx", "neo4j")


class Backend(Protocol):
    def who_receives(self, field: str, *, app: str | None = None,
                     include_implied: bool = True, include_possible: bool = False) -> list[dict[str, Any]]:
        """Rows of every recipient of ``field``, the members of a group field included."""

    def fields_of(self, recipient: str, *, app: str | None = None) -> list[dict[str, Any]]:
        """Rows of every field ``recipient`` receives, directly or as an onward processor."""

    def exposure(self, *, app: str | None = None, category: str | None = None,
                 sensitive: bool | None = None, channel: str | None = None,
                 limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Fields ranked by how many recipients receive them, and recipients by how many fields."""

    def lineage(self, field: str, *, app: str | None = None) -> dict[str, Any]:
        """The tree of ``field``: app, scenario or SDK, recipient, onward processors."""

    def recipients_by_apps(self, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Recipients of ``field`` ranked by how many apps share it with them."""

    def sensitive_to_unnamed(self, *, app: str | None = None) -> list[dict[str, Any]]:
        """Sensitive fields that go to recipients the policy does not name."""

    def breach(self, partner: str, *, app: str | None = None) -> dict[str, Any]:
        """A partner breach: every field it holds, from which apps, scenarios and SDKs."""


def open_backend(name: str, *, registry: Registry | None = None, app: str | None = None) -> Backend:
    """The backend called ``name``: ``networkx`` on ``registry`` (about ``app``, if given), or
    ``neo4j`` on the server the environment names (NEO4J_URI …).

    >>> from registry import open_registry
    >>> b = open_backend("networkx", registry=open_registry())
    >>> b.who_receives("身份证号")[0]["field"]
    '身份证号码'
    """
    if name == "neo4j":
        from lineage.backends.neo4j import Neo4jBackend

        return Neo4jBackend.from_env()
    if name != "networkx":
        raise ValueError(f"unknown backend {name!r} (one of {', '.join(BACKENDS)})")
    from lineage.backends.networkx import NetworkxBackend

    if registry is None:
        from registry import open_registry

        registry = open_registry()
    return NetworkxBackend(registry=registry, app=app)


def __getattr__(name: str) -> Any:
    if name == "NetworkxBackend":
        return importlib.import_module("lineage.backends.networkx").NetworkxBackend
    raise AttributeError(f"module 'lineage.backends' has no attribute {name!r}")
