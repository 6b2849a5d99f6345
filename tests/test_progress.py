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


def test_collector_counts_inside_a_phase_off_a_terminal():
    """Issue 21: render and LanguageTool looked hung for a minute. A collector's count shows
    while its phase runs (a line every ``line_every`` seconds; 0 here: every step) and in the
    line that ends it."""
    out = io.StringIO()
    progress = Progress(True, out, terminal=False, line_every=0)
    progress.phase("collect_render")
    for done in range(4):
        progress.step("collect_render", done, 3, "pages")
    progress.phase_done("collect_render", 4.0)
    progress.phase("collect_language")
    progress.step("collect_language", 300, 800, "texts")
    progress.phase_done("collect_language", 2.0)
    progress.step("check_TP101", 1, 2, "pages")  # not a phase a person follows
    lines = out.getvalue().splitlines()
    assert [line.split(" (elapsed")[0].split(", about")[0] for line in lines[:4]] == [
        "render: 0/3 pages", "render: 1/3 pages", "render: 2/3 pages", "render: 3/3 pages"]
    assert re.search(r"render: 1/3 pages, about \d+\.\d s left", lines[1]), lines[1]
    assert lines[4].startswith("render: 3/3 pages in 4.0 s (elapsed ")
    assert lines[5].startswith("language: 300/800 texts") and lines[6].startswith("language: 300/800 texts in 2.0 s")
    assert not any("TP101" in line for line in lines)
    progress.phase("collect_stock")  # a plugin's collector, by its name
    progress.step("collect_stock", 120, 500, "items")
    assert out.getvalue().splitlines()[-1].startswith("stock: 120/500 items, about ")


def test_collector_counts_wait_for_the_interval_off_a_terminal():
    out = io.StringIO()
    progress = Progress(True, out, terminal=False, line_every=3600)
    progress.phase("collect_profiles")
    for done in range(1, 6):
        progress.step("collect_profiles", done, 5, "profiles")
    progress.phase_done("collect_profiles", 1.0)
    assert out.getvalue().splitlines()[0].startswith("profiles: 5/5 profiles in 1.0 s")  # one line, the last count
    assert len(out.getvalue().splitlines()) == 1


def test_terminal_view_shows_collector_counts():
    out = io.StringIO()
    progress = Progress(True, out, terminal=True)
    progress.phase("collect_render")
    progress.step("collect_render", 12, 40, "pages")
    shown_running = " ".join(task.fields["counts"] for task in progress._live.tasks)  # the running row
    progress.phase_done("collect_render", 3.0)
    progress.phase("collect_profiles")
    progress.step("collect_profiles", 1, 1, "profiles")
    progress.done()
    assert "12/40 pages" in shown_running and "left" in shown_running
    assert "12/40 pages" in out.getvalue() and "1/1 profile" in out.getvalue()


def test_the_ads_visit_counts_its_landing_pages(run_audit, tmp_path):
    """Through the CLI and a real collector: the ads phase's line says how many landing pages
    it visited of how many."""
    from pathlib import Path

    from auditor.devserver import serve

    demo = Path(__file__).resolve().parents[1] / "examples" / "demo-site"
    with serve(demo) as site:
        ads = tmp_path / "ads.csv"
        ads.write_text((demo / "ads.csv").read_text("utf-8").replace("{SITE}", site.base_url.rstrip("/")), "utf-8")
        result = run_audit("audit", site.base_url, "--checks", "ads", "--ads", str(ads), "--format", "json",
                           "--max-pages", "5")
    assert result.exit_code in (0, 1), result.stderr
    landing = len({line.split(",")[-1] for line in ads.read_text("utf-8").splitlines()[1:] if line.strip()})
    line = next(line for line in result.stderr.splitlines() if line.startswith("ads:"))
    assert re.match(rf"ads: {landing}/{landing} landing pages in \d", line), line


def test_the_render_phase_counts_its_pages_in_real_chromium(run_audit):
    """The phase the issue saw stand still: rendering pages in the browser counts them."""
    from pathlib import Path

    import pytest

    from auditor.devserver import serve

    if not Path("/usr/bin/chromium").is_file():
        pytest.skip("needs Debian's chromium (make setup installs it)")
    site_dir = Path(__file__).resolve().parent / "sites" / "basic"
    with serve(site_dir) as site:
        result = run_audit("audit", site.base_url, "--checks", "mobile", "--format", "json", "--max-pages", "4")
    assert result.exit_code in (0, 1), result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("render:"))
    match = re.match(r"render: (\d+)/(\d+) pages? in \d", line)
    assert match and match.group(1) == match.group(2) and int(match.group(1)) >= 1, line
