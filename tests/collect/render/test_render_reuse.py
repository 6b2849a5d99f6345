"""An incremental re-crawl keeps the previous run's renderings of unchanged pages (real
Chromium renders the first run), and renders again when a stylesheet changed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from auditor.config import load_config
from auditor.devserver import serve
from auditor.report.json import run_to_dict
from auditor.runner import Runner
from auditor.store import RunStore
from tests.conftest import SITES

pytestmark = pytest.mark.slow
PAGES = ("index.html", "fixed-width.html", "tiny-footer.html", "no-viewport.html", "site.css")


def audit(url: str, out: Path, previous: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    cfg = load_config(None, {"target": url, "as_of": dt.date(2026, 11, 22), "checks": {"enabled": ["mobile"]},
                             "crawl": {"rate_limit": 0}, "collectors": {"render": {"per_template": 0}}})
    doc = run_to_dict(Runner(cfg, out, previous=previous).run())
    store = RunStore(out)
    try:
        return doc, store.artifact("render")
    finally:
        store.close()


def verdicts(doc: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted((f["code"], f["url"], f["occurrences"]) for f in doc["findings"])


def test_unchanged_pages_keep_their_renderings_until_a_stylesheet_changes(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    for name in PAGES:
        shutil.copy(SITES / "mobile" / name, root / name)
    with serve(root) as site:
        first, summary1 = audit(site.base_url, tmp_path / "a")
        second, summary2 = audit(site.base_url, tmp_path / "b", previous=tmp_path / "a")
        css = root / "site.css"
        bigger = "\nfooter.legal, footer.legal p { font-size: 16px !important; }\n"
        css.write_text(css.read_text("utf-8") + bigger, "utf-8")
        third, summary3 = audit(site.base_url, tmp_path / "c", previous=tmp_path / "b")

    rendered = summary1["pages_rendered"]
    assert rendered == 4 and summary1["reused"] == 0
    assert summary2["reused"] == rendered and summary2["pages_rendered"] == rendered
    assert verdicts(second) == verdicts(first)
    assert {"TP402", "TP403"} <= {code for code, _, _ in verdicts(second)}
    shots = sorted(p.name for p in (tmp_path / "b" / "screenshots").iterdir())
    assert shots == sorted(p.name for p in (tmp_path / "a" / "screenshots").iterdir()) and len(shots) == 2 * rendered
    assert any("renderings kept from the previous run" in n for n in second["notes"])
    # Every page links the stylesheet that changed: all are rendered again, and the footer
    # text is no longer too small.
    assert summary3["reused"] == 0 and summary3["pages_rendered"] == rendered
    assert "TP403" not in {code for code, _, _ in verdicts(third)}


def test_pages_taken_over_from_a_run_that_rendered_nothing_are_still_rendered(tmp_path: Path) -> None:
    """A run that renders nothing (TP401 judges the viewport tag alone) stores no layout
    templates; the next run renders, and must plan its pages from the stored bodies of the
    pages it took over unchanged."""
    root = tmp_path / "site"
    root.mkdir()
    for name in PAGES:
        shutil.copy(SITES / "mobile" / name, root / name)
    with serve(root) as site:
        cfg = load_config(None, {"target": site.base_url, "as_of": dt.date(2026, 11, 22),
                                 "checks": {"enabled": ["TP401"]}, "crawl": {"rate_limit": 0}})
        Runner(cfg, tmp_path / "a").run()
        doc, summary = audit(site.base_url, tmp_path / "b", previous=tmp_path / "a")
    assert doc["stats"]["unchanged"] == 4
    assert summary["pages_eligible"] == 4 and summary["pages_rendered"] == 4 and summary["reused"] == 0
