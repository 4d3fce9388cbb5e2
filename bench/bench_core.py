"""Core benchmarks: import, CLI start-up, and questions on a 1,000-app synthetic registry.

Not tests: nothing here asserts a time. It prints a table per benchmark and
rewrites its section of ``docs/benchmarks.md`` (between ``<!-- bench:NAME -->``
markers), keeping the other sections.

The machine is shared and noisy: every figure is a median of repeated runs,
and where two things are compared they run interleaved, run by run, in one go.

    .venv/bin/python -m bench.bench_core                    # everything (~5 min)
    .venv/bin/python -m bench.bench_core --only seed,cli    # the quick ones
    .venv/bin/python -m bench.bench_core --only synth --apps 200 --flows 200000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PY = ROOT / ".venv" / "bin" / "python"
SECTIONS = ("seed", "cli", "synth")
TARGETS = {"cli_ratio": 1.5, "who_ms": 10.0, "rba_ms": 500.0, "bytes_per_flow": 600.0}


# -- helpers -----------------------------------------------------------------------------------

def _python() -> str:
    return str(PY) if PY.exists() else sys.executable


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))]


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table (also readable as printed)."""
    cells = [[str(c) for c in r] for r in rows]
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(out)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    import networkx

    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "networkx": networkx.__version__,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
    }


# -- 1. importing the seed ---------------------------------------------------------------------

def bench_seed(reps: int) -> tuple[str, dict[str, Any]]:
    import registry
    from registry import SEED_PATH, import_document, open_registry

    t_first = timed(lambda: import_document(SEED_PATH))  # loads the vocabulary too
    imp: list[float] = []
    load: list[float] = []
    for _ in range(reps):   # side by side: the import, and reading the shipped registry file
        imp.append(timed(lambda: import_document(SEED_PATH)))
        load.append(timed(lambda: open_registry()))
    policy, _ = import_document(SEED_PATH)
    fig = {"first_ms": t_first * 1e3, "import_ms": median(imp) * 1e3, "import_min_ms": min(imp) * 1e3,
           "load_ms": median(load) * 1e3, "flows": len(policy.flows)}
    text = "\n".join([
        "## Importing the seed policy in-process",
        "",
        f"`registry.import_document(registry.SEED_PATH)` ({registry.SEED_PATH.name}, {fig['flows']} flows), "
        f"{reps} runs after one warm-up, interleaved with reading the shipped registry file "
        "(`registry.open_registry()`) for scale.",
        "",
        table(["what", "median ms", "min ms"], [
            ["import_document(seed)", f"{fig['import_ms']:.1f}", f"{fig['import_min_ms']:.1f}"],
            ["open_registry() (the seed as a registry file)", f"{fig['load_ms']:.1f}", f"{min(load) * 1e3:.1f}"],
            ["first import in the process (loads the vocabulary)", f"{fig['first_ms']:.1f}", ""],
        ]),
        "",
        f"Import / file load: {fig['import_ms'] / fig['load_ms']:.1f}×.",
    ])
    return text, fig


# -- 2. CLI start-up ---------------------------------------------------------------------------

def _cli_cmd() -> tuple[list[str], str]:
    exe = ROOT / ".venv" / "bin" / "sharegraph"
    if exe.exists():
        return [str(exe), "who-receives", "身份证号"], ".venv/bin/sharegraph who-receives 身份证号"
    return [_python(), "cli.py", "who-receives", "身份证号"], ".venv/bin/python cli.py who-receives 身份证号"


def _run(cmd: list[str]) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[-500:]}")
    return dt


