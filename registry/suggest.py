"""Did-you-mean: the one way every "unknown name" error finds its suggestions.

>>> closest("你我袋", ["你我贷", "借呗"])
['你我贷']
>>> check_app(["你我贷"], "你我")
Traceback (most recent call last):
...
registry.errors.UnknownNameError: unknown app '你我'; did you mean 你我贷?
"""

from __future__ import annotations

from collections.abc import Iterable

from registry.errors import UnknownNameError
from registry.vocabulary import name_key

MAX_QUERY = 1000
"""A query longer than this gets no suggestions (fuzzy matching is bounded)."""


def closest(text: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """The names most like ``text`` (rapidfuzz WRatio ≥ 50 on their keys), best first."""
    from rapidfuzz import fuzz, process

    if len(text) > MAX_QUERY:
        return []
    hits = process.extract(name_key(text), {n: name_key(n) for n in names}, scorer=fuzz.WRatio, limit=limit)
    return [key for _, score, key in hits if score >= 50]


def check_app(apps: Iterable[str], app: str | None) -> None:
    """Raise the one :class:`UnknownNameError` for an app not among ``apps`` (None passes)."""
    if app is None:
        return
    known = apps if isinstance(apps, set | frozenset | dict) else set(apps)
    if app not in known:
        raise UnknownNameError("app", app, closest(app, sorted(known)))
