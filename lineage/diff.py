"""What changed between two registries (two versions of a policy).

>>> from registry import open_registry
>>> d = diff(open_registry(), open_registry())
>>> d["changed"]
False
"""

from __future__ import annotations

from typing import Any

from registry.model import Policy, Registry
from registry.suggest import check_app


def _flow_key(f: Any) -> tuple[str, str, str, str, str]:
    return (f.field, f.channel.value, f.via, f.recipient, f.implied_via or "")


def _pairs(old: Registry, new: Registry, app: str | None) -> list[tuple[str, Policy | None, Policy | None]]:
    if app is not None:
        if app not in old.policies and app not in new.policies:
            check_app(set(old.apps) | set(new.apps), app)
        return [(app, old.policies.get(app), new.policies.get(app))]
    if len(old.policies) == 1 and len(new.policies) == 1 and old.apps != new.apps:
        # one policy each under different names: compare them as two versions of one app
        return [(f"{old.apps[0]} → {new.apps[0]}", old.policies[old.apps[0]], new.policies[new.apps[0]])]
    apps = sorted(set(old.apps) | set(new.apps))
    return [(a, old.policies.get(a), new.policies.get(a)) for a in apps]


def _names(items: Any) -> set[str]:
    return {x.name for x in items} if items else set()


def diff_policies(app: str, old: Policy | None, new: Policy | None) -> dict[str, Any]:
    """What changed in one app between two imports: fields and flows added or removed."""
    o_fields = {f.name: f for f in old.fields} if old else {}
    n_fields = {f.name: f for f in new.fields} if new else {}
    sens = {n for n, f in {**o_fields, **n_fields}.items() if f.sensitive}
    o_flows = {_flow_key(f): f for f in old.flows} if old else {}
    n_flows = {_flow_key(f): f for f in new.flows} if new else {}

    def rows(keys: set[tuple[str, ...]], src: dict[Any, Any]) -> list[dict[str, Any]]:
        out = []
        for k in keys:
            f = src[k]
            out.append({"field": f.field, "sensitive": f.field in sens, "channel": f.channel.value,
                        "via": f.via, "recipient": f.recipient, "implied_via": f.implied_via,
                        "evidence": {"file": f.evidence.file, "line": f.evidence.line}})
        return sorted(out, key=lambda r: (not r["sensitive"], r["field"], r["via"], r["recipient"],
                                          r["implied_via"] or ""))

    added = rows(set(n_flows) - set(o_flows), n_flows)
    removed = rows(set(o_flows) - set(n_flows), o_flows)
    o_sc = {s.name: s for s in old.scenarios} if old else {}
    n_sc = {s.name: s for s in new.scenarios} if new else {}
    changed_sc = [
        {"scenario": n, "purpose": [o_sc[n].purpose, n_sc[n].purpose],
         "frequency": [o_sc[n].frequency, n_sc[n].frequency]}
        for n in sorted(set(o_sc) & set(n_sc))
        if (o_sc[n].purpose, o_sc[n].frequency) != (n_sc[n].purpose, n_sc[n].frequency)
    ]
    sensitivity = sorted(
        {"field": n, "was": o_fields[n].sensitive, "now": n_fields[n].sensitive}.items()
        for n in set(o_fields) & set(n_fields) if o_fields[n].sensitive != n_fields[n].sensitive
    )
    d: dict[str, Any] = {
        "app": app,
        "status": "added" if old is None else "removed" if new is None else "compared",
        "sensitive": {
            "flows_added": [r for r in added if r["sensitive"]],
            "flows_removed": [r for r in removed if r["sensitive"]],
            "fields_added": sorted(n for n in set(n_fields) - set(o_fields) if n in sens),
            "fields_removed": sorted(n for n in set(o_fields) - set(n_fields) if n in sens),
            "sensitivity_changed": [dict(x) for x in sensitivity],
        },
        "recipients": {"added": sorted(_names(new.recipients if new else ()) - _names(old.recipients if old else ())),
                       "removed": sorted(_names(old.recipients if old else ()) - _names(new.recipients if new else ()))},
        "fields": {"added": sorted(set(n_fields) - set(o_fields)), "removed": sorted(set(o_fields) - set(n_fields))},
        "scenarios": {"added": sorted(set(n_sc) - set(o_sc)), "removed": sorted(set(o_sc) - set(n_sc)),
                      "changed": changed_sc},
        "sdks": {"added": sorted(_names(new.sdks if new else ()) - _names(old.sdks if old else ())),
                 "removed": sorted(_names(old.sdks if old else ()) - _names(new.sdks if new else ()))},
        "flows": {"added": added, "removed": removed},
    }
    d["changed"] = any([
        d["status"] != "compared", added, removed, changed_sc, sensitivity,
        d["recipients"]["added"], d["recipients"]["removed"], d["fields"]["added"], d["fields"]["removed"],
        d["scenarios"]["added"], d["scenarios"]["removed"], d["sdks"]["added"], d["sdks"]["removed"],
    ])
    return d


def diff(old: Registry, new: Registry, *, app: str | None = None) -> dict[str, Any]:
    """Recipients, fields, scenarios, SDKs and flows added or removed; sensitive changes first."""
    apps = [diff_policies(a, o, n) for a, o, n in _pairs(old, new, app)]
    return {"changed": any(a["changed"] for a in apps), "apps": apps}
