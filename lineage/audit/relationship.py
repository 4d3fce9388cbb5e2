"""SG5xx: in what capacity does each recipient get the data, and what follows from it.

The PIPL distinguishes an entrusted processor (受托人, Art. 21: acts for the
handler under an agreement), a joint handler (Art. 20) and another handler the
data is provided to (Art. 23: separate consent, the recipient named). Each of
the three calls for a personal-information impact assessment before the data
goes (Art. 55 (3), content in Art. 56). The policy's words decide which: 委托
(…处理) near the recipient or its kind, 共同处理 / 共同决定, or 共享 / 提供给.
A sharing list (《与第三方共享个人信息清单》) is itself a statement of provision.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from lineage.audit.clauses import (
    GBT_91,
    GBT_92,
    GBT_97,
    PIPL_20,
    PIPL_21,
    PIPL_23,
    PIPL_55,
    PIPL_56,
    cite,
)
from lineage.audit.consistency import is_legal
from lineage.audit.context import AuditContext
from lineage.audit.finding import NOTE, WARNING, Finding, Quote
from lineage.audit.matching import HIGH, RowMatch, statements_for
from lineage.audit.prose import ENTRUST, SHARE, paragraphs, section_kinds
from registry.model import Channel, RecipientKind

PROVISION, ENTRUSTED, JOINT, UNSTATED = "provision", "entrusted", "joint", "unstated"

_JOINT = re.compile(r"共同(?:处理|决定|个人信息处理者|控制)")
_ENTRUST_WORDS = re.compile(r"委托(?!的外包)|受托")
_INDEPENDENT = re.compile(r"独立(?:的)?(?:个人信息)?(?:处理者|控制者)|共享给|提供给")
_PROCESSOR_TALK = re.compile(r"委托目的|为我们提供服务的目的|不得出于其自身|按照我们的(?:指示|要求)")
_SHARING_TITLE = re.compile(r"共享[^\n]{0,12}清单")

DUTIES = {
    PROVISION: "separate consent and the recipient's name, contact, purpose, manner and types told "
               "(Art. 23); an impact assessment before providing (Art. 55 (3), Art. 56)",
    ENTRUSTED: "an entrustment agreement on purpose, period, manner, types and protection, and "
               "supervision of the processor (Art. 21); an impact assessment (Art. 55 (3), Art. 56)",
    JOINT: "an agreement on each handler's rights and duties, joint liability (Art. 20); an impact "
           "assessment (Art. 55, Art. 56)",
    UNSTATED: "not stated: as an independent handler it needs separate consent (Art. 23), as a "
              "processor an entrustment agreement (Art. 21); an impact assessment either way "
              "(Art. 55 (3), Art. 56)",
}
SENSITIVE_DUTY = "; for the sensitive fields, separate consent (Art. 29) and their necessity and impact told (Art. 30)"


@dataclass(frozen=True, slots=True)
class Relation:
    """One recipient's capacity on one channel, as the policy states it, and the lines that state it."""

    recipient: str
    channel: str
    """``sharing`` (rows of the list) or ``sdk`` (as an SDK's provider)."""
    relation: str
    basis: str
    lines: tuple[int, ...] = ()
    vias: tuple[str, ...] = ()


def _title_line(ctx: AuditContext) -> int:
    t = ctx.table("sharing")
    start = t.line if t else (ctx.policy.scenarios[0].evidence.line if ctx.policy.scenarios else 0)
    for no in range(start, max(0, start - 12), -1):
        if 0 < no <= len(ctx.lines) and _SHARING_TITLE.search(ctx.lines[no - 1]):
            return no
    return 0


_SDK_TALK = re.compile(r"SDK(?!版本)", re.IGNORECASE)


def _sdk_sentences(ctx: AuditContext) -> list[tuple[int, str]]:
    """Prose sentences that speak of SDKs (outside the tables; not "SDK版本", a data field)."""
    out: list[tuple[int, str]] = []
    for no, raw in enumerate(ctx.lines, 1):
        if no in ctx.table_lines or not _SDK_TALK.search(raw):
            continue
        out.extend((no, s) for s in re.split(r"(?<=。)", raw.strip()) if _SDK_TALK.search(s))
    return out


