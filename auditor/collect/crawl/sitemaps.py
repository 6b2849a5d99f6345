"""Sitemaps as extra seeds: robots ``Sitemap:`` lines, ``/sitemap.xml``, indexes, gzip.

Pages only reachable from the sitemap (orphans) are still touchpoints a prospect can
land on from a search engine, so they are crawled too. Parsing uses lxml's iterparse
with entity resolution and network access off: a sitemap is untrusted input.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

from lxml import etree

from auditor.collect.http import Fetcher
from auditor.collect.limits import SITEMAP_INFLATED_BYTES, gunzip_capped

MAX_SITEMAP_BYTES = 50_000_000
MAX_SITEMAPS = 200


@dataclass
class SitemapResult:
    """Page URLs found (with ``lastmod`` where given) and the sitemaps read."""

    urls: list[tuple[str, str | None]] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_sitemap(data: bytes) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Return ``(page urls with lastmod, nested sitemap urls)`` of one sitemap document."""
    if data[:2] == b"\x1f\x8b":
        try:
            data, _cut = gunzip_capped(data, SITEMAP_INFLATED_BYTES)  # a gzip bomb stops here
        except (OSError, EOFError, zlib.error):
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
                loc = (el.text or "").strip()
            elif tag == "lastmod":
                lastmod = (el.text or "").strip() or None
            elif tag in ("url", "sitemap"):
                if loc:
                    (pages if tag == "url" else nested).append((loc, lastmod) if tag == "url" else loc)
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
        pages, nested = parse_sitemap(res.body)
        result.urls.extend(pages)
        queue.extend(n for n in nested if n not in seen)
    return result
