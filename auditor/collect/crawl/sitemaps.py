"""Sitemaps as extra seeds: robots ``Sitemap:`` lines, ``/sitemap.xml``, indexes, gzip.

Pages only reachable from the sitemap (orphans) are still touchpoints a prospect can
land on from a search engine, so they are crawled too. Parsing uses lxml's iterparse
with entity resolution and network access off: a sitemap is untrusted input.
"""

from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from lxml import etree

from auditor.collect.http import Fetcher
from auditor.collect.limits import SITEMAP_INFLATED_BYTES, gunzip_capped
from auditor.urls import InvalidURL, Scope, normalise, resolve

_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

MAX_SITEMAP_BYTES = 50_000_000
MAX_SITEMAPS = 200


@dataclass
class SitemapResult:
    """Page URLs found (with ``lastmod`` where given) and the sitemaps read."""

    urls: list[tuple[str, str | None]] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    relative: int = 0  # <loc> values that were not absolute URLs, read against their sitemap's address
    cut: list[str] = field(default_factory=list)  # sitemaps larger than MAX_SITEMAP_BYTES (after unpacking)

    def notes(self) -> list[str]:
        """Run-note lines for the sitemaps that were cut at their size limit."""
        if not self.cut:
            return []
        return [f"sitemaps: {len(self.cut)} larger than {MAX_SITEMAP_BYTES:,} bytes (after unpacking) were read "
                f"only that far, the rest ignored (the sitemaps protocol's own limit); e.g. {self.cut[0]}"]


def _gunzipped(data: bytes) -> tuple[bytes, bool]:
    """``data`` unpacked when it is a .xml.gz file, and whether it was cut at
    ``SITEMAP_INFLATED_BYTES`` (a gzip bomb stops there); ``b""`` when it does not unpack."""
    if data[:2] != b"\x1f\x8b":
        return data, False
    try:
        return gunzip_capped(data, SITEMAP_INFLATED_BYTES)
    except (OSError, EOFError, zlib.error):
        return b"", False


def parse_sitemap(data: bytes) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Return ``(page urls with lastmod, nested sitemap urls)`` of one sitemap document."""
    data, _cut = _gunzipped(data)
    if not data:
        return [], []
    pages: list[tuple[str, str | None]] = []
    nested: list[str] = []
    try:
        context = etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False,
                                  no_network=True, huge_tree=False, recover=True)
        loc: str | None = None
        lastmod: str | None = None
        for _event, el in context:
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if tag == "loc":
                # Only the entry's own <loc>: <image:loc>, <video:loc> … inside it are not pages
                # (Yoast and WordPress sitemaps list images after the page's <loc>).
                parent = el.getparent()
                parent_tag = parent.tag.rsplit("}", 1)[-1] if parent is not None and isinstance(parent.tag, str) else ""
                if parent_tag in ("url", "sitemap"):
                    loc = (el.text or "").strip()
            elif tag == "lastmod":
                lastmod = (el.text or "").strip() or None
            elif tag in ("url", "sitemap"):
                if loc and tag == "url":
                    pages.append((loc, lastmod))
                elif loc:
                    nested.append(loc)
                loc, lastmod = None, None
                el.clear()
    except etree.XMLSyntaxError:
        pass
    return pages, nested


async def collect_sitemaps(fetcher: Fetcher, candidates: list[str], optional: frozenset[str] = frozenset()
                           ) -> SitemapResult:
    """Read sitemaps breadth-first from ``candidates``, following indexes, at most 200.

    A missing sitemap in ``optional`` (the guessed ``/sitemap.xml``) is not an error."""
    result = SitemapResult()
    queue = list(dict.fromkeys(candidates))
    seen: set[str] = set()
    while queue and len(seen) < MAX_SITEMAPS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        res = await fetcher.fetch(url, max_body=MAX_SITEMAP_BYTES)
        if res.error or res.status != 200:
            if url not in optional:
                result.errors.append(f"{url}: {res.error or res.status}")
            continue
        result.sitemaps.append(url)
        data, cut_file = _gunzipped(res.body)  # a .xml.gz file
        if res.truncated or cut_file:  # res: cut while inflating a Content-Encoding: gzip/deflate answer
            result.cut.append(url)
        pages, nested = parse_sitemap(data)
        base = res.final_url or url
        for loc, lastmod in pages:
            if not _ABSOLUTE.match(loc):
                result.relative += 1
                resolved = resolve(base, loc, strip_params=False)
                loc = resolved[0] if resolved is not None else loc
            result.urls.append((loc, lastmod))
        for loc in nested:
            resolved = resolve(base, loc, strip_params=False)
            if resolved is not None and resolved[0] not in seen:
                queue.append(resolved[0])
    return result


@dataclass
class SeedCounts:
    """What became of the page URLs the sitemaps list: every one not crawled is counted with why."""

    listed: int = 0
    queued: int = 0
    known: int = 0  # already queued (the start page, a duplicate entry)
    not_crawled: Counter[str] = field(default_factory=Counter)
    relative: int = 0

    def notes(self) -> list[str]:
        """Lines for the run notes (the report's limits section)."""
        out: list[str] = []
        if self.listed:
            why = ", ".join(f"{n} {reason}" for reason, n in self.not_crawled.most_common())
            out.append(f"sitemaps: {self.listed} page URLs listed, {self.queued} queued for crawling, {self.known} "
                       f"already known" + (f"; not crawled: {why}" if why else ""))
        if self.relative:
            out.append(f"sitemaps: {self.relative} <loc> values were relative (the sitemap protocol requires absolute "
                       "URLs); they were read against the sitemap's own address")
        return out


async def seed_from_sitemaps(found: SitemapResult, scope: Scope, strip_params: bool,
                             add: Callable[[str, str, int], bool], knows: Callable[[str], bool],
                             allowed: Callable[[str], Awaitable[bool]] | None, max_depth: int) -> SeedCounts:
    """Queue the sitemaps' pages (``add``: the crawler's) at depth 1 and count what was not."""
    counts = SeedCounts(listed=len(found.urls), relative=found.relative)
    for loc, _lastmod in found.urls:
        try:
            url, _ = normalise(loc, strip_params)
        except InvalidURL:
            counts.not_crawled["not a valid web address"] += 1
            continue
        if not scope.is_internal(url):
            counts.not_crawled["on another site"] += 1
        elif not scope.patterns_allow(url):
            counts.not_crawled["excluded by the include/exclude patterns"] += 1
        elif knows(url):
            counts.known += 1
        elif max_depth < 1:
            counts.not_crawled["deeper than max_depth"] += 1
        elif not add(url, "crawl", 1):
            counts.not_crawled["over max_pages"] += 1
        elif allowed is not None and not await allowed(url):
            counts.not_crawled["disallowed by robots.txt"] += 1  # queued: the crawler records the refusal
        else:
            counts.queued += 1
    return counts
