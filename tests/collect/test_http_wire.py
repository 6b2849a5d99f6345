"""What the fetcher puts on the wire: the address exactly as a browser sends it."""

from __future__ import annotations

import asyncio

from aiohttp import web

from auditor.collect.crawl.politeness import HostGate
from auditor.collect.http import Fetcher, make_session
from auditor.config import CrawlConfig
from auditor.devserver import serve_app


def _recording_app(seen: list[str]) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        seen.append(request.raw_path)
        if request.raw_path.startswith("/jump"):
            return web.Response(status=301, headers={"Location": "\\landing%3Dhere?a=%2F"})
        return web.Response(text="<p>ok</p>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def _fetch(url: str):
    cfg = CrawlConfig(rate_limit=0, allow_private=["127.0.0.1"])  # the fixture server is on loopback
    session = make_session(cfg)
    try:
        return await Fetcher(cfg, session, HostGate(cfg.per_host, 0)).fetch(url)
    finally:
        await session.close()


def test_percent_escapes_go_out_as_written():
    seen: list[str] = []
    with serve_app(_recording_app(seen)) as base:
        res = asyncio.run(_fetch(base + "zoek%3Dx/a%2Fb?q=a%3Db&r=%2F"))
    assert res.status == 200
    assert seen == ["/zoek%3Dx/a%2Fb?q=a%3Db&r=%2F"]  # yarl's re-quoting would send "/zoek=x/a%2Fb?q=a%3Db&r=/"


def test_redirect_location_is_read_as_a_browser_reads_it():
    seen: list[str] = []
    with serve_app(_recording_app(seen)) as base:
        res = asyncio.run(_fetch(base + "jump"))
    assert seen == ["/jump", "/landing%3Dhere?a=%2F"]  # the backslash is a slash
    assert res.final_url == base + "landing%3Dhere?a=%2F"