def import_costs() -> tuple[list[tuple[str, float]], dict[str, float | None]]:
    """Top-level imports of the CLI by cumulative time (ms), and a few packages we watch."""
    p = subprocess.run([_python(), "-X", "importtime", "cli.py", "who-receives", "身份证号"], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    top: list[tuple[str, float]] = []
    cum: dict[str, float] = {}
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        name, us, indent = m.group(4), int(m.group(2)), len(m.group(3))
        cum.setdefault(name, us / 1e3)
        if indent <= 1:
            top.append((name, us / 1e3))
    top.sort(key=lambda x: -x[1])
    watched = {k: cum.get(k) for k in ("networkx", "typer", "yaml", "rapidfuzz", "rich", "pandas", "neo4j")}
    return top, watched


def bench_cli(reps: int) -> tuple[str, dict[str, Any]]:
    cli, cli_label = _cli_cmd()
    base = [_python(), "-c", "import typer, networkx"]
    empty = [_python(), "-c", "pass"]
    for c in (cli, base, empty):   # warm the page cache; not counted
        _run(c)
    t_cli: list[float] = []
    t_base: list[float] = []
    t_empty: list[float] = []
    for _ in range(reps):  # interleaved, run by run
        t_cli.append(_run(cli))
        t_base.append(_run(base))
        t_empty.append(_run(empty))
    ratios = [a / b for a, b in zip(t_cli, t_base, strict=True)]
    fig = {"cli_ms": median(t_cli) * 1e3, "base_ms": median(t_base) * 1e3, "empty_ms": median(t_empty) * 1e3,
           "ratio": median(t_cli) / median(t_base), "ratio_of_runs": median(ratios)}
    top, watched = import_costs()
    ok = fig["ratio"] <= TARGETS["cli_ratio"]
    lines = [
        "## CLI start-up: `who-receives` as a whole process",
        "",
        f"`{cli_label}` (output to /dev/null) against `python -c \"import typer, networkx\"`, "
        f"the floor any typer + networkx CLI pays; {reps} runs each, interleaved run by run, "
        "after one warm-up run of each.",
        "",
        table(["command", "median ms", "min ms", "max ms"], [
            [cli_label, f"{fig['cli_ms']:.0f}", f"{min(t_cli) * 1e3:.0f}", f"{max(t_cli) * 1e3:.0f}"],
            ["python -c \"import typer, networkx\"", f"{fig['base_ms']:.0f}", f"{min(t_base) * 1e3:.0f}",
             f"{max(t_base) * 1e3:.0f}"],
            ["python -c pass (interpreter alone)", f"{fig['empty_ms']:.0f}", f"{min(t_empty) * 1e3:.0f}",
             f"{max(t_empty) * 1e3:.0f}"],
        ]),
        "",
        f"Ratio of medians: **{fig['ratio']:.2f}×** (median of per-run ratios {fig['ratio_of_runs']:.2f}×); "
        f"target ≤ {TARGETS['cli_ratio']}×: {verdict(ok)}.",
        "",
        "Where the time goes (`python -X importtime cli.py who-receives 身份证号`, one run, "
        "cumulative ms of the top-level imports):",
        "",
        table(["module", "cumulative ms"], [[n, f"{ms:.1f}"] for n, ms in top[:8]]),
        "",
        "Watched packages: " + ", ".join(
            f"{k} {'not imported' if v is None else f'{v:.1f} ms'}" for k, v in watched.items()) + ".",
    ]
    fig["watched"] = watched
    return "\n".join(lines), fig


# -- 3. the synthetic registry -----------------------------------------------------------------

def _vmrss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) * 1024
    return 0


def _vmhwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) * 1024
    return 0


