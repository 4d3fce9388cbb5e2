"""Normalization: data fields and recipients as written, against the vocabulary.

Fields resolve through ``data/fields.yaml`` (aliases, qualifiers). Recipients are
classified by what their text shows (a legal entity's suffix, a category word,
an onward processor ``…及其委托的…``) and by ``data/recipients.yaml``. A brand is
tied to a legal entity only where the same policy's SDK table gives evidence
(:func:`resolve_brand`); otherwise it stays a brand. Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from registry.model import SDK, RecipientKind
from registry.vocabulary import FieldEntry, Vocabulary, name_key


@dataclass(frozen=True, slots=True)
class FieldName:
    canonical: str
    as_written: str
    entry: FieldEntry | None


def resolve_field(text: str, vocab: Vocabulary) -> FieldName:
    """The canonical name of a field as written (the cleaned text if unknown)."""
    entry = vocab.resolve_field(text)
    if entry:
        return FieldName(entry.name, text, entry)
    return FieldName(vocab.strip_qualifiers(text), text, None)


@dataclass(frozen=True, slots=True)
class RecipientName:
    name: str
    as_written: str
    kind: RecipientKind
    onward_of: str | None = None
    confidence: str = "high"
    """``low`` where naming this recipient took a guess (whom an onward clause speaks of)."""
    note: str = ""
    """Which guess, for the flows to this recipient."""


def classify_recipient(text: str, vocab: Vocabulary) -> list[RecipientName]:
    """One recipient as written, as one or two recipients (itself, its onward processor).

    >>> from registry.vocabulary import load_vocabulary
    >>> v = load_vocabulary()
    >>> [(r.name, r.kind.value) for r in classify_recipient("某某科技有限公司及其委托的外包服务机构", v)]
    [('某某科技有限公司', 'company'), ('某某科技有限公司委托的外包服务机构', 'onward')]
    >>> classify_recipient("合作的持牌金融机构", v)[0].kind.value
    'unnamed'
    >>> classify_recipient("合作银行", v)[0].kind.value
    'unnamed'
    """
    split = onward_clause(text, vocab)
    if split is not None:
        base, rest = split
        first = classify_recipient(base, vocab)
        return [*first, RecipientName(base + rest, text, RecipientKind.ONWARD, first[0].name)]
    alias = vocab.recipient_alias(text)
    name = alias or text
    return [RecipientName(name, text, recipient_kind(name, vocab))]


def onward_clause(text: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """``(principal, what it entrusts)`` of a recipient with an onward clause, else None.

    The clause opens with an ``onward_markers`` word of ``data/recipients.yaml`` that
    starts with 及其; the onward processor is named by the principal and the rest.

    >>> from registry.vocabulary import load_vocabulary
    >>> onward_clause("广西嘉数信息科技有限公司及其委托的外包服务机构", load_vocabulary())
    ('广西嘉数信息科技有限公司', '委托的外包服务机构')
    """
    for marker in sorted(vocab.onward_markers, key=len, reverse=True):
        idx = text.find(marker)
        if idx > 0 and marker.startswith("及其"):
            return text[:idx], text[idx + len("及其"):]
    return None


def classify_enumeration(
    texts: Sequence[str], vocab: Vocabulary, written: Callable[[int, int], str] | None = None, line: int = 0,
) -> list[list[RecipientName]]:
    """The recipients each item of one list names (:func:`classify_recipient`), where an
    onward clause speaks of every recipient listed before it.

    ``A、B及其委托的外包服务机构``: a reader takes 其 for all the list names before it, A
    and B, so each gets its own onward processor (``A委托的外包服务机构`` entrusted by A,
    ``B委托的…`` by B): a breach at A, or dropping A, reaches A's processors. The list
    reaches back to the last onward clause (``A及其关联方、B及其委托的…``: only B). Where
    the list goes on after the clause (``A、B及其关联公司、C``), 其 may mean B alone: A's
    onward processor is named all the same, with confidence ``low`` and a note. ``written(i,
    j)`` gives the text from item i to item j as written (the name a reader was shown);
    ``line`` is the line the list stands on.

    >>> from registry.vocabulary import load_vocabulary
    >>> v = load_vocabulary()
    >>> cell = ["广西广木资产管理有限公司", "广西嘉数信息科技有限公司及其委托的外包服务机构"]
    >>> [(r.name, r.onward_of) for r in classify_enumeration(cell, v)[1]]  # doctest: +NORMALIZE_WHITESPACE
    [('广西嘉数信息科技有限公司', None),
     ('广西广木资产管理有限公司委托的外包服务机构', '广西广木资产管理有限公司'),
     ('广西嘉数信息科技有限公司委托的外包服务机构', '广西嘉数信息科技有限公司')]
    """
    out = [classify_recipient(t, vocab) for t in texts]
    first = 0
    for i, names in enumerate(out):
        split = onward_clause(texts[i], vocab)
        if split is None:
            continue
        base, rest = split
        more = i < len(texts) - 1  # the list goes on: 其 may mean the last name alone
        extra: list[RecipientName] = []
        for j in range(first, i):
            for r in out[j]:
                if r.kind is RecipientKind.ONWARD:
                    continue
                as_written = written(j, i) if written else "、".join(texts[j:i + 1])
                note = (f"line {line}: {as_written!r}: the list goes on after {texts[i]}, so 其 may mean "
                        f"{base} alone; read as entrusted by {texts[j]} too") if more else ""
                extra.append(RecipientName(texts[j] + rest, as_written, RecipientKind.ONWARD, r.name,
                                           "low" if more else "high", note))
        if extra:
            out[i] = [*names[:-1], *extra, names[-1]]
        first = i + 1
    return out


def recipient_kind(name: str, vocab: Vocabulary) -> RecipientKind:
    """The kind of a recipient name: affiliate, named company, brand, or an unnamed category."""
    key = name_key(name)
    if name in vocab.affiliates or "关联公司" in name or "关联方" in name:
        return RecipientKind.AFFILIATE
    markers = [name_key(m) for m in vocab.unnamed_markers]
    suffix = next((name_key(s) for s in vocab.company_suffixes if key.endswith(name_key(s))), None)
    if suffix is not None:
        rest = key[: -len(suffix)]
        for m in sorted(markers, key=len, reverse=True):
            rest = rest.replace(m, "")
        # "合作银行": nothing but category words before the suffix names no one
        return RecipientKind.COMPANY if len(rest) > 1 else RecipientKind.UNNAMED
    if any(m in key for m in markers):
        return RecipientKind.UNNAMED
    return RecipientKind.BRAND


def resolve_brand(
    brand: str, sdks: list[SDK], vocab: Vocabulary, hint: str = "",
    cache: dict[str, list[SDK]] | None = None,
) -> tuple[str, SDK] | None:
    """The legal entity behind a brand, if this policy's SDK table shows it.

    The brand's tokens (``data/recipients.yaml``) are looked for in each SDK's
    name and provider; a single provider is the answer. Where several providers
    match, the SDKs whose function or purpose shares a word with ``hint`` (the
    scenario's purpose) are preferred; still ambiguous means unresolved.
    ``cache`` (one dict per policy and SDK list) keeps each brand's matching SDKs,
    so that a long sharing list does not scan the SDK table once per cell.
    """
    key = name_key(brand)
    matches = cache.get(key) if cache is not None else None
    if matches is None:
        tokens = _brand_tokens(key, vocab)
        matches = [
            s for s in sdks
            if any(t in name_key(s.name) or t in name_key(s.provider) for t in tokens)
            and recipient_kind(s.provider, vocab) is RecipientKind.COMPANY
        ]
        if cache is not None:
            cache[key] = matches
    providers = {s.provider for s in matches}
    if len(providers) > 1 and hint:
        hkey = name_key(hint)
        close = [s for s in matches if _shares_word(hkey, name_key(s.function + s.purpose + s.need))]
        if {s.provider for s in close} and len({s.provider for s in close}) == 1:
            matches, providers = close, {close[0].provider}
    if len(providers) == 1:
        return matches[0].provider, matches[0]
    return None


def unnamed_provider(sdk_name: str, vocab: Vocabulary) -> RecipientName:
    """The recipient of an SDK whose row names no provider, marked ``low``: the brand its name
    carries (``华为推送SDK`` → 华为, a brand of ``data/recipients.yaml``; one whose own name is in
    the SDK's name first, then the longest token), else the SDK's provider, unnamed. A list
    that names no provider still says the SDK gets the data; whose it is, it does not say.

    >>> from registry.vocabulary import load_vocabulary
    >>> v = load_vocabulary()
    >>> r = unnamed_provider("华为推送SDK", v)
    >>> r.name, r.kind.value, r.confidence
    ('华为', 'brand', 'low')
    >>> unnamed_provider("Expo SDK", v).kind.value
    'unnamed'
    """
    key = name_key(sdk_name)
    best: tuple[int, int, str] | None = None
    for b in vocab.brands:
        own = name_key(b.name) in key
        hits = [len(name_key(t)) for t in (b.name, *b.tokens) if len(name_key(t)) >= 2 and name_key(t) in key]
        if hits and (best is None or (own, max(hits)) > best[:2]):
            best = (own, max(hits), b.name)
    if best is not None:
        return RecipientName(best[2], sdk_name, RecipientKind.BRAND, confidence="low",
                             note=f"the list names no provider for {sdk_name}; {best[2]} is the brand its name carries")
    return RecipientName(f"{sdk_name} (provider not named)", sdk_name, RecipientKind.UNNAMED, confidence="low",
                         note=f"the list names no provider for {sdk_name}")


def _brand_tokens(key: str, vocab: Vocabulary) -> frozenset[str]:
    """The brand's own key and, if the vocabulary knows the brand, all its tokens."""
    table = _BRAND_TABLES.get(id(vocab))
    if table is None or table[0] is not vocab:
        by_key: dict[str, set[str]] = {}
        for b in vocab.brands:
            keys = {name_key(t) for t in (b.name, *b.tokens)}
            for k in keys:
                by_key.setdefault(k, set()).update(keys)
        table = _BRAND_TABLES[id(vocab)] = (vocab, by_key)
    return frozenset(t for t in {key, *table[1].get(key, ())} if len(t) >= 2)


_BRAND_TABLES: dict[int, tuple[Vocabulary, dict[str, set[str]]]] = {}


def _shares_word(a: str, b: str) -> bool:
    return any(a[i:i + 2] in b for i in range(len(a) - 1))
