"""Redirect stubs (a page that only holds a ``<meta http-equiv="refresh">``) are redirects,
end to end over ``tests/sites/links-refresh``: crawled once each, and TP103 counts each
stub as a hop, so stub → stub → page and stub → 301 → page are chains and two stubs that
send the visitor to each other are a loop (issue 19, "Redirect stubs are not pages")."""

from __future__ import annotations

import pytest

from auditor.devserver import serve
from tests.conftest import SITES, AuditResult, port_of


@pytest.fixture(scope="module")
def site():
    with serve(SITES / "links-refresh") as served:
        yield served


@pytest.fixture(scope="module")
def audit(site, tmp_path_factory) -> AuditResult:
    from auditor.cli import main

    out = tmp_path_factory.mktemp("links-refresh")
    cfg = out / "audit.toml"
    cfg.write_text('[crawl]\nrate_limit = 0\ntimeout = 10\nuse_sitemaps = false\n', "utf-8")
    code = main(["audit", site.base_url, "--out", str(out), "--config", str(cfg), "--quiet", "--checks", "links"])
    return AuditResult(code, out, "", "")


def url(site, path: str) -> str:
    return site.base_url.rstrip("/") + path


def test_stub_chains_are_redirect_chains(audit, site):
    chains = audit.by_code("TP103")
    assert set(chains) == {url(site, "/actie.html"), url(site, "/oud-contact.html"), url(site, "/rondje-a.html")}
    actie = chains[url(site, "/actie.html")]
    assert [(h["url"], h.get("via")) for h in actie["evidence"]["redirects"]] == [
        (url(site, "/actie.html"), "meta-refresh"), (url(site, "/actie-2024.html"), "meta-refresh")]
    assert actie["evidence"]["final_url"] == url(site, "/actie-2025.html")
    assert actie["severity"] == "warning" and actie["locations"][0]["url"] == url(site, "/")
    contact = chains[url(site, "/oud-contact.html")]
    assert [(h["status"], h.get("via")) for h in contact["evidence"]["redirects"]] == [(200, "meta-refresh"),
                                                                                       (301, None)]
    assert contact["evidence"]["final_url"] == url(site, "/contact.html")


def test_a_refresh_loop_is_a_loop_and_crawled_once(audit, site):
    loop = audit.by_code("TP103")[url(site, "/rondje-a.html")]
    assert loop["severity"] == "error" and loop["evidence"]["loop"] is True
    port = port_of(site)
    assert site.hits.get(f"127.0.0.1:{port}/rondje-a.html") == 1
    assert site.hits.get(f"127.0.0.1:{port}/rondje-b.html") == 1


def test_one_stub_or_a_slow_refresh_is_no_chain(audit, site):
    """One stub is one hop; a page that refreshes after a minute is a page a visitor reads."""
    chains = audit.by_code("TP103")
    assert url(site, "/menu-oud.html") not in chains and url(site, "/aankondiging.html") not in chains
    assert url(site, "/verhuisd") not in chains and url(site, "/rondje-b.html") not in chains
    assert site.hits.get(f"127.0.0.1:{port_of(site)}/menu.html")  # the stub's target is crawled
