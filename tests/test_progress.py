"""The progress view: one line per phase when stderr is no terminal (a log, cron), a rich
live view on one; counts, elapsed time, and the crawl's ETA once its pace is known."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

from auditor.cli.progress import Progress, crawl_counts, eta
from tests.conftest import basic_resolves


def test_one_line_per_phase_when_not_on_a_terminal(run_audit, basic_site):
    result = run_audit("audit", basic_site.base_url, "--checks", "links", "--format", "html,json",
                       *basic_resolves(basic_site))
    assert result.exit_code in (0, 1), result.stderr
    lines = result.stderr.splitlines()
    names = [line.split(" in ")[0].split(":")[0] for line in lines]
    assert names[0] == "start page" and names[1] == "crawl" and names[-1] == "report"
    crawl = lines[1]
    pages = result.doc["pages_crawled"]
    assert re.fullmatch(rf"crawl: {pages} pages, \d+ links? checked, 0 queued(, \d+ errors?)? "
                        r"in \d+\.\d s \(elapsed \d+\.\d s\)", crawl), crawl
    assert lines[-1].startswith("report: html, json in ")
    for line in lines:
        assert re.search(r" in \d+(\.\d s| min \d\d s) \(elapsed ", line), line


def test_quiet_prints_no_progress(run_audit, basic_site):
    result = run_audit("audit", basic_site.base_url, "--checks", "links", "--quiet", *basic_resolves(basic_site))
    assert result.stderr == ""


def test_terminal_view_shows_every_phase_with_counts():
    out = io.StringIO()
    progress = Progress(True, out, terminal=True, max_pages=100)
    progress.phase("crawl")
    progress(SimpleNamespace(pages=10, checked=30, queued=5, errors=0))
    progress.phase_done("crawl", 2.0)
    progress.phase("collect_language")
    progress.phase_done("collect_language", 1.0)
    progress.phase("check_TP101")  # per-check timings are not phases a person follows
    progress.done()
    shown = out.getvalue()
    assert "crawl" in shown and "10 pages, 30 links checked, 5 queued" in shown and "language" in shown
    assert "check_TP101" not in shown


def test_eta_once_the_pace_is_known():
    stats = SimpleNamespace(pages=10, checked=0, queued=50, errors=0)
    assert eta(stats, 20.0, None) == 100.0  # 2 s a page, 50 to go
    assert eta(stats, 20.0, 30) == 40.0  # max_pages leaves 20 to go
    assert eta(SimpleNamespace(pages=2, checked=0, queued=50, errors=0), 4.0, None) is None
    assert crawl_counts(SimpleNamespace(pages=1, checked=1, queued=0, errors=2)) == (
        "1 page, 1 link checked, 0 queued, 2 errors")
