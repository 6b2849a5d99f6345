"""Artifacts of the crawl family: the site's own 404 page, its sitemaps, feeds and sitemap dates."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.artifacts import Artifact, ListArtifact

__all__ = ["Feed", "FeedItem", "Feeds", "NetworkHealth", "NotFoundProbe", "SitemapDate", "SitemapDates", "Sitemaps"]


@dataclass(frozen=True)
class NotFoundProbe(Artifact):
    """A URL that cannot exist, fetched once before the crawl: the site's own 404 page,
    which TP104 compares pages with to recognise soft 404s."""

    NAME = "not_found_probe"

    url: str = ""
    status: int | None = None
    final_url: str | None = None
    error: str | None = None
    title: str = ""
    text: str = ""  # its visible text, at most 20,000 characters


@dataclass(frozen=True)
class NetworkHealth(Artifact):
    """How name resolution went in the crawl: external host names looked up, how many
    failed (a few ``examples``), and ``dns_unavailable`` when most of them failed, so the
    link checks call such links unverifiable, not broken (DNS down is not NXDOMAIN)."""

    NAME = "network"

    external_hosts: int = 0
    failed_hosts: int = 0
    examples: tuple[str, ...] = ()
    dns_unavailable: bool = False


@dataclass(frozen=True)
class Sitemaps(Artifact):
    """The sitemaps the crawl was seeded from: which were read, what failed, how many URLs
    they listed and how many of those were queued."""

    NAME = "sitemaps"

    sitemaps: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    urls: int = 0
    added: int = 0


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, newest first as the feed lists it; ``field`` is the element the
    date came from (``pubDate``, ``dc:date``, ``published`` …)."""

    title: str = ""
    link: str | None = None
    date: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class Feed:
    """One RSS or Atom feed the site declares; ``error`` says why it could not be read."""

    url: str
    error: str | None = None
    format: str = ""  # rss | atom
    title: str = ""
    link: str | None = None
    items: tuple[FeedItem, ...] = ()
    item_count: int = 0


@dataclass(frozen=True)
class Feeds(ListArtifact):
    """The site's feeds (stored as a JSON list of feeds)."""

    NAME = "feeds"

    items: tuple[Feed, ...] = ()


@dataclass(frozen=True)
class SitemapDate:
    """A sitemap ``<url>`` with a date: ``lastmod`` and Google News' publication date and title."""

    url: str = ""
    lastmod: str | None = None
    news_date: str | None = None
    news_title: str | None = None


@dataclass(frozen=True)
class SitemapDates(ListArtifact):
    """The dated entries of the site's sitemaps (stored as a JSON list)."""

    NAME = "sitemap_dates"

    items: tuple[SitemapDate, ...] = ()
