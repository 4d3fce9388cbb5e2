"""Import speed: one 1 MB policy per layout, 1,000 policies into one registry, the seed 1x/8x/64x.

Targets (from the issue "Import any company's policy"): a 1 MB policy imports
in under 1 s; 1,000 policies import into one registry, with a progress bar, in
under 2 minutes. From issue 11 (item 7): import time grows linearly with the
document, the seed's text repeated 1, 8 and 64 times (4.4 MB) taking the same
time per MB within 2x. Not a timed test: run it and read the medians.

    .venv/bin/python -m bench.bench_import            # all, medians of 5 (1 MB) and 3 (batch) runs
    .venv/bin/python -m bench.bench_import --quick    # 1 run each
    .venv/bin/python -m bench.bench_import --only scaling   # the seed 1x, 8x, 64x alone

The 1 MB documents are made by repeating a fixture's tables
(tests/fixtures/import/) with varied SDK, scenario and company names, so every
row is a distinct SDK or scenario; the flattened one repeats the seed's whole
text. The 1,000 policies cycle through the fixtures and the seed, each with its
own app name.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "import"
SEED = ROOT / "data" / "seed_policy.txt"
MB = 1_000_000


def _vary(block: str, i: int) -> str:
    """A copy of a block whose SDK, scenario and company names carry the number i."""
    block = re.sub(r"([\w·]+?)SDK", lambda m: f"{m.group(1)}{i}号SDK", block)
    return block.replace("某某", f"某{i}")


def html_policy(size: int = MB) -> str:
    text = (FIX / "shop.html").read_text(encoding="utf-8")
    start, end = text.index('<table class="sdk">'), text.index("</table>", text.index('<table class="sdk">'))
    rows = text[text.index("<tr>", text.index("</tr>", start) + 5):end]  # the body rows of the SDK table
    body, i = [], 0
    while sum(len(b.encode("utf-8")) for b in body) < size:
        body.append(_vary(rows, i))
        i += 1
    return text[:end] + "".join(body) + text[end:]


def markdown_policy(size: int = MB) -> str:
    lines = (FIX / "ride.md").read_text(encoding="utf-8").split("\n")
    out = lines[:19]  # the title, the sharing table, the SDK table up to its last row (line 19)
    rows, i, n = lines[17:19], 0, 0
    while n < size:
        for ln in rows:
            v = _vary(ln, i)
            out.append(v)
            n += len(v.encode("utf-8")) + 1
        i += 1
    return "\n".join(out) + "\n"


def paragraph_policy(size: int = MB) -> str:
    text = (FIX / "game.txt").read_text(encoding="utf-8")
    block = text[text.index("1. 微信开放平台SDK"):text.index("四、与第三方共享个人信息")]
    out, i = [text[: text.index("1. 微信开放平台SDK")]], 0
    while sum(len(x.encode("utf-8")) for x in out) < size:
        out.append(_vary(block, i))
        i += 1
    return "".join(out) + text[text.index("四、与第三方共享个人信息"):]


def flattened_policy(size: int = MB) -> str:
    text = SEED.read_text(encoding="utf-8")
    first = text.split("\n")
    out = list(first)
    i = 1
    while len("\n".join(out).encode("utf-8")) < size:
        out += _vary("\n".join(first), i).split("\n")
        i += 1
    return "\n".join(out)


SCALES = (1, 8, 64)
SCALING_TARGET = 2.0
"""Time per MB of the largest document over that of the seed itself: at most this."""


def seed_times(k: int) -> str:
    """The seed's text ``k`` times, the SDK, scenario and company names of each copy numbered."""
    text = SEED.read_text(encoding="utf-8")
    return "\n".join([text, *(_vary(text, i) for i in range(1, k))])


def bench_scaling(vocab, runs: int, tmp: Path, scales: tuple[int, ...] = SCALES) -> list[dict[str, object]]:
    """Median import time of the seed repeated 1x, 8x, 64x, and its time per MB."""
    from registry.importer import import_document

    import_document(SEED, vocab=vocab)  # warm up: imports and caches are not the seed's cost
    rows = []
    for k in scales:
        path = tmp / f"seed_x{k}.txt"
        path.write_text(seed_times(k), encoding="utf-8")
        size = path.stat().st_size
        sec, (_, report) = _median_time(lambda p=path: import_document(p, vocab=vocab),
                                        runs if k < 64 else max(1, min(runs, 3)))
        rows.append({"times": k, "bytes": size, "median_s": sec, "s_per_mb": sec / (size / MB),
                     "flows": report.counts["flows"]})  # type: ignore[attr-defined]
    return rows


