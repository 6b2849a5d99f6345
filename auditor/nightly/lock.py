"""A per-site lock, so two audits of the same site never overlap.

The mechanism is the store's ``FileLock`` (``flock`` on a file: the kernel drops it when the
holder ends in any way, ``kill -9`` included, so there is never a stale lock; see
``auditor/store/lock.py``). Unlike a run folder's lock, this file stays in place between
runs (deleting it while another process waits on it would let two processes lock two
different files); it holds the holder's pid and start time, for the message the second
run prints.
"""

from __future__ import annotations

from pathlib import Path

from auditor.errors import AuditorError
from auditor.store.lock import FileLock


class SiteLocked(AuditorError):
    """Another process is auditing this site right now."""


class SiteLock(FileLock):
    """``with SiteLock(path, "acme"):`` holds the lock or raises ``SiteLocked`` at once (never waits)."""

    def __init__(self, path: Path, site: str) -> None:
        super().__init__(path)
        self.site = site

    def refused(self, holder: str) -> AuditorError:
        by = f" ({holder})" if holder else ""
        return SiteLocked(f"{self.site} is already being audited by another process{by}; this run was not started "
                          f"(lock {self.path})")

    def __enter__(self) -> SiteLock:
        self.acquire()
        return self
