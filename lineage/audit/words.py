"""The audit's word lists: ``data/audit.yaml``, which a DPO extends (the code holds no phrase).

Each key is a list. A key ending in ``_re`` holds regular expressions; any other key holds
words, matched as written (case-insensitive, after NFKC). :meth:`AuditWords.pattern` joins a
list into one compiled alternation, so a rule asks ``words.pattern("deemed_consent_re")``.

>>> w = load_audit_words()
>>> w.matches("privacy_link_labels", "隐私链接")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.datafiles import DATA_DIR, read_yaml
from registry.errors import VocabularyError
from registry.vocabulary import vocabulary_dir


@dataclass(frozen=True)
class AuditWords:
    """The lists of ``data/audit.yaml``, by key."""

    path: Path
    data: dict[str, Any]

    def list(self, key: str) -> list[str]:
        """The list under ``key`` (an unknown key is a mistake in the code: KeyError)."""
        value = self.data[key]
        if not isinstance(value, list):
            raise VocabularyError(f"{self.path}: {key} must be a list")
        return [str(v) for v in value]

    def pattern(self, key: str) -> re.Pattern[str]:
        """One pattern for the whole list: the regexes of a ``_re`` key, else the words escaped."""
        return _compile(self.path, key, tuple(self.list(key)), key.endswith("_re"))

    def patterns(self, key: str) -> list[re.Pattern[str]]:
        """Each regex of a ``_re`` list compiled on its own (for lists whose patterns name groups)."""
        return [_compile(self.path, key, (p,), True) for p in self.list(key)]

    def matches(self, key: str, text: str) -> bool:
        """Whether ``text`` holds one of the list's words (or patterns)."""
        return bool(self.pattern(key).search(unicodedata.normalize("NFKC", text)))

    def section(self, key: str) -> dict[str, Any]:
        """A mapping under ``key`` (the app types of the necessary-information rules)."""
        value = self.data[key]
        if not isinstance(value, dict):
            raise VocabularyError(f"{self.path}: {key} must be a mapping")
        return value


@functools.cache
def _compile(path: Path, key: str, items: tuple[str, ...], regex: bool) -> re.Pattern[str]:
    parts = items if regex else tuple(re.escape(unicodedata.normalize("NFKC", w)) for w in items)
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!x)x", re.IGNORECASE)
    except re.error as e:
        raise VocabularyError(f"{path}: {key}: bad pattern ({e})") from e


def load_audit_words(data_dir: Path | None = None) -> AuditWords:
    """``audit.yaml`` of ``data_dir`` (or ``$SHAREGRAPH_VOCAB``), else the bundled one."""
    d = Path(data_dir) if data_dir else vocabulary_dir()
    path = d / "audit.yaml"
    if not path.exists():
        path = DATA_DIR / "audit.yaml"
    return _load(path)


@functools.cache
def _load(path: Path) -> AuditWords:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: not a mapping")
    return AuditWords(path, data)
