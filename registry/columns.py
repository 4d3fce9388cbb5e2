"""Column roles from evidence: what the header says, and what the cells hold.

A table (or a set of labelled records) is a disclosure when one of its columns
names who receives the data and another names the data. Headers are scored
against ``data/headers.yaml`` (an exact synonym, else the longest synonym a
header contains); cells are looked at too:

* a column of legal-entity names (有限公司, Co., Ltd., Inc., LLC, GmbH, B.V. …) or
  brands of ``data/recipients.yaml`` is a recipient (or an SDK's provider);
* a column of names ending in ``SDK`` is an SDK name;
* a column whose cells split into items the field vocabulary knows, or that
  read as lists of data words, holds data;
* a column of URLs is a link.

Any other column is kept as an extra attribute; it is never a reason to drop
the table.

>>> a = assign_roles(["Sub-processor", "Purpose", "Data", "Location"],
...                  [["Stripe, Inc."], ["Payments"], ["name, email"], ["US"]])
>>> a.kind, a.roles
('sharing', ['recipient', 'purpose', 'data', 'location'])
>>> a = assign_roles(["所属机构", "功能类型", "收集信息"],
...                  [["北京百度网讯科技有限公司"], ["百度地图SDK"], ["位置信息、设备型号"]])
>>> a.kind, a.roles
('sdk', ['provider', 'sdk_name', 'data'])
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from registry.tables import Cell, RawTable, header_specs, role_of
from registry.vocabulary import load_vocabulary, name_key

_URL = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
_SDK_NAME = re.compile(r"(?:sdk|插件|组件|库|kit)\s*(?:[（(][^）)]*[）)])?\s*$", re.IGNORECASE)
_EN_ORG = re.compile(
    r"(?:\b(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|plc|ag|sa|s\.a|sas|sarl|b\.v|bv|n\.v|"
    r"pte|pty|oy|ab|as|aps|s\.r\.l|srl|kk|k\.k|lp|llp)\.?\s*(?:\)|$))", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[。；;!?！？]|\b(?:we|our|you|your|is|are|will|may)\b", re.IGNORECASE)
_DATA_WORDS = re.compile(
    r"信息|数据|号码|标识|地址|记录|列表|照片|图像|图片|位置|型号|版本|日志|内容|名称|账号|帐号|\bID\b|"
    r"\b(?:data|information|address|addresses|id|ids|identifier|identifiers|email|e-mail|name|names|"
    r"number|phone|ip|logs?|metadata|content|details|events?|tokens?|cookies?|history|records?|"
    r"payloads?|transcripts?|audio|images?|usage|profile|profiles|location|device|billing|payment)\b",
    re.IGNORECASE)

RECIPIENT_ROLES = ("recipient", "provider")
_SAMPLE = 1000
"""Characters of a cell looked at for evidence of its role."""
_SAMPLE_ROWS = 200
"""Cells of a column (or values of a label) looked at for evidence: a 1 MB list need not be read twice."""
NAME_ROLES = ("sdk_name", "scenario")


def looks_like_url(text: str) -> bool:
    """Whether the cell starts like a URL (a link column, not a name or a field)."""
    return bool(_URL.match(text))


def looks_like_sdk_name(text: str) -> bool:
    """A name ending in SDK (or 插件, 组件, kit), perhaps with a parenthesis after it."""
    return bool(_SDK_NAME.search(text.strip()))


def looks_like_org(text: str) -> bool:
    """A legal entity's or a known brand's name (not a sentence, not a data list).

    >>> looks_like_org("深圳市和讯华谷信息技术有限公司"), looks_like_org("Stripe, Inc.")
    (True, True)
    >>> looks_like_org("设备信息、位置信息")
    False
    """
    return _org(os.environ.get("SHAREGRAPH_VOCAB", ""), text)


@functools.lru_cache(maxsize=1 << 16)
def _org(_vocab_dir: str, text: str) -> bool:
    t = text.strip()
    if not t or len(t) > 120 or looks_like_url(t):
        return False
    key = name_key(t)
    suffixes = _cjk_suffix_keys(_vocab_dir)
    if suffixes and key.endswith(suffixes):
        return not _SENTENCE.search(t)
    if _EN_ORG.search(t):
        return True
    return key in _brand_keys(_vocab_dir)


@functools.cache
def _cjk_suffix_keys(_vocab_dir: str) -> tuple[str, ...]:
    """The Chinese company suffixes (有限公司) in name_key form, for one ``str.endswith``."""
    return tuple(name_key(s) for s in load_vocabulary().company_suffixes if _CJK.search(s))


@functools.cache
def _brand_keys(_vocab_dir: str) -> frozenset[str]:
    vocab = load_vocabulary()
    return frozenset(name_key(x) for b in vocab.brands for x in (b.name, *b.tokens) if len(x) >= 2)


def looks_like_vendor(text: str) -> bool:
    """A short proper name (``Cloudflare``, ``Amazon Web Services (AWS)``, ``腾讯``)."""
    t = text.strip()
    if looks_like_org(t):
        return True
    if not t or len(t) > 60 or looks_like_url(t) or _SENTENCE.search(t) or _DATA_WORDS.search(t):
        return False
    words = re.findall(r"[A-Za-z][\w&.+-]*", t)
    if words and not _CJK.search(t):
        return len(words) <= 6 and sum(w[0].isupper() for w in words) * 2 >= len(words)
    return False


def data_score(text: str) -> float:
    """How much a cell reads like a list of data items (0 to 1)."""
    return _data_score(os.environ.get("SHAREGRAPH_VOCAB", ""), text)


@functools.lru_cache(maxsize=1 << 16)
def _data_score(_vocab_dir: str, text: str) -> float:
    from registry.splitting import split_items

    t = text.strip()[:_SAMPLE]  # evidence, not a reading: the start of a long cell says enough
    if not t or looks_like_url(t):
        return 0.0
    vocab = load_vocabulary()
    items = split_items(t, whole=False)
    if not items:
        return 0.0
    known = sum(1 for i in items if vocab.resolve_field(i.text) is not None)
    wordy = sum(1 for i in items if _DATA_WORDS.search(i.text))
    return min(1.0, (known * 1.0 + wordy * 0.6) / len(items))


def _share(cells: Sequence[str], test) -> float:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return 0.0
    return sum(1 for c in filled if test(c)) / len(filled)


def _mean(cells: Sequence[str], score) -> float:
    filled = [c for c in cells if c.strip()]
    return sum(score(c) for c in filled) / len(filled) if filled else 0.0


@dataclass
class Assignment:
    """The kind of table and each column's role (None: kept as an extra attribute)."""

    kind: str
    roles: list[str | None]
    notes: list[str] = field(default_factory=list)
    """How a role was decided from the cells rather than the header."""


