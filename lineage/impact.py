"""What-if analysis for an engineer: adding a partner, losing one, a partner breach.

Each function works on a copy of the registry and returns ``(report, new_registry)``;
nothing is written unless the caller saves ``new_registry`` (``--apply -o NEW.json``).

>>> from registry import open_registry
>>> reg = open_registry()
>>> report, _ = add_partner(reg, "某某数据科技有限公司", scenario="风控审核、信用初审")
>>> report["sensitive_new"]
['身份证号码', '银行卡号']
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from lineage import appendix
from lineage.exposure import exposure, fields_of
from lineage.graph import build_graph
from lineage.names import (
    RecipientMatch,
    resolve_field_name,
    resolve_recipient_name,
    resolve_recipients,
)
from registry.errors import (
    AmbiguousNameError,
    SharegraphError,
    UnknownNameError,
    UnknownRecipientError,
)
from registry.model import (
    SDK,
    Channel,
    Evidence,
    Field,
    Flow,
    Policy,
    Recipient,
    RecipientKind,
    Registry,
    Scenario,
)
from registry.normalize import classify_recipient
from registry.suggest import NameMatch, partial_match, resolve_app, resolve_name
from registry.vocabulary import load_vocabulary


def _policy(reg: Registry, app: str | None, resolved: dict[str, Any] | None = None) -> Policy:
    """The app's policy (the only one when no app is given); the app by part of its name too,
    what it resolved to written into ``resolved``."""
    if app is None:
        if len(reg.policies) != 1:
            raise UnknownNameError("app", "(none given)", reg.apps[:3])
        return next(iter(reg.policies.values()))
    m = resolve_app(reg.apps, app)
    assert m is not None
    if resolved is not None:
        resolved.update(m.resolved)
    return reg.policy(m.name)


def _copy(reg: Registry) -> Registry:
    """A registry to change without changing ``reg`` (a stored one stays lazy: nothing is read)."""
    return Registry(reg.policies.copy())  # type: ignore[arg-type]


def _with_policy(reg: Registry, p: Policy) -> Registry:
    new = _copy(reg)
    new.add(p)
    return new


def load_partner_yaml(path: str | Path) -> dict[str, Any]:
    """A partner described in YAML: ``name``, and ``scenario`` or ``sdk``, optional ``fields``, ``app``, ``purpose``."""
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise SharegraphError(f"{path}: cannot read partner file ({e})") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise SharegraphError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML") from e
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise SharegraphError(f"{path}: a partner file needs a 'name' (and 'scenario' or 'sdk')")
    if not (data.get("scenario") or data.get("sdk")):
        raise SharegraphError(f"{path}: partner {data['name']!r} needs a 'scenario' or an 'sdk'")
    fields = data.get("fields")
    if fields is not None and not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
        raise SharegraphError(f"{path}: 'fields' must be a list of field names")
    return data


def _ranking(G: nx.MultiDiGraph, app: str) -> dict[str, tuple[int, int]]:
    return {r["field"]: (r["rank"], r["recipients"]) for r in exposure(G, app=app)["fields"]}


@dataclasses.dataclass(frozen=True)
class PartnerChange:
    """What add-partner decided to change in one policy, before anything is changed."""

    policy: Policy
    """The policy as it was."""
    partner: str
    """The partner as the engineer wrote it (it becomes ``recipient_as_written``)."""
    recipient: str
    """The recipient the flows go to: the registry's name when the partner is already known."""
    recipient_kind: RecipientKind
    channel: Channel
    via: str
    """The scenario's or the SDK's name."""
    scenario: Scenario | None
    sdk: str | None
    existing_sdk: SDK | None
    """The policy's SDK of that name; ``None`` for a new SDK (and for a scenario)."""
    fields: dict[str, tuple[str, str | None]]
    """Every field the partner would receive: canonical name -> (as typed, implied_via)."""
    row_fields: dict[str, str]
    """The fields the scenario's or SDK's row shares already: canonical name -> as the row writes it."""
    new_fields: tuple[str, ...]
    """The fields named that the row does not share (canonical names; only with ``new_fields=True``
    for a scenario)."""
    written_as: str
    """The partner as the appendix would name it: its legal entity where one is known, else as typed."""
    legal_entity: str | None
    known_as: dict[str, list[str]]
    """Recipients the partner already is in the registry: canonical name -> names as written."""
    purpose: str
    evidence: Evidence
    flows: tuple[Flow, ...]
    """The flows to add: those of ``fields`` the policy does not have yet."""
    resolved: dict[str, Any] = dataclasses.field(default_factory=dict)
    """The names typed that were not names as the policy writes them (app, scenario, SDK, fields, partner)."""
    warnings: tuple[str, ...] = ()

    def written(self, name: str) -> str:
        """A field as the appendix would write it: as the row writes it, else its canonical name."""
        return self.row_fields.get(name, name)


