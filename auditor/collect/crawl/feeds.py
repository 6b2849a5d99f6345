"""RSS/Atom feeds and sitemap dates, for the freshness checks.

The crawler records ``<link rel="alternate" type="application/rss+xml">`` targets as links
and only HEAD-checks them; this collector GETs the feeds the site declares and keeps each
item's title, link and date (artifact ``feeds``, ``auditor.artifacts.crawl.Feeds``). It also
reads the sitemaps the crawl used again, keeping ``lastmod`` and Google News
``publication_date`` per URL (artifact ``sitemap_dates``, ``SitemapDates``): the run store
keeps sitemap URLs only as crawl seeds.

Feeds and sitemaps are untrusted XML: parsed with entity resolution and network access
off. A feed that fails is recorded with its error; the collector itself never fails the
audit for it.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree, html

from auditor.artifacts import read, write
from auditor.artifacts.crawl import Feeds, SitemapDates, Sitemaps
from auditor.collect.crawl.robots import RobotsCache
from auditor.collector import CollectContext, Collector, CollectorSettings

MAX_FEEDS = 10
MAX_ITEMS = 50
MAX_FEED_BYTES = 5_000_000
MAX_SITEMAPS = 50
MAX_SITEMAP_ENTRIES = 50_000
MAX_NEWS_PAGES = 5
MAX_SCANNED_PAGES = 500  # stored pages read for feed declarations besides the start and news pages
FEED_TYPES = re.compile(r"rss|atom", re.I)
NEWS_PATH = re.compile(r"/(nieuws|actueel|actualiteiten|blogs?|berichten|persberichten|pers|news|updates|press|"
                       r"newsroom|insights|artikelen|articles|journal|magazine)(/|\.html?$|$)", re.I)
_DATE_FIELDS = ("published", "pubdate", "date", "issued", "created", "updated", "modified")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def parse_feed(data: bytes, base_url: str) -> dict[str, Any]:
    """Title, site link, format and items (title, link, date, which field) of an RSS 0.9x/1.0/2.0
    or Atom feed. Items are kept newest first as the feed lists them, at most ``MAX_ITEMS``."""
    root = etree.fromstring(data, parser=_xml_parser())
    if root is None:
        raise ValueError("not XML")
    kind = _local(root.tag)
    if kind not in ("rss", "feed", "rdf"):
        raise ValueError(f"not an RSS or Atom feed (root element <{kind}>)")
    channel = _child(root, "channel") if kind != "feed" else root
    channel = channel if channel is not None else root
    entries = [el for el in root.iter() if _local(el.tag) in ("item", "entry")]
    out: dict[str, Any] = {"format": "atom" if kind == "feed" else "rss", "title": _text(_child(channel, "title")),
                           "link": _link(channel, base_url), "items": [], "item_count": len(entries)}
    for entry in entries[:MAX_ITEMS]:
        fields = {_local(c.tag): c for c in entry}
        field = next((f for f in _DATE_FIELDS if f in fields and _text(fields[f])), None)
        out["items"].append({
            "title": _text(fields.get("title"))[:300],
            "link": _link(entry, base_url),
            "date": _text(fields[field]) if field else None,
            "field": {"pubdate": "pubDate", "date": "dc:date"}.get(field or "", field),
        })
    return out


def _link(el: etree._Element, base_url: str) -> str | None:
    for child in el:
        if _local(child.tag) != "link":
            continue
        href = child.get("href") if child.get("href") is not None else _text(child)
        if href and (child.get("rel") in (None, "alternate")):
            return urljoin(base_url, href.strip())
    guid = _child(el, "guid")
    if guid is not None and (guid.get("isPermaLink") or "true") == "true" and _text(guid).startswith("http"):
        return _text(guid)
    return None


def declared_feeds(body: bytes, encoding: str, base_url: str) -> list[str]:
    """Feeds a page declares with ``<link rel="alternate" type="application/rss+xml|atom+xml">``."""
    try:
        tree = html.document_fromstring(body, parser=html.HTMLParser(encoding=encoding, no_network=True))
    except (etree.ParserError, ValueError):
        return []
    found = []
    for link in tree.iterfind(".//link[@href]"):
        rels = (link.get("rel") or "").lower().split()
        if "alternate" in rels and FEED_TYPES.search(link.get("type") or ""):
            found.append(urljoin(base_url, link.get("href").strip()))
    return found


def parse_sitemap_dates(data: bytes) -> list[dict[str, str | None]]:
    """``url``, ``lastmod``, ``news_date`` and ``news_title`` of each ``<url>`` of a sitemap."""
    import zlib

    from auditor.collect.limits import SITEMAP_INFLATED_BYTES, gunzip_capped

    if data[:2] == b"\x1f\x8b":
        try:
            data, _cut = gunzip_capped(data, SITEMAP_INFLATED_BYTES)  # a gzip bomb stops here
        except (OSError, EOFError, zlib.error):
            return []
    entries: list[dict[str, str | None]] = []
    current: dict[str, str | None] = {}
    try:
        for _event, el in etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False,
                                          no_network=True, huge_tree=False, recover=True):
            tag = _local(el.tag)
            if tag == "loc" and "url" not in current:
                current["url"] = (el.text or "").strip()
            elif tag == "lastmod":
                current["lastmod"] = (el.text or "").strip() or None
            elif tag == "publication_date":
                current["news_date"] = (el.text or "").strip() or None
            elif tag == "title" and "news" in (el.tag or ""):
                current["news_title"] = (el.text or "").strip()[:300] or None
            elif tag in ("url", "sitemap"):
                if tag == "url" and current.get("url") and (current.get("lastmod") or current.get("news_date")):
                    entries.append(current)
                current = {}
                el.clear()
    except etree.XMLSyntaxError:
        pass
    return entries


class FeedCollector(Collector):
    """GETs the site's RSS/Atom feeds and re-reads its sitemaps for dates."""

    name = "feeds"
    provides = ("feeds", "sitemap_dates")
    Settings = CollectorSettings  # none: a [collectors.feeds] table is a mistake, said so

    async def collect(self, ctx: CollectContext) -> None:
        store = ctx.store
        feeds: list[dict[str, Any]] = []
        robots = RobotsCache(ctx.fetcher, ctx.fetcher.gate, ctx.config.crawl.user_agent)
        for url in self._candidates(ctx)[:MAX_FEEDS]:
            if ctx.config.crawl.respect_robots and not await robots.allowed(url):
                feeds.append({"url": url, "error": "disallowed by robots.txt", "items": []})
                continue
            res = await ctx.fetcher.fetch(url, max_body=MAX_FEED_BYTES)
            if res.error or res.status != 200:
                feeds.append({"url": url, "error": res.error or f"HTTP {res.status}", "items": []})
                continue
            if res.truncated:  # a gzip/deflate bomb or a huge file: cut while it was read
                ctx.notes.append(f"feed {url} is larger than {MAX_FEED_BYTES:,} bytes (after unpacking): "
                                 "read only that far, the rest ignored")
            try:
                feeds.append({"url": url, **parse_feed(res.body, res.final_url or url)})
            except (ValueError, etree.XMLSyntaxError) as exc:
                feeds.append({"url": url, "error": f"unreadable feed: {exc}", "items": []})
        write(store, Feeds.from_json(feeds))
        write(store, SitemapDates.from_json(await self._sitemap_dates(ctx)))

    @staticmethod
    def _candidates(ctx: CollectContext) -> list[str]:
        """Feeds declared on the start page and on the news pages it links to, then on any of
        the first stored pages (a start page that is a redirect stub declares nothing, while
        every page behind it does), and feed-typed ``<link>`` targets the link check saw."""
        store = ctx.store

        def wanted(url: str) -> bool:
            return ctx.scope.is_internal(url) and not re.search(r"comments?/feed|/comments|reacties", url, re.I)

        found: list[str] = []
        start = store.page(ctx.scope.start_url)
        pages = [start] if start is not None else []
        if start is not None:
            news = [ln.url for ln in start.links if ln.element == "a" and NEWS_PATH.search(ln.url.split("?")[0])]
            pages += [p for u in list(dict.fromkeys(news))[:MAX_NEWS_PAGES] if (p := store.page(u)) is not None]
        for page in pages:
            if page.body:
                found += declared_feeds(page.body, page.encoding, page.final_url or page.url)
        for scanned, page in enumerate(store.pages()):  # any page may declare one
            if scanned >= MAX_SCANNED_PAGES or len({u for u in found if wanted(u)}) >= MAX_FEEDS:
                break
            low = page.body[:200_000].lower() if page.body else b""
            if b"alternate" in low and (b"rss" in low or b"atom" in low):
                found += declared_feeds(page.body, page.encoding, page.final_url or page.url)
        for target in store.link_targets("non_html"):
            ctype = (target.result.content_type or "") if target.result else ""
            if any(r.element == "link" for r in target.refs) and FEED_TYPES.search(ctype):
                found.append(target.url)
        return [u for u in dict.fromkeys(found) if wanted(u)]

    @staticmethod
    async def _sitemap_dates(ctx: CollectContext) -> list[dict[str, str | None]]:
        info = read(ctx.store, Sitemaps) or Sitemaps()
        entries: list[dict[str, str | None]] = []
        for url in info.sitemaps[:MAX_SITEMAPS]:
            res = await ctx.fetcher.fetch(url, max_body=50_000_000)
            if res.error or res.status != 200:
                continue
            entries.extend(parse_sitemap_dates(res.body))
            if len(entries) >= MAX_SITEMAP_ENTRIES:
                entries.sort(key=lambda e: e.get("news_date") is None)  # news entries first
                del entries[MAX_SITEMAP_ENTRIES:]
                break
        return entries
