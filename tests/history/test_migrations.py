"""Alembic migrations shipped in the package: they build exactly schema.py from an empty
database, reopening is a no-op, and a database from a newer release is refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from auditor.history import History, HistoryError
from auditor.history.database import parse_url
from auditor.history.migrate import head_revision
from auditor.history.schema import metadata
from tests.history.helpers import make_run

TABLES = {"alembic_version", "sites", "runs", "run_findings", "run_pages", "suppressions"}


def engine_for(url: str):
    return create_engine(parse_url(url))


def test_migrations_build_exactly_the_declared_schema(history_url):
    History(history_url).close()
    engine = engine_for(history_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == TABLES
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision() == "0002"
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_reopening_migrates_nothing_and_keeps_the_data(history_url):
    with History(history_url) as history:
        history.record("acme", make_run(["a"]))
    with History(history_url) as again:
        assert [r["findings"] for r in again.runs("acme")] == [1]
        assert again.record("acme", make_run(["a"])).findings[0].change == "persisting"
    engine = engine_for(history_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0002"]
    engine.dispose()


def test_a_newer_schema_is_refused(history_url):
    History(history_url).close()
    engine = engine_for(history_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042_future'"))
    engine.dispose()
    with pytest.raises(HistoryError) as raised:
        History(history_url)
    message = str(raised.value)
    assert "has schema revision '0042_future', newer than this touchpoint-auditor knows (newest '0002'): " \
           "upgrade touchpoint-auditor" in message
    assert "\n" not in message
