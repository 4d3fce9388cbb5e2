"""From tables to a :class:`~registry.model.Policy`: splitting, normalization, flows.

Layout-independent: every reader (flattened text, HTML, Markdown, paragraph
lists) hands :class:`~registry.tables.RawTable` objects to :func:`build_policy`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from registry.columns import NO_DATA_NOTE, looks_like_sdk_name
from registry.datafiles import name_key
from registry.model import (
    SDK,
    Channel,
    Evidence,
    Field,
    Flow,
    Permission,
    Policy,
    Recipient,
    RecipientKind,
    Scenario,
    Source,
)
from registry.normalize import (
    RecipientName,
    classify_enumeration,
    classify_recipient,
    resolve_brand,
    resolve_field,
    unnamed_provider,
)
from registry.splitting import Item, split_enumerations, split_lines
from registry.stats import IMPORT_COUNTS, policy_stats
from registry.tables import Cell, RawRow, RawTable
from registry.vocabulary import FieldEntry, Vocabulary

UNNAMED_DATA = "personal data"
"""The data of a recipient a list names with no data items (columns.NO_DATA_NOTE)."""


@dataclass
class ImportReport:
    """What an import found, left out, and could not resolve."""

    app: str
    tables: list[dict[str, object]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    unresolved_fields: dict[str, list[str]] = field(default_factory=dict)
    """Field as written -> closest known names."""
    unresolved_recipients: list[str] = field(default_factory=list)
    """Brands and names that no evidence ties to a legal entity."""
    info: list[str] = field(default_factory=list)
    """How unusual layout was read (not a problem)."""

    @property
    def problems(self) -> int:
        """How many things an auditor must look at: rows left out, guesses, unresolved names."""
        return (len(self.left_out) + len(self.guesses) + len(self.unresolved_fields)
                + len(self.unresolved_recipients))

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready data (``import --json``)."""
        return {
            "app": self.app,
            "tables": self.tables,
            "counts": self.counts,
            "left_out": self.left_out,
            "guesses": self.guesses,
            "unresolved_fields": self.unresolved_fields,
            "unresolved_recipients": self.unresolved_recipients,
            "info": self.info,
        }


_APP_DEF = re.compile(r"^\s*([^\s（(，。]{1,24}?)[（(]在本(?:隐私|个人信息保护)?(?:权)?政策中[，,]?(?:指|是指|系指)(.+?(?:公司|集团|银行))")
_TITLE = re.compile(r"^\s*《?(.{1,40}?)(?:隐私权?政策|个人信息保护政策|隐私保护指引|隐私协议)》?\s*$")
_COMPANY = re.compile(r"[\u4e00-\u9fffA-Za-z（）()]{2,40}?(?:有限责任公司|股份有限公司|有限公司)")


def detect_app(text: str) -> tuple[str | None, str | None]:
    """The app name and the controller a document names, where it says.

    >>> detect_app("你我贷借款隐私政策\\n你我贷（在本隐私政策中，指哈尔滨市龙商小额贷款有限责任公司（注册…")
    ('你我贷', '哈尔滨市龙商小额贷款有限责任公司')
    """
    head = text[:20000]
    app = controller = None
    for line in head.split("\n"):
        m = _APP_DEF.match(line)
        if m:
            app, controller = m.group(1), m.group(2)
            break
    if app is None:
        for line in head.split("\n")[:40]:
            m = _TITLE.match(line)
            if m and m.group(1).strip():
                app = m.group(1).strip()
                break
    if controller is None:
        m = _COMPANY.search(head)
        controller = m.group(0) if m else None
    return app, controller


@dataclass
class _FieldSeen:
    entry: FieldEntry | None
    seen: list[str] = field(default_factory=list)
    parent: str | None = None


@dataclass
class _RecipientSeen:
    kind: RecipientKind
    seen: list[str] = field(default_factory=list)
    resolution: str | None = None
    onward_of: str | None = None
    contact: str | None = None


