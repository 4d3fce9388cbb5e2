"""sharegraph's lineage graph and the questions asked of it.

>>> from registry import open_registry
>>> from lineage import build_graph, who_receives
>>> G = build_graph(open_registry())
>>> who_receives(G, "身份证号")[0]["field"]
'身份证号码'
>>> who_receives(G, "身份证号", include_possible=True)[0]["field"]
'身份证信息'
"""

from __future__ import annotations

import importlib
from typing import Any

from registry import database as _database

# Loaded on first use, so that `import lineage.graph` does not pull in every question.
_EXPORTS = {
    "build_graph": "lineage.graph",
    "who_receives": "lineage.exposure",
    "fields_of": "lineage.exposure",
    "exposure": "lineage.exposure",
    "recipients_by_apps": "lineage.exposure",
    "sensitive_to_unnamed": "lineage.exposure",
    "lineage": "lineage.paths",
    "collected_by": "lineage.paths",
    "add_partner": "lineage.impact",
    "remove_partner": "lineage.impact",
    "breach": "lineage.impact",
    "diff": "lineage.diff",
    "NetworkxBackend": "lineage.backends.networkx",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'lineage' has no attribute {name!r}")


def _answers_of_app(con: Any, path: Any, app_id: int) -> list[tuple[str, int, str]]:
    from lineage.app_answers import answers_of_app

    return answers_of_app(con, path, app_id)


# Each app written to a registry database stores the answers a question across apps reads per
# app (lineage.app_answers); registry.database loads with the registry package, before this.
_database.ANSWER_WRITERS.append(_answers_of_app)
