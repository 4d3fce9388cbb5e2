"""An import that replaces an app: what changed, and when to refuse it.

A truncated or broken policy can still parse (the seed cut at byte 18,290 reads as its
permission table alone, 0 flows). Written over a good import, it would lose the app's
sharing list without a word. So:

* an import that finds no flows is an error (:class:`~registry.errors.ImportRefusedError`),
  whether or not the app was in the registry: an app is there for its flows;
* replacing an app whose flows are mostly (more than :data:`MOST`) or all gone is refused
  unless the caller says ``replace=True`` (``sharegraph import --replace``);
* any other replacement is allowed and described: flows before -> after, and the
  summary of ``sharegraph diff`` (flows, sensitive flows, recipients, fields added and removed).

>>> from registry import open_registry
>>> p = open_registry().policies["你我贷"]
>>> check_replacement(p, p).line()
'replaced 你我贷: 1154 -> 1154 flows (no change)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.errors import ImportRefusedError
from registry.model import Policy

MOST = 0.5
"""A replacement that removes more than this share of an app's flows needs ``--replace``."""


@dataclass
class Replacement:
    """What replacing ``app``'s policy changes."""

    app: str
    flows_before: int
    flows_after: int
    changes: dict[str, Any] = field(default_factory=dict)
    """Counts and names from :func:`lineage.diff.diff_policies` (added/removed)."""

    @property
    def removed_share(self) -> float:
        """The share of the app's old flows that re-importing removes (0 when it had none)."""
        return self.changes.get("flows_removed", 0) / self.flows_before if self.flows_before else 0.0

    def line(self) -> str:
        """``replaced APP: N -> M flows (+a -r; sensitive +x -y; recipients -k: …; fields +i -j)``."""
        c = self.changes
        parts: list[str] = []
        if c["flows_added"] or c["flows_removed"]:
            parts.append(f"+{c['flows_added']} -{c['flows_removed']}")
        if c["sensitive_flows_added"] or c["sensitive_flows_removed"]:
            parts.append(f"sensitive +{c['sensitive_flows_added']} -{c['sensitive_flows_removed']}")
        for what in ("recipients", "fields", "scenarios", "sdks"):
            added, removed = c[f"{what}_added"], c[f"{what}_removed"]
            if added or removed:
                names = ", ".join(removed[:3]) + (" …" if len(removed) > 3 else "")
                parts.append(f"{what} +{len(added)} -{len(removed)}" + (f" ({names} gone)" if removed else ""))
        return (f"replaced {self.app}: {self.flows_before} -> {self.flows_after} flows ("
                + ("; ".join(parts) or "no change") + ")")

    def as_dict(self) -> dict[str, Any]:
        """The replacement as JSON-ready data."""
        return {"app": self.app, "flows_before": self.flows_before, "flows_after": self.flows_after,
                **self.changes}


def check_replacement(old: Policy | None, new: Policy, *, replace: bool = False,
                      source: str | None = None) -> Replacement | None:
    """None for a new app; the :class:`Replacement` of ``old`` by ``new``; or a refusal.

    Raises :class:`ImportRefusedError` when ``new`` has no flows, or when it removes
    more than :data:`MOST` of ``old``'s flows and ``replace`` is False. ``source`` names
    the document in the message.
    """
    where = f"{source}: " if source else ""
    if not new.flows:
        tables = ", ".join(sorted({k for k, n in (("permission table", len(new.permissions)),
                                                  ("SDK table", len(new.sdks)),
                                                  ("sharing list", len(new.scenarios))) if n}))
        found = f" (found only: {tables})" if tables else ""
        kept = f"; the registry keeps {new.app}'s {len(old.flows)} flows" if old is not None else ""
        raise ImportRefusedError(f"{where}no flows found for {new.app}{found}: is the document cut short? "
                                 f"nothing imported{kept}")
    if old is None:
        return None
    from lineage.diff import diff_policies

    d = diff_policies(new.app, old, new)
    s = d["sensitive"]
    rep = Replacement(new.app, len(old.flows), len(new.flows), {
        "flows_added": len(d["flows"]["added"]), "flows_removed": len(d["flows"]["removed"]),
        "sensitive_flows_added": len(s["flows_added"]), "sensitive_flows_removed": len(s["flows_removed"]),
        **{f"{what}_{how}": d[what][how] for what in ("recipients", "fields", "scenarios", "sdks")
           for how in ("added", "removed")},
    })
    if rep.removed_share > MOST and not replace:
        lost = "all" if rep.changes["flows_removed"] == rep.flows_before else f"{rep.removed_share:.0%}"
        raise ImportRefusedError(
            f"{where}would replace {new.app} and lose {lost} of its {rep.flows_before} flows "
            f"({rep.flows_before} -> {rep.flows_after}); nothing written: check the document, "
            "or give --replace to replace it anyway")
    return rep