def assign_roles(headers: Sequence[str], columns: Sequence[Sequence[str]]) -> Assignment | str:
    """The table's kind and column roles, or a sentence saying why it is not a disclosure.

    ``columns[i]`` holds the texts of column ``i``'s cells. A sharing list needs
    a recipient and data; an SDK list needs an SDK name and data.
    """
    n = len(headers)
    if n < 2:
        return "fewer than two columns"
    best: tuple[float, Assignment] | None = None
    for spec in header_specs():
        if spec.kind == "permission":
            continue
        a = _assign(spec, headers, columns)
        if a is None:
            continue
        # a column of names ending in SDK says "an SDK list" louder than one more role matched
        score = sum(1 for r in a.roles if r) + (2.0 if a.kind == "sdk" and any(
            r == "sdk_name" and _share(columns[i], looks_like_sdk_name) >= 0.5
            for i, r in enumerate(a.roles) if i < len(columns)) else 0)
        if best is None or score > best[0]:
            best = (score, a)
    if best is not None:
        return best[1]
    return _why_not(headers, columns)


def _header_roles(spec, headers: Sequence[str]) -> list[tuple[str | None, int]]:
    return [role_of(h, spec) for h in headers]


@dataclass
class _Evidence:
    """What each column's cells look like (shares of cells, or a mean score)."""

    org: list[float]
    vendor: list[float]
    sdkish: list[float]
    urls: list[float]
    data: list[float]

    @classmethod
    def of(cls, columns: Sequence[Sequence[str]]) -> _Evidence:
        return cls([_share(c, looks_like_org) for c in columns], [_share(c, looks_like_vendor) for c in columns],
                   [_share(c, looks_like_sdk_name) for c in columns], [_share(c, looks_like_url) for c in columns],
                   [_mean(c, data_score) for c in columns])


