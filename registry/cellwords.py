"""The words of ``data/splitting.yaml``: what a cell's text says besides its items.

:mod:`registry.splitting` asks this module whether a piece of text names no data
(``无``, ``N/A``), denies collection ("Function bodies are not logged"), is a
qualifier (``可选``, ``【Android】``, "when present") or opens a list of members
(``包括``, "such as"). The words are data a DPO extends; the code only matches.

English words match as whole words, case-folded; Chinese words as substrings.

>>> w = load_cell_words()
>>> w.is_none(" N/A "), w.is_none("无"), w.is_none("无线网SSID名称")
(True, True, False)
>>> w.qualifier_label("可选提供"), w.qualifier_label("IOS"), w.qualifier_label("IMEI")
('可选提供', 'platform: iOS', None)
>>> w.trailing_qualifier("hashed email when present")
('hashed email', 'when present')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.datafiles import DATA_DIR, name_key, read_yaml
from registry.errors import VocabularyError

_CJK = re.compile(r"[\u3400-\u9fff]")
_LIST_SEP = re.compile(r"\s*(?:/|／|、|,|，|和|及|与)\s*|\s+(?:or|and)\s+", re.I)
_key = name_key


def _words(raw: Any, path: Path, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise VocabularyError(f"{path}: {where} must be a list of words")
    for w in raw:
        if isinstance(w, bool):  # YAML reads a bare no/yes/on/off as a boolean
            raise VocabularyError(f"{path}: {where} holds {str(w).lower()!r}: quote the word")
        if not isinstance(w, str | int | float):
            raise VocabularyError(f"{path}: {where} must be a list of words, not {w!r}")
    return tuple(str(w) for w in raw if str(w).strip())


def _alternation(words: tuple[str, ...], *, whole: bool) -> str:
    r"""A regex alternation, longest first; English words bounded as whole words.

    Neighbouring words with the same bounds share one pair of look-arounds
    (``(?<![\w-])(?:words|word)(?![\w-])``): the same matches in the same order of
    preference, at a third less compiling than a pair per word.
    """
    runs: list[tuple[str, str, list[str]]] = []
    for w in sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True):
        esc = re.escape(w).replace(r"\ ", r"\s+")
        left = right = ""
        if whole and not _CJK.search(w):
            left = r"(?<![\w-])" if w[0].isalnum() and not w.startswith("n'") else ""
            right = r"(?![\w-])" if w[-1].isalnum() else ""
        if runs and runs[-1][:2] == (left, right):
            runs[-1][2].append(esc)
        else:
            runs.append((left, right, [esc]))
    parts = [left + (escs[0] if len(escs) == 1 else "(?:" + "|".join(escs) + ")") + right
             if left or right else "|".join(escs) for left, right, escs in runs]
    return "|".join(parts) or r"(?!)"


@dataclass(frozen=True)
class CellWords:
    """The compiled word lists of ``splitting.yaml``."""

    none: frozenset[str]
    platforms: dict[str, str]
    """name_key(spelling) -> canonical platform name."""
    qualifier_words: frozenset[str]
    conj_not_in: tuple[str, ...]
    conj_zh_at: re.Pattern[str]
    conj_en_at: re.Pattern[str]
    heads_zh: tuple[str, ...]
    heads_en: frozenset[str]
    en_stop: frozenset[str]
    abbreviations: frozenset[str]
    dashes: tuple[str, ...]
    english_endings: tuple[str, ...]
    _denial_lead: re.Pattern[str]
    _denial_any: re.Pattern[str]
    _starters: re.Pattern[str]
    _trailing: re.Pattern[str]
    _trailing_zh: re.Pattern[str]
    _purpose_open: re.Pattern[str] | None
    _leading_q: re.Pattern[str]
    _intro_any: re.Pattern[str]
    _intro_top: re.Pattern[str]
    _lead_conj: re.Pattern[str]
    _platform_any: re.Pattern[str]

    # -- names no data -------------------------------------------------------------
    def is_none(self, text: str) -> bool:
        """The whole text says "nothing": 无, 不涉及, N/A, -, "No personal data"."""
        t = text.strip().rstrip("。.").strip()
        return bool(t) and _key(t) in self.none

    def is_denial(self, clause: str) -> bool:
        """A clause that denies collection ("never full transcripts", "are not logged").

        Parenthesized text should be removed first: it qualifies one item.
        """
        t = clause.strip()
        return bool(self._denial_lead.match(t) or self._denial_any.search(t))

    # -- qualifiers ----------------------------------------------------------------
    def platform_label(self, text: str) -> str | None:
        """``platform: Android`` for 【Android】, ``platform: Android, iOS`` for "Android/iOS"."""
        pieces = [p for p in _LIST_SEP.split(text.strip()) if p and p.strip()]
        names = []
        for p in pieces:
            name = self.platforms.get(_key(p))
            if name is None:
                return None
            if name not in names:
                names.append(name)
        return f"platform: {', '.join(names)}" if names else None

    def qualifier_label(self, text: str) -> str | None:
        """The qualifier a parenthesis or marker holds, or None if it holds items."""
        t = text.strip().strip("，,；;：:").strip()
        if not t:
            return None
        platform = self.platform_label(t)
        if platform:
            return platform
        if _key(t) in self.qualifier_words or self._starters.match(t) or self.is_denial(t):
            return t
        if self._how_words(t) or self._says_why(t):
            return t
        return None

    def _says_why(self, t: str) -> bool:
        """A Chinese parenthesis that says why, not what: no list in it, and a purpose opener
        of ``qualifiers.purpose_openers`` in it (已安装应用列表（查询本机是否已安装 以便显示该登录方式）)."""
        return bool(self._purpose_open and _CJK.search(t) and not any(c in t for c in "、，,；;/")
                    and self._purpose_open.search(t))

    def _how_words(self, t: str) -> bool:
        """An English parenthesis that says how, not what: "(hashed)", "(temporarily)",
        "(encrypted at rest)", "(sensitive data filtered)": a few lower-case words, one of
        them ending in a participle or adverb ending of ``qualifiers.english_endings``."""
        if not self.english_endings or _CJK.search(t) or any(c in t for c in ",;、，；/"):
            return False
        words = t.split()
        if not 1 <= len(words) <= 4 or not all(w[:1].islower() for w in words):
            return False
        return any(len(w) >= 5 and w.endswith(self.english_endings) for w in (words[0], words[-1]))

    def purpose_after_colon(self, text: str) -> tuple[str, str] | None:
        """(items, purpose) for ``items：用于…``: a colon after the items and a word opening a
        purpose (``qualifiers.purpose_openers``); None where the text is not so."""
        if not self._purpose_open:
            return None
        depth = 0
        for i, ch in enumerate(text):
            if ch in "（(【[":
                depth += 1
            elif ch in "）)】]":
                depth = max(0, depth - 1)
            elif ch in "：:" and not depth and i:
                rest = text[i + 1:].strip()
                if self._purpose_open.match(rest) and text[:i].strip():
                    return text[:i].strip(), rest
                return None
        return None

    def platform_lead(self, text: str) -> tuple[str, str] | None:
        """(``platform: Android``, item) for an item opened by a platform and a member word.

        ``设备标识符（Android如IMEI、IMSI，iOS如IDFV、IDFA）``: "Android如IMEI" is IMEI, on Android.
        """
        m = self._platform_any.match(text.strip())
        if not m:
            return None
        rest = text.strip()[m.end():]
        n = self.intro_length(rest)
        if not n and rest[:1] in ":：":
            n = 1
        if not n or not rest[n:].strip():
            return None
        return f"platform: {self.platforms[_key(m.group(0))]}", rest[n:].strip()

    def platforms_named(self, text: str) -> str | None:
        """``platform: iOS`` for a qualifier that names a platform ("collected only on iOS")."""
        names = []
        for m in self._platform_any.finditer(text):
            name = self.platforms[_key(m.group(0))]
            if name not in names:
                names.append(name)
        return f"platform: {', '.join(names)}" if names else None

    def starter_length(self, text: str) -> int:
        """Length of a qualifier's opening words (适用于, "held by") at the start of text."""
        m = self._starters.match(text.strip())
        return m.end() if m else 0

    def starts_as_qualifier(self, text: str) -> bool:
        """A list part that qualifies the item before it ("not visible to …", "可选")."""
        t = text.strip()
        return bool(_key(t) in self.qualifier_words or self._starters.match(t)
                    or self._denial_lead.match(t))

    def trailing_qualifier(self, text: str) -> tuple[str, str] | None:
        """(item, qualifier) for an item ending in a qualifying phrase.

        English: "hashed email when present"; Chinese: an item trailed by "and others"
        (IMSI及其他设备相关信息 is IMSI).
        """
        if _CJK.search(text):
            m = self._trailing_zh.search(text)
            if m and len(text[:m.start()].strip()) >= 2:
                return text[:m.start()].strip(), text[m.start():].strip()
            return None
        for m in self._trailing.finditer(text):
            name = text[: m.start()].rstrip(" ,")
            if len(name.strip()) >= 2:
                return name.strip(), text[m.start():].strip()
        return None

    def leading_qualifier(self, text: str) -> tuple[str, str] | None:
        """(qualifier, item) for an item opened by a qualifier (后台运行时获取设备信息)."""
        m = self._leading_q.match(text)
        if m and text[m.end():].strip():
            return m.group(0).strip(), text[m.end():].strip()
        return None

    # -- members -------------------------------------------------------------------
    def intro_length(self, text: str) -> int:
        """Length of a member list's opening word (包括, "e.g.,") at the start of text."""
        m = self._intro_any.match(text)
        if not m:
            return 0
        end = m.end()
        while end < len(text) and text[end] in " :：,，":
            end += 1
        return end

    def find_top_intro(self, text: str) -> tuple[int, int] | None:
        """(start, end) of the first top-level member-list opener in a clause, if any."""
        m = self._intro_top.search(text)
        if not m:
            return None
        end = m.end()
        while end < len(text) and text[end] in " :：,，":
            end += 1
        return m.start(), end

    # -- conjunctions and item shape ------------------------------------------------
    def strip_leading_conjunction(self, text: str) -> str:
        """The text without a conjunction or article left at its start ("and the content …")."""
        prev = None
        t = text
        while prev != t:
            prev = t
            m = self._lead_conj.match(t)
            if m and t[m.end():].strip() and not t.startswith(self.conj_not_in):
                t = t[m.end():].lstrip()
        return t

    def head_shaped(self, text: str) -> bool:
        """The text ends in a data noun: 收件人手机号码, "payment metadata", 华为帐号ID."""
        t = text.strip()
        if _CJK.search(t):
            k = _key(t)
            return len(t) >= 2 and any((k.endswith(_key(h)) and len(k) > len(_key(h))) or k == _key(h)
                                       for h in self.heads_zh)
        words = [w.casefold() for w in re.findall(r"[A-Za-z][\w-]*", t)]
        head = words[: next((i for i, w in enumerate(words) if i and w in self.en_stop), len(words))]
        return len(words) >= 2 and bool(head) and head[-1] in self.heads_en

    def is_abbreviation(self, word: str) -> bool:
        """Whether ``word`` is a listed abbreviation, whose full stop does not end a sentence."""
        return _key(word) in self.abbreviations


