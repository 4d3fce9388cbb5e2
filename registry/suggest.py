"""Names as people type them: the one place where a typed name becomes a name the registry holds.

Every "unknown name" error finds its suggestions here (:func:`closest`), and the names
that are one of a short list (an app, a scenario, an SDK, a category) resolve here
(:func:`resolve_name`), by the rules docs/names.md describes:

1. **exact**: the name itself, or the same name in :func:`match_key` form (case, width,
   white space and CJK punctuation aside), or an alias the caller gives;
2. **prefix**: the names that begin with what was typed;
3. **contains**: the names that contain it (a query that begins or ends with a Latin
   letter or digit matches whole words only: ``IP`` is not in ``WiFiIP``).

A rule answers only when the rules before it found nothing. A rule that finds one name
answers with it; one that finds several answers with the one that all the others extend
(``推送`` for ``推送`` and ``推送（补充）``), else the name is an
:class:`~registry.errors.AmbiguousNameError` listing every name rules 2 and 3 found. Nothing
found: :class:`~registry.errors.UnknownNameError` with the closest names.
Queries shorter than :data:`MIN_CONTAINS` characters are never looked for inside names.

>>> closest("你我袋", ["你我贷", "借呗"])
['你我贷']
>>> check_app(["你我贷"], "你我")
Traceback (most recent call last):
...
registry.errors.UnknownNameError: unknown app '你我'; did you mean 你我贷?
>>> m = resolve_name("scenario", "风控审核", ["风控审核、信用初审", "借款申请"])
>>> m.name, m.how, m.resolved
('风控审核、信用初审', 'prefix', {'风控审核': '风控审核、信用初审'})
>>> resolve_name("scenario", "借款", ["借款申请", "借款导流合作"])
Traceback (most recent call last):
...
registry.errors.AmbiguousNameError: scenario '借款' matches 2 scenarios: 借款导流合作, 借款申请; name one of them
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from registry.errors import AmbiguousNameError, UnknownNameError
from registry.vocabulary import name_key

MAX_QUERY = 1000
"""A query longer than this gets no suggestions (fuzzy matching is bounded)."""
MIN_CONTAINS = 2
"""A query shorter than this (in characters, white space aside) is never looked for inside names."""
MAX_CONTAINS = 1000
"""A query longer than this is not looked for inside names (a pasted document is no name)."""

# CJK punctuation that NFKC leaves alone, read as its ASCII twin (NFKC already maps the
# full-width forms: （）［］／，：；！？ become ()[]/,:;!?)
_PUNCT = str.maketrans({
    "【": "[", "】": "]", "〔": "(", "〕": ")", "〖": "[", "〗": "]", "《": "<", "》": ">",
    "〈": "<", "〉": ">", "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"',
    "‘": "'", "’": "'", "、": ",", "。": ".", "—": "-", "–": "-", "‐": "-", "・": "·",
})
_WORD = re.compile(r"[a-z0-9]")


def fold(text: str) -> str:
    """NFKC, and CJK punctuation as its ASCII twin (``【`` as ``[``, ``、`` as ``,``)."""
    return unicodedata.normalize("NFKC", text).translate(_PUNCT)


@functools.lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """:func:`registry.vocabulary.name_key`, with CJK punctuation read as its ASCII twin.

    >>> match_key("设备唯一标识码（IMEI／IMSI）") == match_key("设备唯一标识码(imei/imsi)")
    True
    >>> match_key("【身份证】、 住址") == match_key("[身份证],住址")
    True
    """
    return name_key(fold(text))


@functools.lru_cache(maxsize=1 << 12)
def _spaced(text: str) -> str:
    return " ".join(fold(text).casefold().split())


def contains_finder(query: str) -> Callable[[str], bool] | None:
    """A test "is ``query`` written inside this text?", or None for a query too short to look for.

    >>> has = contains_finder("Full audio")
    >>> has("Full audio temporarily processed"), has("fullaudio"), has("Full audios")
    (True, True, False)
    >>> contains_finder("IP")("WiFiIP"), contains_finder("IP")("IP地址")
    (False, True)
    """
    if len(query) > MAX_CONTAINS:
        return None  # longer than any name by far: nothing can hold it (bounded work)
    chars = [c for c in _spaced(query) if not c.isspace()]
    if len(chars) < MIN_CONTAINS:
        return None
    key = "".join(chars)
    pattern = r"\s*".join(map(re.escape, chars))
    if _WORD.fullmatch(chars[0]):
        pattern = r"(?<![a-z0-9])" + pattern
    if _WORD.fullmatch(chars[-1]):
        pattern += r"(?![a-z0-9])"
    rx = re.compile(pattern)

    def has(text: str) -> bool:
        return key in match_key(text) and rx.search(_spaced(text)) is not None

    return has


def prefix_finder(query: str) -> Callable[[str], bool] | None:
    """A test "does this text begin with ``query``?" (in :func:`match_key` form), or None for a
    query too short or too long to look for.

    >>> starts = prefix_finder("风控 审核")
    >>> starts("风控审核、信用初审"), starts("信用初审、风控审核")
    (True, False)
    """
    if len(query) > MAX_CONTAINS:
        return None
    key = match_key(query)
    if len(key) < MIN_CONTAINS:
        return None
    return lambda text: match_key(text).startswith(key)


def closest(text: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """The names most like ``text`` (rapidfuzz WRatio ≥ 50 on their keys), best first."""
    from rapidfuzz import fuzz, process

    if len(text) > MAX_QUERY:
        return []
    hits = process.extract(name_key(text), {n: name_key(n) for n in names}, scorer=fuzz.WRatio, limit=limit)
    return [key for _, score, key in hits if score >= 50]


def base_name(candidates: Iterable[str]) -> str | None:
    """The one candidate whose key begins every other's (the name the others extend), or None.

    >>> base_name(["广西嘉数信息科技有限公司", "广西嘉数信息科技有限公司委托的外包服务机构"])
    '广西嘉数信息科技有限公司'
    >>> base_name(["借款申请", "借款导流合作"]) is None
    True
    """
    names = list(dict.fromkeys(candidates))
    keys = {n: match_key(n) for n in names}
    base = [n for n in names if all(k.startswith(keys[n]) for k in keys.values())]
    return base[0] if len(base) == 1 else None


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A name typed (``query``), the one it resolved to (``name``) and by which rule (``how``:
    ``exact``, ``alias``, ``prefix`` or ``contains``). ``kind`` is what was named: app,
    scenario, sdk, category."""

    kind: str
    query: str
    name: str
    how: str

    def is_plain(self) -> bool:
        """True when the query was the name itself: nothing to say about it."""
        return self.name == self.query.strip()

    @property
    def resolved(self) -> dict[str, str]:
        """``{query: name}`` when the query was not the name itself, else ``{}`` (``--json``'s
        ``resolved``)."""
        return {} if self.is_plain() else {self.query.strip(): self.name}

    def describe(self) -> str:
        """One line for people (stderr): what the query resolved to, and why.

        >>> NameMatch("scenario", "风控审核", "风控审核、信用初审", "prefix").describe()
        "resolved: scenario '风控审核' is 风控审核、信用初审 (the one scenario beginning with it)"
        """
        why = {"exact": "the same name", "alias": "an alias",
               "prefix": f"the one {self.kind} beginning with it",
               "contains": f"the one {self.kind} containing it"}.get(self.how, self.how)
        return f"resolved: {self.kind} {self.query.strip()!r} is {self.name} ({why})"


def one_of(candidates: Iterable[str]) -> str | None:
    """The one candidate, or the one all the others extend (:func:`base_name`); else None."""
    found = list(dict.fromkeys(candidates))
    if len(found) == 1:
        return found[0]
    return base_name(found) if found else None


def partial_match(text: str, names: Iterable[str],
                  texts: Callable[[str], Iterable[str]] | None = None) -> tuple[str | None, str, list[str]]:
    """Rules 2 and 3 on ``names``: ``(name, how, candidates)``.

    A name matches when one of its ``texts`` (its own name by default; a recipient's
    spellings as written too) begins with (rule 2) or contains (rule 3) ``text``. ``name``
    is the one found (None if none or several), ``how`` the rule that found it, and
    ``candidates`` every name either rule found, sorted (what an ambiguity lists: a user who
    typed ``上海`` sees the names with 上海 inside as well as those that begin with it).

    >>> partial_match("上海", ["上海钧正网络科技有限公司", "宝付网络科技（上海）有限公司"])
    ('上海钧正网络科技有限公司', 'prefix', ['上海钧正网络科技有限公司', '宝付网络科技（上海）有限公司'])
    """
    starts, has = prefix_finder(text), contains_finder(text)
    texts = texts or (lambda n: (n,))
    known = list(dict.fromkeys(names))
    pre = [n for n in known if starts is not None and any(starts(t) for t in texts(n))]
    sub = [n for n in known if has is not None and any(has(t) for t in texts(n))]
    cands = sorted(set(pre) | set(sub))
    if pre and (found := one_of(pre)) is not None:
        return found, "prefix", cands
    if not pre and (found := one_of(sub)) is not None:
        return found, "contains", cands
    return None, "", cands


def resolve_name(kind: str, text: str, names: Iterable[str], *, partial: bool = True,
                 aliases: Mapping[str, str] | None = None) -> NameMatch:
    """The one of ``names`` that ``text`` names, by the rules of this module.

    ``aliases`` maps an alias's :func:`match_key` to a name; ``partial=False`` keeps to
    rule 1 (exact names and aliases only). Raises :class:`~registry.errors.AmbiguousNameError`
    (several) or :class:`~registry.errors.UnknownNameError` (none, with the closest names).
    """
    t = text.strip()
    known = sorted(dict.fromkeys(names))
    if t in known:
        return NameMatch(kind, t, t, "exact")
    key = match_key(t)
    same = [n for n in known if match_key(n) == key]
    if len(same) > 1:
        raise AmbiguousNameError(kind, t, same)
    if same:
        return NameMatch(kind, t, same[0], "exact")
    alias = (aliases or {}).get(key)
    if alias is not None and alias in known:
        return NameMatch(kind, t, alias, "alias")
    if partial:
        found, how, cands = partial_match(t, known)
        if found is not None:
            return NameMatch(kind, t, found, how)
        if cands:
            raise AmbiguousNameError(kind, t, cands)
    raise UnknownNameError(kind, t, closest(t, known))


def resolve_app(apps: Iterable[str], app: str | None) -> NameMatch | None:
    """The app ``app`` names among ``apps`` (by :func:`resolve_name`), or None when no app is asked.

    >>> resolve_app(["你我贷", "京东养车"], "京东").name
    '京东养车'
    """
    return None if app is None else resolve_name("app", app, apps)


def check_app(apps: Iterable[str], app: str | None) -> None:
    """Raise the one :class:`UnknownNameError` for an app not among ``apps`` (None passes).

    The name must be exact here: the caller goes on with ``app`` as given. Where a part of
    an app's name may be typed, resolve it first with :func:`resolve_app`.
    """
    if app is None:
        return
    known = apps if isinstance(apps, set | frozenset | dict) else set(apps)
    if app not in known:
        raise UnknownNameError("app", app, closest(app, sorted(known)))
