"""Reading a source document into text: encodings, BOMs, line endings, binary files.

Policies arrive as UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with a
BOM, with Unix, Windows or old Mac line endings. Anything else stops here with
a one-line :class:`~registry.errors.SourceError`.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from registry.errors import SourceError


@dataclass(frozen=True, slots=True)
class SourceText:
    path: str
    name: str
    text: str
    encoding: str
    sha256: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes to text with normalized line endings; returns (text, encoding)."""
    if not data.strip():
        raise SourceError(path, "the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise SourceError(path, f"not valid {enc} text despite its byte-order mark (byte {e.start})") from e
            return _normalize_newlines(text), enc
    if b"\x00" in data:
        raise SourceError(path, "binary file (NUL bytes), not a text policy")
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise SourceError(path, "binary file (control characters), not a text policy")
        return _normalize_newlines(text), enc
    raise SourceError(path, "not UTF-8, GB18030 or UTF-16 text")


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(8, len(sample) // 100)


def read_source(path: str | Path) -> SourceText:
    """Read and decode a document; the SHA-256 is of the bytes as stored."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as e:
        raise SourceError(str(path), "no such file") from e
    except IsADirectoryError as e:
        raise SourceError(str(path), "is a directory, not a file") from e
    except OSError as e:
        raise SourceError(str(path), f"cannot read ({e.strerror})") from e
    text, enc = decode(data, str(path))
    return SourceText(str(path), p.name, text, enc, hashlib.sha256(data).hexdigest())
