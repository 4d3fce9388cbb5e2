"""Neo4j backend benchmarks: push throughput, question latency next to networkx, neo4j-rust-ext.

Not tests: nothing here asserts a time. Every figure is a median of repeated runs, and
what is compared runs side by side, interleaved, in one run of this script, against the
server of ``NEO4J_URI`` (start one with ``eval "$(scripts/neo4j-local/run start)"``).
It rewrites the sections it measured in ``docs/benchmarks-neo4j.md`` (each between its
``<!-- bench:neo4j:NAME -->`` markers) and keeps the rest of the page, so that one section can be
measured again alone (``--only push``).

It EMPTIES the database ``NEO4J_DATABASE`` (``--wipe`` is required to say so).

    eval "$(scripts/neo4j-local/run start)"
    .venv/bin/python -m bench.bench_neo4j --wipe                         # everything (~15 min)
    .venv/bin/python -m bench.bench_neo4j --wipe --apps 100 --flows 100000 --reps 2   # quick
    scripts/neo4j-local/run stop

Sections: ``naive`` (the batched push against one MERGE statement per flow through the same
driver), ``push`` (the 1,000-app registry of :mod:`bench.synth`: flows per second, the client's and the
local server's CPU, the client's share measured alone, and batch sizes compared),
``questions`` (each question on Neo4j and on networkx, on the seed and the synthetic registry,
with a parity check of the answers), ``rust`` (the same push and questions in two child
processes, with and without neo4j-rust-ext).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks-neo4j.md"
OUT = ROOT / "bench" / "out"
SECTIONS = ("naive", "push", "questions", "rust")
DEFAULT_BATCH = 5000
POINT_BUDGET_MS = 20.0
WIPE_BATCH = 20_000


# -- helpers -------------------------------------------------------------------------------------

def median(xs: list[float]) -> float:
    return statistics.median(xs)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def driver_and_db() -> tuple[Any, str]:
    from lineage.backends.neo4j import driver_from_env

    return driver_from_env()


def wipe(driver: Any, database: str) -> None:
    """Relationships first, then nodes, in batches: a popular node has a million relationships."""
    for q in ("MATCH ()-[r]->() WITH r LIMIT $n DELETE r RETURN count(*) AS c",
              "MATCH (x) WITH x LIMIT $n DETACH DELETE x RETURN count(*) AS c"):
        while driver.execute_query(q, n=WIPE_BATCH, database_=database).records[0]["c"]:
            pass


def synthetic(apps: int, flows: int) -> tuple[Any, str]:
    """bench.synth's registry when it is there; else the seed replicated under many app names."""
    try:
        from bench.synth import synth_registry
    except ImportError:
        import dataclasses

        from registry import open_registry
        from registry.model import Registry

        seed = open_registry()
        p = next(iter(seed.policies.values()))
        reg = Registry({f"app_{i:04d}": dataclasses.replace(p, app=f"app_{i:04d}") for i in range(apps)})
        return reg, f"the seed replicated under {apps} app names (bench/synth.py was missing)"
    return synth_registry(apps=apps, flows=flows), f"bench.synth.synth_registry(apps={apps}, flows={flows})"


def machine(driver: Any, database: str) -> dict[str, Any]:
    import neo4j
    import neo4j._codec.packstream.v1 as packstream

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rec = driver.execute_query("CALL dbms.components() YIELD name, versions, edition "
                               "RETURN name, versions[0] AS v, edition", database_=database).records[0]
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
        "driver": neo4j.__version__, "rust_ext": packstream._rust_pack is not None,
        "server": f"{rec['name']} {rec['v']} {rec['edition']}",
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# -- naive vs batched ------------------------------------------------------------------------------

NAIVE = (
    "MERGE (f:Field {{key: $fk}}) SET f += $fp "
    "MERGE (v:{via} {{key: $vk}}) SET v += $vp "
    "MERGE (r:Recipient {{key: $rk}}) SET r += $rp "
    "MERGE (f)-[fe:FLOWS_INTO {{key: $fek}}]->(v) SET fe += $fep "
    "MERGE (v)-[rb:{rel} {{key: $rbk}}]->(r) SET rb += $rbp"
)