class _Builder:
    def __init__(self, vocab: Vocabulary, file: str) -> None:
        self.vocab = vocab
        self.file = file
        self.fields: dict[str, _FieldSeen] = {}
        self.recipients: dict[str, _RecipientSeen] = {}
        self.flows: list[Flow] = []
        self.flow_keys: dict[tuple[object, ...], int] = {}
        """Each flow's key, and its index in :attr:`flows`."""
        self.notes: list[str] = []
        """What was left out, and why."""
        self.guesses: list[str] = []
        """What was kept on a guess (its flows marked ``low``), and which."""
        self.unresolved_recipients: list[str] = []
        self.duplicates: list[str] = []
        self.row_names: set[str] = set()
        """Names given to rows without a scenario cell (each row its own node: its own evidence)."""
        self.brand_matches: dict[str, list[SDK]] = {}
        """A brand's matching SDKs, per policy (normalize.resolve_brand)."""
        self.permission_reads: dict[tuple[str, str], str] = {}
        """(permission word as written, field it gives): the note of such flows (:meth:`fields_of`)."""

    # -- fields ---------------------------------------------------------------
    def field_of(self, text: str, parent: str | None = None) -> str:
        fn = resolve_field(text, self.vocab)
        rec = self.fields.setdefault(fn.canonical, _FieldSeen(fn.entry))
        if text not in rec.seen:
            rec.seen.append(text)
        vocab_parent = fn.entry.parent if fn.entry else None
        if rec.parent is None:
            rec.parent = vocab_parent or (parent if parent != fn.canonical else None)
        return fn.canonical

    def fields_of(self, items: list[Item]) -> list[tuple[str, Item, str | None]]:
        """(canonical, item, implied_via) for each item and each group member.

        An item that is no field but a device permission (``麦克风``, ``摄像头权限`` in an SDK's
        data cell) also stands for the fields the permission gives (``data/permissions.yaml``):
        their flows, written as the permission word, are marked ``low`` with a note
        (:meth:`add_flow`), and the word keeps its own flow. The word is not made a group of
        those fields: asking who receives ``获取手机状态和身份`` must not answer with everyone
        who receives an IMEI.
        """
        out: list[tuple[str, Item, str | None]] = []
        for it in items:
            name = self.field_of(it.text)
            out.append((name, it, None))
            if not it.members and self.fields[name].entry is None:
                out.extend((f, it, None) for f in self._permission_fields(it, name))
            for m in self._members(it, name):
                out.extend(
                    (self.field_of(mm.text, parent=name), mm, name)
                    for mm in [m, *self._flatten(m.members)]
                )
        return out

    def _members(self, item: Item, name: str) -> list[Item]:
        """The item's members that are fields: not the values its field takes
        (``网络类型（例如 Wi-Fi、3G、4G）``: ``values`` in ``fields.yaml``), which the cell quotes."""
        entry = self.fields[name].entry
        if not entry or not entry.values:
            return list(item.members)
        values = {name_key(v) for v in entry.values}
        return [m for m in item.members if name_key(m.text) not in values]

    def _permission_fields(self, item: Item, name: str) -> list[str]:
        perm = self.vocab.permission(item.text)
        if perm is None or not perm.fields:
            return []
        out = []
        for f in perm.fields:
            entry = self.vocab.resolve_field(f)
            canonical = entry.name if entry else f
            self.fields.setdefault(canonical, _FieldSeen(entry))  # not seen as written: implied
            out.append(canonical)
        note = (f"{item.text} names a permission ({perm.name}), not data; read as the data it gives "
                f"({', '.join(out)}), marked low")
        if (item.text, out[0]) not in self.permission_reads:  # the word's first reading: say so once
            self.guesses.append(f"line {item.line}: {note}")
        self.permission_reads.update({(item.text, f): note for f in out})
        return out

    def _flatten(self, items: tuple[Item, ...]) -> list[Item]:
        out: list[Item] = []
        for i in items:
            out.append(i)
            out.extend(self._flatten(i.members))
        return out

    # -- recipients -----------------------------------------------------------
    def recipient(self, r: RecipientName, contact: str = "") -> str:
        rec = self.recipients.setdefault(
            r.name, _RecipientSeen(r.kind, onward_of=r.onward_of, contact=contact or None))
        if r.as_written not in rec.seen:
            rec.seen.append(r.as_written)
        if contact and not rec.contact:
            rec.contact = contact
        return r.name

    def recipients_of(self, cell: Cell, sdks: list[SDK], hint: str, where: str) -> list[tuple[RecipientName, int]]:
        """The recipients a cell names, with the line each is named on: a list at a time, so
        that an onward clause reaches every recipient listed before it (docs/splitting.md)."""
        out: list[tuple[RecipientName, int]] = []
        seen: dict[str, int] = {}
        legal_of: dict[str, str] = {}  # brand -> the legal entity it resolved to, for its onward processors
        named = [(item, r) for e in split_enumerations(cell.items, vocab=self.vocab)
                 for item, rs in zip(e.items, classify_enumeration(
                     [(i.raw if i.members else i.text) or i.raw for i in e.items], self.vocab, e.written, e.line),
                     strict=True)
                 for r in rs]
        for item, r in named:
            if r.onward_of in legal_of:
                r = replace(r, onward_of=legal_of[r.onward_of])
            if r.kind is RecipientKind.BRAND:
                resolved = resolve_brand(r.name, sdks, self.vocab, hint, cache=self.brand_matches)
                if resolved:
                    legal, sdk = resolved
                    line = sdk.evidence.line if sdk.evidence else 0
                    legal_of[r.name] = legal
                    r = RecipientName(legal, r.as_written, RecipientKind.COMPANY)
                    rec = self.recipients.setdefault(
                        legal, _RecipientSeen(RecipientKind.COMPANY, contact=sdk.contact or None))
                    note = f"brand {r.as_written} -> {legal}: SDK table, {sdk.name} (line {line})"
                    if note not in (rec.resolution or ""):
                        rec.resolution = f"{rec.resolution}; {note}" if rec.resolution else note
                elif r.name not in self.unresolved_recipients:
                    self.unresolved_recipients.append(r.name)
            if r.name in seen:
                self.duplicates.append(
                    f"line {item.line}: {where}: {r.name} is listed again (first at line {seen[r.name]})"
                )
                continue
            seen[r.name] = item.line
            out.append((r, item.line))
        return out

    def add_flow(self, flow: Flow) -> None:
        """Add a flow unless one of the same key is there; a flow the document states replaces
        one read from a permission word."""
        why = self.permission_reads.get((flow.field_as_written, flow.field)) if flow.implied_via is None else None
        if why:
            flow = replace(flow, confidence="low", note="; ".join(n for n in (flow.note, why) if n))
        key = (flow.field, flow.channel, flow.via, flow.recipient, flow.implied_via)
        at = self.flow_keys.get(key)
        if at is None:
            self.flow_keys[key] = len(self.flows)
            self.flows.append(flow)
        elif not why and (self.flows[at].field_as_written, flow.field) in self.permission_reads:
            self.flows[at] = flow


