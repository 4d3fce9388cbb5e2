"""Lineage paths: from how a field is collected to every recipient, and beyond.

>>> from registry import open_registry
>>> from lineage.graph import build_graph
>>> t = lineage(build_graph(open_registry()), "地理位置信息")
>>> [c["name"] for c in t["collected_by"] if c["kind"] == "permission"]
['地理位置']
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from lineage import ids
from lineage.exposure import rows_for_match
from lineage.flows import READING_DEFAULTS
from lineage.names import FieldMatch, check_app, resolve_field_name, resolve_fields
from registry.model import Registry


def _ev(ev: Any) -> dict[str, Any] | None:
    return {"file": ev.file, "line": ev.line, "text": ev.text} if ev is not None else None


def collected_by(G: nx.MultiDiGraph, field: str, *, app: str | None = None) -> list[dict[str, Any]]:
    """How a field is collected: device permissions that grant it, SDKs that collect it,
    and business functions the policy's text names (where the registry holds them)."""
    return _collected_by(G, resolve_field_name(G, field), app)


def _collected_by(G: nx.MultiDiGraph, name: str, app: str | None) -> list[dict[str, Any]]:
    fnode = ids.field_id(name)
    out: list[dict[str, Any]] = []
    if not G.has_node(fnode):
        return out
    for u, _, d in G.in_edges(fnode, data=True):
        if d["kind"] == ids.GRANTS and (app is None or d["app"] == app):
            p = G.nodes[u]
            out.append({"kind": "permission", "app": d["app"], "name": p["name"],
                        "platforms": list(p.get("platforms", ())), "purpose": p.get("purpose", ""),
                        "evidence": _ev(d.get("ev"))})
    for _, v, d in G.out_edges(fnode, data=True):
        if d["kind"] == ids.FLOWS_INTO and d["channel"] == "sdk" and (app is None or d["app"] == app):
            s = G.nodes[v]
            out.append({"kind": "sdk", "app": d["app"], "name": s["name"], "provider": s.get("provider"),
                        "purpose": s.get("purpose") or s.get("function") or "", "evidence": _ev(d.get("ev"))})
    for fn in G.nodes[fnode].get("functions", ()):  # see annotate_business_functions
        if app is None or fn["app"] == app:
            out.append({"kind": "business_function", **fn})
    return unique_collectors(out)


