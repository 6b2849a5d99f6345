"""Every History test runs on both backends: an SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from auditor.history import History
from tests.postgres import postgres_database, postgres_url  # noqa: F401  (pytest fixtures)


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def history(history_url: str) -> Iterator[History]:
    with History(history_url) as opened:
        yield opened
