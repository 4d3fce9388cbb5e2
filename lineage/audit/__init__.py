"""Disclosure audit: what a policy's tables and prose leave out, contradict, or fail to name.

>>> from registry import open_registry
>>> findings = audit(open_registry())
>>> [f.rule for f in findings if f.get("sdk") == "高德地图SDK" and f.level == "error"]
['SG104']

:func:`audit` runs every rule on every app of a registry (or one app) and
returns :class:`Finding` objects in a fixed order: rule id, app, first line
quoted. ``Finding.as_dict()`` is the JSON shape the CLI prints and the HTML
report renders. Rules come in families, one module each:

=====  ==========================  ===========================================
SG0xx  this module                 the audit itself (no policy text…)
SG1xx  :mod:`.completeness`        Art. 23 elements of each sharing row and SDK
SG2xx  :mod:`.recipients`          unnamed, onward and brand-only recipients
SG3xx  :mod:`.sensitive`           sensitive data shared; separate consent
SG4xx  :mod:`.consistency`         tables against the policy's own prose
SG5xx  :mod:`.relationship`        processor, joint or other handler; duties
SG6xx  :mod:`.duplicates`          duplicates and contradictions in the tables
SG7xx  :mod:`.practices`           collection, retention and consent, from the sentences
=====  ==========================  ===========================================

The rules that read the prose (and the table headers) need the policy text: the
registry holds it as imported (:attr:`~registry.model.Policy.text`), so the audit
reads no file and gives the same findings wherever the registry is; ``text=``
overrides it. A registry written before the text was kept has none: those rules
are skipped and SG001 says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from lineage.audit import (
    completeness,
    consistency,
    duplicates,
    practices,
    recipients,
    relationship,
    sensitive,
)
from lineage.audit.context import (
    AuditContext,
    PolicyText,
    read_policy_text,
    stored_text,
    text_from_string,
)
from lineage.audit.finding import ERROR, LEVELS, NOTE, SEVERITY, WARNING, Finding, Quote, at_least
from registry.model import Policy, Registry

Rule = Callable[[AuditContext], Iterable[Finding]]

__all__ = [
    "ERROR",
    "LEVELS",
    "NOTE",
    "RULES",
    "SEVERITY",
    "WARNING",
    "AuditContext",
    "Finding",
    "Quote",
    "at_least",
    "audit",
    "counts",
    "rule_catalogue",
]


def text_not_found(ctx: AuditContext) -> Iterator[Finding]:
    """SG001: the registry holds no policy text for the app, so the rules that read it did not run."""
    if ctx.text is not None:
        return
    yield Finding.make(
        "SG001", NOTE, about={"app": ctx.app},
        reason=f"the registry holds no text for {ctx.app} (imported from {ctx.policy.source.file}, "
               f"sha256 {ctx.policy.source.sha256[:12]}…; written before the import kept the document): "
               "the prose, consent and header checks did not run; re-importing the document stores it "
               "(or give --text)",
        clause="",
    )


def text_differs(ctx: AuditContext) -> Iterator[Finding]:
    """SG002: the text given is not the document imported (another SHA-256)."""
    if ctx.text is None or ctx.text.status != "given" or ctx.text.sha256 == ctx.policy.source.sha256:
        return
    yield Finding.make(
        "SG002", WARNING, about={"app": ctx.app},
        reason=f"the text given ({ctx.text.name}) is not the document imported ({ctx.policy.source.file}): "
               "its SHA-256 differs, so the lines quoted may not be the registry's",
        clause="",
    )


def prose_not_readable(ctx: AuditContext) -> Iterator[Finding]:
    """SG003: the text is here but its layout is not prose lines (an HTML page): prose rules skipped."""
    if ctx.text is None or ctx.has_prose:
        return
    yield Finding.make(
        "SG003", NOTE, about={"app": ctx.app},
        reason=f"the policy's layout ({ctx.policy.source.layout}) is not read as prose: the prose "
               "consistency checks did not run",
        clause="",
    )


RULES: tuple[Rule, ...] = (
    text_not_found, text_differs, prose_not_readable,
    *completeness.RULES, *recipients.RULES, *sensitive.RULES,
    *consistency.RULES, *relationship.RULES, *duplicates.RULES, *practices.RULES,
)  # fmt: skip


def rule_catalogue() -> list[dict[str, str]]:
    """Each rule's id, function and one-line description (from the rule's docstring)."""
    out = []
    for rule in RULES:
        doc = (rule.__doc__ or "").strip().split("\n")[0]
        rid, _, text = doc.partition(":")
        out.append({"rule": rid.strip(), "name": rule.__name__, "module": rule.__module__,
                    "description": text.strip()})
    return out


def _texts(reg: Registry, apps: list[str], text: str | Path | None) -> dict[str, PolicyText | None]:
    given: PolicyText | None = None
    if isinstance(text, Path):
        given = read_policy_text(text)
        given = PolicyText(given.path, given.name, given.text, given.sha256, given.encoding, status="given")
    elif isinstance(text, str):
        given = text_from_string(text)
    out: dict[str, PolicyText | None] = {}
    for a in apps:
        p: Policy = reg.policies[a]
        if given is not None and (len(apps) == 1 or given.sha256 == p.source.sha256):
            out[a] = given
        else:
            out[a] = stored_text(p)
    return out


def audit(
    registry: Registry,
    *,
    app: str | None = None,
    text: str | Path | None = None,
) -> list[Finding]:
    """Every finding of every rule on the registry (or on one app), in a fixed order.

    ``text`` is the policy text: a :class:`~pathlib.Path` to read, or the text
    itself as a ``str``. It applies to ``app`` (or the registry's only app, or
    the app whose recorded SHA-256 it has), in place of the text the registry
    holds. Otherwise each app's text is the registry's own (:attr:`Policy.text`):
    no file is opened.
    """
    if app is not None and app not in registry.policies:

        registry.policy(app)
    apps = [app] if app else registry.apps
    texts = _texts(registry, apps, text)
    findings: list[Finding] = []
    for a in apps:
        ctx = AuditContext(registry.policies[a], texts[a])
        for rule in RULES:
            findings.extend(rule(ctx))
    return sorted(findings, key=Finding.sort_key)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per level, most severe first (every level present, zero or not)."""
    out = dict.fromkeys(LEVELS, 0)
    for f in findings:
        out[f.level] += 1
    return out
