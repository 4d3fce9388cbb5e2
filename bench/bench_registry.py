"""Registry benchmarks: the questions and one import as whole processes, on a 1,000-app / 1M-flow registry.

Not tests: nothing here asserts a time. Issue 12 ("The registry as an embedded
SQLite database") sets the targets; this measures them the way a user meets
them, one ``sharegraph`` process per answer, each run followed by the floor
``python -c "import typer, networkx"`` (same interpreter), run by run, in one
go, so the ratio to the floor is what to quote on this shared, noisy machine.

The registry is made by :mod:`bench.synth` and kept under ``--cache`` (keyed by
the synth arguments), so reruns do not regenerate it; with ``--format db`` (the
default) it is converted once with ``sharegraph import X.json -o X.db`` and the
``.db`` is kept beside it. Peak memory is each child's own ``ru_maxrss``
(``os.wait4``), not that of a process tree. A command that fails is a row that
says so (exit code, the error line of its stderr); the harness goes on.

    .venv/bin/python -m bench.bench_registry                          # the .db, 1,000 apps / 1M flows
    .venv/bin/python -m bench.bench_registry --format json --reps 1   # the JSON file (tens of seconds a command today)
    .venv/bin/python -m bench.bench_registry --apps 50 --flows 50000 --format json   # a quick run
    .venv/bin/python -m bench.bench_registry --write                  # also rewrite docs/benchmarks-registry.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bench_core import ROOT, _python, machine, median, table, verdict

DOC = ROOT / "docs" / "benchmarks-registry.md"
SEED = ROOT / "data" / "seed_policy.txt"
CACHE = Path(tempfile.gettempdir()) / "sharegraph-bench-registry"
SQLITE_MAGIC = b"SQLite format 3\x00"
FLOOR = "python -c \"import typer, networkx\""

PREFERRED_FIELDS = ("身份证号", "身份证号码")   # the question; the second is the vocabulary's name
PREFERRED_APP = "app_0006"
NAMED_KINDS = ("company", "brand")

RATIO_APP = 1.5       # who-receives FIELD --app A: at most this many times the floor
RATIO_PATH = 2.0      # lineage, impact remove-partner: at most this many times the floor
RSS_MB = 200.0        # who-receives --app: peak RSS under this many MB (10^6 bytes)
CROSS_S = 1.0         # cross-app questions: under this many seconds
IMPORT_S = 1.0        # importing one more policy: under this many seconds


# -- running one process -----------------------------------------------------------------------

@dataclass
class Run:
    """One child process: wall time, its own peak RSS, and how it ended."""

    seconds: float
    rss: int
    code: int
    error: str = ""


def _error_line(stderr: str) -> str:
    """The line of a failed command's stderr that says what went wrong.

    The first ``error:`` line if there is one (typer's usage box puts it after
    the usage), the last line of a traceback, else the first non-empty line.

    >>> _error_line("Usage: sharegraph import ...\\n\\nError: No such option: --x\\n")
    'Error: No such option: --x'
    >>> _error_line("Traceback (most recent call last):\\n  File ...\\nValueError: bad\\n")
    'ValueError: bad'
    """
    lines = [ln.strip(" │╭╰─\t") for ln in stderr.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        return ""
    for ln in lines:
        if ln.lower().startswith("error"):
            return ln[:200]
    if lines[0].startswith("Traceback"):
        return lines[-1][:200]
    return lines[0][:200]


CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The environment of every timed process: as an installed sharegraph runs, with its modules'
bytecode cached (the warm-up run writes it; the floor's typer and networkx have theirs). With
PYTHONDONTWRITEBYTECODE set, as in some shells here, each run compiled sharegraph's fifty-odd
modules from source again: a tenth of a second or more that no user pays."""


def run_process(cmd: list[str], timeout: float) -> Run:
    """Run ``cmd`` (output discarded), timing it to its exit and reading its own ``ru_maxrss``.

    The child is waited for without being reaped (``waitid(WNOWAIT)``), so a
    timeout can never signal a reused pid; then ``wait4`` reaps it with its
    rusage (kilobytes on Linux).
    """
    lock = threading.Lock()
    state = {"exited": False, "killed": False}
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                             env=CHILD_ENV)

        def kill() -> None:
            with lock:
                if not state["exited"]:
                    os.kill(p.pid, signal.SIGKILL)
                    state["killed"] = True

        timer = threading.Timer(timeout, kill)
        timer.start()
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        dt = time.perf_counter() - t
        with lock:
            state["exited"] = True
        timer.cancel()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if state["killed"]:
        return Run(dt, rss, code, f"timed out after {timeout:.0f} s")
    return Run(dt, rss, code, (_error_line(stderr) or "nothing on stderr") if code != 0 else "")


