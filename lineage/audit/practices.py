"""SG7xx: how the policy collects, keeps and asks consent, read from its sentences.

The other families compare the disclosure tables with each other and with the prose; these
rules read what the policy says of its own practices, sentence by sentence, with the shapes
of ``data/audit.yaml`` (Chinese and English wording):

* SG701: personal information obtained from third parties named only by kind
  (PIPL Art. 17, 29; GB/T 35273-2020 §5.4 e));
* SG702: no retention period, only "the shortest period necessary" (Art. 17, 19; §6.1);
* SG703: data kept, used or disclosed after consent is withdrawn or the account closed
  (Art. 15, 47);
* SG704: consent deemed from an act, written into the policy as a grant, or all or nothing
  (Art. 14, 16);
* SG705: refusing a permission whose data the app type does not need blocks the basic
  function (Art. 16; 必要个人信息范围规定, 2021).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from lineage.audit.clauses import (
    GBT_54,
    GBT_61,
    NECESSARY_PI,
    PIPL_14,
    PIPL_16,
    PIPL_17,
    PIPL_19,
    PIPL_29,
    PIPL_47,
    cite,
)
from lineage.audit.context import AuditContext
from lineage.audit.finding import NOTE, WARNING, Finding
from lineage.audit.prose import COLLECT
from registry.model import Permission

_PERIOD_TALK = re.compile(r"最短|保留|retain|retention", re.IGNORECASE)
_KEEP = re.compile(r"保存|保留|存储|储存|\bretain|\bkeep|\bstore", re.IGNORECASE)
_PARTS = re.compile(r"[、，,；;]|(?:以及|及其|及|和|或者|或|与|and|or)")


def _join(items: list[str], limit: int = 8) -> str:
    return "、".join(items[:limit]) + (f"… ({len(items)} in all)" if len(items) > limit else "")


# -- SG701 ------------------------------------------------------------------------------------

def indirect_collection_unnamed(ctx: AuditContext) -> Iterator[Finding]:
    """SG701: personal information is obtained from third parties the policy names only by kind."""
    words = ctx.words
    collected = {st.line: st for st in ctx.statements if st.kind == COLLECT}
    checks = [no for no, s in ctx.sentences if words.matches("source_check_re", s)]
    seen: set[int] = set()
    for no, sentence in ctx.sentences:
        if no in seen:
            continue
        for rx in words.patterns("indirect_collection_re"):
            m = rx.search(sentence)
            if m is None:
                continue
            src = m.group("src").strip()
            if words.matches("public_source_words", src) or re.match(r"^(?:您|你|用户)", src):
                continue
            parts = [p.strip() for p in _PARTS.split(src) if p and p.strip()]
            if not parts or any(ctx.names_entity(p) for p in parts):
                continue
            st = collected.get(no)
            fields = st.fields if st else []
            sens = [f for f in fields if ctx.sensitive(f)]
            near = [c for c in checks if abs(c - no) <= 3]
            level = NOTE if near or not fields else WARNING
            what = _join(fields) if fields else "personal information (no types named)"
            tail = (f"; line {near[0]} says the sources are checked" if near else
                    "; nothing says the sources' lawful basis and consent are checked")
            if sens:
                tail += f", nor that separate consent is asked for the sensitive ones ({_join(sens, 6)})"
            seen.add(no)
            yield Finding.make(
                "SG701", level,
                about={"app": ctx.app, "statement": f"line {no}", "fields": fields},
                evidence=[ctx.quote(no, focus=src[:20])] + [ctx.quote(c) for c in near[:1]],
                reason=f"the policy obtains {what} from {src} (line {no}): sources named only by kind, "
                       f"none by name{tail}",
                clause=cite(PIPL_17, PIPL_29, GBT_54),
            )
            break


# -- SG702, SG703 ------------------------------------------------------------------------------

def retention_without_period(ctx: AuditContext) -> Iterator[Finding]:
    """SG702: the policy says how personal information is kept but gives no retention period."""
    if not ctx.has_prose:
        return
    words = ctx.words
    about = [(no, s) for no, s in ctx.sentences
             if words.matches("retention_re", s) and not words.matches("retention_place_re", s)]
    if any(words.matches("retention_period_re", s) and (words.matches("retention_re", s) or _KEEP.search(s))
           for _, s in ctx.sentences):
        return
    if about:
        # the sentences that speak of the period itself first (最短…期间, retention period)
        first = [no for no, s in about if _PERIOD_TALK.search(s)]
        lines = list(dict.fromkeys(first + sorted({no for no, _ in about})))
        reason = (f"the policy says how long it keeps personal information only in general terms "
                  f"({_join([f'line {n}' for n in sorted(lines)], 4)}): no period (years, months, days) "
                  "and no event that ends it is given")
    else:
        lines = []
        reason = "the policy never says how long it keeps personal information"
    yield Finding.make(
        "SG702", WARNING, about={"app": ctx.app}, evidence=[ctx.quote(n) for n in lines[:2]],
        reason=reason, clause=cite(PIPL_17, PIPL_19, GBT_61),
    )


def kept_after_withdrawal(ctx: AuditContext) -> Iterator[Finding]:
    """SG703: personal information is kept, used or disclosed after consent is withdrawn or the
    account is closed."""
    words = ctx.words
    for no, sentence in ctx.sentences:
        m = words.pattern("after_withdrawal_re").search(sentence)
        if m is None:
            continue
        beyond = words.matches("beyond_storage_re", m.group(0))
        yield Finding.make(
            "SG703", WARNING if beyond else NOTE, about={"app": ctx.app, "statement": f"line {no}"},
            evidence=[ctx.quote(no, focus=m.group(0)[:20])],
            reason=(f"line {no} keeps personal information after consent is withdrawn or the account "
                    "closed" + (", and goes on using or disclosing it, or keeps it under the policy "
                                "itself, not only as the law requires: withdrawal must end the processing "
                                "(Art. 15) and bring deletion (Art. 47)" if beyond else
                                ", as the law requires: only storage and security measures may go on "
                                "(Art. 47)")),
            clause=cite(PIPL_47, PIPL_14),
        )


# -- SG704 -----------------------------------------------------------------------------------

_CONSENT_KINDS = (
    ("deemed_consent_re", "consent deemed from an act (ticking, continuing to use), not given for "
                          "the processing itself"),
    ("granted_consent_re", "consent written into the policy as a grant (您同意我们有权…): reading the "
                           "policy is no consent to this processing"),
    ("all_or_nothing_re", "all or nothing: declining any term means not using the product"),
)


def deemed_or_bundled_consent(ctx: AuditContext) -> Iterator[Finding]:
    """SG704: consent the policy deems given, writes in as a grant, or makes all or nothing."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for no, sentence in ctx.sentences:
        for key, what in _CONSENT_KINDS:
            m = ctx.words.pattern(key).search(sentence)
            if m is not None:
                found[no].append((m.group(0), what))
                break
    for no, hits in found.items():
        said = "; ".join(f"'{words}': {what}" for words, what in hits)
        yield Finding.make(
            "SG704", WARNING, about={"app": ctx.app, "statement": f"line {no}"},
            evidence=[ctx.quote(no, focus=hits[0][0])],
            reason=f"line {no} says {said}; consent must be given voluntarily and explicitly, in full "
                   "knowledge, for the processing it covers (Art. 14), and a service may not be refused "
                   "for declining what it does not need (Art. 16)",
            clause=cite(PIPL_14, PIPL_16),
        )


