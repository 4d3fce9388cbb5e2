"""Every command has help text and a section in docs/cli.md; the public API is pinned."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

import cli
import lineage
import registry

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands(group, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            out.extend(_commands(cmd, full + " "))
        else:
            out.append((full, cmd))
    return out


def test_every_command_has_help_and_a_docs_section():
    commands = _commands(get_command(cli.app))
    assert len(commands) >= 13
    for name, cmd in commands:
        assert cmd.help and len(cmd.help) > 20, f"{name} has no help text"
        assert f"## `sharegraph {name}`" in DOCS, f"docs/cli.md has no section for {name}"


def test_public_api_is_pinned():
    for mod in (registry, lineage):
        for name in mod.__all__:
            assert getattr(mod, name) is not None, (mod.__name__, name)
    assert {"open_registry", "import_document", "import_into", "load_registry", "save_registry", "Registry",
            "Policy", "Flow", "Evidence", "SharegraphError", "SEED_PATH"} <= set(registry.__all__)
    assert lineage.__all__ == ["NetworkxBackend", "add_partner", "breach", "build_graph", "collected_by",
                               "diff", "exposure", "fields_of", "lineage", "recipients_by_apps",
                               "remove_partner", "sensitive_to_unnamed", "who_receives"]


def test_library_never_exits():
    # the CLI owns exits; a library module importing typer would be a layering slip
    for mod in ("registry.build", "registry.store", "lineage.exposure", "lineage.graph", "lineage.impact"):
        src = Path(__import__(mod, fromlist=["x"]).__file__).read_text(encoding="utf-8")
        assert "import typer" not in src and "sys.exit" not in src, mod
    assert isinstance(cli.app, typer.Typer)
    assert lineage is not None


def test_readme_sample_output_is_what_the_command_prints():
    """The README's who-receives sample (issue 14: "the README's sample output updated from a
    real run"): every line it shows, stderr's and the rows, is a line the command prints now."""
    from typer.testing import CliRunner

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    intro = readme.index("What `sharegraph who-receives 身份证号` prints")
    block = readme[readme.index("```\n", intro) + 4:]
    shown = [line for line in block[: block.index("```")].splitlines() if line != "…"]
    run = CliRunner().invoke(cli.app, ["who-receives", "身份证号"])
    assert run.exit_code == 0
    printed = set(run.stdout.splitlines()) | set(run.stderr.splitlines())
    assert len(shown) >= 6 and [line for line in shown if line not in printed] == []
