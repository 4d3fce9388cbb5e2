"""SG4xx: do the tables agree with what the policy says in prose?

Sections 一 and 二 say, in sentences, what each business function collects and
what is provided to which kind of partner (read by :mod:`lineage.audit.prose`).
The sharing list, SDK table and permission table should agree:

* SG401: the prose says data is shared, and no row of the sharing list shares it;
* SG402: the prose says a kind of partner gets data, and the row for that kind
  of partner (paired by :mod:`lineage.audit.matching`) omits it;
* SG403: the sharing list shares data the prose never says is collected;
* SG404: an SDK collects data the collection prose never mentions.

"Mentions" follows the vocabulary: a field is named by itself, by a group it belongs to, by
its members, by a whole it is a piece of (``part_of``) or by its values (``values``); it is
named *perhaps* (a note, not a warning) by its pieces, by what it is computed from
(``derived_from``) or by a group whose listed members the vocabulary cannot read.

A group named with its members (设备信息（包括…）) covers those members only; a
group named alone covers all of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from lineage.audit.clauses import GBT_55, GBT_92, GBT_97, PIPL_17, PIPL_23, TC260_SDK, cite
from lineage.audit.context import AuditContext
from lineage.audit.finding import NOTE, WARNING, Finding
from lineage.audit.matching import best_row, bigrams, covered_by
from lineage.audit.prose import COLLECT, SHARE, Statement, paragraphs, section_kinds
from registry.model import SDK, Channel, Flow

LEGAL = re.compile(r"协会|监管|征信|人民银行|公安|法院|检察|司法|政府|有权机关|行政机关|消费者权益保护|仲裁|交警")
"""Partners the policy provides data to by legal obligation: no row of the list is expected."""

_SAYS_SHARED = re.compile(r"共享|提供给|第三方|SDK|合作方|合作机构|合作伙伴|接收方")


def is_legal(st: Statement) -> bool:
    """Whether a statement's partner is a legal authority (disclosure required by law)."""
    return bool(LEGAL.search(st.partner_kind))


def _shares(ctx: AuditContext) -> list[Statement]:
    return [s for s in ctx.statements if s.kind == SHARE and s.fields]


def _listed(ctx: AuditContext) -> set[str]:
    return {f.field for f in ctx.policy.flows if f.channel is Channel.SHARING}


def _join(names: list[str], limit: int = 12) -> str:
    return "、".join(names[:limit]) + (f"… ({len(names)} in all)" if len(names) > limit else "")


def prose_shared_not_listed(ctx: AuditContext) -> Iterator[Finding]:
    """SG401: data the prose says is shared that no row of the sharing list shares."""
    listed = _listed(ctx)
    for st in _shares(ctx):
        missing = [f for f in st.fields if not covered_by(ctx, f, listed)]
        if not missing:
            continue
        legal = is_legal(st)
        yield Finding.make(
            "SG401", NOTE if legal else WARNING,
            about={"app": ctx.app, "table": "sharing", "statement": f"line {st.line}: {st.partner}",
                   "fields": missing},
            evidence=[ctx.quote(st.line, focus=st.partner)],
            reason=f"the prose says {_join(missing)} {'is' if len(missing) == 1 else 'are'} provided to "
                   f"{st.partner} (line {st.line}); no row of the sharing list shares "
                   f"{'it' if len(missing) == 1 else 'them'}"
                   + (" (a provision the law requires; the list may leave it out, the prose should say "
                      "so)" if legal else ""),
            clause=cite(PIPL_23, GBT_92) if not legal else cite(PIPL_17, GBT_55),
        )


