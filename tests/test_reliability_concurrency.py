"""Two writers of one JSON registry at once: both land (issue 11, item 3).

Before: two ``sharegraph import`` runs into one registry lost an app in 9 of 13 tries,
both exiting 0. The read-modify-write now holds ``registry.atomic.file_lock`` (flock on
a sidecar ``.<name>.lock``); the second writer waits for the first, or gives up after
``SHAREGRAPH_LOCK_TIMEOUT`` seconds with one line naming the holder. Real processes, many tries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from registry import load_registry
from registry.atomic import file_lock

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed_policy.txt"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **(env or {})})


def test_two_cli_imports_into_one_registry_both_land(tmp_path):
    out = tmp_path / "reg.json"
    for attempt in range(6):
        a, b = f"应用A{attempt}", f"应用B{attempt}"
        procs = [cli("import", str(SEED), "-o", str(out), "--app", name, "--no-progress") for name in (a, b)]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
        apps = load_registry(out).apps
        assert a in apps and b in apps, (attempt, apps)
    assert len(load_registry(out).apps) == 12
    assert sorted(x.name for x in tmp_path.iterdir()) == ["reg.json"]  # the lock file goes with the lock


WRITER = textwrap.dedent("""
    import dataclasses, sys
    from registry import Registry, load_registry, open_registry, save_registry
    from registry.store import registry_lock
    out, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed = open_registry().policies["你我贷"]
    small = dataclasses.replace(seed, flows=seed.flows[:3])
    for i in range(n):
        with registry_lock(out):
            try:
                reg = load_registry(out)
            except Exception:
                reg = Registry()
            reg.add(dataclasses.replace(small, app=f"{who}-{i}"))
            save_registry(reg, out)
""")


def test_many_read_modify_writes_from_two_processes_lose_nothing(tmp_path):
    out = tmp_path / "reg.json"
    n = 25
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(out), who, str(n)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for who in ("left", "right")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    apps = load_registry(out).apps
    assert len(apps) == 2 * n
    assert {f"left-{i}" for i in range(n)} | {f"right-{i}" for i in range(n)} == set(apps)


def test_a_writer_that_cannot_get_the_lock_says_who_holds_it(tmp_path):
    out = tmp_path / "reg.json"
    with file_lock(out):
        p = cli("import", str(SEED), "-o", str(out), env={"SHAREGRAPH_LOCK_TIMEOUT": "1"})
        _, err = p.communicate(timeout=120)
    assert p.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert f"process {os.getpid()} is writing it" in lines[0] and "gave up after 1 s" in lines[0]
    assert not out.exists()
    p = cli("import", str(SEED), "-o", str(out))  # released: the import goes through
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert load_registry(out).apps == ["你我贷"]


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    out = tmp_path / "reg.json"
    with file_lock(out), file_lock(out):
        assert (tmp_path / ".reg.json.lock").exists()
    assert not (tmp_path / ".reg.json.lock").exists()
