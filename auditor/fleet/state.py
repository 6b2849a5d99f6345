"""Tonight's state of every client's task, in the history database (PostgreSQL).

Why here and not in Redis: the broker is a queue of messages, not a record. A Redis
restart, a message delivered twice or a worker killed mid-audit must not change what
``fleet status`` says or make a client audited twice. So the truth is one row per client
and night (``fleet_jobs``, unique on both): ``submit`` inserts it (a second submit of the
same client and night inserts nothing, so sends nothing), the task claims it under the
client's advisory lock, and finishes it with the outcome, the run folder and the history
run. A message for a row that is already done is acknowledged and ignored.

The per-client lock is a PostgreSQL session advisory lock (``pg_try_advisory_lock``) on a
64-bit hash of the client's name, held on a connection of its own for the whole audit: two
machines never audit one client at once, and when a worker dies (``kill -9``, power) its
connection closes and the server drops the lock; there is never a stale one.

The table belongs to the fleet, not to the history schema's migrations: it is created
here when missing (under a transaction advisory lock, so two workers starting together do
not race), and a history database that never saw a fleet has no such table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from auditor.errors import AuditorError

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)
_SCHEMA_LOCK = 0x7470_666C_6565_7401  # "tpfleet": serialises creating the table
_LOCK_PREFIX = b"touchpoint-auditor fleet client:"

metadata = MetaData()

jobs = Table(
    "fleet_jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(200), nullable=False),
    Column("night", Date, nullable=False),  # the run's as-of date: one audit per client and night
    Column("state", String(20), nullable=False),  # queued | running | done | failed
    Column("outcome", String(20)),  # the nightly outcome: done, unreachable, failed, locked
    Column("message", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),  # deliveries that started an audit
    Column("worker", Text),  # the Celery node and pid of the newest attempt
    Column("pid", Integer),
    Column("run_dir", Text),  # the attempt's run folder (a killed attempt's is resumed)
    Column("report", Text),
    Column("history_run", Integer),  # runs.id in the history
    Column("pages", Integer),
    Column("seconds", Float),  # the last attempt's wall time
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    UniqueConstraint("client", "night", name="uq_fleet_jobs_client_night"),
)


class FleetStateError(AuditorError):
    """The fleet's state in PostgreSQL cannot be read or written (one line, no password)."""


@dataclass(frozen=True)
class Job:
    id: int
    client: str
    night: dt.date
    state: str
    outcome: str | None
    message: str | None
    attempts: int
    worker: str | None
    pid: int | None
    run_dir: str | None
    report: str | None
    history_run: int | None
    pages: int | None
    seconds: float | None
    submitted_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    running_now: bool = False  # someone holds the client's lock right now