def prose_shared_row_omits(ctx: AuditContext) -> Iterator[Finding]:
    """SG402: the row paired with a prose statement omits data the statement gives that partner."""
    listed = _listed(ctx)
    for st in _shares(ctx):
        if is_legal(st):
            continue
        m = best_row(ctx, st)
        if m is None:
            continue
        row_fields = set(ctx.scenario_fields(m.row))
        missing = [f for f in st.fields if covered_by(ctx, f, listed)
                   and not covered_by(ctx, f, row_fields)]
        if not missing:
            continue
        yield Finding.make(
            "SG402", NOTE,
            about={"app": ctx.app, "table": "sharing", "row": m.row.evidence.row, "scenario": m.row.name,
                   "statement": f"line {st.line}: {st.partner}", "fields": missing},
            evidence=[ctx.quote(st.line, focus=st.partner), *ctx.quote_ev(m.row.evidence)],
            reason=f"the prose gives {st.partner} {_join(missing)} (line {st.line}); the row that fits it "
                   f"best, {m.row.name!r}, does not list {'it' if len(missing) == 1 else 'them'} "
                   "(other rows do)",
            clause=cite(PIPL_23, GBT_92),
        )


@dataclass(frozen=True)
class CollectionProse:
    """What the collection sentences of a policy name, for the SG403/SG404 comparisons."""

    statements: tuple[Statement, ...]
    fields: frozenset[str]
    closed: frozenset[str]
    """Groups named only with a closed list of members (设备信息（包括…）)."""
    unread: dict[str, tuple[int, ...]]
    """Groups listed with members the vocabulary does not know, and the lines that list them."""
    prose: tuple[tuple[int, str], ...] = ()
    """The paragraphs of the collection sections, (line, text): where a word may be used in
    a sentence the reader takes for no collection statement."""


def collection_prose(ctx: AuditContext) -> CollectionProse:
    """The collection statements: the fields they name, closed groups, groups read in part."""
    collect = tuple(st for st in ctx.statements if st.kind == COLLECT)
    fields: set[str] = set()
    closed: set[str] = set()
    opened: set[str] = set()
    unread: dict[str, list[int]] = defaultdict(list)
    for st in collect:
        for name, open_ in st.covers():
            fields.add(name)
            (opened if open_ else closed).add(name)
        for g in st.unread_groups:
            unread[g].append(st.line)
    kinds = section_kinds(ctx.lines)
    prose = tuple((p.line, p.text) for p in paragraphs(ctx.lines, [n for n, k in kinds.items() if k == COLLECT],
                                                        ctx.table_lines))
    # a group named alone anywhere is open, whatever another sentence lists under it
    return CollectionProse(collect, frozenset(fields), frozenset(closed - opened),
                           {g: tuple(sorted(set(v))) for g, v in unread.items()}, prose)


def _lines_naming(ctx: AuditContext, cp: CollectionProse, name: str) -> list[int]:
    return sorted({st.line for st in cp.statements
                   if covered_by(ctx, name, set(st.fields), cp.closed)})


def _at(lines: list[int]) -> str:
    return f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(map(str, lines[:3]))


def _all_parts(ctx: AuditContext, name: str) -> list[str]:
    out: list[str] = []
    for n in (name, *ctx.descendants(name)):
        out.extend(p for p in ctx.parts(n) if p not in out)
    return out


def _words_of(ctx: AuditContext, name: str, written: tuple[str, ...]) -> list[str]:
    entry = ctx.vocab.fields.get(name)
    words = [name, *written, *(entry.aliases if entry else ())]
    return sorted({w for w in words if len(w) >= 2}, key=len, reverse=True)


