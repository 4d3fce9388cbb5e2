"""Normalization: data fields and recipients as written, against the vocabulary.

Fields resolve through ``data/fields.yaml`` (aliases, qualifiers). Recipients are
classified by what their text shows (a legal entity's suffix, a category word,
an onward processor ``…及其委托的…``) and by ``data/recipients.yaml``. A brand is
tied to a legal entity only where the same policy's SDK table gives evidence
(:func:`resolve_brand`); otherwise it stays a brand. Nothing is dropped.
"""

from __future__ import annotations

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
    for marker in sorted(vocab.onward_markers, key=len, reverse=True):
        idx = text.find(marker)
        if idx > 0 and marker.startswith("及其"):
            base = text[:idx]
            onward = base + text[idx + len("及其"):]
            first = classify_recipient(base, vocab)
            return [*first, RecipientName(onward, text, RecipientKind.ONWARD, first[0].name)]
    alias = vocab.recipient_alias(text)
    name = alias or text
    return [RecipientName(name, text, recipient_kind(name, vocab))]


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