def naive_push(driver: Any, database: str, G: Any, limit: int | None) -> tuple[int, float]:
    """One auto-commit MERGE statement per flow (field, via, recipient and the two edges)."""
    from lineage.backends.neo4j.push import LABELS, neo4j_props
    from lineage.flows import iter_flows

    t0 = time.perf_counter()
    n = 0
    with driver.session(database=database) as s:
        for ref in iter_flows(G):
            rel = "RECEIVED_BY" if ref.onward_of is None else "ENTRUSTS"
            src = ref.onward_of or ref.via
            q = NAIVE.format(via=LABELS[G.nodes[ref.via]["kind"]], rel=rel)
            if ref.onward_of:   # the onward edge leaves the entrusting recipient, not the via
                q = q.replace("MERGE (v)-[rb", "MERGE (b:Recipient {key: $bk}) MERGE (b)-[rb")
            s.run(q, fk=ref.field, fp=neo4j_props(G.nodes[ref.field]), vk=ref.via,
                  vp=neo4j_props(G.nodes[ref.via]), rk=ref.recipient,
                  rp=neo4j_props(G.nodes[ref.recipient]), fek=ref.flow_edge.get("kind") + "|"
                  + (ref.flow_edge.get("implied_via") or ""), fep=neo4j_props(ref.flow_edge),
                  rbk=rel.lower(), rbp=neo4j_props(ref.recv_edge), bk=src).consume()
            n += 1
            if limit and n >= limit:
                break
    return n, time.perf_counter() - t0


def bench_naive(driver: Any, database: str, reps: int, big: Any) -> dict[str, Any]:
    from lineage.backends.neo4j.push import push
    from lineage.graph import build_graph
    from registry import open_registry

    seed = open_registry()
    G = build_graph(seed)
    flows = len(next(iter(seed.policies.values())).flows)
    out: dict[str, list[float]] = {"batched_seed_s": [], "naive_seed_s": [], "naive_big_fps": []}
    for i in range(reps):
        say(f"naive vs batched, run {i + 1}/{reps}")
        wipe(driver, database)
        out["batched_seed_s"].append(timed(lambda: push(driver, seed, database=database, progress=False))[0])
        wipe(driver, database)
        n, t = naive_push(driver, database, G, None)
        out["naive_seed_s"].append(t)
        wipe(driver, database)
        # the naive loop at scale: its rate on the first 2,000 flows of the synthetic registry
        n, t = naive_push(driver, database, build_graph(big, app=big.apps[0]), 2000)
        out["naive_big_fps"].append(n / t)
    wipe(driver, database)
    b, nv = median(out["batched_seed_s"]), median(out["naive_seed_s"])
    return {"flows": flows, "batched_s": b, "naive_s": nv, "ratio": nv / b,
            "batched_fps": flows / b, "naive_fps": flows / nv, "naive_big_fps": median(out["naive_big_fps"]),
            "runs": out}


# -- the big push ----------------------------------------------------------------------------------

