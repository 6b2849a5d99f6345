"""One run folder, one writer: the audit writing a run folder holds an exclusive lock on it.

Two audits started at once with the same ``--out`` (a cron job and a colleague) would
otherwise both write one store: every link row twice, findings twice. A ``--resume`` of a
folder whose audit is still running, or a ``recheck`` of it, would do the same. So the
audit service holds ``RUN_DIR/audit.lock`` for the whole audit (the command line extends it
over the reports), and a second writer is refused at once, in one line naming the folder
and the holder's pid.

Why ``flock`` on a file rather than a PID file: the kernel drops the lock when the holding
process ends in any way (exit, crash, ``kill -9``, a reboot), so there is never a stale
lock to clean up and no PID to second-guess. ``FileLock`` is that mechanism, shared with the
nightly runs' per-site lock (``auditor.nightly.lock``).

A run folder's lock file is removed on release, so a finished folder holds only what the
audit wrote. That is safe because ``acquire`` checks that the file it locked is still the
one at the path (a holder removing it as another process opened it): otherwise it locks
the new one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from auditor.errors import AuditorError

__all__ = ["LOCK_FILE", "FileLock", "RunDirLock", "RunDirLocked", "hold_run_dir"]

LOCK_FILE = "audit.lock"


class FileLock:
    """``flock`` on ``path``: ``acquire`` holds it or raises ``refused(holder)`` at once
    (never waits); the file holds the holder's pid and start time for that message."""

    remove_on_release = False

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def refused(self, holder: str) -> AuditorError:
        """The error for a lock held elsewhere; ``holder``: "pid N since TIME", or ""."""
        raise NotImplementedError

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise self.refused(holder) from None
            except BaseException:
                os.close(fd)
                raise
            if _is_at(fd, self.path):
                break
            os.close(fd)  # removed by its holder as we opened it: lock the file there now
        # Only the holder writes, so a reader sees either the old holder's text or ours.
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
                 .encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            if self.remove_on_release and _is_at(fd, self.path):
                os.unlink(self.path)  # while still held: see the module's docstring
            else:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class RunDirLocked(AuditorError):
    """Another process is writing this run folder right now."""


class RunDirLock(FileLock):
    """The lock of one run folder (``RUN_DIR/audit.lock``); creates the folder if needed and
    says whether it did (``created``: an audit that stores nothing removes it again)."""

    remove_on_release = True

    def __init__(self, run_dir: Path) -> None:
        super().__init__(Path(run_dir) / LOCK_FILE)
        self.run_dir = Path(run_dir)
        self.created = False

    def acquire(self) -> None:
        self.created = not self.run_dir.exists()
        super().acquire()

    def refused(self, holder: str) -> AuditorError:
        by = f" ({holder})" if holder else ""
        return RunDirLocked(f"the run folder {self.run_dir} is in use by another audit{by}; "
                            "only one audit at a time writes a run folder")


_HELD: dict[Path, RunDirLock] = {}


@contextlib.contextmanager
def hold_run_dir(run_dir: Path) -> Iterator[RunDirLock]:
    """Hold ``run_dir``'s lock for the block (``RunDirLocked`` when another process holds it).
    Nested holds of one folder in one process share the outer one: the command line holds
    it over the audit and its reports, the audit service over the audit alone."""
    key = Path(run_dir).resolve()
    held = _HELD.get(key)
    if held is not None:
        yield held
        return
    lock = RunDirLock(run_dir)
    lock.acquire()
    _HELD[key] = lock
    try:
        yield lock
    finally:
        del _HELD[key]
        lock.release()


def _is_at(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is the file at ``path`` now."""
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
