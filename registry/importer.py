"""Importing a document: read it, find its tables, build the policy.

>>> policy, report = import_document(SEED_PATH)
>>> policy.app, report.counts["sharing_rows"], report.counts["sdks"]
('你我贷', 13, 15)

The document is offered to every reader of :mod:`registry.readers` that finds
something in it (HTML tables, Markdown tables, flattened text, labelled records,
structured data, prose); the extension is a hint, never a gate. Every reader
hands :class:`~registry.tables.RawTable` objects to the same builder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from registry.build import ImportReport, build_policy
from registry.errors import NoTableError, SharegraphError, SourceError
from registry.model import Policy, Registry
from registry.readers import LAYOUTS as READER_LAYOUTS
from registry.readers import read_document
from registry.recipient_facts import with_facts
from registry.source import SourceText, read_source
from registry.tables import RawTable
from registry.vocabulary import DATA_DIR, Vocabulary, load_vocabulary

SEED_PATH = DATA_DIR / "seed_policy.txt"

LAYOUTS = tuple(READER_LAYOUTS)
"""What ``--layout`` accepts: each forces one reader (the default offers the document to all)."""


def _layout_name(reader: str) -> str:
    """The ``--layout`` name of a reader module (``flattened`` -> ``flattened-text``)."""
    return next(k for k, v in READER_LAYOUTS.items() if v == reader)


def detect_layout(src: SourceText) -> str:
    """The layout of the reader that scores a document highest (what ``--layout`` would name)."""
    from registry.readers import Document, sniff_all

    return _layout_name(sniff_all(Document(src))[0][1])


def read_tables(src: SourceText, layout: str | None = None) -> tuple[list[RawTable], list[str]]:
    """The tables of a document and notes on what was left out (``layout`` forces a reader)."""
    r = read_document(src, layout if layout in READER_LAYOUTS else None)
    return r.tables, r.notes


def import_document(
    path: str | Path,
    *,
    app: str | None = None,
    vocab: Vocabulary | None = None,
    imported_at: str | None = None,
    layout: str | None = None,
) -> tuple[Policy, ImportReport]:
    """Import one policy document; raises SourceError/NoTableError on bad input.

    Every reader that finds something in the document reads it
    (:func:`registry.readers.read_document`); ``layout`` (one of :data:`LAYOUTS`)
    forces one reader instead. The policy keeps the decoded text (:attr:`Policy.text`).
    """
    src = read_source(path)
    if layout is not None and layout not in READER_LAYOUTS:
        raise SourceError(src.path, f"unknown layout {layout!r} (one of {', '.join(LAYOUTS)})")
    from registry.readers.registry_yaml import has_marker

    if layout == "registry-yaml" or (layout is None and has_marker(src.text)):
        from registry.readers.registry_yaml import import_registry_yaml

        if not has_marker(src.text):
            raise SourceError(src.path, "a YAML file without a top-level 'sharegraph: 1' key is not "
                                        "registry-as-code (see docs/registry-as-code.md)", 1)
        policy, report = import_registry_yaml(src, app=app, vocab=vocab, imported_at=imported_at)
        return replace(policy, text=src.text), report
    reading = read_document(src, layout)
    if not reading.tables:
        looked = "; ".join(reading.looked) or "no reader found anything to read"
        hint = ""
        if Path(src.path).suffix.lower() in (".yaml", ".yml"):
            hint = ("; registry-as-code needs a top-level 'sharegraph: 1' key "
                    "(see docs/registry-as-code.md)")
        raise NoTableError(src.path, "no sharing list, SDK list or permission table recognized "
                                     f"(readers: {looked}){hint}")
    policy, report = build_policy(
        reading.tables, file=src.name, sha256=src.sha256, text=reading.page_text,
        vocab=vocab or load_vocabulary(), app=app, encoding=src.encoding,
        layout="+".join(_layout_name(r) for r in reading.readers), imported_at=imported_at,
    )
    report.left_out[:0] = reading.notes
    report.info[:0] = [f"read by {line}" for line in reading.looked]
    # the text the evidence's line numbers count in, kept so no later question opens the file again;
    # what it says of each recipient beyond the data is read from that same text
    return with_facts(replace(policy, text=src.text)), report


@dataclass
class BatchResult:
    """What :func:`import_many` did: the registry, one report per import, the failures."""

    registry: Registry
    reports: list[ImportReport] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """One line per document that could not be imported (``path:line: why``)."""


def import_many(
    paths: Iterable[str | Path],
    registry: Registry | None = None,
    progress: bool = True,
    *,
    vocab: Vocabulary | None = None,
    imported_at: str | None = None,
    stop_on_error: bool = False,
    layout: str | None = None,
) -> BatchResult:
    """Import many documents into one registry, with a progress bar on stderr.

    A document that cannot be imported is listed in ``failed`` and the batch goes
    on (``stop_on_error=True`` raises its error instead); a later document of the
    same app replaces an earlier one, as :meth:`Registry.add` does.
    """
    paths = list(paths)
    reg = registry if registry is not None else Registry()
    vocab = vocab or load_vocabulary()
    result = BatchResult(reg)

    def one(p: str | Path) -> None:
        try:
            policy, report = import_document(p, vocab=vocab, imported_at=imported_at, layout=layout)
        except SharegraphError as e:
            if stop_on_error:
                raise
            result.failed.append(str(e))
            return
        reg.add(policy)
        result.reports.append(report)

    for p in with_progress([Path(x) for x in paths], progress):
        one(p)
    return result


def with_progress(paths: list[Path], show: bool) -> Iterator[Path]:
    """The paths, one by one, with a progress bar on stderr when ``show`` (rich)."""
    if not show:
        yield from paths
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[name]}"), console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("import", total=len(paths), name="")
        for p in paths:
            bar.update(task, name=p.name)
            yield p
            bar.advance(task)
