"""The History class on both backends (SQLite file, real PostgreSQL): exact diffs,
streaks, damped alerts, suppressions, trends, retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from auditor.history import History, HistoryError
from auditor.history.database import parse_url
from auditor.history.schema import run_findings, run_pages, runs
from auditor.model import Finding
from tests.history.helpers import by_fp, changes, make_run


def nights(history: History, *sets: list[str], damping: int = 1, site: str = "acme", **kw):
    """Record one run per fingerprint set, night 1, 2, …; returns the annotated runs."""
    return [history.record(site, make_run(fps, night=i, as_of=f"2026-11-{i:02d}"), damping=damping, **kw)
            for i, fps in enumerate(sets, start=1)]


def count_rows(url: str, table, run_id: int) -> int:
    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(table.c.run_id == run_id)).scalar_one()
    finally:
        engine.dispose()


def test_first_run_is_all_new(history):
    run = history.record("acme", make_run(["a", "b"]))
    assert changes(run) == {"a": ("new", 1, False), "b": ("new", 1, False)}
    assert run.history.site == "acme"
    assert run.history.previous_run is None
    assert run.history.fixed == ()
    assert run.history.alerts == ("a", "b")
    assert run.history.damping == 1
    assert [t["run_id"] for t in run.history.trend] == [run.history.run_id]
    assert run.findings[0].to_dict()["change"] == "new"


def test_new_persisting_fixed_over_three_runs(history):
    one, two, three = nights(history, ["a", "b", "c"], ["b", "c", "d"], ["c", "d", "e"])
    assert changes(two) == {"b": ("persisting", 2, False), "c": ("persisting", 2, False), "d": ("new", 1, False)}
    assert changes(three) == {"c": ("persisting", 3, False), "d": ("persisting", 2, False), "e": ("new", 1, False)}
    assert [f.fingerprint for f in two.history.fixed] == ["a"]
    assert [f.fingerprint for f in three.history.fixed] == ["b"]
    # A fixed finding comes back as the previous run stored it: severity, evidence, its history.
    assert three.history.fixed[0] == by_fp(two)["b"]
    assert three.history.previous_run == {
        "id": two.history.run_id, "started_at": "2026-11-02T02:00:00+00:00",
        "finished_at": "2026-11-02T02:10:00+00:00", "pages_crawled": 12, "findings": 3}
    assert one.history.run_id < two.history.run_id < three.history.run_id


def test_streak_breaks_when_a_run_lacks_the_finding(history):
    runs_ = nights(history, ["a"], ["a"], [], ["a"], ["a"])
    assert [changes(r).get("a") for r in runs_] == [
        ("new", 1, False), ("persisting", 2, False), None, ("new", 1, False), ("persisting", 2, False)]
    assert [f.fingerprint for f in runs_[2].history.fixed] == ["a"]


def test_damping_two_flapping_never_alerts_steady_alerts_once(history):
    # steady: every night; ext: flaps (every other night); back: two nights, a gap, two nights.
    sets = [["steady", "ext", "back"], ["steady", "back"], ["steady", "ext"], ["steady", "back"],
            ["steady", "ext", "back"]]
    alerts = [r.history.alerts for r in nights(history, *sets, damping=2)]
    assert alerts == [(), ("steady", "back"), (), (), ("back",)]


def test_suppression_hides_then_returns_and_alerts_once(history):
    history.record("acme", make_run(["a", "b"], night=1, as_of="2026-11-01"), damping=2)
    assert history.suppress("a", until=date(2026, 11, 2), reason="known, fix planned <b>Q1</b>") == ["acme"]
    two = history.record("acme", make_run(["a", "b"], night=2, as_of="2026-11-02"), damping=2)
    assert changes(two) == {"a": ("persisting", 2, True), "b": ("persisting", 2, False)}
    assert by_fp(two)["a"].suppression == {"until": "2026-11-02", "reason": "known, fix planned <b>Q1</b>"}
    assert two.history.alerts == ("b",)
    assert two.history.trend[-1]["severities"]["error"] == 1  # suppressed findings do not count
    three = history.record("acme", make_run(["a", "b"], night=3, as_of="2026-11-03"), damping=2)
    assert changes(three) == {"a": ("persisting", 3, False), "b": ("persisting", 3, False)}
    assert by_fp(three)["a"].suppression is None
    assert three.history.alerts == ("a",)
    four = history.record("acme", make_run(["a", "b"], night=4, as_of="2026-11-04"), damping=2)
    assert four.history.alerts == ()
    assert [(r["suppressed"], r["alerts"]) for r in history.runs("acme")] == [(0, 0), (0, 1), (1, 1), (0, 0)]


def test_today_argument_overrides_the_runs_as_of(history):
    history.record("acme", make_run(["a"]))
    history.suppress("a", until=date(2026, 11, 10), reason="accepted")
    late = history.record("acme", make_run(["a"], as_of="2026-11-05"), today=date(2026, 11, 11))
    assert by_fp(late)["a"].suppressed is False


def test_suppress_every_site_with_the_fingerprint_and_unsuppress(history):
    history.record("acme", make_run(["shared", "a"]))
    history.record("beta", make_run(["shared"]))
    history.record("gamma", make_run(["other"]))
    assert history.suppress("shared", until=date(2026, 12, 31), reason="vendor widget") == ["acme", "beta"]
    assert history.suppress("shared", until=date(2027, 1, 31), reason="extended", site="beta") == ["beta"]
    listed = [(s["site"], s["fingerprint"], s["until"], s["reason"]) for s in history.suppressions()]
    assert listed == [("acme", "shared", "2026-12-31", "vendor widget"), ("beta", "shared", "2027-01-31", "extended")]
    assert [s["site"] for s in history.suppressions("beta")] == ["beta"]
    assert history.unsuppress("shared", site="acme") == 1
    assert history.unsuppress("shared") == 1
    assert history.unsuppress("shared") == 0
    assert history.suppressions() == []


@pytest.mark.parametrize(("fingerprint", "site", "message"), [
    ("nope", None, "unknown fingerprint 'nope': no recorded run of any site has it"),
    ("a", "beta", "unknown fingerprint 'a': no recorded run of site 'beta' has it"),
    ("a", "missing", "unknown fingerprint 'a': no recorded run of site 'missing' has it"),
])
def test_suppress_unknown_fingerprint_is_one_clear_error(history, fingerprint, site, message):
    history.record("acme", make_run(["a"]))
    history.record("beta", make_run(["b"]))
    with pytest.raises(HistoryError) as raised:
        history.suppress(fingerprint, until=date(2026, 12, 1), reason="r", site=site)
    assert str(raised.value) == message
    assert history.suppressions() == []


def test_suppress_needs_a_reason(history):
    history.record("acme", make_run(["a"]))
    with pytest.raises(HistoryError, match="needs a reason"):
        history.suppress("a", until=date(2026, 12, 1), reason="  ")


def test_incomplete_run_reports_nothing_fixed(history):
    history.record("acme", make_run(["a", "b"], night=1))
    cut = history.record("acme", make_run(["a"], night=2), complete=False)
    assert cut.history.fixed == ()
    assert changes(cut) == {"a": ("persisting", 2, False)}
    assert history.runs("acme")[0]["complete"] is False
    assert cut.history.trend[-1]["fixed"] == 0


def test_a_finding_missed_by_an_incomplete_run_keeps_its_streak_and_does_not_alert_again(history):
    history.record("acme", make_run(["a", "b"], night=1))
    history.record("acme", make_run(["a"], night=2), complete=False)  # the crawl never reached b's page
    after = history.record("acme", make_run(["a", "b"], night=3))
    assert changes(after) == {"a": ("persisting", 3, False), "b": ("persisting", 2, False)}
    assert after.history.alerts == ()
    gone = history.record("acme", make_run(["a"], night=4), complete=False)
    fixed_later = history.record("acme", make_run([], night=5))
    assert gone.history.fixed == ()
    assert sorted(f.fingerprint for f in fixed_later.history.fixed) == ["a", "b"]


def test_trend_is_the_last_runs_oldest_first(history):
    runs_ = nights(history, ["a", "typo"], ["a", "b", "typo"], ["b"], trend_runs=2)
    trend = runs_[-1].history.trend
    assert trend == (
        {"run_id": runs_[1].history.run_id, "started_at": "2026-11-02T02:00:00+00:00",
         "families": {"links": 2, "spelling": 1}, "severities": {"info": 1, "warning": 0, "error": 2, "critical": 0},
         "new": 1, "fixed": 0},
        {"run_id": runs_[2].history.run_id, "started_at": "2026-11-03T02:00:00+00:00",
         "families": {"links": 1, "spelling": 0}, "severities": {"info": 0, "warning": 0, "error": 1, "critical": 0},
         "new": 0, "fixed": 2},
    )
    assert len(history.record("acme", make_run(["b"], night=4)).history.trend) == 4  # default: 12


def test_sites_are_independent(history):
    history.record("acme", make_run(["a"]))
    other = history.record("beta", make_run(["a"]))
    assert changes(other) == {"a": ("new", 1, False)}
    assert other.history.previous_run is None


def test_runs_pages_and_settings_are_stored(history, history_url, tmp_path):
    pages = [{"url": "https://example.test/", "status": 200, "content_type": "text/html", "etag": '"x1"',
              "last_modified": "Sun, 01 Nov 2026 00:00:00 GMT", "content_hash": "ab" * 20},
             {"url": "https://example.test/nul\x00page", "status": None, "content_type": None, "etag": None,
              "last_modified": None, "content_hash": None}]
    run = history.record("acme", make_run(["a"]), run_dir=tmp_path / "run1", pages=iter(pages))
    assert count_rows(history_url, run_pages, run.history.run_id) == 2
    assert count_rows(history_url, run_findings, run.history.run_id) == 1
    assert history.previous_run_dir("acme") == tmp_path / "run1"
    assert history.previous_run_dir("unknown") is None
    (listed,) = history.runs("acme")
    assert listed == {"id": run.history.run_id, "started_at": "2026-11-01T02:00:00+00:00",
                      "finished_at": "2026-11-01T02:10:00+00:00", "as_of": "2026-11-01", "complete": True,
                      "pages_crawled": 11, "findings": 1, "new": 1, "fixed": 0, "suppressed": 0, "alerts": 1,
                      "damping": 1, "run_dir": str(tmp_path / "run1"), "tool_version": "0.1.0",
                      "status": "done", "reason": None}
    engine = create_engine(parse_url(history_url))
    with engine.connect() as conn:
        assert conn.execute(select(runs.c.settings)).scalar_one() == {"crawl": {"max_pages": 100},
                                                                      "as_of": "2026-11-01"}
        urls = sorted(conn.execute(select(run_pages.c.url)).scalars())
    engine.dispose()
    assert urls == ["https://example.test/", "https://example.test/nul\ufffdpage"]


def test_hostile_finding_text_is_stored_and_returned_intact(history):
    # NUL is refused by PostgreSQL text, a lone surrogate by UTF-8 encoders: both come from crawled pages.
    nasty = Finding(code="TP301", name="misspelling", severity="info", url="https://e.test/\x00",
                    message="<script>alert(1)</script>\x00\ud800" + "x" * 10_000, fingerprint="n")
    first = history.record("acme", replace(make_run([]), findings=(nasty,)))
    second = history.record("acme", make_run([]))
    (gone,) = second.history.fixed
    assert gone.message == nasty.message  # the whole finding round-trips through JSON
    assert first.findings[0].message == nasty.message


def test_page_rows_without_url_are_refused(history):
    with pytest.raises(HistoryError, match="a page row needs a url"):
        history.record("acme", make_run(["a"]), pages=[{"status": 200}])
    assert history.runs("acme") == []  # one transaction: nothing of the run was kept


def test_bad_arguments_are_one_line_errors(history):
    with pytest.raises(HistoryError, match="damping must be at least 1 run, not 0"):
        history.record("acme", make_run([]), damping=0)
    with pytest.raises(HistoryError, match="site name"):
        history.record(" ", make_run([]))
    with pytest.raises(HistoryError, match="keep_runs must be at least 1"):
        history.prune("acme", keep_runs=0)


def test_prune_by_count_keeps_the_newest(history, history_url, tmp_path):
    recorded = [history.record("acme", make_run(["a", "b"], night=i, as_of=f"2026-11-{i:02d}"),
                               run_dir=tmp_path / f"run{i}", pages=[{"url": f"https://example.test/{i}"}])
                for i in range(1, 6)]
    history.record("beta", make_run(["a"]), run_dir=tmp_path / "beta1")
    assert history.prune("acme", keep_runs=2) == [tmp_path / "run1", tmp_path / "run2", tmp_path / "run3"]
    assert [r["id"] for r in history.runs("acme")] == [recorded[4].history.run_id, recorded[3].history.run_id]
    for gone in recorded[:3]:
        assert count_rows(history_url, run_findings, gone.history.run_id) == 0
        assert count_rows(history_url, run_pages, gone.history.run_id) == 0
    assert count_rows(history_url, run_findings, recorded[4].history.run_id) == 2
    assert len(history.runs("beta")) == 1
    # The comparison goes on from what is left.
    assert changes(history.record("acme", make_run(["a"], night=6)))["a"] == ("persisting", 6, False)


def test_prune_by_age_never_deletes_the_newest(history, tmp_path):
    for i in (1, 5, 9):
        history.record("acme", make_run(["a"], night=i, as_of=f"2026-11-{i:02d}"), run_dir=tmp_path / f"run{i}")
    assert history.prune("acme", keep_days=4, today=date(2026, 11, 9)) == [tmp_path / "run1"]
    assert history.prune("acme", keep_days=0, today=date(2027, 1, 1)) == [tmp_path / "run5"]
    assert [r["as_of"] for r in history.runs("acme")] == ["2026-11-09"]
    assert history.prune("acme", keep_runs=1, keep_days=0, today=date(2027, 1, 1)) == []
    assert history.prune("unknown", keep_runs=1) == []


def test_run_dir_is_stored_absolute(history, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    history.record("acme", make_run([]), run_dir=Path("relative/run"))
    assert history.previous_run_dir("acme") == tmp_path / "relative" / "run"


def test_an_unreachable_night_is_a_row_and_the_next_good_night_is_back_up(history, tmp_path):
    """A night the site was down is recorded (status, reason) without breaking the comparison:
    the next good night compares with the last audited run, keeps the streaks, calls nothing
    fixed because of the gap, and knows how many nights the site was down."""
    first = history.record("acme", make_run(["a", "b"], night=1), run_dir=tmp_path / "run1", damping=2)
    assert first.history.back_up_after == 0
    down_id, down = history.record_unreachable("acme", "https://example.test/", reason="refused",
                                               today=date(2026, 11, 2))
    assert down == 1
    assert history.record_unreachable("acme", "https://example.test/", reason="dns",
                                      today=date(2026, 11, 3))[1] == 2
    assert history.previous_run_dir("acme") == tmp_path / "run1"  # never the folder-less down night
    back = history.record("acme", make_run(["a"], night=4), run_dir=tmp_path / "run4", damping=2)
    assert back.history.back_up_after == 2
    assert back.history.previous_run["id"] == first.history.run_id
    assert changes(back) == {"a": ("persisting", 2, False)}
    assert [f.fingerprint for f in back.history.fixed] == ["b"]
    assert [point["run_id"] for point in back.history.trend] == [first.history.run_id, back.history.run_id]
    listed = history.runs("acme")
    assert [(r["status"], r["reason"], r["pages_crawled"]) for r in listed] == [
        ("done", None, 14), ("unreachable", "dns", 0), ("unreachable", "refused", 0), ("done", None, 11)]
    assert listed[2]["id"] == down_id
    again = history.record("acme", make_run(["a"], night=5), run_dir=tmp_path / "run5", damping=2)
    assert again.history.back_up_after == 0
