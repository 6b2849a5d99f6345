"""The whole crawl over ``tests/sites/basic``: real HTTP over loopback, real SQLite.

One audit per module (it takes a few seconds: a slow page, a Retry-After), then each test
asserts one behaviour of the crawler and the link checks on its findings and store.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import AuditResult, basic_resolves


@pytest.fixture(scope="module")
def audit(basic_site, tmp_path_factory) -> AuditResult:
    from auditor.cli import main

    out = tmp_path_factory.mktemp("basic")
    cfg = out / "audit.toml"
    cfg.write_text('[crawl]\nrate_limit = 0\nconcurrency = 8\ntimeout = 10\n', "utf-8")
    code = main(["audit", basic_site.base_url, "--out", str(out), "--config", str(cfg), "--quiet", "--checks", "links",
                 *basic_resolves(basic_site)])
    return AuditResult(code, out, "", "")


def url(site, path: str) -> str:
    return site.base_url.rstrip("/") + path


def test_writes_report_findings_and_store(audit):
    assert audit.exit_code == 0
    for name in ("report.html", "findings.json", "run.sqlite"):
        assert (audit.out / name).is_file()
    doc = audit.doc
    assert doc["schema"] == "touchpoint-auditor/findings/v1"
    assert {c["code"] for c in doc["checks"]} == {f"TP10{i}" for i in range(1, 10)}


def test_broken_internal_links_with_every_linking_page(audit, basic_site):
    broken = audit.by_code("TP101")
    assert set(broken) == {url(basic_site, p) for p in ("/missing-page.html", "/gone", "/error")}
    missing = broken[url(basic_site, "/missing-page.html")]
    assert missing["occurrences"] == 2
    assert {loc["url"] for loc in missing["locations"]} == {url(basic_site, "/"), url(basic_site, "/about.html")}
    assert broken[url(basic_site, "/gone")]["evidence"]["status"] == 410


def test_broken_external_links_with_reasons(audit):
    broken = audit.by_code("TP102")
    assert set(broken) == {"http://partners.example.test/nope.html", "http://closed.example.test/",
                           "http://nxdomain.invalid/"}
    assert broken["http://closed.example.test/"]["evidence"]["error"] == "refused"
    assert broken["http://nxdomain.invalid/"]["evidence"]["error"] == "dns"


def test_blocked_is_unverifiable_not_broken(audit, basic_site):
    blocked = audit.by_code("TP107")
    assert set(blocked) == {"http://walled.example.test/", "http://www.linkedin.com/company/voorbeeld",
                            url(basic_site, "/private/secret.html")}
    assert all(f["severity"] == "info" for f in blocked.values())


def test_head_refused_falls_back_to_get(audit, basic_site):
    assert basic_site.hits["partners.example.test/head-refused.html"] == 2  # HEAD 405, then GET 200
    assert "http://partners.example.test/head-refused.html" not in audit.by_code("TP102")


def test_redirect_chain_and_loop(audit, basic_site):
    chains = audit.by_code("TP103")
    assert set(chains) == {url(basic_site, "/old"), url(basic_site, "/loop-a")}
    chain = chains[url(basic_site, "/old")]
    assert [h["status"] for h in chain["evidence"]["redirects"]] == [301, 302]
    assert chain["evidence"]["final_url"] == url(basic_site, "/about.html")
    assert chains[url(basic_site, "/loop-a")]["severity"] == "error"
    assert url(basic_site, "/loop-a") not in audit.by_code("TP101")  # one problem, one finding


def test_soft_404(audit, basic_site):
    assert set(audit.by_code("TP104")) == {url(basic_site, "/soft404.html")}


def test_missing_anchor_only(audit, basic_site):
    assert set(audit.by_code("TP105")) == {url(basic_site, "/about.html#missing-section")}


def test_broken_resources(audit, basic_site):
    assert set(audit.by_code("TP106")) == {url(basic_site, "/img/missing.png"), url(basic_site, "/css/missing.css")}


def test_robots_obeyed_and_sitemap_index_gzip_seeds(audit, basic_site):
    assert not any("/private/" in k for k in basic_site.hits)
    assert basic_site.hits.get(url(basic_site, "/orphan.html").split("//", 1)[1]) == 1  # only in the sitemap


def test_each_page_fetched_once_and_tracking_params_folded(audit, basic_site):
    db = sqlite3.connect(audit.out / "run.sqlite")
    pages = [r[0] for r in db.execute("select url from pages")]
    assert len(pages) == len(set(pages))
    assert not any("utm_" in p for p in pages)
    assert sorted(p.rsplit("/", 1)[1] for p in pages) == sorted(
        ["", "about.html", "soft404.html", "latin1.html", "utf8.html", "busy.html", "slow.html", "orphan.html"])


def test_retry_after_is_honoured(audit, basic_site):
    host = basic_site.base_url.split("//", 1)[1].rstrip("/")
    assert basic_site.hits[f"{host}/busy.html"] == 2  # a 429 with Retry-After: 1, then the page
    assert url(basic_site, "/busy.html") not in audit.by_code("TP107")


def test_latin1_and_utf8_pages_decoded(audit, basic_site):
    db = sqlite3.connect(audit.out / "run.sqlite")
    titles = dict(db.execute("select url, title from pages"))
    assert titles[url(basic_site, "/latin1.html")] == "Café crème"
    assert titles[url(basic_site, "/utf8.html")] == "Één café"


def test_touchpoints(audit, basic_site):
    kinds = {(t["kind"], t["url"]) for t in audit.doc["touchpoints"]}
    assert ("document", url(basic_site, "/brochure.pdf")) in kinds
    assert ("social_profile", "http://www.linkedin.com/company/voorbeeld") in kinds


def test_report_lists_findings_with_how_to_fix(audit):
    html = (audit.out / "report.html").read_text("utf-8")
    for code in ("TP101", "TP102", "TP103", "TP104", "TP105", "TP106", "TP107"):
        assert f'data-code="{code}"' in html
    assert html.count('class="fix"') == 7
    assert "missing-page.html" in html


def test_findings_json_round_trips(audit):
    from auditor.model import Finding

    for raw in audit.doc["findings"]:
        assert Finding.from_dict(raw).to_dict() == raw
    assert json.loads(json.dumps(audit.doc)) == audit.doc
