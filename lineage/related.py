"""Why an answer has no rows, and the fields near the one asked that do have recipients.

An empty table reads as "nobody receives it". Asked ``人脸``, the seed answers nothing
(人脸识别特征, the vocabulary's name for it, is in no policy), yet 面部照片 goes to nine
recipients; asked ``通讯录``, nothing, yet the permission 通讯录 collects 联系人信息, which
goes to ten. So an answer with no rows says why (:attr:`lineage.names.Answer.why`) and
lists the related fields that have recipients (:attr:`lineage.names.Answer.related`), each
with the reason it is related, in this order (the most specific first):

1. ``written``: a field whose text as written contains the query, or names it as one of
   two alternatives (``驾驶证/行驶证照片`` names 驾驶证照片: :func:`alternatives`);
2. ``alias``: a field one of whose vocabulary aliases contains the query (``人脸`` is in
   面部照片's alias 人脸照片);
3. ``part``: a field the vocabulary says the asked one is a piece of, or a piece of it
   (``part_of`` in data/fields.yaml: 车辆行驶证照片 is part of 驾驶证或行驶证照片);
4. ``permission``: a field collected under a permission of the query's name, or under a
   permission that collects the asked field (通讯录 → 联系人信息);
5. ``group``: a group the vocabulary puts the asked field in, where a row shares the group
   itself (行踪轨迹 → 地理位置信息);
6. ``member``: a field the vocabulary puts under the asked one.

Rules 1-2 are left out for a field the vocabulary files under another category than the
one asked (``指纹``, a biometric, is not related to ``设备指纹``), as in field lookup.

An answer with rows gets rule 3 alone, as "see also": asked 行驶证照片, the seed answers
for 车辆行驶证照片, and 驾驶证或行驶证照片 (one SDK row) is the whole it is part of.

The rules are written once, on plain data, for every backend: a
:class:`~lineage.names.FieldIndex`, the (permission, field) pairs of the registry, and a
function counting each field's recipients.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from registry.suggest import contains_finder, fold, match_key
from registry.vocabulary import Vocabulary, load_vocabulary, vocabulary_dir

RULES = ("written", "alias", "part", "permission", "group", "member")
SEE_ALSO = ("part",)
"""The rules an answer with rows still reports."""

Counter = Callable[[list[str]], dict[str, int]]
"""Recipients per field: the distinct recipients of each field's own flows (in the app asked)."""


@dataclass(frozen=True, slots=True)
class Related:
    """A field related to the one asked, why (``how``, one of :data:`RULES`, and ``detail``:
    the text, alias, whole, permission or group that relates it) and its recipients."""

    field: str
    how: str
    detail: str
    recipients: int = 0

    def describe(self) -> str:
        """``面部照片 (alias 人脸照片: 9 recipients)``.

        >>> Related("联系人信息", "permission", "通讯录", 10).describe()
        '联系人信息 (collected under the permission 通讯录: 10 recipients)'
        """
        why = {"written": "written {}", "alias": "alias {}", "part": "{}",
               "permission": "collected under the permission {}", "group": "the group {} is in",
               "member": "in the group {}"}[self.how].format(self.detail)
        n = self.recipients
        return f"{self.field} ({why}: {n} recipient{'s' if n != 1 else ''})"

    def as_dict(self) -> dict[str, Any]:
        """The plain-data form (``field``, ``how``, ``detail``, ``recipients``)."""
        return asdict(self)


_ALTERNATIVE = re.compile(r"\s*(?:/|或)\s*")
_LATIN = re.compile(r"[A-Za-z0-9]")


