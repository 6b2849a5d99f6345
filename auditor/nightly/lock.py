"""A per-site lock, so two audits of the same site never overlap.

Why ``flock`` on a file rather than a PID file: the kernel drops the lock when the holding
process ends in any way (exit, crash, ``kill -9``, a reboot), so there is never a stale
lock to clean up and no PID to second-guess. A PID file after ``kill -9`` would block the
next night until someone deletes it by hand.

The lock file stays in place between runs (deleting it while another process waits on it
would let two processes lock two different files); it holds the holder's pid and start
time, for the message the second run prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path
from types import TracebackType

from auditor.errors import AuditorError


class SiteLocked(AuditorError):
    """Another process is auditing this site right now."""


class SiteLock:
    """``with SiteLock(path, "acme"):`` holds the lock or raises ``SiteLocked`` at once (never waits)."""

    def __init__(self, path: Path, site: str) -> None:
        self.path = Path(path)
        self.site = site
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise SiteLocked(f"{self.site} is already being audited{holder}; this run was not started "
                             f"(lock {self.path})") from None
        except BaseException:
            os.close(fd)
            raise
        # Only the holder writes, so the reader above sees either the old holder's text or ours.
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
                 .encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> SiteLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" by another process ({text})" if text else " by another process"
