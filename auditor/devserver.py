"""A fixture web server for tests, the demo and plugin authors: a folder served on 127.0.0.1.

Real HTTP over loopback, so the crawler is tested through the code path real sites take.
Static files are served from the folder; ``_server.json`` in it scripts what static files
cannot do::

    {"redirects":  {"/old": [301, "/new"]},
     "status":     {"/gone": 410},
     "headers":    {"/latin1.html": {"Content-Type": "text/html; charset=iso-8859-1"}},
     "slow":       {"/slow.html": 3.0},
     "retry_after":{"/busy.html": {"times": 1, "seconds": 1}},
     "bot_wall":   ["/protected"],
     "no_head":    ["/head-refused.html"],
     "basic_auth": {"user": "staging", "password": "s3cret"},
     "vhosts":     {"partners.example.test": "partners"},
     "no_validators": ["/plain.html"]}

Static files carry an ``ETag`` (a hash of the bytes served) and ``Last-Modified`` (the
file's mtime) and answer conditional requests with 304, as nginx and Apache do, so the
incremental re-crawl is tested against the same behaviour; ``no_validators`` lists paths
served without them (servers that send neither).

``vhosts`` serves another folder (relative to the root) for requests whose Host header
names that host, so one server stands in for several sites reached through ``--resolve``.
``{SITE}`` in .html, .xml, .txt and .csv files is replaced by the server's base URL.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".txt", ".csv", ".json"}
BOT_WALL = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
            b"<body><h1>Checking your browser before accessing the site.</h1>"
            b"<p>Please enable JavaScript and cookies to continue. (captcha)</p></body></html>")


class FixtureSite:
    """The aiohttp application serving one folder with its ``_server.json`` behaviours."""

    def __init__(self, root: Path, vhosts: dict[str, Path] | None = None) -> None:
        self.root = Path(root).resolve()
        spec_file = self.root / "_server.json"
        self.spec: dict[str, Any] = json.loads(spec_file.read_text("utf-8")) if spec_file.is_file() else {}
        self.vhosts = {h.lower(): Path(p).resolve() for h, p in (vhosts or {}).items()}
        self.base_url = ""
        self.ca_file: Path | None = None
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, host+path, headers
        self._retry_counts: dict[str, int] = {}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    def _folder_for(self, request: web.Request) -> tuple[Path, dict[str, Any]]:
        host = (request.host or "").split(":")[0].lower()
        vhost = self.vhosts.get(host) or self.spec.get("vhosts", {}).get(host)
        if vhost:
            folder = (self.root / vhost).resolve()
            spec_file = folder / "_server.json"
            spec = json.loads(spec_file.read_text("utf-8")) if spec_file.is_file() else {}
            return folder, spec
        return self.root, self.spec

    async def handle(self, request: web.Request) -> web.StreamResponse:
        folder, spec = self._folder_for(request)
        path = request.path
        key = f"{request.host}{path}"
        self.hits[key] = self.hits.get(key, 0) + 1
        self.requests.append((request.method, key, dict(request.headers)))
        auth = spec.get("basic_auth")
        if auth and not _authorised(request, auth["user"], auth["password"]):
            return web.Response(status=401, text="login required",
                                headers={"WWW-Authenticate": 'Basic realm="staging"'})
        if path in spec.get("slow", {}):
            await asyncio.sleep(float(spec["slow"][path]))
        if path in spec.get("retry_after", {}):
            rule = spec["retry_after"][path]
            seen = self._retry_counts.get(key, 0)
            if seen < int(rule.get("times", 1)):
                self._retry_counts[key] = seen + 1
                return web.Response(status=429, text="Too Many Requests",
                                    headers={"Retry-After": str(rule.get("seconds", 1))})
        if path in spec.get("bot_wall", []):
            return web.Response(status=403, body=BOT_WALL, content_type="text/html",
                                headers={"cf-mitigated": "challenge", "Server": "cloudflare"})
        if request.method == "HEAD" and path in spec.get("no_head", []):
            return web.Response(status=405, text="Method Not Allowed")
        if path in spec.get("redirects", {}):
            status, location = spec["redirects"][path]
            return web.Response(status=int(status), headers={"Location": location})
        if path in spec.get("status", {}):
            status = int(spec["status"][path])
            return web.Response(status=status, text=f"status {status}", content_type="text/html")
        return self._static(request, folder, path, spec)

    def _static(self, request: web.Request, folder: Path, path: str, spec: dict[str, Any]) -> web.StreamResponse:
        headers: dict[str, str] = spec.get("headers", {}).get(path, {})
        target = (folder / path.lstrip("/")).resolve()
        if not str(target).startswith(str(folder)):
            return web.Response(status=403, text="forbidden")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() and target.suffix == ".gz" and target.with_suffix("").is_file():
            return self._gzipped(target.with_suffix(""))
        if not target.is_file() or target.name == "_server.json":
            not_found = folder / "404.html"
            body = not_found.read_bytes() if not_found.is_file() else b"<h1>404 Not Found</h1>"
            return web.Response(status=404, body=body, content_type="text/html")
        body = target.read_bytes()
        if target.suffix in TEXT_SUFFIXES and b"{SITE}" in body:
            body = body.replace(b"{SITE}", self.base_url.rstrip("/").encode())
        ctype = headers.get("Content-Type") or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        if target.suffix in (".html", ".htm") and "charset" not in ctype and "Content-Type" not in headers:
            ctype += "; charset=utf-8"
        if path not in spec.get("no_validators", []):
            validators = _validators(target, body)
            if _not_modified(request, validators):
                return web.Response(status=304, headers=validators)
            extra = {**validators, **extra}
        resp = web.Response(status=200, body=body, headers=extra)
        resp.headers["Content-Type"] = ctype
        return resp


    def _gzipped(self, source: Path) -> web.Response:
        """``x.xml.gz`` made from ``x.xml`` after ``{SITE}`` substitution (gzip sitemaps)."""
        import gzip

        body = source.read_bytes().replace(b"{SITE}", self.base_url.rstrip("/").encode())
        return web.Response(status=200, body=gzip.compress(body), content_type="application/gzip")


def _validators(target: Path, body: bytes) -> dict[str, str]:
    import hashlib
    from email.utils import formatdate

    return {"ETag": f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16]}"',
            "Last-Modified": formatdate(int(target.stat().st_mtime), usegmt=True)}


def _not_modified(request: web.Request, validators: dict[str, str]) -> bool:
    """RFC 9110 13.1: If-None-Match wins; If-Modified-Since only without it."""
    from email.utils import parsedate_to_datetime

    if_none = request.headers.get("If-None-Match")
    if if_none is not None:
        return validators["ETag"] in [t.strip() for t in if_none.split(",")] or if_none.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(validators["Last-Modified"]) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _authorised(request: web.Request, user: str, password: str) -> bool:
    import base64

    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return request.headers.get("Authorization") == expected


def _tls_context(site: FixtureSite, names: list[str], ca: Any = None, not_after: Any = None) -> ssl.SSLContext:
    """A server context with a certificate for ``names`` from a throw-away CA (trustme), or
    from ``ca`` (a ``trustme.CA`` shared by several servers) and valid until ``not_after``
    (a past date makes an expired certificate); the CA's PEM is written next to nothing else
    in a temp dir, for ``--ca-bundle``."""
    import datetime as dt
    import tempfile

    import trustme

    ca = ca or trustme.CA()
    not_before = None
    if not_after is not None:  # valid from before now (or, for an expired one, before its end)
        not_before = min(dt.datetime.now(dt.UTC) - dt.timedelta(days=1), not_after - dt.timedelta(days=90))
    cert = ca.issue_cert(*names, not_before=not_before, not_after=not_after)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    folder = Path(tempfile.mkdtemp(prefix="fixture-ca-"))
    site.ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(site.ca_file))
    return ctx


@contextmanager
def serve(root: Path, port: int = 0, host: str = "127.0.0.1", *, vhosts: dict[str, Path] | None = None,
          tls_names: list[str] | None = None, tls_ca: Any = None, tls_not_after: Any = None) -> Iterator[FixtureSite]:
    """Serve ``root`` on ``host`` in a background thread; yields the site (``.base_url``).

    ``vhosts`` maps host names to folders; ``tls_names`` serves HTTPS with a certificate for
    those names from a throw-away CA whose PEM is ``site.ca_file``, or from ``tls_ca`` (a
    ``trustme.CA``), valid until ``tls_not_after`` (a ``datetime``; past: expired).
    """
    site = FixtureSite(root, vhosts)
    ssl_ctx = _tls_context(site, [*tls_names, host], tls_ca, tls_not_after) if tls_names else None
    with serve_app(site.app(), host, port, ssl_ctx, name=f"fixture-site-{Path(root).name}") as base_url:
        site.base_url = base_url
        yield site


@contextmanager
def serve_app(app: web.Application, host: str = "127.0.0.1", port: int = 0,
              ssl_ctx: ssl.SSLContext | None = None, name: str = "fixture-server") -> Iterator[str]:
    """Run an aiohttp ``app`` on ``host`` in a background thread (its own event loop);
    yields its base URL (``http://host:port/``), and stops it when the block ends."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    runner = web.AppRunner(app, access_log=None)
    base_url = ""

    async def start() -> None:
        nonlocal base_url
        await runner.setup()
        tcp = web.TCPSite(runner, host, port, ssl_context=ssl_ctx)
        await tcp.start()
        sock = tcp._server.sockets[0]  # type: ignore[union-attr]
        base_url = f"{'https' if ssl_ctx else 'http'}://{host}:{sock.getsockname()[1]}/"

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True, name=name)
    thread.start()
    if not started.wait(10):
        raise RuntimeError(f"{name} did not start")
    try:
        yield base_url
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
