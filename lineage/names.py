"""Resolving the names people type to nodes of the graph.

A field may be written as any alias of the vocabulary, or as the policy wrote
it; a recipient by its legal name, an alias, a brand it was resolved from, or
the text the policy used. Unknown names raise errors that carry the closest
known names.
"""

from __future__ import annotations

import networkx as nx

from lineage import ids
from registry.errors import UnknownFieldError, UnknownNameError, UnknownRecipientError
from registry.vocabulary import load_vocabulary, name_key


def _closest(text: str, names: list[str], limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process

    hits = process.extract(name_key(text), {n: name_key(n) for n in names}, scorer=fuzz.WRatio,
                           limit=limit)
    return [key for _, score, key in hits if score >= 50]


def field_names(G: nx.MultiDiGraph) -> list[str]:
    return sorted(d["name"] for _, d in G.nodes(data=True) if d["kind"] == ids.FIELD)


def resolve_field_name(G: nx.MultiDiGraph, text: str) -> str:
    """The canonical field name for what a user typed; UnknownFieldError if none."""
    text = text.strip()
    if G.has_node(ids.field_id(text)):
        return text
    vocab = load_vocabulary()
    entry = vocab.resolve_field(text)
    if entry is not None:
        return entry.name
    key = name_key(text)
    for n in field_names(G):
        if name_key(n) == key:
            return n
    suggestions = list(dict.fromkeys(_closest(text, field_names(G)) + vocab.suggest_fields(text)))[:3]
    raise UnknownFieldError(text, suggestions)


def recipient_names(G: nx.MultiDiGraph) -> list[str]:
    return sorted(d["name"] for _, d in G.nodes(data=True) if d["kind"] == ids.RECIPIENT)


def resolve_recipient_name(G: nx.MultiDiGraph, text: str) -> str:
    """The canonical recipient for a name, alias, brand or text as written."""
    text = text.strip()
    if G.has_node(ids.recipient_id(text)):
        return text
    key = name_key(text)
    alias = load_vocabulary().recipient_alias(text)
    if alias and G.has_node(ids.recipient_id(alias)):
        return alias
    for _n, d in G.nodes(data=True):
        if d["kind"] == ids.RECIPIENT and (
            name_key(d["name"]) == key or key in {name_key(a) for a in d.get("as_written", ())}
        ):
            return str(d["name"])
    raise UnknownRecipientError(text, _closest(text, recipient_names(G)))


def check_app(G: nx.MultiDiGraph, app: str | None) -> None:
    if app is not None and app not in G.graph["apps"]:
        raise UnknownNameError("app", app, _closest(app, sorted(G.graph["apps"])))
