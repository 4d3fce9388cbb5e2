"""The vocabulary in ``data/``: canonical data fields, recipient aliases, permissions.

The files in ``data/`` are the source of truth; a DPO extends them, not the code.
This module loads and validates them and answers lookups:

>>> v = load_vocabulary()
>>> v.resolve_field("身份证号").name
'身份证号码'
>>> v.resolve_field("Mac 地址").name
'MAC地址'
>>> v.resolve_field("银行卡预留手机号").name
'银行卡预留手机号'
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.datafiles import DATA_DIR, name_key, read_yaml
from registry.errors import VocabularyError
from registry.script import simplified

if TYPE_CHECKING:
    from collections.abc import Iterator

    from registry.cellwords import CellWords

SENSITIVITY = (True, False)
_TRAILING_PAREN = re.compile(r"^(.+?)\s*[（(]([^（）()]*)[）)]$", re.S)


@dataclass(frozen=True, slots=True)
class FieldEntry:
    name: str
    category: str
    sensitive: bool
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    en: str = ""
    values: tuple[str, ...] = ()
    """Values the field takes (网络类型: WiFi, 4G), which a list may give in its parenthesis."""


@dataclass(frozen=True, slots=True)
class BrandEntry:
    name: str
    tokens: tuple[str, ...]
    """Strings whose presence in an SDK's name or provider ties that SDK to the brand."""


