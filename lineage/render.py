"""Draw an :class:`~registry.sections.Outcome`: the three generic renderers of the CLI.

What a report says is decided by the library (``lineage.reports``, ``registry.import_run``);
this module only decides how it looks, the same way for every command:

- ``--json``: the outcome's data, every key of every row; ``--csv``: its first table, every
  cell neutralized against formula injection.
- On a terminal: each table a rich table under its title, text sections under an ``== title``
  line, a tree as a rich tree; notes on stderr.
- Piped (stdout not a terminal): one table is tab-separated lines, a header line first. A
  report of several sections with a table among them is ONE such table whose first column,
  ``section``, names the section of each row (:func:`registry.sections.one_table`): no row loses
  its title to ``grep`` or ``cut``. A report of text alone stays text, its titles as
  ``== title`` lines; a tree is printed as indented lines, never wrapped.

Errors of the outcome go to stderr as ``error: …`` lines; :func:`show` returns the exit code
and leaves exiting to the caller. rich is imported only when drawing for a terminal.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from registry.errors import SharegraphError
from registry.sections import Outcome, Section, TreeNode, cell, one_table

FORMATS = ("json", "csv")
"""The machine-readable output formats; ``None`` draws for people."""


def answer(compute: Callable[[], Outcome], fmt: str | None = None) -> int:
    """Compute an outcome and :func:`show` it; a library error is one ``error: …`` line on
    stderr. Returns the exit code (a closed pipe, as ``| head`` closes it, is not an error)."""
    try:
        return show(compute(), fmt)
    except SharegraphError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        return 0


def usage_line(message: str, command_path: str | None = None) -> str:
    """A usage error as the one line every error is (click prints three, ``Error:`` last).

    >>> usage_line("Missing argument 'FIELD'.", "sharegraph who-receives")
    "error: Missing argument 'FIELD' (see 'sharegraph who-receives --help')"
    """
    msg = " ".join(message.split()).rstrip(".")  # click lists choices on lines of their own
    return f"error: {msg}" + (f" (see '{command_path} --help')" if command_path else "")


def show(out: Outcome, fmt: str | None = None) -> int:
    """Print ``out`` as ``fmt`` (``json``, ``csv``, or ``None`` for people) with its notes and
    errors on stderr; return its exit code."""
    if out.to_stderr:  # stdout holds the file the command wrote
        with contextlib.redirect_stdout(sys.stderr):
            return show(replace(out, to_stderr=False), fmt)
    for note in out.notes if fmt is None else []:
        print(note, file=sys.stderr)
    if fmt == "json":
        sys.stdout.write(json.dumps(out.data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    elif fmt == "csv":
        write_csv(next((s for s in out.sections if s.is_table), Section(rows=[])))
    elif out.tree is not None:
        draw_tree(out.tree)
    else:
        draw_sections(out.sections)
    for e in out.errors:  # one line each on stderr, like any other error
        print(f"error: {e}", file=sys.stderr)
    return out.exit_code


def write_csv(section: Section) -> None:
    """A table as CSV on stdout, a header row first; cells neutralized (lineage.export_safety)."""
    from lineage.export_safety import neutralize

    cols = section.csv_columns or section.shown_columns
    w = csv.writer(sys.stdout)
    w.writerow(cols)
    for r in section.rows or []:
        w.writerow([neutralize(cell(r.get(c))) for c in cols])


def draw_sections(sections: list[Section]) -> None:
    """Sections for people on a terminal, or in their piped form (see the module's docstring)."""
    if not sys.stdout.isatty():
        tables = [s for s in sections if s.is_table]
        if len(sections) == 1 and tables:
            write_tsv(tables[0])
            return
        if tables:
            write_tsv(one_table(sections))
            return
    for i, sec in enumerate(sections):
        if i:
            sys.stdout.write("\n")
        if sec.is_table:
            _rich_table(sec)
            continue
        text = ([f"== {sec.title}"] if sec.title else []) + sec.lines
        sys.stdout.write("".join(line + "\n" for line in text))


def write_tsv(section: Section) -> None:
    """A table as tab-separated lines, a header line first (like ``gh``): for grep, cut and awk."""

    def clean(v: Any) -> str:  # (a tab inside a cell; line breaks are spaced out line by line, below)
        return (v if type(v) is str else cell(v)).replace("\t", " ")

    cols = section.shown_columns
    lines = ["\t".join(cols), *("\t".join([clean(r.get(c)) for c in cols]).replace("\r", " ").replace("\n", " ")
                                for r in section.rows or [])]
    sys.stdout.write("\n".join(lines) + "\n")


def _rich_table(sec: Section) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(sec.title) if sec.title else None, highlight=False)
    cols = sec.shown_columns
    for c in cols:  # 'implied_via' headed 'implied via': a narrow column wraps at the space
        table.add_column(escape(c.replace("_", " ")), overflow="fold")
    for r in sec.rows or []:
        table.add_row(*(escape(cell(r.get(c))) for c in cols))
    console = Console()
    console.print(table)
    if not sec.rows:
        console.print("(no rows)")


def draw_tree(root: TreeNode) -> None:
    """A tree report (``lineage``): a rich tree on a terminal, guided lines when piped."""
    if not sys.stdout.isatty():
        sys.stdout.write("".join(line + "\n" for line in root.lines()))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    def build(node: TreeNode, into: Tree) -> None:
        for child in node.children:
            build(child, into.add(escape(child.label)))

    tree = Tree(escape(root.label))
    build(root, tree)
    Console().print(tree)
