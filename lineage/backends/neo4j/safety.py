"""What ``sharegraph neo4j query`` refuses beyond writes: reading outside the graph.

``LOAD CSV`` plans as a read, so the write check of :func:`lineage.backends.neo4j.query`
let ``LOAD CSV FROM 'file:///etc/passwd'`` through and returned the server's files.
A query here may read the graph and nothing else:

* ``LOAD CSV`` is refused, whatever its URL (``file:``, ``http:`` …);
* a procedure is run only from the namespaces that read the graph itself
  (:data:`PROCEDURES`: ``db.*`` and APOC's graph, path and value helpers);
  ``dbms.*``, ``apoc.load.*``, ``apoc.import.*``, ``apoc.export.*`` and every other are refused;
* a function of a namespace that reaches outside, or runs Cypher given as text
  (:data:`FUNCTIONS_REFUSED`, e.g. ``apoc.cypher.runFirstColumn``), is refused.

Each rule is checked twice: on the query's text (comments and string literals set
aside, so ``'LOAD CSV'`` in a string is no keyword and a keyword in a comment hides
nothing) and on the plan the server makes of it (``EXPLAIN``: a ``LoadCSV`` or
``ProcedureCall`` operator), which no spelling of the query can hide.

>>> refusal("MATCH (f:Field) RETURN f.name // LOAD CSV in a comment is no keyword")
>>> refusal("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l")
'refused: LOAD CSV reads files and URLs outside the graph; neo4j query reads the graph only'
>>> refusal("CALL dbms.components()")
"refused: procedure dbms.components reaches outside the graph; neo4j query runs db.* and APOC's graph procedures only"
>>> refusal("CALL db.labels() YIELD label RETURN label")
"""

from __future__ import annotations

import logging
import re
from typing import Any

PROCEDURES = (
    "db.", "apoc.path.", "apoc.meta.", "apoc.nodes.", "apoc.neighbors.", "apoc.algo.", "apoc.coll.",
    "apoc.map.", "apoc.text.", "apoc.convert.", "apoc.agg.", "apoc.stats.", "apoc.label.",
)
"""Procedure namespaces a read-only query may call: they read the graph, nothing else."""
PROCEDURES_REFUSED = ("db.create", "db.index.fulltext.create", "dbms.")
"""Within them, procedures that change the database (also refused by the read transaction)."""
FUNCTIONS_REFUSED = (
    "dbms.", "apoc.load.", "apoc.import.", "apoc.export.", "apoc.cypher.", "apoc.custom.", "apoc.systemdb.",
    "apoc.log.", "apoc.trigger.", "apoc.periodic.", "apoc.do.", "apoc.when", "apoc.case", "apoc.static.",
    "apoc.bolt.", "apoc.es.", "apoc.mongo", "apoc.redis.", "apoc.couchbase.", "apoc.ml.", "apoc.util.",
)
"""Function namespaces that reach outside the graph or run Cypher given as text."""

_TOKENS = re.compile(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)"          # comments
    r"|'(?:[^'\\]|\\.)*(?:'|\Z)"            # 'string'
    r'|"(?:[^"\\]|\\.)*(?:"|\Z)'            # "string"
    r"|`(?:[^`]|``)*(?:`|\Z)",              # `quoted name`
    re.DOTALL,
)
_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)
_NAME = r"[A-Za-z_][\w$]*(?:\s*\.\s*[A-Za-z_][\w$]*)*"
_CALL = re.compile(rf"\bCALL\s+({_NAME})", re.IGNORECASE)
_FUNC = re.compile(rf"({_NAME})\s*\(")


def _code(cypher: str) -> str:
    """The query with comments and strings blanked, quoted names unquoted."""

    def blank(m: re.Match[str]) -> str:
        t = m.group(0)
        if t.startswith("`"):
            return t.strip("`").replace("``", "`")
        return " " * len(t) if not t.startswith(("'", '"')) else "''"

    return _TOKENS.sub(blank, cypher)


def _name(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def procedure_refusal(name: str) -> str | None:
    """Why a procedure may not run in a read-only query, or None."""
    n = _name(name)
    if n.startswith(PROCEDURES) and not n.startswith(PROCEDURES_REFUSED):
        return None
    return (f"refused: procedure {name} reaches outside the graph; "
            "neo4j query runs db.* and APOC's graph procedures only")


def function_refusal(name: str) -> str | None:
    """Why a function may not run in a read-only query, or None."""
    if _name(name).startswith(FUNCTIONS_REFUSED):
        return f"refused: function {name} reaches outside the graph or runs Cypher given as text"
    return None


LOAD_CSV_REFUSAL = "refused: LOAD CSV reads files and URLs outside the graph; neo4j query reads the graph only"


def refusal(cypher: str) -> str | None:
    """Why the text of a query is refused (LOAD CSV, a procedure or function outside the graph), or None."""
    code = _code(cypher)
    if _LOAD_CSV.search(code):
        return LOAD_CSV_REFUSAL
    called = set()
    for m in _CALL.finditer(code):
        name = m.group(1)
        called.add(m.start(1))
        if why := procedure_refusal(name):
            return why
    for m in _FUNC.finditer(code):
        if m.start(1) in called or "." not in m.group(1):
            continue
        if why := function_refusal(m.group(1)):
            return why
    return None


def _operators(plan: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [plan] if plan else []
    while stack:
        op = stack.pop()
        if isinstance(op, dict):
            out.append(op)
            stack.extend(op.get("children") or [])
        else:  # a driver plan object
            out.append({"operatorType": getattr(op, "operator_type", ""), "args": getattr(op, "arguments", {})})
            stack.extend(getattr(op, "children", []) or [])
    return out


_DETAIL_NAME = re.compile(rf"^\s*({_NAME})")


def plan_refusal(plan: Any) -> str | None:
    """Why a query's EXPLAIN plan is refused (a LoadCSV or outside ProcedureCall operator), or None."""
    for op in _operators(plan):
        kind = str(op.get("operatorType", "")).split("@")[0]
        if kind == "LoadCSV":
            return LOAD_CSV_REFUSAL
        if kind == "ProcedureCall":
            details = str((op.get("args") or {}).get("Details", ""))
            m = _DETAIL_NAME.match(details)
            why = procedure_refusal(m.group(1) if m else details or "(unnamed)")
            if why:
                return why
    return None


def quiet_driver_logs() -> None:
    """Keep the driver's retry warnings off stderr; its final error is the one line shown.

    The driver logs each retry (``Transaction failed and will be retried in 1.9s``) at
    WARNING on the ``neo4j`` loggers; with no handler anywhere, Python prints those on
    stderr (``logging.lastResort``): 11 lines over 30 s before the one ``error:`` line.
    A NullHandler on ``neo4j`` stops that; an application that configures logging still
    gets the records through the root logger.
    """
    log = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())
