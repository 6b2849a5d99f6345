"""A hostile web server: what an attacker's or a badly broken site does to a crawler.

One aiohttp application (``HostileSite.app``) serves every behaviour below on 127.0.0.1;
tests reach it as ``hostile.test`` through ``--resolve``, so it is the audited site and
127.0.0.1 itself is *not* (the private-address guard must let the site through and refuse
everything else on loopback). ``AdminServer`` stands in for a local admin interface that
a page tries to make the auditor call; its access log must stay empty. ``raw_server``
serves what is not HTTP (garbage, a TLS handshake, HTTP/0.9) on a plain TCP port.

Bodies are generated as they are sent, so a 200 MB page or a 1 GB gzip bomb costs the
test process almost nothing; the compressed bombs are built once (about 1 MB each).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from aiohttp import web

from auditor.devserver import serve_app

BOMB_BYTES = 1 << 30  # what each compressed bomb inflates to: 1 GiB
HUGE_PAGE_BYTES = 200_000_000
MANY_LINKS = 500_000
ROBOTS_PREFIX = b"User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n#"
# On gzip.hostile.test and deflate.hostile.test robots.txt, /sitemap.xml and the feed are bombs
# in that Content-Encoding, and /sitemap-file.xml.gz is a gzip *file* bomb.
ENCODED_ROBOTS_PREFIX = b"User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\nSitemap: /sitemap-file.xml.gz\n#"
BOMB_ENCODINGS = ("gzip", "deflate")
SITEMAP_PREFIX = b"<?xml version='1.0'?><urlset><url><loc>/</loc></url>"
FEED_PREFIX = b"<?xml version='1.0'?><rss><channel>"
PAGE_PREFIX = b"<html><body><p>"
HOSTILE_SERVER = "<script>window.__pwned='server'</script>"
HOSTILE_TEXT = "<img src=x onerror=\"window.__pwned='link text'\">"


def report_fetch_text(admin: str) -> str:
    """Link text that, were a report to render it as markup, would make the browser showing
    or printing the report call the admin server (whose access log must stay empty)."""
    admin = admin.rstrip("/")
    return (f'<img src="{admin}/from-report-img"><script src="{admin}/from-report-script"></script>'
            f'<link rel=stylesheet href="{admin}/from-report-css">')


@functools.cache
def bomb(encoding: str, prefix: bytes = PAGE_PREFIX) -> bytes:
    """``prefix`` then ``BOMB_BYTES`` of spaces, compressed (``gzip`` or ``deflate``, zlib format).

    Built from one compressed megabyte repeated: after a full flush deflate starts afresh,
    so the same block compresses to the same bytes (0.1 s instead of compressing 1 GiB)."""
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()
    count = BOMB_BYTES >> 20
    raw = head + piece * count + tail
    if encoding == "gzip":
        crc = zlib.crc32(prefix)
        for _ in range(count):
            crc = zlib.crc32(block, crc)
        size = (len(prefix) + BOMB_BYTES) & 0xFFFFFFFF
        return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + raw + struct.pack("<II", crc, size)
    adler = zlib.adler32(prefix)
    for _ in range(count):
        adler = zlib.adler32(block, adler)
    return b"\x78\xda" + raw + struct.pack(">I", adler)


def host_encoding(request: web.Request) -> str | None:
    """``gzip`` or ``deflate`` on ``gzip.hostile.test`` / ``deflate.hostile.test``, else None."""
    label = (request.host or "").split(".", 1)[0]
    return label if label in BOMB_ENCODINGS else None


def _html(body: str, title: str = "hostile") -> web.Response:
    return web.Response(text=f"<!doctype html><html lang=en><head><title>{title}</title></head>"
                             f"<body>{body}</body></html>", content_type="text/html")


class HostileSite:
    """The hostile site's behaviours, by path; ``admin`` is the local admin server's base URL."""

    def __init__(self, admin: str = "http://127.0.0.1:9/") -> None:
        self.admin = admin.rstrip("/")
        self.requests: list[str] = []
        self.closing = False  # set when the test ends: the endless handlers stop
        self.on_request: Callable[[str], None] | None = None  # a test's hook, called with each path and query

    async def _linger(self, seconds: float = 3600) -> None:
        """Sleep like a server that never answers, until the test ends."""
        for _ in range(int(seconds / 0.1)):
            if self.closing:
                return
            await asyncio.sleep(0.1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path_qs)
        if self.on_request is not None:
            self.on_request(request.path_qs)
        resp = await self._route(request)
        if not resp.prepared:  # every header a report might show is hostile too
            resp.headers["Server"] = HOSTILE_SERVER
        return resp

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        handler = self.routes.get(path) or next(
            (h for prefix, h in self.routes.items() if prefix != "/" and prefix.endswith("/")
             and path.startswith(prefix)), None)
        if handler is not None:
            return await handler(self, request)
        return web.Response(status=404, text="not here", content_type="text/html")

    # -- entry pages: each test starts at the one for its cases --------------------------
    async def ssrf_index(self, request: web.Request) -> web.StreamResponse:
        a = self.admin
        return _html(f"""
            <a href="/ssrf/to-admin">redirect to the admin server</a>
            <a href="/ssrf/to-metadata">redirect to the metadata service</a>
            <a href="/ssrf/to-intranet">redirect to an intranet address</a>
            <a href="/ssrf/to-localhost">redirect to a name that resolves to loopback</a>
            <a href="/ssrf/to-file">redirect to a file</a>
            <a href="/ssrf/to-javascript">redirect to javascript</a>
            <a href="/ssrf/to-data">redirect to data</a>
            <a href="/gone-hostile">&lt;img src=x onerror="window.__pwned='link text'"&gt;</a>
            <a href="/gone-report">{html.escape(report_fetch_text(a), quote=False)}</a>
            <a href="{a}/delete-everything?from=link">admin link</a>
            <a href="http://[::1]:{a.rsplit(':', 1)[1]}/from-ipv6">admin over IPv6</a>
            <a href="http://2130706433:{a.rsplit(':', 1)[1]}/decimal">decimal loopback</a>
            <a href="http://[fd00::1]/ula">unique local</a>
            <img src="{a}/from-img.png" alt="pixel">
            <script>fetch("{a}/from-script").catch(function () {{}});</script>
            <iframe src="{a}/from-iframe"></iframe>
            <img src="/ssrf/to-admin?via=img" alt="redirected pixel">
            <iframe src="/ssrf/to-admin?via=iframe"></iframe>
            <script>fetch("/ssrf/to-admin?via=fetch").catch(function () {{}});</script>""")

    async def ssrf_redirect(self, request: web.Request) -> web.StreamResponse:
        port = self.admin.rsplit(":", 1)[1]
        where = {
            "/ssrf/to-admin": f"{self.admin}/delete-everything",
            "/ssrf/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/ssrf/to-intranet": "http://10.11.12.13/wiki/",
            "/ssrf/to-localhost": f"http://localhost:{port}/by-name",
            "/ssrf/to-file": "file:///etc/passwd",
            "/ssrf/to-javascript": "javascript:alert(1)",
            "/ssrf/to-data": "data:text/html,<script>alert(1)</script>",
        }[request.path]
        return web.Response(status=302, headers={"Location": where})

    async def bombs_index(self, request: web.Request) -> web.StreamResponse:
        return _html("""
            <link rel="alternate" type="application/rss+xml" href="/bombs/feed.xml">
            <a href="/bombs/gzip">gzip bomb</a> <a href="/bombs/gzip-chunked">chunked gzip bomb</a>
            <a href="/bombs/deflate">deflate bomb</a> <a href="/bombs/brotli">brotli</a>
            <a href="/bombs/huge">200 MB page</a> <a href="/bombs/deep-dom">deep DOM</a>
            <a href="/bombs/nul">NUL bytes</a> <a href="/bombs/binary">binary as HTML</a>
            <a href="/bombs/charset-lie">charset lie</a> <a href="/bombs/short-body">content-length lie</a>
            <a href="/bombs/gzip.pdf">a gzip bomb as a document</a>""")

    async def xml_bombs_index(self, request: web.Request) -> web.StreamResponse:
        # robots.txt, the sitemaps and the feed are the bombs here; /private/ is disallowed in
        # the first lines of the robots.txt bomb, so it is not fetched if those rules were read.
        return _html("""<link rel="alternate" type="application/rss+xml" href="/bombs/feed.xml">
            <a href="/private/secret">disallowed by the bomb's first lines</a>""")

    async def bomb_page(self, request: web.Request) -> web.StreamResponse:
        encoding = "deflate" if request.path == "/bombs/deflate" else (host_encoding(request) or "gzip")
        ctype = "application/rss+xml" if request.path.endswith(".xml") else (
            "application/pdf" if request.path.endswith(".pdf") else "text/html")
        body = bomb(encoding, FEED_PREFIX if ctype.endswith("xml")
                    else PAGE_PREFIX)
        headers = {"Content-Encoding": encoding, "Content-Type": ctype}
        if request.path != "/bombs/gzip-chunked":
            return web.Response(body=body, headers=headers)
        resp = web.StreamResponse(headers=headers)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for i in range(0, len(body), 8192):
            await resp.write(body[i:i + 8192])
        await resp.write_eof()
        return resp

    async def brotli_page(self, request: web.Request) -> web.StreamResponse:
        # Not real brotli: the auditor does not advertise br, and must say so readably.
        return web.Response(body=b"\x8b\xff\xff" * 1000, headers={"Content-Encoding": "br",
                                                                 "Content-Type": "text/html"})

    async def huge_page(self, request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.content_length = HUGE_PAGE_BYTES
        await resp.prepare(request)
        block = (b"<p>" + b"lorem ipsum dolor " * 3640 + b"</p>\n")[:65536]
        sent = 0
        try:
            while sent < HUGE_PAGE_BYTES:
                part = block[:HUGE_PAGE_BYTES - sent]
                await resp.write(part)
                sent += len(part)
        except (ConnectionResetError, RuntimeError):
            pass  # the auditor stopped reading at its cap
        return resp

    async def many_links(self, request: web.Request) -> web.StreamResponse:
        links = "".join(f"<a href=/l/{i}>{i}</a>" for i in range(MANY_LINKS))
        return _html(links, "500,000 links")

    async def deep_dom(self, request: web.Request) -> web.StreamResponse:
        return _html("<div>" * 100_000 + "deep" + "</div>" * 100_000, "deep")

    async def odd_page(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/bombs/nul":
            return web.Response(body=b"<html><title>nul\0title</title><body>a\0b<a href='/x\0y'>nul</a>" * 100,
                                content_type="text/html")
        if request.path == "/bombs/binary":
            return web.Response(body=bytes(range(256)) * 4000, content_type="text/html")
        if request.path == "/bombs/charset-lie":
            return web.Response(body="<html><title>Zeg ‘hallo’</title></html>".encode("utf-16"),
                                headers={"Content-Type": "text/html; charset=utf-8"})
        # Content-Length promises more than is sent, then the connection closes.
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.content_length = 100_000
        await resp.prepare(request)
        await resp.write(b"<html><body>cut short")
        request.transport.close()  # type: ignore[union-attr]
        return resp

    async def traps_index(self, request: web.Request) -> web.StreamResponse:
        return _html("""<a href="/traps/path/a/">path trap</a>
            <a href="/traps/calendar?month=1">calendar</a>
            <a href="/traps/session?sid=0f8e2c1a9b7d4e6f">session ids</a>""")

    async def path_trap(self, request: web.Request) -> web.StreamResponse:
        return _html('<a href="a/">one level deeper</a>', "path trap")

    async def calendar_trap(self, request: web.Request) -> web.StreamResponse:
        month = int(request.query.get("month", "1") or 1)
        return _html(f'<a href="?month={month + 1}">next month</a> <a href="?month={month - 1}">previous</a>',
                     f"month {month}")

    async def session_trap(self, request: web.Request) -> web.StreamResponse:
        import secrets

        return _html(f'<a href="/traps/session?sid={secrets.token_hex(8)}">home</a>', "session")

    async def slow_index(self, request: web.Request) -> web.StreamResponse:
        return _html("""<a href="/slow/body">one byte at a time</a>
            <a href="/slow/headers">slow headers</a> <a href="/slow/never">never answers</a>
            <a href="/slow/reset">reset</a>
            <a href="/redirects/chain/0">a chain of 50</a> <a href="/redirects/loop-a">a loop</a>""")

    async def slow(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/slow/never":
            await self._linger()
        if request.path == "/slow/reset":
            request.transport.close()  # type: ignore[union-attr]
            await self._linger()
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        if request.path == "/slow/headers":  # a slowloris of headers: one byte every half second
            transport = request.transport
            assert transport is not None
            transport.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self.closing and not transport.is_closing():
                transport.write(b"a")
                await asyncio.sleep(0.5)
            return resp
        await resp.prepare(request)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            while not self.closing:
                await resp.write(b"<")
                await asyncio.sleep(0.5)
        return resp

    async def redirect(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/redirects/chain/"):
            hop = int(request.path.rsplit("/", 1)[1])
            if hop >= 50:
                return _html("arrived after 50 hops")
            return web.Response(status=301, headers={"Location": f"/redirects/chain/{hop + 1}"})
        other = "/redirects/loop-b" if request.path == "/redirects/loop-a" else "/redirects/loop-a"
        return web.Response(status=302, headers={"Location": other})

    async def robots(self, request: web.Request) -> web.StreamResponse:
        # A bomb as robots.txt: Content-Encoding gzip (or deflate), 1 GiB of "# " comments.
        encoding = host_encoding(request)
        return web.Response(body=bomb(encoding or "gzip", ENCODED_ROBOTS_PREFIX if encoding else ROBOTS_PREFIX),
                            headers={"Content-Encoding": encoding or "gzip", "Content-Type": "text/plain"})

    async def sitemap(self, request: web.Request) -> web.StreamResponse:
        encoding = host_encoding(request)
        if encoding and request.path == "/sitemap.xml":  # an XML answer that inflates to 1 GiB
            return web.Response(body=bomb(encoding, SITEMAP_PREFIX),
                                headers={"Content-Encoding": encoding, "Content-Type": "application/xml"})
        # A gzip *file* (not an encoding) that inflates to 1 GiB.
        return web.Response(body=bomb("gzip", SITEMAP_PREFIX),
                            headers={"Content-Type": "application/gzip"})

    async def home(self, request: web.Request) -> web.StreamResponse:
        return _html('<a href="/ssrf/">ssrf</a>')

    routes: dict[str, Any] = {
        "/": home, "/robots.txt": robots, "/sitemap.xml": sitemap, "/sitemap-file.xml.gz": sitemap,
        "/ssrf/": ssrf_index, "/ssrf/to-admin": ssrf_redirect, "/ssrf/to-metadata": ssrf_redirect,
        "/ssrf/to-intranet": ssrf_redirect, "/ssrf/to-localhost": ssrf_redirect, "/ssrf/to-file": ssrf_redirect,
        "/ssrf/to-javascript": ssrf_redirect, "/ssrf/to-data": ssrf_redirect,
        "/bombs/": None, "/traps/": None, "/slow/": None, "/redirects/": None, "/many-links": many_links,
    }


def _bombs_route(site: HostileSite, request: web.Request) -> Any:
    path = request.path
    if path == "/bombs/":
        return site.bombs_index(request)
    if path == "/bombs/xml":
        return site.xml_bombs_index(request)
    if path in ("/bombs/gzip", "/bombs/gzip-chunked", "/bombs/deflate", "/bombs/feed.xml", "/bombs/gzip.pdf"):
        return site.bomb_page(request)
    if path == "/bombs/brotli":
        return site.brotli_page(request)
    if path == "/bombs/huge":
        return site.huge_page(request)
    if path == "/bombs/deep-dom":
        return site.deep_dom(request)
    return site.odd_page(request)


def _traps_route(site: HostileSite, request: web.Request) -> Any:
    path = request.path
    if path == "/traps/":
        return site.traps_index(request)
    if path.startswith("/traps/path/"):
        return site.path_trap(request)
    if path == "/traps/calendar":
        return site.calendar_trap(request)
    return site.session_trap(request)


def _slow_route(site: HostileSite, request: web.Request) -> Any:
    return site.slow_index(request) if request.path == "/slow/" else site.slow(request)


HostileSite.routes.update({
    "/bombs/": _bombs_route, "/traps/": _traps_route, "/slow/": _slow_route,
    "/redirects/": HostileSite.redirect,
})


class AdminServer:
    """A local admin interface: every request it receives is an SSRF the guard let through."""

    def __init__(self) -> None:
        self.access_log: list[str] = []

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.Response:
            self.access_log.append(f"{request.method} {request.path_qs}")
            return web.Response(text="deleted everything")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        return app


@contextlib.contextmanager
def serve_hostile() -> Iterator[tuple[HostileSite, str, AdminServer, str]]:
    """The admin server and the hostile site (which knows the admin's address), both on
    127.0.0.1: yields ``(site, site_base_url, admin, admin_base_url)``."""
    for encoding, prefix in (("gzip", PAGE_PREFIX), ("deflate", PAGE_PREFIX), ("gzip", ROBOTS_PREFIX),
                             *((e, p) for e in BOMB_ENCODINGS
                               for p in (FEED_PREFIX, ENCODED_ROBOTS_PREFIX, SITEMAP_PREFIX))):
        bomb(encoding, prefix)  # built before the audit starts: not a slow answer
    admin = AdminServer()
    with serve_app(admin.app(), name="hostile-admin") as admin_url:
        site = HostileSite(admin_url)
        with serve_app(site.app(), name="hostile-site") as site_url:
            try:
                yield site, site_url, admin, admin_url
            finally:
                site.closing = True


RAW_ANSWERS = {
    "garbage": b"\x00\x01\x02 hello, this is not HTTP at all \xff\xfe\r\n\r\n",
    "tls": bytes.fromhex("160303002a020000260303") + b"\x00" * 38,  # a TLS ServerHello on an HTTP port
    "http09": b"<html><body>HTTP/0.9: a body without a status line</body></html>",
    "bad-status": b"HTTP/1.1 abc Not A Number\r\nContent-Length: 0\r\n\r\n",
}


@contextlib.contextmanager
def raw_server(answer: bytes) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that answers every connection with ``answer`` and closes;
    yields its port. For what an aiohttp application cannot send: not HTTP at all."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(answer)

    thread = threading.Thread(target=run, daemon=True, name="raw-server")
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        sock.close()


__all__ = ["RAW_ANSWERS", "AdminServer", "HostileSite", "bomb", "raw_server", "report_fetch_text", "serve_hostile"]
