"""One run folder, one writer (issue 24): two audits racing for one ``--out`` (real processes),
``--resume`` and ``recheck`` of a folder whose audit still runs, the lock after ``kill -9``."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.devserver import serve
from auditor.store.lock import LOCK_FILE, RunDirLock, RunDirLocked
from tests.store.test_resume import _make_site

ROOT = Path(__file__).parents[2]


def _slow_config(tmp_path: Path) -> Path:
    """About four seconds of crawling (81 pages at 20 a second): long enough that a second
    process started at the same moment reaches the folder while the first one writes it."""
    cfg = tmp_path / "slow.toml"
    cfg.write_text("[crawl]\nrate_limit = 20\nper_host = 2\nconcurrency = 2\n", "utf-8")
    return cfg


def _audit(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "auditor.cli", "audit", *args, "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _store_rows(out: Path) -> dict[str, Counter]:
    """What an audit stored, as multisets (a row stored twice counts twice); without what
    differs between two runs of one site (fetch times, discovery order)."""
    db = sqlite3.connect(f"file:{out / 'run.sqlite'}?mode=ro", uri=True)
    try:
        queries = {
            "pages": "SELECT url, status, content_type, content_hash, title, anchors, facts FROM pages",
            "links": "SELECT source, target, fragment, text, element, internal FROM links",
            "link_results": "SELECT url, status, error, hops FROM link_results",
            "findings": "SELECT fingerprint, code, scope, page_url FROM findings",
            "urls": "SELECT url, kind, state FROM urls",
        }
        return {name: Counter(db.execute(sql).fetchall()) for name, sql in queries.items()}
    finally:
        db.close()


def _refusal(out: Path, pid: int) -> str:
    return f"touchpoint-auditor: error: the run folder {out} is in use by another audit (pid {pid} since "


def test_two_audits_racing_for_one_folder_one_is_refused_and_the_store_is_a_single_runs(tmp_path):
    site_dir = tmp_path / "site"
    _make_site(site_dir)
    cfg = _slow_config(tmp_path)
    out, alone = tmp_path / "run", tmp_path / "alone"
    with serve(site_dir) as site:
        args = (site.base_url, "--config", str(cfg), "--checks", "links")
        racers = [_audit(*args, "--out", str(out)), _audit(*args, "--out", str(out))]
        results = [(proc, *proc.communicate(timeout=300)) for proc in racers]
        single = _audit(*args, "--out", str(alone))
        _, single_err = single.communicate(timeout=300)
    assert single.returncode in (0, 1), single_err
    refused = [(proc, err) for proc, _, err in results if proc.returncode == 2]
    finished = [(proc, err) for proc, _, err in results if proc.returncode in (0, 1)]
    assert len(refused) == 1 and len(finished) == 1, [(p.returncode, err) for p, _, err in results]
    (_, loser_err), (winner, _) = refused[0], finished[0]
    assert loser_err.startswith(_refusal(out, winner.pid)), loser_err
    assert loser_err.endswith("); only one audit at a time writes a run folder\n") and loser_err.count("\n") == 1
    assert _store_rows(out) == _store_rows(alone)
    assert sum(_store_rows(out)["links"].values()) > 200  # the comparison compared something
    assert not (out / LOCK_FILE).exists()  # released and removed: the folder holds only the audit


def test_resume_or_recheck_of_a_running_folder_is_refused_and_the_lock_ends_with_kill_9(tmp_path, capsys):
    site_dir = tmp_path / "site"
    _make_site(site_dir)
    out = tmp_path / "run"
    with serve(site_dir) as site:
        running = _audit(site.base_url, "--config", str(_slow_config(tmp_path)), "--checks", "links",
                         "--out", str(out))
        deadline = time.monotonic() + 120
        # Until the audit holds its folder and has stored something (the lock file names it).
        while not ((out / "run.sqlite").exists() and _holder(out) == f"pid {running.pid}"):
            assert running.poll() is None, running.communicate()
            assert time.monotonic() < deadline, "the audit never took its folder"
            time.sleep(0.05)
        try:
            for argv in (["audit", "--resume", str(out), "--quiet"], ["recheck", str(out)]):
                assert main(argv) == 2
                err = capsys.readouterr().err
                assert err.startswith(_refusal(out, running.pid)) and err.count("\n") == 1, err
        finally:
            os.kill(running.pid, signal.SIGKILL)
            running.communicate()
        assert (out / LOCK_FILE).exists()  # left by the killed audit, but no longer locked
        assert main(["audit", "--resume", str(out), "--quiet"]) in (0, 1), capsys.readouterr().err
    assert not (out / LOCK_FILE).exists()


def _holder(out: Path) -> str:
    try:
        return (out / LOCK_FILE).read_text("utf-8").split(" since ", 1)[0]
    except FileNotFoundError:
        return ""


def test_nested_holds_in_one_process_share_the_lock_and_the_file_goes_with_the_last(tmp_path):
    from auditor.store import hold_run_dir

    run_dir = tmp_path / "new"
    with hold_run_dir(run_dir) as outer:
        assert outer.created and outer.held
        with hold_run_dir(tmp_path / "." / "new") as inner:
            assert inner is outer
        assert (run_dir / LOCK_FILE).exists()
        with pytest.raises(RunDirLocked, match=rf"\(pid {os.getpid()} since "):
            RunDirLock(run_dir).acquire()  # another open file description: refused like another process
    assert not (run_dir / LOCK_FILE).exists()
    with hold_run_dir(run_dir) as again:
        assert not again.created
