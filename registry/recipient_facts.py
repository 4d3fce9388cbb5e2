"""What a policy says about each recipient beyond the data it gets, read at import.

A vendor record (OneTrust's, Fides') holds a recipient's contact, its relationship to the
controller (entrusted processor 受托方, independent handler 独立的个人信息处理者, joint handler
共同处理), the legal basis of giving it the data, and whether the data leaves the country
(出境, transferred outside the EEA). Policies say these things in a few places, read here
most sure first:

1. ``column``: a cell of the recipient's own row: a column whose label says what it holds
   (联系方式, 是否出境, Location, role, transferMechanism), or any cell whose words do
   ("SCCs/UK IDTA as applicable" in a Notes column, "consent-gated" in a service name);
2. ``name``: the name as written ("…及其委托的外包服务机构": entrusted by the name before it);
3. ``sentence``: a sentence (a clause between 。；; or sentence ends) that names the recipient;
4. ``list``: a heading, short title or sentence said of the list the row is in ("# Subprocessors",
   "附录：《与第三方共享个人信息清单》"), before the row and near it;
5. ``document``: a statement about all personal information ("…存储在中华人民共和国境内…不会
   发生跨境传输") — cross-border ``no`` only, always confidence low.

Every fact keeps its text as written and its line in :attr:`Policy.text`. Where the words
are a possibility ("may", "可能", "as applicable") or the fact is inferred from what a list
is called, it is kept with confidence low and a note; where the policy says nothing, there
is no fact. The words are in ``data/recipient_facts.yaml``; this module holds none of one
document.

>>> from registry import open_registry
>>> p = open_registry().policies["你我贷"]
>>> [(f.kind, f.value, f.line) for f in p.recipient("高德软件有限公司").facts if f.kind == "contact"]
[('contact', '400-810-0080', 1710)]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from registry.datafiles import DATA_DIR, name_key, read_yaml
from registry.errors import VocabularyError
from registry.model import SDK, Channel, Policy, Recipient, RecipientFact, RecipientKind, Scenario

WORDS_PATH = DATA_DIR / "recipient_facts.yaml"

KINDS = ("contact", "relationship", "legal_basis", "cross_border")
"""The facts of a record, in the order a record shows them."""

FORMS = ("column", "name", "sentence", "list", "document")
"""Where a fact was read, most sure first (:attr:`RecipientFact.form`)."""

_CLAUSE = re.compile(r"[。；;！？!?|]|(?<=[A-Za-z0-9)\]*])\.(?=\s|$)")
_MARKUP = re.compile(r"[#*`>_《》〈〉\[\]【】\"'“”]|^\s*[-•]\s*|附录[:：]?|^\s*\d+[.、)）]\s*")


def _norm(text: str) -> str:
    """The form patterns are matched in: NFKC (full-width reads as half-width)."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class ListStatement:
    fact: str
    pattern: re.Pattern[str]
    value: str
    confidence: str
    note: str


@dataclass(frozen=True)
class Words:
    """``data/recipient_facts.yaml``, compiled."""

    columns: dict[str, tuple[str, ...]]
    values: dict[str, tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]]
    hedges: re.Pattern[str]
    hedge_reach: int
    contact_words: re.Pattern[str]
    contact_pointers: re.Pattern[str]
    contact_shape: re.Pattern[str]
    list_markers: re.Pattern[str]
    list_reach: int
    short_line: int
    list_statements: tuple[ListStatement, ...]
    document_values: dict[str, tuple[str, ...]]
    document_words: dict[str, re.Pattern[str]]

    def column_kind(self, label: str) -> str | None:
        """The fact a column of that label states, or None (equal wins over contained)."""
        key = name_key(label)
        for kind, labels in self.columns.items():
            if key in labels:
                return kind
        best: tuple[int, str] | None = None
        for kind, labels in self.columns.items():
            for lab in labels:
                if len(lab) >= 3 and lab in key and (best is None or len(lab) > best[0]):
                    best = (len(lab), kind)
        return best[1] if best else None

    def value_of(self, kind: str, text: str) -> tuple[str, re.Match[str]] | None:
        """The first value of ``kind`` whose pattern matches ``text`` (NFKC), and the match."""
        norm = _norm(text)
        for value, patterns in self.values.get(kind, ()):
            for pat in patterns:
                m = pat.search(norm)
                if m:
                    return value, m
        return None

    def hedge(self, norm: str, start: int, end: int) -> str | None:
        """A hedge word within reach of ``norm[start:end]``, or None."""
        lo, hi = max(0, start - self.hedge_reach), min(len(norm), end + self.hedge_reach)
        m = self.hedges.search(norm[lo:hi])
        return m.group(0) if m else None


