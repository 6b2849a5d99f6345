"""One client's audit as a Celery task: the advisory lock, the job row, and the nightly code path.

The task is idempotent: it audits nothing for a client another worker is auditing (the
lock is taken: the message is sent again to look later, so it can take over should that
worker die) or that is already finished tonight (the row says so: the message is
dropped), so a message delivered twice, or sent again by ``submit --again``, never makes a
second audit.

Resume, not restart: a worker killed mid-audit leaves its run folder (never recorded in
history, so never shown as done). The next attempt resumes it when its store is intact
(the crawl goes on from the stored frontier, pages already fetched are not fetched
again); a damaged or empty one is deleted and the audit starts afresh. After
``max_attempts`` deliveries that each began an audit the client is failed, so a site that
kills its worker every time (a browser crash, memory) cannot loop for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import time
from pathlib import Path
from typing import Any

from auditor.fleet import state
from auditor.fleet.settings import Fleet
from auditor.nightly.outcome import ClientOutcome, RunOptions
from auditor.nightly.portfolio import Client, Portfolio

log = logging.getLogger(__name__)
BUSY = "busy"  # the client's lock is held by another worker

# Set by the worker before Celery starts its processes (they inherit it when forked).
FLEET: Fleet | None = None
_engines: dict[int, Any] = {}


def engine() -> Any:
    """One engine per process: a forked pool process must not share its parent's connections."""
    pid = os.getpid()
    if pid not in _engines:
        assert FLEET is not None, "the fleet worker sets auditor.fleet.task.FLEET before starting"
        _engines.clear()
        _engines[pid] = state.open_state(FLEET.history_url)
    return _engines[pid]


class _Held:
    """The lock ``run_client`` takes, already taken here (the PostgreSQL advisory lock)."""

    def acquire(self) -> None:
        return None

    def release(self) -> None:
        return None


# PostgreSQL unreachable: the task is sent again this much later, for about an hour, and the
# client's row says what happened once the database answers again.
DB_RETRY_SECONDS = 30
DB_RETRIES = 120