def _fill_from_cells(spec, roles: list[str | None], header: list[tuple[str | None, int]],
                     ev: _Evidence, names: Sequence[str], what: str,
                     weak: frozenset[int] = frozenset()) -> list[str]:
    """Drop header roles the cells deny, then give missing roles to the columns whose cells fit.

    Shared by tables (a role once) and labelled records (``what`` names the thing in notes).
    ``weak`` columns (a header that only contains a synonym) may yield to an SDK-name column.
    """
    for i, r in enumerate(roles):
        if _contradicted(r, header[i][1], ev.urls[i], ev.org[i], ev.vendor[i], ev.data[i], ev.sdkish[i]):
            roles[i] = None
    notes: list[str] = []
    free = [i for i, r in enumerate(roles) if r is None]
    who = "provider" if spec.kind == "sdk" else "recipient"
    if spec.kind == "sdk" and "sdk_name" not in roles:
        cand = max([*free, *(i for i in weak if roles[i] is not None)], key=lambda i: ev.sdkish[i], default=None)
        if cand is not None and ev.sdkish[cand] >= 0.5:
            roles[cand] = "sdk_name"
            if cand in free:
                free.remove(cand)
            notes.append(f"{what} {names[cand]!r} holds SDK names: read as the SDK name")
    if who not in roles:
        cand = max(free, key=lambda i: (ev.org[i], ev.vendor[i]), default=None)
        if cand is not None and (ev.org[cand] >= 0.5 or ev.vendor[cand] >= 0.6) and ev.data[cand] < 0.5:
            roles[cand] = who
            free.remove(cand)
            notes.append(f"{what} {names[cand]!r} holds names of organisations: read as the {who}")
    if who not in roles and "service" in roles:
        # "Service | Purpose | Data Shared": with no column naming the entity, the service names
        # the vendor it is bought from (Stripe, Resend): it is the recipient
        i = roles.index("service")
        if max(ev.org[i], ev.vendor[i]) >= 0.5 and ev.data[i] < 0.5:
            roles[i] = who
            notes.append(f"{what} {names[i]!r} names the vendors and no column names an entity: read as the {who}")
    if "data" not in roles:
        cand = max(free, key=lambda i: ev.data[i], default=None)
        if cand is not None and ev.data[cand] >= 0.4 and ev.urls[cand] < 0.5:
            roles[cand] = "data"
            free.remove(cand)
            notes.append(f"{what} {names[cand]!r} holds lists of data items: read as the data")
    if "policy_url" in spec.synonyms and "policy_url" not in roles:
        cand = max(free, key=lambda i: ev.urls[i], default=None)
        if cand is not None and ev.urls[cand] >= 0.5:
            roles[cand] = "policy_url"
    return notes


def _assign(spec, headers: Sequence[str], columns: Sequence[Sequence[str]]) -> Assignment | None:
    n = len(headers)
    roles: list[str | None] = [None] * n
    header = _header_roles(spec, headers)
    scored = sorted(((s, i, r) for i, (r, s) in enumerate(header) if r), key=lambda p: -p[0])
    for _s, i, r in scored:
        if r not in roles:  # a table's role is taken once
            roles[i] = r
    # a header that only contains a synonym (功能类型 ⊃ 功能) yields to what its cells show
    weak = frozenset(i for i, (r, s) in enumerate(header)
                     if r and s < 1000 and r not in ("data", "recipient", "provider"))
    cols = [list(c) for c in columns] + [[] for _ in range(n - len(columns))]
    notes = _fill_from_cells(spec, roles, header, _Evidence.of(cols), headers, "column", weak)
    who = "provider" if spec.kind == "sdk" else "recipient"
    if spec.kind == "sdk":
        if "sdk_name" not in roles or "data" not in roles:
            return None
    elif who not in roles or "data" not in roles:
        return None
    return Assignment(spec.kind, roles, notes)


def _contradicted(role: str | None, score: int, url: float, org: float, vendor: float, data: float,
                  sdkish: float = 1.0) -> bool:
    """True where the cells deny the role a header gave: links read as data, sentences as names.

    A header that only contains a synonym (``Retention by subprocessor`` ⊃
    ``subprocessor``) needs its cells to agree; an exact synonym is believed unless
    the cells plainly say otherwise.
    """
    if role is None:
        return False
    if role == "data":
        return url > 0.5
    if role in RECIPIENT_ROLES:
        if url > 0.5:
            return True
        if score < 1000:
            return max(org, vendor) < 0.3
        return org == 0 and vendor == 0 and data > 0.5
    if role == "sdk_name" and score < 1000:
        # "SDK用途" contains "SDK": its cells, lists and sentences, are not SDK names
        return sdkish < 0.3 and vendor < 0.3
    return False


