"""Precision and recall of the prose extractor against statements written by hand.

    .venv/bin/python -m bench.prose_eval            # a table
    .venv/bin/python -m bench.prose_eval --json     # for scripts

The expected statements (``tests/fixtures/audit/seed_prose_expected.yaml``) were
written from reading the seed, not from the extractor's output. Two measures:

* statements: an extracted statement is a hit when an expected one has the same
  kind and line and, for share/entrust, a partner that contains the other's
  (after :func:`lineage.audit.prose.normalize_partner`); collect statements of
  one line are paired by the overlap of their data. Each expected statement
  matches at most one extracted statement.
* data items: over all statements, an item (a canonical field, or the text where
  the vocabulary has none) counts as found when it is in the paired statement;
  the items of unpaired statements count as missed (expected) or spurious
  (extracted).

``tests/test_prose_extractor.py`` asserts floors on these figures; the figures
themselves are in docs/audit.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "fixtures" / "audit" / "seed_prose_expected.yaml"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "missed": self.misses, "spurious": self.spurious}


def _items(stmt: Any) -> set[str]:
    return set(stmt.fields) | set(stmt.unresolved)


def _pair(expected: list[dict[str, Any]], extracted: Sequence[Any]) -> list[tuple[int | None, int | None]]:
    from lineage.audit.prose import normalize_partner

    pairs: list[tuple[int | None, int | None]] = []
    used: set[int] = set()
    for i, e in enumerate(expected):
        best, best_score = None, -1.0
        for j, x in enumerate(extracted):
            if j in used or x.kind != e["kind"] or x.line != e["line"]:
                continue
            if e["kind"] != "collect":
                a = normalize_partner(e.get("partner", ""))
                names = {normalize_partner(x.partner), x.partner_kind} - {""}
                if not (a and any(a in b or b in a for b in names)):
                    continue
            got, want = _items(x), set(e.get("data") or [])
            score = len(got & want) / len(got | want) if got | want else 1.0
            if score > best_score:
                best, best_score = j, score
        if best is not None:
            used.add(best)
        pairs.append((i, best))
    pairs.extend((None, j) for j in range(len(extracted)) if j not in used)
    return pairs


def evaluate(text: str | None = None, expected_path: Path = EXPECTED,
             kinds: Sequence[str] = ("collect", "share", "entrust")) -> dict[str, Any]:
    """Scores per kind and overall: statements and data items."""
    from lineage.audit.prose import extract_statements, table_lines
    from registry import SEED_PATH

    text = text if text is not None else SEED_PATH.read_text(encoding="utf-8")
    expected = [e for e in yaml.safe_load(expected_path.read_text(encoding="utf-8"))["statements"]
                if e["kind"] in kinds]
    extracted = [s for s in extract_statements(text, skip_lines=table_lines(text)) if s.kind in kinds]
    out: dict[str, Any] = {}
    for kind in (*kinds, "all"):
        exp = [e for e in expected if kind in ("all", e["kind"])]
        ext = [s for s in extracted if kind in ("all", s.kind)]
        st, it = Score(), Score()
        functions = [0, 0]
        for i, j in _pair(exp, ext):
            e = exp[i] if i is not None else None
            x = ext[j] if j is not None else None
            want = set(e.get("data") or []) if e else set()
            got = _items(x) if x else set()
            if e and x:
                st.tp += 1
                if e.get("function"):
                    functions[0] += x.function == e["function"]
                    functions[1] += 1
            elif e:
                st.fn += 1
                st.misses.append(f"{e['kind']} line {e['line']} {e.get('partner', '')}".strip())
            elif x:
                st.fp += 1
                st.spurious.append(f"{x.kind} line {x.line} {x.partner}".strip())
            it.tp += len(want & got)
            it.fn += len(want - got)
            it.fp += len(got - want)
            where = f"line {(e or {}).get('line') or (x.line if x else 0)}"
            it.misses.extend(f"{where}: {d}" for d in sorted(want - got))
            it.spurious.extend(f"{where}: {d}" for d in sorted(got - want))
        out[kind] = {"statements": st.as_dict(), "items": it.as_dict(),
                     "function_accuracy": round(functions[0] / functions[1], 3) if functions[1] else None,
                     "expected": len(exp), "extracted": len(ext)}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--text", type=Path, help="another policy text (needs its own expected file)")
    ap.add_argument("--expected", type=Path, default=EXPECTED)
    args = ap.parse_args(argv)
    text = args.text.read_text(encoding="utf-8") if args.text else None
    res = evaluate(text, args.expected)
    if args.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"{'kind':8} {'level':10} {'P':>6} {'R':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for kind, r in res.items():
        for level in ("statements", "items"):
            s = r[level]
            print(f"{kind:8} {level:10} {s['precision']:6.3f} {s['recall']:6.3f} {s['tp']:4} {s['fp']:4} {s['fn']:4}")
    for kind, r in res.items():
        if kind == "all":
            continue
        for label, key in (("missed", "missed"), ("spurious", "spurious")):
            for lvl in ("statements", "items"):
                if r[lvl][key]:
                    print(f"{kind} {lvl} {label}: " + "; ".join(r[lvl][key]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
