"""Accuracy on real documents: import each corpus document through the CLI, ask for its facts.

The corpus (``../shared/corpus/`` beside the repository, or ``$SHAREGRAPH_CORPUS``)
holds real disclosure documents of other companies, one folder each, with
``expected.json``: ``facts`` (a data item as written, and the recipient as
written, that the document says receives it) and ``non_facts`` (plausible pairs
the document does not state), written by reading the document.

A fact is found when ``sharegraph who-receives FIELD --registry R --json`` for
the registry imported from the document lists a recipient whose name contains
the expected recipient, or is contained in it (compared after NFKC, case folding
and white-space removal). A non-fact is a false answer when it is listed.

    .venv/bin/python -m bench.accuracy                 # print the table
    .venv/bin/python -m bench.accuracy --write         # and rewrite docs/accuracy.md
    .venv/bin/python -m bench.accuracy --verbose       # every missed fact and false answer

Commands run in-process through the CLI's own entry (``typer.testing.CliRunner``):
the same argument parsing, lookup and JSON output a user gets, without starting
a Python process per question.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "accuracy.md"


def corpus_dir() -> Path:
    """``$SHAREGRAPH_CORPUS``, else ``shared/corpus`` beside the repository."""
    env = os.environ.get("SHAREGRAPH_CORPUS")
    return Path(env) if env else ROOT.parent / "shared" / "corpus"


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class DocResult:
    name: str
    facts: int = 0
    found: int = 0
    non_facts: int = 0
    false: int = 0
    flows: int = 0
    error: str = ""
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.facts if self.facts else 1.0


def _source_of(folder: Path) -> Path:
    found = sorted(p for p in folder.iterdir() if p.name.startswith("source."))
    if not found:
        raise FileNotFoundError(f"{folder}: no source.* file")
    return found[0]


def _run(args: list[str]) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.app, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _listed(field_text: str, registry: Path) -> tuple[list[str], str]:
    code, out, err = _run(["who-receives", field_text, "--registry", str(registry), "--json"])
    if code != 0:
        return [], err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
    rows = json.loads(out)
    names: list[str] = []
    for row in rows:
        for k in ("recipient", "recipient_as_written"):
            if row.get(k):
                names.append(str(row[k]))
    return names, ""


def _matches(expected: str, names: list[str]) -> bool:
    """A listed name contains the expected one, or is contained in it and is a name itself.

    "Is a name" means two letters or CJK characters at least: a stray ``)`` or ``PBC`` split off
    a company's name is contained in many names and must not count as finding one.
    """
    e = _key(expected)
    for n in names:
        k = _key(n)
        if e in k:
            return True
        if k and k in e and len(_WORDY.sub("", k)) >= 2 and k not in _SUFFIXES:
            return True
    return False


_WORDY = re.compile(r"[^\w]|_")
_SUFFIXES = {"inc", "inc.", "llc", "ltd", "ltd.", "pbc", "gmbh", "co.", "corp", "corp.", "limited", "b.v.",
             "s.a.", "plc"}


def measure_document(folder: Path, workdir: Path) -> DocResult:
    """Import one corpus document through the CLI and check its expected facts."""
    res = DocResult(folder.name)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    res.facts = len(expected["facts"])
    res.non_facts = len(expected["non_facts"])
    registry = workdir / f"{folder.name}.json"
    code, _out, err = _run(["import", str(_source_of(folder)), "-o", str(registry)])
    if code != 0:
        res.error = (err.strip().splitlines() or [f"exit {code}"])[-1]
        res.missed = [f"{f['field']} -> {f['recipient']}" for f in expected["facts"]]
        return res
    data = json.loads(registry.read_text(encoding="utf-8"))
    res.flows = sum(len(p.get("flows", [])) for p in data.get("policies", []))
    cache: dict[str, tuple[list[str], str]] = {}
    for fact in expected["facts"]:
        names, why = cache.setdefault(fact["field"], _listed(fact["field"], registry))
        if _matches(fact["recipient"], names):
            res.found += 1
        else:
            res.missed.append(f"{fact['field']} -> {fact['recipient']}" + (f" ({why})" if why else ""))
    for non in expected["non_facts"]:
        names, _ = cache.setdefault(non["field"], _listed(non["field"], registry))
        if _matches(non["recipient"], names):
            res.false += 1
            res.wrong.append(f"{non['field']} -> {non['recipient']}")
    return res


def measure(corpus: Path | None = None) -> list[DocResult]:
    """Every corpus document's result, in folder order."""
    corpus = corpus or corpus_dir()
    folders = sorted(p for p in corpus.iterdir() if (p / "expected.json").is_file())
    if not folders:
        raise FileNotFoundError(f"{corpus}: no document folders with expected.json")
    with tempfile.TemporaryDirectory() as tmp:
        return [measure_document(f, Path(tmp)) for f in folders]


