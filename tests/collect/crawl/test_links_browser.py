"""Links a browser would follow, end to end over ``tests/sites/links-browser``.

Hrefs a browser repairs are not broken; every element a visitor meets a link in is
checked (meta refresh followed like a redirect, media, frames, objects, embeds, GET form
buttons, srcset candidates); addresses no browser can open are reported, not dropped; the
audited address's own ``#fragment`` is checked. One audit per module.
"""

from __future__ import annotations

import pytest

from auditor.devserver import serve
from tests.conftest import SITES, AuditResult, port_of


@pytest.fixture(scope="module")
def site():
    with serve(SITES / "links-browser") as served:
        yield served


def _audit(site, tmp_path_factory, start: str) -> AuditResult:
    from auditor.cli import main

    out = tmp_path_factory.mktemp("links-browser")
    cfg = out / "audit.toml"
    cfg.write_text('[crawl]\nrate_limit = 0\ntimeout = 10\nuse_sitemaps = false\n', "utf-8")
    code = main(["audit", start, "--out", str(out), "--config", str(cfg), "--quiet", "--checks", "links",
                 "--resolve", f"xn--fa-hia.example:80:127.0.0.1:{port_of(site)}"])
    return AuditResult(code, out, "", "")


@pytest.fixture(scope="module")
def audit(site, tmp_path_factory) -> AuditResult:
    return _audit(site, tmp_path_factory, site.base_url + "#nergens")


def url(site, path: str) -> str:
    return site.base_url.rstrip("/") + path


def test_hrefs_a_browser_repairs_are_not_broken(audit, site):
    broken = {**audit.by_code("TP101"), **audit.by_code("TP102"), **audit.by_code("TP106")}
    assert url(site, "/media/files/doc.pdf") not in broken  # media\files\doc.pdf
    assert not [t for t in broken if "%5C" in t or "lang-" in t or "h=50" in t]
    assert "http://xn--fa-hia.example/ok.html" not in broken  # faß, not fass
    assert site.hits.get("xn--fa-hia.example/ok.html")
    assert site.hits.get(f"127.0.0.1:{port_of(site)}/lang-artikel.html")


def test_meta_refresh_is_followed_like_a_redirect(audit, site):
    assert site.hits.get(f"127.0.0.1:{port_of(site)}/nieuw/alleen-via-refresh.html")  # crawled through the stub
    broken = audit.by_code("TP101")
    assert url(site, "/verdwenen.html") in broken
    assert broken[url(site, "/verdwenen.html")]["locations"][0]["element"] == "meta-refresh"


def test_every_link_bearing_element_is_checked(audit, site):
    missing = audit.by_code("TP106")
    expected = {"/media/intro-missing.mp4": "video", "/img/poster-missing.jpg": "video",
                "/media/subs-missing.vtt": "track", "/media/podcast-missing.mp3": "audio",
                "/media/clip-missing.webm": "source", "/media/object-missing.swf": "object",
                "/media/embed-missing.swf": "embed", "/img/pic-missing-2x.gif": "img",
                "/img/preload-2x.gif": "link", "/frame-missing.html": "frame"}
    for path, element in expected.items():
        assert url(site, path) in missing, path
        assert missing[url(site, path)]["locations"][0]["element"] == element
    broken = audit.by_code("TP101")
    assert url(site, "/zoek-missing.html") in broken  # a GET form's button
    assert url(site, "/post-missing.html") not in broken and url(site, "/post-missing.html") not in missing
    assert not [t for t in site.hits if t.endswith("/post-missing.html")]


def test_unusable_addresses_are_broken_not_dropped(audit):
    broken = audit.by_code("TP101")
    target = "file:///C:/Users/jan/Documents/brochure.pdf"
    assert target in broken
    assert broken[target]["evidence"]["error"] == "unusable-url"
    assert "author's own computer" in broken[target]["evidence"]["reason"]
    assert not [t for t in broken if t.startswith("mailto:")]


def test_the_start_urls_own_fragment_is_checked(audit, site):
    anchors = audit.by_code("TP105")
    assert url(site, "/#nergens") in anchors


def test_an_existing_start_fragment_is_fine(site, tmp_path_factory):
    result = _audit(site, tmp_path_factory, site.base_url + "#bestaat")
    assert not result.by_code("TP105")