def disclosed(ctx: AuditContext, cp: CollectionProse, name: str, written: tuple[str, ...] = (),
              ) -> tuple[str, str, list[int]]:
    """Whether the collection prose discloses a field: ``said`` (itself, its group, its members,
    a whole it is a piece of, or its values listed), ``unsure`` (only its pieces, what it may be
    computed from, a group listed in words the vocabulary does not know, or the field's word
    used in a collection paragraph that is no collection statement) or ``""``; with the audit's
    words for how, and the lines. ``written``: the field as the policy wrote it."""
    if covered_by(ctx, name, set(cp.fields), cp.closed):
        return "said", "", _lines_naming(ctx, cp, name)
    listed = {fl.field for fl in ctx.policy.flows if fl.implied_via == name and fl.field != name}
    if listed and all(disclosed(ctx, cp, m)[0] == "said" for m in listed):
        # a group the list writes with its members (网络身份标识信息（IP 信息）): said when they are
        lines = sorted({ln for m in listed for ln in _lines_naming(ctx, cp, m)})
        return "said", f"names its members {'、'.join(sorted(listed))}", lines
    values = [v for v in ctx.relations.values.get(name, ()) if v]
    hits = [(st.line, v) for st in cp.statements for v in values if v in st.text]
    if hits:
        return "said", f"lists its values ({'、'.join(dict.fromkeys(v for _, v in hits))})", \
            sorted({ln for ln, _ in hits})
    parts = [p for p in _all_parts(ctx, name) if covered_by(ctx, p, set(cp.fields), cp.closed)]
    if parts:
        lines = sorted({ln for p in parts for ln in _lines_naming(ctx, cp, p)})
        return "unsure", f"collects {'、'.join(parts)} ({_at(lines)}), parts of it", lines
    sources = [d for d in ctx.relations.derived_from.get(name, ())
               if covered_by(ctx, d, set(cp.fields), cp.closed)]
    if sources:
        lines = sorted({ln for d in sources for ln in _lines_naming(ctx, cp, d)})
        return "unsure", f"collects {'、'.join(sources)} ({_at(lines)}), which it may be computed from", lines
    groups = [a for a in ctx.ancestors(name) if a in cp.unread]
    if groups:
        lines = sorted({ln for g in groups for ln in cp.unread[g]})
        return "unsure", (f"lists the members of {'、'.join(groups)} ({_at(lines)}) in words the "
                          "vocabulary does not know"), lines
    for word in _words_of(ctx, name, written):
        lines = [ln for ln, text in cp.prose if word in text]
        if lines:
            return "unsure", (f"uses the word {word} ({_at(lines)}) in a sentence the audit does not "
                              "read as collecting it"), lines
    return "", "", []


def _first_lines(flows: list[Flow], limit: int = 3) -> list[int]:
    return sorted({f.evidence.line for f in flows})[:limit]


def listed_not_collected(ctx: AuditContext) -> Iterator[Finding]:
    """SG403: the sharing list shares a field that the prose never says is collected."""
    if not ctx.statements:
        return
    cp = collection_prose(ctx)
    by_field: dict[str, list[Flow]] = defaultdict(list)
    for f in ctx.policy.flows:
        if f.channel is Channel.SHARING:
            by_field[f.field].append(f)
    for name in sorted(by_field):
        flows = by_field[name]
        status, how, lines = disclosed(ctx, cp, name, tuple({f.field_as_written for f in flows}))
        if status == "said":
            continue
        rows = sorted({f.via for f in flows})
        quotes = [ctx.quote(ln, focus=flows[0].field_as_written) for ln in _first_lines(flows)]
        about = {"app": ctx.app, "table": "sharing", "field": name,
                 "scenario": rows[0] if len(rows) == 1 else None}
        if status == "unsure":
            yield Finding.make(
                "SG403", NOTE, about=about, evidence=quotes + [ctx.quote(ln) for ln in lines[:2]],
                reason=f"the sharing list shares {name} ({'、'.join(rows)}); the collection prose never "
                       f"names it but {how}: perhaps disclosed in other words, check",
                clause=cite(PIPL_17, GBT_55),
            )
            continue
        said = [st.line for st in ctx.statements if st.kind == SHARE and name in st.fields]
        also = (f" (the sharing prose names it, line {said[0]}, but no sentence says how or in which "
                "business function it is collected)") if said else ""
        yield Finding.make(
            "SG403", WARNING, about=about, evidence=quotes,
            reason=f"the sharing list shares {name} ({'、'.join(rows)}), which the collection prose "
                   f"never says is collected{also}",
            clause=cite(PIPL_17, GBT_55),
        )


