"""A whole worker machine dying mid-audit (every process of the worker ``kill -9``ed, the
pool's parent included, so nobody hands the message back): Redis delivers it again after
the visibility timeout, to the other worker, which resumes the run folder.

The visibility timeout is 8 s here (hours in production: longer than the longest task); a
delivery made again while the first attempt still runs finds the client's lock held and is
put off, not dropped, so the outcome does not depend on when the kill lands."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.store import stored_page_count
from tests.fleet.conftest import FleetHarness, RedisServer, running_fleet, wait_for


@pytest.fixture(scope="module")
def short_fleet(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[FleetHarness]:
    with running_fleet(request, redis_server, ["gone"], "visibility_timeout = 8\nrestore_interval = 1\n") as harness:
        yield harness


def test_a_worker_machine_killed_mid_audit_is_taken_over_after_the_visibility_timeout(short_fleet: FleetHarness):
    fleet = short_fleet
    night = dt.date(2026, 12, 5)
    site = fleet.sites["gone"]
    site.gate.clear()
    try:
        fleet.cli("submit", "gone", "--as-of", night.isoformat())
        wait_for(site.held.is_set, "the audit reached /hold.html")
        first = wait_for(lambda: (j := fleet.jobs(night).get("gone")) is not None and j.run_dir and j, "job row")
        wait_for(lambda: (stored_page_count(Path(first.run_dir)) or 0) > 0, "the first attempt stored pages")
        victim = next(w for w in fleet.workers if first.worker.startswith(f"{w.name}@"))
        os.killpg(victim.process.pid, signal.SIGKILL)  # the worker and its audit process: a machine gone
        victim.process.wait(10)
        wait_for(lambda: fleet.jobs(night)["gone"].attempts == 2, "the task delivered again to the other worker")
    finally:
        site.gate.set()
    job = fleet.wait_finished(night, ["gone"])["gone"]
    assert (job.state, job.outcome, job.attempts) == ("done", "done", 2), job
    assert not job.worker.startswith(f"{victim.name}@")
    runs = fleet.history_runs("gone")
    assert len(runs) == 1 and runs[0]["run_dir"] == first.run_dir == job.run_dir
    doc = json.loads((Path(job.run_dir) / "findings.json").read_text("utf-8"))
    assert any(note.startswith("resumed:") for note in doc["notes"]) and doc["pages_crawled"] == 4
