"""A recipient's record, as a vendor register (OneTrust, Fides) shows one: its contact, its
relationship to the controller, legal-basis hints and cross-border transfer, each with the
policy's own words and line, or None where the policy says nothing.

The facts are read at import (:mod:`registry.recipient_facts`) and kept in the registry
(:attr:`registry.model.Recipient.facts`); this module only chooses, for each of the four,
what the surest statements say, and says so where they disagree. Nothing is guessed here:
a fact the import marked ``low`` stays ``low``, with its note. ``docs/recipient-records.md``
describes the record and how ``fields-of`` and the report show it.

>>> from registry import open_registry
>>> rec = recipient_record(open_registry(), "北京旷视科技有限公司")
>>> rec["contact"]["value"], rec["contact"]["evidence"][0]["line"]
('400-6700-866', 892)
>>> rec["relationship"]["value"], rec["relationship"]["confidence"]
('independent', 'low')
>>> rec["legal_basis"] is None
True
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from registry.model import Policy, Recipient, RecipientFact, Registry
from registry.recipient_facts import FORMS, KINDS
from registry.suggest import resolve_name

WORDS: dict[str, dict[str, str]] = {
    "relationship": {
        "processor": "entrusted processor (受托方)",
        "independent": "independent handler (独立的个人信息处理者)",
        "joint": "joint handler (共同处理)",
    },
    "legal_basis": {
        "consent": "consent (同意)",
        "contract": "necessary for a contract (履行合同所必需)",
        "legal_obligation": "legal duty or obligation (法定职责或法定义务)",
        "legitimate_interests": "legitimate interests",
        "vital_interests": "life, health or property (生命健康和财产安全)",
    },
    "cross_border": {
        "yes": "transferred abroad (出境)",
        "no": "not transferred abroad (不出境)",
        "location": "processed in a place the policy names",
    },
}
"""How a record's values read to people; a value not here (a cell as written) is shown as is."""


def shown(kind: str, value: str) -> str:
    """A value in words for people: ``shown("relationship", "processor")`` → ``entrusted processor (受托方)``."""
    return WORDS.get(kind, {}).get(value, value)


def _evidence(app: str, file: str, f: RecipientFact) -> dict[str, Any]:
    return {"app": app, "file": file, "line": f.line, "text": f.text, "form": f.form, "label": f.label,
            "matched": f.matched, "value": f.value, "confidence": f.confidence, "note": f.note}


def _rank(f: RecipientFact) -> tuple[int, int, int]:
    return FORMS.index(f.form) if f.form in FORMS else len(FORMS), f.confidence != "high", f.line


def _choose(kind: str, facts: list[tuple[str, str, RecipientFact]]) -> dict[str, Any] | None:
    """One entry of a record from the facts of one kind (app, file, fact), surest first."""
    if not facts:
        return None
    facts = sorted(facts, key=lambda x: (_rank(x[2]), x[0]))
    deciding = facts
    if kind == "cross_border":  # whether it leaves the country, where any statement says; else the place
        decided = [x for x in facts if x[2].value in ("yes", "no")]
        deciding = decided or facts
    best = _rank(deciding[0][2])[:2]
    top = [x for x in deciding if _rank(x[2])[:2] == best]
    values = list(dict.fromkeys(x[2].value for x in top))
    first = top[0][2]
    notes = [n for n in dict.fromkeys(x[2].note for x in top) if n]
    confidence = first.confidence
    if len(values) > 1 and kind in ("relationship", "cross_border"):
        confidence = "low"
        notes.append("the policy says different things: " + "; ".join(
            f"{x[2].value} (line {x[2].line})" for x in top))
    others = [x[2] for x in deciding if _rank(x[2])[:2] != best and x[2].value not in values]
    if others:
        notes.append("less sure statements say otherwise: " + "; ".join(
            f"{f.value} ({f.form}, line {f.line})" for f in others))
    entry: dict[str, Any] = {
        "value": " / ".join(values),
        "shown": " / ".join(shown(kind, v) for v in values),
        "confidence": confidence,
        "note": "; ".join(notes),
        "lines": sorted({x[2].line for x in top if x[2].line}),
        "evidence": [_evidence(app, file, f) for app, file, f in facts],
    }
    if kind == "cross_border":
        where = next((f for _, _, f in facts if f.value == "location"), None)
        entry["where"] = where.text if where else None
    return entry


def _recipients(source: Registry | Policy, app: str | None) -> list[tuple[Policy, Recipient]]:
    if isinstance(source, Policy):
        return [(source, r) for r in source.recipients]
    apps = [source.policy(app).app] if app else source.apps
    return [(p, r) for a in apps for p in [source.policies[a]] for r in p.recipients]


