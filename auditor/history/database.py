"""Where the history database lives and how to connect to it.

One code path for SQLite (the default, a file in the user's data directory) and
PostgreSQL (a URL, for agencies that keep every client's history on a server). What
differs between the two is settled here, at connection time, so the rest of the
package is plain SQLAlchemy Core.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from auditor.history.errors import HistoryError

APP_DIR = "touchpoint-auditor"
HISTORY_FILE = "history.db"
# Long enough for another process to finish recording a 10,000-finding run.
SQLITE_BUSY_TIMEOUT_S = 60


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/touchpoint-auditor``, else ``~/.local/share/touchpoint-auditor``.

    The XDG spec says a relative ``XDG_DATA_HOME`` is invalid and must be ignored."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / APP_DIR


def default_history_url() -> str:
    """``sqlite:///<default_data_dir()>/history.db``."""
    return f"sqlite:///{default_data_dir() / HISTORY_FILE}"


def mask(url: str | URL) -> str:
    """The URL as it may appear in a message: the password replaced by ``***``."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except (ArgumentError, ValueError):
        # Unparseable: strip anything that looks like user:password@ rather than echo it.
        return re.sub(r"//[^/@]*@", "//***@", str(url))
    return parsed.render_as_string(hide_password=True)


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL for a history URL; a bare path means an SQLite file.

    ``postgresql://`` and ``postgres://`` use psycopg 3 (the one driver we install)."""
    text = url.strip()
    if not text:
        raise HistoryError("history URL is empty")
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser()))
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):
        raise HistoryError(f"bad history URL {mask(text)}: expected sqlite:///PATH or postgresql://…") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed.set(drivername="sqlite")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    raise HistoryError(f"unsupported history URL {mask(parsed)}: use sqlite:///PATH or postgresql://…")


def _json_dumps(value: Any) -> str:
    # ASCII-only JSON escapes NUL and lone surrogates from crawled text, which PostgreSQL
    # text and UTF-8 encoders would otherwise refuse; default=str tolerates dates in settings.
    return json.dumps(value, default=str, separators=(",", ":"))


def open_engine(url: URL) -> Engine:
    """An engine for the parsed URL, with SQLite set up for several processes at once."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, json_serializer=_json_dumps, pool_pre_ping=True,
                         connect_args={"connect_timeout": 10, "application_name": APP_DIR})


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """``PRAGMA journal_mode = WAL``, tried again while SQLite says "database is locked".

    Processes that open a fresh database at the same moment (``run --all --parallel``) all
    switch it to WAL; each holds a shared lock and wants the exclusive one, a deadlock that
    SQLite ends by answering one of them "locked" at once, without its busy timeout.
    Trying again once the other is through (the database is WAL by then) succeeds.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    if not memory:
        path = Path(url.database or "").expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"cannot create the directory of history database {path}: {exc.strerror}") from None
    engine = create_engine(url, json_serializer=_json_dumps,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
                           poolclass=StaticPool if memory else None)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so that BEGIN is ours (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        # WAL: readers never block the one writer; two nightly processes recording
        # different sites take turns on the write lock instead of failing.
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A write transaction takes the write lock at BEGIN (IMMEDIATE): a deferred one that
        # read first and then wants to write fails at once with SQLITE_BUSY, because waiting
        # could not help it, whereas BEGIN IMMEDIATE waits on the busy timeout.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
