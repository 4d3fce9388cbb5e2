"""Every `sharegraph …` command shown in README.md and docs/*.md is a command the CLI accepts.

Each command line of a fenced block is parsed by the CLI's own parser (click): a renamed
option, a command that no longer exists or a wrong number of arguments fails here. Those that
need nothing but the repository (the bundled seed, files under data/) are also run, and must
exit 0 or 1 (1: a question whose answer is "changed" or "findings", never a usage error).
"""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command

import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(?!text)[^\n]*\n(.*?)^```", re.M | re.S)  # a ```text block is a synopsis
_PROMPT = re.compile(r"^(?:\$ )?(?:\.venv/bin/)?sharegraph\s")


def _command_lines() -> list[tuple[str, int, str]]:
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            start = text.count("\n", 0, m.start(1)) + 1
            lines = m.group(1).split("\n")
            i = 0
            while i < len(lines):
                line, no = lines[i].strip(), start + i
                while line.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    line = line[:-1] + " " + lines[i].strip()
                if _PROMPT.match(line):
                    out.append((doc.name, no, line))
                i += 1
    return out


def _argv(line: str) -> list[str]:
    """The words of the command before any pipe, redirection, ``&&`` or ``;``; comments dropped."""
    lex = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
    lex.whitespace_split = True
    lex.commenters = "#"
    words = []
    for w in lex:
        if w and set(w) <= set("|&;<>"):
            break
        words.append(w)
    if words and words[0] == "$":
        words = words[1:]
    return words[1:]  # without 'sharegraph'


COMMANDS = _command_lines()
# click's exceptions, as typer ships them (typer may vendor click)
UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
Exit = type(typer.Exit())


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 25, len(COMMANDS)


@pytest.mark.parametrize(("doc", "line", "text"), COMMANDS, ids=[f"{d}:{n}" for d, n, _ in COMMANDS])
def test_documented_command_parses(doc, line, text):
    args = _argv(text)
    group = get_command(cli.app)
    cmd, name = group, "sharegraph"
    while hasattr(cmd, "commands") and args and args[0] in cmd.commands:
        name, cmd, args = args[0], cmd.commands[args[0]], args[1:]
    if hasattr(cmd, "commands"):
        assert "--help" in args or "--version" in args or not args, f"{doc}:{line}: unknown command in {text!r}"
        return
    try:
        cmd.make_context(name, list(args), resilient_parsing=False)
    except Exit:
        pass
    except UsageError as e:
        pytest.fail(f"{doc}:{line}: {text!r}: {e.format_message()}")


def _runnable(args: list[str]) -> bool:
    """Needs nothing beyond the repository: no output file, no server, every path present."""
    if not args or args[0] in ("import", "neo4j") or any(a in ("-o", "--output", "--apply") for a in args):
        return False
    if any(a in ("-b", "--backend") and b == "neo4j" for a, b in itertools.pairwise(args)):
        return False
    for a in args:
        if ("/" in a or a.endswith((".txt", ".json", ".db", ".yaml", ".md", ".html"))) and not (ROOT / a).exists():
            return False
    return True


RUNNABLE = [(d, n, t) for d, n, t in COMMANDS if _runnable(_argv(t))]


@pytest.mark.parametrize(("doc", "line", "text"), RUNNABLE, ids=[f"{d}:{n}" for d, n, _ in RUNNABLE])
def test_documented_command_runs_on_the_seed(doc, line, text):
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), *_argv(text)], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    assert r.returncode in (0, 1), f"{doc}:{line}: {text!r} exited {r.returncode}: {r.stderr.strip()[:300]}"
    assert "Traceback" not in r.stderr
