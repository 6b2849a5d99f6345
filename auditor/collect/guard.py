"""No requests into the auditor's own network: the private-address guard.

The auditor runs inside an agency's network and fetches whatever the audited pages name.
A hostile page (or a redirect, or a DNS name that resolves there) could make it send a
GET to a router's admin page, an intranet wiki or a cloud metadata service
(server-side request forgery). So every connection is checked *after* name resolution,
against the address actually about to be connected to: loopback, private (RFC 1918,
``fc00::/7``), link-local (metadata services live at ``169.254.169.254``), shared,
multicast and reserved addresses are refused, unless the audited site itself lives
there: the start URL's host, the hosts and addresses of ``--resolve`` rules, and what
``[crawl] allow_private`` lists (host names, ``*.suffix`` patterns, addresses, networks).

``AddressPolicy`` is the rule; ``GuardedConnector`` applies it to every aiohttp
connection of the run (crawler, link checks, redirects, robots.txt, sitemaps, feeds,
profile and ad visits share the run's session); the browser's request gate asks the same
policy before Chromium may send a request. See ``docs/security.md``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult

    from auditor.config import Resolve

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Most specific first: the first match names the kind of address in the refusal.
_FORBIDDEN: tuple[tuple[str, str], ...] = (
    ("169.254.169.254/32", "a cloud metadata address"),
    ("100.100.100.200/32", "a cloud metadata address"),
    ("fd00:ec2::254/128", "a cloud metadata address"),
    ("127.0.0.0/8", "a loopback address"),
    ("::1/128", "a loopback address"),
    ("0.0.0.0/8", "an unspecified address"),
    ("::/128", "an unspecified address"),
    ("10.0.0.0/8", "a private address (RFC 1918)"),
    ("172.16.0.0/12", "a private address (RFC 1918)"),
    ("192.168.0.0/16", "a private address (RFC 1918)"),
    ("fc00::/7", "a private address (unique local, fc00::/7)"),
    ("169.254.0.0/16", "a link-local address"),
    ("fe80::/10", "a link-local address"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
    ("192.0.0.0/24", "a reserved address"),
    ("198.18.0.0/15", "a reserved (benchmarking) address"),
    ("240.0.0.0/4", "a reserved address"),
    ("224.0.0.0/4", "a multicast address"),
    ("ff00::/8", "a multicast address"),
)
FORBIDDEN_NETWORKS: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), label) for net, label in _FORBIDDEN)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def forbidden_kind(address: str) -> str | None:
    """What kind of non-public address ``address`` is ("a loopback address" …), or None
    for a public one. IPv4 addresses wrapped in IPv6 (mapped, NAT64) are judged as IPv4."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    for network, label in FORBIDDEN_NETWORKS:
        if ip.version == network.version and ip in network:
            return label
    return None


