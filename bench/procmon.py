"""Run one command with a time limit and measure its wall time and peak memory.

Peak memory is measured by sampling ``/proc`` every ``interval`` seconds for
the command's process and all its descendants, two ways:

* **tree RSS**: the sum of their resident set sizes (``/proc/PID/statm``), so
  a tool that forks workers, or a wrapper that starts the real tool, is
  charged for all of them. Sampling can miss a spike shorter than the
  interval, and pages shared between processes are counted once per process
  (an overestimate for multi-process tools, exact for single-process ones).
* **largest VmHWM**: the kernel's exact high-water mark of each process
  (``/proc/PID/status``), which catches a spike between two samples, but is
  per process: for a tree it is the largest member, not the sum.

The reported peak is the larger of the two. ``ru_maxrss`` from ``wait4()`` is
not used: Linux carries it across ``fork``/``exec``, so every child starts
with the harness's own RSS (about 15 MB of Python) and a small tool like
wget would be charged for the harness.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


@dataclass(frozen=True)
class RunResult:
    """What one measured run produced."""

    returncode: int | None  # None when killed for the time limit
    seconds: float
    timed_out: bool
    tree_rss_peak_mb: float
    max_hwm_mb: float
    stdout: Path
    stderr: Path

    @property
    def peak_rss_mb(self) -> float:
        """The figure the table reports; see the module docstring."""
        return max(self.tree_rss_peak_mb, self.max_hwm_mb)


@dataclass
class MemoryPeak:
    """Running maxima over all samples of one process tree."""

    tree_rss: int = 0
    hwm: int = 0

    def sample(self, root: int) -> None:
        """Take one sample of the tree rooted at ``root``."""
        total = 0
        for pid in tree_pids(root):
            rss, hwm = process_memory(pid)
            total += rss
            self.hwm = max(self.hwm, hwm)
        self.tree_rss = max(self.tree_rss, total)


def parent_map() -> dict[int, list[int]]:
    """ppid -> child pids for every process visible in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # exited between scandir and open
        # The command name may contain spaces and parentheses: split after the last ')'.
        fields = stat[stat.rindex(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children = parent_map()
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return pids


def process_memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of one process in bytes; zeros if it is gone or a zombie."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
                elif line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                    break  # VmRSS follows VmHWM
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm


class Waiter(threading.Thread):
    """Reap the child with a blocking ``wait4`` so its end time is exact.

    Polling with ``WNOHANG`` would add up to one sampling interval to every
    wall time, which matters for the tools that finish in a few seconds.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.done = threading.Event()
        self.end = 0.0
        self.status = 0

    def run(self) -> None:
        _, self.status, _ = os.wait4(self.pid, 0)
        self.end = time.monotonic()
        self.done.set()


def kill_group(pgid: int, waiter: Waiter, grace: float = 5.0) -> None:
    """Stop the process group we started for this command: TERM, then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        if waiter.done.wait(grace):
            return


def run_measured(
    argv: list[str],
    cwd: Path,
    timeout: float,
    env: dict[str, str] | None = None,
    interval: float = 0.05,
) -> RunResult:
    """Run ``argv`` in ``cwd``, output to ``cwd/stdout.txt`` and ``cwd/stderr.txt``.

    The command gets its own session (process group) so that a time-out can
    stop it and every child it started, and nothing else.
    """
    out_path, err_path = cwd / "stdout.txt", cwd / "stderr.txt"
    peak = MemoryPeak()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True
        )
        waiter = Waiter(proc.pid)
        waiter.start()
        timed_out = False
        try:
            while not waiter.done.wait(interval):
                peak.sample(proc.pid)
                if time.monotonic() - start > timeout:
                    timed_out = True
                    kill_group(proc.pid, waiter)
                    break
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): do not leave the tool running
            kill_group(proc.pid, waiter)
            raise
        waiter.join()
    proc.returncode = os.waitstatus_to_exitcode(waiter.status)  # so Popen never waits again
    return RunResult(
        returncode=None if timed_out else proc.returncode,
        seconds=(waiter.end or time.monotonic()) - start,
        timed_out=timed_out,
        tree_rss_peak_mb=peak.tree_rss / MB,
        max_hwm_mb=peak.hwm / MB,
        stdout=out_path,
        stderr=err_path,
    )