def _compile(patterns: Iterable[Any], where: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for p in patterns:
        try:
            out.append(re.compile(str(p), re.I))
        except re.error as e:
            raise VocabularyError(f"{WORDS_PATH}: {where}: {p!r} is not a regular expression ({e})") from None
    return tuple(out)


def _either(patterns: Iterable[Any], where: str) -> re.Pattern[str]:
    parts = [p.pattern for p in _compile(patterns, where)]
    return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!x)x", re.I)


@functools.cache
def load_words(path: Path = WORDS_PATH) -> Words:
    """The words of ``data/recipient_facts.yaml``; a bad pattern is a one-line VocabularyError."""
    d = read_yaml(path)
    try:
        statements = tuple(
            ListStatement(str(s["fact"]), _compile([s["pattern"]], "list_statements")[0], str(s["value"]),
                          str(s.get("confidence", "high")), str(s.get("note", "")))
            for s in d.get("list_statements", []))
        docs = d.get("document_statements", {}) or {}
        return Words(
            columns={k: tuple(name_key(str(x)) for x in v) for k, v in d["columns"].items()},
            values={k: tuple((str(val), _compile(pats, f"values.{k}.{val}")) for val, pats in v.items())
                    for k, v in d["values"].items()},
            hedges=_either(d.get("hedges", []), "hedges"),
            hedge_reach=int(d.get("hedge_reach", 24)),
            contact_words=_either(d.get("contact_words", []), "contact_words"),
            contact_pointers=_either(d.get("contact_pointers", []), "contact_pointers"),
            contact_shape=_either(d.get("contact_shapes", []), "contact_shapes"),
            list_markers=_either(d.get("list_markers", []), "list_markers"),
            list_reach=int(d.get("list_reach", 300)),
            short_line=int(d.get("short_line", 60)),
            list_statements=statements,
            document_values={k: tuple(str(x) for x in v.get("values", ())) for k, v in docs.items()},
            document_words={k: _either(v.get("words", []), f"document_statements.{k}") for k, v in docs.items()},
        )
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise VocabularyError(f"{path}: not the shape docs/recipient-records.md describes ({e})") from None


# -- the document as clauses -------------------------------------------------------------------

@dataclass(frozen=True)
class Clause:
    line: int
    text: str
    """As written."""
    norm: str
    """NFKC, for matching."""


_BLOCK = re.compile(r"^\s*(\||#|[-*+•>]\s|\d+[.、)）]\s|[①-⑳]|[\w .()/-]{1,40}[:：]\s)")
"""A line that starts a block of its own: a table row, heading, list item or ``label: value`` record."""


def _wraps(before: str, line: str) -> bool:
    """Whether ``line`` goes on the sentence of the line ``before`` it: Latin words on both sides
    of the break, and ``line`` no table row, heading or list item (Chinese text, whose lines
    are cells or paragraphs, is never joined)."""
    return (bool(re.search(r"[A-Za-z0-9,*]\s*$", before)) and bool(re.match(r"\s*[A-Za-z*(]", line))
            and not _BLOCK.match(line) and not _BLOCK.match(before))


def _paragraphs(text: str) -> Iterator[tuple[int, str, list[int]]]:
    """Paragraphs as (first line, text, start offset of each line): soft-wrapped lines of
    Markdown or plain text are joined with a space, so a sentence wrapped over two lines
    ("**Anthropic is confirmed NOT / DPF-certified** and relies on SCCs") is one. A blank line,
    a table row, a heading or a list item starts a new one."""
    buf: list[str] = []
    starts: list[int] = []
    first = 0
    for i, line in enumerate(text.split("\n"), 1):
        if buf and not _wraps(buf[-1], line):
            yield first, " ".join(buf), starts
            buf, starts = [], []
        if not line.strip():
            if buf:
                yield first, " ".join(buf), starts
                buf, starts = [], []
            continue
        if not buf:
            first = i
        starts.append(sum(len(x) + 1 for x in buf))
        buf.append(line.strip())
    if buf:
        yield first, " ".join(buf), starts


