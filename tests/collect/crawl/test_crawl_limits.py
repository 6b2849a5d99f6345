"""Crawl settings over real HTTP: basic auth, headers, limits, body cap, time budget."""

from __future__ import annotations

import sqlite3

from auditor.devserver import serve
from tests.conftest import SITES, port_of


def _config(tmp_path, text: str):
    path = tmp_path / "c.toml"
    path.write_text("[checks]\nenabled = [\"links\"]\n[crawl]\nrate_limit = 0\n" + text, "utf-8")
    return str(path)


def test_basic_auth_goes_to_the_audited_host_only(run_audit, tmp_path):
    with serve(SITES / "staging", vhosts={"partners.example.test": SITES / "basic" / "_partners"}) as site:
        cfg = _config(tmp_path, 'auth = { username = "staging", password = "s3cret" }\n'
                                'user_agent = "acme-audit/1.0"\nheaders = { "X-Audit" = "agency" }\n')
        result = run_audit("audit", site.base_url, "--config", cfg, "--quiet",
                           "--resolve", f"partners.example.test:80:127.0.0.1:{port_of(site)}")
        assert result.exit_code == 0
        assert result.doc["pages_crawled"] == 2
        own = [h for _m, key, h in site.requests if key.startswith("127.0.0.1")]
        partner = [h for _m, key, h in site.requests if key.startswith("partners.example.test")]
        assert own and all(h.get("Authorization", "").startswith("Basic ") for h in own)
        assert partner and not any("Authorization" in h for h in partner)
        assert all(h["User-Agent"] == "acme-audit/1.0" and h["X-Audit"] == "agency" for h in own)


def test_without_credentials_a_staging_site_is_not_crawled(run_audit, tmp_path):
    with serve(SITES / "staging") as site:
        result = run_audit("audit", site.base_url, "--config", _config(tmp_path, ""), "--quiet")
        assert result.exit_code == 0 and result.doc["pages_crawled"] == 0


def test_max_pages_and_max_depth(run_audit, basic_site, tmp_path):
    few = run_audit("audit", basic_site.base_url, "--config", _config(tmp_path, ""), "--max-pages", "3",
                    "--quiet", out=tmp_path / "few")
    assert few.doc["pages_crawled"] == 3
    assert any("max pages (3) reached" in n for n in few.doc["notes"])
    shallow = run_audit("audit", basic_site.base_url, "--config", _config(tmp_path, ""), "--max-depth", "0",
                        "--quiet", out=tmp_path / "shallow")
    assert shallow.doc["pages_crawled"] == 1  # sitemap pages count as one click deep


def test_body_cap_truncates_and_says_so(run_audit, tmp_path):
    site_dir = tmp_path / "big"
    site_dir.mkdir()
    filler = "<p>" + "tekst " * 2000 + "</p>"
    (site_dir / "index.html").write_text(f"<html><body>{filler * 10}<a href='/end.html'>end</a></body></html>")
    with serve(site_dir) as site:
        result = run_audit("audit", site.base_url, "--config", _config(tmp_path, "max_body_bytes = 4096\n"),
                           "--quiet")
        db = sqlite3.connect(result.out / "run.sqlite")
        assert list(db.execute("select truncated from pages")) == [(1,)]


def test_time_budget_stops_and_leaves_a_resumable_run(run_audit, basic_site, tmp_path):
    cfg = _config(tmp_path, "time_budget = 0.3\nconcurrency = 1\n")
    result = run_audit("audit", basic_site.base_url, "--config", cfg, "--quiet")
    assert any("time budget" in n and "--resume" in n for n in result.doc["notes"])
    db = sqlite3.connect(result.out / "run.sqlite")
    assert db.execute("select count(*) from urls where state = 'queued'").fetchone()[0] > 0
    assert db.execute("select value from meta where key = 'status'").fetchone()[0] == '"incomplete"'


def test_no_request_starts_after_the_time_budget_even_with_many_workers(run_audit, tmp_path):
    """Twelve pages that take 1.5 s each, four at a time (per_host), sixteen workers: the
    workers hold URLs while they wait at the host gate, and none of those may be fetched
    once the 1 s budget is over. Without that check all twelve would be crawled."""
    from auditor.devserver import serve
    from tests.conftest import SITES

    cfg = _config(tmp_path, "time_budget = 1.0\nconcurrency = 16\nper_host = 4\n")
    with serve(SITES / "nightly-slow") as site:
        result = run_audit("audit", site.base_url, "--config", cfg, "--checks", "links", "--quiet")
        slow_fetches = sum(1 for method, key, _ in site.requests if method == "GET" and key.endswith(".html")
                           and not key.endswith("/index.html") and key.rsplit("/", 1)[-1].startswith("p"))
    assert result.doc["stats"]["stopped_by_budget"] is True
    assert slow_fetches == 4  # the first four, through the gate before the budget ran out
    db = sqlite3.connect(result.out / "run.sqlite")
    assert db.execute("select count(*) from urls where state = 'queued'").fetchone()[0] == 8
