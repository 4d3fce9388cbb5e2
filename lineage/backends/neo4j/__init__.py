"""The Neo4j backend: the questions of :class:`lineage.backends.Backend` on a Neo4j server.

The driver is imported only when connecting, never by ``cli.py`` at start-up.
See :mod:`lineage.backends` for the layers inside.
"""

from lineage.backends.neo4j.backend import Neo4jBackend
from lineage.backends.neo4j.connection import (
           connect,
           driver_from_env,
           env_settings,
           query,
           translate_errors,
)
from lineage.backends.neo4j.push import PushResult, push

__all__ = ["Neo4jBackend", "PushResult", "connect", "driver_from_env", "env_settings", "push", "query",
           "translate_errors"]
