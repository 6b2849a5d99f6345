"""One aiohttp session per run, and a fetch that records redirects hop by hop.

Redirects are followed by hand (``allow_redirects=False``) so every hop is recorded with
its status: that is the evidence for a redirect chain, and it lets each hop pass through
the per-host politeness gate. Network failures become a short error kind (``dns``,
``refused``, ``timeout``, ``tls``, …) plus the detail, never an exception.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from auditor.collect.crawl.politeness import HostGate
from auditor.collect.crawl.retry import RetryPolicy
from auditor.collect.guard import AddressPolicy, BlockedAddress, GuardedConnector
from auditor.config import CrawlConfig, Resolve
from auditor.model import Hop
from auditor.urls import host_of, resolve

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
KEPT_HEADERS = (
    "content-type", "content-length", "location", "retry-after", "server", "last-modified", "etag",
    "content-language", "cf-mitigated", "x-robots-tag", "www-authenticate", "cache-control",
)


@dataclass
class Response:
    """The outcome of fetching one URL, after redirects and retries."""

    url: str
    status: int | None = None
    final_url: str | None = None
    hops: list[Hop] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    error: str | None = None
    error_detail: str | None = None
    method: str = "GET"
    fetched_at: str = ""
    ttfb_ms: int | None = None  # request sent to status line and headers read, of the last answer

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def is_html(self) -> bool:
        ct = self.content_type.lower()
        return "text/html" in ct or "application/xhtml" in ct or (not ct and self.body.lstrip()[:1] == b"<")


class StaticResolver(AbstractResolver):
    """``--resolve HOST:PORT:ADDRESS``: connect to ADDRESS whenever a URL names HOST:PORT."""

    def __init__(self, rules: list[Resolve]) -> None:
        self._rules = {(r.host, r.port): r for r in rules}
        self._default = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        rule = self._rules.get((host.lower(), port))
        if rule is None:
            return await self._default.resolve(host, port, socket.AddressFamily(family))
        fam = socket.AF_INET6 if ":" in rule.address else socket.AF_INET
        return [{
            "hostname": host, "host": rule.address, "port": rule.address_port or port,
            "family": fam, "proto": 0, "flags": socket.AI_NUMERICHOST,
        }]

    async def close(self) -> None:
        await self._default.close()


def ssl_context(cfg: CrawlConfig) -> ssl.SSLContext:
    """System trust store plus ``--ca-bundle`` (corporate proxies, test servers' own CA)."""
    ctx = ssl.create_default_context()
    try:
        import certifi

        ctx.load_verify_locations(certifi.where())
    except ImportError:
        pass
    if cfg.ca_bundle:
        ctx.load_verify_locations(cafile=str(cfg.ca_bundle))
    return ctx


def make_session(cfg: CrawlConfig, policy: AddressPolicy | None = None) -> aiohttp.ClientSession:
    """The run's single session: keep-alive pool with per-host limits, resolver, TLS, auth,
    and the private-address guard (``policy``; default: only ``--resolve`` and ``allow_private``)."""
    if policy is None:
        policy = AddressPolicy.for_run((), cfg.resolves(), cfg.allow_private)
    connector = GuardedConnector(
        policy,
        limit=cfg.concurrency,
        limit_per_host=cfg.per_host,
        ttl_dns_cache=300,
        ssl=ssl_context(cfg),
        resolver=StaticResolver(cfg.resolves()),
        enable_cleanup_closed=True,
    )
    timeout = aiohttp.ClientTimeout(total=cfg.timeout, connect=cfg.connect_timeout, sock_read=cfg.timeout)
    headers = {"User-Agent": cfg.user_agent, "Accept-Language": "nl,en;q=0.8", **cfg.headers}
    return aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers=headers, auto_decompress=True,
        cookie_jar=aiohttp.DummyCookieJar(), raise_for_status=False,
    )


# getaddrinfo's answers that mean the name does not exist (NXDOMAIN, or no address for it).
# Anything else (EAI_AGAIN: no answer from the DNS server, EAI_FAIL …) is a lookup that
# failed, which says nothing about the name: kind ``dns-failed``, never a broken link.
_NO_SUCH_NAME = frozenset({socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)})


def _dns_kind(os_error: BaseException | None) -> str:
    if isinstance(os_error, socket.gaierror) and os_error.errno in _NO_SUCH_NAME:
        return "dns"
    return "dns-failed"