def _plan_add_partner(
    p: Policy,
    G0: nx.MultiDiGraph,
    partner: str,
    *,
    scenario: str | None,
    sdk: str | None,
    fields: list[str] | None,
    purpose: str | None,
    new_fields: bool = False,
) -> PartnerChange:
    """Resolve the scenario or SDK, the fields and the partner in ``p`` (graph ``G0``), and the flows to add.

    A field the scenario's row does not share is an error unless ``new_fields``: adding a
    partner is no way to widen a row by accident."""
    channel = Channel.SHARING if scenario else Channel.SDK
    sc, existing_sdk, via = _via(p, scenario, sdk, fields)
    via_name = via.name if via is not None else (sdk or "").strip()
    sdk = via_name if sdk else None
    resolved = dict(via.resolved) if via is not None else {}
    via_flows = [f for f in p.flows if f.channel is channel and f.via == via_name]
    chosen = _chosen_fields(G0, via_flows, fields)
    if fields:  # a field typed as other than its name: 身份证号 for 身份证号码
        resolved.update({w: n for n, (w, implied) in chosen.items() if implied is None and w.strip() != n})
    row_fields = {f.field: f.field_as_written for f in via_flows}
    outside = tuple(n for n, (_, implied) in chosen.items() if implied is None and n not in row_fields)
    if outside and sc is not None and not new_fields:
        raise SharegraphError(_not_in_row(sc.name, via_flows, outside, chosen))
    recips = classify_recipient(partner, load_vocabulary())
    known_before = _known_recipients(G0, [r.name for r in recips])
    target = next(iter(known_before), recips[0].name)
    node = G0.nodes[f"recipient:{target}"] if known_before else {}
    kind = RecipientKind(node["recipient_kind"]) if node else recips[0].kind
    legal = target if kind is RecipientKind.COMPANY else node.get("legal_entity")
    written_as = legal or partner.strip()
    warnings = () if legal else (_no_legal_entity(G0, partner.strip(), kind),)
    if written_as != partner.strip():
        resolved[partner.strip()] = written_as
    ev = Evidence("impact", 0, "impact", 0, "recipient", f"added by impact add-partner: {partner}")
    sc_purpose = purpose or (sc.purpose if sc else (existing_sdk.purpose if existing_sdk else ""))
    freq = sc.frequency if sc else ""
    old_keys = {(f.field, f.channel, f.via, f.recipient, f.implied_via) for f in p.flows}
    added = tuple(
        Flow(field=name, field_as_written=row_fields.get(name, name), channel=channel, via=via_name,
             recipient=target, recipient_as_written=written_as, purpose=sc_purpose, frequency=freq, evidence=ev,
             implied_via=implied)
        for name, (w, implied) in chosen.items()
        if (name, channel, via_name, target, implied) not in old_keys
    )
    return PartnerChange(
        policy=p, partner=partner, recipient=target, recipient_kind=kind, channel=channel,
        via=via_name, scenario=sc, sdk=sdk, existing_sdk=existing_sdk,
        fields=chosen, row_fields=row_fields, new_fields=outside if via_flows or existing_sdk else (),
        written_as=written_as, legal_entity=legal, known_as=known_before, purpose=sc_purpose, evidence=ev,
        flows=added, resolved=resolved, warnings=warnings,
    )