@dataclass(frozen=True, slots=True)
class PermissionEntry:
    name: str
    aliases: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    fields: dict[str, FieldEntry]
    field_index: dict[str, str]
    """name_key(alias) -> canonical field name."""
    qualifiers: tuple[str, ...]
    categories: tuple[str, ...]
    company_suffixes: tuple[str, ...]
    unnamed_markers: tuple[str, ...]
    onward_markers: tuple[str, ...]
    brands: tuple[BrandEntry, ...]
    recipient_aliases: dict[str, str]
    """name_key(alias) -> canonical recipient name."""
    affiliates: tuple[str, ...]
    permissions: tuple[PermissionEntry, ...]
    info_tails: tuple[str, ...] = ()
    """Words for "information" a field's name may be followed by (信息, 数据)."""
    device_prefixes: tuple[str, ...] = ()
    """Words for the device a field's name may be preceded by (设备, 本机)."""
    owner_words: tuple[str, ...] = ()
    """English words for whose data it is, before a field's name (user email, customer name)."""
    cells: CellWords = field(default_factory=lambda: _bundled_cell_words())
    """The words of ``splitting.yaml``: none-words, qualifiers, conjunctions (registry.cellwords)."""

    def resolve_field(self, text: str, *, trailing: bool = True) -> FieldEntry | None:
        """The vocabulary entry for a field as written, or None.

        Tries the text, then the text without a leading qualifier (用户提供的…) or, unless
        ``trailing`` is false, a trailing qualifier in parentheses (…（IOS）, …（可选）;
        ``splitting.yaml``). Where none is a field: each without a leading brand (微信昵称), a
        trailing 信息/数据 or a leading 设备/本机 (应用列表信息, 设备网络环境信息); last, the text
        in simplified script (設備型號).
        """
        candidates = self._field_candidates(text, trailing)
        for candidate in candidates:
            name = self.field_index.get(name_key(candidate))
            if name:
                return self.fields[name]
        for candidate in candidates:
            for rest in self._looser(candidate):
                if name := self.field_index.get(name_key(rest)):
                    return self.fields[name]
        if not text.isascii() and (simple := simplified(text)) != text:
            return self.resolve_field(simple, trailing=trailing)  # 設備型號 is 设备型号
        return None

    def _looser(self, text: str) -> Iterator[str]:
        """Looser spellings of the text, in the order tried: without a leading brand token of
        ``recipients.yaml`` (微信昵称, QQ头像: what a platform holds); with underscores as spaces
        (Android_ID); without a trailing word for "information" (应用列表信息 is the 应用列表), a
        leading word for the device (设备网络环境信息) or both, two characters or more left
        (``info_tails``, ``device_prefixes`` of ``fields.yaml``), or an English word for whose
        data it is (``owner_words``: user email is the email)."""
        key = name_key(text)
        for token in self._brand_tokens:
            if key.startswith(token) and len(key) - len(token) >= 2:
                yield key[len(token):]
                break
        if "_" in text:  # Android_ID, device_id: an identifier's spelling in code
            yield text.replace("_", " ")
        heads = [text] + [text[len(p):] for p in self.device_prefixes
                          if text.startswith(p) and len(text) - len(p) >= 2]
        low = text.lower()
        heads += [text[len(p) + 1:] for p in self.owner_words if low.startswith(p + " ")]
        for h in heads:
            if h is not text:
                yield h
            for tail in self.info_tails:
                if h.endswith(tail) and len(h) - len(tail) >= 2:
                    yield h[: -len(tail)]

    @functools.cached_property
    def _brand_tokens(self) -> tuple[str, ...]:
        """Brand tokens of two characters or more, longest first (as name keys)."""
        keys = {name_key(t) for b in self.brands for t in b.tokens}
        return tuple(sorted((k for k in keys if len(k) >= 2), key=lambda k: (-len(k), k)))

    def strip_qualifiers(self, text: str) -> str:
        """The text without leading qualifiers and trailing platform notes."""
        cands = self._field_candidates(text)
        return cands[-1]

    def _field_candidates(self, text: str, trailing: bool = True) -> list[str]:
        out = [text]
        t = text
        changed = True
        while changed:
            changed = False
            for q in self.qualifiers:
                if t.startswith(q) and len(t) > len(q):
                    t = t[len(q):]
                    out.append(t)
                    changed = True
        while trailing:
            m = _TRAILING_PAREN.match(t)
            if not m or not self.cells.qualifier_label(m.group(2)):
                break
            t = m.group(1).rstrip()
            out.append(t)
        return out

    def suggest_fields(self, text: str, limit: int = 3) -> list[str]:
        """Closest canonical field names, for "did you mean …?".

        Fuzzy matching costs the name's length times each alias's, for every alias
        (a 200,000-character name took 27 s): a name more than three times as long as
        the longest alias (and over 32 characters) is no misspelling of one, and gets
        no suggestions.
        """
        from rapidfuzz import fuzz, process, utils

        key = name_key(text)
        if len(key) > max(32, 3 * max(map(len, self.field_index), default=0)):
            return []
        choices = {alias_key: name for alias_key, name in self.field_index.items()}
        hits = process.extract(
            key, list(choices), scorer=fuzz.WRatio, limit=limit * 4,
            processor=utils.default_process,
        )
        out: list[str] = []
        for key, score, _ in hits:
            name = choices[key]
            if score >= 50 and name not in out:
                out.append(name)
            if len(out) == limit:
                break
        return out

    def children(self, name: str) -> list[str]:
        """The fields whose parent (group) is ``name``, sorted."""
        return sorted(f.name for f in self.fields.values() if f.parent == name)

    def descendants(self, name: str) -> list[str]:
        """The fields under group ``name``, at any depth, nearest first."""
        out: list[str] = []
        stack = self.children(name)
        while stack:
            n = stack.pop(0)
            if n not in out:
                out.append(n)
                stack.extend(self.children(n))
        return out

    def recipient_alias(self, text: str) -> str | None:
        """The canonical recipient name that ``text`` is an alias of, or ``None``."""
        return self.recipient_aliases.get(name_key(text))

    def permission(self, text: str) -> PermissionEntry | None:
        """The permission named or aliased ``text``, or ``None``."""
        return self._permission_index.get(name_key(text))

    @functools.cached_property
    def _permission_index(self) -> dict[str, PermissionEntry]:
        """name_key(name or alias) -> permission; the first permission naming a key wins."""
        index: dict[str, PermissionEntry] = {}
        for p in self.permissions:
            for a in (p.name, *p.aliases):
                index.setdefault(name_key(a), p)
        return index


def _bundled_cell_words() -> CellWords:
    from registry.cellwords import load_cell_words

    return load_cell_words()