def sdk_not_in_collection_prose(ctx: AuditContext) -> Iterator[Finding]:
    """SG404: an SDK collects a field the collection prose never mentions."""
    if not ctx.statements:
        return
    cp = collection_prose(ctx)
    by_field: dict[str, list[Flow]] = defaultdict(list)
    for f in ctx.policy.flows:
        if f.channel is Channel.SDK:
            by_field[f.field].append(f)
    for name in sorted(by_field):
        flows = by_field[name]
        status, how, lines = disclosed(ctx, cp, name, tuple({f.field_as_written for f in flows}))
        if status == "said":
            continue
        sdks = sorted({f.via for f in flows})
        tail = f"; it {how}" if how else " (only the SDK table lists it)"
        yield Finding.make(
            "SG404", NOTE,
            about={"app": ctx.app, "table": "sdk", "field": name, "sdk": sdks[0] if len(sdks) == 1 else None},
            evidence=[ctx.quote(ln) for ln in _first_lines(flows)] + [ctx.quote(ln) for ln in lines[:1]],
            reason=f"{'、'.join(sdks)} collect{'s' if len(sdks) == 1 else ''} {name}, which the collection "
                   f"prose never names{tail}",
            clause=cite(PIPL_17, GBT_97, TC260_SDK),
        )


def _sdk_words(s: SDK) -> str:
    return f"{s.name} {s.function} {s.need} {s.purpose}"


def sdk_row_omits_provider_data(ctx: AuditContext) -> Iterator[Finding]:
    """SG406: a row of the sharing list sends the SDK's provider data that the SDK's own row does
    not list, data of the kind the SDK is for (a face SDK, facial images): the SDK row is
    incomplete. Other data sent to the provider for the SDK's own purpose is a note."""
    kinds = ctx.words.section("sdk_category_words")
    patterns = {cat: re.compile("|".join(re.escape(w) for w in ws), re.IGNORECASE)
                for cat, ws in kinds.items() if ws}
    for sdk in ctx.policy.sdks:
        if not sdk.provider:
            continue
        listed = set(ctx.sdk_fields(sdk))
        words = _sdk_words(sdk)
        sdk_bigrams = bigrams(f"{sdk.function}、{sdk.need}、{sdk.purpose}")
        by_field: dict[str, list[Flow]] = defaultdict(list)
        for fl in ctx.policy.flows:
            if (fl.channel is Channel.SHARING and fl.recipient == sdk.provider
                    and not covered_by(ctx, fl.field, listed)):
                by_field[fl.field].append(fl)
        kind_fields, purpose_fields = [], []
        for name, flows in sorted(by_field.items()):
            entry = ctx.vocab.fields.get(name)
            cat = entry.category if entry else None
            if cat in patterns and patterns[cat].search(words):
                kind_fields.append((name, flows))
                continue
            rows = {fl.via for fl in flows}
            if any(bigrams(f"{r.name}、{r.purpose}") & sdk_bigrams for r in ctx.policy.scenarios if r.name in rows):
                purpose_fields.append((name, flows))
        for level, found, why in ((WARNING, kind_fields, "data of the kind the SDK is for"),
                                  (NOTE, purpose_fields, "for the purpose the SDK serves")):
            if not found:
                continue
            names = [n for n, _ in found]
            rows = sorted({fl.via for _, flows in found for fl in flows})
            lines = sorted({fl.evidence.line for _, flows in found for fl in flows})
            yield Finding.make(
                "SG406", level,
                about={"app": ctx.app, "table": "sdk", "row": sdk.evidence.row if sdk.evidence else None,
                       "sdk": sdk.name, "recipient": sdk.provider, "fields": names},
                evidence=[*ctx.quote_ev(sdk.evidence), *[ctx.quote(ln) for ln in lines[:2]]],
                reason=f"the sharing list sends {sdk.provider} {_join(names)} ({why}; rows "
                       f"{'、'.join(rows)}), which the row of its SDK {sdk.name!r} does not list: the SDK "
                       "row should name all the personal information the SDK or its provider gets"
                       + ("" if level == WARNING else " (check whether the SDK itself collects it)"),
                clause=cite(PIPL_23, GBT_97, TC260_SDK),
            )


RULES = (
    prose_shared_not_listed,
    prose_shared_row_omits,
    listed_not_collected,
    sdk_not_in_collection_prose,
    sdk_row_omits_provider_data,
)
"""SG405 (a permission's data shared, the permission table silent) was withdrawn: no provision
asks a permission table to name recipients; the sharing list and the prose do (Art. 23)."""
