"""The field names of a registry database and their groups, without a graph.

A question across the apps of a registry database (``who-receives FIELD``,
``top-recipients FIELD``) first finds the field asked among every app's field names and
walks its groups (its members, the groups it is in), then reads the flows of those fields
in SQL (:mod:`lineage.scoped`). The names graph (:func:`lineage.graph.names_graph`) holds
exactly that, but building it means importing networkx: 0.2 s, a fifth of the second
such a question has. :class:`FieldNames` holds the same nodes and ``member_of`` hierarchy
in dicts, so that such a question loads no graph library at all. A test holds every answer
across apps equal to the whole graph's.

>>> from registry.model import Field
>>> names = field_names(["a"], [Field("IMEI", None, False, None, True)], [("IMEI", "设备标识符")], [])
>>> names.hierarchy("IMEI", down=False)[:2], "IMEI" in names.hierarchy("设备标识符", down=True)
(['设备标识符', '设备信息'], True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lineage.names import FieldIndex
from registry.vocabulary import load_vocabulary


class FieldNames:
    """Field names (each with its ``category``, ``sensitive`` and ``resolved``) and the
    ``member_of`` hierarchy between them, as :func:`lineage.graph.names_graph` builds them."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[str, Any]] = {}
        self.up: dict[str, list[str]] = {}
        self.down: dict[str, list[str]] = {}
        self.index = FieldIndex(())
        """The names to resolve what a user typed against (:func:`lineage.names.match_field`)."""

    def add(self, name: str, category: str | None, sensitive: bool, resolved: bool) -> None:
        """A field, unless it is there already (the first app's attributes stay, as in the graph)."""
        self.fields.setdefault(name, {"name": name, "category": category, "sensitive": sensitive,
                                      "resolved": resolved})

    def ensure(self, name: str) -> None:
        """A field no policy has, from the vocabulary (:func:`lineage.graph._ensure_field`)."""
        if name not in self.fields:
            e = load_vocabulary().fields.get(name)
            self.add(name, e.category if e else None, bool(e and e.sensitive), e is not None)

    def member_of(self, child: str, parent: str) -> None:
        """``child`` is in the group ``parent`` (:func:`lineage.graph.add_member_of`'s index)."""
        ups, downs = self.up.setdefault(child, []), self.down.setdefault(parent, [])
        if parent not in ups:
            ups.append(parent)
        if child not in downs:
            downs.append(child)

    def hierarchy(self, name: str, *, down: bool) -> list[str]:
        """Members below a group (``down``) or groups above a field, nearest first
        (:func:`lineage.exposure._hierarchy`'s walk)."""
        index = self.down if down else self.up
        out: list[str] = []
        frontier = [name]
        while frontier:
            nxt = []
            for n in frontier:
                for other in index.get(n, ()):
                    if other not in out and other != name:
                        out.append(other)
                        nxt.append(other)
            frontier = nxt
        return out

    def sensitive(self, name: str) -> bool:
        """Whether the field is sensitive (False for a name that is no field)."""
        return bool(self.fields.get(name, {}).get("sensitive"))


def field_names(apps: list[str], fields: list[Any], groups: list[tuple[str, str]], granted: list[str],
                spellings: Callable[[], Iterable[tuple[str, str]]] | None = None) -> FieldNames:
    """:func:`lineage.graph.names_graph`'s nodes and hierarchy from the same catalogue
    (:func:`registry.database.field_catalogue`), in the same order; ``spellings`` gives the
    (field, text as written) pairs a typed name is also matched against."""
    out = FieldNames()
    for f in fields:
        out.add(f.name, f.category, f.sensitive, f.resolved)
    for child, parent in groups:
        out.ensure(child)
        out.ensure(parent)
        out.member_of(child, parent)
    for name in granted:
        out.ensure(name)
    vocab = load_vocabulary()
    for name in list(out.fields):   # (lineage.graph._vocabulary_hierarchy)
        entry, child = vocab.fields.get(name), name
        while entry is not None and entry.parent:
            out.ensure(entry.parent)
            out.member_of(child, entry.parent)
            child, entry = entry.parent, vocab.fields.get(entry.parent)
    out.index = FieldIndex(out.fields, spellings)
    return out