def classify_error(exc: BaseException) -> tuple[str, str]:
    """Map an aiohttp/asyncio exception to ``(kind, detail)``: the detail is a sentence a
    client can read, not aiohttp's raw text (which can carry the server's garbage bytes)."""
    detail = str(exc) or exc.__class__.__name__
    if isinstance(exc, BlockedAddress):
        return "private-address", detail
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", None)
    if dns_error is not None and isinstance(exc, dns_error):
        return _dns_kind(getattr(exc, "os_error", None)), detail
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError | ssl.SSLError):
        return "tls", detail
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = getattr(exc, "os_error", None)
        if isinstance(os_error, ConnectionRefusedError):
            return "refused", detail
        if isinstance(os_error, socket.gaierror):
            return _dns_kind(os_error), detail
        return "connect", detail
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return "timeout", "no answer within the time limit"
    if isinstance(exc, asyncio.TimeoutError):  # the request's total deadline, not a pause between bytes
        return "too-slow", "no complete answer within the time limit"
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid-url", detail
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "payload", _payload_sentence(detail)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "connection", "the server closed the connection without a (complete) answer"
    if isinstance(exc, aiohttp.ClientResponseError):  # raised by the response parser: not HTTP
        return _protocol_sentence(getattr(exc, "message", "") or detail)
    return "connection", detail


def _payload_sentence(detail: str) -> str:
    cut = re.search(r"received (\d+) of (\d+) bytes", detail)
    if cut:
        return f"the answer was cut short: the server announced {cut[2]} bytes and sent {cut[1]}"
    if "content-encoding" in detail.lower() or "decompress" in detail.lower():
        return "the compressed answer could not be unpacked (corrupt or not what the server said it was)"
    return "the answer broke off while it was being sent"


def _protocol_sentence(message: str) -> tuple[str, str]:
    if "content-encoding" in message.lower():
        encoding = re.search(r"content-encoding: ([\w ()-]+)", message, re.I)
        name = encoding[1].strip() if encoding else "an unknown encoding"
        return "encoding", f"it is compressed as {name}, which the auditor did not ask for and cannot read"
    if "\\x16\\x03" in message:
        return "protocol", ("a TLS (HTTPS) handshake came back on a plain-HTTP address: the link should "
                            "probably start with https://")
    return "protocol", "no proper status line: another kind of service listens there, or the server is broken"


class OutOfTime(Exception):
    """The crawl's time budget ran out while a request waited for its turn at the host gate."""