def server_cpu() -> float | None:
    """CPU seconds the local server's process has used (``NEO4J_LOCAL_PID`` of scripts/neo4j-local),
    or None for a server elsewhere."""
    pid = os.environ.get("NEO4J_LOCAL_PID")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    """CPU seconds of this process, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def client_phases(reg: Any, batch_size: int) -> dict[str, float]:
    """The client's share of a push without a server, in CPU seconds: each app's graph
    digest, its graph (``build_graph`` and the business functions), its rows, the chunk's plan, and the
    batches' evidence lists and packstream encoding (what the driver sends)."""
    from neo4j._codec.packstream.v1 import Packer

    from lineage.backends.neo4j.digest import app_digest, graph_context
    from lineage.backends.neo4j.push import (
        CHUNK_ROWS,
        PushResult,
        _plan,
        _Rows,
        _with_evidence,
        app_graph,
        app_rows,
    )

    out = dict.fromkeys(("digest_s", "graph_s", "rows_s", "plan_s", "encode_s"), 0.0)
    context = graph_context()
    chunk: list[Any] = []
    size = 0

    def encode(chunk: list[Any]) -> None:
        t = time.process_time()
        plan = _plan(chunk, {c.app for c in chunk}, PushResult())
        out["plan_s"] += time.process_time() - t
        t = time.process_time()
        for query, rows, ev_at in plan.work:
            for i in range(0, len(rows), batch_size):
                part = rows[i:i + batch_size]
                evs = _with_evidence(part, ev_at) if ev_at is not None else []
                Packer(io.BytesIO()).pack((query, {"rows": _Rows(part), "evs": _Rows(evs)}))
        out["encode_s"] += time.process_time() - t

    for a in reg.apps:
        t = time.process_time()
        app_digest(reg.policies[a], context)
        t1 = time.process_time()
        out["digest_s"] += t1 - t
        t = t1
        G = app_graph(reg, a)
        t2 = time.process_time()
        rows = app_rows(G, a)
        out["rows_s"] += time.process_time() - t2
        out["graph_s"] += t2 - t
        chunk.append(rows)
        size += rows.size
        if size >= CHUNK_ROWS:
            encode(chunk)
            chunk, size = [], 0
    if chunk:
        encode(chunk)
    return out


def bench_push(driver: Any, database: str, reg: Any, reps: int, batch_size: int,
               other_sizes: list[int]) -> dict[str, Any]:
    """The push into an empty database at ``batch_size`` (the figure) and at ``other_sizes``,
    interleaved; wall time, the client's and the server's CPU, the transactions."""
    from lineage.backends.neo4j.push import push

    flows = sum(len(p.flows) for p in reg.policies.values())
    sizes = [batch_size, *[b for b in other_sizes if b != batch_size]]
    runs: dict[int, list[dict[str, Any]]] = {b: [] for b in sizes}
    again_s = []
    for i in range(reps):
        for b in sizes:
            say(f"push of {len(reg.apps)} apps, batches of {b}, run {i + 1}/{reps}")
            wipe(driver, database)
            c0, s0 = client_cpu(), server_cpu()
            t, res = timed(lambda b=b: push(driver, reg, database=database, progress=False, batch_size=b))
            s1 = server_cpu()
            runs[b].append({"s": t, "client_cpu_s": client_cpu() - c0,
                            "server_cpu_s": None if s0 is None or s1 is None else s1 - s0, **res.as_dict()})
        again_s.append(timed(lambda: push(driver, reg, database=database, progress=False))[0])
    say("the client's share, without the server")
    phases = client_phases(reg, batch_size)

    def summary(rs: list[dict[str, Any]]) -> dict[str, Any]:
        t = median([r["s"] for r in rs])
        srv = [r["server_cpu_s"] for r in rs if r["server_cpu_s"] is not None]
        return {"seconds": t, "flows_per_s": flows / t, "runs": [r["s"] for r in rs],
                "client_cpu_s": median([r["client_cpu_s"] for r in rs]),
                "server_cpu_s": median(srv) if srv else None,
                "transactions": rs[0]["transactions"], "batches": rs[0]["batches"]}

    main = summary(runs[batch_size])
    last = runs[batch_size][-1]
    return {"apps": len(reg.apps), "flows": flows, "nodes": last["nodes"],
            "relationships": last["relationships"], "batch_size": batch_size, **main,
            "phases": phases, "unchanged_push_s": median(again_s),
            "sizes": {b: summary(rs) for b, rs in runs.items()}}


# -- questions -------------------------------------------------------------------------------------

