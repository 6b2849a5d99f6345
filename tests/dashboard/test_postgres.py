"""The same month of history written to a real PostgreSQL server (tests/postgres.py) and to
SQLite gives the same dashboard, byte for byte: one code path for both databases."""

from __future__ import annotations

import datetime as dt

from auditor.dashboard import write_dashboard
from tests.dashboard.conftest import EXPECTED_STATUS, build
from tests.postgres import postgres_database  # noqa: F401  (pytest fixture)

NOW = dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC)


def test_postgresql_history_gives_the_same_page(postgres_database, portfolio_history, tmp_path):  # noqa: F811
    on_postgres = build(tmp_path, postgres_database)
    page = write_dashboard(on_postgres.portfolio, now=NOW).read_text("utf-8")
    assert page == write_dashboard(portfolio_history.portfolio, now=NOW).read_text("utf-8")
    for name, status in EXPECTED_STATUS.items():
        assert f'data-client="{name}" data-status="{status}"' in page
    assert page.count('class="spark ') == 3 * sum(1 for nights in on_postgres.audited.values() if nights)
