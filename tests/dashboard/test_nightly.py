"""``run`` rewrites the portfolio's dashboard at the end of the night when the portfolio
names ``[dashboard] out``: a tiny fixture shop audited with a few fast checks (as in
tests/nightly/), a client that is down and one whose audit fails."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from auditor.history import History
from tests.nightly.conftest import cli, sites, write_portfolio  # noqa: F401  (pytest fixtures)


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-client="([^"]+)" data-status="([^"]+)"', html))


def test_run_all_rewrites_the_dashboard(sites, tmp_path, cli):  # noqa: F811
    history_url = f"sqlite:///{tmp_path / 'history.db'}"
    portfolio = write_portfolio(tmp_path, f"""
[dashboard]
out = "board"
language = "en"

[clients.shop]
target = "{sites.shop.base_url}"
crawl.resolve = ["{sites.resolve}"]

[clients.down]
target = "http://127.0.0.1:1/"

[clients.broken]
target = "{sites.shop.base_url}"
report.formats = ["docx"]
""", portfolio=f'history = "{history_url}"\nparallel = 2')
    board = tmp_path / "board" / "index.html"
    first = cli("run", "--all", "--portfolio", str(portfolio), "--as-of", "2026-12-01")
    assert first.exit_code == 2  # a client could not be audited
    assert first.stdout.splitlines()[-1] == f"dashboard written to {board}"
    html = board.read_text("utf-8")
    assert statuses(html) == {"broken": "failed", "down": "unreachable", "shop": "ok"}
    assert "unknown report format &#39;docx&#39;" in html
    [href] = re.findall(r'class="report-link" href="([^"]+)"', html)
    report = (board.parent / unquote(href)).resolve()
    assert report == (tmp_path / "data" / "runs" / "shop" / "latest" / "report.html").resolve()
    assert report.is_file()
    with History(history_url) as history:
        assert [(r["status"], r["reason"]) for r in history.runs("broken")] == [
            ("failed", "unknown report format 'docx'; available: csv, html, json, junit, pdf, sarif, urls")
        ]
    assert re.search(r'data-family="links" data-points="1"', html)
    listed = cli("history", "broken", "--portfolio", str(portfolio)).stdout.splitlines()
    assert listed[2].split()[2:4] == ["-", "-"] and "failed    (unknown report format 'docx';" in listed[2]

    second = cli("run", "shop", "--portfolio", str(portfolio), "--as-of", "2026-12-02", "--quiet")
    assert second.exit_code == 0 and second.stdout == ""
    html = board.read_text("utf-8")
    assert statuses(html) == {"broken": "failed", "down": "unreachable", "shop": "ok"}
    assert re.search(r'data-family="links" data-points="2"', html)  # the second night is on the line
    assert sorted(p.name for p in board.parent.iterdir()) == ["index.html"]


def test_a_dashboard_that_cannot_be_written_does_not_fail_the_night(sites, tmp_path, cli):  # noqa: F811
    (tmp_path / "board").write_text("a file where the folder should be", "utf-8")
    portfolio = write_portfolio(tmp_path, f"""
[dashboard]
out = "board"

[clients.shop]
target = "{sites.shop.base_url}"
crawl.resolve = ["{sites.resolve}"]
""", portfolio=f'history = "sqlite:///{tmp_path / "history.db"}"')
    result = cli("run", "shop", "--portfolio", str(portfolio), "--as-of", "2026-12-01", "--format", "json")
    assert result.exit_code == 0
    # The progress lines of the one-client run go to stderr too; the warning is the last line.
    assert result.stderr.splitlines()[-1] == (f"touchpoint-auditor: warning: dashboard not written: cannot write the "
                                              f"dashboard to {Path(tmp_path / 'board')}: File exists")