def _compile(data: dict[str, Any], path: Path) -> CellWords:
    neg = data.get("negation") or {}
    qual = data.get("qualifiers") or {}
    intro = data.get("introducers") or {}
    after = _words(intro.get("not_followed_by"), path, "introducers.not_followed_by")
    not_intro = "(?!" + "|".join(re.escape(a) for a in after) + ")" if after else ""
    conj = data.get("conjunctions") or {}
    heads = data.get("heads") or {}
    platforms: dict[str, str] = {}
    for name, spellings in (data.get("platforms") or {}).items():
        for s in (name, *_words(spellings, path, f"platforms.{name}")):
            platforms[_key(s)] = str(name)
    be = _alternation(_words(neg.get("be"), path, "negation.be"), whole=True)
    after_be = _alternation(_words(neg.get("after_be"), path, "negation.after_be"), whole=True)
    verbs = _alternation(_words(neg.get("verbs"), path, "negation.verbs"), whole=True)
    spellings = sorted({s for name, sp in (data.get("platforms") or {}).items()
                        for s in (str(name), *_words(sp, path, f"platforms.{name}"))}, key=len, reverse=True)
    # Chinese spellings as written, English ones as whole words: one pair of look-arounds around
    # all of them rather than one per spelling (compiling 30 pairs under re.I cost 5 ms). Which
    # spelling matches is unchanged: where a Chinese and an English one both match at one place,
    # the Chinese one is the longer (it holds the English one's text and more), so it came first.
    latin = [re.escape(s) for s in spellings if not _CJK.search(s)]
    platform_any = "|".join([re.escape(s) for s in spellings if _CJK.search(s)]
                            + ([rf"(?<![A-Za-z])(?:{'|'.join(latin)})(?![A-Za-z])"] if latin else []))
    return CellWords(
        none=frozenset(_key(w) for w in _words(data.get("none"), path, "none")),
        platforms=platforms,
        qualifier_words=frozenset(_key(w) for w in _words(qual.get("words"), path, "qualifiers.words")),
        conj_not_in=_words(conj.get("not_in"), path, "conjunctions.not_in"),
        conj_zh_at=re.compile(_alternation(_words(conj.get("zh"), path, "conjunctions.zh"), whole=False)),
        conj_en_at=re.compile(
            r"\s+(?:" + _alternation(_words(conj.get("en"), path, "conjunctions.en"), whole=False)
            + r")\s+", re.I),
        heads_zh=_words(heads.get("zh"), path, "heads.zh"),
        heads_en=frozenset(w.casefold() for w in _words(heads.get("en"), path, "heads.en")),
        en_stop=frozenset(w.casefold() for w in _words(heads.get("en_stop"), path, "heads.en_stop")),
        abbreviations=frozenset(_key(w) for w in _words(data.get("abbreviations"), path, "abbreviations")),
        dashes=_words(qual.get("dashes"), path, "qualifiers.dashes"),
        english_endings=tuple(_words(qual.get("english_endings"), path, "qualifiers.english_endings")),
        _denial_lead=re.compile(
            _alternation(_words(neg.get("leading"), path, "negation.leading"), whole=True), re.I),
        _denial_any=re.compile(rf"{verbs}|(?:{be})\s+(?:{after_be})", re.I),
        _starters=re.compile(
            _alternation(_words(qual.get("starters"), path, "qualifiers.starters"), whole=True), re.I),
        _trailing=re.compile(
            r"\s+(?:" + _alternation(_words(qual.get("trailing"), path, "qualifiers.trailing"),
                                     whole=True) + ")", re.I),
        _purpose_open=(re.compile(_alternation(_words(qual.get("purpose_openers"), path,
                                                      "qualifiers.purpose_openers"), whole=True))
                       if qual.get("purpose_openers") else None),
        _trailing_zh=re.compile(
            _alternation(_words(qual.get("trailing_zh"), path, "qualifiers.trailing_zh"), whole=True)),
        _leading_q=re.compile(
            _alternation(_words(qual.get("leading"), path, "qualifiers.leading"), whole=True), re.I),
        _intro_any=re.compile(
            "(?:" + _alternation(_words(intro.get("any"), path, "introducers.any"), whole=True) + ")" + not_intro,
            re.I),
        _intro_top=re.compile(
            "(?:" + _alternation(_words(intro.get("top_level"), path, "introducers.top_level"), whole=True) + ")"
            + not_intro, re.I),
        _lead_conj=re.compile(
            r"(?:" + _alternation(_words(conj.get("leading"), path, "conjunctions.leading")
                                  + _words(conj.get("articles"), path, "conjunctions.articles"),
                                  whole=True) + r")\s*", re.I),
        _platform_any=re.compile(platform_any or r"(?!)", re.I),
    )


@functools.cache
def _load(path: Path) -> CellWords:
    data = read_yaml(path)
    if data.get("version") != 1:
        raise VocabularyError(f"{path}: version must be 1")
    return _compile(data, path)


def load_cell_words(data_dir: Path | None = None) -> CellWords:
    """The words of ``splitting.yaml`` in ``data_dir``, else the bundled file.

    A DPO's own vocabulary directory need not hold a copy: without one the bundled
    words apply.
    """
    path = Path(data_dir) / "splitting.yaml" if data_dir else DATA_DIR / "splitting.yaml"
    if not path.exists():
        path = DATA_DIR / "splitting.yaml"
    return _load(path)