def _trim() -> None:
    """Collect garbage and hand freed heap back to the OS, so RSS shows what is live."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def child_queries(path: str, pairs: int, seed: int) -> dict[str, Any]:
    """In a fresh process: load + build once (time, RSS), then the questions."""
    from lineage.exposure import recipients_by_apps, who_receives
    from lineage.graph import build_graph
    from registry.store import load_registry
    from registry.vocabulary import load_vocabulary

    load_vocabulary()
    _trim()
    r0 = _vmrss()
    t0 = time.perf_counter()
    reg = load_registry(path)
    t1 = time.perf_counter()
    _trim()
    r1 = _vmrss()
    t2 = time.perf_counter()
    G = build_graph(reg)
    t3 = time.perf_counter()
    _trim()
    r2 = _vmrss()
    flows = sum(len(p.flows) for p in reg.policies.values())

    # the fields, most connected first; half the questions ask a popular one
    degree = sorted(((sum(1 for _ in G.successors(n)), d["name"]) for n, d in G.nodes(data=True)
                     if d["kind"] == "field"), reverse=True)
    asked = [name for deg, name in degree if deg > 0]
    popular = asked[:20]
    rng = random.Random(seed)
    apps = reg.apps
    qs = [(rng.choice(popular) if i % 2 == 0 else rng.choice(asked), rng.choice(apps), i % 2 == 0)
          for i in range(pairs)]
    who_receives(G, qs[0][0], app=qs[0][1])  # warm
    lat, lat_pop, rows = [], [], []
    for f, a, pop in qs:
        t = time.perf_counter()
        out = who_receives(G, f, app=a)
        dt = time.perf_counter() - t
        lat.append(dt)
        if pop:
            lat_pop.append(dt)
        rows.append(len(out))
    tail = asked[20:] or asked
    rba_fields = popular[:5] + rng.sample(tail, min(5, len(tail)))
    rba: list[float] = []
    rba_pop: list[float] = []
    for _ in range(3):
        for f in rba_fields:
            dt = timed(lambda f=f: recipients_by_apps(G, f))
            rba.append(dt)
            if f in popular[:5]:
                rba_pop.append(dt)
    all_apps = [timed(lambda f=f: who_receives(G, f)) for f in popular[:5]]
    return {
        "apps": len(apps), "flows": flows, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
        "load_s": t1 - t0, "build_s": t3 - t2,
        "rss_registry": r1 - r0, "rss_graph": r2 - r1, "rss_total": r2 - r0, "rss_peak": _vmhwm(),
        "who_ms": [x * 1e3 for x in lat], "who_pop_ms": [x * 1e3 for x in lat_pop],
        "who_rows_median": median(rows),
        "rba_ms": [x * 1e3 for x in rba], "rba_pop_ms": [x * 1e3 for x in rba_pop],
        "who_all_apps_ms": [x * 1e3 for x in all_apps],
        "popular": popular[:5],
    }


def child_tracemalloc(path: str) -> dict[str, Any]:
    """In a fresh process: bytes held by the loaded registry and by the graph (tracemalloc)."""
    import tracemalloc

    from lineage.graph import build_graph
    from registry.store import load_registry
    from registry.vocabulary import load_vocabulary

    load_vocabulary()
    gc.collect()
    tracemalloc.start()
    b0 = tracemalloc.get_traced_memory()[0]
    reg = load_registry(path)
    gc.collect()
    b1 = tracemalloc.get_traced_memory()[0]
    G = build_graph(reg)
    gc.collect()
    b2, peak = tracemalloc.get_traced_memory()
    flows = sum(len(p.flows) for p in reg.policies.values())
    del G
    return {"flows": flows, "registry": b1 - b0, "graph": b2 - b1, "total": b2 - b0, "peak": peak - b0}


def _child(kind: str, path: str, *extra: str) -> dict[str, Any]:
    p = subprocess.run([_python(), "-m", "bench.bench_core", f"--child-{kind}", path, *extra], cwd=ROOT,
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"benchmark child {kind} failed:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def bench_synth(apps: int, flows: int, seed: int, pairs: int, keep: Path | None,
                use_tracemalloc: bool) -> tuple[str, dict[str, Any]]:
    from bench.synth import count_flows, synth_registry
    from registry.store import save_registry

    folder = keep or Path(tempfile.mkdtemp(prefix="sharegraph-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"synth-{apps}-{flows}-{seed}.json"
    gen_s = save_s = None
    if not path.exists():
        t = time.perf_counter()
        reg = synth_registry(apps, flows, seed)
        gen_s = time.perf_counter() - t
        n = count_flows(reg)
        t = time.perf_counter()
        save_registry(reg, path)
        save_s = time.perf_counter() - t
        del reg
        gc.collect()
    else:
        n = None
    size = path.stat().st_size
    q = _child("queries", str(path), str(pairs), str(seed))
    m = _child("tracemalloc", str(path)) if use_tracemalloc else None
    if keep is None:
        path.unlink()
        folder.rmdir()
    nf = q["flows"]
    fig = {
        "apps": q["apps"], "flows": nf, "generated_flows": n, "gen_s": gen_s, "save_s": save_s,
        "file_mb": size / 2**20, "load_s": q["load_s"], "build_s": q["build_s"],
        "nodes": q["nodes"], "edges": q["edges"],
        "who_median_ms": median(q["who_ms"]), "who_p90_ms": pct(q["who_ms"], 0.9), "who_max_ms": max(q["who_ms"]),
        "who_pop_median_ms": median(q["who_pop_ms"]),
        "rba_median_ms": median(q["rba_ms"]), "rba_max_ms": max(q["rba_ms"]),
        "rba_pop_median_ms": median(q["rba_pop_ms"]),
        "who_all_apps_median_ms": median(q["who_all_apps_ms"]),
        "rss_total_bpf": q["rss_total"] / nf, "rss_registry_bpf": q["rss_registry"] / nf,
        "rss_graph_bpf": q["rss_graph"] / nf, "rss_peak_mb": q["rss_peak"] / 2**20,
    }
    if m:
        fig.update({"tm_registry_bpf": m["registry"] / nf, "tm_graph_bpf": m["graph"] / nf,
                    "tm_total_bpf": m["total"] / nf, "tm_peak_mb": m["peak"] / 2**20})
    gen = (f"generated in {gen_s:.1f} s ({n:,} flows), written in {save_s:.1f} s"
           if gen_s is not None else "reused from --keep")
    rows = [
        ["load the registry file (`load_registry`)", f"{fig['load_s']:.1f} s", ""],
        ["build the graph (`build_graph`)", f"{fig['build_s']:.1f} s",
         f"{fig['nodes']:,} nodes, {fig['edges']:,} edges"],
        [f"`who_receives(G, field, app=one)`, {pairs} (field, app) pairs: median",
         f"{fig['who_median_ms']:.2f} ms",
         f"p90 {fig['who_p90_ms']:.2f}, max {fig['who_max_ms']:.2f} ms; popular fields only: median "
         f"{fig['who_pop_median_ms']:.2f} ms; target < {TARGETS['who_ms']:.0f} ms: "
         f"{verdict(fig['who_median_ms'] < TARGETS['who_ms'])}"],
        [f"`recipients_by_apps(G, field)` (cross-app), {len(q['rba_ms'])} runs: median",
         f"{fig['rba_median_ms']:.0f} ms",
         f"max {fig['rba_max_ms']:.0f} ms; the 5 most shared fields: median {fig['rba_pop_median_ms']:.0f} ms; "
         f"target < {TARGETS['rba_ms']:.0f} ms: {verdict(fig['rba_median_ms'] < TARGETS['rba_ms'])}"],
        ["`who_receives(G, field)` across all apps, the 5 most shared fields: median",
         f"{fig['who_all_apps_median_ms']:.0f} ms", "for scale; no target"],
    ]
    mem_rows = []
    if m:
        mem_rows += [
            ["graph only (tracemalloc)", f"{fig['tm_graph_bpf']:.0f}",
             f"target < {TARGETS['bytes_per_flow']:.0f}: {verdict(fig['tm_graph_bpf'] < TARGETS['bytes_per_flow'])}"],
            ["registry only (tracemalloc)", f"{fig['tm_registry_bpf']:.0f}", ""],
            ["registry + graph (tracemalloc)", f"{fig['tm_total_bpf']:.0f}",
             f"{verdict(fig['tm_total_bpf'] < TARGETS['bytes_per_flow'])} if the registry counts too"],
        ]
    mem_rows += [
        ["registry + graph (RSS delta, VmRSS)", f"{fig['rss_total_bpf']:.0f}",
         f"peak RSS of the process {fig['rss_peak_mb']:,.0f} MiB (the file's text is held while it is parsed)"],
        ["  of which the load / the build (RSS)", f"{fig['rss_registry_bpf']:.0f} / {fig['rss_graph_bpf']:.0f}",
         "RSS includes the allocator's slack; tracemalloc counts live objects only"],
    ]
    text = "\n".join([
        f"## A synthetic registry: {fig['apps']:,} apps, {nf:,} flows",
        "",
        f"`bench.synth.synth_registry(apps={apps}, flows={flows}, seed={seed})` "
        f"({gen}; {fig['file_mb']:,.0f} MiB on disk). Load, build and questions run in a fresh "
        "process; memory is measured in another, with tracemalloc (bytes of live Python objects) and "
        "as RSS deltas (after gc and malloc_trim).",
        "",
        table(["what", "figure", "notes"], rows),
        "",
        "Memory per flow:",
        "",
        table(["what", "bytes / flow", "notes"], mem_rows),
    ])
    return text, fig


# -- the document ------------------------------------------------------------------------------

def write_doc(sections: dict[str, str], info: dict[str, str], argv: list[str]) -> None:
    header = "\n".join([
        "# Benchmarks",
        "",
        "Written by `bench/bench_core.py`; each section is rewritten by the run that measured it. "
        "Nothing here is a test: no time is asserted anywhere.",
        "",
        "This machine is shared and noisy. Every figure is a median of repeated runs; where two "
        "things are compared they run interleaved, run by run, in one go, and the ratio is what to "
        "quote, not the absolute milliseconds.",
        "",
        "Rerun:",
        "",
        "```",
        ".venv/bin/python -m bench.bench_core                      # all sections (~5 min)",
        ".venv/bin/python -m bench.bench_core --only seed,cli      # seed import and CLI start-up (~30 s)",
        ".venv/bin/python -m bench.bench_core --only synth         # the 1,000-app / 1M-flow registry",
        ".venv/bin/python -m bench.synth --apps 1000 --flows 1000000 -o /tmp/synth.json   # the file alone",
        "```",
        "",
        f"Last run: {info['date']}, commit {info['commit']}, `{' '.join(['bench.bench_core', *argv]).strip()}`.",
        "",
        table(["machine", ""], [
            ["CPUs (nproc)", info["nproc"]], ["CPU model", info["cpu"]], ["memory", info["memory"]],
            ["Python", info["python"]], ["networkx", info["networkx"]],
        ]),
    ])
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    parts = {}
    for name in SECTIONS:
        m = re.search(rf"<!-- bench:{name} -->\n(.*?)\n<!-- /bench:{name} -->", old, re.S)
        if name in sections:
            title, _, rest = sections[name].partition("\n")
            parts[name] = f"{title}\n\n_Measured {info['date']}, commit {info['commit']}._\n{rest}"
        elif m:
            parts[name] = m.group(1)
    for m in re.finditer(r"<!-- bench:([\w-]+) -->\n(.*?)\n<!-- /bench:\1 -->", old, re.S):
        parts.setdefault(m.group(1), m.group(2))  # sections other benchmarks wrote stay
    body = [header]
    for name in [*SECTIONS, *(n for n in parts if n not in SECTIONS)]:
        if name in parts:
            body.append(f"<!-- bench:{name} -->\n{parts[name]}\n<!-- /bench:{name} -->")
    DOC.write_text("\n\n".join(body) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-queries":
        print(json.dumps(child_queries(argv[1], int(argv[2]), int(argv[3]))))
        return 0
    if argv and argv[0] == "--child-tracemalloc":
        print(json.dumps(child_tracemalloc(argv[1])))
        return 0
    ap = argparse.ArgumentParser(prog="python -m bench.bench_core", description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    ap.add_argument("--reps", type=int, default=11, help="repetitions of each timed command (7-15)")
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pairs", type=int, default=400, help="(field, app) pairs asked of who_receives")
    ap.add_argument("--keep", type=Path, default=None,
                    help="folder to keep (and reuse) the synthetic registry file in")
    ap.add_argument("--no-tracemalloc", action="store_true", help="skip the slow tracemalloc pass")
    ap.add_argument("--no-write", action="store_true", help=f"print only; leave {DOC.name} alone")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error(f"unknown section(s): {', '.join(bad)}")
    info = machine()
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}, {info['memory']}; Python {info['python']}")
    sections: dict[str, str] = {}
    figures: dict[str, Any] = {}
    if "seed" in only:
        sections["seed"], figures["seed"] = bench_seed(args.reps)
        print("\n" + sections["seed"])
    if "cli" in only:
        sections["cli"], figures["cli"] = bench_cli(args.reps)
        print("\n" + sections["cli"])
    if "synth" in only:
        sections["synth"], figures["synth"] = bench_synth(args.apps, args.flows, args.seed, args.pairs,
                                                          args.keep, not args.no_tracemalloc)
        print("\n" + sections["synth"])
    if not args.no_write:
        write_doc(sections, info, argv)
        print(f"\nwritten: {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
