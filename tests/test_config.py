"""Configuration parsing and ``--resolve`` specs."""

from __future__ import annotations

import pytest

from auditor.config import Resolve, load_config
from auditor.errors import ConfigError


def test_defaults_are_polite():
    cfg = load_config(None, {"target": "https://ex.nl/"})
    assert cfg.crawl.respect_robots and cfg.crawl.rate_limit > 0 and cfg.crawl.per_host <= 8


def test_cli_overrides_win_over_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[crawl]\nmax_pages = 10\nmax_depth = 3\n", "utf-8")
    cfg = load_config(path, {"crawl": {"max_pages": 5, "max_depth": None}})
    assert (cfg.crawl.max_pages, cfg.crawl.max_depth) == (5, 3)


@pytest.mark.parametrize(("spec", "expected"), [
    ("www.example.nl:443:127.0.0.1", ("www.example.nl", 443, "127.0.0.1", None)),
    ("www.example.nl:80:127.0.0.1:8080", ("www.example.nl", 80, "127.0.0.1", 8080)),
    ("Shop.Example.NL:443:[::1]:8443", ("shop.example.nl", 443, "::1", 8443)),
    ("h:443:[::1]", ("h", 443, "::1", None)),
])
def test_resolve_parse(spec, expected):
    r = Resolve.parse(spec)
    assert (r.host, r.port, r.address, r.address_port) == expected


@pytest.mark.parametrize("spec", ["nohost", "h:port:1.2.3.4", "h:70000:1.2.3.4", "h:80:1.2.3.4:x"])
def test_resolve_rejects(spec):
    with pytest.raises(ConfigError):
        Resolve.parse(spec)


@pytest.mark.parametrize(("content", "name"), [
    (b"this is no certificate\n", "garbage.pem"),
    (b"", "empty.pem"),
    (b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", "broken.pem"),
])
def test_a_ca_bundle_without_a_pem_certificate_is_named_before_anything_is_written(tmp_path, capsys, content, name):
    """Issue 24: not "[X509] PEM lib" and a half-made output folder, but one line naming the file."""
    from auditor.cli import main

    bundle = tmp_path / name
    bundle.write_bytes(content)
    out = tmp_path / "out"
    assert main(["audit", "https://www.example.nl/", "--ca-bundle", str(bundle), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"touchpoint-auditor: error: config: crawl.ca_bundle: CA bundle {str(bundle)!r} holds no "
                          "PEM certificate (") and err.count("\n") == 1, err
    assert not out.exists()


def test_a_ca_bundle_with_a_certificate_is_taken(tmp_path):
    import trustme

    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))  # a throw-away CA, as the TLS fixture server's
    cfg = load_config(None, {"target": "https://www.example.nl/", "crawl": {"ca_bundle": bundle}})
    assert cfg.crawl.ca_bundle == bundle


@pytest.mark.parametrize("command", ["recheck", "resume"])
def test_a_ca_bundle_spoiled_after_the_audit_is_one_line_on_recheck_and_resume(tmp_path, capsys, command):
    import trustme

    from auditor.cli import main
    from auditor.store import RunStore

    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))
    cfg = load_config(None, {"target": "https://www.example.nl/", "crawl": {"ca_bundle": bundle}})
    run = tmp_path / "run"
    store = RunStore(run)
    store.set_meta(config=cfg.model_dump(mode="json"))
    store.close()
    bundle.write_text("overwritten\n", "utf-8")
    argv = ["recheck", str(run)] if command == "recheck" else ["audit", "--resume", str(run), "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == (f"touchpoint-auditor: error: the configuration stored in {run}: crawl.ca_bundle: CA bundle "
                   f"{str(bundle)!r} holds no PEM certificate (NO_CERTIFICATE_OR_CRL_FOUND)\n")
