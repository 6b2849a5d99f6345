"""The dashboard's data and page from a month of history (SQLite here; the same history on
PostgreSQL in test_postgres.py): statuses, the newest audited run's numbers, one trend
point per audited night, report links that lead to the files, the page written atomically."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from auditor.dashboard import write_dashboard
from auditor.dashboard.overview import ClientEntry, read_overview
from auditor.dashboard.page import report_href
from auditor.history import History
from tests.dashboard.conftest import EXPECTED_STATUS, LAST

NOW = dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC)


def overview(made):
    entries = [ClientEntry(name, "https://x.test/", name, None) for name in EXPECTED_STATUS]
    with History(made.history_url) as history:
        return {s.client.name: s for s in read_overview(history, entries).clients}


def test_status_last_run_and_trend_points_per_client(portfolio_history):
    states = overview(portfolio_history)
    assert {name: s.status for name, s in states.items()} == EXPECTED_STATUS
    assert states["down"].last_run == LAST and states["down"].reason == "dns"
    assert states["down"].audited == LAST - dt.timedelta(days=3)
    assert states["broken"].reason == "unknown report format 'docx'"
    assert states["fresh"].last_run is None and states["fresh"].trends == {}
    for name, nights in portfolio_history.audited.items():
        for family in ("links", "freshness", "spelling") if nights else ():
            assert [day for day, _ in states[name].trends[family]] == nights, (name, family)
    # acme's last night ran twice: the re-run (no findings) is the night's point and its score.
    assert states["acme"].trends["links"][-1] == (LAST, 100) and states["acme"].scores["links"] == 100
    assert states["acme"].new == 0
    # The report's scores (docs/report.md): five broken links (errors, one page each):
    # 100 × exp(-5 × 10 / 100) = 61; five typos (warnings) on the home page: 100 × exp(-5 × 3 × 1.5 / 100) = 80.
    assert states["broken"].scores == {"links": 61, "freshness": 100, "spelling": 80}
    assert states["broken"].findings == 10
    for name, report in portfolio_history.reports.items():
        assert states[name].report == report


def test_relative_link_under_a_shared_folder_else_file_uri(tmp_path):
    report = tmp_path / "runs" / "a b#c" / "javascript:x" / "report.html"
    href = report_href(report, tmp_path / "dashboard")
    assert href == "../runs/a%20b%23c/javascript%3Ax/report.html"
    assert report_href(Path("/report.html"), Path("/dashboard")) == "file:///report.html"
    assert report_href(None, tmp_path) is None


def test_written_atomically_and_links_lead_to_the_reports(portfolio_history):
    out = portfolio_history.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text("stale", "utf-8")
    path = write_dashboard(portfolio_history.portfolio, now=NOW)
    assert path == out / "index.html"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]  # no temporary file left
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    html = path.read_text("utf-8")
    hrefs = re.findall(r'class="report-link" href="([^"]+)"', html)
    assert len(hrefs) == len(portfolio_history.reports)
    from urllib.parse import unquote

    found = {(out / unquote(h)).resolve() for h in hrefs}
    assert found == {p.resolve() for p in portfolio_history.reports.values()}
    assert all(not h.startswith(("/", "file:")) for h in hrefs)
    assert "<script" not in html.lower()


def test_same_history_same_page(portfolio_history, tmp_path):
    """Rendering is a pure function of history and the portfolio: written twice, the page is
    the same byte for byte (the fleet's workers may each write it)."""
    first = write_dashboard(portfolio_history.portfolio, out_dir=tmp_path / "a", now=NOW).read_text("utf-8")
    second = write_dashboard(portfolio_history.portfolio, out_dir=tmp_path / "a", now=NOW).read_text("utf-8")
    assert first == second


def test_dutch_page(portfolio_history, tmp_path):
    html = write_dashboard(portfolio_history.portfolio, out_dir=tmp_path, language="nl", now=NOW).read_text("utf-8")
    assert '<html lang="nl">' in html
    assert "onbereikbaar" in html and "mislukt" in html and "nog niet gecontroleerd" in html
    assert "30 november 2026" in html
    assert "Waarom de site onbereikbaar was:</strong> de domeinnaam bestaat niet" in html


def test_the_cli_writes_it_and_bad_input_is_one_line(portfolio_history, tmp_path, capsys):
    from auditor.cli import main

    assert main(["dashboard", "--portfolio", str(portfolio_history.portfolio), "--out", str(tmp_path / "d")]) == 0
    assert capsys.readouterr().out == f"dashboard of 6 clients written to {tmp_path / 'd' / 'index.html'}\n"
    bare = tmp_path / "bare.toml"
    bare.write_text('[clients.a]\ntarget = "https://a.test/"\n', "utf-8")
    assert main(["dashboard", "--portfolio", str(bare), "--history", f"sqlite:///{tmp_path / 'h.db'}"]) == 2
    err = capsys.readouterr().err
    assert err == (f"touchpoint-auditor: error: portfolio {str(bare)!r} names no [dashboard] out folder: "
                   "give --out DIR\n")
    assert main(["dashboard", "--portfolio", str(tmp_path / "none.toml"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    blocked = tmp_path / "file"
    blocked.write_text("x", "utf-8")
    assert main(["dashboard", "--portfolio", str(portfolio_history.portfolio), "--out", str(blocked / "d")]) == 2
    assert capsys.readouterr().err.startswith(f"touchpoint-auditor: error: cannot write the dashboard to {blocked}")
    assert os.listdir(tmp_path / "d") == ["index.html"]


def test_a_portfolio_nobody_has_audited_yet(tmp_path):
    portfolio = tmp_path / "portfolio.toml"
    portfolio.write_text(f'[portfolio]\nhistory = "sqlite:///{tmp_path / "h.db"}"\n'
                         '[clients.a]\ntarget = "https://a.test/"\n[clients.b]\ntarget = "https://b.test/"\n', "utf-8")
    html = write_dashboard(portfolio, out_dir=tmp_path / "out", now=NOW).read_text("utf-8")
    assert re.findall(r'data-client="([^"]+)" data-status="([^"]+)"', html) == [("a", "never"), ("b", "never")]
    assert 'class="spark ' not in html and 'class="report-link"' not in html and "30 nights up to" not in html
