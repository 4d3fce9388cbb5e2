"""One row per recipient: the flow rows of a question, summarized for people.

``who-receives 身份证号`` states 46 flows to 45 recipients of the seed, and ``设备信息`` more
than two hundred: one row per (field, recipient, scenario or SDK) is the data, but not what
a DPO reads. :func:`by_recipient` folds the rows of any backend (networkx, the registry
database's SQL, Neo4j: they give the same rows, so the same summary) into one row per
recipient, or per app and recipient: how the policy names it (each spelling beside the legal
name it resolved to: 小米 beside 小米移动软件有限公司), through which channels, scenarios and
SDKs, whether the rows write the field or imply it, which apps. One pass, no lookups: on a
registry of a thousand apps it costs far less than drawing the flows it replaces.

>>> rows = [
...     {"app": "a", "field": "IMEI", "recipient": "小米移动软件有限公司", "recipient_as_written": "小米",
...      "recipient_kind": "company", "onward_of": None, "channel": "sharing", "via": "推送通知",
...      "relation": "implied", "implied_via": "设备信息", "sensitive": False,
...      "evidence": {"file": "p.txt", "line": 9}, "form": "table", "confidence": "high"},
...     {"app": "a", "field": "IMEI", "recipient": "小米移动软件有限公司",
...      "recipient_as_written": "小米移动软件有限公司", "recipient_kind": "company", "onward_of": None,
...      "channel": "sdk", "via": "小米推送SDK", "relation": "explicit", "implied_via": None,
...      "sensitive": False, "evidence": {"file": "p.txt", "line": 5}, "form": "table", "confidence": "high"}]
>>> s = by_recipient(rows)[0]
>>> s["recipient"], s["as_written"], s["how"], s["channels"], s["via"], s["flows"]
('小米移动软件有限公司', ['小米'], ['explicit', 'implied (设备信息)'], ['sharing', 'sdk'], ['推送通知', '小米推送SDK'], 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

_HOW_RANK = {"explicit": 0, "implied": 1, "member": 2, "possible": 3}


def how(row: dict[str, Any]) -> str:
    """How a flow row reaches the field asked, in a few words: ``explicit``; ``implied (设备信息)``
    (the row lists it inside that group); ``member`` (the field asked is a group, the row one of its
    fields'); ``possible (设备信息)`` (the row shares the group without listing it: ``--possible``).

    >>> how({"relation": "group", "implied_via": "设备信息"})
    'possible (设备信息)'
    """
    rel = row["relation"]
    if rel == "implied":
        return f"implied ({row['implied_via']})"
    if rel == "group":
        return f"possible ({row['implied_via']})"
    return rel


def read_mark(row: dict[str, Any]) -> str:
    """``prose`` for a fact read from a sentence, ``?`` for a reading that took a guess, both, or ``''``."""
    return ("prose" if row.get("form") == "prose" else "") + ("?" if row.get("confidence") == "low" else "")


def by_recipient(rows: Iterable[dict[str, Any]], *, per_app: bool = False,
                 evidence: bool = True) -> list[dict[str, Any]]:
    """The rows folded into one per recipient (``per_app``: one per app and recipient), in the
    order each recipient first appears among the rows.

    Each summary has ``recipient``, ``as_written`` (the spellings that differ from the name),
    ``kind``, ``onward_of``, ``how`` (:func:`how`, strongest first), ``fields`` and
    ``sensitive_fields``, ``channels``, ``via`` (scenarios and SDKs), ``apps``, ``flows`` (rows
    folded), ``read`` (:func:`read_mark` of any row) and, unless ``evidence`` is false,
    ``evidence`` (``file:line`` of each row); ``app`` with ``per_app``. Lists keep the rows'
    order, without repeats.

    An answer that can summarize itself without building its rows (``lean_summary``: the
    registry database's, :class:`lineage.deferred.DeferredAnswer`) does so.
    """
    lean = getattr(rows, "lean_summary", None)
    if lean is not None:
        done = lean(per_app=per_app, evidence=evidence)
        if done is not None:
            return done
    return summarize(map(summary_row, rows), per_app=per_app, evidence=evidence)


SummaryRow = tuple[Any, ...]
"""What :func:`summarize` reads of a flow row: ``(app, recipient, kind, onward_of, as_written,
relation, implied_via, field, sensitive, channel, via, form, confidence, evidence)``, evidence
as ``file:line`` or None."""


def summary_row(r: dict[str, Any]) -> SummaryRow:
    """The :data:`SummaryRow` of a flow row."""
    ev = r.get("evidence")
    return (r["app"], r["recipient"], r["recipient_kind"], r.get("onward_of"), r.get("recipient_as_written"),
            r["relation"], r.get("implied_via"), r["field"], r.get("sensitive"), r["channel"], r["via"],
            r.get("form"), r.get("confidence"), f"{ev.get('file')}:{ev.get('line')}" if ev else None)


def lean_summary_rows(flows: Iterable[tuple[Any, ...]], kinds: dict[str, str], sensitive: dict[str, bool],
                      places: dict[tuple[int, int], str] | None = None) -> Iterator[SummaryRow]:
    """The :data:`SummaryRow` of each lean flow of a registry database
    (:data:`registry.edge_rows.LEAN_KEY`), given each recipient's kind, each field's sensitivity
    and, for evidence, the ``file:line`` of each evidence (by ``(app_id, evidence_id)``)."""
    places = places or {}
    return ((f[0], f[3], kinds.get(f[3]), f[13], f[12], f[5], f[11], f[4], sensitive[f[4]], f[1], f[2], f[14], f[15],
             places.get((f[16], f[17]))) for f in flows)


def summarize(rows: Iterable[SummaryRow], *, per_app: bool = False, evidence: bool = True) -> list[dict[str, Any]]:
    """:func:`by_recipient` of rows given as :data:`SummaryRow` tuples, in the rows' order."""
    # each summary is a list while rows are folded into it (a registry of a thousand apps folds a
    # hundred thousand): app, name, kind, onward_of, then as_written, how, fields, sensitive_fields,
    # channels, via, apps (dicts as ordered sets), flows, read, evidence
    out: dict[Any, list[Any]] = {}
    labels: dict[tuple[str, str | None], str] = {}
    for app, name, kind, onward_of, written, rel, implied_via, field, sensitive, channel, via, form, conf, ev in rows:
        key = (app, name) if per_app else name
        a = out.get(key)
        if a is None:
            a = out[key] = [app, name, kind, onward_of, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}]
        if written and written != name:
            a[4][written] = None
        label = labels.get((rel, implied_via))
        if label is None:
            label = labels[(rel, implied_via)] = how({"relation": rel, "implied_via": implied_via})
        a[5][label] = None
        a[6][field] = None
        if sensitive:
            a[7][field] = None
        a[8][channel] = None
        a[9][via] = None
        a[10][app] = None
        a[11] += 1
        if form == "prose" or conf == "low":
            a[12][("prose" if form == "prose" else "") + ("?" if conf == "low" else "")] = None
        if evidence and ev:
            a[13][ev] = None
    result = []
    for app, name, kind, onward_of, written, hows, fields, sens, channels, vias, apps, n, read, evs in out.values():
        channel_list = list(channels)
        marks = "".join(read)
        s = {
            **({"app": app} if per_app else {}),
            "recipient": name, "as_written": list(written), "kind": kind, "onward_of": onward_of,
            "how": sorted(hows, key=lambda h: _HOW_RANK.get(h.split(" ")[0], 9)),
            "fields": list(fields), "sensitive_fields": list(sens),
            "channels": ["sharing", "sdk"] if channel_list == ["sdk", "sharing"] else channel_list,
            "via": list(vias), "apps": list(apps), "flows": n,
            "read": ("prose" if "prose" in marks else "") + ("?" if "?" in marks else ""),
        }
        if evidence:
            s["evidence"] = list(evs)
        result.append(s)
    return result


def no_entity_reason(kind: str, onward_of: str | None = None) -> str:
    """Why a recipient of :data:`registry.model.NO_ENTITY_KINDS` is listed, in a few words.

    >>> no_entity_reason("brand"), no_entity_reason("onward", "广西嘉数信息科技有限公司")
    ('a brand no row ties to a legal entity', 'an unnamed processor 广西嘉数信息科技有限公司 entrusts')
    """
    if kind == "onward":
        return f"an unnamed processor {onward_of or 'a recipient'} entrusts"
    if kind == "brand":
        return "a brand no row ties to a legal entity"
    return "a kind of recipient, not a name"
