"""Importing a document: read it, find its tables, build the policy.

>>> policy, report = import_document(SEED_PATH)
>>> policy.app, report.counts["sharing_rows"], report.counts["sdks"]
('你我贷', 13, 15)

The layout is told by the file's extension, else sniffed from its text
(:func:`detect_layout`): an HTML page, a Markdown document, a registry-as-code
YAML file, or flattened text (a web page saved as text). Each layout has its
reader; every reader hands :class:`~registry.tables.RawTable` objects to the
same builder. SDK and sharing lists written as labelled paragraphs are looked
for in every text layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from registry.build import ImportReport, build_policy
from registry.errors import NoTableError, SharegraphError, SourceError
from registry.model import Policy, Registry
from registry.readers.flattened import read_flattened
from registry.source import SourceText, read_source
from registry.tables import RawTable
from registry.vocabulary import DATA_DIR, Vocabulary, load_vocabulary

SEED_PATH = DATA_DIR / "seed_policy.txt"

LAYOUTS = ("flattened-text", "html", "markdown", "registry-yaml")
_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown",
               ".markdown": "markdown", ".yaml": "registry-yaml", ".yml": "registry-yaml"}
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL)


LAYOUTS = ("flattened-text", "html", "markdown", "registry-yaml")


def sniff_layout(src: SourceText) -> tuple[str, str | None]:
    """The layout, and a note saying so when it was guessed from the content.

    The extension decides where it names a layout; otherwise the text does:
    ``<!doctype html``, ``<html`` or a ``<table`` is HTML, a Markdown table
    separator line is Markdown, a top-level ``sharegraph:`` key is
    registry-as-code; anything else is flattened text.
    """
    from registry.readers.markdown import looks_like_markdown
    from registry.readers.registry_yaml import has_marker

    ext = Path(src.path).suffix.lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext], None
    text = src.text.lstrip("\ufeff")
    head = text[:4096]
    guessed = None
    if _HTML_START.match(head) or "<table" in text[:2_000_000].lower():
        guessed, why = "html", "it has HTML markup (<html> or <table>)"
    elif has_marker(text) and text.lstrip().startswith(("sharegraph", "#", "---", "app")):
        guessed, why = "registry-yaml", "it has a top-level 'sharegraph:' key"
    elif looks_like_markdown(src.lines):
        guessed, why = "markdown", "it has a Markdown table separator line (|---|)"
    if guessed is None:
        return "flattened-text", None
    return guessed, (f"layout {guessed!r} guessed from the content, not the file name "
                     f"({src.name}): {why}; rename the file to .{_ext_of(guessed)} to say so")


def _ext_of(layout: str) -> str:
    return {"html": "html", "markdown": "md", "registry-yaml": "yaml"}.get(layout, "txt")


def detect_layout(src: SourceText) -> str:
    """``html``, ``markdown``, ``registry-yaml`` or ``flattened-text``: by extension, then content."""
    return sniff_layout(src)[0]


def read_tables(src: SourceText, layout: str) -> tuple[list[RawTable], list[str]]:
    """The tables of a document in a layout, and notes on what was left out."""
    from registry.readers.html import read_html
    from registry.readers.markdown import read_markdown
    from registry.readers.records import read_paragraph_lists

    if layout == "html":
        return read_html(src.text, src.path)
    if layout == "markdown":
        return read_markdown(src.lines, src.path)
    if layout == "registry-yaml":
        from registry.readers.registry_yaml import read_registry_yaml

        return read_registry_yaml(src.text, src.path).tables, []
    lines = src.lines
    tables, notes = read_flattened(lines, src.path)
    kept: list[RawTable] = []
    for t in tables:
        if any(_is_label_value(h) for h in t.headers):
            # "SDK名称：极光推送SDK" lines read as a header: a paragraph list, not a table
            notes.append(f"line {t.line}: labelled lines read as a table header were taken as a paragraph list")
            continue
        kept.append(t)
    covered: set[int] = set()
    for t in kept:
        last = max((ln for row in t.rows for c in row.cells.values() for ln, _ in c.items), default=t.line)
        covered.update(range(t.line, last + 1))
    ptables, pnotes = read_paragraph_lists(lines, src.path, skip=covered)
    merged = sorted(kept + ptables, key=lambda t: t.line)
    return merged, notes + pnotes


def _is_label_value(header: str) -> bool:
    for colon in ("：", ":"):
        head, sep, tail = header.partition(colon)
        if sep and head.strip() and tail.strip() and not tail.startswith("//"):
            return True
    return False


def import_document(
    path: str | Path,
    *,
    app: str | None = None,
    vocab: Vocabulary | None = None,
    imported_at: str | None = None,
    layout: str | None = None,
) -> tuple[Policy, ImportReport]:
    """Import one policy document; raises SourceError/NoTableError on bad input.

    ``layout`` (one of :data:`LAYOUTS`) overrides the detection by extension and content.
    """
    src = read_source(path)
    if layout is None:
        layout, guess = sniff_layout(src)
    elif layout not in LAYOUTS:
        raise SourceError(src.path, f"unknown layout {layout!r} (one of {', '.join(LAYOUTS)})")
    else:
        guess = None
    if layout == "registry-yaml":
        from registry.readers.registry_yaml import has_marker, import_registry_yaml

        if not has_marker(src.text):
            raise SourceError(src.path, "a YAML file without a top-level 'sharegraph: 1' key is not "
                                        "registry-as-code (see docs/registry-as-code.md)", 1)
        policy, report = import_registry_yaml(src, app=app, vocab=vocab, imported_at=imported_at)
    else:
        tables, notes = read_tables(src, layout)
        if not tables:
            raise NoTableError(src.path, "no sharing list, SDK table or permission table recognized "
                                         "(see data/headers.yaml for the header words looked for)")
        text = src.text
        if layout == "html":  # the app's name is looked for in the text a reader sees, not in markup
            from registry.readers.html import page_text

            text = page_text(src.text, src.path)
        policy, report = build_policy(
            tables, file=src.name, sha256=src.sha256, text=text, vocab=vocab or load_vocabulary(),
            app=app, encoding=src.encoding, layout=layout, imported_at=imported_at,
        )
        report.left_out[:0] = notes
    if guess:
        report.guesses.insert(0, guess)
    return policy, report


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

    if not progress:
        for p in paths:
            one(p)
        return result
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[name]}"), console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("import", total=len(paths), name="")
        for p in paths:
            bar.update(task, name=Path(p).name)
            one(p)
            bar.advance(task)
    return result