def alternatives(text: str) -> list[str]:
    """What a written text names one of, its alternatives sharing the last one's tail.

    A policy writes two documents' photos as ``驾驶证/行驶证照片``: either 驾驶证照片 or
    行驶证照片. Only CJK text is read so (a Latin word has no fixed length to cut a tail by).

    >>> alternatives("驾驶证/行驶证照片")
    ['驾驶证照片', '行驶证照片']
    >>> alternatives("驾驶证或行驶证照片")
    ['驾驶证照片', '行驶证照片']
    >>> alternatives("面部照片"), alternatives("IDFA/IDFV")
    ([], [])
    """
    t = fold(text).strip()
    parts = _ALTERNATIVE.split(t)
    if len(parts) < 2 or not all(parts) or _LATIN.search(t):
        return []
    last = parts[-1]
    width = max(len(p) for p in parts[:-1])
    tail = last[width:] if len(last) > width else ""
    return [p + tail for p in parts[:-1]] + [last]


@functools.cache
def _part_of(path: Path) -> dict[str, tuple[str, ...]]:
    """``part_of`` of data/fields.yaml, read here rather than through lineage.audit.relations,
    whose package takes half a second to import (the audit's rules): an empty answer must not."""
    from registry.datafiles import read_yaml

    out: dict[str, tuple[str, ...]] = {}
    for raw in read_yaml(path).get("fields") or []:
        if isinstance(raw, dict) and isinstance(raw.get("part_of"), list):
            out[str(raw.get("name"))] = tuple(str(x) for x in raw["part_of"])
    return out


def _parts(name: str) -> list[tuple[str, str]]:
    """(related field, detail) pairs of rule 3: the wholes ``name`` is part of, then its pieces."""
    part_of = _part_of(vocabulary_dir() / "fields.yaml")
    out = [(w, f"{name} is part of it") for w in part_of.get(name, ())]
    out += [(p, f"part of {name}") for p, wholes in sorted(part_of.items()) if name in wholes]
    return out


def _ancestors(vocab: Vocabulary, name: str) -> list[str]:
    out: list[str] = []
    entry = vocab.fields.get(name)
    while entry is not None and entry.parent and entry.parent not in out:
        out.append(entry.parent)
        entry = vocab.fields.get(entry.parent)
    return out


def candidates(query: str, asked: Sequence[str], index: Any, grants: Iterable[tuple[str, str]],
               vocab: Vocabulary | None = None, *, rules: Sequence[str] = RULES) -> list[tuple[str, str, str]]:
    """(field, rule, detail) for every field of the registry related to ``asked`` (the fields
    ``query`` resolved to) by ``rules``, each field once (by its first rule), the asked ones left out.

    ``index`` is the registry's :class:`~lineage.names.FieldIndex` (rule 1 reads its spellings);
    ``grants`` the (permission name, field) pairs of its permission rows.
    """
    vocab = vocab or load_vocabulary()
    known = index.known
    out: dict[str, tuple[str, str, str]] = {}
    skip = set(asked)
    entry = vocab.resolve_field(query)
    cats = {e.category for e in (vocab.fields.get(a) for a in asked) if e is not None}
    if entry is not None:
        cats.add(entry.category)

    def same_kind(field: str) -> bool:
        other = vocab.fields.get(field)
        return other is None or not cats or other.category in cats

    def add(field: str, how: str, detail: str) -> None:
        if field in known and field not in skip and field not in out:
            out[field] = (field, how, detail)

    has = contains_finder(query.strip())
    if "written" in rules and has is not None:
        for field, w in index.written():
            if same_kind(field) and (has(w) or any(has(a) for a in alternatives(w))):
                add(field, "written", w)
    if "alias" in rules and has is not None:
        for e in vocab.fields.values():
            if e.name in known and same_kind(e.name):
                hit = next((a for a in (e.name, *e.aliases) if has(a)), None)
                if hit is not None:
                    add(e.name, "alias", hit)
    if "part" in rules:
        for a in asked:
            for f, detail in _parts(a):
                add(f, "part", detail)
    if "permission" in rules:
        pairs = list(grants)
        qkey = match_key(query)
        qperm = vocab.permission(query)
        perms = {p for p, f in pairs if f in skip or match_key(p) == qkey
                 or (qperm is not None and vocab.permission(p) == qperm)}
        for p, f in sorted(pairs):
            if p in perms:
                add(f, "permission", p)
    if "group" in rules:
        for a in asked:
            for g in _ancestors(vocab, a):
                add(g, "group", a)
    if "member" in rules:
        for a in asked:
            for m in vocab.descendants(a):
                add(m, "member", a)
    return list(out.values())


