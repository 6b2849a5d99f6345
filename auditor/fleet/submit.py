"""``fleet submit`` and ``fleet status``: tonight's jobs, recorded in PostgreSQL before they are queued.

Submit writes the client's row first and sends the message only when the row is new (or
was failed): two submits of one client at the same moment insert one row, so one
message, so one audit. A message the broker refuses (Redis down) withdraws its row
again, so the next submit (tomorrow's cron, or by hand) sends it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from auditor.errors import AuditorError
from auditor.fleet import state
from auditor.fleet.settings import Fleet
from auditor.nightly.portfolio import Client


class BrokerUnavailable(AuditorError):
    """The broker did not take the message."""


@dataclass(frozen=True)
class Submitted:
    client: str
    sent: bool
    why: str  # queued | already submitted | ...


def submit(fleet: Fleet, clients: list[Client], night: dt.date, *, again: bool = False,
           report: Callable[[Submitted], None] = lambda _s: None) -> list[Submitted]:
    """Queue ``clients`` for ``night``; each result says whether a message was sent."""
    from kombu.exceptions import OperationalError

    from auditor.fleet.celery_app import make_app, send

    engine = state.open_state(fleet.history_url)
    app = make_app(fleet)
    out = []
    try:
        for client in clients:
            if not state.submit(engine, client.name, night, again=again):
                result = Submitted(client.name, False, "already submitted for this night")
            else:
                try:
                    send(app, fleet, client.name, night.isoformat())
                except OperationalError as exc:
                    state.forget(engine, client.name, night)
                    raise BrokerUnavailable(f"broker {_masked(fleet.settings.broker)} did not take {client.name}: "
                                            f"{exc}") from None
                result = Submitted(client.name, True, "queued")
            report(result)
            out.append(result)
    finally:
        engine.dispose()
        app.close()
    return out


def _masked(url: str) -> str:
    from auditor.history.database import mask

    return mask(url)


@dataclass(frozen=True)
class Row:
    client: str
    state: str  # queued | running | done | failed | lost | not submitted
    attempts: int
    detail: str


def status(fleet: Fleet, night: dt.date) -> list[Row]:
    """One row per client of the portfolio (and per job of a client no longer in it)."""
    engine = state.open_state(fleet.history_url)
    try:
        jobs = {job.client: job for job in state.tonight(engine, night)}
    finally:
        engine.dispose()
    names = list(fleet.portfolio.clients) + sorted(set(jobs) - set(fleet.portfolio.clients))
    return [_row(name, jobs.get(name)) for name in names]


def _row(name: str, job: state.Job | None) -> Row:
    if job is None:
        return Row(name, "not submitted", 0, "")
    if job.state == state.RUNNING:
        if not job.running_now:  # nobody holds the lock: the worker is gone, the message comes back
            return Row(name, "lost", job.attempts, f"worker {job.worker} gone mid-audit; the broker delivers it "
                                                   "again (past a hard time limit it does not: fleet submit --again) "
                                                   f"(run folder {job.run_dir})")
        return Row(name, "running", job.attempts, f"on {job.worker} since {_time(job.started_at)}")
    if job.state == state.QUEUED:
        return Row(name, "queued", job.attempts, f"since {_time(job.submitted_at)}")
    where = job.report or job.run_dir or ""
    took = f"{job.seconds:.0f} s" if job.seconds is not None else ""
    if job.state == state.DONE:
        kind = "" if job.outcome == "done" else f"{job.outcome}: "
        pages = f"{job.pages} pages, " if job.pages else ""
        run = f"history run {job.history_run}; " if job.history_run else ""
        return Row(name, "done", job.attempts, f"{kind}{pages}{took}; {run}{job.message or where}".strip("; "))
    return Row(name, "failed", job.attempts, f"{job.message or job.outcome}")


def _time(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%H:%M:%S") if value is not None else "-"
