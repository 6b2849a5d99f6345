"""The private-address guard: no request into the auditor's own network (SSRF).

Every connection in these tests goes to 127.0.0.0/8. The cases that name 169.254.169.254,
10.x or fd00:: must be refused by the guard *before* any connection is attempted: the
``loopback_only`` fixture makes any attempt to connect elsewhere fail the test.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import pytest

from auditor.collect.guard import AddressPolicy, BlockedAddress, forbidden_kind
from auditor.config import Resolve
from tests.hostile_server import serve_hostile


@pytest.fixture
def loopback_only(monkeypatch):
    """Fail loudly if anything in this process tries to connect outside 127.0.0.0/8."""
    attempts: list[str] = []
    real_sock_connect = asyncio.selector_events.BaseSelectorEventLoop.sock_connect

    def _check(address: object) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        try:
            ok = ipaddress.ip_address(str(host).split("%")[0]) in ipaddress.ip_network("127.0.0.0/8")
        except ValueError:
            ok = False
        if not ok:
            attempts.append(str(address))
            raise OSError(f"test network guard: connecting to {address} is not allowed in tests")

    async def sock_connect(self, sock, address):  # type: ignore[no-untyped-def]
        _check(address)
        return await real_sock_connect(self, sock, address)

    monkeypatch.setattr(asyncio.selector_events.BaseSelectorEventLoop, "sock_connect", sock_connect)
    yield attempts
    assert not attempts, f"connections attempted outside loopback: {attempts}"


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.20.0.1", "private"), ("192.168.1.1", "private"), ("fd12::1", "private"),
    ("169.254.169.254", "metadata"), ("169.254.10.1", "link-local"), ("fe80::1%eth0", "link-local"),
    ("::ffff:127.0.0.1", "loopback"), ("64:ff9b::a00:1", "private"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "shared"), ("224.0.0.1", "multicast"),
])
def test_non_public_addresses_are_named(address, kind):
    assert kind in forbidden_kind(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8", "172.32.0.1"])
def test_public_addresses_pass(address):
    assert forbidden_kind(address) is None
    assert AddressPolicy().refusal("example.org", address, 443) is None


def test_the_site_its_resolve_endpoints_and_the_allow_list_are_allowed():
    policy = AddressPolicy.for_run(["intranet.corp"], [Resolve.parse("www.shop.test:80:127.0.0.1:8001")],
                                   ["staging.corp", "*.lab.corp", "10.9.0.0/16", "192.168.1.5"])
    assert policy.refusal("intranet.corp", "10.0.0.5", 80) is None  # the audited site lives there
    assert policy.refusal("www.shop.test", "127.0.0.1", 8001) is None
    assert policy.refusal("other.test", "127.0.0.1", 8001) is None  # the same endpoint, by another name
    assert isinstance(policy.refusal("other.test", "127.0.0.1", 22), BlockedAddress)  # not that endpoint
    assert policy.refusal("staging.corp", "10.1.1.1", 443) is None
    assert policy.refusal("a.lab.corp", "10.1.1.1", 443) is None
    assert policy.refusal("x.corp", "10.9.3.4", 80) is None
    assert policy.refusal("x.corp", "192.168.1.5", 80) is None
    refusal = policy.refusal("evil.example", "169.254.169.254", 80)
    assert isinstance(refusal, BlockedAddress) and "metadata" in str(refusal) and "allow_private" in str(refusal)


def test_a_name_resolving_to_public_and_private_addresses_keeps_only_the_public_ones():
    policy = AddressPolicy()
    results = [{"hostname": "h", "host": a, "port": 80, "family": socket.AF_INET, "proto": 0, "flags": 0}
               for a in ("10.0.0.1", "93.184.216.34")]
    assert [r["host"] for r in policy.filter("h", 80, results)] == ["93.184.216.34"]
    with pytest.raises(BlockedAddress):
        policy.filter("h", 80, results[:1])


def test_the_browser_check_resolves_and_refuses(loopback_only):
    policy = AddressPolicy.for_run([], [Resolve.parse("site.test:80:127.0.0.1:8001")], [])

    async def verdicts() -> list[str | None]:
        return [await policy.check_host("site.test", 80, [Resolve.parse("site.test:80:127.0.0.1:8001")]),
                await policy.check_host("localhost", 8002), await policy.check_host("169.254.169.254", 80)]

    site, local, metadata = asyncio.run(verdicts())
    assert site is None
    assert local is not None and "loopback" in local
    assert metadata is not None and "metadata" in metadata


def test_a_hostile_page_cannot_make_the_auditor_call_the_admin_server(run_audit, tmp_path, loopback_only):
    """Links and redirects to loopback (by address, by IPv6, by decimal form, by a name that
    resolves there), to the metadata service and to intranet addresses: none is requested;
    each is reported as TP107 with the reason; the admin server's access log stays empty."""
    with serve_hostile() as (_site, site_url, admin, _admin_url):
        port = site_url.rstrip("/").rsplit(":", 1)[1]
        cfg = tmp_path / "c.toml"
        cfg.write_text('[crawl]\nrate_limit = 0\nrespect_robots = false\nuse_sitemaps = false\n', "utf-8")
        result = run_audit("audit", "http://hostile.test/ssrf/", "--config", str(cfg), "--checks", "links",
                           "--resolve", f"hostile.test:80:127.0.0.1:{port}", "--quiet")
        assert result.exit_code == 0, result.stderr
        assert admin.access_log == []
        blocked = result.by_code("TP107")
        for target in ("http://hostile.test/ssrf/to-admin", "http://hostile.test/ssrf/to-metadata",
                       "http://hostile.test/ssrf/to-intranet", "http://hostile.test/ssrf/to-localhost"):
            assert target in blocked, sorted(blocked)
            assert "not requested" in blocked[target]["message"]
        assert "cloud metadata" in blocked["http://hostile.test/ssrf/to-metadata"]["message"]
        assert "private address" in blocked["http://hostile.test/ssrf/to-intranet"]["message"]
        direct = [t for t in blocked if t.startswith("http://127.0.0.1") or t.startswith("http://[")]
        assert len(direct) >= 3, sorted(blocked)  # the link, the image, IPv6 (and the decimal form)
        # file:, javascript: and data: redirects are not followed and not called broken links to fetch
        assert not any(t.startswith(("file:", "javascript:", "data:")) for t in blocked)



def test_the_browser_does_not_reach_the_admin_server_either(run_audit, tmp_path, loopback_only):
    """The rendered page loads an image, a frame and a fetch() from the admin server, directly
    and through the site's own redirect, with the admin's host even allowed as a third party
    (``allow_hosts``): Chromium must not send any of them."""
    with serve_hostile() as (_site, site_url, admin, _admin_url):
        port = site_url.rstrip("/").rsplit(":", 1)[1]
        cfg = tmp_path / "c.toml"
        cfg.write_text('[crawl]\nrate_limit = 0\nrespect_robots = false\nuse_sitemaps = false\nmax_pages = 1\n'
                       '[collectors.render]\nallow_hosts = ["*"]\nprofiles = ["small"]\nscreenshots = false\n',
                       "utf-8")
        result = run_audit("audit", "http://hostile.test/ssrf/", "--config", str(cfg), "--checks", "TP402",
                           "--resolve", f"hostile.test:80:127.0.0.1:{port}", "--quiet")
        assert result.exit_code == 0, result.stderr
        notes = " ".join(result.doc["notes"])
        assert "rendered 1 of 1" in notes, notes
        assert "non-public hosts refused" in notes, notes
        assert admin.access_log == []
