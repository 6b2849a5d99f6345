"""The HTML report's size bound (docs/report.md, "Size"): at most 3 MB for a 1,000-page site,
however many findings it has, with the phone screenshots as files next to the report.

Issue 21: real sites gave reports of 13-17 MB, most of it screenshots inlined as base64.
The run here is synthetic (``tests/report/synthetic.py``: no crawl), shaped like a real
1,000-page audit with 60 full-page screenshots of 120 KB.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from auditor.report.html import HtmlReporter
from tests.report.synthetic import synthetic_run

BOUND = 3_000_000  # bytes of report.html for a 1,000-page site (docs/report.md)


@pytest.mark.parametrize("scale", [1, 5])
def test_a_1000_page_report_stays_under_the_stated_size(tmp_path, scale):
    run = synthetic_run(tmp_path, 1000, scale=scale)
    assert run.pages_crawled == 1000 and len(run.findings) > 1000 * (1 + scale)
    path = HtmlReporter().write(run, tmp_path)
    size = path.stat().st_size
    assert size < BOUND, f"{size:,} bytes for {len(run.findings):,} findings"
    doc = lxml.html.fromstring(path.read_text("utf-8"))
    # The screenshots are the files next to the report, by relative address.
    images = set(doc.xpath("//*[local-name()='image']/@href | //img[contains(@class,'shot-img')]/@src"))
    assert images and all(src.startswith("screenshots/") and (tmp_path / src).is_file() for src in images)
    assert "data:image/jpeg" not in path.read_text("utf-8")
    # Nothing is lost without saying so: every finding is shown in full or as one line,
    # or counted as "in findings.json".
    shown = len(doc.xpath("//details[contains(@class,'finding')]"))
    counted = sum(int("".join(ch for ch in p.text_content().split(" van deze soort")[0] if ch.isdigit()))
                  for p in doc.xpath("//p[contains(@class,'omitted')]"))
    units = int(doc.xpath("string(//dd[@data-count='findings'])").replace(".", ""))
    assert shown + counted == units
    assert doc.xpath("//details[contains(@class,'compact')]")  # past the full budget: one line each


def test_the_size_of_screenshots_does_not_count(tmp_path):
    """Bigger screenshots make the run directory bigger, not the report."""
    small = HtmlReporter().write(synthetic_run(tmp_path / "a"), tmp_path / "a").stat().st_size
    for shot in (tmp_path / "a" / "screenshots").iterdir():
        shot.write_bytes(shot.read_bytes() + b"\0" * 1_000_000)
    again = HtmlReporter().write(synthetic_run_keep(tmp_path / "a"), tmp_path / "a").stat().st_size
    assert again == small


def synthetic_run_keep(run_dir: Path):
    """The same run without writing its screenshots again."""
    shots = {p: p.read_bytes() for p in (run_dir / "screenshots").iterdir()}
    run = synthetic_run(run_dir)
    for p, data in shots.items():
        p.write_bytes(data)
    return run