def _not_in_row(scenario: str, via_flows: list[Flow], outside: tuple[str, ...],
                chosen: dict[str, tuple[str, str | None]]) -> str:
    """The one line that refuses fields the scenario's row does not share, listing the row's fields."""
    typed = [chosen[n][0].strip() + ("" if chosen[n][0].strip() == n else f" ({n})") for n in outside]
    row = list(dict.fromkeys(f.field_as_written for f in via_flows if f.implied_via is None))
    return (f"the row of {scenario} does not share {', '.join(typed)}; it shares {'、'.join(row)} "
            "(--new-fields to add fields the row does not share)")


def _no_legal_entity(G0: nx.MultiDiGraph, partner: str, kind: RecipientKind) -> str:
    """The warning for a partner no legal entity is known for: written as typed, and the
    registry's companies whose names begin with or contain it (never taken in its place:
    docs/names.md)."""
    companies = [d["name"] for _, d in G0.nodes(data=True)
                 if d.get("recipient_kind") == RecipientKind.COMPANY.value and d["name"] != partner]
    _, _, near = partial_match(partner, companies)
    what = {RecipientKind.UNNAMED: "a kind of recipient, not a name", RecipientKind.ONWARD: "an onward processor",
            RecipientKind.AFFILIATE: "an affiliate"}.get(kind, "a brand or short name")
    return (f"no legal entity is known for {partner!r} ({what}): the appendix names it as typed"
            + (f"; the registry has {', '.join(near[:3])}" if near else "")
            + "; give the company's legal name, or add it to data/recipients.yaml")


def _via(p: Policy, scenario: str | None, sdk: str | None,
         fields: list[str] | None) -> tuple[Scenario | None, SDK | None, NameMatch | None]:
    """The policy's scenario (which must exist), or its SDK (``None``: a new SDK, which needs
    fields), and how the name typed resolved (:func:`registry.suggest.resolve_name`: exact,
    prefix, contains; a new SDK: ``None``). A part of several names is an AmbiguousNameError."""
    if scenario:
        m = resolve_name("scenario", scenario, [s.name for s in p.scenarios])
        return next(s for s in p.scenarios if s.name == m.name), None, m
    try:
        m = resolve_name("sdk", sdk or "", [s.name for s in p.sdks])
    except AmbiguousNameError:
        raise
    except UnknownNameError as e:
        if fields:
            return None, None, None
        raise SharegraphError(f"a new SDK {(sdk or '').strip()!r} needs --fields (what it collects)"
                              + (f"; did you mean {', '.join(e.suggestions)}?" if e.suggestions else "")) from None
    return None, next(s for s in p.sdks if s.name == m.name), m


def _chosen_fields(G0: nx.MultiDiGraph, via_flows: list[Flow],
                   fields: list[str] | None) -> dict[str, tuple[str, str | None]]:
    """canonical -> (as written, implied_via): the row's fields, or the ``fields`` named and the members they imply."""
    row_fields: dict[str, tuple[str, str | None]] = {}
    for f in via_flows:
        row_fields.setdefault(f.field, (f.field_as_written, f.implied_via))
    if not fields:
        return row_fields
    chosen: dict[str, tuple[str, str | None]] = {}
    for text in fields:
        name = _field_to_add(G0, text)
        chosen[name] = (text, None)
        for m, (w, implied) in row_fields.items():  # a group brings its listed members
            if implied == name:
                chosen[m] = (w, implied)
    return chosen


def _known_recipients(G0: nx.MultiDiGraph, names: list[str]) -> dict[str, list[str]]:
    """The recipients of ``G0`` that ``names`` already are: canonical -> names as written."""
    known: dict[str, list[str]] = {}
    for name in names:
        try:  # exact names only: a new partner must not become the one whose name contains it
            canonical = resolve_recipient_name(G0, name, partial=False)
        except UnknownRecipientError:
            continue
        known[canonical] = sorted(G0.nodes[f"recipient:{canonical}"]["as_written"])
    return known


