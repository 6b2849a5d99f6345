"""Two processes recording at the same time, as ``run --all --parallel`` does: both succeed,
on a fresh database (so their migrations race too), and the same site's runs still form
one chain (each compared with the one before it)."""

from __future__ import annotations

import multiprocessing
import queue

import pytest
from sqlalchemy import create_engine, select

from auditor.history import History
from auditor.history.database import parse_url
from auditor.history.schema import run_findings, runs, sites
from tests.history.helpers import record_nights

NIGHTS = 4
FINDINGS = 1500


def race(url: str, site_names: list[str]) -> dict[str, str]:
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=record_nights, args=(url, name, NIGHTS, FINDINGS, go, results))
             for name in site_names]
    for proc in procs:
        proc.start()
    go.set()
    outcome: dict[str, str] = {}
    try:
        for _ in procs:
            site, result = results.get(timeout=180)
            outcome[f"{site}#{len(outcome)}"] = result
    except queue.Empty:
        pytest.fail(f"recording processes did not report within 180 s: {outcome}")
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    return outcome


def streaks_of_x(url: str) -> dict[str, list[int]]:
    """Per site, the streak of fingerprint "x" in run order: 1..n when every run saw its predecessor."""
    engine = create_engine(parse_url(url))
    with engine.connect() as conn:
        rows = conn.execute(select(sites.c.name, run_findings.c.streak)
                            .join(runs, runs.c.site_id == sites.c.id)
                            .join(run_findings, run_findings.c.run_id == runs.c.id)
                            .where(run_findings.c.fingerprint == "x").order_by(runs.c.id)).all()
    engine.dispose()
    streaks: dict[str, list[int]] = {}
    for name, streak in rows:
        streaks.setdefault(name, []).append(streak)
    return streaks


def test_two_processes_record_different_sites(history_url):
    outcome = race(history_url, ["acme", "beta"])
    assert sorted(outcome.values()) == ["ok", "ok"]
    assert streaks_of_x(history_url) == {"acme": [1, 2, 3, 4], "beta": [1, 2, 3, 4]}
    with History(history_url) as history:
        assert [r["findings"] for r in history.runs("beta")] == [FINDINGS + 1] * NIGHTS


def test_two_processes_record_the_same_site_in_turn(history_url):
    outcome = race(history_url, ["acme", "acme"])
    assert sorted(outcome.values()) == ["ok", "ok"]
    # Eight runs, each compared with the run recorded just before it, whichever process made it.
    assert streaks_of_x(history_url) == {"acme": list(range(1, 2 * NIGHTS + 1))}
