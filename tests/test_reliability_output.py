"""Output paths: nothing that is there is damaged (issue 11, items 1, 2, 5 and 13).

Every command that writes (``export -o``, ``import -o``, ``impact … --apply -o``) refuses
a target that exists and is not a regular file, with one line and exit 2, and leaves it
as it was; a symbolic link to a regular file is written through; ``export -o -`` writes
to stdout; a temp file left by a killed write is removed at the next write into its folder.

Device nodes are made with ``mknod`` in the test's own temporary folder (never in /dev);
those tests run as root and are skipped only where ``mknod`` is not allowed.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from registry.atomic import TMP_TAG, atomic_output, output_target
from registry.errors import OutputPathError
from tests.skips import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed_policy.txt"


def run(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def assert_one_line_error(p: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert p.returncode == 2, (p.returncode, p.stdout[-500:], p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("error: "), p.stderr
    assert "Traceback" not in p.stderr and "Usage:" not in p.stderr
    for frag in fragments:
        assert frag in lines[0], lines[0]


def mknod(path: Path, kind: int, major: int, minor: int) -> Path:
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except PermissionError:
        skip_or_fail("making a device file needs root (CAP_MKNOD): run the tests as root, as .ci/run does")
    return path


# the three commands that write, each given its -o
WRITERS = {
    "export": lambda out: ("export", "-f", "csv", "-o", str(out)),
    "import": lambda out: ("import", str(SEED), "-o", str(out)),
    "impact": lambda out: ("impact", "remove-partner", "高德软件有限公司", "--apply", "-o", str(out)),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("node", ["null", "zero", "loop"])
def test_device_nodes_are_refused_and_left_as_they_are(tmp_path, writer, node):
    kinds = {"null": (stat.S_IFCHR, 1, 3), "zero": (stat.S_IFCHR, 1, 5), "loop": (stat.S_IFBLK, 7, 0)}
    kind, major, minor = kinds[node]
    dev = mknod(tmp_path / node, kind, major, minor)
    before = os.lstat(dev)
    p = run(*WRITERS[writer](dev), timeout=60)  # /dev/zero read as a registry would never end
    what = "a character device" if kind == stat.S_IFCHR else "a block device"
    assert_one_line_error(p, str(dev), what, "refusing to replace it")
    after = os.lstat(dev)
    assert (stat.S_IFMT(after.st_mode), after.st_rdev, after.st_ino) == (
        stat.S_IFMT(before.st_mode), before.st_rdev, before.st_ino)
    assert sorted(x.name for x in tmp_path.iterdir()) == [node]  # no temp file, no lock file


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_fifo_and_folder_are_refused_in_one_line(tmp_path, writer):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert_one_line_error(run(*WRITERS[writer](fifo)), "a FIFO", "refusing to replace it")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    folder = tmp_path / "folder"
    folder.mkdir()
    # item 13: click's three-line usage box before; one line now
    assert_one_line_error(run(*WRITERS[writer](folder)), str(folder), "is a folder")
    assert folder.is_dir() and not any(folder.iterdir())


def test_registry_option_naming_a_device_is_refused_before_reading(tmp_path):
    zero = mknod(tmp_path / "zero", stat.S_IFCHR, 1, 5)
    assert_one_line_error(run("stats", "-r", str(zero), timeout=60), "a character device", "not a registry file")


def test_symlink_to_a_regular_file_is_written_through(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old export\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")
    p = run("export", "-f", "csv", "-o", str(link))
    assert p.returncode == 0, p.stderr
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert real.read_text(encoding="utf-8-sig").startswith("app,field,")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_registry_behind_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "store" / "reg.json"
    real.parent.mkdir()
    assert run("import", str(SEED), "-o", str(real)).returncode == 0
    link = tmp_path / "reg.json"
    link.symlink_to(real)
    p = run("import", str(SEED), "-o", str(link), "--app", "另一个应用")
    assert p.returncode == 0, p.stderr
    assert link.is_symlink()
    from registry import load_registry

    assert load_registry(real).apps == ["你我贷", "另一个应用"]


@pytest.mark.parametrize("target", ["nothing", "device", "folder"])
def test_symlinks_to_anything_else_are_refused(tmp_path, target):
    link = tmp_path / "out.csv"
    if target == "nothing":
        link.symlink_to(tmp_path / "missing.csv")
        want = "a symbolic link to nothing"
    elif target == "device":
        link.symlink_to(mknod(tmp_path / "null", stat.S_IFCHR, 1, 3))
        want = "a symbolic link to a character device"
    else:
        (tmp_path / "d").mkdir()
        link.symlink_to(tmp_path / "d")
        want = "a symbolic link to a folder"
    assert_one_line_error(run("export", "-f", "csv", "-o", str(link)), want)
    assert link.is_symlink()
    assert not (tmp_path / "missing.csv").exists()


def test_a_replaced_file_keeps_its_mode(tmp_path):
    out = tmp_path / "reg.json"
    assert run("import", str(SEED), "-o", str(out)).returncode == 0
    out.chmod(0o600)
    assert run("import", str(SEED), "-o", str(out), "--app", "另一个应用").returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_dash_writes_to_stdout(tmp_path):
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), "export", "-f", "csv", "-o", "-",
                        "--recipient", "高德软件有限公司"], capture_output=True, cwd=tmp_path, timeout=120)
    assert p.returncode == 0, p.stderr
    text = p.stdout.decode("utf-8-sig")
    assert text.startswith("app,field,") and "高德软件有限公司" in text
    assert p.stderr.decode().startswith("wrote stdout (csv")  # the note goes to stderr, not in the CSV
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_dash_is_refused_where_a_registry_file_is_written(tmp_path):
    assert_one_line_error(run("import", str(SEED), "-o", "-"), "not - (stdout)")
    assert_one_line_error(run("impact", "remove-partner", "高德软件有限公司", "--apply", "-o", "-"),
                          "not - (stdout)")


def test_a_target_turned_into_a_fifo_during_the_write_is_not_renamed_over(tmp_path):
    out = tmp_path / "out.json"
    with pytest.raises(OutputPathError, match="a FIFO"), atomic_output(out) as tmp:
        tmp.write_text("{}", encoding="utf-8")
        os.mkfifo(out)  # something else made the path a FIFO while we wrote
    assert stat.S_ISFIFO(os.lstat(out).st_mode)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.json"]


def test_output_target_resolves_and_refuses(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "l").symlink_to("a.txt")
    assert output_target(tmp_path / "l") == (tmp_path / "a.txt").resolve()
    assert output_target(tmp_path / "new.txt") == tmp_path / "new.txt"
    with pytest.raises(OutputPathError, match=r"folder .* does not exist"):
        output_target(tmp_path / "no" / "x.txt")


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from registry.atomic import atomic_output
    with atomic_output(sys.argv[1]) as tmp:
        with open(tmp, "w") as fh:
            fh.write("x" * 1_000_000)
        print(tmp, flush=True)
        time.sleep(600)
""")


