"""The typed data model of a sharing registry.

A :class:`Registry` holds one :class:`Policy` per app. A policy holds what its
tables disclose: business scenarios of the sharing list (《与第三方共享个人信息清单》),
third-party SDKs, device permissions, the recipients they name, the data fields
they mention, and the :class:`Flow` records that join them. Every flow carries
its :class:`Evidence`: the file, line, table, row, column and raw cell text it
was read from, so that an answer can always be taken back to the policy.

Evidence objects are shared between the flows read from one cell, never
copied per flow; that keeps a registry of a million flows small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    """How a field reaches a recipient."""

    SHARING = "sharing"
    """A row of the sharing list: the controller provides the data (共享)."""
    SDK = "sdk"
    """A third-party SDK embedded in the app collects the data itself."""


class RecipientKind(StrEnum):
    COMPANY = "company"
    """A named legal entity (…有限公司)."""
    BRAND = "brand"
    """A brand or product name (小米, 旦米); see :attr:`Recipient.legal_entity`."""
    UNNAMED = "unnamed"
    """A category of recipient, not a name (合作的持牌金融机构)."""
    ONWARD = "onward"
    """An unnamed processor a recipient entrusts (…及其委托的外包服务机构)."""
    AFFILIATE = "affiliate"
    """An affiliate of the controller (关联公司)."""


NO_ENTITY_KINDS = ("unnamed", "onward", "brand")
"""The recipients a policy does not tie to a legal entity: a kind of recipient rather than a name
(``unnamed``: 合作的持牌金融机构), a processor another recipient entrusts (``onward``), a brand no
row resolves to a company (``brand``: 旦米, ``app store``; a brand an SDK row ties to a company is
that company). ``sensitive-unnamed`` lists the sensitive fields they receive."""


class TableKind(StrEnum):
    SHARING = "sharing"
    SDK = "sdk"
    PERMISSION = "permission"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact was read: enough to quote the policy back to an auditor."""

    file: str
    line: int
    """1-based line of the cell's first line in the source file."""
    table: str
    row: int
    """1-based row number within its table (header excluded)."""
    column: str
    """The column role (``data``, ``recipient``, ``sdk_name``, …)."""
    text: str
    """The raw cell text, items joined by newlines."""


@dataclass(frozen=True, slots=True)
class Source:
    """Provenance of one imported document."""

    file: str
    sha256: str
    imported_at: str
    """ISO 8601 UTC time of the import."""
    encoding: str = "utf-8"
    layout: str = "flattened-text"


@dataclass(frozen=True, slots=True)
class Field:
    """A data field as the policy uses it, resolved against ``data/fields.yaml``."""

    name: str
    """Canonical name (the vocabulary's), or the normalized text when unresolved."""
    category: str | None = None
    sensitive: bool = False
    parent: str | None = None
    """The group this field belongs to (vocabulary parent, or the row's group)."""
    resolved: bool = True
    aliases_seen: tuple[str, ...] = ()
    """The spellings this policy used."""


@dataclass(frozen=True, slots=True)
class RecipientFact:
    """One thing the policy says about a recipient beyond the data it gets (read at import by
    :mod:`registry.recipient_facts`, shown by :func:`lineage.records.recipient_record`)."""

    kind: str
    """``contact``, ``relationship``, ``legal_basis`` or ``cross_border``."""
    value: str
    """What it says, in the words of ``data/recipient_facts.yaml``: the contact as written;
    ``processor``, ``independent``, ``joint``; ``consent``, ``contract``, ``legal_obligation`` …;
    ``yes``, ``no`` or ``location`` (a place is named, not whether that is a transfer). The
    cell's own text where it is none of these."""
    text: str
    """The cell, name or sentence as written, whole: the quote for an auditor."""
    line: int
    """1-based line of ``text`` in :attr:`Policy.text` (0: not found)."""
    form: str
    """Where it was read, most sure first: ``column`` (a cell of the recipient's row), ``name``
    (the name as written), ``sentence`` (a sentence naming it), ``list`` (said of the list its row
    is in), ``document`` (said of all personal information)."""
    label: str = ""
    """The column label of a ``column`` fact, as the import kept it."""
    matched: str = ""
    """The words that decided :attr:`value`, as they stand in ``text``."""
    confidence: str = "high"
    """``low`` where it is a guess or a possibility; :attr:`note` says why."""
    note: str = ""


_FACT_KEYS = ("kind", "value", "text", "line", "form", "label", "matched", "confidence", "note")


def fact_to_dict(f: RecipientFact) -> dict[str, object]:
    """A fact as JSON-ready data (the registry file's and the database's form)."""
    return {k: getattr(f, k) for k in _FACT_KEYS}