def run_task(task: Any, client_name: str, night_text: str) -> str:
    """The body of the audit task; returns a line for the worker's log. When PostgreSQL cannot
    be reached (before the audit, or to record it) the task is retried later: the lock and the
    row are the fleet's guarantees, and an audit that cannot take or record them does not run."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    try:
        line = _run(client_name, night_text, task)
    except (OperationalError, InterfaceError, state.FleetStateError) as exc:
        _engines.clear()  # a new connection pool once the server is back
        raise task.retry(exc=exc, countdown=DB_RETRY_SECONDS, max_retries=DB_RETRIES) from None
    if line is BUSY:
        # Another worker audits this client right now. This message is kept (sent again
        # later) rather than dropped: should that worker die, this copy takes over.
        assert FLEET is not None
        recheck = FLEET.settings.recheck_seconds
        log.info("%s: another worker is auditing it; this delivery checks again in %g s", client_name, recheck)
        raise task.retry(countdown=recheck, max_retries=None)
    return line


def _run(client_name: str, night_text: str, task: Any) -> str:
    assert FLEET is not None
    fleet = FLEET
    night = dt.date.fromisoformat(night_text)
    worker = f"{getattr(task.request, 'hostname', None) or socket.gethostname()} pid {os.getpid()}"
    with engine().connect() as conn:
        if not state.try_lock(conn, client_name):
            return BUSY
        try:
            return _locked(fleet, conn, client_name, night, worker)
        finally:
            try:
                state.unlock(conn, client_name)
            except Exception:  # the connection is gone: so is the lock
                conn.invalidate()


def _locked(fleet: Fleet, conn: Any, client_name: str, night: dt.date, worker: str) -> str:
    job = state.claim(conn, client_name, night, worker, os.getpid())
    if job is None:
        return f"{client_name}: already finished for {night}; this delivery is ignored"
    client = fleet.portfolio.clients.get(client_name)
    if client is None:
        state.finish(conn, job.id, state=state.FAILED, outcome="failed",
                     message=f"no client {client_name!r} in this worker's portfolio {fleet.portfolio.path}")
        return f"{client_name}: not in the portfolio"
    if job.attempts > fleet.settings.max_attempts:
        state.finish(conn, job.id, state=state.FAILED, outcome="failed", run_dir=job.run_dir,
                     message=f"given up after {job.attempts - 1} attempts that each ended with the worker lost "
                             "(killed, out of memory, or past its hard time limit)")
        return f"{client_name}: given up"
    recorded = _recorded_run(fleet, client_name, job.run_dir) if job.attempts > 1 else None
    if recorded is not None:
        state.finish(conn, job.id, state=state.DONE, outcome="done", run_dir=job.run_dir, history_run=recorded,
                     message="the previous attempt recorded this run in history and was lost while writing reports "
                             "or notifying; not audited again")
        return f"{client_name}: recorded by the previous attempt"
    run_dir, resume = attempt_dir(fleet.portfolio, client, job.run_dir)
    state.set_run_dir(conn, job.id, str(run_dir))
    started = time.monotonic()
    from auditor.nightly.client import run_client

    outcome = run_client(fleet.portfolio, client, RunOptions(history_url=fleet.history_url, as_of=night),
                         lock=_Held(), run_dir=run_dir, resume=resume)
    _finish(conn, job.id, outcome, run_dir, time.monotonic() - started, fleet.limits(client)[0])
    from auditor.nightly import refresh_dashboard

    # The fleet's night has no single end: the dashboard ([dashboard] out) is rewritten after
    # each client (atomically; a few hundred milliseconds for a hundred clients).
    written = refresh_dashboard(fleet.portfolio, fleet.history_url)
    return outcome.line() + (f"; {written}" if written else "")


def _finish(conn: Any, job_id: int, outcome: ClientOutcome, run_dir: Path, seconds: float, limit: float) -> None:
    done = outcome.status in ("done", "unreachable")
    message = "" if outcome.status == "done" else outcome.message
    if message.startswith("SoftTimeLimitExceeded"):
        message = f"stopped at the task's time limit of {limit:.0f} s (the client's crawl budget plus " \
                  f"[fleet] grace_seconds); nothing recorded. {message}"
    state.finish(conn, job_id, state=state.DONE if done else state.FAILED, outcome=outcome.status,
                 message=message,
                 run_dir=str(outcome.run_dir) if outcome.run_dir else (str(run_dir) if run_dir.is_dir() else None),
                 report=str(outcome.report) if outcome.report else None, history_run=outcome.run_id,
                 pages=outcome.pages, seconds=round(seconds, 3))


def attempt_dir(portfolio: Portfolio, client: Client, previous: str | None) -> tuple[Path, bool]:
    """The run folder of this attempt, and whether to resume it: the killed attempt's folder
    when its store is intact and holds a started audit, else a new one (the old one deleted,
    but only inside this client's run folder)."""
    from auditor.nightly.client import new_run_dir
    from auditor.store import STORE_FILE, require_intact_run_dir
    from auditor.store.run import StoreDamaged

    root = portfolio.run_root(client.name)
    if previous:
        old = Path(previous)
        if old.is_dir() and old.resolve().parent == root.resolve():
            if (old / STORE_FILE).is_file():
                try:
                    require_intact_run_dir(old)
                    return old, True
                except StoreDamaged:
                    pass
            shutil.rmtree(old, ignore_errors=True)
    return new_run_dir(root), False


def _recorded_run(fleet: Fleet, client: str, run_dir: str | None) -> int | None:
    """The history run of ``run_dir`` if an earlier attempt recorded it before it was lost."""
    if not run_dir:
        return None
    from auditor.history import History

    history = History(fleet.history_url)
    try:
        for run in history.runs(client, limit=5):
            if run.get("run_dir") == run_dir:
                return int(run["id"])
    finally:
        history.close()
    return None