def scaling_verdict(rows: list[dict[str, object]]) -> str:
    """'time per MB at 64x / at 1x: 1.3x (target <= 2x): meets target' (or does not)."""
    first, last = rows[0], rows[-1]
    ratio = float(last["s_per_mb"]) / float(first["s_per_mb"])  # type: ignore[arg-type]
    meets = "meets target" if ratio <= SCALING_TARGET else "does not meet target"
    return (f"time per MB at {last['times']}x / at {first['times']}x: {ratio:.1f}x "
            f"(target <= {SCALING_TARGET:g}x): {meets}")


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def bench_one_mb(vocab, runs: int, tmp: Path) -> list[dict[str, object]]:
    from registry.importer import detect_layout, import_document, read_tables
    from registry.source import read_source

    rows = []
    for layout, make, ext in (("html", html_policy, "html"), ("markdown", markdown_policy, "md"),
                              ("paragraph-list", paragraph_policy, "txt"),
                              ("flattened-text", flattened_policy, "txt")):
        path = tmp / f"one_mb_{layout}.{ext}"
        path.write_text(make(), encoding="utf-8")
        import_document(path, vocab=vocab)  # warm up: imports, caches
        sec, (_, report) = _median_time(lambda p=path: import_document(p, vocab=vocab), runs)
        src = read_source(path)
        read_s, _ = _median_time(lambda s=src: read_tables(s, detect_layout(s)), runs)
        rows.append({"layout": layout, "bytes": path.stat().st_size, "median_s": sec, "read_s": read_s,
                     "tables": report.counts["tables"], "sdks": report.counts["sdks"],
                     "sharing_rows": report.counts["sharing_rows"], "flows": report.counts["flows"]})
    return rows


def make_batch(tmp: Path, n: int = 1000) -> list[Path]:
    sources = [(FIX / name) for name in ("shop.html", "ride.md", "game.txt", "news.html", "news.yaml")]
    sources.append(SEED)
    paths = []
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        if src.suffix == ".yaml":
            text = text.replace("app: 某某新闻", f"app: 某某新闻{i}")
        elif src == SEED:
            text = text.replace("你我贷", f"你我贷{i}")
        else:
            text = text.replace("隐私政策", f"{i}隐私政策", 1).replace("（在本隐私政策中", f"{i}（在本隐私政策中", 1)
        p = tmp / f"policy_{i:04d}{src.suffix}"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def bench_batch(vocab, runs: int, tmp: Path) -> dict[str, object]:
    from registry.importer import import_many
    from registry.model import Registry

    paths = make_batch(tmp)
    sec, result = _median_time(lambda: import_many(paths, Registry(), progress=True, vocab=vocab), runs)
    reg = result.registry  # type: ignore[attr-defined]
    return {"documents": len(paths), "median_s": sec, "apps": len(reg.apps),
            "flows": sum(len(p.flows) for p in reg.policies.values()),
            "failed": len(result.failed)}  # type: ignore[attr-defined]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one run of each, not five and three")
    ap.add_argument("--only", choices=("one-mb", "batch", "scaling"), help="run one section")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from registry.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if args.only in (None, "scaling"):
            rows = bench_scaling(vocab, 1 if args.quick else 3, tmp)
            for row in rows:
                print(f"seed x{row['times']:<3} {row['bytes'] / MB:5.2f} MB  median {row['median_s']:.3f} s  "
                      f"{row['s_per_mb']:.3f} s/MB  flows {row['flows']}")
            print(scaling_verdict(rows))
        if args.only not in (None, "one-mb", "batch"):
            return 0
        for row in (bench_one_mb(vocab, 1 if args.quick else 5, tmp) if args.only in (None, "one-mb") else []):
            print(f"1 MB {row['layout']:<15} {row['bytes'] / MB:5.2f} MB  median {row['median_s']:.3f} s "
                  f"(reading the tables {row['read_s']:.3f} s)  tables {row['tables']}, SDKs {row['sdks']}, sharing rows {row['sharing_rows']}, "
                  f"flows {row['flows']}")
        if args.only == "one-mb":
            return 0
        batch_dir = tmp / "batch"
        batch_dir.mkdir()
        b = bench_batch(vocab, 1 if args.quick else 3, batch_dir)
        print(f"batch: {b['documents']} documents -> {b['apps']} apps, {b['flows']} flows, "
              f"{b['failed']} failed; median {b['median_s']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