def _sharegraph() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "sharegraph"
    return [str(exe)] if exe.exists() else [_python(), str(ROOT / "cli.py")]


# -- the registry ------------------------------------------------------------------------------

@dataclass
class Made:
    """The registry under test and how it was made."""

    json_path: Path
    path: Path | None          # None: it could not be made (see error)
    fmt: str
    synth: str                 # the bench.synth arguments
    json_bytes: int
    bytes: int | None = None
    generated_s: float | None = None
    converted_s: float | None = None
    error: str = ""


def _db_size(path: Path) -> int:
    """Bytes on disk of a registry file, with its SQLite write-ahead log if one is left beside it."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _move_db(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        s = src.with_name(src.name + suffix)
        if s.exists():
            os.replace(s, dst.with_name(dst.name + suffix))


def _remove_db(path: Path) -> None:
    """A registry file, its SQLite sidecars and the import lock (``.<name>.lock``) a killed import may leave."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.with_name(f".{path.name}.lock").unlink(missing_ok=True)


def make_registry(apps: int, flows: int, seed: int, fmt: str, cache: Path, fresh: bool,
                  timeout: float) -> Made:
    """The synthetic registry file (cached), converted to SQLite when ``fmt`` is db."""
    cache.mkdir(parents=True, exist_ok=True)
    stem = f"synth-{apps}-{flows}-{seed}"
    js, db = cache / f"{stem}.json", cache / f"{stem}.db"
    if fresh:
        for p in (js, cache / f"{stem}.pick.json"):
            p.unlink(missing_ok=True)
        _remove_db(db)
    gen_s = None
    if not js.exists():   # bench.synth writes atomically: a killed run leaves no half file
        print(f"generating {js} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        subprocess.run([_python(), "-m", "bench.synth", "--apps", str(apps), "--flows", str(flows),
                        "--seed", str(seed), "-o", str(js)], cwd=ROOT, check=True)
        gen_s = time.perf_counter() - t
    made = Made(js, None, fmt, f"--apps {apps} --flows {flows} --seed {seed}", js.stat().st_size,
                generated_s=gen_s)
    if fmt == "json":
        made.path, made.bytes = js, made.json_bytes
        return made
    code = max(p.stat().st_mtime for p in (ROOT / "registry").rglob("*.py"))
    if db.exists() and db.stat().st_mtime < code:   # made by older code: its schema may be stale
        print(f"{db} is older than registry/: converting again", file=sys.stderr, flush=True)
        _remove_db(db)
    if not db.exists():
        part = cache / f"{stem}.part.db"
        _remove_db(part)
        print(f"converting to {db} ...", file=sys.stderr, flush=True)
        r = run_process([*_sharegraph(), "import", str(js), "-o", str(part), "--no-progress"], timeout)
        made.converted_s = r.seconds
        if r.code != 0:
            _remove_db(part)
            made.error = f"`sharegraph import X.json -o X.db` failed (exit {r.code}): {r.error}"
            return made
        with part.open("rb") as f:
            magic = f.read(len(SQLITE_MAGIC))
        if magic != SQLITE_MAGIC:
            _remove_db(part)
            made.error = "`sharegraph import X.json -o X.db` exited 0 but did not write a SQLite database"
            return made
        _move_db(part, db)
    made.path, made.bytes = db, _db_size(db)
    return made


def pick(json_path: Path) -> dict[str, str]:
    """FIELD, APP and RECIPIENT to ask about, chosen once from the JSON file and cached beside it."""
    sidecar = json_path.with_name(json_path.name.removesuffix(".json") + ".pick.json")
    if sidecar.exists() and sidecar.stat().st_mtime >= json_path.stat().st_mtime:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    # in a child, so the harness does not keep the parsed file's memory
    p = subprocess.run([_python(), "-m", "bench.bench_registry", "--child-pick", str(json_path)], cwd=ROOT,
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"choosing the question from {json_path} failed:\n{p.stderr[-2000:]}")
    sidecar.write_text(p.stdout.strip().splitlines()[-1] + "\n", encoding="utf-8")
    return json.loads(sidecar.read_text(encoding="utf-8"))


