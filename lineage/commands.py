"""What every command of ``cli.py`` shares, so that the CLI holds only its commands.

:func:`command` turns a function that returns an :class:`~registry.sections.Outcome` into a
typer command with ``--json`` (and ``--csv``) declared once for all, drawn by
:mod:`lineage.render`; :class:`Group` makes a usage error of any command one ``error: …``
line with exit code 2 instead of click's three-line box; :func:`summary` is a command's
``--help`` line, whole. Only typer is loaded here: a command's own imports wait until it runs.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from registry.sections import Outcome

UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")  # typer's click
"""click's usage error, reached through typer (click is not imported by name)."""

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV rows.")]


@contextlib.contextmanager
def one_line(ctx: Any = None) -> Iterator[None]:
    """A usage error as one ``error: …`` line and exit 2, not click's box (no arguments: help)."""
    try:
        yield
    except UsageError as e:
        if type(e).show is not UsageError.show:  # NoArgsIsHelpError
            raise
        from lineage.render import usage_line

        where = e.ctx or ctx
        typer.echo(usage_line(e.format_message(), where and where.command_path), err=True)
        raise typer.Exit(2) from None


class Group(TyperGroup):
    """The root command: a usage error of any command below it is one line."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """click's, with a usage error as one line."""
        with one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        """click's, with a usage error as one line."""
        with one_line(ctx):
            return super().invoke(ctx)


def print_version(value: bool) -> None:
    """The ``--version`` option's callback: print ``sharegraph VERSION`` and exit."""
    if value:
        from registry import __version__

        typer.echo(f"sharegraph {__version__}")
        raise typer.Exit()


def choice(name: str, *values: str) -> Any:
    """An Enum of strings, which typer shows and checks as a choice.

    >>> choice("Channel", "sharing", "sdk")("sdk").value
    'sdk'
    """
    return Enum(name, {v: v for v in values}, type=str)


def summary(doc: str | None) -> str:
    """A command's ``--help`` line: its docstring's first paragraph, whole (click cuts at ``Art.``).

    >>> summary("Audit the disclosures: Art. 23\\n  completeness.\\n\\nMore.")
    'Audit the disclosures: Art. 23 completeness.'
    """
    return " ".join((doc or "").split("\n\n")[0].split())


def command(group: typer.Typer, name: str, csv: bool = False) -> Callable[[Callable[..., Outcome]], Any]:
    """``fn`` (returning an Outcome) as command ``name`` of ``group``, with ``--json`` (and
    ``--csv``) declared here for all; the outcome drawn, library errors as one line. An
    ``output_format`` parameter of ``fn`` is given json, csv or None."""

    def deco(fn: Callable[..., Outcome]) -> Any:
        sig = inspect.signature(fn, eval_str=True)
        wants_format = "output_format" in sig.parameters

        @functools.wraps(fn)
        def run(*args: Any, as_json: bool = False, as_csv: bool = False, **kwargs: Any) -> None:
            if as_json and as_csv:
                raise UsageError("--json and --csv are two output formats: give one")
            from lineage.render import answer

            fmt = "json" if as_json else "csv" if as_csv else None
            if wants_format:
                kwargs["output_format"] = fmt
            if code := answer(lambda: fn(*args, **kwargs), fmt):
                raise typer.Exit(code)

        formats = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=a)
                   for n, a in (("as_json", JsonOpt), ("as_csv", CsvOpt))[: 1 + csv]]
        params = [p for p in sig.parameters.values() if p.name != "output_format"]
        run.__signature__ = sig.replace(parameters=[*params, *formats])  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}  # type: ignore[attr-defined]
        return group.command(name, short_help=summary(fn.__doc__))(run)

    return deco