# -- SG705 -----------------------------------------------------------------------------------

def app_type(ctx: AuditContext) -> tuple[str, dict[str, Any]] | None:
    """The app type of the necessary-information rules the policy is for: the type whose words
    its app name and title (the first lines) use most; None when none does."""
    types = ctx.words.section("app_types")
    head = ctx.app + " " + " ".join(line for line in ctx.lines[:30] if line.strip())
    best: tuple[int, str] | None = None
    for name, spec in types.items():
        hits = sum(head.count(w) for w in spec.get("words", []))
        if hits and (best is None or hits > best[0]):
            best = (hits, name)
    return (best[1], types[best[1]]) if best else None


def refusal_blocks_basic_function(ctx: AuditContext) -> Iterator[Finding]:
    """SG705: refusing a permission whose data the app type does not need blocks its basic function."""
    found = app_type(ctx)
    if found is None or not ctx.policy.permissions:
        return
    name, spec = found
    necessary = set(spec.get("necessary", []))
    core = re.compile("|".join(re.escape(w) for w in spec.get("core", [])) or r"(?!x)x", re.IGNORECASE)
    by_name: dict[str, list[Permission]] = defaultdict(list)
    for p in ctx.policy.permissions:
        by_name[p.name].append(p)
    for perm, rows in by_name.items():
        fields = sorted({f for p in rows for f in p.fields})
        if not fields or any(ctx.related(f, n) for f in fields for n in necessary):
            continue
        harmless = ctx.words.pattern("refusal_harmless_re")
        blocking = [p for p in rows
                    if ctx.words.matches("refusal_blocks_re", said := harmless.sub("", p.impact)) and core.search(said)]
        if not blocking:
            continue
        impacts = "; ".join(dict.fromkeys(p.impact.strip() for p in blocking))
        yield Finding.make(
            "SG705", WARNING,
            about={"app": ctx.app, "table": "permission", "permission": perm, "fields": fields},
            evidence=[q for p in blocking for q in ctx.quote_ev(p.evidence)][:2]
                     + [ctx.quote(p.evidence.line + k) for p in blocking[:1] if p.evidence
                        for k in _impact_offsets(ctx, p)],
            reason=f"refusing the {perm} permission ({'、'.join(fields)}) is said to affect the basic "
                   f"function ('{impacts}'), yet a {name} app needs none of it ({spec.get('rule', '')}: "
                   f"{'、'.join(sorted(necessary)) or 'no personal information'}): the basic function may "
                   "not be refused for declining what it does not need",
            clause=cite(PIPL_16, NECESSARY_PI),
        )


def _impact_offsets(ctx: AuditContext, p: Permission) -> list[int]:
    """Where the permission row's impact cell is, relative to its name (flattened rows span lines)."""
    if p.evidence is None:
        return []
    found = ctx.row_at("permission", p.evidence.line)
    if found is None:
        return []
    _, row = found
    cell = row.cells.get("impact")
    return [cell.line - p.evidence.line] if cell is not None and cell.line > p.evidence.line else []


RULES = (
    indirect_collection_unnamed,
    retention_without_period,
    kept_after_withdrawal,
    deemed_or_bundled_consent,
    refusal_blocks_basic_function,
)
