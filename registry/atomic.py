"""Writing a file without damaging what is there: the target checked, a temp file renamed, a lock.

Every file sharegraph writes (a registry, an export) goes through :func:`atomic_output`:

* the target must be absent, a regular file, or a symbolic link to a regular file (the
  file it points to is replaced; the link stays a link). A folder, a device node, a FIFO,
  a socket or a link to nothing is refused with one line (:class:`OutputPathError`) before
  anything is read or written, and checked again just before the rename, so a device such
  as ``/dev/null`` is never replaced by a regular file;
* the content goes to a temp file beside the target, is flushed to disk and renamed over
  it: a crash or ``kill -9`` leaves the old file or the new one, never half of one;
* the temp file is named ``.<target>.sharegraph-partial.<host>.<pid>.<random>.tmp``, so a
  user who finds one knows what it is; one left by a killed process (same host, a pid that
  no longer runs) is removed at the next write into that folder.

:func:`file_lock` serializes read-modify-write cycles on one file between processes
(``fcntl.flock`` on a sidecar ``.<target>.lock``), so two imports into one registry both land.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from registry.errors import OutputPathError, RegistryFileError

TMP_TAG = "sharegraph-partial"
LOCK_TIMEOUT_S = 300.0
"""How long a writer waits for another process's lock on the same file (SHAREGRAPH_LOCK_TIMEOUT)."""

_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname() or "host")[:64] or "host"
_TMP_RE = re.compile(rf"^\.(?P<name>.+)\.{TMP_TAG}\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a character device", …).

    >>> file_kind(stat.S_IFCHR | 0o666)
    'a character device'
    """
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def output_target(path: str | Path) -> Path:
    """The regular file a write to ``path`` replaces (or creates); refuses anything else.

    A symbolic link to a regular file gives the file it points to (resolved), so the
    write goes through the link. Raises :class:`OutputPathError` for an existing folder,
    device, FIFO, socket, a link to nothing or to a non-regular file, and a missing folder.
    """
    p = Path(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        folder = p.parent if str(p.parent) else Path(".")
        if not folder.is_dir():
            raise OutputPathError(f"{path}: folder {folder} does not exist") from None
        return p
    except OSError as e:
        raise OutputPathError(f"{path}: cannot check the target ({e.strerror or e})") from e
    if stat.S_ISLNK(st.st_mode):
        try:
            real = os.stat(p)
        except FileNotFoundError:
            raise OutputPathError(f"{path}: a symbolic link to nothing; refusing to write through it") from None
        except OSError as e:
            raise OutputPathError(f"{path}: cannot follow the symbolic link ({e.strerror or e})") from e
        if not stat.S_ISREG(real.st_mode):
            raise OutputPathError(f"{path}: a symbolic link to {file_kind(real.st_mode)}, not a regular file; "
                                  "refusing to replace it")
        return Path(os.path.realpath(p))
    if not stat.S_ISREG(st.st_mode):
        raise OutputPathError(f"{path}: is {file_kind(st.st_mode)}, not a regular file; refusing to replace it")
    return p


def _alive(pid: int) -> bool:
    if pid <= 0:
        return True  # never signal a process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_orphans(folder: Path) -> list[Path]:
    """Remove temp files of writes killed before their rename (this host, pid gone); returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    me = os.getpid()
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if m is None or m["host"] != _HOST:
            continue
        pid = int(m["pid"])
        if pid == me or _alive(pid):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def temp_name(target_name: str) -> str:
    """The name of the temp file a write to ``target_name`` uses (see the module docstring)."""
    return f".{target_name}.{TMP_TAG}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _mode_and_owner(p: Path) -> tuple[int, tuple[int, int] | None]:
    """Keep an existing file's mode (and owner, as root); a new file gets 0666 less the umask."""
    try:
        st = p.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask, None
    return st.st_mode & 0o7777, (st.st_uid, st.st_gid)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """A temp path beside the target of ``path``; renamed over the target when the block succeeds.

    The target is checked by :func:`output_target` first (:class:`OutputPathError`) and
    again just before the rename. On any error the temp file is removed and the error
    raised as is (an ``OSError`` is left to the caller to word).
    """
    target = output_target(path)
    folder = target.parent if str(target.parent) else Path(".")
    remove_orphans(folder)
    mode, owner = _mode_and_owner(target)
    tmp = folder / temp_name(target.name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    os.close(fd)
    try:
        if owner is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.chown(tmp, *owner)
        os.chmod(tmp, mode)
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        output_target(target)  # still absent or a regular file: never rename over a device
        os.replace(tmp, target)
        _fsync_dir(folder)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- a lock for read-modify-write --------------------------------------------------------------

_HELD: dict[str, list[int]] = {}  # lock path -> [fd, depth]: the lock is re-entrant in a process


def lock_path(target: Path) -> Path:
    """The hidden lock file next to ``target`` that writers of ``target`` take."""
    return target.parent / f".{target.name}.lock"


def lock_timeout() -> float:
    """Seconds to wait for a lock: ``SHAREGRAPH_LOCK_TIMEOUT`` if a number, else the default."""
    try:
        return float(os.environ.get("SHAREGRAPH_LOCK_TIMEOUT", LOCK_TIMEOUT_S))
    except ValueError:
        return LOCK_TIMEOUT_S


def _holder(lock: Path) -> str:
    try:
        pid = lock.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "another process"
    return f"process {pid}" if pid.isdigit() else "another process"


@contextlib.contextmanager
def file_lock(path: str | Path, *, timeout: float | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on ``path``'s target (a sidecar ``.<name>.lock`` file) for the block.

    Another process waits (up to ``timeout``, default :data:`LOCK_TIMEOUT_S` or
    ``SHAREGRAPH_LOCK_TIMEOUT`` seconds) and then gets a one-line
    :class:`RegistryFileError` naming the holder's pid. The lock file is removed on
    release; a waiter that locked a file since removed tries again, so no two
    processes ever hold it at once. Yields the target path (see :func:`output_target`).
    """
    target = output_target(path)
    lock = lock_path(target)
    key = os.path.abspath(lock)
    if key in _HELD:
        _HELD[key][1] += 1
        try:
            yield target
        finally:
            _HELD[key][1] -= 1
        return
    wait = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as e:
            raise RegistryFileError(f"{path}: cannot create the lock file {lock.name} ({e.strerror or e})") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise RegistryFileError(
                    f"{path}: {_holder(lock)} is writing it (lock {lock.name}); gave up after {wait:g} s"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
            continue
        try:
            now = os.stat(lock, follow_symlinks=False)
            mine = os.fstat(fd)
            same = (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed it as we waited: lock the new one
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    _HELD[key] = [fd, 1]
    try:
        yield target
    finally:
        del _HELD[key]
        with contextlib.suppress(OSError):
            os.unlink(lock)  # still held: nobody can lock this file and think it current
        os.close(fd)
