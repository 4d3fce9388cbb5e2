"""Each recipient's record (contact, relationship, legal basis, cross-border) as the reports'
recipient tables show it: the HTML report, the Markdown report and the XLSX ``recipients`` sheet.

The record is :func:`lineage.records.recipient_record`'s, read from the registry. A cell is
``None`` where the policy says nothing (shown as :data:`NOT_STATED`), else a dict: ``text``
(the value in words, ``shown``), ``low`` (the record's confidence is low), ``note``, ``lines``
(of the deciding statements) and ``evidence`` (those statements as written, ``file``, ``line``,
``text``). An export made from a lineage graph has no registry: the graph keeps a recipient's
contact (without its line) and nothing else, so every other cell is empty and
:data:`NOT_IN_GRAPH` says why once, in a caption (saying "not stated" there would be wrong).

>>> from registry import open_registry
>>> from lineage.exports.common import select
>>> cells = record_cells(select(open_registry(), recipient="北京旷视科技有限公司"))
>>> c = cells["北京旷视科技有限公司"]
>>> c["contact"]["text"], c["contact"]["lines"], c["legal_basis"]
('400-6700-866', [892], None)
>>> flat(c["contact"]), flat(c["relationship"])
('400-6700-866 [line 892]', 'independent handler (独立的个人信息处理者) (low) [line 2117]')
"""

from __future__ import annotations

from typing import Any

from lineage.exports.common import Selection

KINDS = ("contact", "relationship", "legal_basis", "cross_border")
HEADINGS = ("Contact", "Relationship", "Legal basis", "Cross-border")
NOT_STATED = "not stated"
"""A cell where the policy says nothing (read from the registry)."""
NOT_IN_GRAPH = ("Relationship, legal basis and cross-border are not in the lineage graph this "
                "export was made from (it keeps a recipient's contact, without its line): export "
                "from the registry for them.")
EVIDENCE_CHARS = 200
"""A quoted statement longer than this is cut (with …) in the page's hover text."""


def _text(kind: str, entry: dict[str, Any]) -> str:
    text = str(entry["shown"])
    where = entry.get("where")
    if kind == "cross_border" and where:
        if entry["value"] == "location":
            return f"{where} (a place; whether it is a transfer the policy does not say)"
        text += f", {where}"
    return text


def _cell(kind: str, entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    lines = list(entry.get("lines") or [])
    deciding = [e for e in entry.get("evidence") or [] if e.get("line") in lines] or list(entry.get("evidence") or [])
    evidence = []
    for e in deciding[:4]:
        text = str(e.get("text") or "")
        if len(text) > EVIDENCE_CHARS:
            text = text[:EVIDENCE_CHARS] + "…"
        evidence.append({"file": e.get("file"), "line": e.get("line"), "text": text})
    return {"text": _text(kind, entry), "low": entry.get("confidence") == "low",
            "note": entry.get("note") or "", "lines": lines, "evidence": evidence}


def record_cells(sel: Selection, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The record cells of each recipient in ``sel`` (or of ``names``): ``{name: {kind: cell}}``.

    Read from the selection's registry (of its ``--app``), or from its graph when it has none.
    """
    from lineage.records import recipient_record

    wanted = names if names is not None else sorted({r["recipient"] for r in sel.rows})
    source: Any = sel.registry if sel.registry is not None else sel.G
    app = sel.scope.get("app") if sel.registry is not None else None
    out: dict[str, dict[str, Any]] = {}
    for name in wanted:
        rec = recipient_record(source, name, app=app)
        out[name] = {k: _cell(k, rec.get(k)) for k in KINDS}
    return out


def caption(sel: Selection) -> str | None:
    """The one caption a report gives its record columns: why they are empty, when they are."""
    return NOT_IN_GRAPH if sel.registry is None else None


def empty(sel: Selection) -> str:
    """What an empty record cell reads: "not stated" from a registry; from a graph, a dash."""
    return NOT_STATED if sel.registry is not None else "—"


def lines_text(cell: dict[str, Any]) -> str:
    """``line 892`` / ``lines 12, 40`` for a cell (its deciding statements), or ``""``."""
    lines = [str(n) for n in cell.get("lines") or [] if n]
    if not lines:
        return ""
    return f"line{'s' if len(lines) > 1 else ''} {', '.join(lines[:4])}{', …' if len(lines) > 4 else ''}"


def flat(cell: dict[str, Any] | None, none: str = NOT_STATED) -> str:
    """A cell as one line of text: the value in words, ``(low)`` where low, its lines."""
    if cell is None:
        return none
    text = cell["text"] + (" (low)" if cell["low"] else "")
    where = lines_text(cell)
    return f"{text} [{where}]" if where else text