def choose(registry_file: dict[str, Any]) -> dict[str, str]:
    """The app (app_0006 if there), its field (身份证号(码) if it shares it, else its most shared), and a
    named recipient of that field in that app (the one with most flows; ties by name).

    >>> reg = {"policies": [{"app": "a", "recipients": [{"name": "X公司", "kind": "company"},
    ...        {"name": "合作方", "kind": "unnamed"}], "flows": [{"field": "姓名", "recipient": "合作方"},
    ...        {"field": "姓名", "recipient": "合作方"}, {"field": "姓名", "recipient": "X公司"}]}]}
    >>> choose(reg)
    {'app': 'a', 'field': '姓名', 'recipient': 'X公司'}
    """
    policies = {p["app"]: p for p in registry_file["policies"] if p.get("flows")}
    if not policies:
        raise SystemExit("the registry holds no flows to ask about")
    app = PREFERRED_APP if PREFERRED_APP in policies else min(policies)
    pol = policies[app]
    fields = Counter(f["field"] for f in pol["flows"])
    fld = next((f for f in PREFERRED_FIELDS if f in fields), None) or min(fields, key=lambda k: (-fields[k], k))
    kinds = {r["name"]: r.get("kind") for r in pol.get("recipients", [])}
    of_field = Counter(f["recipient"] for f in pol["flows"] if f["field"] == fld and f.get("recipient"))
    named = Counter({r: n for r, n in of_field.items() if kinds.get(r) in NAMED_KINDS}) or of_field
    if not named:
        named = Counter(f["recipient"] for f in pol["flows"] if f.get("recipient"))
    rec = min(named, key=lambda k: (-named[k], k))
    return {"app": app, "field": fld, "recipient": rec}


# -- the benchmark -----------------------------------------------------------------------------

@dataclass
class Case:
    """One command under test and its target."""

    label: str
    args: list[str]
    target: str               # "ratio", "seconds", or "none" (measured, no target)
    limit: float
    rss_mb: float | None = None
    copy: bool = False        # runs on a fresh copy of the registry (an import writes to it)
    runs: list[Run] = field(default_factory=list)
    floor: list[Run] = field(default_factory=list)

    @property
    def failed(self) -> Run | None:
        return next((r for r in self.runs if r.code != 0 or r.error), None)


def cases(q: dict[str, str], reg: str, copy: str) -> list[Case]:
    f, a, r = q["field"], q["app"], q["recipient"]
    return [
        Case(f"who-receives {f} --app {a} -r REG", ["who-receives", f, "--app", a, "-r", reg],
             "ratio", RATIO_APP, rss_mb=RSS_MB),
        Case(f"who-receives {f} -r REG", ["who-receives", f, "-r", reg], "seconds", CROSS_S),
        Case(f"top-recipients {f} -r REG", ["top-recipients", f, "-r", reg], "seconds", CROSS_S),
        Case("sensitive-unnamed -r REG", ["sensitive-unnamed", "-r", reg], "seconds", CROSS_S),
        Case(f"lineage {f} --app {a} -r REG", ["lineage", f, "--app", a, "-r", reg], "ratio", RATIO_PATH),
        Case(f"impact remove-partner {r} --app {a} -r REG",
             ["impact", "remove-partner", r, "--app", a, "-r", reg], "ratio", RATIO_PATH),
        Case("import data/seed_policy.txt -o COPY", ["import", str(SEED), "-o", copy, "--no-progress"],
             "seconds", IMPORT_S, copy=True),
        Case("stats -r REG", ["stats", "-r", reg], "none", 0.0),
    ]


def _copy_registry(src: Path, dst: Path) -> None:
    """A byte copy of the registry (and of its write-ahead log, if one is left), not timed, and
    written back to disk before the command runs: otherwise the import's first fsync waits
    0.2-0.5 s for the kernel to write the 400 MB the copy just dirtied, a cost of the copy that
    no user importing into a registry pays."""
    _remove_db(dst)
    shutil.copyfile(src, dst)
    wal = src.with_name(src.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, dst.with_name(dst.name + "-wal"))
    os.sync()