def _apply_partner(reg: Registry, c: PartnerChange) -> Registry:
    """A copy of ``reg`` whose policy has the change's flows, and the fields, recipient and SDK they need."""
    p, vocab = c.policy, load_vocabulary()
    new_fields = list(p.fields)
    names = {f.name for f in p.fields}
    for f in c.flows:
        if f.field not in names:
            entry = vocab.fields.get(f.field)
            new_fields.append(Field(f.field, entry.category if entry else None,
                                    bool(entry and entry.sensitive), entry.parent if entry else None,
                                    entry is not None, (f.field_as_written,)))
            names.add(f.field)
    recipients = list(p.recipients)
    if c.recipient not in {r.name for r in recipients}:
        recipients.append(Recipient(c.recipient, c.recipient_kind, (c.written_as,)))
    sdks = list(p.sdks)
    if c.sdk and c.existing_sdk is None:
        sdks.append(SDK(name=c.sdk, provider=c.recipient, purpose=c.purpose, fields=tuple(c.fields),
                        evidence=c.evidence))
    newp = dataclasses.replace(p, flows=p.flows + c.flows, fields=tuple(sorted(new_fields, key=lambda f: f.name)),
                               recipients=tuple(sorted(recipients, key=lambda r: r.name)), sdks=tuple(sdks))
    return _with_policy(reg, newp)


def _new_exposures(c: PartnerChange, G0: nx.MultiDiGraph, G1: nx.MultiDiGraph,
                   got_before: set[str]) -> list[dict[str, Any]]:
    """One row per field the change adds, sensitive first: its rank and recipient count before and after."""
    app = c.policy.app
    before, after = _ranking(G0, app), _ranking(G1, app)
    exposures = []
    for f in sorted({f.field for f in c.flows}, key=lambda n: (not G1.nodes[f"field:{n}"].get("sensitive"), n)):
        node = G1.nodes[f"field:{f}"]
        exposures.append({
            "field": f, "sensitive": bool(node.get("sensitive")), "category": node.get("category"),
            "already_received_elsewhere": f in got_before,
            "rank_before": before.get(f, (None, 0))[0], "rank_after": after[f][0],
            "recipients_before": before.get(f, (None, 0))[1], "recipients_after": after[f][1],
        })
    return exposures


def _appendix_change(c: PartnerChange) -> dict[str, Any]:
    """The row of the policy's appendix (sharing list or SDK table) before and after, in the
    policy's own columns (:mod:`lineage.appendix`).

    The partner joins the row's recipients when it gets just the row's fields; when it gets
    some of them, or fields the row does not share, the row stays as it is and the partner
    needs a row of its own (``new_row``): the row's other recipients do not get those fields.
    Keys kept from before: ``now`` and ``would_be`` are the recipient cell (a new or changed
    SDK row: ``would_be`` is the row).
    """
    p, sc = c.policy, c.scenario
    tables = appendix.read_tables(p)
    added = {f.field for f in c.flows} | {f.implied_via for f in c.flows if f.implied_via}
    data = [c.written(n) for n, (_, implied) in c.fields.items() if implied is None and n in added]
    base: dict[str, Any] = {"partner_written_as": c.written_as, "new_fields": list(c.new_fields)}
    if sc is not None:
        before = appendix.scenario_row(p, sc, tables)
        after, new_row, note = before, None, None
        if not c.flows:
            note = "the row already names the partner for these fields: nothing to change"
        elif c.new_fields or set(c.row_fields) - set(c.fields):
            sep = appendix.list_separator(before.cell("data"), *data)
            new_row = before.with_cell("data", sep.join(data)).with_cell("recipient", c.written_as)
            new_row = dataclasses.replace(new_row, line=None, row=None,
                                          cells={**new_row.cells, **_blank_others(new_row, appendix.SHARING_ROLES)})
            if c.purpose != sc.purpose:
                new_row = new_row.with_cell("purpose", c.purpose)
            note = ("the partner gets " + ("fields the row does not share" if c.new_fields else
                                           "only some of the row's fields")
                    + ": a row of its own (new_row), the row itself unchanged, so that its other recipients "
                    "are not said to get them")
        elif c.recipient not in {f.recipient for f in p.flows if f.via == sc.name and f.channel is c.channel}:
            after = before.with_item("recipient", c.written_as)
        cell = before.cell("recipient")
        out = {"table": "sharing", "row": sc.evidence.row, "line": sc.evidence.line, "scenario": sc.name,
               "column": "recipient", "now": cell, "would_be": after.cell("recipient"), **base}
        out.update(_rows(before, after, new_row))
        if note:
            out["note"] = note
        return out
    existing = c.existing_sdk
    if existing is None:
        after = appendix.new_sdk_row(p, {"sdk_name": c.sdk or "", "provider": c.written_as,
                                         "data": appendix.list_separator("", *data).join(data),
                                         "purpose": c.purpose}, tables)
        return {"table": "sdk", "row": None, "line": None, "sdk": c.sdk, "would_be": after.as_dict(),
                "note": "a new row of the SDK table", **base, **_rows(None, after, None)}
    before = appendix.sdk_row(p, existing, tables)
    after = before
    if c.recipient not in {f.recipient for f in p.flows if f.via == existing.name and f.channel is c.channel}:
        after = after.with_item("provider", c.written_as)
    for name in c.new_fields:
        after = after.with_item("data", c.written(name))
    ev = existing.evidence
    return {"table": "sdk", "row": ev.row if ev else None, "line": ev.line if ev else None, "sdk": c.sdk,
            "would_be": after.as_dict(), "note": "the SDK row must name the new provider"
            + (" and the fields new to it" if c.new_fields else ""), **base, **_rows(before, after, None)}


