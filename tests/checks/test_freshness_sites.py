"""The freshness family end to end over fixture sites served on 127.0.0.1 (crawl, the feeds
collector, the checks), and the demo site through the CLI with ``--as-of``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from auditor.collect.crawl.feeds import FeedCollector, parse_feed, parse_sitemap_dates
from auditor.config import load_config
from auditor.devserver import serve
from auditor.registry import CheckInfo
from auditor.runner import Runner
from checks.freshness import StaleCopyrightYear, StaleEvent, StaleNews

SITES = Path(__file__).resolve().parents[1] / "sites"
DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-site"
CHECKS = {c.code: CheckInfo(c.code, c, "tests") for c in (StaleNews, StaleCopyrightYear, StaleEvent)}


def audit(tmp_path, site_name: str, as_of: str, checks: dict | None = None):
    with serve(SITES / site_name) as site:
        cfg = load_config(None, {"target": site.base_url, "as_of": dt.date.fromisoformat(as_of),
                                 "crawl": {"rate_limit": 0},
                                 "checks": {"enabled": ["freshness"], **(checks or {})}})
        run = Runner(cfg, tmp_path / f"{site_name}-{as_of}", available=CHECKS,
                     collectors={"feeds": FeedCollector}).run()
    status = {c.code: (c.status, c.reason) for c in run.checks}
    findings = {f.code: [] for f in run.findings}
    for f in run.findings:
        findings[f.code].append(f)
    return status, findings, site.base_url.rstrip("/")


@pytest.mark.slow
def test_fresh_english_news_passes_and_is_stale_when_judged_later(tmp_path):
    status, findings, _ = audit(tmp_path, "news-fresh-en", "2026-11-22")
    assert status["TP201"][0] == "passed" and status["TP202"][0] == "passed"
    assert status["TP203"][0] == "not_applicable"
    status, findings, base = audit(tmp_path, "news-fresh-en", "2027-06-01")
    [stale] = findings["TP201"]
    assert stale.evidence["newest_url"] == f"{base}/news/solar-roof.html"
    assert stale.evidence["date_found_by"] == "json-ld newsarticle datePublished"
    assert findings["TP202"][0].occurrences == 6  # the 2026 footer on every page, judged in 2027


@pytest.mark.slow
def test_stale_dutch_news_with_dates_only_in_visible_text(tmp_path):
    _status, findings, base = audit(tmp_path, "news-stale-nl", "2026-11-22")
    [stale] = findings["TP201"]
    assert stale.url == f"{base}/actueel/"
    assert stale.evidence["newest_date"] == "2023-08-03"
    assert stale.evidence["date_found_by"].startswith("visible")
    assert set(stale.evidence["section_found_by"]) == {"navigation link 'Actueel'", "URL word 'actueel'"}
    [footer] = findings["TP202"]
    assert footer.evidence["year"] == 2023 and footer.occurrences == 6


@pytest.mark.slow
def test_dates_only_in_a_feed(tmp_path):
    _status, findings, base = audit(tmp_path, "news-feed-only", "2026-11-22")
    [stale] = findings["TP201"]
    ev = stale.evidence
    assert (ev["newest_date"], ev["date_found_by"], ev["date_source"]) == ("2023-11-14", "feed pubDate", "feed")
    assert f"feed {base}/blog/feed.xml" in stale.evidence["section_found_by"]


@pytest.mark.slow
def test_a_feed_declared_behind_a_redirect_stub_start_page_is_read(tmp_path):
    """The start page is a meta-refresh stub that declares no feed; every page behind it does."""
    _status, findings, base = audit(tmp_path, "news-feed-stub", "2026-11-22")
    [stale] = findings["TP201"]
    assert (stale.evidence["newest_date"], stale.evidence["date_source"]) == ("2023-11-14", "feed")
    assert f"feed {base}/nl/blog/feed.xml" in stale.evidence["section_found_by"]


@pytest.mark.slow
def test_mixed_formats_in_a_dutch_and_an_english_section(tmp_path):
    _status, findings, base = audit(tmp_path, "news-mixed", "2026-11-22")
    [stale] = findings["TP201"]  # /nieuws/ is fresh (15-10-2026), /en/news/ is not
    assert stale.evidence["section"] == f"{base}/en/news/"
    assert stale.evidence["newest_date"] == "2025-03-03"
    assert "TP202" not in findings  # "Copyright 2026"


@pytest.mark.slow
def test_no_news_at_all(tmp_path):
    status, findings, _ = audit(tmp_path, "news-none", "2026-11-22")
    assert status["TP201"][0] == "not_applicable"
    assert status["TP203"][0] == "not_applicable"
    assert not findings


@pytest.mark.slow
def test_events_page_with_past_events_and_an_unreadable_news_section(tmp_path):
    status, findings, base = audit(tmp_path, "news-events", "2026-11-22")
    events = {f.url: [e["title"] for e in f.evidence["events"]] for f in findings["TP203"]}
    assert events == {f"{base}/events/": ["Jazz on the terrace", "Pottery for beginners"],
                      f"{base}/agenda.html": ["Workshop schilderen"]}
    assert status["TP201"][0] == "unverifiable" and "no date could be read" in status["TP201"][1]


def test_parse_feed_rss_and_atom():
    rss = parse_feed((SITES / "news-feed-only" / "blog" / "feed.xml").read_bytes().replace(b"{SITE}", b"https://x.nl"),
                     "https://x.nl/blog/feed.xml")
    assert rss["format"] == "rss" and rss["link"] == "https://x.nl/blog/"
    assert rss["items"][0] == {"title": "Zo komt uw tuin de winter door", "link": "https://x.nl/blog/winteronderhoud.html",
                               "date": "Tue, 14 Nov 2023 09:00:00 +0100", "field": "pubDate"}
    atom = parse_feed(b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>'
                      b'<link href="/"/><entry><title>A</title><link rel="alternate" href="/a"/>'
                      b'<updated>2024-05-02T10:00:00Z</updated><published>2024-04-30T10:00:00Z</published></entry>'
                      b'</feed>', "https://x.nl/feed.atom")
    assert atom["items"] == [{"title": "A", "link": "https://x.nl/a", "date": "2024-04-30T10:00:00Z",
                              "field": "published"}]


def test_untrusted_xml_is_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY ext SYSTEM "file:///etc/passwd">]><rss><channel><title>&b;&ext;</title></channel></rss>')
    feed = parse_feed(bomb, "https://x.nl/feed")
    assert "root:" not in feed["title"] and len(feed["title"]) < 100


def test_parse_sitemap_dates_with_news_entries():
    data = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            b'<url><loc>https://x.nl/nieuws/a</loc><news:news><news:publication_date>2024-03-12</news:publication_date>'
            b'<news:title>A</news:title></news:news></url><url><loc>https://x.nl/b</loc><lastmod>2023-01-01</lastmod>'
            b'</url><url><loc>https://x.nl/c</loc></url></urlset>')
    assert parse_sitemap_dates(data) == [
        {"url": "https://x.nl/nieuws/a", "news_date": "2024-03-12", "news_title": "A"},
        {"url": "https://x.nl/b", "lastmod": "2023-01-01"}]


@pytest.mark.slow
def test_demo_site_freshness_findings(run_audit, tmp_path):
    """examples/demo-site/DEFECTS.md: exactly one TP201 (newest 2024-03-12), the © 2021 footer as one
    TP202 on every crawled page, and TP203 for exactly the three past events."""
    fast = tmp_path / "fast.toml"
    fast.write_text("[crawl]\nrate_limit = 0\n", "utf-8")
    with serve(DEMO) as site:
        result = run_audit("audit", site.base_url, "--checks", "freshness", "--as-of", "2026-11-22",
                           "--config", str(fast), "--format", "json")
        base = site.base_url.rstrip("/")
    assert result.exit_code == 0, result.stderr
    doc = result.doc
    by_code = {}
    for f in doc["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    [news] = by_code["TP201"]
    assert news["url"] == f"{base}/nieuws/" and news["evidence"]["newest_date"] == "2024-03-12"
    [footer] = by_code["TP202"]
    assert footer["evidence"]["year"] == 2021 and footer["occurrences"] == doc["pages_crawled"]
    [events] = by_code["TP203"]
    assert events["url"] == f"{base}/agenda.html"
    assert [e["date"] for e in events["evidence"]["events"]] == ["2024-09-21", "2024-10-05", "2024-11-14"]
    assert not any("/intern/" in f["url"] for f in doc["findings"])
    assert json.dumps(doc)  # the evidence is plain JSON