def sdk_relation(ctx: AuditContext) -> tuple[str, str, tuple[int, ...]]:
    """What the prose says of SDK providers' capacity: relation, basis, lines."""
    for no, sentence in _sdk_sentences(ctx):
        if _JOINT.search(sentence):
            return JOINT, f"line {no} calls SDK providers joint handlers", (no,)
        if _ENTRUST_WORDS.search(sentence):
            return ENTRUSTED, f"line {no} says SDK providers process on the app's behalf", (no,)
        if _INDEPENDENT.search(sentence):
            return PROVISION, f"line {no} says SDK providers process as handlers of their own", (no,)
    return UNSTATED, "the policy does not say in what capacity SDK providers process what they collect", ()


@dataclass(frozen=True, slots=True)
class RowBasis:
    """What the prose says of one row's recipients: the capacity, and the statements it rests on."""

    relation: str
    basis: str
    lines: tuple[int, ...]


def _row_relations(ctx: AuditContext) -> dict[str, RowBasis]:
    """For each row of the list, the prose statements that fit it (partner kind and data, each
    with how sure the pairing is), the best first; provisions the law requires are left out
    (a statutory provision says nothing of a contractual partner's capacity)."""
    candidates = [st for st in ctx.statements if st.kind in (SHARE, ENTRUST) and not is_legal(st)]
    out: dict[str, RowBasis] = {}
    for row in ctx.policy.scenarios:
        chosen: list[RowMatch] = []
        kinds: set[str] = set()
        for m in statements_for(ctx, row, candidates):
            # the best fit, and other sure fits that name another kind of partner
            if m.statement.partner_kind in kinds or (chosen and m.confidence != HIGH):
                continue
            kinds.add(m.statement.partner_kind)
            chosen.append(m)
        chosen = chosen[:3]
        if not chosen:
            continue
        top = chosen[0].statement
        said = "; ".join(
            f"{'委托…处理' if m.statement.kind == ENTRUST else m.statement.verb} {m.statement.partner} "
            f"(line {m.statement.line}; {m.describe()})" for m in chosen)
        out[row.name] = RowBasis(ENTRUSTED if top.kind == ENTRUST else PROVISION,
                                 f"the prose says {said}",
                                 tuple(sorted({m.statement.line for m in chosen})))
    return out


def _row_sentence(ctx: AuditContext, row_name: str) -> int:
    """The line of the sentence a row was read from (a sharing disclosure written as prose), or 0."""
    for s in ctx.policy.scenarios:
        if s.name != row_name:
            continue
        found = ctx.row_at("sharing", s.evidence.line)
        if found is not None and found[0].layout == "prose":
            return s.evidence.line
    return 0


def relations(ctx: AuditContext) -> list[Relation]:
    """The capacity of every recipient, per channel (rows of the list; SDKs it provides)."""
    vias: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in ctx.policy.flows:
        key = (f.recipient, f.channel.value)
        if f.via not in vias[key]:
            vias[key].append(f.via)
    by_row = _row_relations(ctx)
    title = _title_line(ctx)
    sdk_rel, sdk_basis, sdk_lines = sdk_relation(ctx)
    kinds = {r.name: r for r in ctx.policy.recipients}
    out: list[Relation] = []
    for (name, channel), rows in sorted(vias.items()):
        r = kinds.get(name)
        if r is not None and r.kind is RecipientKind.ONWARD:
            out.append(Relation(name, channel, ENTRUSTED, f"entrusted by {r.onward_of} (…及其委托的…)",
                                (), tuple(rows)))
        elif channel == Channel.SHARING.value:
            found = [(row, by_row[row]) for row in rows if row in by_row]
            sentence = _row_sentence(ctx, rows[0])
            if not found and sentence:
                basis = (f"the sentence that provides it the data (line {sentence}) is itself the "
                         "disclosure: 共享/提供 to it, with no word of entrustment")
                out.append(Relation(name, channel, PROVISION, basis, (sentence,), tuple(rows)))
                continue
            if not found:
                basis = (f"the sharing list ({'line ' + str(title) if title else '共享清单'}) provides it "
                         "the data; no prose sentence fits its row (none names its kind of partner "
                         "with its data)")
                out.append(Relation(name, channel, PROVISION, basis, (title,) if title else (), tuple(rows)))
                continue
            rels = {b.relation for _, b in found}
            rel = rels.pop() if len(rels) == 1 else PROVISION
            basis = " | ".join((f"row {row}: " if len(rows) > 1 else "") + b.basis for row, b in found)
            lines_ = tuple(sorted({ln for _, b in found for ln in b.lines}))
            out.append(Relation(name, channel, rel, basis, lines_, tuple(rows)))
        else:
            out.append(Relation(name, channel, sdk_rel, sdk_basis, sdk_lines, tuple(rows)))
    return out