class Fetcher:
    """Fetches URLs through the run's session, the host gate and the retry policy."""

    def __init__(self, cfg: CrawlConfig, session: aiohttp.ClientSession, gate: HostGate) -> None:
        self.cfg = cfg
        self.session = session
        self.gate = gate
        self.retry = RetryPolicy(cfg.retries, cfg.max_retry_after)
        self.auth = basic_auth(cfg.auth.username, cfg.auth.password) if cfg.auth else None
        # The private-address guard of the session's connections; the browser asks it too.
        self.policy: AddressPolicy | None = getattr(session.connector, "policy", None)
        self._auth_host: str | None = None
        # The crawl's time budget (time.monotonic()): checked once a request is through the
        # host gate, where it may have waited long, so no request starts after the budget.
        self.deadline: float | None = None
        # Host names looked up in this run: "ok", or the kind of DNS failure. A network whose
        # DNS is down makes every name fail; the crawl judges that from here (``network.py``).
        self.lookups: dict[str, str] = {}

    def limit_auth_to(self, host: str) -> None:
        """Basic-auth credentials go to the audited host only, never to external links."""
        self._auth_host = host

    async def fetch(self, url: str, method: str = "GET", max_body: int | None = None,
                    want_body: Any = None, conditional: dict[str, str] | None = None) -> Response:
        """Fetch ``url`` following redirects hop by hop.

        ``want_body(status, headers) -> bool`` decides whether to read the body of the final answer
        (pages: HTML only); ``max_body`` caps what is read. ``conditional`` (If-None-Match,
        If-Modified-Since) goes with the request for ``url`` itself, not with redirect hops:
        the validators belong to that URL's last answer.
        """
        res = Response(url=url, method=method, fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        current = url
        visited = {url}
        cap = max_body if max_body is not None else self.cfg.max_body_bytes
        while True:
            outcome = await self._request_with_retries(current, method, cap, want_body, res,
                                                       conditional if current == url else None)
            if outcome is None:  # network error recorded in res
                return res
            status, headers, body, truncated = outcome
            location = headers.get("location")
            if status in REDIRECT_STATUSES and location:
                resolved = resolve(current, location, strip_params=False)  # as a browser reads Location
                if resolved is None:
                    res.status, res.headers = status, headers
                    scheme = location.split(":", 1)[0].strip().lower() if ":" in location else ""
                    why = (f"{scheme}: is not a web address, not followed" if scheme.isalpha() and scheme not in
                           ("http", "https") else "not a valid URL")
                    res.error, res.error_detail = "invalid-redirect", f"Location {location[:200]!r}: {why}"
                    return res
                nxt = resolved[0]
                res.hops.append(Hop(current, status, nxt))
                if nxt in visited:
                    res.status, res.headers, res.final_url = status, headers, nxt
                    res.error, res.error_detail = "redirect-loop", f"redirect loop back to {nxt}"
                    return res
                if len(res.hops) >= self.cfg.max_redirects:
                    res.status, res.headers, res.final_url = status, headers, nxt
                    res.error = "too-many-redirects"
                    res.error_detail = f"more than {self.cfg.max_redirects} redirects"
                    return res
                visited.add(nxt)
                current = nxt
                if status == 303:
                    method = "GET"
                continue
            res.status, res.headers, res.body, res.truncated = status, headers, body, truncated
            res.final_url = current
            return res

    async def _request_with_retries(self, url: str, method: str, cap: int, want_body: Any, res: Response,
                                    conditional: dict[str, str] | None = None,
                                    ) -> tuple[int, dict[str, str], bytes, bool] | None:
        host = host_of(url)
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.gate.slot(host):
                    if self.deadline is not None and time.monotonic() > self.deadline:
                        raise OutOfTime(url)
                    outcome = await self._request(url, method, cap, want_body, host, conditional, timing=res)
            except (TimeoutError, aiohttp.ClientError, ssl.SSLError, OSError, ValueError) as exc:
                kind, detail = classify_error(exc)
                if kind == "too-slow":
                    detail = f"no complete answer within {self.cfg.timeout:g} s (the request's time limit)"
                if kind == "dns" or kind == "dns-failed":
                    self.lookups[host] = kind
                delay = self.retry.delay_after_error(kind, attempt)
                if delay is None:
                    res.error, res.error_detail = kind, detail
                    return None
                await asyncio.sleep(delay)
                continue
            if host not in self.lookups:
                self.lookups[host] = "ok"
            status, headers = outcome[0], outcome[1]
            delay = self.retry.delay_after_status(status, headers.get("retry-after"), attempt)
            if delay is None:
                return outcome
            if status in (429, 503):
                self.gate.back_off(host, delay)
            await asyncio.sleep(delay)

    async def _request(self, url: str, method: str, cap: int, want_body: Any, host: str,
                       conditional: dict[str, str] | None = None, timing: Response | None = None,
                       ) -> tuple[int, dict[str, str], bytes, bool]:
        headers = {"Authorization": self.auth} if self.auth and host == self._auth_host else None
        if conditional:
            headers = {**(headers or {}), **conditional}
        # Sent as written: yarl would otherwise re-quote it (``%3D`` going out as ``=``).
        wire = yarl.URL(url, encoded=True) if url.isascii() else url
        started = time.monotonic()
        async with self.session.request(method, wire, allow_redirects=False, headers=headers) as resp:
            if timing is not None:  # time to first byte, as the urls.csv inventory reports it
                timing.ttfb_ms = round((time.monotonic() - started) * 1000)
            headers = {k.lower(): v for k, v in resp.headers.items() if k.lower() in KEPT_HEADERS}
            body, truncated = b"", False
            wanted = method != "HEAD" and resp.status not in REDIRECT_STATUSES and (
                want_body is None or want_body(resp.status, headers))
            if wanted:
                body, truncated = await _read_capped(resp, cap)
            else:
                resp.close()  # do not download a PDF or video we will not read
            return resp.status, headers, body, truncated


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    """At most ``cap`` bytes of the body, counted after inflating: a gzip, deflate or brotli
    bomb is cut while it inflates (aiohttp inflates chunk by chunk as it is read), and
    ``Content-Length`` is trusted only for an uncompressed answer (it counts compressed bytes)."""
    length = resp.content_length
    encoded = resp.headers.get("content-encoding", "identity").strip().lower() not in ("", "identity")
    if length is not None and length <= cap and not encoded:
        return await resp.read(), False
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size >= cap:
            resp.close()
            return b"".join(chunks)[:cap], True
    return b"".join(chunks), False


def basic_auth(user: str, password: str) -> str:
    """The ``Authorization`` header value for HTTP basic auth (the crawler and the browser)."""
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
