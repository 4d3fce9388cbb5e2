"""What an app's pushed graph is made from, as one digest: the push's test for "unchanged".

The graph the push writes for an app is a function of three things: the app's
:class:`~registry.model.Policy` (its tables, evidence and document text), the vocabulary
files (``fields.yaml``'s categories and hierarchy, the prose extractor's words), and the
code that turns them into a graph (:func:`lineage.graph.build_graph`,
:func:`registry.edges.fold_flows`, the business functions of :mod:`lineage.paths`, the
push's rows). :func:`app_digest` hashes the first directly and the other two through
:func:`graph_context`, so that a push can tell an unchanged app without building its graph
(a thousand apps: a few seconds instead of a minute, see ``docs/benchmarks-neo4j.md``).

The code enters twice: the source files of :data:`GRAPH_MODULES` (any edit to them makes
the next push rewrite every app once), and :data:`GRAPH_MODEL_VERSION`, which **must be
bumped whenever the graph or the push's rows change through code not listed there** (a new
module that ``build_graph`` calls, a changed Cypher property layout, ...): a change the
digest cannot see would otherwise leave the graphs pushed before it in the database.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib
import io
import pickle
from operator import attrgetter
from pathlib import Path
from typing import Any

from registry import model
from registry.model import Evidence, Policy

GRAPH_MODEL_VERSION = "sharegraph-neo4j/2"
"""The version of the pushed graph's model; bump it when the graph an app's policy gives, or the
rows the push writes of it, change through code :data:`GRAPH_MODULES` does not list."""

GRAPH_MODULES = (
    "lineage.graph", "lineage.ids", "lineage.flows", "lineage.paths", "registry.edges",
    "registry.model", "registry.vocabulary", "registry.splitting", "lineage.audit.prose",
    "lineage.audit.context", "lineage.audit.words", "lineage.backends.neo4j.push",
    "lineage.backends.neo4j.schema", "lineage.backends.neo4j.digest",
)
"""Modules whose source is part of every app's digest: the graph's definition and the push's rows."""


def _data_files() -> list[Path]:
    from registry.datafiles import DATA_DIR
    from registry.vocabulary import vocabulary_dir

    own, bundled = vocabulary_dir(), Path(DATA_DIR)
    names = sorted({p.name for d in (bundled, own) for p in d.glob("*.yaml")})
    # the file a reader uses: $SHAREGRAPH_VOCAB's, else the bundled one (as load_audit_words falls back)
    return [own / n if (own / n).exists() else bundled / n for n in names]


def graph_context() -> str:
    """The digest of everything besides the policy that an app's pushed graph depends on:
    :data:`GRAPH_MODEL_VERSION`, the source of :data:`GRAPH_MODULES` and the vocabulary's YAML
    files (``$SHAREGRAPH_VOCAB``'s, else the bundled ``data/``'s, by name). Read afresh on each call (a few
    milliseconds): a push reads it once."""
    h = hashlib.sha256(GRAPH_MODEL_VERSION.encode())
    for name in GRAPH_MODULES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        h.update(f"\0{name}\0".encode())
        if origin:
            h.update(Path(origin).read_bytes())
    for path in _data_files():
        h.update(f"\0{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def _getter(cls: type) -> Any:
    names = [f.name for f in dataclasses.fields(cls)]
    return attrgetter(*names) if len(names) > 1 else (lambda o, n=names[0]: (getattr(o, n),))


@functools.cache
def _reducers() -> dict[type, Any]:
    """How pickle writes the model's records (their values, in order) and enums (their values)."""
    def record(cls: type) -> Any:
        g = _getter(cls)
        return lambda o: (tuple, (g(o),))

    table: dict[type, Any] = {cls: record(cls) for cls in _dataclasses()}
    table.update({cls: lambda e: (str, (e.value,)) for cls in _enums()})
    return table


def _dataclasses() -> list[type]:
    return [c for c in vars(model).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c is not Evidence]


def _enums() -> list[type]:
    return [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, enum.Enum)]