def measure(made: Made, q: dict[str, str], reps: int, warmup: int, timeout: float) -> tuple[list[Case], list[Run]]:
    """Every case ``reps`` times, each run followed by a floor run; the cases interleaved too."""
    assert made.path is not None
    sg, floor_cmd = _sharegraph(), [_python(), "-c", "import typer, networkx"]
    copy = made.path.with_name("copy-" + made.path.name)
    todo = cases(q, str(made.path), str(copy))
    floors: list[Run] = []
    for i in range(warmup + reps):
        for c in todo:
            if c.failed:   # a failed command is reported once, not rerun
                continue
            if c.copy:
                _copy_registry(made.path, copy)
            r = run_process([*sg, *c.args], timeout)
            fl = run_process(floor_cmd, timeout)
            if c.copy:
                _remove_db(copy)
            if i < warmup and r.code == 0:
                continue
            c.runs.append(r)
            c.floor.append(fl)
            floors.append(fl)
            print(f"  {c.label}: {'failed: ' + r.error if r.code else f'{r.seconds:.2f} s'} "
                  f"(floor {fl.seconds:.2f} s)", file=sys.stderr, flush=True)
    return todo, floors


def _ms(s: float) -> str:
    return f"{s * 1e3:,.0f}"


def _mb(b: float) -> str:
    return f"{b / 1e6:,.0f}"


def results(todo: list[Case], floors: list[Run], made: Made) -> tuple[str, list[str]]:
    """The figures as a Markdown table, and one line per target (met or not)."""
    floor_s = median([r.seconds for r in floors]) if floors else float("nan")
    rows = [[f"`{FLOOR}` (the floor)", _ms(floor_s), _ms(min(r.seconds for r in floors)) if floors else "",
             _ms(max(r.seconds for r in floors)) if floors else "", "1.00×",
             _mb(max(r.rss for r in floors)) if floors else "", "", ""]]
    verdicts = []
    for c in todo:
        name = f"`sharegraph {c.label}`"
        goal = ("none" if c.target == "none" else f"≤ {c.limit:g}× floor" if c.target == "ratio"
                else f"< {c.limit:g} s") + (
            f"; peak RSS < {c.rss_mb:g} MB" if c.rss_mb else "")
        bad = c.failed
        if bad or not c.runs:
            why = f"failed (exit {bad.code}): {bad.error}" if bad else "not run"
            rows.append([name, why.replace("|", "\\|"), "", "", "", "", goal, "failed"])
            verdicts.append(f"{name}: {goal}: failed")
            continue
        t = [r.seconds for r in c.runs]
        med = median(t)
        ratio = med / floor_s
        paired = median([r.seconds / f.seconds for r, f in zip(c.runs, c.floor, strict=True)])
        rss = max(r.rss for r in c.runs)
        ok = ratio <= c.limit if c.target == "ratio" else med < c.limit
        if c.rss_mb is not None:
            ok = ok and rss / 1e6 < c.rss_mb
        mark = "n/a" if c.target == "none" else "met" if ok else "**missed**"
        rows.append([name, _ms(med), _ms(min(t)), _ms(max(t)), f"{ratio:.2f}× ({paired:.2f}×)", _mb(rss),
                     goal, mark])
        got = f"{ratio:.2f}× the floor ({_ms(med)} ms)" if c.target == "ratio" else f"{med:.2f} s"
        if c.target == "none":
            verdicts.append(f"{name}: {got}; no target")
            continue
        if c.rss_mb is not None:
            got += f", peak RSS {_mb(rss)} MB"
        verdicts.append(f"{name}: {got}; target {goal}: {verdict(ok)}")
    size_goal = "≤ the JSON file's"
    if made.fmt == "json":
        rows.append(["registry size on disk", f"{_mb(made.json_bytes)} MB (the JSON file itself)", "", "", "",
                     "", size_goal, "n/a"])
    elif made.bytes is not None:
        ok = made.bytes <= made.json_bytes
        rows.append(["registry size on disk", f"{_mb(made.bytes)} MB (JSON: {_mb(made.json_bytes)} MB)", "", "",
                     f"{made.bytes / made.json_bytes:.2f}× the JSON", "", size_goal, "met" if ok else "**missed**"])
        verdicts.append(f"registry size on disk: {_mb(made.bytes)} MB, the JSON {_mb(made.json_bytes)} MB; "
                        f"target {size_goal}: {verdict(ok)}")
    header = ["command", "median ms", "min ms", "max ms", "× floor (median of per-run)", "peak RSS MB",
              "target", ""]
    return table(header, rows), verdicts


