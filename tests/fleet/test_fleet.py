"""The fleet end to end: two real workers, a real Redis and PostgreSQL, local sites."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
from pathlib import Path

from auditor.store import stored_page_count
from tests.fleet.conftest import FleetHarness, wait_for

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
    # The portfolio dashboard ([dashboard] out) is rewritten after each client: every one is on it.
    page = (fleet.folder / "dashboard" / "index.html").read_text("utf-8")
    assert all(name in page for name in SIX)


def _client_folders(fleet: FleetHarness, name: str) -> list[str]:
    return sorted(p.name for p in (fleet.shared / "runs" / name).iterdir())


def test_a_worker_killed_mid_audit_leaves_the_client_audited_exactly_once(fleet: FleetHarness):
    night = dt.date(2026, 12, 2)
    site = fleet.sites["gated"]
    site.gate.clear()  # the audit stops at /hold.html until the test says go
    try:
        fleet.cli("submit", "gated", "--as-of", night.isoformat())
        wait_for(site.held.is_set, "the audit of 'gated' reached /hold.html")
        first = wait_for(lambda: (j := fleet.jobs(night).get("gated")) is not None and j.run_dir and j, "job row")
        wait_for(lambda: (stored_page_count(Path(first.run_dir)) or 0) > 0, "the first attempt stored pages")
        os.kill(first.pid, signal.SIGKILL)  # the audit's process, mid-crawl
        wait_for(lambda: fleet.jobs(night)["gated"].attempts == 2, "the task delivered again")
    finally:
        site.gate.set()
    job = fleet.wait_finished(night, ["gated"])["gated"]
    assert (job.state, job.outcome, job.attempts) == ("done", "done", 2), job
    runs = fleet.history_runs("gated")
    assert len(runs) == 1 and runs[0]["id"] == job.history_run
    # The killed attempt's folder was resumed, not left beside a second one.
    assert runs[0]["run_dir"] == first.run_dir == job.run_dir
    assert _client_folders(fleet, "gated") == sorted([Path(first.run_dir).name, "latest"])
    doc = json.loads((Path(job.run_dir) / "findings.json").read_text("utf-8"))
    assert any(note.startswith("resumed:") for note in doc["notes"]), doc["notes"]
    assert doc["pages_crawled"] == 4 and [f["code"] for f in doc["findings"]] == ["TP101"]


def test_two_submits_at_once_make_one_audit_and_a_duplicate_message_is_ignored(fleet: FleetHarness):
    night = dt.date(2026, 12, 3)
    site = fleet.sites["twice"]
    site.gate.clear()
    try:
        both = [fleet.popen_cli("submit", "twice", "--as-of", night.isoformat()) for _ in range(2)]
        outputs = sorted(p.communicate(timeout=60)[0] for p in both)
        assert [p.returncode for p in both] == [0, 0]
        assert ["0 of 1 clients queued" in outputs[0], "1 of 1 clients queued" in outputs[1]] == [True, True], outputs
        wait_for(site.held.is_set, "the audit of 'twice' reached /hold.html")
        # A second message for the same client and night (a broker delivering twice, a
        # submit by hand): the other worker takes it, finds the client's lock held, and sends
        # it again to look later (it would take over if the first worker died).
        fleet.send_raw("twice", night.isoformat())
        wait_for(lambda: "twice: another worker is auditing it" in fleet.all_logs(), "the duplicate put off")
    finally:
        site.gate.set()
    job = fleet.wait_finished(night, ["twice"])["twice"]
    assert (job.state, job.attempts) == ("done", 1)
    ignored = "twice: already finished for 2026-12-03; this delivery is ignored"
    wait_for(lambda: ignored in fleet.all_logs(), "the put-off duplicate dropped once the client is done")
    # Once done, a late message is acknowledged and ignored too.
    fleet.send_raw("twice", night.isoformat())
    wait_for(lambda: fleet.all_logs().count(ignored) == 2, "the late message ignored")
    assert len(fleet.history_runs("twice")) == 1
    assert fleet.jobs(night)["twice"].attempts == 1


def test_redis_restarted_during_a_run_loses_no_client(fleet: FleetHarness):
    night = dt.date(2026, 12, 4)
    held = [fleet.sites["redis-a"], fleet.sites["redis-b"]]
    for site in held:
        site.gate.clear()
    try:
        fleet.cli("submit", "redis-a", "redis-b", "--as-of", night.isoformat())
        for site in held:  # both workers busy: the next client stays in the queue
            wait_for(site.held.is_set, "both audits under way")
        fleet.cli("submit", "redis-c", "--as-of", night.isoformat())
        assert fleet.redis.queue_length(fleet.queue) == 1  # waiting: both workers' one process is busy
        # Stopped and started again on its append-only file. (Right after reconnecting a worker
        # may reserve redis-c while its process is still busy: the queue's length afterwards
        # is not a fact to assert; that redis-c is audited, once, is.)
        fleet.redis.restart()
    finally:
        for site in held:
            site.gate.set()
    jobs = fleet.wait_finished(night, ["redis-a", "redis-b", "redis-c"], deadline=90)
    for name in ("redis-a", "redis-b", "redis-c"):
        assert (jobs[name].state, jobs[name].outcome) == ("done", "done"), jobs[name]
        assert len(fleet.history_runs(name)) == 1


def test_the_worker_unit_starts_a_fleet_worker():
    import configparser
    import shlex

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(Path(__file__).parents[2] / "contrib" / "touchpoint-auditor-worker.service", "utf-8")
    argv = shlex.split(unit["Service"]["ExecStart"])
    assert argv[1:5] == ["fleet", "worker", "--portfolio", "/etc/touchpoint-auditor/portfolio.toml"]
    assert unit["Service"]["KillSignal"] == "SIGTERM" and unit["Service"]["Restart"] == "always"
    from auditor.cli.options import build_parser

    parsed = build_parser().parse_args(argv[1:])  # the flags exist
    assert (parsed.fleet_command, parsed.concurrency) == ("worker", 2)
