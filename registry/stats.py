"""Counts of what a registry holds."""

from __future__ import annotations

from typing import Any

from registry.model import Policy, Registry


def policy_stats(p: Policy) -> dict[str, Any]:
    """Counts of one policy (rows, SDKs, recipients, fields, flows) and its unresolved fields."""
    unresolved = p.unresolved_fields
    return {
        "sharing_rows": len(p.scenarios),
        "sdks": len(p.sdks),
        "permissions": len(p.permissions),
        "recipients": len(p.recipients),
        "fields": len(p.fields),
        "sensitive_fields": sum(f.sensitive for f in p.fields),
        "flows": len(p.flows),
        "implied_flows": sum(f.implied_via is not None for f in p.flows),
        "unresolved_fields": len(unresolved),
        "unresolved_field_names": unresolved,
    }


def stats(reg: Registry, *, app: str | None = None) -> dict[str, Any]:
    """Counts for one app, or totals over all apps with a per-app breakdown.

    >>> from registry import open_registry
    >>> s = stats(open_registry())
    >>> s["sharing_rows"], s["sdks"]
    (13, 15)
    """
    if app is not None:
        if app not in reg.policies:
            reg.policy(app)
        return {"app": app, **policy_stats(reg.policies[app])}
    per_app = {a: policy_stats(p) for a, p in sorted(reg.policies.items())}
    total: dict[str, Any] = {"apps": len(per_app)}
    for key in ("sharing_rows", "sdks", "permissions", "flows", "implied_flows"):
        total[key] = sum(s[key] for s in per_app.values())
    total["recipients"] = len({r.name for p in reg.policies.values() for r in p.recipients})
    total["fields"] = len({f.name for p in reg.policies.values() for f in p.fields})
    total["sensitive_fields"] = len({f.name for p in reg.policies.values() for f in p.fields if f.sensitive})
    names = sorted({n for p in reg.policies.values() for n in p.unresolved_fields})
    total["unresolved_fields"] = len(names)
    total["unresolved_field_names"] = names
    if len(per_app) <= 50:
        total["per_app"] = per_app
    return total