_FORMS = {"prose": "prose", "records": "records", "paragraph-list": "records", "markdown-records": "records",
          "structured": "records"}
_TRAILING = " \t\u3000。；;，,、.：:"
_ROLE_FIELDS = {"sharing": ("scenario", "data", "frequency", "purpose", "recipient", "contact", "service"),
                "sdk": ("sdk_name", "provider", "contact", "policy_url", "function", "need", "purpose", "data")}


def _form(t: RawTable) -> str:
    return _FORMS.get(t.layout, "table")


def _attributes(t: RawTable, row: RawRow) -> tuple[tuple[str, str], ...]:
    """What a row holds beyond the roles the model has a place for, as ``(label, text)``."""
    known = _ROLE_FIELDS.get(t.kind, ())
    out = [(role, c.text.strip()) for role, c in row.cells.items() if role not in known and not c.empty]
    out += [(label, c.text.strip()) for label, c in row.extras.items() if not c.empty]
    return tuple(out)


def _ev(file: str, table: str, row: int, column: str, cell: Cell, line: int | None = None) -> Evidence:
    return Evidence(file, line or cell.line, table, row, column, cell.text)


def build_policy(
    tables: list[RawTable],
    *,
    file: str,
    sha256: str,
    text: str,
    vocab: Vocabulary,
    app: str | None = None,
    encoding: str = "utf-8",
    layout: str = "flattened-text",
    imported_at: str | None = None,
) -> tuple[Policy, ImportReport]:
    """Turn tables read from one document into a policy and its import report."""
    found_app, controller = detect_app(text)
    app_name = app or found_app or file
    b = _Builder(vocab, file)
    report = ImportReport(app_name)
    if app is None and found_app is None:
        report.guesses.append(f"no app name found in the document; using the file name {file!r} (give --app)")
    for t in tables:
        report.tables.append({"kind": t.kind, "line": t.line, "rows": len(t.rows), "headers": t.headers})
        report.left_out.extend(t.notes)
        report.guesses.extend(t.guesses)
        report.info.extend(t.info)

    sdks = _sdks(tables, b)
    permissions = _permissions(tables, b, vocab)
    scenarios = _scenarios(tables, b, sdks)

    fields = tuple(
        Field(
            name=name,
            category=rec.entry.category if rec.entry else None,
            sensitive=bool(rec.entry and rec.entry.sensitive),
            parent=rec.parent,
            resolved=rec.entry is not None,
            aliases_seen=tuple(rec.seen),
        )
        for name, rec in sorted(b.fields.items())
    )
    recipients = tuple(
        Recipient(
            name=name,
            kind=rec.kind,
            as_written=tuple(rec.seen),
            legal_entity=name if rec.resolution else None,
            resolution=rec.resolution,
            onward_of=rec.onward_of,
            contact=rec.contact,
        )
        for name, rec in sorted(b.recipients.items())
    )
    for f in fields:
        if not f.resolved:
            report.unresolved_fields[f.name] = vocab.suggest_fields(f.name)
    report.unresolved_recipients = sorted(b.unresolved_recipients)
    report.left_out.extend(b.notes)
    report.guesses.extend(b.guesses)
    report.info.extend(b.duplicates)
    policy = Policy(
        app=app_name,
        controller=controller,
        source=Source(
            file=file,
            sha256=sha256,
            imported_at=imported_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            encoding=encoding,
            layout=layout,
        ),
        scenarios=tuple(scenarios),
        sdks=tuple(sdks),
        permissions=tuple(permissions),
        fields=fields,
        recipients=recipients,
        flows=tuple(b.flows),
        notes=tuple(report.left_out + report.guesses + report.info),
    )
    # the counts as registry.stats defines them (docs/counts.md), so import and stats agree
    counted = policy_stats(policy)
    report.counts = {"tables": len(tables), **{k: counted[k] for k in IMPORT_COUNTS}}
    return policy, report


