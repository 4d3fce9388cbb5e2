"""The Neo4j push of two versions of the code, side by side: interleaved runs, medians.

Each run is a child process started in a worktree of one revision (``git worktree add``), so
that both versions push the same synthetic registry into the same local server under the
same load. A run wipes the database, pushes the registry into it (wall time, the client's and
the server's CPU) and pushes it again unchanged::

    git worktree add /tmp/bench-wt-before 132f467
    git worktree add /tmp/bench-wt-after HEAD
    eval "$(scripts/neo4j-local/run start)"
    .venv/bin/python -m bench.compare_push --wipe /tmp/bench-wt-before /tmp/bench-wt-after \\
        --apps 1000 --flows 1000000 --reps 2

The database ``NEO4J_DATABASE`` is emptied (``--wipe`` says you agree).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CHILD = r"""
import json, sys, time
from bench.bench_neo4j import client_cpu, driver_and_db, server_cpu, synthetic, wipe
from lineage.backends.neo4j.push import push
apps, flows = int(sys.argv[1]), int(sys.argv[2])
reg, _ = synthetic(apps, flows)
driver, db = driver_and_db()
wipe(driver, db)
out = {"load": __import__("os").getloadavg()[0]}
c0, s0, t0 = client_cpu(), server_cpu(), time.perf_counter()
res = push(driver, reg, database=db, progress=False)
out.update(fresh_s=time.perf_counter() - t0, client_cpu_s=client_cpu() - c0, server_cpu_s=server_cpu() - s0,
           flows=res.flows, nodes=res.nodes, relationships=res.relationships, transactions=res.transactions)
c0, s0, t0 = client_cpu(), server_cpu(), time.perf_counter()
again = push(driver, reg, database=db, progress=False)
out.update(again_s=time.perf_counter() - t0, again_client_cpu_s=client_cpu() - c0,
           again_server_cpu_s=server_cpu() - s0, again_unchanged=len(again.unchanged))
driver.close()
print(json.dumps(out))
"""


def run(tree: str, apps: int, flows: int) -> dict[str, Any]:
    """One run in the worktree ``tree`` (a child process: that tree's code, this environment)."""
    env = {**os.environ, "PYTHONPATH": tree}
    p = subprocess.run([sys.executable, "-c", CHILD, str(apps), str(flows)], cwd=tree, env=env,
                       capture_output=True, text=True, check=False)
    if p.returncode:
        raise SystemExit(f"run in {tree} failed: {p.stderr.strip().splitlines()[-1:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trees", nargs="+", help="worktrees, one per revision, in the table's order")
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--wipe", action="store_true", help="agree that NEO4J_DATABASE is emptied")
    ap.add_argument("--out", help="also write the runs as JSON here")
    args = ap.parse_args(argv)
    if not args.wipe:
        raise SystemExit("compare_push: this empties NEO4J_DATABASE; pass --wipe to agree")
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in args.trees}
    for i in range(args.reps):
        order = args.trees if i % 2 == 0 else args.trees[::-1]   # neither always goes first
        for t in order:
            print(f"run {i + 1}/{args.reps}: {t}", file=sys.stderr, flush=True)
            r = run(t, args.apps, args.flows)
            r["rev"] = subprocess.run(["git", "-C", t, "rev-parse", "--short", "HEAD"], capture_output=True,
                                      text=True, check=False).stdout.strip()
            r["at"] = time.strftime("%H:%M UTC", time.gmtime())
            runs[t].append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)
            if args.out:
                Path(args.out).write_text(json.dumps(runs, indent=1))
    print("| code | push into an empty database | flows/s | client CPU | server CPU | the same push again "
          "| load |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for rs in runs.values():
        def med(k: str, rs: list[dict[str, Any]] = rs) -> float:
            return statistics.median(r[k] for r in rs)
        print(f"| {rs[0]['rev']} | {med('fresh_s'):.1f} s | {rs[0]['flows'] / med('fresh_s'):,.0f} "
              f"| {med('client_cpu_s'):.1f} s | {med('server_cpu_s'):.1f} s | {med('again_s'):.1f} s "
              f"| {min(r['load'] for r in rs):.1f}–{max(r['load'] for r in rs):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