def recipient_record(source: Registry | Policy | nx.MultiDiGraph, name: str, *,
                     app: str | None = None) -> dict[str, Any]:
    """The record of one recipient: ``contact``, ``relationship``, ``legal_basis``, ``cross_border``.

    ``name`` is the recipient's canonical name (a part of a name that only one recipient has
    resolves, as everywhere: :mod:`registry.suggest`); ``app`` keeps to one app, else every app
    that names it contributes, each piece of evidence saying its app. Each of the four is None
    where the policy says nothing, else ``{value, shown, confidence, note, evidence}``:
    ``value`` what the surest statements say (several joined by `` / ``), ``shown`` the same in
    words, ``lines`` the lines of those statements, ``evidence`` every statement as written with
    its line, surest first
    (``cross_border`` also has ``where``: the place named, if any). A registry imported before
    facts were read has only the contact, without a line.

    A lineage graph keeps no facts: given one, the record has the contact its node keeps and
    says so in ``note``; read the record from the registry.
    """
    if isinstance(source, nx.MultiDiGraph):
        return _from_graph(source, name)
    pairs = _recipients(source, app)
    names = sorted({r.name for _, r in pairs})
    match = resolve_name("recipient", name, names)
    mine = [(p, r) for p, r in pairs if r.name == match.name]
    r0 = mine[0][1]
    by_kind: dict[str, list[tuple[str, str, RecipientFact]]] = {k: [] for k in KINDS}
    for p, r in mine:
        facts = r.facts
        if not facts and r.contact:  # written before facts were read: the contact, no line
            facts = (RecipientFact("contact", r.contact, r.contact, 0, "column", "contact", "", "high",
                                   "kept before facts were read at import: no line (import again for it)"),)
        for f in facts:
            if f.kind in by_kind:
                by_kind[f.kind].append((p.app, p.source.file, f))
    record: dict[str, Any] = {
        "recipient": match.name,
        "resolved": match.resolved,
        "kind": r0.kind.value,
        "as_written": list(dict.fromkeys(w for _, r in mine for w in r.as_written)),
        "legal_entity": r0.legal_entity,
        "onward_of": r0.onward_of,
        "apps": [p.app for p, _ in mine],
    }
    for kind in KINDS:
        record[kind] = _choose(kind, by_kind[kind])
    return record


def _from_graph(G: nx.MultiDiGraph, name: str) -> dict[str, Any]:
    from lineage import ids
    from lineage.names import resolve_recipient_name

    rname = resolve_recipient_name(G, name)
    node = G.nodes[ids.recipient_id(rname)]
    contact = node.get("contact")
    record: dict[str, Any] = {
        "recipient": rname, "resolved": {} if rname == name.strip() else {name.strip(): rname},
        "kind": node.get("recipient_kind"), "as_written": list(node.get("as_written", ())),
        "legal_entity": node.get("legal_entity"), "onward_of": node.get("onward_of"),
        "apps": sorted({d.get("app") for _, _, d in G.in_edges(ids.recipient_id(rname), data=True)
                        if d.get("app")}),
        "note": "read from a lineage graph, which keeps no recipient facts: read the record from the registry",
    }
    for kind in KINDS:
        record[kind] = None
    if contact:
        record["contact"] = {"value": contact, "shown": contact, "confidence": "high",
                             "note": "no line: the graph keeps none", "lines": [], "evidence": []}
    return record


def record_lines(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The record as (label, text) lines for a terminal or a report: each fact in words, its
    confidence where low, and the line it stands on; ``not stated`` where the policy is silent.

    >>> from registry import open_registry
    >>> for label, text in record_lines(recipient_record(open_registry(), "高德软件有限公司")):
    ...     print(label, "|", text)
    contact | 400-810-0080 (line 1710)
    relationship | independent handler (独立的个人信息处理者) — low: the list is titled a sharing list (共享); the policy does not say this recipient's role. Under PIPL Art. 23 a receiver of shared data is another handler; an entrusted processor (Art. 21) is told apart as 委托处理 (line 2117)
    legal basis | not stated
    cross-border | not transferred abroad (不出境) — low: said of all personal information the policy covers, not of this recipient by name (line 1949)
    """
    out: list[tuple[str, str]] = []
    for kind in KINDS:
        e = record.get(kind)
        label = kind.replace("_", " ").replace("cross border", "cross-border")
        if e is None:
            out.append((label, "not stated"))
            continue
        text = e["shown"]
        if kind == "cross_border" and e.get("where") and e["value"] != "location":
            text += f", {e['where']}"
        elif kind == "cross_border" and e["value"] == "location":
            text = f"{e['where']} (a place; whether it is a transfer the policy does not say)"
        if e["confidence"] == "low":
            text += f" — low: {e['note']}" if e["note"] else " — low"
        lines = [str(n) for n in e.get("lines", ())]
        if lines:
            text += f" (line{'s' if len(lines) > 1 else ''} {', '.join(lines[:4])}{', …' if len(lines) > 4 else ''})"
        out.append((label, text))
    return out


def record_rows(reg: Registry, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of the recipients of a question's ``rows`` (``fields-of``), as table rows:
    ``recipient``, ``fact`` and ``value`` (:func:`record_lines`), each read from the apps of
    those rows alone (a thousand-app database reads only theirs).

    >>> from registry import open_registry
    >>> reg = open_registry()
    >>> rows = [{"recipient": "高德软件有限公司", "app": reg.apps[0]}]
    >>> [r["value"] for r in record_rows(reg, rows)][:1]
    ['400-810-0080 (line 1710)']
    """
    apps: dict[str, list[str]] = {}
    for r in rows:
        apps.setdefault(r["recipient"], [])
        if r.get("app") not in apps[r["recipient"]]:
            apps[r["recipient"]].append(r["app"])
    out = []
    for name, names_apps in apps.items():
        rec = recipient_record(Registry({a: reg.policies[a] for a in names_apps}), name)
        out += [{"recipient": name, "fact": label, "value": text} for label, text in record_lines(rec)]
    return out
