"""What a command shows people, as plain data: titled sections of lines or rows, or a tree.

The library decides what a report says and under which titles; the CLI only chooses how to
draw it (a rich table on a terminal, tab-separated lines in a pipe), so a test can reach the
content without a terminal. :class:`Outcome` bundles one command's answer: the ``--json``
document, the sections for people, the lines for stderr and the exit code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """One titled part of a report: either text lines or table rows (with their columns).

    >>> Section("sensitive flows added", rows=[{"field": "姓名"}]).is_table
    True
    """

    title: str | None = None
    lines: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] | None = None
    columns: list[str] | None = None

    @property
    def is_table(self) -> bool:
        """Whether the section is rows (drawn as a table) rather than lines."""
        return self.rows is not None


@dataclass
class TreeNode:
    """A labelled node of a tree report (``lineage``), with its children in order."""

    label: str
    children: list[TreeNode] = field(default_factory=list)

    def add(self, label: str) -> TreeNode:
        """Append a child labelled ``label`` and return it."""
        node = TreeNode(label)
        self.children.append(node)
        return node


@dataclass
class Outcome:
    """One command's answer: ``data`` for ``--json``, ``sections`` (or ``tree``) for people,
    ``notes`` and ``errors`` for stderr (errors printed as ``error: …``), and the exit code.

    Notes are for people: ``--json`` and ``--csv`` leave them out."""

    data: Any
    sections: list[Section] = field(default_factory=list)
    tree: TreeNode | None = None
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0
    to_stderr: bool = False
    """The whole report goes to stderr: stdout holds a file written there (``export -o -``)."""


def cell(v: Any) -> str:
    """A value as one table cell: lists joined by commas, evidence as file:line, booleans yes/no.

    >>> cell(["a", {"file": "p.txt", "line": 3}, True, None])
    'a, p.txt:3, yes, '
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dict) and "line" in v:
        return f"{v.get('file', '')}:{v['line']}"
    if isinstance(v, list | tuple):
        return ", ".join(cell(x) for x in v)
    return str(v)


def mapping_sections(report: dict[str, Any]) -> list[Section]:
    """A flat report (impact, breach) in its key order: each list of records is a table titled
    by its key, the other keys ``key: value`` lines between them.

    >>> [(s.title, s.lines, s.rows) for s in mapping_sections({"a": 1, "t": [{"x": 1}], "b": []})]
    [(None, ['a: 1'], None), ('t', [], [{'x': 1}]), (None, ['b: '], None)]
    """
    out: list[Section] = []
    lines: list[str] = []
    for k, v in report.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            if lines:
                out.append(Section(lines=lines))
                lines = []
            out.append(Section(k, rows=v))
        else:
            lines.append(f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else cell(v)}")
    if lines:
        out.append(Section(lines=lines))
    return out
