"""The fleet end to end: two real workers, a real Redis and PostgreSQL, local sites."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.fleet.conftest import FleetHarness

SIX = [f"site{n}" for n in range(1, 7)]


def test_six_clients_are_audited_once_with_history_rows_and_reports_in_the_shared_folder(fleet: FleetHarness):
    night = dt.date(2026, 12, 1)
    submitted = fleet.cli("submit", *SIX, "--as-of", night.isoformat())
    assert "6 of 6 clients queued for 2026-12-01" in submitted.stdout

    jobs = fleet.wait_finished(night, SIX)
    for name in SIX:
        job = jobs[name]
        assert (job.state, job.outcome, job.attempts) == ("done", "done", 1), job
        runs = fleet.history_runs(name)
        assert len(runs) == 1 and runs[0]["id"] == job.history_run, runs
        run_dir = Path(runs[0]["run_dir"])
        assert run_dir.parent == fleet.shared / "runs" / name and str(run_dir) == job.run_dir
        doc = json.loads((run_dir / "findings.json").read_text("utf-8"))
        assert [f["code"] for f in doc["findings"]] == ["TP101"]  # the moved price list
        assert (run_dir / "report.html").is_file() and job.report == str(run_dir / "report.html")
        assert (fleet.shared / "runs" / name / "latest").resolve() == run_dir

    status = fleet.cli("status", "--as-of", night.isoformat())
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[2:] if line.strip()}
    for name in SIX:
        assert lines[name].split()[1:3] == ["done", "1"], lines[name]
    assert "6 done" in status.stdout
    assert {job.worker.split()[0] for job in jobs.values() if job.client in SIX} <= {"w1@test", "w2@test"}
