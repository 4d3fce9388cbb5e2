"""The audit's precision, from a hand review of every finding on a whole policy.

    .venv/bin/python -m bench.audit_review seed            # per-rule table (Markdown)
    .venv/bin/python -m bench.audit_review vivo_browser    # the corpus policy
    .venv/bin/python -m bench.audit_review seed --template # review lines for new findings

A review file (``tests/fixtures/audit/<name>_review.yaml``) holds one verdict per finding,
written by reading the finding against the policy text: ``ok: true`` when a PIPL compliance
reviewer would sign it as stated (level included), ``ok: false`` with the reason (``why``) otherwise.
Findings are keyed by :func:`finding_key` (rule, what it is about, first line quoted), so a
verdict stays with its finding while others come and go. ``tests/test_audit.py`` asserts
the targets on these figures (errors and warnings ≥ 95 % true, notes ≥ 90 %, no error
false, few findings left unreviewed); ``docs/audit.md`` prints the tables.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REVIEWS = ROOT / "tests" / "fixtures" / "audit"
LOUD = ("error", "warning")


def finding_key(f: Any) -> str:
    """Rule and level, what the finding is about (lists left out) and the first line quoted.

    >>> from lineage.audit import Finding
    >>> finding_key(Finding.make("SG105", "warning", about={"app": "a", "scenario": "x"}, reason="r", clause=""))
    'SG105:warning|scenario=x|L0'
    """
    parts = [f"{k}={v}" for k, v in f.about if k != "app" and not isinstance(v, tuple)]
    return "|".join([f"{f.rule}:{f.level}", *parts, f"L{f.line}"])


def document(name: str) -> Path:
    """The policy a review is of: the seed, or a corpus document by its folder name."""
    if name == "seed":
        from registry import SEED_PATH

        return SEED_PATH
    from bench.accuracy import corpus_dir

    folder = corpus_dir() / name
    return next(folder.glob("source.*"))


def audit_document(name: str) -> list[Any]:
    """The audit of a policy as imported from its file (the seed: the bundled registry)."""
    from lineage.audit import audit
    from registry import Registry, import_document, open_registry

    if name == "seed":
        return audit(open_registry())
    policy, _ = import_document(document(name))
    reg = Registry()
    reg.add(policy)
    return audit(reg)


@dataclass
class RuleRow:
    rule: str
    levels: Counter[str] = field(default_factory=Counter)
    true: int = 0
    false: int = 0
    unreviewed: int = 0
    why: list[str] = field(default_factory=list)


@dataclass
class Review:
    name: str
    rows: dict[str, RuleRow]
    verdicts: dict[str, tuple[bool, str]]
    unreviewed: list[Any]
    false_errors: list[str]

    def precision(self, levels: tuple[str, ...]) -> tuple[int, int]:
        """(true, reviewed) over the findings of these levels."""
        t = r = 0
        for f in self.findings:
            if f.level not in levels:
                continue
            v = self.verdicts.get(finding_key(f))
            if v is None:
                continue
            r += 1
            t += v[0]
        return t, r

    findings: list[Any] = field(default_factory=list)


def load_verdicts(name: str) -> tuple[dict[str, tuple[bool, str]], dict[str, str]]:
    """The verdicts of a review file, by finding key, and the review's note on each rule."""
    data = yaml.safe_load((REVIEWS / f"{name}_review.yaml").read_text(encoding="utf-8"))
    verdicts = {str(e["id"]): (bool(e["ok"]), str(e.get("why", ""))) for e in data["findings"]}
    return verdicts, {str(k): str(v) for k, v in (data.get("rules") or {}).items()}


def review(name: str) -> tuple[Review, dict[str, str]]:
    """The audit of ``name`` against its review file."""
    verdicts, notes = load_verdicts(name)
    findings = audit_document(name)
    rows: dict[str, RuleRow] = {}
    unreviewed, false_errors = [], []
    for f in findings:
        row = rows.setdefault(f.rule, RuleRow(f.rule))
        row.levels[f.level] += 1
        v = verdicts.get(finding_key(f))
        if v is None:
            row.unreviewed += 1
            unreviewed.append(f)
        elif v[0]:
            row.true += 1
        else:
            row.false += 1
            row.why.append(v[1])
            if f.level == "error":
                false_errors.append(finding_key(f))
    return Review(name, dict(sorted(rows.items())), verdicts, unreviewed, false_errors, findings), notes


def table(r: Review, notes: dict[str, str]) -> str:
    """The per-rule table in Markdown, and the totals."""
    out = ["| rule | findings (E/W/N) | judged true | notes of the review |", "|---|---|---|---|"]
    for row in r.rows.values():
        lv = "/".join(str(row.levels.get(x, 0)) for x in ("error", "warning", "note"))
        judged = f"{row.true} of {row.true + row.false}" + (f" ({row.unreviewed} unreviewed)" if row.unreviewed else "")
        out.append(f"| {row.rule} | {lv} | {judged} | {notes.get(row.rule, '')} |")
    t, n = r.precision(LOUD)
    tn, nn = r.precision(("note",))
    out.append("")
    out.append(f"Errors and warnings: **{t} of {n} true ({100 * t / max(n, 1):.1f} %)**; notes: "
               f"**{tn} of {nn} true ({100 * tn / max(nn, 1):.1f} %)**; errors judged false: "
               f"{len(r.false_errors)}; unreviewed: {len(r.unreviewed)}.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Print the table of a review (or review lines to paste for its new findings)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("name", help="seed, or a corpus folder (vivo_browser)")
    ap.add_argument("--template", action="store_true", help="print review entries for unreviewed findings")
    args = ap.parse_args(argv)
    r, notes = review(args.name)
    if args.template:
        for f in r.unreviewed:
            print(f"  - {{id: {json.dumps(finding_key(f), ensure_ascii=False)}, ok: ?, why: ''}}"
                  f"  # {f.level}: {f.reason[:100]}")
        return 0
    print(table(r, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
