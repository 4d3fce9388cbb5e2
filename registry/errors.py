"""The one exception tree of sharegraph.

::

    SharegraphError                 every error the library raises on purpose
    ├── SourceError                 a policy document that cannot be read (path, line)
    │   └── NoTableError            no recognizable table in the document
    ├── RegistryFileError           a registry file that is broken, foreign or unwritable
    ├── OutputPathError             an output path that must not be replaced (a device, a folder…)
    ├── ImportRefusedError          an import that would lose data (no flows; most of an app's gone)
    ├── VocabularyError             a broken file in data/ (fields, recipients, headers)
    ├── UnknownFieldError           a field name not in the registry (with suggestions)
    │   └── AmbiguousFieldError     a name that matches several fields where one is needed
    ├── UnknownRecipientError       a recipient not in the registry (with suggestions)
    │   └── AmbiguousRecipientError part of a name that several recipients share (candidates)
    ├── UnknownNameError            an app, scenario, SDK or category not in the registry
    │   └── AmbiguousNameError      part of a name that several apps, scenarios… share (candidates)
    └── BackendError                the Neo4j backend failed (auth, connection, database)

The library never prints and never exits; ``cli.py`` catches :class:`SharegraphError`
once, prints ``error: <message>`` on stderr and exits with :attr:`exit_code`.
"""

from __future__ import annotations


class SharegraphError(Exception):
    """Base class. ``str(err)`` is the one line the user sees."""

    exit_code: int = 2


class SourceError(SharegraphError):
    """A source document that cannot be imported; names the file and, where known, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class NoTableError(SourceError):
    """The document holds no table or list that sharegraph recognizes."""


class RegistryFileError(SharegraphError):
    """A registry file that cannot be read or written."""


class OutputPathError(SharegraphError):
    """An output path sharegraph refuses to write: a folder, a device, a FIFO, a link to nothing.

    See :mod:`registry.atomic`; raised before anything is read from or written to it.
    """


class ImportRefusedError(SharegraphError):
    """An import that finds no flows, or would replace an app and lose most of its flows.

    The second is allowed with ``--replace``; nothing is written either way.
    """


class VocabularyError(SharegraphError):
    """A vocabulary file in ``data/`` is malformed."""


class _UnknownError(SharegraphError):
    kind = "name"

    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        super().__init__(self._message())

    def _message(self) -> str:
        shown = self.name if len(self.name) <= 80 else f"{self.name[:60]}… ({len(self.name):,} characters)"
        msg = f"unknown {self.kind} {shown!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(self.suggestions) + "?"
        return msg


class UnknownFieldError(_UnknownError):
    """A data field that neither the registry nor the vocabulary knows."""

    kind = "field"


class UnknownRecipientError(_UnknownError):
    """A recipient that the registry does not know by name, alias or brand."""

    kind = "recipient"


class _AmbiguousError(_UnknownError):
    """A name that matches several things where the question needs one: ``candidates``
    lists them (``suggestions`` too, for code that reads those)."""

    SHOWN = 10

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.candidates = list(candidates)
        super().__init__(name, candidates)

    def _message(self) -> str:
        c = self.candidates
        more = f" and {len(c) - self.SHOWN} more" if len(c) > self.SHOWN else ""
        return (f"{self.kind} {self.name!r} matches {len(c)} {_plural(self.kind)}: "
                f"{', '.join(c[:self.SHOWN])}{more}; name one of them")


def _plural(kind: str) -> str:
    return kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


class AmbiguousFieldError(_AmbiguousError, UnknownFieldError):
    """A name that matches several fields, asked where a question needs one field."""

    kind = "field"


class AmbiguousRecipientError(_AmbiguousError, UnknownRecipientError):
    """Part of a name that several recipients share (``腾讯`` when two companies are 腾讯)."""

    kind = "recipient"


class UnknownNameError(_UnknownError):
    """An app, scenario, SDK or category that the registry does not hold."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        super().__init__(name, suggestions)


class AmbiguousNameError(_AmbiguousError, UnknownNameError):
    """Part of a name that several apps, scenarios, SDKs or categories share (``candidates``)."""

    def __init__(self, kind: str, name: str, candidates: list[str]) -> None:
        self.kind = kind
        self.candidates = list(candidates)
        _UnknownError.__init__(self, name, candidates)  # not UnknownNameError's (kind, name, …)


class BackendError(SharegraphError):
    """A storage backend (Neo4j) that cannot be reached or refuses the work."""
