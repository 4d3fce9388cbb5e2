"""How a policy's flows fold into the edges of the lineage graph, written once.

A row of a sharing list gives each of its fields to each of its recipients, so the graph
(:mod:`lineage.graph`, model in ``docs/graph-model.md``) stores a flow as two edges: the
field *flows into* a scenario or SDK, the scenario or SDK is *received by* a recipient
(and a recipient *entrusts* its onward processors). Which flow decides what each edge
says — the first flow of a field and scenario gives the field's spelling and evidence,
the first flow of a scenario and recipient gives the recipient's spelling and line, the
least sure reading of all of them wins — is decided here, for the graph built in memory
and for the edge tables of the registry database (:mod:`registry.database`) alike, so a
question answered from either gives the same rows.

>>> from registry import open_registry
>>> seed = open_registry().policy("你我贷")
>>> e = fold_flows(seed)
>>> len(e.flows) < len(seed.flows)     # a row of many recipients is one edge per field
True
>>> sorted({r.via for r in e.received if r.recipient == "百行征信有限公司"})
['风控审核、信用初审']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.model import Evidence, Flow, Policy, RecipientKind

ViaKey = tuple[str, str]
"""A scenario or SDK of one app: ``(channel, name)``."""

READING_DEFAULTS: dict[str, str] = {"form": "table", "confidence": "high", "note": ""}
"""How a flow was read, where nothing else is said: a row of a table, read with no guess."""

FORMS = ("table", "records", "prose")
""":attr:`registry.model.Flow.form`, from the most structured to the least."""
CONFIDENCES = ("high", "low")


@dataclass(slots=True)
class FlowEdge:
    """A field flowing into one scenario or SDK (once per group it is listed under)."""

    field: str
    channel: str
    via: str
    implied_via: str | None
    as_written: str
    evidence: Evidence
    qualifiers: tuple[str, ...] = ()


@dataclass(slots=True)
class ReceivedBy:
    """A scenario or SDK received by one recipient; ``fields`` None: every field of it."""

    channel: str
    via: str
    recipient: str
    as_written: str
    line: int
    file: str
    fields: tuple[str, ...] | None = None
    reading: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Entrusts:
    """A recipient entrusting an onward processor with what it gets through ``vias``.

    ``fields_by_via``: per scenario or SDK, the fields the processor gets (None: all of them).
    """

    base: str
    onward: str
    vias: dict[ViaKey, tuple[str, ...] | None]
    as_written: str
    line: int
    reading: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PolicyEdges:
    """The edges of one policy's flows, each list in the order its first flow comes."""

    flows: list[FlowEdge]
    received: list[ReceivedBy]
    entrusts: list[Entrusts]


def fold_flows(p: Policy) -> PolicyEdges:
    """The flow edges of ``p``: see the module's docstring for which flow decides what."""
    onward = {r.name: r.onward_of for r in p.recipients if r.kind is RecipientKind.ONWARD and r.onward_of}
    flows: dict[tuple[str, str, str, str | None], FlowEdge] = {}
    via_fields: dict[ViaKey, set[str]] = {}
    recv: dict[tuple[str, str, str], list[Any]] = {}   # [edge, fields, readings]
    entrust: dict[tuple[str, str], list[Any]] = {}     # [first flow, {via: fields}, readings]
    for fl in p.flows:
        channel = fl.channel.value
        via: ViaKey = (channel, fl.via)
        key = (fl.field, channel, fl.via, fl.implied_via)
        fe = flows.get(key)
        if fe is None:
            flows[key] = FlowEdge(fl.field, channel, fl.via, fl.implied_via, fl.field_as_written, fl.evidence,
                                  fl.qualifiers)
        elif fl.qualifiers and not set(fl.qualifiers) <= set(fe.qualifiers):
            # another row of the same name wrote the field again: keep its words too
            fe.qualifiers = tuple(dict.fromkeys((*fe.qualifiers, *fl.qualifiers)))
        via_fields.setdefault(via, set()).add(fl.field)
        base = onward.get(fl.recipient)
        if base is not None:
            acc = entrust.setdefault((base, fl.recipient), [fl, {}, []])
            acc[1].setdefault(via, set()).add(fl.field)
        else:
            acc = recv.setdefault((channel, fl.via, fl.recipient), [fl, set(), []])
            acc[1].add(fl.field)
        if fl.note or fl.confidence != "high" or fl.form != "table":  # (hot loop: no call for most)
            _note_reading(acc[2], fl)
    received = []
    for (channel, via, rname), (first, fields, readings) in recv.items():
        subset = None if fields >= via_fields[(channel, via)] else tuple(sorted(fields))
        received.append(ReceivedBy(channel, via, rname, first.recipient_as_written, first.recipient_line,
                                   first.evidence.file, subset, merged_reading(readings)))
    entrusts = [
        Entrusts(base, name, {v: (None if fs >= via_fields[v] else tuple(sorted(fs))) for v, fs in vias.items()},
                 first.recipient_as_written, first.recipient_line, merged_reading(readings))
        for (base, name), (first, vias, readings) in entrust.items()
    ]
    return PolicyEdges(list(flows.values()), received, entrusts)


def _note_reading(readings: list[tuple[str, str, str]], fl: Flow) -> None:
    reading = (fl.form, fl.confidence, fl.note)
    if reading not in readings:
        readings.append(reading)


def merged_reading(readings: Any) -> dict[str, str]:
    """The ``form``, ``confidence`` and ``note`` a received_by or entrusts edge carries: only
    those that differ from :data:`READING_DEFAULTS` (most edges carry none).

    The rows behind one edge (a scenario name used by several rows, several sentences about
    one vendor) were read in different ways: the least structured form and the lowest
    confidence win, and the distinct notes are joined with ``; ``, so that a guess is never
    hidden behind a sure reading.

    >>> merged_reading([("table", "low", "line 11: shifted"), ("prose", "high", "line 4: a sentence")])
    {'form': 'prose', 'confidence': 'low', 'note': 'line 11: shifted; line 4: a sentence'}
    >>> merged_reading([])
    {}
    """
    if not readings:
        return {}
    out: dict[str, str] = {}
    form = max((r[0] for r in readings), key=lambda f: FORMS.index(f) if f in FORMS else len(FORMS))
    conf = max((r[1] for r in readings),
               key=lambda c: CONFIDENCES.index(c) if c in CONFIDENCES else len(CONFIDENCES))
    note = "; ".join(dict.fromkeys(r[2] for r in readings if r[2]))
    for k, val in (("form", form), ("confidence", conf), ("note", note)):
        if val != READING_DEFAULTS[k]:
            out[k] = val
    return out
