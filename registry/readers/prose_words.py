"""The words of ``data/prose.yaml``, compiled: sentence templates and the lists they use.

A template is a sentence shape written with placeholders (``将{data}{verb}{recipient}``,
``{data} {be} {verb} to|with {recipient}``); :func:`load_prose_words` parses each into
:class:`Part` objects around its ``{verb}`` anchor, and compiles one regex per template
for its verbs. The prose reader (:mod:`registry.readers.prose`) reads a sentence by
finding a verb, then walking the template's parts left and right of it.

>>> w = load_prose_words()
>>> t = next(t for t in w.zh.templates if t.text == "将{data}{verb}{recipient}")
>>> [p.kind for p in t.parts], t.anchor
(['lit', 'data', 'verb', 'recipient'], 2)
>>> bool(t.verb_rx.search("共享给")), "been" in w.en.be
(True, True)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.datafiles import read_yaml
from registry.errors import VocabularyError
from registry.vocabulary import DATA_DIR

CJK = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"\{(\w+)\}|…|\.\.\.|[^{…\s]+")
_PLACEHOLDERS = ("verb", "data", "recipient", "be")


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a template: ``verb``, ``data``, ``recipient``, ``be``, ``gap`` (…) or ``lit``."""

    kind: str
    words: tuple[str, ...] = ()
    """A literal's alternatives (``to|with``), or the be-words of ``{be}``."""


@dataclass(frozen=True)
class Template:
    """A sentence shape of ``data/prose.yaml`` with its verbs and options."""

    text: str
    lang: str
    parts: tuple[Part, ...]
    anchor: int
    """The index of the ``{verb}`` part."""
    verbs: tuple[str, ...]
    verb_rx: WordRx
    implicit: bool = False
    """The sentence names no recipient: it is the vendor its entry is about."""
    weak: bool = False
    """The verb is common outside disclosures: an item must read as data, a name must be sure."""
    context: bool = False
    """The sentence only names the vendor that later sentences talk about."""
    negation_ignored: bool = False
    requires: tuple[str, ...] = ()
    """Words one of which must stand before the verb in the clause."""
    requires_rx: WordRx | None = None


@dataclass(frozen=True)
class Lang:
    """The templates and word lists of one language (``zh`` or ``en``)."""

    code: str
    templates: tuple[Template, ...]
    be: tuple[str, ...]
    modal: tuple[str, ...]
    negation: tuple[str, ...]
    not_negation: tuple[str, ...]
    data_stops: tuple[str, ...]
    recipient_stops: tuple[str, ...]
    list_continues: tuple[str, ...]
    determiners: tuple[str, ...]
    referents: tuple[str, ...]
    categories: tuple[str, ...]
    not_in_names: tuple[str, ...] = ()
    clause_markers: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    verb_words: frozenset[str] = frozenset()
    """Single-word verbs, be-words and modals (casefolded): an English list ends before one."""
    any_verb_rx: WordRx | None = None
    """Any template's verb (the longest where several start at one place)."""
    by_verb: dict[str, tuple[Template, ...]] = field(default_factory=dict)
    """Lowered verb (single spaces) -> the templates it anchors."""

    def templates_at(self, verb: str) -> tuple[Template, ...]:
        """The templates whose verb is ``verb`` as written in a text."""
        return self.by_verb.get(" ".join(verb.lower().split()), ())

    @property
    def english(self) -> bool:
        """Whether the word lists are the English ones (word boundaries and case matter)."""
        return self.code == "en"


@dataclass(frozen=True)
class ProseWords:
    """Everything ``data/prose.yaml`` holds, compiled."""

    zh: Lang
    en: Lang
    data_words: tuple[str, ...]
    document_words: tuple[str, ...]
    """An item ending in one names a document ("使用信息说明", "privacy notice"), never data."""
    abbreviations: frozenset[str]
    max_item_words: int
    max_item_chars: int
    sniff_rx: WordRx
    """The verbs of every template but the weak and context ones: what
    :func:`~registry.readers.prose.sniff` counts."""
    gate_rx: WordRx
    """The verbs of every template: a paragraph without one is not read."""