def totals(results: list[DocResult]) -> tuple[int, int, int, int]:
    """(facts, found, non-facts, false answers) over all documents."""
    return (sum(r.facts for r in results), sum(r.found for r in results),
            sum(r.non_facts for r in results), sum(r.false for r in results))


def table(results: list[DocResult]) -> str:
    """The results as a Markdown table, one row per document and a total."""
    lines = ["| document | facts | found | recall | non-facts | false answers | flows | note |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        note = r.error.replace("|", "\\|")[:120] if r.error else ""
        lines.append(f"| {r.name} | {r.facts} | {r.found} | {r.recall:.0%} | {r.non_facts} | "
                     f"{r.false} | {r.flows} | {note} |")
    f, found, n, false = totals(results)
    lines.append(f"| **total** | {f} | {found} | **{found / f:.1%}** | {n} | **{false}** | "
                 f"{sum(r.flows for r in results)} | |")
    return "\n".join(lines)


HELDOUT = ROOT / "bench" / "heldout"
"""Real documents found after the readers were built, kept in the repository (bench/heldout/README.md)."""


def _section(title: str, where: str, results: list[DocResult]) -> str:
    missed = [f"- {r.name}: {m}" for r in results for m in r.missed]
    wrong = [f"- {r.name}: {w}" for r in results for w in r.wrong]
    return (f"## {title}\n\n{where} ({len(results)} documents).\n\n" + table(results)
            + "\n\nFacts not found:\n\n" + ("\n".join(missed) or "None.")
            + "\n\nFalse answers:\n\n" + ("\n".join(wrong) or "None.") + "\n")


def write_doc(sections: list[tuple[str, str, list[DocResult]]]) -> None:
    """docs/accuracy.md: one section per corpus measured."""
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = "?"
    DOC.write_text(
        "# Accuracy on real documents\n\n"
        "Written by `bench/accuracy.py` (`.venv/bin/python -m bench.accuracy --write`). Each document\n"
        "(a real disclosure document of another company, with facts written by reading it) is\n"
        "imported through the CLI; each expected fact is asked with `sharegraph who-receives FIELD\n"
        "--json`. A fact is found when a listed recipient contains the expected one, or is contained\n"
        "in it and is a name itself (two letters at least, not a bare `Inc.`); a non-fact is a false\n"
        "answer when it is listed. `tests/test_accuracy.py` runs the same measurement on both sets\n"
        "and fails if total recall drops below its ratchet or any false answer appears.\n\n"
        f"Commit {commit}.\n\n" + "\n".join(_section(*sec) for sec in sections),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--write", action="store_true", help="rewrite docs/accuracy.md")
    ap.add_argument("--verbose", action="store_true", help="list every missed fact and false answer")
    ns = ap.parse_args(argv)
    corpus = ns.corpus or corpus_dir()
    results = measure(corpus)
    print(table(results))
    if ns.verbose:
        for r in results:
            for m in r.missed:
                print(f"missed  {r.name}: {m}")
            for w in r.wrong:
                print(f"FALSE   {r.name}: {w}")
    if ns.write:
        held = measure(HELDOUT)
        write_doc([
            ("The development corpus", "`../shared/corpus/`: the documents the readers were built on", results),
            ("Held-out documents", "`bench/heldout/`: found and written up after the readers were built, "
             "then used to find classes of failure (each fix general, none naming a document)", held),
        ])
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
