"""The domain collector against real TLS servers on 127.0.0.1 with the project's fixture CA
(trustme): a valid certificate, an expired one, one for another host, one about to expire;
and an audit of a site whose http address redirects and whose www form has an expired
certificate. Host names reach the local servers through ``--resolve``, as in a real audit."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl

import pytest
import trustme

from auditor.cli import main
from auditor.collect.domain.tls import certificate
from auditor.collect.domain.variants import host_variants, variant_urls
from auditor.config import Resolve
from auditor.devserver import serve
from auditor.store import RunStore
from tests.conftest import SITES, port_of

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def _client(ca) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


def _handshake(ca, site, name: str):
    rules = [Resolve(host=name, port=443, address="127.0.0.1", address_port=port_of(site))]
    return asyncio.run(certificate(name, 443, _client(ca), rules))


def test_a_valid_certificate_gives_its_names_and_expiry(ca):
    with serve(SITES / "domain", tls_names=["shop.test", "www.shop.test"], tls_ca=ca,
               tls_not_after=NOW + dt.timedelta(days=200)) as site:
        facts = _handshake(ca, site, "shop.test")
    assert facts.trusted and facts.error is None
    assert {"shop.test", "www.shop.test"} <= set(facts.names)
    assert dt.datetime.fromisoformat(facts.not_after).date() == (NOW + dt.timedelta(days=200)).date()


def test_an_expired_certificate(ca):
    with serve(SITES / "domain", tls_names=["oud.test"], tls_ca=ca, tls_not_after=NOW - dt.timedelta(days=3)) as site:
        facts = _handshake(ca, site, "oud.test")
    assert not facts.trusted and facts.error == "expired" and "expired" in facts.detail


def test_a_certificate_for_another_host(ca):
    with serve(SITES / "domain", tls_names=["ander.test"], tls_ca=ca) as site:
        facts = _handshake(ca, site, "shop.test")
    assert not facts.trusted and facts.error == "hostname"


def test_a_certificate_from_an_unknown_authority(ca):
    with serve(SITES / "domain", tls_names=["shop.test"]) as site:  # its own throw-away CA
        facts = _handshake(ca, site, "shop.test")
    assert not facts.trusted and facts.error == "untrusted"


def test_nothing_listening_is_a_connect_error(ca):
    rules = [Resolve(host="dicht.test", port=443, address="127.0.0.1", address_port=1)]
    facts = asyncio.run(certificate("dicht.test", 443, _client(ca), rules))
    assert facts.error == "connect" and not facts.trusted


def test_host_variants():
    assert host_variants("https://www.ex.nl/a") == ("www.ex.nl", "ex.nl")
    assert host_variants("https://ex.nl/") == ("ex.nl", "www.ex.nl")
    assert host_variants("http://127.0.0.1:8000/") == ("127.0.0.1", "")
    assert variant_urls("https://ex.nl:8443/") == {
        "http": "http://ex.nl/", "https": "https://ex.nl:8443/",
        "other_http": "http://www.ex.nl/", "other_https": "https://www.ex.nl:8443/"}


def test_an_audit_judges_redirects_certificates_and_mixed_content(ca, tmp_path):
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    soon = NOW + dt.timedelta(days=20)
    with serve(SITES / "domain", tls_names=["shop.test"], tls_ca=ca, tls_not_after=soon) as good, \
            serve(SITES / "domain", tls_names=["www.shop.test"], tls_ca=ca,
                  tls_not_after=NOW - dt.timedelta(days=1)) as expired, \
            serve(SITES / "domain-http") as plain:
        resolves = {"shop.test:443": good, "www.shop.test:443": expired, "shop.test:80": plain,
                    "www.shop.test:80": plain}
        args = [a for spec, s in resolves.items() for a in ("--resolve", f"{spec}:127.0.0.1:{port_of(s)}")]
        out = tmp_path / "out"
        code = main(["audit", "https://shop.test/", "--out", str(out), "--checks", "impression", "--format", "json",
                     "--ca-bundle", str(ca_file), "--as-of", NOW.date().isoformat(), "--quiet", *args])
    assert code == 0
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    found = {(f["code"], f["target"]): f for f in doc["findings"] if f["code"] >= "TP814"}
    assert set(found) == {
        ("TP817", "shop.test"),  # expires in 20 days: a warning
        ("TP817", "www.shop.test"),  # expired
        ("TP818", "http://shop.test/img/fiets.png"), ("TP818", "http://shop.test/verstuur"),
        ("TP819", "http://shop.test/contact.html"),
        ("TP822", None),  # no icon declared, no /favicon.ico
    }
    assert found[("TP817", "shop.test")]["severity"] == "warning"
    assert found[("TP817", "shop.test")]["evidence"]["days_left"] == 20
    assert found[("TP817", "www.shop.test")]["evidence"]["problem"] == "expired"
    status = {c["code"]: c["status"] for c in doc["checks"]}
    assert status["TP815"] == "passed" and status["TP816"] == "passed" and status["TP814"] == "passed"
    store = RunStore(out)  # the collector's facts stay in the store, for recheck
    try:
        domain = store.artifact("domain")
    finally:
        store.close()
    assert domain["certificates"]["www.shop.test"]["error"] == "expired"
    assert domain["addresses"]["http"]["hops"] == [["http://shop.test/", 301, "https://shop.test/"]]