def test_a_killed_write_leaves_the_old_file_and_its_temp_is_removed_at_the_next_write(tmp_path):
    out = tmp_path / "lineage.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    w = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                         text=True)
    try:
        tmp = Path(w.stdout.readline().strip())  # type: ignore[union-attr]
        assert tmp.exists() and tmp.parent == tmp_path
        # named so a user who finds it knows what it is
        assert tmp.name.startswith(f".lineage.csv.{TMP_TAG}.") and tmp.name.endswith(".tmp")
        # a live writer's temp file is not touched by another write into the folder
        assert run("export", "-f", "markdown", "-o", str(tmp_path / "other.md")).returncode == 0
        assert tmp.exists()
    finally:
        os.kill(w.pid, signal.SIGKILL)  # kill -9 mid-write: no rename, no cleanup
        w.wait()
    assert tmp.exists() and out.read_text(encoding="utf-8") == "the previous export\n"  # atomic
    p = run("export", "-f", "csv", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert not tmp.exists()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["lineage.csv", "other.md"]


def test_import_refuses_a_device_before_reading_the_document(tmp_path):
    zero = mknod(tmp_path / "zero", stat.S_IFCHR, 1, 5)
    started = time.monotonic()
    p = run("import", str(tmp_path / "no-such-doc.txt"), "-o", str(zero), timeout=60)
    assert_one_line_error(p, "a character device")  # the output is checked first
    assert time.monotonic() - started < 60