def alternation(words: Any, *, english: bool, left: bool = True) -> str:
    """A regex matching any of ``words``, the longest where several start at one place;
    English words as whole words (white space inside matches any white space).

    The words are folded into a trie (``共享(?:给)?``), so a long list costs the regex
    engine no more than a short one at each position of the text.

    >>> rx = re.compile(alternation(["share", "shares", "共享", "共享给"], english=True), re.IGNORECASE)
    >>> [m.group(0) for m in rx.finditer("Shares, shared; 共享给")]
    ['Shares', '共享给']
    """
    trie: dict[str, Any] = {}
    for w in {" ".join(str(w).split()).lower() if english else str(w).strip() for w in words}:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        if "" in node:
            return "(?:" + "|".join(alts) + ")?"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    if not trie:
        return r"(?!x)x"
    body = build(trie)
    if not english:
        return body
    return (r"(?<![\w'’-])" if left else "") + "(?:" + body + r")(?![\w'’-])"


@dataclass(frozen=True)
class WordRx:
    """Words to find in a text. The text is lowered and matched case-sensitively (ten times
    faster than ``re.IGNORECASE``); where lowering changes its length (``İ``), the
    case-insensitive twin is used, so match offsets always index the text as written.

    Both patterns are built and compiled on first use: a document reads with a few of the
    templates' verbs (those of its language, those it holds), and compiling every one up
    front cost a tenth of a second of each import.
    """

    words: tuple[str, ...]
    english: bool

    @functools.cached_property
    def exact(self) -> re.Pattern[str]:
        """On the lowered text, without the left word boundary (a look-behind at every position
        costs four times the rest): :meth:`finditer` checks it on each match instead."""
        cjk, latin = self._split
        # exact runs on the lowered text: its words are lowered too (a Chinese list's "SDK")
        return re.compile(alternation(cjk, english=False) + "|"
                          + alternation([w.lower() for w in latin], english=self.english, left=False))

    @property
    def anycase_pattern(self) -> str:
        """The pattern of :attr:`anycase`."""
        cjk, latin = self._split
        return alternation(cjk, english=False) + "|" + alternation(latin, english=self.english)

    @functools.cached_property
    def anycase(self) -> re.Pattern[str]:
        """The case-insensitive pattern, for texts whose lowering changes their length."""
        return re.compile(self.anycase_pattern, re.IGNORECASE)

    @functools.cached_property
    def _split(self) -> tuple[list[str], list[str]]:
        cjk = [w for w in self.words if CJK.search(w)]
        return cjk, [w for w in self.words if not CJK.search(w)]

    def finditer(self, s: str, pos: int = 0, endpos: int = 1 << 62, low: str | None = None) -> Any:
        """Matches in ``s[pos:endpos]`` that start a word (``low``: ``s.lower()``, if made)."""
        low = s.lower() if low is None else low
        if len(low) != len(s):
            yield from self.anycase.finditer(s, pos, endpos)
            return
        for m in self.exact.finditer(low, pos, endpos):
            i = m.start()
            if i and low[i].isascii() and low[i].isalnum() and (
                    (low[i - 1].isascii() and low[i - 1].isalnum()) or low[i - 1] in "_'’-"):
                continue  # "reshare": not the word "share"; "该SDK" holds the word "SDK"
            yield m

    def search(self, s: str, pos: int = 0, endpos: int = 1 << 62, low: str | None = None) -> re.Match[str] | None:
        """The first match of :meth:`finditer`, or ``None``."""
        return next(iter(self.finditer(s, pos, endpos, low)), None)


def word_rx(words: Any, *, english: bool) -> WordRx:
    """A :class:`WordRx` of ``words`` (English: whole words, any case); compiled on first use."""
    return WordRx(tuple(str(w) for w in words), english)


def _words(raw: Any, path: Path, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str | int | float) for w in raw):
        raise VocabularyError(f"{path}: {where} must be a list of words")
    return tuple(str(w) for w in raw if str(w).strip())


