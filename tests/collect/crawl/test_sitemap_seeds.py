"""Pages are not lost without notice: sitemaps (image entries, relative <loc>, every URL not
crawled counted with why) and pagination linked by both <link rel=next> and <a>."""

from __future__ import annotations

import pytest

from auditor.collect.crawl.sitemaps import parse_sitemap
from auditor.devserver import serve
from tests.conftest import SITES, AuditResult

YOAST = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://ex.nl/a/</loc><lastmod>2024-01-02</lastmod>
<image:image><image:loc>https://ex.nl/wp-content/uploads/a.jpg</image:loc></image:image></url>
<url><loc>https://ex.nl/b/</loc><image:image><image:loc>https://ex.nl/b.jpg</image:loc></image:image>
<image:image><image:loc>https://ex.nl/b2.jpg</image:loc></image:image></url>
</urlset>"""


def test_image_loc_does_not_overwrite_the_page():
    pages, nested = parse_sitemap(YOAST)
    assert pages == [("https://ex.nl/a/", "2024-01-02"), ("https://ex.nl/b/", None)]
    assert nested == []


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    from auditor.cli import main

    with serve(SITES / "links-sitemap") as site:
        out = tmp_path_factory.mktemp("links-sitemap")
        cfg = out / "audit.toml"
        cfg.write_text('[crawl]\nrate_limit = 0\ntimeout = 10\n', "utf-8")
        code = main(["audit", site.base_url, "--out", str(out), "--config", str(cfg), "--quiet", "--checks", "links"])
        result = AuditResult(code, out, "", "")
        result.base = site.base_url.rstrip("/")  # type: ignore[attr-defined]
        yield result


def _crawled(audit) -> set[str]:
    import sqlite3

    db = sqlite3.connect(audit.out / "run.sqlite")
    return {row[0].removeprefix(audit.base) for row in db.execute("select url from pages")}


def test_sitemap_pages_are_crawled_not_their_images(audit):
    crawled = _crawled(audit)
    assert {"/over-ons.html", "/diensten.html"} <= crawled
    assert not [p for p in crawled if p.startswith("/img/")]


def test_relative_locs_are_read_and_noted(audit):
    assert {"/nieuws/bericht-1.html", "/nieuws/bericht-2.html"} <= _crawled(audit)
    assert [n for n in audit.doc["notes"] if "2 <loc> values were relative" in n]


def test_every_sitemap_url_not_crawled_is_counted_with_why(audit):
    (note,) = [n for n in audit.doc["notes"] if n.startswith("sitemaps: 7 page URLs listed")]
    assert "4 queued for crawling, 1 already known" in note
    assert "1 on another site" in note and "1 disallowed by robots.txt" in note
    assert "/private/intern.html" not in _crawled(audit)


def test_pagination_linked_by_rel_next_and_a_is_crawled(audit):
    assert "/lijst-2.html" in _crawled(audit)
    assert audit.base + "/img/ontbreekt.jpg" in audit.by_code("TP106")


def test_pagination_named_by_rel_next_on_one_page_and_linked_by_a_on_another_is_crawled(run_audit):
    """/nieuws/ names /nieuws/pagina-2.html only by <link rel=next> (checked), and archief.html,
    three clicks deeper, links it with <a>: a visitor reaches it, so it is crawled after all
    (the frontier upgrades its check to a crawl) and its broken image is found."""
    import sqlite3

    with serve(SITES / "links-pagination") as site:
        result = run_audit("audit", site.base_url, "--checks", "links", "--quiet")
    base = site.base_url.rstrip("/")
    assert result.doc["pages_crawled"] == 6
    assert base + "/img/jubileum-weg.jpg" in result.by_code("TP106")
    db = sqlite3.connect(result.out / "run.sqlite")
    assert db.execute("SELECT kind, state FROM urls WHERE url = ?", (base + "/nieuws/pagina-2.html",)).fetchall() \
        == [("crawl", "done")]
    assert db.execute("SELECT count(*) FROM pages WHERE url = ?", (base + "/nieuws/pagina-2.html",)).fetchone() == (1,)