def report(made: Made, q: dict[str, str] | None, todo: list[Case], floors: list[Run], reps: int,
           warmup: int, info: dict[str, str]) -> str:
    """The section: what was measured, on what, the table and the targets."""
    how = [f"`bench.synth {made.synth}`, {_mb(made.json_bytes)} MB as JSON"]
    if made.generated_s is not None:
        how.append(f"generated in {made.generated_s:.0f} s")
    if made.fmt == "db" and made.converted_s is not None:
        how.append(f"converted to SQLite by `sharegraph import X.json -o X.db` in {made.converted_s:.1f} s")
    lines = [
        f"Registry under test: **{made.fmt}** ({'; '.join(how)}). "
        f"Commit {info['commit']}, {info['date']}; {info['nproc']} CPUs ({info['cpu']}), {info['memory']}, "
        f"Python {info['python']}.",
        "",
    ]
    if made.path is None:
        lines += [f"**No registry to measure:** {made.error}"]
        return "\n".join(lines)
    assert q is not None
    lines += [
        f"Asked about: FIELD {q['field']}, APP {q['app']}, RECIPIENT {q['recipient']}. "
        f"Each command {reps} run(s) after {warmup} warm-up, each run followed by a run of the floor, "
        "commands interleaved; `REG` is the registry, `COPY` a fresh copy of it per run (the copy, and its "
        "`sync` to disk, are not timed). Ratio: the command's median over the median of all floor runs (in brackets: the median "
        "of each run over the floor run beside it). Peak RSS: the largest `ru_maxrss` of the command's "
        "own process over its runs. Every process runs with Python's bytecode cache (PYTHONDONTWRITEBYTECODE "
        "unset), as an installed sharegraph does: the warm-up writes it.",
        "",
    ]
    text, verdicts = results(todo, floors, made)
    lines += [text, "", "Targets (issue 12):", "", *(f"- {v}" for v in verdicts)]
    return "\n".join(lines)


def write_doc(body: str, info: dict[str, str], argv: list[str]) -> None:
    rerun = " ".join([".venv/bin/python -m bench.bench_registry", *argv]).strip()
    DOC.write_text("\n".join([
        "# Benchmarks: the registry file",
        "",
        "Written by `bench/bench_registry.py` (`--write`); the whole page is replaced by each run. "
        "Nothing here is a test: no time is asserted anywhere. The targets are issue 12's: answers "
        "from the registry file as whole `sharegraph` processes, next to the floor any typer + "
        "networkx CLI pays, on the 1,000-app / 1M-flow synthetic registry (`bench/synth.py`).",
        "",
        "This machine is shared and noisy: quote the ratios to the floor, not the milliseconds.",
        "",
        "Rerun:",
        "",
        "```",
        f"{rerun}   # this page",
        ".venv/bin/python -m bench.bench_registry --write                       # the .db (default)",
        ".venv/bin/python -m bench.bench_registry --format json --reps 1        # the JSON file",
        ".venv/bin/python -m bench.bench_registry --apps 50 --flows 50000       # a quick run",
        "```",
        "",
        f"Last run: {info['date']}, commit {info['commit']}, `{rerun}`.",
        "",
        table(["machine", ""], [
            ["CPUs (nproc)", info["nproc"]], ["CPU model", info["cpu"]], ["memory", info["memory"]],
            ["Python", info["python"]], ["networkx", info["networkx"]],
        ]),
        "",
        body,
        "",
    ]), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-pick":
        with open(argv[1], encoding="utf-8") as f:
            print(json.dumps(choose(json.load(f)), ensure_ascii=False))
        return 0
    ap = argparse.ArgumentParser(prog="python -m bench.bench_registry", description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=("json", "db"), default="db",
                    help="registry under test: the synth JSON file, or it converted to SQLite (default)")
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reps", type=int, default=11, help="runs of each command (and of the floor beside it)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs of each command first")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before a command is killed")
    ap.add_argument("--cache", type=Path, default=CACHE, help="folder the registry files are kept in")
    ap.add_argument("--fresh", action="store_true", help="regenerate and reconvert the cached registry")
    ap.add_argument("--write", action="store_true", help=f"also rewrite {DOC.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    if args.reps < 1 or args.warmup < 0:
        ap.error("--reps must be at least 1 and --warmup at least 0")
    info = machine()
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT, check=False).returncode
    if info["commit"] and dirty:
        info["commit"] += " (with uncommitted changes)"
    made = make_registry(args.apps, args.flows, args.seed, args.format, args.cache, args.fresh, args.timeout)
    q, todo, floors = None, [], []
    if made.path is not None:
        q = pick(made.json_path)
        todo, floors = measure(made, q, args.reps, args.warmup, args.timeout)
    body = (f"## The registry file as {args.format}: {args.apps:,} apps, {args.flows:,} flows\n\n"
            + report(made, q, todo, floors, args.reps, args.warmup, info))
    print(body)
    if args.write:
        write_doc(body, info, argv)
        print(f"\nwritten: {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