def clauses(text: str) -> list[Clause]:
    """The document's clauses (between 。；; | and sentence ends), each with the line it starts on."""
    out: list[Clause] = []
    for first, para, starts in _paragraphs(text):
        start = 0
        for m in [*_CLAUSE.finditer(para), None]:
            end = m.start() if m else len(para)
            part = para[start:end].strip()
            if part:
                at = start + (len(para[start:end]) - len(para[start:end].lstrip()))
                line = first + sum(1 for x in starts[1:] if x <= at)
                out.append(Clause(line, part, _norm(part)))
            if m:
                start = m.end()
    return out


def _name_finder(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern finding any of the names (whole words where a name is Latin)."""
    parts = []
    for n in sorted({_norm(x.strip()) for x in names if x and len(x.strip()) >= 2}, key=len, reverse=True):
        esc = re.escape(n)
        if re.match(r"\w", n, re.ASCII):
            esc = r"(?<![A-Za-z0-9])" + esc
        if re.search(r"\w$", n, re.ASCII):
            esc += r"(?![A-Za-z0-9])"
        parts.append(esc)
    return re.compile("|".join(parts), re.I) if parts else None


# -- one recipient's rows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """A row (sharing list or SDK table) that gives data to a recipient: where, and its cells."""

    line: int
    cells: tuple[tuple[str, str], ...]
    """(label, text as written): the columns the row has beyond data and recipient."""


def _scenario_cells(s: Scenario) -> tuple[tuple[str, str], ...]:
    base = [("scenario", s.name), ("purpose", s.purpose), ("frequency", s.frequency)]
    return tuple((k, v) for k, v in [*base, *s.attributes] if v)


def _sdk_cells(s: SDK) -> tuple[tuple[str, str], ...]:
    base = [("sdk_name", s.name), ("contact", s.contact), ("function", s.function), ("need", s.need),
            ("purpose", s.purpose)]
    return tuple((k, v) for k, v in [*base, *s.attributes] if v)


def _names_of(r: Recipient) -> list[str]:
    return [n for n in dict.fromkeys([r.name, *r.as_written, r.legal_entity or ""]) if n]


def rows_of(policy: Policy) -> dict[str, list[Row]]:
    """Each recipient's rows, by its canonical name (rows that share a scenario name are told
    apart by the recipient cell: 巽风's three 订单交付 rows)."""
    scen: dict[str, list[Scenario]] = {}
    for s in policy.scenarios:
        scen.setdefault(s.name, []).append(s)
    sdks: dict[str, list[SDK]] = {}
    for k in policy.sdks:
        sdks.setdefault(k.name, []).append(k)
    recips = {r.name: r for r in policy.recipients}
    vias: dict[str, dict[tuple[Channel, str], None]] = {}
    for f in policy.flows:
        vias.setdefault(f.recipient, {})[(f.channel, f.via)] = None
    out: dict[str, list[Row]] = {}
    for name, keys in vias.items():
        r = recips.get(name)
        written = _names_of(r) if r else [name]
        rows: dict[int, Row] = {}
        for channel, via in keys:
            if channel is Channel.SHARING:
                cands = scen.get(via, [])
                own = [s for s in cands if any(w in s.recipients_text for w in written)] or cands
                for s in own:
                    line = s.evidence.line if s.evidence else 0
                    rows.setdefault(line, Row(line, _scenario_cells(s)))
            else:
                cands_k = sdks.get(via, [])
                own_k = [k for k in cands_k if any(w in k.provider or k.provider in w for w in written)] or cands_k
                for k in own_k:
                    line = k.evidence.line if k.evidence else 0
                    rows.setdefault(line, Row(line, _sdk_cells(k)))
        out[name] = sorted(rows.values(), key=lambda x: x.line)
    return out


def locate(lines: list[str], text: str, near: int, *, ahead: int = 40, back: int = 5) -> int:
    """The line (1-based) at or after ``near`` (then just before it) holding ``text``'s first
    line, or ``near`` itself where it is not found: a cell's own line for its quote."""
    first = next((x.strip() for x in text.split("\n") if x.strip()), "")
    if not first or not lines or near <= 0:
        return near
    probe = _norm(first)[:40]
    order = [*range(near, min(len(lines), near + ahead) + 1), *range(near - 1, max(0, near - back - 1), -1)]
    for i in order:
        if 1 <= i <= len(lines) and probe in _norm(lines[i - 1]):
            return i
    return near


# -- reading the facts -------------------------------------------------------------------------

def _fact(words: Words, kind: str, text: str, line: int, form: str, *, label: str = "",
          value: str | None = None, match: re.Match[str] | None = None, confidence: str = "high",
          note: str = "") -> RecipientFact:
    """A fact, low where a hedge stands within reach of the words that decided it."""
    matched = ""
    if match is not None:
        matched = match.group(0).strip()
        h = words.hedge(match.string, match.start(), match.end())
        if h:
            confidence = "low"
            note = "; ".join(x for x in (note, f"a possibility, not a statement: '{h.strip()}'") if x)
    return RecipientFact(kind, value if value is not None else text, text, line, form, label, matched,
                         confidence, note)


def _contact_in(words: Words, kind: str | None, text: str, *, cell: bool) -> tuple[str, str, str] | None:
    """(value, confidence, note) for a contact in a cell or sentence, or None.

    Under a contact column the cell is the contact. Elsewhere a contact word with an
    address, phone or link is one; in a cell, a pointer word alone ("…公示的联系信息") says
    where it is published (low).
    """
    if kind == "contact":
        return text.strip(), "high", ""
    norm = _norm(text)
    if words.contact_words.search(norm):
        shape = words.contact_shape.search(norm)
        if shape:
            return shape.group(0).strip(), "high", ""
    if cell and words.contact_pointers.search(norm):
        return text.strip(), "low", "says where the contact is published; gives none"
    return None


def column_facts(words: Words, row: Row, lines: list[str]) -> Iterator[RecipientFact]:
    """The facts a row's cells state: by their column's label, or by their words."""
    for label, text in row.cells:
        kind = words.column_kind(label)
        line = locate(lines, text, row.line)
        contact = _contact_in(words, kind, text, cell=True)
        if contact:
            value, conf, note = contact
            yield _fact(words, "contact", text, line, "column", label=label, value=value, confidence=conf,
                        note=note)
        for fact in ("relationship", "legal_basis", "cross_border"):
            mine = kind == fact or (fact == "cross_border" and kind == "location")
            found = words.value_of(fact, text) if mine or fact != "relationship" else None
            if found:
                yield _fact(words, fact, text, line, "column", label=label, value=found[0], match=found[1])
            elif kind == "location" and fact == "cross_border":
                yield _fact(words, fact, text, line, "column", label=label, value="location",
                            note="a place is named; whether that is a transfer out of the country the row does not say")
            elif mine:
                yield _fact(words, fact, text, line, "column", label=label, value=text.strip(),
                            note="not one of the values of data/recipient_facts.yaml")


def name_facts(words: Words, r: Recipient, lines_of: dict[str, int]) -> Iterator[RecipientFact]:
    """What the name as written says: "X及其委托的外包服务机构" is entrusted by X."""
    for written in r.as_written:
        found = words.value_of("relationship", written)
        if found:
            note = f"entrusted by {r.onward_of}" if r.kind is RecipientKind.ONWARD and r.onward_of else ""
            yield _fact(words, "relationship", written, lines_of.get(written, 0), "name", value=found[0],
                        match=found[1], note=note)


def sentence_facts(words: Words, r: Recipient, cls: list[Clause], skip: set[int]) -> Iterator[RecipientFact]:
    """Facts of clauses that name the recipient (not on lines where a list names recipients:
    "X及其委托的…" says X entrusts, not that X is entrusted)."""
    finder = _name_finder(_names_of(r))
    if finder is None:
        return
    for c in cls:
        if c.line in skip or not finder.search(c.norm):
            continue
        contact = _contact_in(words, None, c.text, cell=False)
        if contact:
            yield _fact(words, "contact", c.text, c.line, "sentence", value=contact[0])
        for fact in ("relationship", "legal_basis", "cross_border"):
            found = words.value_of(fact, c.text)
            if found:
                yield _fact(words, fact, c.text, c.line, "sentence", value=found[0], match=found[1])


@dataclass(frozen=True)
class _ListFact:
    line: int
    statement: ListStatement
    text: str
    match: re.Match[str]


def list_statements(words: Words, cls: list[Clause], lines: list[str], skip: set[int]) -> list[_ListFact]:
    """Headings, short titles and list-marked sentences that say a fact of a whole list."""
    out: list[_ListFact] = []
    for c in cls:
        raw = lines[c.line - 1]
        if c.line in skip or raw.lstrip().startswith("|") or raw.count("|") >= 2:
            continue  # a table's row or label, not a heading or a sentence about the list
        short = c.text == raw.strip() and len(_MARKUP.sub("", c.norm).strip()) <= words.short_line
        if not short and not words.list_markers.search(c.norm):
            continue
        for st in words.list_statements:
            m = st.pattern.search(c.norm)
            if m:
                out.append(_ListFact(c.line, st, c.text, m))
    return out


def list_facts(words: Words, rows: list[Row], found: list[_ListFact]) -> Iterator[RecipientFact]:
    """For each fact, the nearest list statement before each of the recipient's rows."""
    for row in rows:
        nearest: dict[str, _ListFact] = {}
        for lf in found:
            if lf.line < row.line and row.line - lf.line <= words.list_reach:
                nearest[lf.statement.fact] = lf  # found is in line order: the last is the nearest
        for fact, lf in nearest.items():
            st = lf.statement
            note = st.note or f"said of the whole list (line {lf.line}), not of this recipient by name"
            yield _fact(words, fact, lf.text, lf.line, "list", value=st.value, match=lf.match,
                        confidence=st.confidence, note=note)


def document_facts(words: Words, cls: list[Clause], skip: set[int]) -> list[RecipientFact]:
    """Statements about all personal information (the values ``document_statements`` allows)."""
    out: list[RecipientFact] = []
    for fact, allowed in words.document_values.items():
        scope = words.document_words[fact]
        for c in cls:
            if c.line in skip or not scope.search(c.norm):
                continue
            found = words.value_of(fact, c.text)
            if not found or found[0] not in allowed:
                continue
            m = found[1]
            if words.hedge(m.string, m.start(), m.end()):
                continue
            out.append(RecipientFact(fact, found[0], c.text, c.line, "document", "", m.group(0).strip(), "low",
                                     "said of all personal information the policy covers, not of this "
                                     "recipient by name"))
    return out


def _dedupe(facts: Iterable[RecipientFact]) -> tuple[RecipientFact, ...]:
    """One fact per (kind, line, value), the surest form kept; in form order, then line."""
    best: dict[tuple[str, int, str], RecipientFact] = {}
    for f in facts:
        key = (f.kind, f.line, f.value)
        old = best.get(key)
        if old is None or FORMS.index(f.form) < FORMS.index(old.form):
            best[key] = f
    return tuple(sorted(best.values(), key=lambda f: (KINDS.index(f.kind), FORMS.index(f.form), f.line)))


def read_facts(policy: Policy, words: Words | None = None) -> dict[str, tuple[RecipientFact, ...]]:
    """Every recipient's facts, by canonical name (recipients the policy says nothing of are absent)."""
    words = words or load_words()
    text = policy.text or ""
    lines = text.split("\n") if text else []
    cls = clauses(text) if text else []
    recipient_lines = {f.recipient_line for f in policy.flows if f.recipient_line}
    rows = rows_of(policy)
    listed = list_statements(words, cls, lines, recipient_lines) if lines else []
    doc = document_facts(words, cls, recipient_lines) if lines else []
    written_lines: dict[str, dict[str, int]] = {}
    for f in policy.flows:
        written_lines.setdefault(f.recipient, {}).setdefault(f.recipient_as_written, f.recipient_line)
    out: dict[str, tuple[RecipientFact, ...]] = {}
    for r in policy.recipients:
        mine = rows.get(r.name, [])
        found: list[RecipientFact] = []
        for row in mine:
            found.extend(column_facts(words, row, lines))
        found.extend(name_facts(words, r, written_lines.get(r.name, {})))
        if lines:
            found.extend(sentence_facts(words, r, cls, recipient_lines | {row.line for row in mine}))
            found.extend(list_facts(words, mine, listed))
            if mine:
                found.extend(doc)
        if r.contact and not any(f.kind == "contact" for f in found):
            line = next((locate(lines, r.contact, row.line) for row in mine), 0)
            found.append(RecipientFact("contact", r.contact, r.contact, line, "column", "contact"))
        facts = _dedupe(found)
        if facts:
            out[r.name] = facts
    return out


def with_facts(policy: Policy, words: Words | None = None) -> Policy:
    """``policy`` with every recipient's :attr:`~registry.model.Recipient.facts` read from its text."""
    facts = read_facts(policy, words)
    if not facts:
        return policy
    return replace(policy, recipients=tuple(
        replace(r, facts=facts[r.name]) if r.name in facts else r for r in policy.recipients))