def unique_collectors(out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Collectors sorted by kind, app and name, each once (shared with the Neo4j backend)."""
    out = sorted(out, key=lambda c: (c["kind"], c["app"], c["name"]))
    uniq = []
    seen: set[tuple[str, str, str]] = set()
    for c in out:
        if (c["kind"], c["app"], c["name"]) not in seen:
            seen.add((c["kind"], c["app"], c["name"]))
            uniq.append(c)
    return uniq


def annotate_business_functions(G: nx.MultiDiGraph, reg: Registry) -> int:
    """Record on the field nodes the business functions whose prose collects them.

    The policy's body says, under numbered headings, what each business function
    collects (``2.1 履行反洗钱义务及进行实名认证 … 我们将收集您的姓名、身份证号…``).
    Where the registry holds the imported document (:attr:`~registry.model.Policy.text`;
    a registry written before it was kept has none), its collection statements are
    read with the audit's prose extractor and attached to each field they name, so
    that :func:`lineage` can start a path at the function. No file is opened: the
    answer is the registry's wherever it is. Returns how many were added.
    """
    from lineage.audit.context import stored_text
    from lineage.audit.prose import extract_statements, table_lines

    added = 0
    for app, policy in sorted(reg.policies.items()):
        text = stored_text(policy)
        if text is None or policy.source.layout not in ("flattened-text", "markdown"):
            continue
        for st in extract_statements(text.text, skip_lines=table_lines(text.text, text.path)):
            if st.kind != "collect" or st.section != "一" or not st.function:
                continue
            for item in _items(st.items):
                node = G.nodes.get(ids.field_id(item.field)) if item.field else None
                if node is None:
                    continue
                fn = {"app": app, "name": st.function, "evidence": {"file": text.name, "line": st.line,
                                                                   "text": st.text}}
                known = node.setdefault("functions", [])
                if not any((f["app"], f["name"]) == (app, st.function) for f in known):
                    known.append(fn)
                    added += 1
    return added


def _items(items: Any) -> list[Any]:
    out = []
    for i in items:
        out.append(i)
        out.extend(_items(i.members))
    return out


def lineage(G: nx.MultiDiGraph, field: str, *, app: str | None = None) -> dict[str, Any]:
    """The tree of a field's lineage: collection → scenario/SDK → recipient → onward.

    Returns ``{"field", "category", "sensitive", "matched", "collected_by": [...],
    "paths": [{"app", "channel", "via", "purpose", "frequency", "fields": [...],
    "recipients": [{"recipient", "kind", "as_written", "line", "form", "confidence", "note",
    "onward": [...]}]}]}``; each path lists the rows' fields (the field itself, or the member
    or group it arrives as) with their relation and ``qualifiers``; each recipient (and onward
    processor) says how its row was read (``form``, ``confidence``, ``note``). ``field`` is what a person types (see
    :mod:`lineage.names`); where it matches several fields, the tree is theirs
    together and ``matched`` lists them, each with the text it was matched by.
    """
    check_app(G, app)
    match = resolve_fields(G, field)
    rows = rows_for_match(G, match, app=app)
    infos = [G.nodes.get(ids.field_id(n)) or None for n in match.fields]
    collected = unique_collectors([c for n in match.fields for c in _collected_by(G, n, app)])
    return matched_tree(match, infos, rows, collected)


def matched_tree(match: FieldMatch, infos: list[dict[str, Any] | None], rows: list[dict[str, Any]],
                 collected: list[dict[str, Any]]) -> dict[str, Any]:
    """The lineage tree of the fields of a match (shared by the networkx and Neo4j backends).

    One field: its tree, as :func:`lineage_tree` makes it. Several: the fields' names
    joined, their category where they share one, sensitive where any is.
    """
    if len(match.fields) == 1:
        tree = lineage_tree(match.fields[0], infos[0], rows, collected)
    else:
        cats = {i.get("category") if i else None for i in infos}
        info = {"category": cats.pop() if len(cats) == 1 else None,
                "sensitive": any(i and i.get("sensitive") for i in infos)}
        tree = lineage_tree(", ".join(match.fields), info, rows, collected)
    tree["matched"] = [{"field": f, "written": w} for f, w in zip(match.fields, match.written, strict=True)]
    return tree


def lineage_tree(name: str, info: dict[str, Any] | None, rows: list[dict[str, Any]],
                 collected: list[dict[str, Any]]) -> dict[str, Any]:
    """The lineage tree from who_receives rows; shared by the networkx and Neo4j backends."""
    paths: dict[tuple[str, str, str], dict[str, Any]] = {}
    recips: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        key = (r["app"], r["channel"], r["via"])
        p = paths.setdefault(key, {
            "app": r["app"], "channel": r["channel"], "via": r["via"], "purpose": r["purpose"],
            "frequency": r["frequency"], "fields": [], "recipients": [],
        })
        entry = {"field": r["field"], "relation": r["relation"], "implied_via": r["implied_via"],
                 "evidence": r["evidence"], "qualifiers": r["qualifiers"]}
        if entry not in p["fields"]:
            p["fields"].append(entry)
        # how the row was read belongs to the recipient (lineage.graph keeps it on its edge)
        reading = {"form": r["form"], "confidence": r["confidence"], "note": r["note"]}
        if r["onward_of"]:
            base = recips[key].setdefault(r["onward_of"], {
                "recipient": r["onward_of"], "kind": "company", "as_written": r["onward_of"],
                "line": None, **READING_DEFAULTS, "onward": []})
            o = {"recipient": r["recipient"], "kind": r["recipient_kind"],
                 "line": r["recipient_evidence"]["line"], **reading}
            if o not in base["onward"]:
                base["onward"].append(o)
            continue
        rec = recips[key].setdefault(r["recipient"], {
            "recipient": r["recipient"], "kind": r["recipient_kind"],
            "as_written": r["recipient_as_written"], "line": r["recipient_evidence"]["line"],
            **reading, "onward": []})
        rec["kind"], rec["line"] = r["recipient_kind"], r["recipient_evidence"]["line"]
        rec["as_written"] = r["recipient_as_written"]
        rec.update(reading)
    for key, p in paths.items():
        p["recipients"] = sorted(recips[key].values(), key=lambda x: x["recipient"])
    return {
        "field": name,
        "category": info.get("category") if info else None,
        "sensitive": bool(info and info.get("sensitive")),
        "collected_by": collected,
        "paths": [paths[k] for k in sorted(paths)],
    }