def app_digest(policy: Policy, context: str) -> str:
    """The digest of one app's pushed graph's inputs: ``context`` (:func:`graph_context`) and
    the policy's every value, in order. A tuple of records (the flows) is hashed column by
    column, each column made by C code (``attrgetter``; a flow at a time in Python cost 15 µs a
    flow); evidence is written once per distinct value (a table cell's flows share one) and
    referred to by its number; pickle without its memo makes the bytes depend on the values only
    (a string is written wherever it occurs). About 1.5 µs per flow.

    >>> from registry import open_registry
    >>> p = next(iter(open_registry().policies.values()))
    >>> app_digest(p, "x") == app_digest(p, "x") != app_digest(p, "y")
    True
    >>> import dataclasses
    >>> app_digest(dataclasses.replace(p, flows=p.flows[1:]), "x") != app_digest(p, "x")
    True
    >>> f = p.flows[5]
    >>> flows = (*p.flows[:5], dataclasses.replace(f, note=f.note + "!"), *p.flows[6:])
    >>> app_digest(dataclasses.replace(p, flows=flows), "x") != app_digest(p, "x")
    True
    >>> ev = dataclasses.replace(f.evidence, text=f.evidence.text + " ")
    >>> flows = (*p.flows[:5], dataclasses.replace(f, evidence=ev), *p.flows[6:])
    >>> app_digest(dataclasses.replace(p, flows=flows), "x") != app_digest(p, "x")
    True
    """
    refs = _EvidenceRefs()
    table = {**_reducers(), Evidence: refs.reduce}
    data: list[Any] = [context]
    for f in dataclasses.fields(policy):
        v = getattr(policy, f.name)
        data.append(_columns(v, refs) if _records(v) else v)
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=5)
    p.fast = True   # no memo: nothing here refers to itself
    p.dispatch_table = table   # what the columns leave: records in records, enums, evidence
    p.dump(data)
    h = hashlib.sha256(buf.getvalue())
    h.update(pickle.dumps(refs.values, protocol=5))
    return h.hexdigest()


def _records(v: Any) -> bool:
    return v.__class__ is tuple and len(v) > 0 and dataclasses.is_dataclass(v[0])


_PLAIN = frozenset({str, int, float, bool, type(None), tuple})
_NONE = type(None)


class _EvidenceRefs:
    """Evidence as numbers: one per distinct value, in order of first use."""

    def __init__(self) -> None:
        self.of_id: dict[int, int] = {id(None): -1}
        self.of_value: dict[tuple[Any, ...], int] = {}
        self.values: list[tuple[Any, ...]] = []

    def _add(self, ev: Evidence) -> int:
        v = (ev.file, ev.line, ev.table, ev.row, ev.column, ev.text)
        j = self.of_value.get(v)
        if j is None:
            j = self.of_value[v] = len(self.values)
            self.values.append(v)
        self.of_id[id(ev)] = j
        return j

    def column(self, col: list[Any]) -> list[int]:
        ids = list(map(id, col))
        of_id = self.of_id
        for i, ev in dict(zip(ids, col, strict=True)).items():   # each object once, in order
            if i not in of_id:
                self._add(ev)
        return list(map(of_id.__getitem__, ids))

    def reduce(self, ev: Evidence) -> tuple[Any, tuple[int]]:
        j = self.of_id.get(id(ev))
        return int, (self._add(ev) if j is None else j,)


def _columns(items: tuple[Any, ...], refs: _EvidenceRefs) -> Any:
    """A tuple of records of one class as its columns; of mixed classes, as it is."""
    cls = items[0].__class__
    if len(set(map(type, items))) > 1:
        return items
    out: list[Any] = [cls.__name__]
    for f in dataclasses.fields(cls):
        col = list(map(attrgetter(f.name), items))
        types = set(map(type, col))
        if types <= _PLAIN:
            out.append(col)
        elif types <= {Evidence, _NONE}:
            out.append(refs.column(col))
        elif all(issubclass(t, enum.Enum) and issubclass(t, str) for t in types):
            out.append(list(map(str.__str__, col)))   # a StrEnum's value, as a plain str
        elif all(issubclass(t, enum.Enum) for t in types):
            out.append([x.value for x in col])
        else:
            out.append(col)   # records in records: the pickler's dispatch table
    return out