def related(query: str, asked: Sequence[str], index: Any, grants: Iterable[tuple[str, str]], count: Counter,
            vocab: Vocabulary | None = None, *, rules: Sequence[str] = RULES) -> list[Related]:
    """The :func:`candidates` that have recipients (``count``), in rule order, then by recipients."""
    cands = candidates(query, asked, index, grants, vocab, rules=rules)
    if not cands:
        return []
    counts = count([f for f, _, _ in cands])
    found = [Related(f, how, detail, counts.get(f, 0)) for f, how, detail in cands if counts.get(f, 0)]
    return sorted(found, key=lambda r: (RULES.index(r.how), -r.recipients, r.field))


def explain(rows: Any, index: Any, grants: Callable[[], Iterable[tuple[str, str]]], count: Counter, *,
            app: str | None = None, wider: Callable[[], Sequence[dict[str, Any]]] | None = None,
            vocab: Vocabulary | None = None) -> Any:
    """Set ``rows.why`` and ``rows.related`` on a who-receives answer (a
    :class:`~lineage.names.Answer` of a :class:`~lineage.names.FieldMatch`); return it.

    No rows: ``why`` says which of these it is: the asked name is a field of the vocabulary
    that no policy in the registry names; rows exist only through a group the vocabulary puts
    it in (``--possible``), or only inside a group (``wider``: the same question without
    ``--explicit``); or no policy shares the field (with the permissions that collect it).
    ``related`` lists every related field with recipients. With rows: ``related`` holds the
    :data:`SEE_ALSO` fields not among the rows.
    """
    match = rows.match
    vocab = vocab or load_vocabulary()
    if rows:
        shown = {r["field"] for r in rows}
        found = related(match.query, match.fields, index, (), count, vocab, rules=SEE_ALSO)
        rows.related = [r for r in found if r.field not in shown]
        return rows
    pairs = list(grants())
    where = f" in {app}" if app is not None else ""
    names = ", ".join(match.fields)
    if match.how == "vocabulary":
        plain = match_key(match.query) == match_key(names)
        why = f"no policy{where} names {names}, " + (
            "a field of the vocabulary" if plain else f"the vocabulary's field for {match.query.strip()}")
    elif rows.possible:
        why = (f"no row states {names}; {rows.possible} row(s) share a group the vocabulary puts it in "
               "(--possible lists them)")
    elif wider is not None and (n := len(wider())):
        why = f"no row writes {names} itself; {n} row(s) list it inside a group (leave out --explicit)"
    else:
        perms = sorted({p for p, f in pairs if f in match.fields})
        why = f"the registry holds {names}, but no policy{where} shares it" + (
            f"; it is collected under the permission {', '.join(perms)}" if perms else "")
    rows.why = why
    rows.related = related(match.query, match.fields, index, pairs, count, vocab)
    return rows


def notes(rows: Any, asked: str) -> list[str]:
    """The stderr lines for people: why there is no row and the related fields, or "see also".

    >>> class A(list): why, related = "no policy names 行踪轨迹", [Related("地理位置信息", "group", "行踪轨迹", 12)]
    >>> for line in notes(A(), "行踪轨迹"): print(line)
    no recipient of 行踪轨迹: no policy names 行踪轨迹
    related: 地理位置信息 (the group 行踪轨迹 is in: 12 recipients)
    """
    rel = list(getattr(rows, "related", None) or ())
    why = getattr(rows, "why", None)
    out = []
    if not rows and why:
        out.append(f"no recipient of {asked.strip()}: {why}")
        if rel:
            out.append("related: " + "; ".join(r.describe() for r in rel))
        else:
            out.append("related: no field near it has a recipient")
    elif rel:
        out.append("see also: " + "; ".join(r.describe() for r in rel))
    return out