def _sdks(tables: list[RawTable], b: _Builder) -> list[SDK]:
    out: list[SDK] = []
    for t in (t for t in tables if t.kind == "sdk"):
        for n, row in enumerate(t.rows, 1):
            data = row.cells.get("data", Cell())
            sdk_name = (row.text("sdk_name") or row.text("provider")).strip(_TRAILING)
            provider_text = row.text("provider").replace("\n", "").strip(_TRAILING)
            if not provider_text and not looks_like_sdk_name(sdk_name):
                # a heading or a stray line read as a record: no SDK, and its words no fields
                b.notes.append(f"line {row.line}: {sdk_name.replace(chr(10), ' ')!r} names no provider "
                               "and is no SDK's name (a heading?): not read as an SDK")
                continue
            ev = _ev(b.file, "sdk", n, "sdk_name", row.cells.get("sdk_name", data))
            field_rows = b.fields_of(split_lines(data.items, vocab=b.vocab))
            sdk = SDK(
                name=sdk_name.replace("\n", " "),
                provider=provider_text,
                contact=row.text("contact").replace("\n", " "),
                policy_url=row.text("policy_url").replace("\n", ""),
                function=row.text("function"),
                need=row.text("need"),
                purpose=row.text("purpose"),
                data_text=data.text,
                fields=tuple(dict.fromkeys(name for name, _, _ in field_rows)),
                evidence=ev,
                attributes=_attributes(t, row),
            )
            same = out[-1] if out and "sdk_name" in row.carried else None
            if same is not None and (same.name, same.provider) == (sdk.name, sdk.provider):
                # the SDK's name spans this row (rowspan): one SDK, its rows' data together; each
                # row's flows keep that row's purpose
                out[-1] = replace(same, data_text=f"{same.data_text}\n{sdk.data_text}",
                                  fields=tuple(dict.fromkeys((*same.fields, *sdk.fields))))
            else:
                out.append(sdk)
            if provider_text:
                recips = classify_recipient(provider_text, b.vocab)
            else:
                recips = [unnamed_provider(sdk.name, b.vocab)]
                b.guesses.append(f"line {row.line}: SDK {sdk.name} names no provider; its flows go to "
                               f"{recips[0].name} ({recips[0].kind.value}), marked low")
            for r in recips:
                b.recipient(r, contact=sdk.contact if r.kind is not RecipientKind.ONWARD else "")
            cache: dict[int, Evidence] = {}
            form = _form(t)
            for name, item, implied in field_rows:
                ev_f = cache.setdefault(item.line, _ev(b.file, "sdk", n, "data", data, item.line))
                for r in recips:
                    conf, note = _reading(row, r)
                    b.add_flow(Flow(
                        field=name, field_as_written=item.text, channel=Channel.SDK, via=sdk.name,
                        recipient=r.name, recipient_as_written=r.as_written,
                        purpose=sdk.purpose or sdk.function, frequency="", evidence=ev_f,
                        implied_via=implied, recipient_line=row.cells["provider"].line if "provider" in row.cells else row.line,
                        form=form, confidence=conf, note=note, qualifiers=_qualifiers(item),
                    ))
    return out