def _blank_others(row: appendix.TableRow, roles: tuple[str, ...]) -> dict[str, str]:
    """The cells of a new row that are no role of ``roles`` (a contact, a location…): left blank
    for the DPO to fill, never copied from the recipients of another row."""
    keep = {row.header(r) for r in roles}
    return {h: "" for h in row.columns if h not in keep}


def _rows(before: appendix.TableRow | None, after: appendix.TableRow | None,
          new_row: appendix.TableRow | None) -> dict[str, Any]:
    """The ``--json`` keys of a row change: the columns (headers as written), each row as an
    object of them, and which columns change."""
    shown = next(r for r in (before, after, new_row) if r is not None)
    return {
        "columns": list(shown.columns), "headers_as_written": shown.as_written,
        "before": before.as_dict() if before else None, "after": after.as_dict() if after else None,
        "new_row": new_row.as_dict() if new_row else None,
        "changed": (after.changed(before) if before is not None and after is not None else
                    [c for c in shown.columns if shown.cells.get(c)] if before is None else list(shown.columns)),
    }


def _partner_report(c: PartnerChange, G0: nx.MultiDiGraph, G1: nx.MultiDiGraph) -> dict[str, Any]:
    """The add-partner report from the graphs before (``G0``) and after (``G1``) the change."""
    app = c.policy.app
    known = c.recipient in c.known_as
    got_before = {r["field"] for r in fields_of(G0, c.recipient, app=app)} if known else set()
    exposures = _new_exposures(c, G0, G1, got_before)
    return {
        "action": "add-partner", "app": app, "partner": c.partner, "recipient": c.recipient,
        "written_as": c.written_as, "legal_entity": c.legal_entity,
        "channel": c.channel.value, "via": c.via, "new_fields": list(c.new_fields),
        "already_receives": bool(c.known_as),
        "known_as": c.known_as.get(c.recipient, []),
        "already_receives_fields": sorted(got_before),
        "new_exposures": exposures,
        "sensitive_new": [e["field"] for e in exposures if e["sensitive"] and not e["already_received_elsewhere"]],
        "unchanged": sorted(set(c.fields) - {f.field for f in c.flows}),
        "appendix_change": _appendix_change(c),
        "resolved": c.resolved,
        "warnings": list(c.warnings),
    }


