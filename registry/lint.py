"""Names a registry holds that the vocabulary in ``data/`` does not resolve.

Names are checked against the vocabulary as it is now, so a DPO who adds an
alias to ``data/fields.yaml`` sees the entry leave the list without a re-import.
"""

from __future__ import annotations

from typing import Any

from registry.model import RecipientKind, Registry
from registry.vocabulary import load_vocabulary


def lint(reg: Registry, *, app: str | None = None) -> list[dict[str, Any]]:
    """One row per unresolved field or recipient: app, kind, name, as_written, suggestions."""
    if app is not None and app not in reg.policies:
        reg.policy(app)
    vocab = load_vocabulary()
    rows: list[dict[str, Any]] = []
    for a in [app] if app else reg.apps:
        p = reg.policies[a]
        for f in p.fields:
            if any(vocab.resolve_field(w) for w in (f.name, *f.aliases_seen)):
                continue
            rows.append({"app": a, "kind": "field", "name": f.name, "as_written": list(f.aliases_seen),
                         "suggestions": vocab.suggest_fields(f.name)})
        for r in p.recipients:
            if r.kind is RecipientKind.BRAND and not vocab.recipient_alias(r.name):
                rows.append({"app": a, "kind": "recipient", "name": r.name, "as_written": list(r.as_written),
                             "suggestions": ["add an alias with its legal entity to data/recipients.yaml"]})
    return sorted(rows, key=lambda r: (r["app"], r["kind"], r["name"]))
