"""What every rule sees: one app's policy, the vocabulary and, where the registry holds it, the policy text.

The prose rules (and the table header check) need the document itself. The
registry keeps it as imported (:attr:`~registry.model.Policy.text`), so the line
numbers quoted from it are the evidence's by construction and the audit never
opens a file again: a registry gives the same findings on any machine.
:func:`stored_text` takes it from the policy; a registry written before the text
was kept has none, and the rules that read it are skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lineage.audit.finding import Quote, clip
from lineage.audit.prose import Statement, extract_statements
from lineage.audit.relations import FieldRelations, field_relations
from lineage.audit.words import AuditWords, load_audit_words
from registry.errors import SharegraphError
from registry.model import SDK, Channel, Evidence, Flow, Policy, Scenario
from registry.source import SourceText, decode
from registry.tables import RawRow, RawTable
from registry.vocabulary import Vocabulary, load_vocabulary

_SENTENCE = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+")

TEXT_LAYOUTS = ("flattened-text", "markdown", "records", "paragraph-list", "prose")
"""Layouts whose lines are prose a reader can quote (an HTML page's lines are markup, a JSON or
YAML file's are data); a document read by several readers (``records+prose``) is prose when
each of them is one of these."""


@dataclass(frozen=True, slots=True)
class PolicyText:
    """A policy document as the audit reads it."""

    path: str
    name: str
    text: str
    sha256: str
    encoding: str = "utf-8"
    status: str = "found"
    """``found`` (the registry's own copy of the imported document) or ``given`` (passed in;
    SG002 says when its SHA-256 is not the one recorded at import)."""

    @property
    def lines(self) -> list[str]:
        """The text's lines (line ``n`` is ``lines[n - 1]``, as evidence counts them)."""
        return self.text.split("\n")

    def source(self) -> SourceText:
        """The text as the readers' :class:`SourceText`."""
        return SourceText(self.path, self.name, self.text, self.encoding, self.sha256)


def read_policy_text(path: str | Path) -> PolicyText:
    """Read a document the way the importer does (same decoding, same line numbers)."""
    from registry.source import read_source

    src = read_source(path)
    return PolicyText(src.path, src.name, src.text, src.sha256, src.encoding)


def text_from_string(text: str, name: str = "<text>") -> PolicyText:
    """A policy text given as a string (tests, stdin): decoded as a file would be."""
    data = text.encode("utf-8")
    decoded, enc = decode(data, name)
    return PolicyText(name, name, decoded, hashlib.sha256(data).hexdigest(), enc, status="given")


def stored_text(policy: Policy) -> PolicyText | None:
    """The imported document as the registry holds it, or None (a registry written before
    the text was kept). It is the import's own string, so its SHA-256 is the recorded one."""
    if policy.text is None:
        return None
    return PolicyText(policy.source.file, Path(policy.source.file).name, policy.text,
                      policy.source.sha256, policy.source.encoding)


@dataclass
class AuditContext:
    """One app's policy, its text (if found) and the lookups the rules share."""

    policy: Policy
    text: PolicyText | None = None
    vocab: Vocabulary = field(default_factory=load_vocabulary)
    words: AuditWords = field(default_factory=load_audit_words)
    """The audit's word lists (``data/audit.yaml``)."""
    relations: FieldRelations = field(default_factory=field_relations)
    """Pieces, values and derivations of fields (``data/fields.yaml``, audit-only keys)."""

    @property
    def app(self) -> str:
        """The audited app."""
        return self.policy.app

    @property
    def file(self) -> str:
        """The file name quotes name: the policy text's, else the imported source's."""
        return self.text.name if self.text else Path(self.policy.source.file).name

    @cached_property
    def lines(self) -> list[str]:
        """The policy text's lines; ``[]`` when no text was found."""
        return self.text.lines if self.text else []

    @property
    def has_prose(self) -> bool:
        """True when the text is here and its lines can be read as prose."""
        return self.text is not None and all(
            part in TEXT_LAYOUTS for part in self.policy.source.layout.split("+"))

    # -- quoting --------------------------------------------------------------------------
    def quote(self, line: int, fallback: str = "", focus: str = "") -> Quote:
        """The policy's line ``line`` as written, cut around ``focus`` when the line is long.

        A quote is never text the audit assembled: without the policy text it is the
        registry's own record of that line (``fallback``, which callers give only as a
        cell's text as read, one line of it), else empty.
        """
        if self.lines and 0 < line <= len(self.lines):
            return Quote(self.file, line, clip(self.lines[line - 1], focus=focus))
        return Quote(self.file, line, clip(fallback.split("\n")[0], focus=focus))

    def quote_ev(self, ev: Evidence | None) -> list[Quote]:
        """A quote of the evidence's line (``[]`` without evidence)."""
        if ev is None:
            return []
        return [self.quote(ev.line, ev.text)]

    def quote_lines(self, lines: Iterable[int], focus: str = "") -> list[Quote]:
        """Quotes of several lines (a row that spans several), blank lines left out."""
        out = []
        for ln in sorted(set(lines)):
            q = self.quote(ln, focus=focus)
            if q.text:
                out.append(q)
        return out

    # -- tables as read again from the text ---------------------------------------------
    @cached_property
    def tables(self) -> list[RawTable]:
        """The document's tables read again (for headers and empty cells); [] without text."""
        if self.text is None:
            return []
        from registry.importer import read_tables

        try:
            tables, _ = read_tables(self.text.source(), self.policy.source.layout)
        except SharegraphError:  # a text the importer read once should not fail now; if it does, no tables
            return []
        return tables

    def row_at(self, kind: str, line: int, role: str = "") -> tuple[RawTable, RawRow] | None:
        """The table of that kind and its row whose cell (of ``role``, if given) starts on ``line``."""
        for t in self.tables:
            if t.kind != kind:
                continue
            for r in t.rows:
                cells = [r.cells[role]] if role in r.cells else list(r.cells.values())
                if any(c.line == line for c in cells):
                    return t, r
        return None

    def header_lines(self, t: RawTable) -> dict[str, int]:
        """Each header cell of a table (as written) and the line it stands on.

        A flattened table puts each header cell on its own line, a Markdown table all on
        one; a table read from labelled records or a sentence has no header line.
        """
        first_row = min((c.line for r in t.rows for c in r.cells.values() if c.line), default=t.line + 200)
        out: dict[str, int] = {}
        start = t.line
        for h in t.headers:
            h = h.strip()
            if not h or h.startswith("("):
                continue
            for no in range(start, min(first_row, len(self.lines) + 1)):
                if h in self.lines[no - 1]:
                    out[h] = no
                    start = no
                    break
        return out

    def table(self, kind: str) -> RawTable | None:
        """The one table of a kind (None if absent or if there are several)."""
        found = [t for t in self.tables if t.kind == kind]
        return found[0] if len(found) == 1 else None

    def raw_row(self, kind: str, row: int) -> RawRow | None:
        """Row ``row`` (1-based) of the text's table of that kind, as read; ``None`` if absent."""
        t = self.table(kind)
        if t is None or not 0 < row <= len(t.rows):
            return None
        return t.rows[row - 1]

    @cached_property
    def table_lines(self) -> set[int]:
        """Lines that belong to a table (header to last cell): prose readers skip them.

        Entries read from labelled paragraphs count only where they name whom they are about
        (an SDK's provider, a row's recipient): a paragraph of the collection prose the import
        took for an entry (vivo's "1、产品升级下载更新：…") stays prose.
        """
        out: set[int] = set()
        for t in self.tables:
            if t.layout in ("records", "paragraph-list", "prose"):
                key = "provider" if t.kind == "sdk" else "recipient"
                for r in t.rows:
                    if key not in r.cells or r.cells[key].empty:
                        continue
                    lines = [ln for c in r.cells.values() for ln, _ in c.items] + [r.line]
                    out.update(range(min(lines), max(lines) + 1))
                continue
            last = max((ln for r in t.rows for c in r.cells.values() for ln, _ in c.items),
                       default=t.line)
            out.update(range(t.line, last + 1))
        return out

    # -- the prose ----------------------------------------------------------------------------
    @cached_property
    def sentences(self) -> list[tuple[int, str]]:
        """Every sentence outside the tables, with its line (a line ends every sentence on it;
        Chinese sentences end at 。！？, English ones at a full stop before a blank)."""
        if not self.has_prose:
            return []
        out: list[tuple[int, str]] = []
        for no, raw in enumerate(self.lines, 1):
            if no in self.table_lines or not raw.strip():
                continue
            out.extend((no, part.strip()) for part in _SENTENCE.split(raw.strip()) if part.strip())
        return out


    @cached_property
    def statements(self) -> list[Statement]:
        """Collection and sharing statements of sections 一 and 二 ([] without prose)."""
        if not self.has_prose or self.text is None:
            return []
        return extract_statements(self.text.text, vocab=self.vocab, skip_lines=self.table_lines)

    # -- the registry's rows -------------------------------------------------------------
    @cached_property
    def flows_by_via(self) -> dict[tuple[Channel, str], list[Flow]]:
        """The policy's flows grouped by (channel, scenario or SDK name)."""
        out: dict[tuple[Channel, str], list[Flow]] = defaultdict(list)
        for f in self.policy.flows:
            out[(f.channel, f.via)].append(f)
        return out

    def scenario_flows(self, s: Scenario) -> list[Flow]:
        """The flows of one sharing row."""
        return self.flows_by_via.get((Channel.SHARING, s.name), [])

    def sdk_flows(self, s: SDK) -> list[Flow]:
        """The flows of one SDK row."""
        return self.flows_by_via.get((Channel.SDK, s.name), [])

    def sdk_fields(self, s: SDK) -> list[str]:
        """The fields of one SDK row, in the order the row lists them."""
        return list(dict.fromkeys(f.field for f in self.sdk_flows(s)))

    def scenario_recipients(self, s: Scenario) -> list[str]:
        """Recipients of a row, in the order the cell names them."""
        return list(dict.fromkeys(f.recipient for f in self.scenario_flows(s)))

    def scenario_fields(self, s: Scenario) -> list[str]:
        """The fields of one sharing row, in the order the row lists them."""
        return list(dict.fromkeys(f.field for f in self.scenario_flows(s)))

    def recipient_line(self, s: Scenario, recipient: str | None = None) -> int:
        """Where a row names a recipient (its recipient cell when ``recipient`` is None)."""
        lines = [f.recipient_line for f in self.scenario_flows(s)
                 if f.recipient_line and (recipient is None or f.recipient == recipient)]
        if lines:
            return min(lines)
        raw = self.raw_row("sharing", s.evidence.row)
        if raw is not None and "recipient" in raw.cells and raw.cells["recipient"].line:
            return raw.cells["recipient"].line
        return s.evidence.line

    def sharing_rows_of(self, recipient: str) -> list[Scenario]:
        """The sharing rows that name ``recipient``."""
        return [s for s in self.policy.scenarios if recipient in self.scenario_recipients(s)]

    def sdks_of(self, provider: str) -> list[SDK]:
        """The SDKs that ``provider`` provides."""
        return [s for s in self.policy.sdks if s.provider == provider]

    def names_entity(self, text: str) -> bool:
        """Whether a phrase names a legal entity (a company suffix of recipients.yaml such as
        有限公司 or Ltd), not a kind of one (律师事务所, 银行, 第三方机构).

        >>> from registry import open_registry
        >>> ctx = AuditContext(open_registry().policies["你我贷"])
        >>> ctx.names_entity("北京旷视科技有限公司"), ctx.names_entity("律师事务所")
        (True, False)
        """
        return any(sfx in text for sfx in self.vocab.company_suffixes
                   if sfx.endswith("公司") or sfx.isascii())

    # -- the field hierarchy -------------------------------------------------------------
    def sensitive(self, name: str) -> bool:
        """Whether a field is sensitive: the policy's word for it, else the vocabulary's."""
        f = self.policy.field(name)
        if f is not None:
            return f.sensitive
        e = self.vocab.fields.get(name)
        return bool(e and e.sensitive)

    def ancestors(self, name: str) -> list[str]:
        """Groups above a field: the vocabulary's parents, and the policy's own groups."""
        hit = self._up.get(name)
        if hit is None:
            hit = self._up[name] = self._walk_up(name)
        return hit

    def descendants(self, name: str) -> list[str]:
        """Fields below a group, in the vocabulary or in the policy's rows."""
        hit = self._down.get(name)
        if hit is None:
            hit = self._down[name] = self._walk_down(name)
        return hit

    @cached_property
    def _up(self) -> dict[str, list[str]]:
        return {}

    @cached_property
    def _down(self) -> dict[str, list[str]]:
        return {}

    def _walk_up(self, name: str) -> list[str]:
        out: list[str] = []
        frontier = [name]
        while frontier:
            n = frontier.pop(0)
            for p in self._parents.get(n, ()):
                if p not in out and p != name:
                    out.append(p)
                    frontier.append(p)
        return out

    def _walk_down(self, name: str) -> list[str]:
        out: list[str] = []
        frontier = [name]
        while frontier:
            n = frontier.pop(0)
            for c in self._children.get(n, ()):
                if c not in out and c != name:
                    out.append(c)
                    frontier.append(c)
        return out

    @cached_property
    def _parents(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for e in self.vocab.fields.values():
            if e.parent:
                out[e.name].add(e.parent)
        for f in self.policy.fields:
            if f.parent:
                out[f.name].add(f.parent)
        for fl in self.policy.flows:
            if fl.implied_via:
                out[fl.field].add(fl.implied_via)
        return out

    @cached_property
    def _children(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for child, parents in self._parents.items():
            for p in parents:
                out[p].add(child)
        return out

    def wholes(self, name: str) -> tuple[str, ...]:
        """The fields ``name`` is a piece or content of (``part_of``)."""
        return self.relations.part_of.get(name, ())

    def parts(self, name: str) -> tuple[str, ...]:
        """The pieces of ``name`` (the fields whose ``part_of`` names it)."""
        return self.relations.parts.get(name, ())

    def related(self, a: str, b: str) -> bool:
        """True if two fields are one, or one is a group the other belongs to."""
        return a == b or b in self.ancestors(a) or a in self.ancestors(b)


def sorted_unique(items: Iterable[str]) -> list[str]:
    """The distinct items, sorted (stable output for findings)."""
    return sorted(set(items))
