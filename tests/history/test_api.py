"""The public API of ``auditor.history`` is exactly what the nightly, notify and report
code was promised (pinned, as httpx does); and the PostgreSQL fixture fails, not skips,
without its binaries."""

from __future__ import annotations

import inspect

import pytest

import auditor.history
from auditor.errors import AuditorError
from tests.postgres import find_bin_dir


def test_exported_members():
    assert sorted(auditor.history.__all__) == ["History", "HistoryError", "default_data_dir", "default_history_url"]
    assert issubclass(auditor.history.HistoryError, AuditorError)


def test_history_signatures_match_the_agreed_interface():
    history = auditor.history.History
    assert str(inspect.signature(history.record)) == (
        "(self, site: 'str', run: 'AuditRun', *, run_dir: 'Path | None' = None, "
        "pages: 'Iterable[Mapping[str, Any]]' = (), damping: 'int' = 1, today: 'date | None' = None, "
        "trend_runs: 'int' = 12, complete: 'bool' = True) -> 'AuditRun'")
    assert str(inspect.signature(history.suppress)) == (
        "(self, fingerprint: 'str', *, until: 'date', reason: 'str', site: 'str | None' = None) -> 'list[str]'")
    assert str(inspect.signature(history.prune)) == (
        "(self, site: 'str', *, keep_runs: 'int | None' = None, keep_days: 'int | None' = None, "
        "today: 'date | None' = None) -> 'list[Path]'")
    for name in ("previous_run_dir", "unsuppress", "suppressions", "runs", "close"):
        assert callable(getattr(history, name))


def test_missing_postgresql_binaries_fail_with_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as raised:
        find_bin_dir()
    assert "install the Debian package 'postgresql'" in str(raised.value)