def _questions(reg: Any) -> list[tuple[str, str, str, tuple[Any, ...], dict[str, Any]]]:
    """(label, kind point|bulk, method, args, kwargs)."""
    app = reg.apps[len(reg.apps) // 2]
    return [
        ("who-receives 身份证号, one app", "point", "who_receives", ("身份证号",), {"app": app}),
        ("who-receives IMEI, one app", "point", "who_receives", ("IMEI",), {"app": app}),
        ("who-receives 设备信息 (a group), one app", "point", "who_receives", ("设备信息",), {"app": app}),
        ("fields-of 百行征信有限公司, one app", "point", "fields_of", ("百行征信有限公司",), {"app": app}),
        ("lineage IMEI, one app", "point", "lineage", ("IMEI",), {"app": app}),
        ("exposure, one app", "point", "exposure", (), {"app": app}),
        ("sensitive-unnamed, one app", "point", "sensitive_to_unnamed", (), {"app": app}),
        ("who-receives IMEI, all apps", "bulk", "who_receives", ("IMEI",), {}),
        ("fields-of 百行征信有限公司, all apps", "bulk", "fields_of", ("百行征信有限公司",), {}),
        ("top-recipients IMEI (recipients_by_apps)", "bulk", "recipients_by_apps", ("IMEI",), {}),
        ("lineage 地理位置信息, all apps", "bulk", "lineage", ("地理位置信息",), {}),
        ("exposure, all apps", "bulk", "exposure", (), {}),
        ("sensitive-unnamed, all apps", "bulk", "sensitive_to_unnamed", (), {}),
    ]


def bench_questions(driver: Any, database: str, name: str, reg: Any, reps_point: int,
                    reps_bulk: int) -> dict[str, Any]:
    from lineage.backends import NetworkxBackend
    from lineage.backends.neo4j import Neo4jBackend
    from lineage.backends.neo4j.push import push
    from lineage.graph import build_graph
    from lineage.paths import annotate_business_functions

    say(f"questions on {name}: push, build the networkx graph")
    wipe(driver, database)
    push(driver, reg, database=database, progress=False)

    def graph() -> Any:   # what the CLI answers from: with the business functions of the prose
        G = build_graph(reg)
        annotate_business_functions(G, reg)
        return G

    build_s, G = timed(graph)
    nx_, neo = NetworkxBackend(G), Neo4jBackend(driver, database)
    rows = []
    for label, kind, method, args, kw in _questions(reg):
        reps = reps_point if kind == "point" else reps_bulk
        a, b = getattr(nx_, method), getattr(neo, method)
        same = a(*args, **kw) == b(*args, **kw)   # also the warm-up
        tn, tx = [], []
        for _ in range(reps):   # interleaved, so that a noisy neighbour hurts both alike
            tn.append(timed(lambda a=a, args=args, kw=kw: a(*args, **kw))[0])
            tx.append(timed(lambda b=b, args=args, kw=kw: b(*args, **kw))[0])
        out = a(*args, **kw)
        n = len(out) if isinstance(out, list) else len(out.get("paths", out.get("fields", [])))
        rows.append({"question": label, "kind": kind, "rows": n, "same": same, "reps": reps,
                     "neo4j_ms": median(tx) * 1000, "networkx_ms": median(tn) * 1000})
        say(f"  {label}: neo4j {median(tx) * 1000:.1f} ms, networkx {median(tn) * 1000:.1f} ms, same={same}")
    wipe(driver, database)
    return {"registry": name, "apps": len(reg.apps),
            "flows": sum(len(p.flows) for p in reg.policies.values()),
            "networkx_build_s": build_s, "rows": rows}


# -- neo4j-rust-ext ---------------------------------------------------------------------------------

def child_rust(apps: int, flows: int) -> dict[str, Any]:
    """In a child process: a push and the bulk questions, with whatever codec is importable."""
    import neo4j._codec.packstream.v1 as packstream

    from lineage.backends.neo4j import Neo4jBackend
    from lineage.backends.neo4j.push import push

    driver, database = driver_and_db()
    reg, _ = synthetic(apps, flows)
    wipe(driver, database)
    t_push, _ = timed(lambda: push(driver, reg, database=database, progress=False))
    neo = Neo4jBackend(driver, database)
    app = reg.apps[len(reg.apps) // 2]
    neo.fields_of("百行征信有限公司")
    t_bulk = median([timed(lambda: neo.fields_of("百行征信有限公司"))[0] for _ in range(3)])
    t_who = median([timed(lambda: neo.who_receives("IMEI"))[0] for _ in range(3)])
    t_point = median([timed(lambda: neo.who_receives("IMEI", app=app))[0] for _ in range(15)])
    wipe(driver, database)
    driver.close()
    return {"rust": packstream._rust_pack is not None, "push_s": t_push,
            "flows": sum(len(p.flows) for p in reg.policies.values()),
            "fields_of_all_s": t_bulk, "who_all_s": t_who, "point_ms": t_point * 1000}


def bench_rust(apps: int, flows: int, reps: int) -> dict[str, Any]:
    import importlib.util

    if importlib.util.find_spec("neo4j._rust") is None:
        return {"installed": False}
    runs: dict[str, list[dict[str, Any]]] = {"with": [], "without": []}
    for i in range(reps):
        for mode in ("without", "with"):
            say(f"neo4j-rust-ext: run {i + 1}/{reps}, {mode}")
            cmd = [sys.executable, "-m", "bench.bench_neo4j", "--child-rust", "--apps", str(apps),
                   "--flows", str(flows)] + (["--hide-rust"] if mode == "without" else [])
            p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
            runs[mode].append(json.loads(p.stdout.strip().splitlines()[-1]))
    out: dict[str, Any] = {"installed": True, "apps": apps, "flows": runs["with"][0]["flows"]}
    for key in ("push_s", "fields_of_all_s", "who_all_s", "point_ms"):
        w = median([r[key] for r in runs["with"]])
        wo = median([r[key] for r in runs["without"]])
        out[key] = {"with": w, "without": wo, "speedup": wo / w}
    assert all(r["rust"] for r in runs["with"]) and not any(r["rust"] for r in runs["without"])
    return out


# -- report ----------------------------------------------------------------------------------------

def markdown(res: dict[str, Any], command: str) -> dict[str, str]:
    """Each measured section as markdown, headed by the machine and the command that measured it."""
    m = res["machine"]
    secs: dict[str, list[str]] = {}
    head = [
        f"Measured {m['when']} on {m['nproc']} cores ({m['cpu']}), Python {m['python']}, "
        f"neo4j driver {m['driver']} (rust extension {'on' if m['rust_ext'] else 'off'} in the main "
        f"process), server {m['server']} (scripts/neo4j-local: page cache 256 MiB, heap 1 GiB); "
        f"load average {m['load']:.1f} at the start (the machine is shared).",
        "",
        f"Rerun: `{command}`",
        "",
    ]
    if "naive" in res:
        n = res["naive"]
        out = secs["naive"] = []
        out += [
            "### Push: batched UNWIND against one MERGE per flow",
            "",
            "| registry | flows | batched push | naive loop | naive / batched |",
            "|---|---:|---:|---:|---:|",
            f"| seed (1 app) | {n['flows']} | {n['batched_s']:.2f} s ({n['batched_fps']:,.0f} flows/s) | "
            f"{n['naive_s']:.2f} s ({n['naive_fps']:,.0f} flows/s) | **{n['ratio']:.0f}×** |",
            "",
            f"The naive loop (one auto-commit `MERGE` statement per flow through the same driver) runs at "
            f"{n['naive_big_fps']:,.0f} flows/s on the synthetic registry's first 2,000 flows too.",
            "",
        ]
        if "push" in res:
            p = res["push"]
            out.append(f"At scale the batched push runs at {p['flows_per_s']:,.0f} flows/s (the push section): "
                       f"**{p['flows_per_s'] / n['naive_big_fps']:.0f}×** the naive loop's rate.")
            out.append("")
    if "push" in res:
        p = res["push"]
        out = secs["push"] = []
        ph = p["phases"]
        client = sum(v for v in ph.values() if v is not None)
        srv = p["server_cpu_s"]
        out += [
            f"### Push of {p['apps']:,} apps ({p['flows']:,} flows)",
            "",
            "| what | median |",
            "|---|---:|",
            f"| nodes / relationships written | {p['nodes']:,} / {p['relationships']:,} |",
            f"| transactions (of which batches of ≤ {p['batch_size']:,} rows) | {p['transactions']} "
            f"({p['batches']}) |",
            f"| push into an empty database | **{p['seconds']:.1f} s = {p['flows_per_s']:,.0f} flows/s** |",
            f"| CPU of the client during the push (all threads) | {p['client_cpu_s']:.1f} s |",
            f"| CPU of the server during the push | {_s(srv)} |",
            f"| the same push again (every app unchanged: digests compared, nothing built) "
            f"| {p['unchanged_push_s']:.1f} s |",
            "",
            f"Runs: {', '.join(f'{x:.1f} s' for x in p['runs'])}.",
            "",
            "Where the time goes: the client's share measured alone (CPU seconds, no server), and the "
            "server's CPU during the push.",
            "",
            "| part | CPU | share of the push's CPU |",
            "|---|---:|---:|",
        ]
        total = client + (srv or 0.0)
        for label, v in (("client: the digest of each app's policy (`app_digest`)", ph.get("digest_s")),
                         ("client: `build_graph` of each app (and its business functions)", ph["graph_s"]),
                         ("client: the graph as rows (`app_rows`)", ph["rows_s"]),
                         ("client: the chunks' plans (shared nodes merged over apps)", ph["plan_s"]),
                         ("client: evidence lists and packstream encoding of the batches", ph["encode_s"]),
                         ("server: Neo4j executing and committing the transactions", srv)):
            out.append(f"| {label} | {_s(v)} | {'' if v is None else f'{v / total:.0%}'} |")
        out += ["", "Batch size (rows per transaction), interleaved runs of the same push:", "",
                "| rows per batch | transactions | median | flows/s | server CPU |", "|---:|---:|---:|---:|---:|"]
        for b, x in sorted(p["sizes"].items(), key=lambda kv: int(kv[0])):
            out.append(f"| {int(b):,} | {x['transactions']} | {x['seconds']:.1f} s | {x['flows_per_s']:,.0f} "
                       f"| {_s(x['server_cpu_s'])} |")
        out.append("")
    if res.get("questions"):
        out = secs["questions"] = []
    for q in res.get("questions", []):
        out += [
            f"### Questions on {q['registry']} ({q['apps']:,} apps, {q['flows']:,} flows)",
            "",
            f"networkx answers from a graph built once beforehand ({q['networkx_build_s']:.2f} s to build, "
            "not counted), as `sharegraph` builds it (with the business functions of the policies' prose); "
            "Neo4j from the pushed graph. Medians of interleaved runs; *same answer* compares the two answers.",
            "",
            "| question | rows | Neo4j | networkx | Neo4j / networkx | same answer |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for r in q["rows"]:
            flag = " ✗ over 20 ms" if r["kind"] == "point" and r["neo4j_ms"] > POINT_BUDGET_MS else ""
            out.append(f"| {r['question']} | {r['rows']:,} | {_ms(r['neo4j_ms'])}{flag} | {_ms(r['networkx_ms'])} "
                       f"| {r['neo4j_ms'] / max(r['networkx_ms'], 1e-6):.1f}× | {'yes' if r['same'] else '**no**'} |")
        out.append("")
    if "rust" in res:
        r = res["rust"]
        out = secs["rust"] = []
        if not r["installed"]:
            out += ["### neo4j-rust-ext", "", "Not installed: not measured.", ""]
        else:
            out += [
                f"### neo4j-rust-ext ({r['apps']} apps, {r['flows']:,} flows, child processes, interleaved)",
                "",
                "| what | without | with | speed-up |",
                "|---|---:|---:|---:|",
                f"| push | {r['push_s']['without']:.1f} s | {r['push_s']['with']:.1f} s | {r['push_s']['speedup']:.2f}× |",
                f"| fields-of 百行征信有限公司, all apps | {r['fields_of_all_s']['without']:.2f} s | "
                f"{r['fields_of_all_s']['with']:.2f} s | {r['fields_of_all_s']['speedup']:.2f}× |",
                f"| who-receives IMEI, all apps | {r['who_all_s']['without']:.2f} s | {r['who_all_s']['with']:.2f} s | "
                f"{r['who_all_s']['speedup']:.2f}× |",
                f"| who-receives IMEI, one app | {r['point_ms']['without']:.1f} ms | {r['point_ms']['with']:.1f} ms | "
                f"{r['point_ms']['speedup']:.2f}× |",
                "",
            ]
    return {k: "\n".join(head + v) for k, v in secs.items()}


def _s(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f} s"


def _ms(x: float) -> str:
    return f"{x / 1000:.2f} s" if x >= 1000 else f"{x:.1f} ms"


def write_doc(sections: dict[str, str]) -> None:
    """Replace each measured section's block (``<!-- bench:neo4j:NAME -->`` … ``<!-- /bench:neo4j:NAME -->``)
    and keep the rest of the page, the sections not measured this time included."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Neo4j benchmarks\n"
    for name in SECTIONS:
        if name not in sections:
            continue
        start, end = f"<!-- bench:neo4j:{name} -->", f"<!-- /bench:neo4j:{name} -->"
        if start not in text:
            text = text.rstrip("\n") + f"\n\n{start}\n{end}\n"
        text = re.sub(re.escape(start) + r".*?" + re.escape(end),
                      lambda _, name=name, start=start, end=end: f"{start}\n{sections[name]}\n{end}", text, flags=re.S)
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wipe", action="store_true", help="agree that NEO4J_DATABASE is emptied")
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3, help="runs of each push")
    ap.add_argument("--reps-point", type=int, default=25)
    ap.add_argument("--reps-bulk", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    ap.add_argument("--other-batch-sizes", default="2000,20000",
                    help="comma-separated batch sizes compared with --batch-size ('' for none)")
    ap.add_argument("--rust-apps", type=int, default=200)
    ap.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks-neo4j.md")
    ap.add_argument("--child-rust", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--hide-rust", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.hide_rust:
        sys.modules["neo4j._rust"] = None  # type: ignore[assignment]   # the driver falls back to Python
    if args.child_rust:
        print(json.dumps(child_rust(args.apps, args.flows)))
        return 0
    if not args.wipe:
        ap.error("this empties the database NEO4J_DATABASE: pass --wipe to agree")
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    driver, database = driver_and_db()
    res: dict[str, Any] = {"machine": machine(driver, database)}
    say(f"synthetic registry: {args.apps} apps, {args.flows} flows")
    big, how = synthetic(args.apps, args.flows)
    res["synthetic"] = how
    if "naive" in only:
        res["naive"] = bench_naive(driver, database, args.reps, big)
    if "push" in only:
        others = [int(x) for x in args.other_batch_sizes.split(",") if x.strip()]
        res["push"] = bench_push(driver, database, big, args.reps, args.batch_size, others)
    if "questions" in only:
        from registry import open_registry

        res["questions"] = [
            bench_questions(driver, database, "the seed", open_registry(), args.reps_point, args.reps_bulk),
            bench_questions(driver, database, "the synthetic registry", big, args.reps_point, args.reps_bulk),
        ]
    if "rust" in only:
        res["rust"] = bench_rust(args.rust_apps, args.rust_apps * 1000, args.reps)
    wipe(driver, database)
    driver.close()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "neo4j.json").write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    command = ".venv/bin/python -m bench.bench_neo4j --wipe " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:]) if a != "--wipe")
    sections = markdown(res, command.strip())
    print("\n\n".join(sections.values()))
    if not args.no_doc:
        write_doc(sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
