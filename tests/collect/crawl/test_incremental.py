"""Incremental re-crawl: an unchanged page is taken over from the previous run, not parsed.

The gold standard for every case here is a full audit of the same (changed) site: the
incremental run must give exactly its findings and touchpoints, only cheaper. The demo
site is copied to a temp folder and edited between runs; the fixture server answers
conditional requests with 304 as nginx does (ETag / Last-Modified).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from auditor.config import load_config
from auditor.devserver import FixtureSite, serve
from auditor.report.json import run_to_dict
from auditor.runner import Runner

DEMO = Path(__file__).parents[3] / "examples" / "demo-site"
CHECKS = ["links", "TP202", "TP401", "TP701"]  # the crawler-time page checks and the link family


def audit(site: FixtureSite, out: Path, as_of: str, previous: Path | None = None) -> dict[str, Any]:
    cfg = load_config(None, {"target": site.base_url, "as_of": dt.date.fromisoformat(as_of),
                             "checks": {"enabled": CHECKS}, "crawl": {"rate_limit": 0}})
    return run_to_dict(Runner(cfg, out, previous=previous).run())


def verdicts(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((f["fingerprint"], f["severity"], f["message"], f["occurrences"],
                   tuple(sorted((loc["url"], loc["text"]) for loc in f["locations"]))) for f in doc["findings"])


def inventory(doc: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(t, sort_keys=True) for t in doc["touchpoints"])


@pytest.fixture()
def demo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(DEMO, root)
    return root


def conditional_gets(site: FixtureSite, since: int) -> tuple[int, int]:
    """(GETs with If-None-Match, all GETs) among the server's requests after ``since``."""
    gets = [headers for method, _key, headers in site.requests[since:] if method == "GET"]
    return sum(1 for h in gets if "If-None-Match" in h), len(gets)


def test_unchanged_site_is_taken_over_with_the_same_result(demo_copy: Path, tmp_path: Path) -> None:
    with serve(demo_copy) as site:
        first = audit(site, tmp_path / "a", "2026-11-22")
        before = len(site.requests)
        second = audit(site, tmp_path / "b", "2026-11-23", previous=tmp_path / "a")
        conditional, gets = conditional_gets(site, before)
    assert second["stats"]["unchanged"] == first["pages_crawled"] == second["pages_crawled"]
    assert conditional == first["pages_crawled"] - 1  # the start page comes from the preflight (plain GET)
    assert gets < 40
    assert verdicts(second) == verdicts(first)
    assert inventory(second) == inventory(first)
    assert any(n.startswith(f"incremental: {first['pages_crawled']} of") for n in second["notes"])


def test_changed_and_removed_pages_are_judged_again(demo_copy: Path, tmp_path: Path) -> None:
    with serve(demo_copy) as site:
        audit(site, tmp_path / "a", "2026-11-22")
        # A page changes (its broken link is repaired, a new one appears), a page goes away.
        contact = demo_copy / "contact.html"
        html = contact.read_text("utf-8")
        contact.write_text(html.replace("</body>", '<a href="/verdwenen-pagina.html">weg</a></body>'), "utf-8")
        (demo_copy / "vacatures.html").unlink()
        incremental = audit(site, tmp_path / "b", "2026-11-23", previous=tmp_path / "a")
        full = audit(site, tmp_path / "c", "2026-11-23")
    assert verdicts(incremental) == verdicts(full)
    assert inventory(incremental) == inventory(full)
    assert any(f["target"] and f["target"].endswith("/verdwenen-pagina.html") for f in incremental["findings"])
    assert any(f["target"] and f["target"].endswith("/vacatures.html") and f["code"] == "TP101"
               for f in incremental["findings"])
    assert 0 < incremental["stats"]["unchanged"] < incremental["pages_crawled"]


def test_server_without_validators_is_compared_by_content_hash(demo_copy: Path, tmp_path: Path) -> None:
    spec = json.loads((demo_copy / "_server.json").read_text("utf-8"))
    paths = ["/" + p.relative_to(demo_copy).as_posix() for p in demo_copy.rglob("*.html")]
    spec["no_validators"] = [*paths, *(p.removesuffix("index.html") for p in paths if p.endswith("index.html"))]
    (demo_copy / "_server.json").write_text(json.dumps(spec), "utf-8")
    with serve(demo_copy) as site:
        first = audit(site, tmp_path / "a", "2026-11-22")
        before = len(site.requests)
        second = audit(site, tmp_path / "b", "2026-11-23", previous=tmp_path / "a")
        conditional, _ = conditional_gets(site, before)
    assert conditional == 0  # the previous answers had no validators to send back
    assert second["stats"]["unchanged"] == first["pages_crawled"]
    assert verdicts(second) == verdicts(first)


def test_a_check_whose_verdict_depends_on_the_date_is_not_reused_across_a_new_year(
        demo_copy: Path, tmp_path: Path) -> None:
    with serve(demo_copy) as site:
        audit(site, tmp_path / "a", "2026-11-22")
        incremental = audit(site, tmp_path / "b", "2027-03-01", previous=tmp_path / "a")
        full = audit(site, tmp_path / "c", "2027-03-01")
    assert incremental["stats"]["unchanged"] == 0
    assert any("not incremental: page checks changed" in n and "TP202" in n for n in incremental["notes"])
    assert verdicts(incremental) == verdicts(full)


def test_an_unreadable_previous_run_means_a_full_crawl(demo_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "run.sqlite").write_bytes(b"not a database")
    with serve(demo_copy) as site:
        doc = audit(site, tmp_path / "b", "2026-11-22", previous=tmp_path / "broken")
    assert doc["stats"]["unchanged"] == 0
    assert doc["pages_crawled"] > 20
    assert any(n.startswith("not incremental: the previous run") for n in doc["notes"])


def test_spelling_keeps_the_text_of_unchanged_pages_and_reads_changed_ones(tmp_path: Path) -> None:
    """The Hunspell engine (fast, installed by make) with a cache of the test's own: the
    point here is which pages are read again, not the engine."""
    root = tmp_path / "site"
    shutil.copytree(Path(__file__).parents[2] / "sites" / "spelling-nl", root)
    settings = {"engine": "hunspell", "cache_file": str(tmp_path / "cache.sqlite")}

    def spell(out: Path, previous: Path | None = None) -> dict[str, Any]:
        cfg = load_config(None, {"target": site.base_url, "as_of": dt.date(2026, 11, 22),
                                 "checks": {"enabled": ["TP301"]}, "crawl": {"rate_limit": 0},
                                 "collectors": {"language": settings}})
        return run_to_dict(Runner(cfg, out, previous=previous).run())

    with serve(root) as site:
        first = spell(tmp_path / "a")
        second = spell(tmp_path / "b", previous=tmp_path / "a")
        index = root / "index.html"
        index.write_text(index.read_text("utf-8").replace("</body>", "<p>Een nieuwe zin met een fuot erin.</p></body>"),
                         "utf-8")
        third = spell(tmp_path / "c", previous=tmp_path / "b")
        full = spell(tmp_path / "d")
    pages = first["pages_crawled"]
    kept = "spelling: the text of {} unchanged pages kept from the previous run"
    assert kept.format(pages) in second["notes"]
    assert verdicts(second) == verdicts(first)
    assert kept.format(pages - 1) in third["notes"]
    assert any(f["evidence"].get("word") == "fuot" or "fuot" in f["message"] for f in third["findings"])
    assert verdicts(third) == verdicts(full)