def _template(raw: Any, lang: str, path: Path, be: tuple[str, ...]) -> Template:
    if not isinstance(raw, dict) or not isinstance(raw.get("template"), str):
        raise VocabularyError(f"{path}: {lang}.templates: each entry needs a 'template' string")
    text = raw["template"]
    where = f"{lang} template {text!r}"
    verbs = _words(raw.get("verbs"), path, f"{where} verbs")
    if not verbs:
        raise VocabularyError(f"{path}: {where} has no verbs")
    parts: list[Part] = []
    for m in _TOKEN.finditer(text):
        if m.group(1):
            if m.group(1) not in _PLACEHOLDERS:
                raise VocabularyError(f"{path}: {where}: unknown placeholder {{{m.group(1)}}}")
            parts.append(Part(m.group(1), be if m.group(1) == "be" else ()))
        elif m.group(0) in ("…", "..."):
            parts.append(Part("gap"))
        else:
            parts.append(Part("lit", tuple(m.group(0).split("|"))))
    kinds = [p.kind for p in parts]
    context, implicit = bool(raw.get("context")), bool(raw.get("implicit"))
    if kinds.count("verb") != 1:
        raise VocabularyError(f"{path}: {where} needs exactly one {{verb}}")
    if "data" not in kinds and not context:
        raise VocabularyError(f"{path}: {where} has no {{data}} (or context: true)")
    if "recipient" not in kinds and not implicit:
        raise VocabularyError(f"{path}: {where} has no {{recipient}} (or implicit: true)")
    english = lang == "en"
    requires = _words(raw.get("requires"), path, f"{where} requires")
    return Template(
        text=text, lang=lang, parts=tuple(parts), anchor=kinds.index("verb"), verbs=verbs,
        verb_rx=word_rx(verbs, english=english),
        implicit=implicit, weak=bool(raw.get("weak")), context=context,
        negation_ignored=raw.get("negation") == "ignore", requires=requires,
        requires_rx=word_rx(requires, english=english) if requires else None,
    )


def _lang(code: str, raw: Any, path: Path) -> Lang:
    if not isinstance(raw, dict):
        raise VocabularyError(f"{path}: '{code}' must be a mapping")

    def w(key: str) -> tuple[str, ...]:  # longest first: the longest word matches
        return tuple(sorted(_words(raw.get(key), path, f"{code}.{key}"), key=len, reverse=True))

    be = w("be")
    templates = tuple(_template(t, code, path, be) for t in raw.get("templates") or [])
    verb_words = frozenset(v.casefold() for t in templates for v in t.verbs if " " not in v) | {
        x.casefold() for x in be + w("modal")}
    return Lang(
        code=code, templates=templates, be=be, modal=w("modal"), negation=w("negation"),
        not_negation=w("not_negation"), data_stops=w("data_stops"), recipient_stops=w("recipient_stops"),
        list_continues=w("list_continues"), determiners=w("determiners"), referents=w("referents"),
        categories=w("categories"), not_in_names=w("not_in_names"), clause_markers=w("clause_markers"),
        not_names=frozenset(x.casefold() for x in w("not_names")), verb_words=verb_words,
        any_verb_rx=word_rx([v for t in templates for v in t.verbs], english=code == "en"),
        by_verb=_by_verb(templates),
    )


def _by_verb(templates: tuple[Template, ...]) -> dict[str, tuple[Template, ...]]:
    out: dict[str, list[Template]] = {}
    for t in templates:
        for v in t.verbs:
            out.setdefault(" ".join(v.lower().split()), []).append(t)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def load_prose_words(path: Path | None = None) -> ProseWords:
    """The compiled words of ``data/prose.yaml`` (or of ``path``); VocabularyError if malformed."""
    p = path or DATA_DIR / "prose.yaml"
    data = read_yaml(p)  # through the JSON cache: parsing the YAML cost more than reading it
    if not isinstance(data, dict) or not isinstance(data.get("zh"), dict) or not isinstance(data.get("en"), dict):
        raise VocabularyError(f"{p}: expected a mapping with 'zh' and 'en'")
    zh, en = _lang("zh", data["zh"], p), _lang("en", data["en"], p)

    templates = [t for lang in (zh, en) for t in lang.templates]
    try:
        max_words, max_chars = int(data.get("max_item_words", 6)), int(data.get("max_item_chars", 30))
    except (TypeError, ValueError) as e:
        raise VocabularyError(f"{p}: max_item_words and max_item_chars must be numbers") from e
    return ProseWords(
        zh=zh, en=en,
        data_words=_words(data.get("data_words"), p, "data_words"),
        document_words=_words(data.get("document_words"), p, "document_words"),
        abbreviations=frozenset(x.casefold() for x in _words(data.get("abbreviations"), p, "abbreviations")),
        max_item_words=max_words, max_item_chars=max_chars,
        sniff_rx=word_rx([v for t in templates if not t.weak and not t.context for v in t.verbs], english=True),
        gate_rx=word_rx([v for t in templates for v in t.verbs], english=True),
    )