class BlockedAddress(aiohttp.ClientConnectionError):
    """A request was refused before connecting: the address is not public and not allowed."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        self.host, self.address, self.kind = host, address, kind
        where = host if host == address else f"{host} ({address})"
        super().__init__(f"not requested: {where} is {kind}, inside the auditor's own network, and not "
                         "part of the audited site (allow it with [crawl] allow_private)")


class AddressPolicy:
    """Which non-public addresses this run may connect to; public addresses always pass.

    Allowed are the audited site's own hosts (any address they resolve to: an intranet
    site's audit reaches its intranet host), the endpoints ``--resolve`` points at
    (``ADDRESS:PORT`` exactly, so a fixture on 127.0.0.1:8001 does not open 127.0.0.1:22),
    and the ``allow_private`` entries: host names, ``*.suffix`` patterns, addresses, networks.
    """

    def __init__(self, hosts: Iterable[str] = (), endpoints: Iterable[tuple[str, int]] = (),
                 allow: Iterable[str] = ()) -> None:
        self.hosts: set[str] = {h.lower().strip("[]") for h in hosts if h}
        self.endpoints: set[tuple[str, int]] = {(a.strip("[]"), p) for a, p in endpoints}
        self.suffixes: list[str] = []
        self.networks: list[IPNetwork] = []
        for entry in allow:
            entry = entry.strip().lower()
            if entry.startswith("*."):
                self.suffixes.append(entry[1:])
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self.hosts.add(entry)
        self._verdicts: dict[tuple[str, int], str | None] = {}

    @classmethod
    def for_run(cls, site_hosts: Iterable[str], resolves: Sequence[Resolve], allow: Iterable[str]) -> AddressPolicy:
        """The policy of one audit: its site's hosts, its ``--resolve`` rules, its allow list."""
        hosts = [*site_hosts, *(r.host for r in resolves)]
        endpoints = [(r.address, r.address_port or r.port) for r in resolves]
        return cls(hosts, endpoints, allow)

    def allow_host(self, host: str) -> None:
        """The audited site turned out to live on ``host`` too (the start URL redirected there)."""
        self.hosts.add(host.lower().strip("[]"))

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".").strip("[]")
        return host in self.hosts or any(host.endswith(s) for s in self.suffixes)

    def refusal(self, host: str, address: str, port: int) -> BlockedAddress | None:
        """Why connecting to ``address``:``port`` for ``host`` is refused, or None when allowed."""
        kind = forbidden_kind(address)
        if kind is None or self.host_allowed(host):
            return None
        bare = address.split("%", 1)[0].strip("[]")
        if (bare, port) in self.endpoints:
            return None
        try:
            ip = ipaddress.ip_address(bare)
        except ValueError:
            return BlockedAddress(host, address, kind)
        if any(ip.version == n.version and ip in n for n in self.networks):
            return None
        return BlockedAddress(host, address, kind)

    def filter(self, host: str, port: int, results: list[ResolveResult]) -> list[ResolveResult]:
        """The resolved addresses that may be connected to; raises ``BlockedAddress`` when none."""
        kept, first_refusal = [], None
        for result in results:
            refusal = self.refusal(host, result["host"], result["port"] or port)
            if refusal is None:
                kept.append(result)
            elif first_refusal is None:
                first_refusal = refusal
        if not kept and first_refusal is not None:
            raise first_refusal
        return kept

    async def check_host(self, host: str, port: int, resolve: Sequence[Resolve] = ()) -> str | None:
        """For a client that resolves names itself (the browser): the refusal message for
        ``host``:``port``, or None when allowed. Resolved once per host and port."""
        key = (host.lower(), port)
        if key in self._verdicts:
            return self._verdicts[key]
        verdict: str | None = None
        rule = next((r for r in resolve if (r.host, r.port) == key), None)
        if rule is not None:
            addresses = [(rule.address, rule.address_port or port)]
        else:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
                addresses = [(str(info[4][0]), port) for info in infos]
            except OSError:
                addresses = []  # does not resolve: the browser will fail on its own
        refusals = [self.refusal(host, a, p) for a, p in addresses]
        if addresses and all(refusals):
            verdict = str(refusals[0])
        self._verdicts[key] = verdict
        return verdict


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp's connector with the address policy applied to every resolution, IP
    literals and cached names included: the addresses it returns are the only ones the
    connection may use, so a name cannot be re-resolved elsewhere between check and connect."""

    def __init__(self, policy: AddressPolicy, **kwargs: Any) -> None:
        if not callable(getattr(aiohttp.TCPConnector, "_resolve_host", None)):  # fail closed, never open
            raise RuntimeError("this aiohttp has no TCPConnector._resolve_host: the private-address guard "
                               "cannot be applied (tests/collect/test_guard.py)")
        super().__init__(**kwargs)
        self.policy = policy

    async def _resolve_host(self, host: str, port: int, traces: Any = None) -> list[ResolveResult]:
        results = await super()._resolve_host(host, port, traces=traces)
        return self.policy.filter(host.rstrip("."), port, results)