def lock_key(client: str) -> int:
    """The client's advisory-lock key: a signed 64-bit hash of its name (collisions between a
    few thousand names: about one in 10^12)."""
    digest = hashlib.sha256(_LOCK_PREFIX + client.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def open_state(url: str) -> Engine:
    """An engine on the history database with the fleet's table in place."""
    from auditor.history.database import mask, open_engine, parse_url

    parsed = parse_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise FleetStateError(f"the fleet needs a PostgreSQL history database, not {mask(parsed)}")
    engine = open_engine(parsed)
    try:
        with engine.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            metadata.create_all(conn, checkfirst=True)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise FleetStateError(f"fleet state in {mask(parsed)}: {_reason(exc)}") from None
    return engine


def _reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


@contextmanager
def errors(what: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise FleetStateError(f"fleet state: {what}: {_reason(exc)}") from None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def submit(engine: Engine, client: str, night: dt.date, *, again: bool = False) -> bool:
    """Record that ``client`` is to be audited on ``night``; True when the caller must send the
    task. A client already submitted that night is not sent again (two submits at once: the
    unique row lets one of them in), except a failed one, which is queued afresh. ``again``:
    also send again what is queued, or was running on a worker that is gone (a broker that
    lost its messages); the task itself ignores a message for a client already done."""
    with errors(f"submit {client}"), engine.begin() as conn:
        inserted = conn.execute(insert(jobs).values(client=client, night=night, state=QUEUED, attempts=0,
                                                    submitted_at=_now())
                                .on_conflict_do_nothing(constraint="uq_fleet_jobs_client_night")
                                .returning(jobs.c.id)).first()
        if inserted is not None:
            return True
        retried = conn.execute(update(jobs).where(jobs.c.client == client, jobs.c.night == night,
                                                  jobs.c.state == FAILED)
                               .values(state=QUEUED, attempts=0, outcome=None, message=None, submitted_at=_now(),
                                       started_at=None, finished_at=None).returning(jobs.c.id)).first()
        if retried is not None:
            return True
        if not again:
            return False
        row = conn.execute(select(jobs.c.state).where(jobs.c.client == client, jobs.c.night == night)).first()
        if row is None or row.state == DONE:
            return False
        return row.state == QUEUED or not _lock_held(conn, client)


def forget(engine: Engine, client: str, night: dt.date) -> None:
    """Undo a ``submit`` whose message could not be sent (the broker is down): the next
    submit tries again instead of finding the client already queued."""
    with errors(f"withdraw {client}"), engine.begin() as conn:
        conn.execute(jobs.delete().where(jobs.c.client == client, jobs.c.night == night, jobs.c.state == QUEUED,
                                         jobs.c.attempts == 0))


def claim(conn: Connection, client: str, night: dt.date, worker: str, pid: int) -> Job | None:
    """Under the client's lock: the job, now running (one more attempt), or None when it is
    already finished (a message delivered again). A message without a row (sent by hand) gets one."""
    values = {"state": RUNNING, "attempts": jobs.c.attempts + 1, "worker": worker, "pid": pid,
              "started_at": _now(), "finished_at": None}
    row = conn.execute(update(jobs).where(jobs.c.client == client, jobs.c.night == night,
                                          jobs.c.state.in_((QUEUED, RUNNING)))
                       .values(**values).returning(*jobs.c)).first()
    if row is None:
        exists = conn.execute(select(jobs.c.id).where(jobs.c.client == client, jobs.c.night == night)).first()
        if exists is not None:
            return None
        row = conn.execute(insert(jobs).values(client=client, night=night, state=RUNNING, attempts=1, worker=worker,
                                               pid=pid, submitted_at=_now(), started_at=_now())
                           .on_conflict_do_nothing(constraint="uq_fleet_jobs_client_night")
                           .returning(*jobs.c)).first()
        if row is None:
            return None
    conn.commit()
    return Job(**row._mapping)


def set_run_dir(conn: Connection, job_id: int, run_dir: str) -> None:
    """Remember the attempt's run folder before the audit writes it: a redelivered task finds it."""
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(run_dir=run_dir))
    conn.commit()


def finish(conn: Connection, job_id: int, *, state: str, outcome: str, message: str = "", run_dir: str | None = None,
           report: str | None = None, history_run: int | None = None, pages: int | None = None,
           seconds: float | None = None) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(
        state=state, outcome=outcome, message=message[:4000], run_dir=run_dir, report=report,
        history_run=history_run, pages=pages, seconds=seconds, finished_at=_now()))
    conn.commit()


def try_lock(conn: Connection, client: str) -> bool:
    """Take the client's session advisory lock on ``conn`` if free (never waits)."""
    held = bool(conn.execute(select(func.pg_try_advisory_lock(lock_key(client)))).scalar())
    conn.commit()
    return held


def unlock(conn: Connection, client: str) -> None:
    conn.execute(select(func.pg_advisory_unlock(lock_key(client))))
    conn.commit()


def _lock_held(conn: Connection, client: str) -> bool:
    """Whether some session holds the client's lock (a worker is auditing it right now)."""
    return _held_key(client) in _held_keys(conn)


def tonight(engine: Engine, night: dt.date) -> list[Job]:
    """Every job of ``night``, with whether its client's lock is held right now."""
    with errors("read the jobs"), engine.connect() as conn:
        rows = conn.execute(select(jobs).where(jobs.c.night == night).order_by(jobs.c.client)).all()
        held = _held_keys(conn)
    out = []
    for row in rows:
        values: dict[str, Any] = dict(row._mapping)
        values["running_now"] = _held_key(row.client) in held
        out.append(Job(**values))
    return out


def _held_key(client: str) -> int:
    """The client's lock key as ``pg_locks`` shows it: unsigned, split over classid and objid."""
    return lock_key(client) & 0xFFFF_FFFF_FFFF_FFFF


def _held_keys(conn: Connection) -> set[int]:
    """The keys of every 64-bit advisory lock some session holds."""
    rows = conn.execute(text("SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                             "AND objsubid = 1")).all()
    return {(int(r.classid) << 32) | int(r.objid) for r in rows}


def job(engine: Engine, client: str, night: dt.date) -> Job | None:
    with errors(f"read the job of {client}"), engine.connect() as conn:
        row = conn.execute(select(jobs).where(jobs.c.client == client, jobs.c.night == night)).first()
    return None if row is None else Job(**row._mapping)


def unfinished(engine: Engine, night: dt.date) -> int:
    with errors("count the jobs"), engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(jobs).where(
            and_(jobs.c.night == night, jobs.c.state.in_((QUEUED, RUNNING))))).scalar() or 0)
