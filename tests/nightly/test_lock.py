"""The per-site lock: a second run of a site is refused at once, touches nothing of the first,
and a holder killed with SIGKILL leaves no stale lock behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.nightly.lock import SiteLock, SiteLocked
from tests.nightly.conftest import write_portfolio

HOLD = """
import sys
from auditor.nightly.lock import SiteLock
lock = SiteLock(sys.argv[1], "shop")
lock.acquire()
print("held", flush=True)
sys.stdin.read()  # hold until the test closes our stdin (or kills us)
"""


def hold_in_other_process(path: Path) -> subprocess.Popen[str]:
    """A real second process holding the lock; returns once it says it holds it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).parents[2])
    assert proc.stdout is not None
    assert proc.stdout.readline() == "held\n"  # blocks until the child holds the lock (or dies: "")
    return proc


def test_second_holder_is_refused_with_one_line_naming_the_holder(tmp_path):
    path = tmp_path / "locks" / "shop.lock"
    holder = hold_in_other_process(path)
    try:
        with pytest.raises(SiteLocked) as refused:
            SiteLock(path, "shop").acquire()
        message = str(refused.value)
        assert message.startswith(f"shop is already being audited by another process (pid {holder.pid} since ")
        assert message.endswith(f"this run was not started (lock {path})") and "\n" not in message
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(10)
    with SiteLock(path, "shop") as lock:  # released when the holder exits
        assert lock.held


def test_a_holder_killed_with_sigkill_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "shop.lock"
    holder = hold_in_other_process(path)
    with pytest.raises(SiteLocked):
        SiteLock(path, "shop").acquire()
    os.kill(holder.pid, signal.SIGKILL)
    assert holder.wait(10) == -signal.SIGKILL
    with SiteLock(path, "shop") as lock:  # no clean-up needed: the kernel dropped the lock
        assert lock.held
    holder.stdout.close()  # type: ignore[union-attr]
    holder.stdin.close()  # type: ignore[union-attr]


def test_locks_of_different_sites_are_independent_and_release_is_idempotent(tmp_path):
    with SiteLock(tmp_path / "a.lock", "a"), SiteLock(tmp_path / "b.lock", "b") as b:
        assert b.held
        b.release()
        b.release()
        assert not b.held
        with SiteLock(tmp_path / "b.lock", "b"):
            pass


def test_run_of_a_locked_client_exits_2_and_touches_nothing(sites, tmp_path, cli):
    portfolio = write_portfolio(tmp_path, f'[clients.shop]\ntarget = "{sites.shop.base_url}"\n',
                                portfolio=f'history = "sqlite:///{tmp_path / "history.db"}"')
    first = cli("run", "shop", "--portfolio", str(portfolio), "--as-of", "2026-12-01", "--format", "json")
    assert first.exit_code == 0, first.stderr
    runs = tmp_path / "data" / "runs" / "shop"
    before = sorted(p.name for p in runs.iterdir())
    latest = (runs / "latest").resolve()
    findings = (latest / "findings.json").read_bytes()
    holder = hold_in_other_process(tmp_path / "data" / "locks" / "shop.lock")
    try:
        second = cli("run", "shop", "--portfolio", str(portfolio), "--as-of", "2026-12-02")
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(10)
    assert second.exit_code == 2
    [line] = second.stderr.splitlines()
    assert line.startswith("touchpoint-auditor: error: shop: locked: shop is already being audited by another "
                           f"process (pid {holder.pid} since ")
    assert second.stdout == ""
    assert sorted(p.name for p in runs.iterdir()) == before  # no new run folder
    assert (runs / "latest").resolve() == latest and (latest / "findings.json").read_bytes() == findings
    listed = cli("history", "shop", "--portfolio", str(portfolio))
    assert listed.stdout.splitlines()[0] == "shop: 1 run, newest first"  # nothing recorded