def recipient_duties(ctx: AuditContext) -> Iterator[Finding]:
    """SG501: each recipient's capacity and the duties it brings (one note per recipient and channel)."""
    sens: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in ctx.policy.flows:
        if ctx.sensitive(f.field):
            sens[(f.recipient, f.channel.value)].add(f.field)
    for rel in relations(ctx):
        duties = DUTIES[rel.relation] + (SENSITIVE_DUTY if sens[(rel.recipient, rel.channel)] else "")
        sharing = rel.channel == Channel.SHARING.value
        quotes: list[Quote] = [ctx.quote(ln) for ln in rel.lines]
        if not quotes:
            line = next((f.recipient_line for f in ctx.policy.flows
                         if f.recipient == rel.recipient and f.recipient_line
                         and f.channel.value == rel.channel), 0)
            if line:
                quotes.append(ctx.quote(line))
        where = ("rows " if sharing else "SDKs ") + "、".join(rel.vias)
        yield Finding.make(
            "SG501", NOTE,
            about={"app": ctx.app, "table": rel.channel, "recipient": rel.recipient,
                   "scenario" if sharing else "sdk": rel.vias[0] if len(rel.vias) == 1 else rel.vias},
            evidence=quotes,
            reason=f"{rel.recipient} ({where}): {rel.relation}; {rel.basis}. Duties: {duties}",
            clause=cite(*{PROVISION: (PIPL_23,), ENTRUSTED: (PIPL_21, GBT_91), JOINT: (PIPL_20,),
                          UNSTATED: (PIPL_21, PIPL_23, GBT_97)}[rel.relation], PIPL_55, PIPL_56),
        )


def provision_described_as_entrustment(ctx: AuditContext) -> Iterator[Finding]:
    """SG502: the sharing section calls it 共享 yet binds the partners like entrusted processors."""
    sharing = [n for n, kind in section_kinds(ctx.lines).items() if kind == SHARE]
    hits = [p for p in paragraphs(ctx.lines, sharing, ctx.table_lines)
            if p.path and p.path[0].startswith(("（一）", "(一)")) and _PROCESSOR_TALK.search(p.text)]
    if not hits or not ctx.statements:
        return
    shares = [s for s in ctx.statements if s.kind == SHARE and s.section in sharing]
    quotes = [ctx.quote(p.line) for p in hits[:2]] + [ctx.quote(s.line) for s in shares[:1]]
    words = sorted({m.group(0) for p in hits for m in _PROCESSOR_TALK.finditer(p.text)})
    yield Finding.make(
        "SG502", WARNING,
        about={"app": ctx.app, "statement": f"line {hits[0].line}"},
        evidence=quotes,
        reason=f"section {hits[0].section} (一) calls the partners' receipt 共享 (provision to other handlers), yet binds "
               f"them like entrusted processors ({'、'.join(words)}, line {hits[0].line}): the policy "
               "should say which they are, for the duties differ (separate consent under Art. 23, an "
               "entrustment agreement under Art. 21)",
        clause=cite(PIPL_21, PIPL_23, GBT_91, GBT_92),
    )


def sdk_capacity_unstated(ctx: AuditContext) -> Iterator[Finding]:
    """SG503: the policy never says in what capacity SDK providers process what they collect."""
    providers = sorted({s.provider for s in ctx.policy.sdks if s.provider})
    if not providers or ctx.text is None or sdk_relation(ctx)[0] != UNSTATED:
        return
    sentences = _sdk_sentences(ctx)
    agreements = [no for no, s in sentences if "协议" in s]
    t = ctx.table("sdk")
    quotes = [ctx.quote(no, focus="协议" if no in agreements else "SDK") for no, _ in sentences[-2:]]
    quotes += [ctx.quote(t.line)] if t else []
    extra = (f"; line {agreements[0]} speaks of agreements with them without saying which"
             if agreements else "")
    yield Finding.make(
        "SG503", WARNING,
        about={"app": ctx.app, "table": "sdk", "recipients": providers},
        evidence=quotes,
        reason=f"the policy does not say whether the {len(providers)} SDK providers process what their "
               "SDKs collect as processors for the app (Art. 21), as joint handlers (Art. 20) or as "
               f"other handlers the data is provided to (Art. 23){extra}",
        clause=cite(PIPL_20, PIPL_21, PIPL_23, GBT_97),
    )


RULES = (recipient_duties, provision_described_as_entrustment, sdk_capacity_unstated)