def _fields(data: dict[str, Any], path: Path) -> tuple[dict[str, FieldEntry], dict[str, str]]:
    categories = set(data.get("categories") or [])
    fields: dict[str, FieldEntry] = {}
    index: dict[str, str] = {}
    for i, raw in enumerate(data.get("fields") or [], 1):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise VocabularyError(f"{path}: field #{i} has no name")
        name = str(raw["name"])
        if name in fields:
            raise VocabularyError(f"{path}: field {name!r} is listed twice")
        cat = raw.get("category")
        if cat not in categories:
            raise VocabularyError(f"{path}: field {name!r} has unknown category {cat!r}")
        sens = raw.get("sensitive")
        if sens not in SENSITIVITY:
            raise VocabularyError(f"{path}: field {name!r}: sensitive must be true or false")
        aliases = tuple(str(a) for a in raw.get("aliases") or ())
        fields[name] = FieldEntry(name, cat, sens, aliases, raw.get("parent"), raw.get("en", ""),
                                  tuple(str(v) for v in raw.get("values") or ()))
        for alias in (name, *aliases):
            key = name_key(alias)
            if index.get(key, name) != name:
                raise VocabularyError(
                    f"{path}: alias {alias!r} of {name!r} already names {index[key]!r}"
                )
            index[key] = name
    for f in fields.values():
        if f.parent is not None and f.parent not in fields:
            raise VocabularyError(f"{path}: field {f.name!r} has unknown parent {f.parent!r}")
    for f in fields.values():  # no cycles
        seen, p = {f.name}, f.parent
        while p is not None:
            if p in seen:
                raise VocabularyError(f"{path}: parent cycle through {f.name!r}")
            seen.add(p)
            p = fields[p].parent
    return fields, index


def vocabulary_dir() -> Path:
    """``$SHAREGRAPH_VOCAB`` if set (a DPO's own copy of the files), else the bundled ``data/``."""
    return Path(os.environ.get("SHAREGRAPH_VOCAB") or DATA_DIR)


def load_vocabulary(data_dir: Path | None = None) -> Vocabulary:
    """Load and validate ``fields.yaml``, ``recipients.yaml`` and ``permissions.yaml``."""
    return _load(Path(data_dir) if data_dir else vocabulary_dir())


@functools.cache
def _load(d: Path) -> Vocabulary:
    fdata = read_yaml(d / "fields.yaml")
    fields, index = _fields(fdata, d / "fields.yaml")
    rdata = read_yaml(d / "recipients.yaml")
    raliases: dict[str, str] = {}
    for entry in rdata.get("aliases") or []:
        for alias in entry.get("aliases") or []:
            raliases[name_key(alias)] = entry["name"]
    brands = tuple(
        BrandEntry(b["name"], tuple(b.get("tokens") or [b["name"]]))
        for b in rdata.get("brands") or []
    )
    pdata = read_yaml(d / "permissions.yaml")
    perms = []
    for p in pdata.get("permissions") or []:
        for fname in p.get("fields") or []:
            if fname not in fields:
                raise VocabularyError(
                    f"{d / 'permissions.yaml'}: permission {p['name']!r} names unknown field {fname!r}"
                )
        perms.append(PermissionEntry(p["name"], tuple(p.get("aliases") or ()), tuple(p.get("fields") or ())))
    from registry.cellwords import load_cell_words

    return Vocabulary(
        fields=fields,
        field_index=index,
        qualifiers=tuple(fdata.get("qualifiers") or ()),
        info_tails=tuple(str(w) for w in fdata.get("info_tails") or ()),
        device_prefixes=tuple(str(w) for w in fdata.get("device_prefixes") or ()),
        owner_words=tuple(str(w).lower() for w in fdata.get("owner_words") or ()),
        categories=tuple(fdata.get("categories") or ()),
        company_suffixes=tuple(rdata.get("company_suffixes") or ()),
        unnamed_markers=tuple(rdata.get("unnamed_markers") or ()),
        onward_markers=tuple(rdata.get("onward_markers") or ()),
        brands=brands,
        recipient_aliases=raliases,
        affiliates=tuple(rdata.get("affiliates") or ()),
        permissions=tuple(perms),
        cells=load_cell_words(d),
    )
