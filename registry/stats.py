"""Counts of what a registry holds, each defined once (docs/counts.md).

``sharegraph stats`` counts a registry's policies, the HTML, Markdown and XLSX exports
count the flow rows they show; both go through the definitions here, so the same
registry gives the same numbers everywhere:

* **flows**: the rows field → scenario or SDK → recipient, one per field as the policy
  lists it, per recipient (an onward processor too). A group listed with its members
  (``借款相关信息（借款金额、借款日期…）``) gives one row for the group and one per member;
  those group rows are counted apart as ``group_flows``, the member rows as
  ``implied_flows``.
* **fields**: the distinct data fields that reach at least one recipient. A group name
  written with its members is a heading, not a field of its own: the members count.
  A group written bare (``设备信息``) is a field. Fields the app only reads through a
  device permission, and that no recipient gets, are ``permission_only_fields``.
* **sensitive fields**: those of the fields that ``data/fields.yaml`` marks sensitive
  (PIPL Art. 28, GB/T 35273-2020 Annex B).
* **permissions**: the distinct device permissions of the permission table; one listed for
  iOS and for Android counts once (``permission_rows`` counts the table's rows).
* **recipients**: the distinct recipients of the flows (legal entities, brands, unnamed
  categories, onward processors).

Over several apps, flows, rows and permissions add up; fields and recipients are distinct
names, counted once however many apps name them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from registry.model import Flow, Policy, Registry


def caption(counts: Mapping[str, Any]) -> str:
    """One sentence saying what the counts count, for under a table of them (docs/counts.md).

    >>> print(caption({"group_flows": 2, "permission_only_fields": 0}))  # doctest: +NORMALIZE_WHITESPACE
    Counted (docs/counts.md): fields = distinct fields that reach a recipient, a group listed with
    its members counted as its members; sensitive = those data/fields.yaml marks sensitive (PIPL
    Art. 28); permissions = distinct permissions, iOS and Android together; flows = rows field →
    scenario/SDK → recipient, 2 of them a group's own row.
    """
    fields = "fields = distinct fields that reach a recipient, a group listed with its members counted as its members"
    only = counts.get("permission_only_fields")
    if only:
        fields += f" ({only} more only read through a device permission)"
    flows = "flows = rows field → scenario/SDK → recipient"
    groups = counts.get("group_flows")
    if groups:
        flows += f", {groups} of them a group's own row"
    parts = [fields, "sensitive = those data/fields.yaml marks sensitive (PIPL Art. 28)"]
    if "permissions" in counts or "permission_only_fields" in counts:
        parts.append("permissions = distinct permissions, iOS and Android together")
    parts.append(flows)
    return "Counted (docs/counts.md): " + "; ".join(parts) + "."


def heading_flags(cells: Sequence[Hashable], fields: Sequence[str],
                  implied: Sequence[str | None]) -> list[bool]:
    """For each flow, whether it is a group's heading: its field is a group whose members the
    same cell lists (another flow of that cell has ``implied_via`` = this field).

    ``cells`` identifies the cell each flow was read from (app, channel, scenario or SDK, line).

    >>> cell = ("app", "sharing", "贷后管理", 2375)
    >>> heading_flags([cell] * 3, ["借款相关信息", "借款金额", "姓名"], [None, "借款相关信息", None])
    [True, False, False]
    """
    groups = {(c, g) for c, g in zip(cells, implied, strict=True) if g}
    return [(c, f) in groups for c, f in zip(cells, fields, strict=True)]


def row_headings(rows: Sequence[Mapping[str, Any]]) -> list[bool]:
    """:func:`heading_flags` of flow rows (:func:`lineage.flows.flow_row`)."""
    cells = [(r["app"], r["channel"], r["via"], r["evidence"]["file"], r["evidence"]["line"]) for r in rows]
    return heading_flags(cells, [r["field"] for r in rows], [r["implied_via"] for r in rows])


def flow_headings(flows: Sequence[Flow]) -> list[bool]:
    """:func:`heading_flags` of one policy's flows."""
    cells = [(str(f.channel), f.via, f.evidence.file, f.evidence.line) for f in flows]
    return heading_flags(cells, [f.field for f in flows], [f.implied_via for f in flows])


def counted_fields(fields: Iterable[tuple[str, bool]], headings: Iterable[bool]) -> dict[str, bool]:
    """The fields a count counts (name → sensitive), leaving out the rows that are headings."""
    out: dict[str, bool] = {}
    for (name, sensitive), heading in zip(fields, headings, strict=True):
        if not heading:
            out[name] = out.get(name, False) or sensitive
    return out