def _row_name(service: str, purpose: str, row: RawRow, used: set[str]) -> str:
    """A name for a row that has no scenario cell: its service, else its purpose, else its line.

    A sub-processor list or a prose sentence names no business scenario. "row 3" said nothing
    and collided between tables (every prose sentence was "row 1", so their flows shared one
    node and one sentence's evidence); the row's own words are unique where they can be, and
    the line makes them so.
    """
    base = service or (purpose if 0 < len(purpose) <= 60 else "")
    name = base or f"line {row.line}"
    if name in used:
        name = f"{base} (line {row.line})" if base else f"line {row.line} ({len(used)})"
    used.add(name)
    return name


def _reading(row: RawRow, r: RecipientName) -> tuple[str, str]:
    """How a flow to ``r`` was read: the row's guess and the guess naming ``r``, if any.

    A name of one character (``提供主体：中``, a page cut inside the name) is no name one can
    be sure of: the flow is kept, low, the note saying so.
    """
    if len(r.name.strip()) == 1:
        note = f"the recipient's name is one character ({r.name!r}): cut short?"
        return "low", "; ".join(n for n in (row.note, r.note, note) if n)
    if not r.note and r.confidence == "high":
        return row.confidence, row.note
    return ("low" if "low" in (row.confidence, r.confidence) else row.confidence,
            "; ".join(n for n in (row.note, r.note) if n))


def _qualifiers(item: Item) -> tuple[str, ...]:
    return tuple(getattr(item, "qualifiers", ()) or ())