def add_partner(
    reg: Registry,
    partner: str,
    *,
    app: str | None = None,
    scenario: str | None = None,
    sdk: str | None = None,
    fields: list[str] | None = None,
    purpose: str | None = None,
    new_fields: bool = False,
) -> tuple[dict[str, Any], Registry]:
    """Add a partner to a scenario (``fields`` default: all of the scenario's) or as an SDK.

    A field the scenario's row does not share is an error unless ``new_fields`` (the report's
    ``new_fields`` then lists them). The partner is its legal entity where one is known (an
    alias in data/recipients.yaml, a recipient of the registry by its exact name or a
    spelling), else as typed with a warning (``warnings``). Two steps: plan
    (:class:`PartnerChange`: resolve the names, decide the flows to add), then apply (the new
    registry, and the report from the graphs before and after; ``appendix_change`` is the row
    before and after in the policy's own columns).
    """
    if bool(scenario) == bool(sdk):
        raise SharegraphError("add-partner needs exactly one of --scenario or --sdk")
    app_resolved: dict[str, Any] = {}
    p = _policy(reg, app, app_resolved)
    G0 = build_graph(reg, app=p.app)
    change = _plan_add_partner(p, G0, partner, scenario=scenario, sdk=sdk, fields=fields, purpose=purpose,
                               new_fields=new_fields)
    change = dataclasses.replace(change, resolved={**app_resolved, **change.resolved})
    new_reg = _apply_partner(reg, change)
    G1 = build_graph(new_reg, app=p.app)
    return _partner_report(change, G0, G1), new_reg


def _field_to_add(G: nx.MultiDiGraph, text: str) -> str:
    """A field named for add-partner: the registry's or the vocabulary's own name first (a
    partner may receive a field no policy shares yet), else the one field that the rules of
    :mod:`lineage.names` find (AmbiguousFieldError where they find several)."""
    t = text.strip()
    if G.has_node(f"field:{t}"):
        return t
    entry = load_vocabulary().resolve_field(t)
    return entry.name if entry is not None else resolve_field_name(G, t)


def _blast(G: nx.MultiDiGraph, names: tuple[str, ...], app: str | None) -> dict[str, Any]:
    rows = [r for name in names for r in fields_of(G, name, app=app)]
    onward = sorted({r["recipient"] for name in names for r in _onward_rows(G, name, app)} - set(names))
    return {
        "recipient": names[0],
        "recipients": list(names),
        "apps": sorted({r["app"] for r in rows}),
        "fields": sorted({r["field"] for r in rows}),
        "sensitive_fields": sorted({r["field"] for r in rows if r["sensitive"]}),
        "scenarios": sorted({(r["app"], r["via"]) for r in rows if r["channel"] == "sharing"}),
        "sdks": sorted({(r["app"], r["via"]) for r in rows if r["channel"] == "sdk"}),
        "onward_processors": onward,
        "flows": len(rows),
    }


def _onward_rows(G: nx.MultiDiGraph, name: str, app: str | None) -> list[dict[str, Any]]:
    node = f"recipient:{name}"
    out = []
    for _, o, d in G.out_edges(node, data=True):
        if d["kind"] == "entrusts" and (app is None or d["app"] == app):
            out.append({"recipient": G.nodes[o]["name"]})
    return out


