"""Importing a document: read it, find its tables, build the policy.

>>> policy, report = import_document(SEED_PATH)
>>> policy.app, report.counts["sharing_rows"], report.counts["sdks"]
('你我贷', 13, 15)
"""

from __future__ import annotations

from pathlib import Path

from registry.build import ImportReport, build_policy
from registry.errors import NoTableError
from registry.flattened import read_flattened
from registry.model import Policy
from registry.source import SourceText, read_source
from registry.tables import RawTable
from registry.vocabulary import DATA_DIR, Vocabulary, load_vocabulary

SEED_PATH = DATA_DIR / "seed_policy.txt"


def detect_layout(src: SourceText) -> str:
    """``flattened-text`` for now; HTML, Markdown and YAML layouts plug in here."""
    return "flattened-text"


def read_tables(src: SourceText, layout: str) -> tuple[list[RawTable], list[str]]:
    return read_flattened(src.lines, src.path)


def import_document(
    path: str | Path,
    *,
    app: str | None = None,
    vocab: Vocabulary | None = None,
    imported_at: str | None = None,
) -> tuple[Policy, ImportReport]:
    """Import one policy document; raises SourceError/NoTableError on bad input."""
    src = read_source(path)
    layout = detect_layout(src)
    tables, notes = read_tables(src, layout)
    if not tables:
        raise NoTableError(src.path, "no sharing list, SDK table or permission table recognized "
                                     "(see data/headers.yaml for the header words looked for)")
    policy, report = build_policy(
        tables, file=src.name, sha256=src.sha256, text=src.text, vocab=vocab or load_vocabulary(),
        app=app, encoding=src.encoding, layout=layout, imported_at=imported_at,
    )
    report.left_out[:0] = notes
    return policy, report