def _why_not(headers: Sequence[str], columns: Sequence[Sequence[str]]) -> str:
    cols = [list(c) for c in columns]
    has_who = any(_share(c, looks_like_vendor) >= 0.5 for c in cols)
    has_data = any(_mean(c, data_score) >= 0.4 for c in cols)
    missing = [w for w, ok in (("a recipient", has_who), ("data items", has_data)) if not ok]
    return ("no column reads as " + " or ".join(missing) if missing
            else "no column pair reads as recipient and data") + f" (headers: {' | '.join(headers)})"


def identify(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Assignment | str:
    """A table's kind and roles from its header row and the rows under it.

    A permission table, or a header that ``data/headers.yaml`` reads whole, is
    taken as the synonyms say; otherwise :func:`assign_roles` looks at the cells
    too. Returns a sentence saying why not where the table is no disclosure.
    """
    from registry.tables import match_header

    filled = [i for i, h in enumerate(headers) if h.strip()]
    m = match_header([headers[i] for i in filled]) if len(filled) >= 2 else None
    if m is not None and m[0] == "permission":
        roles: list[str | None] = [None] * len(headers)
        for i, r in zip(filled, m[1], strict=True):
            roles[i] = r
        return Assignment(m[0], roles)
    columns = [[row[i] if i < len(row) else "" for row in rows[:_SAMPLE_ROWS]] for i in range(len(headers))]
    a = assign_roles(headers, columns)
    if isinstance(a, Assignment):
        return a
    if m is None:
        return _recipients_only(headers, columns) or a
    roles = [None] * len(headers)
    for i, r in zip(filled, m[1], strict=True):
        roles[i] = r
    return Assignment(m[0], roles)


NO_DATA_NOTE = ("the list names its recipients but no data items: each gets the personal data the "
                "page speaks of, not itemised")


def _recipients_only(headers: Sequence[str], columns: Sequence[Sequence[str]]) -> Assignment | None:
    """A sharing list that names recipients and no data (``Sub-processor | Location | Purpose``).

    Many sub-processor lists name who processes the personal data, and where, but not which
    data: the page says it is the customer's personal data. Silence would hide every
    recipient; the table is kept, its data not itemised (registry.build gives each row one
    flow of ``personal data``, low, with :data:`NO_DATA_NOTE`). Only where a header names
    the recipient (an exact synonym) and its cells are vendors' names, no column reads as
    data, and the list has two rows or another column a header names (location, purpose).
    """
    spec = next((sp for sp in header_specs() if sp.kind == "sharing"), None)
    if spec is None:
        return None
    header = [role_of(h, spec) if h.strip() else (None, 0) for h in headers]
    who = [i for i, (r, score) in enumerate(header) if r == "recipient" and score == 1000]
    if len(who) != 1:
        return None
    ev = _Evidence.of([list(c) for c in columns])
    i = who[0]
    filled = [c for c in columns[i] if c.strip()]
    if not filled or max(ev.org[i], ev.vendor[i]) < 0.5 or any(d >= 0.4 for d in ev.data):
        return None
    named = sum(1 for r, score in header if r and r != "data")
    if len(filled) < 2 and named < 2:
        return None  # one row under a header that names only the recipient: too little to go on
    roles: list[str | None] = [None] * len(headers)
    for k, (r, score) in enumerate(header):
        if r == "service" and score < 1000:
            # only a column named exactly so holds products: "Purpose/Services", "Services
            # provided" say what the vendor does for the list's owner, its purpose
            r = "purpose"
        if r and r != "data" and r not in roles and (k == i or r != "recipient"):
            roles[k] = r
    return Assignment("sharing", roles, [NO_DATA_NOTE])


TITLE = "(title)"
"""The header given to a record's title (a heading, a numbered line, a parent key)."""


@dataclass
class Record:
    """One labelled record: its title line and ``label -> cell`` pairs, in order."""

    line: int
    title: tuple[int, str] | None = None
    pairs: list[tuple[str, Cell]] = field(default_factory=list)

    def labels(self) -> list[str]:
        """The record's labels in the order they were written."""
        return [lab for lab, _ in self.pairs]


def records_table(records: Sequence[Record], layout: str) -> RawTable | str:
    """One table from labelled records: a column per label, the title first.

    Unlike a table's header, several labels may play one role: records of one list
    often spell a label two ways (``第三方名称`` / ``SDK提供方``, ``SDK名称`` / ``SDk 名称``).
    Each label's role comes from the synonyms, else from its values (as for a
    table's columns). A record that names neither data nor who receives it is
    left out with a note.
    """
    from registry.tables import RawRow, RawTable

    headers: list[str] = []
    keys: dict[str, int] = {}
    if any(r.title for r in records):
        headers.append(TITLE)
        keys[TITLE] = 0
    for r in records:
        for lab, _ in r.pairs:
            k = name_key(lab)
            if k not in keys:
                keys[k] = len(headers)
                headers.append(lab)
    columns: list[list[str]] = [[] for _ in headers]
    for r in records:
        if r.title:
            columns[0].append(r.title[1])
        for lab, cell in r.pairs:
            columns[keys[name_key(lab)]].append(cell.text)
    best: tuple[float, str, list[str | None], list[str]] | None = None
    for spec in header_specs():
        if spec.kind == "permission":
            continue
        got = _label_roles(spec, headers, [c[:_SAMPLE_ROWS] for c in columns])
        if got is None:
            continue
        roles, notes = got
        need = ("sdk_name", "data") if spec.kind == "sdk" else ("recipient", "data")
        name_role = "sdk_name" if spec.kind == "sdk" else "scenario"

        def has(r: Record, n: str, roles: list[str | None] = roles, name_role: str = name_role) -> bool:
            if r.title and ((n == name_role and (TITLE not in keys or roles[0] in (None, n)))
                            or (TITLE in keys and roles[0] == n)):
                return True  # the title names the record (or is the recipient itself)
            return any(roles[keys[name_key(lab)]] == n for lab in r.labels())

        full = sum(1 for r in records if all(has(r, n) for n in need))
        # a list whose titles are SDK names is an SDK list
        bonus = 0.5 if spec.kind == "sdk" and _share(columns[0] if TITLE in keys else [],
                                                    looks_like_sdk_name) >= 0.5 else 0
        # then the labels the synonyms read whole (SDK名称, SDK提供方 say "an SDK list")
        exact = sum(1 for h in headers if h != TITLE and role_of(h, spec)[1] == 1000) / 100
        if best is None or full + bonus + exact > best[0]:
            best = (full + bonus + exact, spec.kind, roles, notes)
    if best is None or best[0] == 0:
        return _why_not(headers, columns)
    _full, kind, roles, notes = best
    line = min(r.line for r in records)
    table = RawTable(kind, line, headers, roles, layout=layout)
    table.info.extend(f"line {line}: {n}" for n in notes)
    name_role = "sdk_name" if kind == "sdk" else "scenario"
    who = "provider" if kind == "sdk" else "recipient"
    for r in records:
        cells: dict[str, Cell] = {}
        extras: dict[str, Cell] = {}
        pairs = ([(TITLE, Cell((r.title,)))] if r.title else []) + r.pairs
        for lab, cell in pairs:
            role = roles[keys[name_key(lab)] if lab != TITLE else 0]
            target = cells if role else extras
            key = role or lab
            old = target.get(key)
            target[key] = Cell(old.items + cell.items) if old else cell
        if name_role not in cells and TITLE in extras:
            cells[name_role] = extras.pop(TITLE)  # ①微信SDK: the title names the record
        if "data" not in cells and who not in cells and "recipient" not in cells:
            if len(r.pairs) >= 2:
                table.notes.append(f"line {r.line}: a labelled record ("
                                   + "、".join(r.labels())[:80]
                                   + ") names neither data nor who receives it; left out")
            continue
        first = min((c.line for c in cells.values() if c.line), default=r.line)
        table.rows.append(RawRow(line=first, cells=cells, extras=extras))
    return table


def _label_roles(spec, headers: Sequence[str], columns: Sequence[Sequence[str]]
                 ) -> tuple[list[str | None], list[str]] | None:
    """Each label's role in a list of ``spec``'s kind (several labels may share one)."""
    header = [role_of(h, spec) if h != TITLE else (None, 0) for h in headers]
    roles: list[str | None] = [r for r, _ in header]
    notes = _fill_from_cells(spec, roles, header, _Evidence.of(columns), headers, "label")
    who = "provider" if spec.kind == "sdk" else "recipient"
    if "data" not in roles or (spec.kind == "sdk" and "sdk_name" not in roles and TITLE not in headers) \
            or (spec.kind == "sharing" and who not in roles):
        return None
    return roles, notes