def blast_names(match: RecipientMatch, resolved: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keys every partner report has from its match (shared with the Neo4j backend):
    ``recipient`` (the recipient; for a brand of several, the brand as typed), ``recipients``
    (each one), ``matched`` (the text matched) and ``resolved`` (``{typed: name or [names]}``,
    ``{}`` when the names were typed as the registry writes them)."""
    return {
        "recipient": match.name if len(match.names) == 1 else match.query.strip(),
        "recipients": list(match.names),
        "matched": match.written,
        "resolved": {**(resolved or {}), **match.resolved},
    }


def breach(reg: Registry, partner: str, *, app: str | None = None) -> dict[str, Any]:
    """A partner breach: every field it holds, from which apps, scenarios and SDKs.

    A brand (``腾讯``) is every recipient of that brand (docs/names.md); ``app`` may be part of an app's name.
    """
    resolved: dict[str, Any] = {}
    name = _policy(reg, app, resolved).app if app else None
    report = breach_report(build_graph(reg, app=name), partner, app=name)
    report["resolved"] = {**resolved, **report["resolved"]}
    return report


def breach_report(G: nx.MultiDiGraph, partner: str, *, app: str | None = None) -> dict[str, Any]:
    """:func:`breach` on a graph already built (the networkx backend's)."""
    match = resolve_recipients(G, partner, app=app)
    report = {**_blast(G, match.names, app), **blast_names(match), "action": "breach"}
    report["scenarios"] = [{"app": a, "scenario": s} for a, s in report["scenarios"]]
    report["sdks"] = [{"app": a, "sdk": s} for a, s in report["sdks"]]
    return report


def remove_partner(reg: Registry, partner: str, *, app: str | None = None) -> tuple[dict[str, Any], Registry]:
    """Losing a partner: the blast radius, and fields left with no recipient in a scenario.

    A brand (``腾讯``) is every recipient of that brand, all lost (docs/names.md). With
    ``app`` (or part of its name), only that app's policy is read (a registry database holds
    the others on disk).
    """
    resolved: dict[str, Any] = {}
    app = _policy(reg, app, resolved).app if app else None
    G = build_graph(reg, app=app)
    match = resolve_recipients(G, partner, app=app)
    report = {**_blast(G, match.names, app), **blast_names(match, resolved), "action": "remove-partner"}
    gone = {*match.names, *report["onward_processors"]}
    new = _copy(reg)
    orphans: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for a in [app] if app else reg.apps:
        p = reg.policies[a]
        keep = tuple(f for f in p.flows if f.recipient not in gone)
        if len(keep) == len(p.flows):
            continue
        left: dict[tuple[str, str], set[str]] = defaultdict(set)
        for f in keep:
            left[(f.via, f.field)].add(f.recipient)
        for f in p.flows:
            if f.recipient in gone and not left.get((f.via, f.field)):
                o = {"app": a, "channel": f.channel.value, "via": f.via, "field": f.field}
                if o not in orphans:
                    orphans.append(o)
        used = {f.recipient for f in keep}
        new.add(dataclasses.replace(
            p, flows=keep, recipients=tuple(r for r in p.recipients if r.name in used or r.name not in gone)))
        changes += _rows_without(p, gone)
    report["scenarios"] = [{"app": a, "scenario": s} for a, s in report["scenarios"]]
    report["sdks"] = [{"app": a, "sdk": s} for a, s in report["sdks"]]
    report["loses_only_recipient"] = sorted(orphans, key=lambda o: (o["app"], o["via"], o["field"]))
    report["appendix_changes"] = changes
    return report, new


def _rows_without(p: Policy, gone: set[str]) -> list[dict[str, Any]]:
    """Each row of ``p``'s sharing list and SDK table that names a recipient of ``gone``: before,
    and after with those names left out of its recipient (provider) cell; ``after`` is ``None``
    where no recipient is left (the row goes)."""
    by_via: dict[tuple[Channel, str], list[Flow]] = defaultdict(list)
    for f in p.flows:
        by_via[(f.channel, f.via)].append(f)
    onward = {r.onward_of: r.name for r in p.recipients if r.onward_of and r.name not in gone}
    tables: list[Any] | None = None
    out: list[dict[str, Any]] = []
    rows: list[tuple[str, Scenario | SDK]] = [("sharing", s) for s in p.scenarios]
    rows += [("sdk", s) for s in p.sdks]
    for table, thing in rows:
        flows = by_via.get((Channel.SHARING if table == "sharing" else Channel.SDK, thing.name), [])
        written = {f.recipient_as_written for f in flows if f.recipient in gone}
        if not written:
            continue
        tables = appendix.read_tables(p) if tables is None else tables  # read once, only when a row changes
        principal = {f.recipient_as_written: f.recipient for f in flows if f.recipient not in gone}
        still = {f.recipient for f in flows} - gone

        def keeps_its_processors(item: str, principal: dict[str, str] = principal, still: set[str] = still) -> bool:
            return onward.get(principal.get(item, "")) in still

        role = "recipient" if table == "sharing" else "provider"
        if isinstance(thing, Scenario):
            before = appendix.scenario_row(p, thing, tables)
        else:
            before = appendix.sdk_row(p, thing, tables)
        after: appendix.TableRow | None = before.without_items(role, written, keeps_its_processors)
        if after is not None and not after.cell(role):
            after = None
        ev = thing.evidence
        change = {"app": p.app, "table": table, "row": ev.row if ev else None, "line": ev.line if ev else None,
                  table if table == "sdk" else "scenario": thing.name, **_rows(before, after, None)}
        if after is not None and not change["changed"]:
            change["note"] = (f"the cell names {', '.join(sorted(written))} only as part of a longer item: "
                              "rewrite it by hand")
        out.append(change)
    return out
