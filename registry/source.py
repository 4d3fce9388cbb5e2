"""Reading a source document into text: encodings, BOMs, line endings, binary files, size.

Policies arrive as UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 or UTF-32
with a BOM, with Unix, Windows or old Mac line endings. Anything else stops here
with a one-line :class:`~registry.errors.SourceError` that says what is wrong:
a file cut inside a character, UTF-16 or UTF-32 without a byte-order mark (told
from where its zero bytes fall), one bad byte in UTF-8 text, a binary file.

A document larger than :data:`MAX_DOCUMENT_BYTES` (16 MiB; the environment
variable ``SHAREGRAPH_MAX_DOCUMENT_BYTES`` changes it) is refused before it is
read whole: real disclosure lists are tens of kilobytes, and a device such as
``/dev/zero`` is refused by its kind.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from registry.errors import SourceError

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
"""The largest document imported (bytes as stored); see :func:`max_document_bytes`."""


@dataclass(frozen=True, slots=True)
class SourceText:
    path: str
    name: str
    text: str
    encoding: str
    sha256: str

    @property
    def lines(self) -> list[str]:
        """The text's lines (line ``n`` is ``lines[n - 1]``, as evidence counts them)."""
        return self.text.split("\n")


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_RESAVE = "save it as UTF-8 (or with a byte-order mark)"


def _wide_without_bom(data: bytes) -> str | None:
    r"""'UTF-16 (little-endian)'… when the zero bytes fall where that encoding puts them, else None.

    ASCII characters (line breaks, digits, Latin names) in UTF-16 have a zero in every
    other byte, and every character of UTF-32 two zero bytes; binary files have zeros
    anywhere.

    >>> _wide_without_bom("隐私政策\n第三方SDK".encode("utf-16-le"))
    'UTF-16 (little-endian)'
    >>> _wide_without_bom("隐私政策\n".encode("utf-32-be"))
    'UTF-32 (big-endian)'
    >>> _wide_without_bom(bytes(range(256)) * 4) is None
    True
    """
    sample = data[: 1 << 16]
    units = len(sample) // 4
    if units >= 2 and len(data) % 4 == 0:
        quads = [sample[i:i + 4] for i in range(0, units * 4, 4)]
        if sum(q[2] == 0 and q[3] == 0 and q[:2] != b"\0\0" for q in quads) >= 0.9 * units:
            return "UTF-32 (little-endian)"
        if sum(q[0] == 0 and q[1] == 0 and q[2:] != b"\0\0" for q in quads) >= 0.9 * units:
            return "UTF-32 (big-endian)"
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    zeros = even + odd
    if zeros >= 2 and len(data) % 2 == 0:
        for name, hits in (("UTF-16 (little-endian)", odd), ("UTF-16 (big-endian)", even)):
            if hits >= 0.95 * zeros:
                codec = "utf-16-le" if "little" in name else "utf-16-be"
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    return None
                return None if _looks_binary(text) else name
    return None


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes to text with normalized line endings; returns (text, encoding)."""
    if not data.strip():
        raise SourceError(path, "the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                if e.end >= len(data) and e.reason in ("truncated data", "unexpected end of data"):
                    raise SourceError(path, f"the {enc.upper()} text ends inside a character at byte "
                                            f"{e.start}: the file is cut short") from None
                raise SourceError(path, f"not valid {enc} text despite its byte-order mark (byte {e.start})") from None
            return _normalize_newlines(text), enc
    if b"\x00" in data:
        wide = _wide_without_bom(data)
        if wide:
            raise SourceError(path, f"{wide} text without a byte-order mark: {_RESAVE}")
        raise SourceError(path, "binary file (NUL bytes), not a text policy")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        _utf8_problem(data, e, path)
        try:
            text, enc = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: e.start].count(b"\n") + 1
            raise SourceError(path, f"not UTF-8, GB18030, UTF-16 or UTF-32 text (byte 0x{data[e.start]:02x} "
                                    "is not UTF-8)", line) from None
    if _looks_binary(text):
        raise SourceError(path, "binary file (control characters), not a text policy")
    return _normalize_newlines(text), enc


def _utf8_problem(data: bytes, e: UnicodeDecodeError, path: str) -> None:
    """Raise for UTF-8 text that is cut inside a character, or has a bad byte deep in UTF-8 text.

    Either would otherwise be tried as GB18030, which reads most byte strings as some
    characters: the text would come out garbled instead of refused.
    """
    line = data[: e.start].count(b"\n") + 1
    if e.reason == "unexpected end of data" and e.end >= len(data):
        raise SourceError(path, f"the UTF-8 text ends inside a character (byte {e.start} of {len(data)}): "
                                "the file is cut short", line)
    head = data[: e.start]
    if sum(1 for b in head[-65536:] if b >= 0xC2 and b <= 0xF4) >= 8:  # many UTF-8 lead bytes before it
        raise SourceError(path, f"not valid UTF-8: byte 0x{data[e.start]:02x} in UTF-8 text "
                                "(a damaged or mixed-encoding file)", line)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(8, len(sample) // 100)


def max_document_bytes() -> int:
    """:data:`MAX_DOCUMENT_BYTES`, or ``SHAREGRAPH_MAX_DOCUMENT_BYTES`` where set to a number."""
    try:
        return max(1, int(os.environ.get("SHAREGRAPH_MAX_DOCUMENT_BYTES", MAX_DOCUMENT_BYTES)))
    except ValueError:
        return MAX_DOCUMENT_BYTES


def _too_big(size: str, limit: int) -> str:
    return (f"{size} bytes: larger than the {limit:,}-byte limit for one document "
            "(SHAREGRAPH_MAX_DOCUMENT_BYTES); split it, or raise the limit")


def read_source(path: str | Path) -> SourceText:
    """Read and decode a document; the SHA-256 is of the bytes as stored.

    A folder, a device or a socket is refused by its kind, a document over
    :func:`max_document_bytes` by its size, before it is read whole.
    """
    p = Path(path)
    limit = max_document_bytes()
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise SourceError(str(path), "is a directory, not a file")
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            from registry.atomic import file_kind

            raise SourceError(str(path), f"is {file_kind(st.st_mode)}, not a document")
        if st.st_size > limit:
            raise SourceError(str(path), _too_big(f"{st.st_size:,}", limit))
        with p.open("rb") as fh:
            data = fh.read(limit + 1)  # a FIFO, or a file that grew since
        if len(data) > limit:
            raise SourceError(str(path), _too_big("more than " + f"{limit:,}", limit))
    except FileNotFoundError as e:
        raise SourceError(str(path), "no such file") from e
    except IsADirectoryError as e:
        raise SourceError(str(path), "is a directory, not a file") from e
    except OSError as e:
        raise SourceError(str(path), f"cannot read ({e.strerror})") from e
    text, enc = decode(data, str(path))
    return SourceText(str(path), p.name, text, enc, hashlib.sha256(data).hexdigest())
