"""robots.txt, fetched once per host and read as Google reads it (RFC 9309).

Matching follows Google's open-source matcher (``robots_match.py``, a port of
google/robotstxt's parser and matcher), fed the file's bytes as they came: a UTF-8
byte-order mark (even a partial one) is skipped instead of eating the first group,
``User-agent: FOO BAR`` is read as ``FOO``, lines that are not rules do not split the
user-agent lines around them into groups, ``%62%61%7A`` is not ``baz``, lines are cut at
16,664 bytes, and the longest match wins with ties going to ``allow``.
``tests/collect/crawl/test_robots_google.py`` re-states the cases of Google's
``robots_test.cc``. (The ``fast-robotstxt`` binding was tried: it decodes percent-escapes
that Google's tests keep apart, and it parses the whole file again for every URL.)

A robots.txt that answers 4xx allows everything; one that answers 5xx or cannot be
fetched disallows everything for that host, as Google does: the server is in trouble
and we should not add to it. A file larger than ``MAX_ROBOTS_BYTES`` after unpacking (a
gzip or deflate bomb, a huge file) is read up to that size and its last whole line, and
the run notes say so: a rule cut in half (``Disallow: /private/`` cut to ``Disallow: /``)
must not change what is allowed. ``Crawl-delay`` feeds the host gate; ``Sitemap:`` lines
(anywhere in the file) seed the crawl.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from auditor.collect.crawl.politeness import HostGate
from auditor.collect.crawl.robots_match import RobotsMatcher
from auditor.collect.http import Fetcher
from auditor.urls import host_of, resolve

MAX_ROBOTS_BYTES = 512_000  # RFC 9309 2.5: crawlers must read at least 500 KiB
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")
# Google's parser accepts "sitemap" and "site-map", a colon or just whitespace after it.
_SITEMAP_LINE = re.compile(rb"^[ \t]*site-?map[ \t]*(?::|[ \t])[ \t]*([^#\s]+)", re.I | re.M)


def product_token(user_agent: str) -> str:
    """``touchpoint-auditor`` of ``touchpoint-auditor/0.1 (+https://…)``: the name that
    robots.txt groups are matched against (RFC 9309 2.2.1)."""
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    return match.group() if match else user_agent


@dataclass
class RobotsRules:
    """The rules for one host and what fetching them gave."""

    host: str
    status: int | None
    body: bytes | None = None
    allow_all: bool = False
    sitemaps: list[str] = field(default_factory=list)
    truncated: bool = False  # larger than MAX_ROBOTS_BYTES (after unpacking): only the start was read
    _compiled: dict[str, RobotsMatcher] = field(default_factory=dict, repr=False)

    def matcher(self, user_agent: str) -> RobotsMatcher:
        """The file compiled for ``user_agent``'s product token (once)."""
        token = product_token(user_agent)
        compiled = self._compiled.get(token)
        if compiled is None:
            compiled = self._compiled[token] = RobotsMatcher.parse(self.body or b"", token)
        return compiled

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.allow_all:
            return True
        if self.body is None:
            return False
        return self.matcher(user_agent).allowed(url)

    def crawl_delay(self, user_agent: str) -> float | None:
        """``Crawl-delay`` of the group that applies to us (Google ignores it; politeness does not)."""
        if self.body is None or self.allow_all:
            return None
        return self.matcher(user_agent).crawl_delay


def sitemap_lines(body: bytes, robots_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, wherever they stand, resolved against it."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    found: list[str] = []
    for match in _SITEMAP_LINE.finditer(body):
        resolved = resolve(robots_url, match.group(1).decode("utf-8", "replace"), strip_params=False)
        if resolved is not None and resolved[0] not in found:
            found.append(resolved[0])
    return found


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
        body = res.body
        if res.truncated:  # a bomb or a huge file: the rules in its first part, up to the last whole line
            body = body[:body.rfind(b"\n") + 1]
        rules = RobotsRules(host, res.status, body=body, truncated=res.truncated,
                            sitemaps=sitemap_lines(body, res.final_url or f"{origin}/robots.txt"))
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            self.gate.set_crawl_delay(host, float(delay))
        return rules

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allowed(url, self.user_agent)

    def notes(self) -> list[str]:
        """Run-note lines for the robots.txt files that were cut at ``MAX_ROBOTS_BYTES``."""
        return [f"robots.txt of {rules.host} is larger than {MAX_ROBOTS_BYTES:,} bytes (after unpacking): only the "
                "rules in its first part were read, up to the last whole line (RFC 9309 allows this); "
                "the rest was ignored" for rules in self._rules.values() if rules.truncated]
