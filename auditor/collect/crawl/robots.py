"""robots.txt, fetched once per host and obeyed by default (protego).

A robots.txt that answers 4xx allows everything; one that answers 5xx or cannot be
fetched disallows everything for that host, as Google does: the server is in trouble
and we should not add to it. ``Crawl-delay`` feeds the host gate.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from protego import Protego

from auditor.collect.crawl.politeness import HostGate
from auditor.collect.http import Fetcher
from auditor.urls import host_of

MAX_ROBOTS_BYTES = 512_000


@dataclass
class RobotsRules:
    """The parsed rules for one host and what fetching them gave."""

    host: str
    status: int | None
    parser: Protego | None = None
    allow_all: bool = False
    sitemaps: list[str] = field(default_factory=list)

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.allow_all:
            return True
        if self.parser is None:
            return False
        return self.parser.can_fetch(url, user_agent)


class RobotsCache:
    """Fetches and caches robots.txt per scheme+host."""

    def __init__(self, fetcher: Fetcher, gate: HostGate, user_agent: str) -> None:
        self.fetcher = fetcher
        self.gate = gate
        self.user_agent = user_agent
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        scheme = url.split(":", 1)[0]
        host = host_of(url)
        key = f"{scheme}://{host}"
        if key in self._rules:
            return self._rules[key]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._rules:
                self._rules[key] = await self._fetch(key, host)
        return self._rules[key]

    async def _fetch(self, origin: str, host: str) -> RobotsRules:
        res = await self.fetcher.fetch(f"{origin}/robots.txt", max_body=MAX_ROBOTS_BYTES)
        if res.error or res.status is None:
            return RobotsRules(host, None, allow_all=False)
        if 400 <= res.status < 500:
            return RobotsRules(host, res.status, allow_all=True)
        if res.status >= 500:
            return RobotsRules(host, res.status, allow_all=False)
        text = res.body.decode("utf-8", errors="replace")
        parser = Protego.parse(text)
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self.gate.set_crawl_delay(host, float(delay))
        return RobotsRules(host, res.status, parser=parser, sitemaps=list(parser.sitemaps))

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allowed(url, self.user_agent)
