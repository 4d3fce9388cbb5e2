"""What an audit rule reports: a :class:`Finding`, quoting the policy it rests on.

A finding is plain, frozen data so that it can be sorted, compared between
runs and written as JSON (:meth:`Finding.as_dict`) in the shape the HTML report
renders (``rule``, ``level``, ``reason``, ``clause``, ``evidence`` of
``{file, line, text}``), plus ``about``: which app, table, row, scenario, SDK,
recipient or field it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ERROR, WARNING, NOTE = "error", "warning", "note"
LEVELS = (ERROR, WARNING, NOTE)
"""Most severe first."""

SEVERITY = {ERROR: 3, WARNING: 2, NOTE: 1}

ABOUT_KEYS = ("app", "table", "row", "scenario", "sdk", "recipient", "permission", "field",
              "fields", "recipients", "statement")
"""The keys ``about`` may hold, in the order they are written out."""

QUOTE_LIMIT = 240
"""Characters of a policy line kept in a quote (the line number finds the rest)."""


@dataclass(frozen=True, slots=True, order=True)
class Quote:
    """A place in the policy: file, 1-based line, and the text found there."""

    file: str
    line: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        """The quote as JSON-ready data."""
        return {"file": self.file, "line": self.line, "text": self.text}


def clip(text: str, limit: int = QUOTE_LIMIT, focus: str = "") -> str:
    """One line as written, at most ``limit`` characters (an ellipsis marks a cut), around
    ``focus`` if given. Only the line's leading and trailing blanks go: what is left is a
    substring of the line (see :func:`verbatim`).

    >>> clip("a" * 300 + "目标" + "b" * 300, 20, "目标")
    '…aaaaaaaa目标bbbbbbbb…'
    >>> clip("\t\t高德地图SDK\t")
    '高德地图SDK'
    """
    flat = text.strip()
    if len(flat) <= limit:
        return flat
    at = flat.find(focus) if focus else -1
    if at < 0:
        return flat[: limit - 1] + "…"
    start = max(0, min(at - (limit - len(focus)) // 2, len(flat) - limit))
    end = start + limit
    head = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    return head + flat[start + len(head): end - len(tail)] + tail


def verbatim(quote: str, line: str) -> bool:
    """Whether a quote's text is the line as written (or a cut of it, ellipses marking the cuts).

    >>> verbatim("…地图SDK", "\t\t\t高德地图SDK")
    True
    >>> verbatim("SDK名称：高德地图SDK", "\t\t\t高德地图SDK")
    False
    """
    body = quote.removeprefix("…").removesuffix("…")
    return bool(body) and body in line


AboutValue = str | int | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an audit rule found, with the policy text it rests on."""

    rule: str
    """Rule id, ``SG`` and three digits; the first digit is the family (see docs/audit.md)."""
    level: str
    """``error``, ``warning`` or ``note``."""
    about: tuple[tuple[str, AboutValue], ...]
    """(key, value) pairs from :data:`ABOUT_KEYS`; use :meth:`make` to build from a dict."""
    evidence: tuple[Quote, ...]
    reason: str
    """One line: what is wrong (or, for a note, what is so)."""
    clause: str
    """What the finding rests on: PIPL article, GB/T 35273-2020 section, TC260 guide."""

    @classmethod
    def make(
        cls,
        rule: str,
        level: str,
        *,
        about: Mapping[str, Any],
        evidence: Iterable[Quote] = (),
        reason: str,
        clause: str,
    ) -> Finding:
        """A finding with ``about`` checked and frozen (unknown keys or level: ValueError)."""
        if level not in SEVERITY:
            raise ValueError(f"unknown level {level!r}")
        pairs = []
        for key in ABOUT_KEYS:
            value = about.get(key)
            if value is None or value == "" or value == ():
                continue
            if isinstance(value, list | tuple | set | frozenset):
                value = tuple(str(v) for v in value)
            pairs.append((key, value))
        unknown = set(about) - set(ABOUT_KEYS)
        if unknown:
            raise ValueError(f"unknown about keys {sorted(unknown)}")
        quotes = tuple(sorted(set(evidence), key=lambda q: (q.file, q.line, q.text)))
        return cls(rule, level, tuple(pairs), quotes, " ".join(reason.split()), clause)

    @property
    def about_dict(self) -> dict[str, Any]:
        """What the finding is about, as a dict with lists (JSON-ready)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.about}

    def get(self, key: str, default: Any = None) -> Any:
        """The value of one ``about`` key."""
        for k, v in self.about:
            if k == key:
                return v
        return default

    @property
    def line(self) -> int:
        """The first line quoted (0 when there is no evidence)."""
        return self.evidence[0].line if self.evidence else 0

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        return {
            "rule": self.rule,
            "level": self.level,
            "about": self.about_dict,
            "evidence": [q.as_dict() for q in self.evidence],
            "reason": self.reason,
            "clause": self.clause,
        }

    def sort_key(self) -> tuple[Any, ...]:
        """Rule, app, first line quoted, then the rest: the same findings always print alike."""
        return (self.rule, str(self.get("app", "")), self.line, str(self.about), self.reason)


def at_least(level: str, threshold: str) -> bool:
    """True if ``level`` is ``threshold`` or more severe."""
    return SEVERITY[level] >= SEVERITY[threshold]