def fact_from_dict(d: dict[str, object]) -> RecipientFact:
    """A fact from :func:`fact_to_dict`'s data; a missing or mistyped key raises KeyError/TypeError."""
    if not isinstance(d, dict):
        raise TypeError("a recipient fact must be a mapping")
    vals = {k: d[k] for k in _FACT_KEYS[:5]}
    vals.update({k: d[k] for k in _FACT_KEYS[5:] if k in d})
    for k, v in vals.items():
        if type(v) is not (int if k == "line" else str):
            raise TypeError(f"recipient fact {k}: {v!r}")
    return RecipientFact(**vals)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    """Canonical name: the legal entity, or the text as written for brands and categories."""
    kind: RecipientKind
    as_written: tuple[str, ...] = ()
    legal_entity: str | None = None
    """For a brand: the company the policy's own evidence ties it to, if any."""
    resolution: str | None = None
    """How a brand was resolved (which SDK row says so), for the auditor."""
    onward_of: str | None = None
    """For an onward processor: the recipient that entrusts it."""
    contact: str | None = None
    facts: tuple[RecipientFact, ...] = ()
    """What the policy says of it beyond the data: contact, relationship, legal basis, cross-border
    (:mod:`registry.recipient_facts`). Empty in a registry written before they were read."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One row of the sharing list."""

    name: str
    frequency: str
    purpose: str
    data_text: str
    recipients_text: str
    evidence: Evidence
    attributes: tuple[tuple[str, str], ...] = ()
    """Columns or labels the row has beyond the known roles (location, notes, DPA …), as written."""


@dataclass(frozen=True, slots=True)
class SDK:
    """One row of the third-party SDK table."""

    name: str
    provider: str
    contact: str = ""
    policy_url: str = ""
    function: str = ""
    need: str = ""
    purpose: str = ""
    data_text: str = ""
    fields: tuple[str, ...] = ()
    evidence: Evidence | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    """Columns or labels the row has beyond the known roles (platform, location …), as written."""


@dataclass(frozen=True, slots=True)
class Permission:
    """One row (one platform) of the device permission table."""

    name: str
    platform: str
    purpose: str
    can_disable: str
    impact: str
    fields: tuple[str, ...] = ()
    """Data fields this permission gives access to (``data/permissions.yaml``)."""
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    """One data field reaching one recipient through one scenario or SDK."""

    field: str
    field_as_written: str
    channel: Channel
    via: str
    """The scenario name (sharing) or SDK name (sdk)."""
    recipient: str
    recipient_as_written: str
    purpose: str
    frequency: str
    evidence: Evidence
    implied_via: str | None = None
    """The group whose listed member this field is (设备信息 for IMEI), or None."""
    recipient_line: int = 0
    """The line the recipient is named on (a cell may span several lines)."""
    form: str = "table"
    """How the fact was written: ``table`` (a row of a table), ``records`` (labelled
    records or a data file), ``prose`` (a sentence), so a DPO can tell them apart."""
    confidence: str = "high"
    """``low`` where reading the fact took a guess; :attr:`note` says which."""
    note: str = ""
    qualifiers: tuple[str, ...] = ()
    """What the document says about the item beside its name: ``可选``, ``iOS``, ``when present``."""

    @property
    def scenario(self) -> str | None:
        """The sharing scenario the flow goes through; ``None`` for an SDK flow."""
        return self.via if self.channel is Channel.SHARING else None

    @property
    def sdk(self) -> str | None:
        """The SDK the flow goes through; ``None`` for a sharing flow."""
        return self.via if self.channel is Channel.SDK else None


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything imported from one document, for one app."""

    app: str
    controller: str | None
    source: Source
    scenarios: tuple[Scenario, ...] = ()
    sdks: tuple[SDK, ...] = ()
    permissions: tuple[Permission, ...] = ()
    fields: tuple[Field, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    flows: tuple[Flow, ...] = ()
    notes: tuple[str, ...] = ()
    """What the import left out or guessed, one line each."""
    text: str | None = None
    """The document as the import decoded it (:func:`registry.source.read_source`), the
    string whose line numbers the evidence cites. Kept so that every later question (the
    audit's prose checks and quotes, the business functions of ``lineage``, the HTML
    report, the Neo4j push) reads the registry alone and gives the same answer on any
    machine, with or without the document. None in a registry written before it was kept."""

    @property
    def unresolved_fields(self) -> list[str]:
        """Fields the vocabulary does not know, sorted: words a DPO may add to the vocabulary."""
        return sorted(f.name for f in self.fields if not f.resolved)

    def field(self, name: str) -> Field | None:
        """The policy's field of that canonical name, or ``None``."""
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def recipient(self, name: str) -> Recipient | None:
        """The policy's recipient of that canonical name, or ``None``."""
        for r in self.recipients:
            if r.name == name:
                return r
        return None


@dataclass
class Registry:
    """A set of policies, one per app; the unit saved to a registry file."""

    policies: dict[str, Policy] = field(default_factory=dict)

    def add(self, policy: Policy) -> None:
        """Add a policy, replacing any earlier import for the same app."""
        self.policies[policy.app] = policy

    @property
    def apps(self) -> list[str]:
        """The registry's app names, sorted."""
        return sorted(self.policies)

    def policy(self, app: str) -> Policy:
        """The app's policy; the one UnknownNameError, with the closest app names, if there is none."""
        from registry.suggest import check_app

        check_app(self.policies, app)
        return self.policies[app]

    def flows(self, app: str | None = None) -> list[tuple[str, Flow]]:
        """All flows as ``(app, flow)`` pairs, optionally of one app."""
        apps = [app] if app else self.apps
        return [(a, f) for a in apps for f in self.policies[a].flows]
