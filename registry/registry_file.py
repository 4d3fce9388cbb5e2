"""A registry file of either kind, told apart by its content: SQLite (the default) or JSON.

The SQLite database (:mod:`registry.database`) is the registry file: a question
reads only the apps it asks about, an import adds one app in one transaction. The
JSON file (:mod:`registry.store`) stays as the interchange format: ``--registry``
reads it, ``import registry.json`` adds its apps to a database, ``import registry.db
-o registry.json`` writes one. A new file is JSON only when its name ends in ``.json``.

>>> import tempfile, pathlib
>>> from registry import open_registry
>>> out = pathlib.Path(tempfile.mkdtemp()) / "registry.db"
>>> [c.line() for c in add_policies(out, [open_registry().policies["你我贷"]]).changes]
[]
>>> registry_format(out), load_registry(out).apps
('sqlite', ['你我贷'])
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry import database, store
from registry.atomic import output_target
from registry.errors import ImportRefusedError, SharegraphError
from registry.model import Policy, Registry
from registry.replacement import Replacement, check_replacement


def registry_format(path: str | Path) -> str:
    """``sqlite`` or ``json``: by content for a file that exists, else by its name."""
    p = Path(path)
    if database.is_database(p):
        return "sqlite"
    try:
        if p.stat().st_size > 0:
            return "json"
    except OSError:
        pass
    return "json" if p.suffix.lower() == ".json" else "sqlite"


def load_registry(path: str | Path) -> Registry:
    """The registry at ``path``, a database or a JSON file; one-line RegistryFileError if broken."""
    if database.is_database(path):
        return database.open_database(path)
    return store.load_registry(path)


def save_registry(reg: Registry, path: str | Path) -> None:
    """Write ``reg`` to ``path`` in the file's own format (a new file: see :func:`registry_format`).

    A database is changed in one transaction, writing only the apps that changed; a
    JSON file is replaced atomically.
    """
    output_target(path)  # a folder, a device or a FIFO is refused before anything else
    if registry_format(path) == "sqlite":
        database.save_database(reg, path)
    else:
        store.save_registry(reg, path)


@dataclass
class Added:
    """What :func:`add_policies` did."""

    apps: list[str] = field(default_factory=list)
    """The apps written."""
    changes: list[Replacement] = field(default_factory=list)
    """One per app that was already there and was replaced."""
    refused: list[str] = field(default_factory=list)
    """One line per policy refused (it would lose most of an app's flows; see ``--replace``)."""
    total_apps: int = 0
    """Apps in the registry afterwards."""


class _Rollback(Exception):
    pass


def add_policies(path: str | Path, policies: Iterable[Policy], *, replace: bool = False,
                 write: bool = True, refuse: str = "raise") -> Added:
    """Add or replace apps in the registry at ``path`` (created if absent), all in one transaction.

    Each replacement is checked (:func:`registry.replacement.check_replacement`) against
    the app as stored at that moment. A refused replacement raises
    :class:`ImportRefusedError` (nothing written) or, with ``refuse="skip"``, is listed in
    :attr:`Added.refused` and the others are written. ``write=False`` checks and reports
    without writing. Another process writing the same file meanwhile is waited for: both
    land.
    """
    out = Added()
    fmt = registry_format(path)

    def one(old: Policy | None, p: Policy) -> bool:
        try:
            change = check_replacement(old, p, replace=replace, source=p.source.file)
        except ImportRefusedError as e:
            if refuse == "raise":
                raise
            out.refused.append(str(e))
            return False
        if change is not None:
            out.changes.append(change)
        out.apps.append(p.app)
        return True

    if fmt == "sqlite" and not write and not Path(path).exists():
        for p in policies:  # nothing to compare with, and nothing may be created
            one(None, p)
        return out
    if fmt == "sqlite":
        try:
            with database.writer(path) as w:
                for p in policies:
                    if one(w.get(p.app), p):
                        w.put(p)
                out.total_apps = len(w.apps())
                if not write:
                    raise _Rollback
        except _Rollback:
            pass
        return out
    with store.registry_lock(path):
        reg = store.load_registry(path) if Path(path).exists() else Registry()
        for p in policies:
            if one(reg.policies.get(p.app), p):
                reg.add(p)
        out.total_apps = len(reg.policies)
        if write and out.apps:
            store.save_registry(reg, path)
    return out


def is_registry_file(path: str | Path) -> bool:
    """True for a registry database, or a JSON file that says it is a sharegraph registry."""
    if database.is_database(path):
        return True
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and f'"{store.FORMAT}"'.encode() in head


BATCH = 100
"""Documents per transaction when a folder is imported into a database."""


@dataclass
class BatchImport:
    """What :func:`import_into_file` did, for the CLI's summary."""

    documents: int
    reports: list[Any] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    changes: list[Replacement] = field(default_factory=list)
    total_apps: int = 0
    written: str | None = None
    strict_failed: bool = False

    @property
    def problems(self) -> int:
        """Problems of every imported document, plus one per document that failed."""
        return sum(r.problems for r in self.reports) + len(self.failed)

    def summary(self) -> dict[str, Any]:
        """The batch as JSON-ready data: counts, failures, replaced apps, the file written."""
        out = {"documents": self.documents, "imported": len(self.reports), "failed": self.failed,
               "apps": self.total_apps, "problems": self.problems,
               "flows": sum(r.counts.get("flows", 0) for r in self.reports),
               "replaced": [c.as_dict() for c in self.changes]}
        if self.written:
            out["written"] = self.written
        return out


def import_into_file(paths: list[Path], output: str | Path, *, layout: str | None = None,
                     strict: bool = False, replace: bool = False, progress: bool = False,
                     batch: int = BATCH) -> BatchImport:
    """Import many documents (and the apps of registry files among them) into ``output``.

    Into a database, every ``batch`` documents are committed together, so a folder of a
    thousand policies never holds more than one batch in memory and a killed run keeps
    the batches already committed. With ``strict``, nothing is written if any document
    has a problem (all are read first). A document that cannot be imported, or whose
    replacement is refused, is listed in ``failed`` and the others go on.
    """
    from registry.importer import import_document, with_progress
    from registry.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    result = BatchImport(len(paths))
    pending: list[tuple[Policy, Any]] = []

    def flush() -> None:
        if not pending:
            return
        added = add_policies(output, [p for p, _ in pending], replace=replace, refuse="skip")
        kept = set(added.apps)
        result.reports.extend(r for p, r in pending if p.app in kept)
        result.failed.extend(added.refused)
        result.changes.extend(added.changes)
        result.total_apps = added.total_apps
        pending.clear()

    def one(path: Path) -> None:
        try:
            if is_registry_file(path):
                for p in load_registry(path).policies.values():
                    pending.append((p, _RegistryReport(p)))
            else:
                pending.append(import_document(path, vocab=vocab, layout=layout))
        except SharegraphError as e:
            result.failed.append(str(e))
            return
        if not strict and len(pending) >= batch:
            flush()

    for path in with_progress(paths, progress):
        one(path)
    if strict and (sum(r.problems for _, r in pending) or result.failed):
        result.reports = [r for _, r in pending]
        result.strict_failed = True
        return result
    flush()
    if result.reports:
        result.written = str(output)
    return result


@dataclass
class _RegistryReport:
    """The import report of an app copied from another registry file: nothing was read or guessed."""

    policy: Policy
    problems: int = 0

    @property
    def app(self) -> str:
        return self.policy.app

    @property
    def counts(self) -> dict[str, int]:
        return {"flows": len(self.policy.flows)}

    def as_dict(self) -> dict[str, Any]:
        return {"app": self.app, "file": self.policy.source.file, "copied_from_registry": True,
                "counts": self.counts}
