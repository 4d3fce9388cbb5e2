"""Backends behind one small interface: the same questions, the same rows, in the same order.

The embedded default answers from a networkx graph built in memory from a
registry file; :mod:`lineage.neo4j_backend` answers the same questions in Cypher
on a Neo4j server. A parity test runs every question on both.
"""

from __future__ import annotations

from typing import Any, Protocol

import networkx as nx

from lineage import exposure as _exposure
from lineage import paths as _paths

BACKENDS = ("networkx", "neo4j")


class Backend(Protocol):
    def who_receives(self, field: str, *, app: str | None = None,
                     include_implied: bool = True, include_possible: bool = False) -> list[dict[str, Any]]: ...

    def fields_of(self, recipient: str, *, app: str | None = None) -> list[dict[str, Any]]: ...

    def exposure(self, *, app: str | None = None, category: str | None = None,
                 sensitive: bool | None = None, channel: str | None = None,
                 limit: int | None = None) -> dict[str, list[dict[str, Any]]]: ...

    def lineage(self, field: str, *, app: str | None = None) -> dict[str, Any]: ...

    def recipients_by_apps(self, field: str, *, limit: int | None = None) -> list[dict[str, Any]]: ...

    def sensitive_to_unnamed(self, *, app: str | None = None) -> list[dict[str, Any]]: ...


class NetworkxBackend:
    """The embedded default: questions answered on an in-memory graph."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G

    def who_receives(self, field: str, *, app: str | None = None,
                     include_implied: bool = True, include_possible: bool = False) -> list[dict[str, Any]]:
        return _exposure.who_receives(self.G, field, app=app, include_implied=include_implied,
                                      include_possible=include_possible)

    def fields_of(self, recipient: str, *, app: str | None = None) -> list[dict[str, Any]]:
        return _exposure.fields_of(self.G, recipient, app=app)

    def exposure(self, *, app: str | None = None, category: str | None = None,
                 sensitive: bool | None = None, channel: str | None = None,
                 limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
        return _exposure.exposure(self.G, app=app, category=category, sensitive=sensitive,
                                  channel=channel, limit=limit)

    def lineage(self, field: str, *, app: str | None = None) -> dict[str, Any]:
        return _paths.lineage(self.G, field, app=app)

    def recipients_by_apps(self, field: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        return _exposure.recipients_by_apps(self.G, field, limit=limit)

    def sensitive_to_unnamed(self, *, app: str | None = None) -> list[dict[str, Any]]:
        return _exposure.sensitive_to_unnamed(self.G, app=app)
