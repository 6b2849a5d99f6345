"""``run --all``: clients in their own processes, a few at a time; one client failing, locked,
killed or out of time never stops the others; a summary line per client; exit status."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from auditor.devserver import serve
from auditor.nightly import RunOptions, run_clients
from auditor.nightly.portfolio import load_portfolio
from tests.conftest import SITES
from tests.nightly.conftest import write_portfolio
from tests.nightly.test_lock import hold_in_other_process

DEADLINE_S = 60


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)  # polling interval; the loop ends on the condition or the deadline


def test_failed_and_locked_clients_do_not_stop_the_others(sites, tmp_path, cli):
    portfolio = write_portfolio(tmp_path, f"""
[clients.down]
target = "http://127.0.0.1:1/"

[clients.shop]
target = "{sites.shop.base_url}"
crawl.resolve = ["{sites.resolve}"]

[clients.busy]
target = "{sites.shop.base_url}"

[clients.resting]
target = "{sites.shop.base_url}"
enabled = false
""", portfolio=f'parallel = 2\nhistory = "sqlite:///{tmp_path / "history.db"}"')
    holder = hold_in_other_process(tmp_path / "data" / "locks" / "busy.lock")
    try:
        result = cli("run", "--all", "--portfolio", str(portfolio), "--as-of", "2026-12-01", "--format", "json")
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(10)
    assert result.exit_code == 2  # a client could not be audited: someone must look
    shop_dir = (tmp_path / "data" / "runs" / "shop" / "latest").resolve()
    assert sorted(result.stdout.splitlines()) == sorted([
        f"shop: 5 pages; 4 new, 0 fixed, 0 persisting, 0 suppressed; 0 alerts; report {shop_dir / 'findings.json'}",
        "  note: grammar not checked (TP302): Hunspell chosen in the configuration (engine = \"hunspell\"); "
        "spelling was checked with Hunspell only",
        "3 clients: 1 done, 1 unreachable, 1 locked"])
    assert result.stdout.splitlines()[-1] == "3 clients: 1 done, 1 unreachable, 1 locked"
    errors = sorted(result.stderr.splitlines())
    assert len(errors) == 2
    assert errors[0].startswith("touchpoint-auditor: error: busy: locked: busy is already being audited by "
                                f"another process (pid {holder.pid} since ")
    assert errors[1] == ("touchpoint-auditor: error: down: unreachable: http://127.0.0.1:1/: "
                         "the server refused the connection")
    assert list((tmp_path / "data" / "runs" / "down").iterdir()) == []  # no half run left behind
    assert not (tmp_path / "data" / "runs" / "resting").exists()  # disabled: not run by --all


def test_a_client_process_killed_midway_is_reported_and_the_next_one_runs(sites, tmp_path):
    with serve(SITES / "nightly-slow") as slow:
        path = write_portfolio(tmp_path, f"""
[clients.victim]
target = "{slow.base_url}"

[clients.shop]
target = "{sites.shop.base_url}"
crawl.resolve = ["{sites.resolve}"]
""", portfolio=f'history = "sqlite:///{tmp_path / "history.db"}"')
        portfolio = load_portfolio(path, {"report": {"formats": ["json"]}})
        clients = portfolio.select([], everyone=True)
        seen: list = []
        outcomes: list = []
        worker = threading.Thread(target=lambda: outcomes.extend(run_clients(
            portfolio, clients, RunOptions(history_url=portfolio.history_url), seen.append)))
        worker.start()
        # The victim's process is crawling once the slow site has been asked for a slow page.
        wait_for(lambda: any("/p" in key for key in slow.hits), "the victim's crawl")
        [child] = multiprocessing.active_children()
        os.kill(child.pid, signal.SIGKILL)
        worker.join(DEADLINE_S)
        assert not worker.is_alive()
    victim, shop = outcomes
    assert (victim.client, victim.status) == ("victim", "failed")
    assert victim.message == "the audit process ended without a result (killed by SIGKILL)"
    assert (shop.client, shop.status, shop.pages, shop.new) == ("shop", "done", 5, 4)
    assert [o.client for o in seen] == ["victim", "shop"]  # each reported as it ended


def test_time_budget_cuts_the_crawl_short_and_skips_clients_not_started(sites, tmp_path, cli):
    with serve(SITES / "nightly-slow") as slow:
        portfolio = write_portfolio(tmp_path, f"""
[clients.slow]
target = "{slow.base_url}"
crawl.concurrency = 2

[clients.shop]
target = "{sites.shop.base_url}"
""", portfolio=f'history = "sqlite:///{tmp_path / "history.db"}"\ntime_budget = 600')
        # --time-budget wins over the portfolio's 600 s; 12 pages of 1.5 s, 2 at a time, need 9 s
        # (the crawl stops taking pages at its deadline; pages being fetched are finished).
        result = cli("run", "--all", "--portfolio", str(portfolio), "--time-budget", "3", "--format", "json")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("slow: ") and "(incomplete crawl: nothing counted as fixed)" in lines[0]
    assert any(line.startswith("  note: time budget of ") and "the crawl is incomplete" in line for line in lines)
    assert lines[-1] == "2 clients: 1 done, 1 skipped"
    assert result.stderr == ("touchpoint-auditor: error: shop: skipped: the time budget of 3 s was spent before "
                             "this client could start\n")
    listed = cli("history", "slow", "--portfolio", str(portfolio))
    assert listed.stdout.splitlines()[2].split()[8] == "no"  # recorded as incomplete


def test_retention_keeps_the_newest_runs_and_deletes_older_folders(sites, tmp_path, night):
    portfolio = write_portfolio(tmp_path, f'[clients.shop]\ntarget = "{sites.shop.base_url}"\nkeep_runs = 2\n',
                                portfolio=f'history = "sqlite:///{tmp_path / "history.db"}"')
    dirs: list[Path] = []
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        ran = night(portfolio, "shop", "--as-of", day, "--format", "json")
        assert ran.exit_code == 0, ran.stderr
        dirs.append(ran.run_dir)
    assert not dirs[0].exists() and dirs[1].is_dir() and dirs[2].is_dir()
    root = tmp_path / "data" / "runs" / "shop"
    assert sorted(p.name for p in root.iterdir()) == sorted([dirs[1].name, dirs[2].name, "latest"])