def _permissions(tables: list[RawTable], b: _Builder, vocab: Vocabulary) -> list[Permission]:
    out: list[Permission] = []
    for t in (t for t in tables if t.kind == "permission"):
        for n, row in enumerate(t.rows, 1):
            name = row.text("permission").replace("\n", "")
            entry = vocab.permission(name)
            fields = tuple(b.field_of(f) for f in entry.fields) if entry else ()
            if entry is None:
                b.notes.append(f"line {row.line}: permission {name!r} is not in data/permissions.yaml; no fields linked")
            out.append(Permission(
                name=name,
                platform=row.text("platform"),
                purpose=row.text("purpose"),
                can_disable=row.text("can_disable"),
                impact=row.text("impact"),
                fields=fields,
                evidence=_first_cell_ev(b.file, "permission", n, row),
            ))
    return out


def _first_cell_ev(file: str, table: str, n: int, row: RawRow) -> Evidence:
    for role, cell in row.cells.items():
        if role not in row.carried and cell.items:
            return Evidence(file, cell.line, table, n, role, " | ".join(c.text for c in row.cells.values()))
    return Evidence(file, row.line, table, n, "", "")


def _scenarios(tables: list[RawTable], b: _Builder, sdks: list[SDK]) -> list[Scenario]:
    out: list[Scenario] = []
    for t in (t for t in tables if t.kind == "sharing"):
        unnamed = "data" not in t.roles and NO_DATA_NOTE in " ".join(t.info)
        for n, row in enumerate(t.rows, 1):
            data = row.cells.get("data", Cell())
            if unnamed and "recipient" in row.cells:
                # a list of recipients and no data (Sub-processor | Location | Purpose): each
                # gets the personal data the page is about, not itemised, low (columns.NO_DATA_NOTE)
                data = Cell(((row.line, UNNAMED_DATA),))
                row = replace(row, confidence="low", note=f"line {row.line}: {NO_DATA_NOTE}")
            rcell = row.cells.get("recipient", Cell())
            service = row.text("service").replace("\n", " ").strip(_TRAILING)
            purpose = row.text("purpose").replace("\n", " ")
            name = row.text("scenario").replace("\n", " ") or _row_name(service, purpose, row, b.row_names)
            frequency = row.text("frequency").replace("\n", " ")
            sc = Scenario(
                name=name, frequency=frequency, purpose=purpose, data_text=data.text,
                recipients_text=rcell.text,
                evidence=_first_cell_ev(b.file, "sharing", n, row),
                attributes=_attributes(t, row),
            )
            out.append(sc)
            field_rows = b.fields_of(split_lines(data.items, vocab=b.vocab))
            recips = b.recipients_of(rcell, sdks, purpose + name, f"sharing row {n} ({name})")
            if not field_rows or not recips:
                b.notes.append(
                    f"line {row.line}: sharing row {n} ({name}) names "
                    + ("no data" if not field_rows else "no recipient") + "; no flows made"
                )
            if service and len(recips) == 1 and recips[0][0].kind is RecipientKind.COMPANY:
                # the row names the recipient by its service too (Microsoft Azure, of Microsoft
                # Corporation): that is the name a reader knows; the legal entity stays the node
                r0, line0 = recips[0]
                recips = [(replace(r0, as_written=service), line0)]
            for r, _ in recips:
                b.recipient(r, contact=row.text("contact"))
            ev_cache: dict[int, Evidence] = {}
            form = _form(t)
            for fname, item, implied in field_rows:
                ev = ev_cache.setdefault(item.line, _ev(b.file, "sharing", n, "data", data, item.line))
                for r, rline in recips:
                    confidence, note = _reading(row, r)
                    b.add_flow(Flow(
                        field=fname, field_as_written=item.text, channel=Channel.SHARING, via=name,
                        recipient=r.name, recipient_as_written=r.as_written, purpose=purpose,
                        frequency=frequency, evidence=ev, implied_via=implied, recipient_line=rline,
                        form=form, confidence=confidence, note=note, qualifiers=_qualifiers(item),
                    ))
    return out