def row_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The counts of flow rows (an export's selection) by the module's definitions.

    ``fields`` and ``sensitive_fields`` are sorted name lists here (the exports show them);
    ``flows``, ``group_flows``, ``implied_flows``, ``recipients``, ``scenarios`` and ``sdks``
    are numbers.
    """
    heads = row_headings(rows)
    fields = counted_fields(((r["field"], bool(r["sensitive"])) for r in rows), heads)
    return {
        "flows": len(rows),
        "group_flows": sum(heads),
        "implied_flows": sum(1 for r, h in zip(rows, heads, strict=True) if r["implied_via"] and not h),
        "fields": sorted(fields),
        "sensitive_fields": sorted(f for f, s in fields.items() if s),
        "recipients": len({r["recipient"] for r in rows}),
        "scenarios": len({(r["app"], r["via"]) for r in rows if r["channel"] == "sharing"}),
        "sdks": len({(r["app"], r["via"]) for r in rows if r["channel"] == "sdk"}),
    }


def permission_platforms(p: Policy) -> dict[str, list[str]]:
    """Each distinct permission of the policy and the platforms it is listed for, in table order."""
    out: dict[str, list[str]] = {}
    for perm in p.permissions:
        platforms = out.setdefault(perm.name, [])
        if perm.platform and perm.platform not in platforms:
            platforms.append(perm.platform)
    return out


def _policy_fields(p: Policy) -> tuple[dict[str, bool], list[str]]:
    """(counted fields → sensitive, permission-only field names) of one policy."""
    sensitive = {f.name: f.sensitive for f in p.fields}
    flows = p.flows
    fields = counted_fields(((f.field, sensitive.get(f.field, False)) for f in flows), flow_headings(flows))
    shared = {f.field for f in flows}
    granted = {name for perm in p.permissions for name in perm.fields}
    return fields, sorted(granted - shared)


def policy_stats(p: Policy) -> dict[str, Any]:
    """Counts of one policy (rows, SDKs, permissions, recipients, fields, flows) and its unresolved
    fields, as the module defines them."""
    fields, permission_only = _policy_fields(p)
    heads = flow_headings(p.flows)
    unresolved = p.unresolved_fields
    return {
        "sharing_rows": len(p.scenarios),
        "sdks": len(p.sdks),
        "permissions": len(permission_platforms(p)),
        "permission_rows": len(p.permissions),
        "recipients": len({f.recipient for f in p.flows}),
        "fields": len(fields),
        "sensitive_fields": sum(fields.values()),
        "permission_only_fields": len(permission_only),
        "permission_only_field_names": permission_only,
        "flows": len(p.flows),
        "group_flows": sum(heads),
        "implied_flows": sum(1 for f, h in zip(p.flows, heads, strict=True) if f.implied_via and not h),
        "unresolved_fields": len(unresolved),
        "unresolved_field_names": unresolved,
    }


IMPORT_COUNTS = ("sharing_rows", "sdks", "permissions", "permission_rows", "recipients", "fields",
                 "sensitive_fields", "flows")
"""What ``sharegraph import`` reports of each document: the same counts as ``stats``."""

SUMMED = ("sharing_rows", "sdks", "permissions", "permission_rows", "flows", "group_flows", "implied_flows")
"""The counts that add up over apps (a row, a permission or a flow of each app is its own)."""


STORED = ("stats", 1)
"""``(question, version)`` of the counts a registry database stores with each app
(``app_answers``, written by :meth:`registry.database.Writer.put`): :func:`app_counts`."""


def app_counts(p: Policy) -> dict[str, Any]:
    """What the totals over apps need of one policy: its :func:`policy_stats` (``counts``), the
    recipients of its flows, its counted fields (name → sensitive) and its permission-only
    fields. A registry database stores it with the app (JSON), so that ``stats`` over a
    thousand apps reads a row per app instead of every app's flows."""
    fields, permission_only = _policy_fields(p)
    return {"counts": policy_stats(p), "recipients": sorted({f.recipient for f in p.flows}),
            "fields": fields, "permission_only": permission_only}


def stats(reg: Registry, *, app: str | None = None) -> dict[str, Any]:
    """Counts for one app, or totals over all apps with a per-app breakdown.

    Over a registry database, each app's counts are read from those stored with it (an app
    written before they were stored is read whole).

    >>> from registry import open_registry
    >>> s = stats(open_registry())
    >>> s["sharing_rows"], s["sdks"], s["permissions"], s["permission_rows"]
    (13, 15, 12, 20)
    """
    if app is not None:
        if app not in reg.policies:
            reg.policy(app)
        return {"app": app, **policy_stats(reg.policies[app])}
    stored = getattr(reg.policies, "stored_answers", None)
    rows = {a: c for a, c in (stored(*STORED) if stored is not None else {}).items()
            if isinstance(c, dict) and {"counts", "recipients", "fields", "permission_only"} <= c.keys()}
    each = {a: rows[a] if a in rows else app_counts(reg.policies[a]) for a in sorted(reg.policies)}
    per_app = {a: c["counts"] for a, c in each.items()}
    total: dict[str, Any] = {"apps": len(per_app)}
    for key in SUMMED:
        total[key] = sum(s[key] for s in per_app.values())
    total["recipients"] = len({r for c in each.values() for r in c["recipients"]})
    fields: dict[str, bool] = {}
    permission_only: set[str] = set()
    for c in each.values():
        for name, sensitive in c["fields"].items():
            fields[name] = fields.get(name, False) or sensitive
        permission_only.update(c["permission_only"])
    total["fields"] = len(fields)
    total["sensitive_fields"] = sum(fields.values())
    total["permission_only_field_names"] = sorted(permission_only - set(fields))
    total["permission_only_fields"] = len(total["permission_only_field_names"])
    names = sorted({n for s in per_app.values() for n in s["unresolved_field_names"]})
    total["unresolved_fields"] = len(names)
    total["unresolved_field_names"] = names
    if len(per_app) <= 50:
        total["per_app"] = per_app
    return total
