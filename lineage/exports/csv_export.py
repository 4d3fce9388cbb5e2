"""CSV: one row per flow, shaped like a record of processing activities (docs/exports.md).

UTF-8 with a byte-order mark and CRLF line ends, so Excel opens the Chinese text
correctly by double-click; every cell goes through
:func:`lineage.export_safety.neutralize`, so a recipient named ``=HYPERLINK(…)``
is text, not a formula. Provenance travels in every row (``source_file``,
``source_sha256``, ``imported_at``, ``tool_version``): a row copied elsewhere
still says where it came from, and no sidecar file can go missing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from lineage.exports.common import Selection, cell, table, write_text


def render_csv(sel: Selection, group_by: str | None = None) -> str:
    """The CSV text (BOM excluded: it is added when the file is written)."""
    columns, records = table(sel, group_by)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for rec in records:
        w.writerow([cell(rec[c]) for c in columns])
    return buf.getvalue()


def write_csv(sel: Selection, path: str | Path, *, group_by: str | None = None) -> dict[str, Any]:
    """Write the selection as CSV with a BOM (Excel reads it as UTF-8); returns the row count."""
    text = render_csv(sel, group_by)
    write_text(path, lambda: text, encoding="utf-8-sig")
    return {"rows": text.count("\r\n") - 1 if text else 0}
