"""``--resolve`` and ``--ca-bundle``: an https host name served by a local fixture with its own CA."""

from __future__ import annotations

from auditor.devserver import serve
from tests.conftest import SITES, port_of


def test_https_host_through_resolve_and_ca_bundle(run_audit):
    with serve(SITES / "basic" / "_partners", tls_names=["www.partner-site.test"]) as site:
        port = port_of(site)
        ok = run_audit("audit", "https://www.partner-site.test/ok.html", "--checks", "links", "--quiet",
                       "--resolve", f"www.partner-site.test:443:127.0.0.1:{port}", "--ca-bundle", str(site.ca_file))
        assert ok.exit_code == 0, ok.stderr
        assert ok.doc["pages_crawled"] == 1
        assert ok.doc["target"] == "https://www.partner-site.test/ok.html"


def test_unknown_ca_is_a_clear_tls_error(run_audit):
    with serve(SITES / "basic" / "_partners", tls_names=["www.partner-site.test"]) as site:
        result = run_audit("audit", "https://www.partner-site.test/ok.html", "--quiet",
                           "--resolve", f"www.partner-site.test:443:127.0.0.1:{port_of(site)}")
        assert result.exit_code == 2
        assert "cannot reach https://www.partner-site.test/ok.html: tls" in result.stderr
