"""What a command shows people, as plain data: titled sections of lines or rows, or a tree.

The library decides what a report says and under which titles; the CLI only chooses how to
draw it (a rich table on a terminal, tab-separated lines in a pipe), so a test can reach the
content without a terminal. :class:`Outcome` bundles one command's answer: the ``--json``
document, the sections for people, the lines for stderr and the exit code.
"""

from __future__ import annotations

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
    csv_columns: list[str] | None = None
    """The columns of ``--csv`` when they differ from those shown to people."""

    @property
    def is_table(self) -> bool:
        """Whether the section is rows (drawn as a table) rather than lines."""
        return self.rows is not None

    @property
    def shown_columns(self) -> list[str]:
        """The columns a table shows: those given, else the keys of its first row.

        >>> Section(rows=[{"a": 1, "b": 2}]).shown_columns
        ['a', 'b']
        """
        return list(self.columns or (self.rows[0] if self.rows else []))


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

    def lines(self) -> list[str]:
        """The tree as text, one node a line under guides (the piped form: no line is wrapped).

        >>> t = TreeNode("root"); a = t.add("a"); _ = a.add("a1"); _ = t.add("b")
        >>> for line in t.lines(): print(line)
        root
        ├── a
        │   └── a1
        └── b
        """
        out = [self.label]

        def walk(node: TreeNode, prefix: str) -> None:
            for i, child in enumerate(node.children):
                last = i == len(node.children) - 1
                out.append(prefix + ("└── " if last else "├── ") + child.label)
                walk(child, prefix + ("    " if last else "│   "))

        walk(self, "")
        return out


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


def table(rows: list[dict[str, Any]], columns: list[str] | None = None, title: str | None = None, *,
          exit_code: int = 0, notes: list[str] | None = None) -> Outcome:
    """An answer that is one table: the rows are also the ``--json`` document.

    >>> table([{"a": 1}], title="t").sections[0].shown_columns
    ['a']
    """
    return Outcome(rows, [Section(title, rows=rows, columns=columns)], notes=notes or [], exit_code=exit_code)


def mapping_sections(report: dict[str, Any], summary: str = "summary") -> list[Section]:
    """A flat report (impact, breach): first its single values as ``key: value`` lines under
    ``summary``, then in key order each list of records, and each mapping as key/value rows,
    as a table titled by its key.

    An empty value (no SDKs, nothing resolved) is ``none``, never a blank or ``{}``.

    >>> [(s.title, s.lines, s.rows) for s in mapping_sections({"a": 1, "t": [{"x": 1}], "b": [], "c": {}})]
    [('summary', ['a: 1', 'b: none', 'c: none'], None), ('t', [], [{'x': 1}])]
    >>> mapping_sections({"change": {"line": 3}})[0].rows
    [{'key': 'line', 'value': 3}]
    """
    lines: list[str] = []
    tables: list[Section] = []
    for k, v in report.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            tables.append(Section(k, rows=v))
        elif isinstance(v, dict) and v:
            tables.append(Section(k, rows=[{"key": x, "value": y} for x, y in v.items()]))
        else:
            lines.append(f"{k}: {cell(v) if v or v in (0, False) else 'none'}")
    return ([Section(summary, lines)] if lines else []) + tables


def one_table(sections: list[Section]) -> Section:
    """Several sections as ONE table, the piped form of a report: a ``section`` column (each
    section's title), then every table's columns in order of first appearance, then ``text`` for
    the lines of text sections, one row per line (a text section without lines still gets a row:
    its title may be all it says). A cell a section does not have is left out of its rows.

    >>> t = one_table([Section("a", ["x"]), Section("b", rows=[{"n": 1}])])
    >>> t.columns, t.rows
    (['section', 'n', 'text'], [{'section': 'a', 'text': 'x'}, {'section': 'b', 'n': 1}])
    """
    columns = ["section"]
    for s in sections:
        columns += [c for c in s.shown_columns if c not in columns] if s.is_table else []
    has_text = any(not s.is_table for s in sections)
    rows: list[dict[str, Any]] = []
    for s in sections:
        title = s.title or ""
        if s.is_table:
            rows += [{"section": title, **{c: r[c] for c in s.shown_columns if c in r}} for r in s.rows or []]
        else:
            rows += [{"section": title, "text": line} for line in s.lines or [""]]
    return Section(rows=rows, columns=columns + (["text"] if has_text else []))
