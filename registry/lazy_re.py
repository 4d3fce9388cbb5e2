"""Regular expressions compiled on first use.

Every import offers the document to every reader, so every reader module is imported,
and a pattern compiled at module level is paid for by every import, whether or not the
document holds anything it matches: compiling the readers' patterns up front cost more
than reading most documents. A pattern that only some documents need (Markdown tables,
JavaScript literals, English company names) is made with :func:`lazy_compile` instead;
it compiles the first time it is used.

>>> rx = lazy_compile(r"(\\d+) apps?")
>>> rx.compiled is None
True
>>> rx.search("12 apps").group(1), rx.sub("N", "3 apps"), rx.pattern
('12', 'N', '(\\\\d+) apps?')
>>> rx.compiled is not None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any


class LazyPattern:
    """A :class:`re.Pattern` made on first use: the same methods, the same results."""

    __slots__ = ("compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self.compiled: re.Pattern[str] | None = None
        """The compiled pattern, once something has used it."""

    def get(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        rx = self.compiled
        if rx is None:
            rx = self.compiled = re.compile(self.pattern, self.flags)
        return rx

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        """As :meth:`re.Pattern.match`."""
        return (self.compiled or self.get()).match(string, *args)

    def fullmatch(self, string: str, *args: int) -> re.Match[str] | None:
        """As :meth:`re.Pattern.fullmatch`."""
        return (self.compiled or self.get()).fullmatch(string, *args)

    def search(self, string: str, *args: int) -> re.Match[str] | None:
        """As :meth:`re.Pattern.search`."""
        return (self.compiled or self.get()).search(string, *args)

    def finditer(self, string: str, *args: int) -> Iterator[re.Match[str]]:
        """As :meth:`re.Pattern.finditer`."""
        return (self.compiled or self.get()).finditer(string, *args)

    def findall(self, string: str, *args: int) -> list[Any]:
        """As :meth:`re.Pattern.findall`."""
        return (self.compiled or self.get()).findall(string, *args)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        """As :meth:`re.Pattern.sub`."""
        return (self.compiled or self.get()).sub(repl, string, count)

    def subn(self, repl: Any, string: str, count: int = 0) -> tuple[str, int]:
        """As :meth:`re.Pattern.subn`."""
        return (self.compiled or self.get()).subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[Any]:
        """As :meth:`re.Pattern.split`."""
        return (self.compiled or self.get()).split(string, maxsplit)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self.flags!r})"


def lazy_compile(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled the first time it is used (see the module's docstring)."""
    return LazyPattern(pattern, flags)
