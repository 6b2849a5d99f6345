"""A failed night (``record_failed``): listed with its message, but it changes no comparison
and does not break the count of nights a site has been down. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from tests.history.helpers import changes, make_run


def test_a_failed_night_is_listed_and_changes_no_comparison(history):
    history.record("acme", make_run(["a", "b"], night=1))
    history.record_failed("acme", "https://example.test/", reason="unknown report format 'docx'",
                          today=dt.date(2026, 11, 2))
    third = history.record("acme", make_run(["a"], night=3))
    assert changes(third) == {"a": ("persisting", 2, False)}
    assert [f.fingerprint for f in third.history.fixed] == ["b"]
    assert [(r["status"], r["reason"], r["findings"]) for r in history.runs("acme")] == [
        ("done", None, 1), ("failed", "unknown report format 'docx'", 0), ("done", None, 2)]


def test_failed_nights_do_not_break_the_nights_down(history):
    history.record("acme", make_run(["a"], night=1))
    history.record_unreachable("acme", "https://example.test/", reason="dns", today=dt.date(2026, 11, 2))
    history.record_failed("acme", "https://example.test/", reason="boom", today=dt.date(2026, 11, 3))
    _run_id, down = history.record_unreachable("acme", "https://example.test/", reason="dns",
                                               today=dt.date(2026, 11, 4))
    assert down == 2
    back = history.record("acme", make_run(["a"], night=5))
    assert back.history.back_up_after == 2


def test_scores_are_stored_with_each_run(history):
    history.record("acme", make_run(["a", "typo"], night=1))
    [run] = history.recent_runs(["acme", "nobody"], dt.date(2026, 1, 1))["acme"]
    # One broken link (error, reach 1): 100 × exp(-10/100) = 90; the typo is info: no cost.
    assert run["summary"]["scores"] == {"links": 90, "spelling": 100}
    assert history.recent_runs(["nobody"], dt.date(2026, 1, 1)) == {"nobody": []}
