"""Per-host politeness: a concurrency cap, a request-rate limit, Crawl-delay and back-off.

Every request to a host, a page or a link check or a redirect hop, passes through
``HostGate.slot(host)``. Slots are reserved in time order, so N concurrent workers on
one host still respect the interval between requests instead of bursting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """Limits concurrency and request rate per host."""

    def __init__(self, per_host: int, rate_limit: float) -> None:
        self.per_host = per_host
        self.interval = 1.0 / rate_limit if rate_limit > 0 else 0.0
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._delay: dict[str, float] = {}

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        """Honour robots.txt ``Crawl-delay`` (capped at 60 s: longer would never finish)."""
        self._delay[host] = min(max(seconds, 0.0), 60.0)

    def back_off(self, host: str, seconds: float) -> None:
        """Nothing to ``host`` for ``seconds`` (after a 429/503 with or without Retry-After)."""
        self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)

    def interval_for(self, host: str) -> float:
        return max(self.interval, self._delay.get(host, 0.0))

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        sem = self._sems.get(host)
        if sem is None:
            sem = self._sems[host] = asyncio.Semaphore(self.per_host)
        async with sem:
            interval = self.interval_for(host)
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            if interval or start > now:
                self._next[host] = start + interval
                if start > now:
                    await asyncio.sleep(start - now)
            yield
