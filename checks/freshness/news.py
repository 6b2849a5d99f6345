"""TP201 stale-news: the newest item of each news or blog section, and its age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from auditor.artifacts import read
from auditor.artifacts.crawl import Feeds, SitemapDates
from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.dates.page import FoundDate, date_of_page, is_article
from auditor.dates.text import dayfirst_for, parse_value
from auditor.errors import NotApplicable, Unverifiable
from auditor.html.lines import content_root, element_text
from auditor.model import Finding, Location
from auditor.page import Page
from auditor.scoring import stale_score_cap
from checks.freshness.sections import (
    NEWS_NAV_TEXT,
    NEWS_WORDS,
    is_listing_url,
    keyword_root,
    listed_items,
    nav_roots,
    root_of_index,
)


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    url: str
    found: FoundDate
    source: str  # item page, overview page, feed, sitemap

    def to_dict(self) -> dict[str, Any]:
        """Flat evidence keys (the report shows one row per key)."""
        return {"newest_title": self.title, "newest_url": self.url, "newest_date": self.found.date.isoformat(),
                "date_found_by": self.found.method, "date_read_from": self.found.raw[:120],
                "date_source": self.source}


@dataclass
class Section:
    """A news or blog section: its URL prefix, how it was recognised, its newest item."""

    root: str
    label: str
    found_by: set[str] = field(default_factory=set)
    index_url: str | None = None
    newest: Item | None = None
    dated_urls: set[str] = field(default_factory=set)
    undated: set[str] = field(default_factory=set)
    pages: int = 0

    @property
    def dated(self) -> int:
        return len(self.dated_urls)

    def offer(self, item: Item) -> None:
        """Keep the newest item; on a tie, the date its own page shows."""
        self.dated_urls.add(item.url)
        newest = self.newest
        if newest is None or item.found.date > newest.found.date or (
                item.found.date == newest.found.date and item.source == "item page" != newest.source):
            self.newest = item

    def no_date(self, url: str) -> None:
        self.undated.add(url)

    @property
    def without_date(self) -> list[str]:
        """Item pages for which no source (page, overview, feed, sitemap) gave a date."""
        return sorted(self.undated - self.dated_urls)


@dataclass
class StaleNewsOptions:
    max_age_days: int = 90

    def __post_init__(self) -> None:
        if not isinstance(self.max_age_days, int) or self.max_age_days < 1:
            raise ValueError("max_age_days must be a whole number of days, at least 1")


def _title(page: Page) -> str:
    _root, h1 = content_root(page.tree)
    text = " ".join(element_text(h1).split()) if h1 is not None else ""
    return (text or page.title or page.url)[:200]


class SectionFinder:
    """Streams the site's pages once and keeps, per news section, only its newest item."""

    def __init__(self, site: SiteView, as_of: dt.date) -> None:
        self.site = site
        self.as_of = as_of
        self.sections: dict[str, Section] = {}
        self.articles = Section("", "pages marked up as articles outside a news section",
                                {"schema.org Article/BlogPosting or og:type article"})

    def _containing(self, url: str) -> Section | None:
        matches = [s for s in self.sections.values() if url.startswith(s.root) or url == s.index_url]
        return min(matches, key=lambda s: len(s.root)) if matches else None

    def from_navigation(self) -> None:
        start = self.site.page(self.site.start_url)
        if start is None or not start.is_html:
            return
        home = root_of_index(self.site.start_url.split("?")[0])
        for url, text in nav_roots(start.tree, start.final_url or start.url, NEWS_NAV_TEXT).items():
            keyword = keyword_root(url, NEWS_WORDS)  # a menu link to /nieuws/latest.html is the /nieuws/ section
            root = keyword[0] if keyword else root_of_index(url)
            if not self.site.is_internal(url) or root == home or len(root) <= len(home):
                continue
            section = self.sections.setdefault(root, Section(root, text))
            section.found_by.add(f"navigation link '{text}'")
            section.index_url = section.index_url or url

    def add_page(self, page: Page) -> None:
        if not page.is_html or page.status != 200:
            return
        url = page.final_url or page.url
        section = self._containing(url)
        keyword = keyword_root(url, NEWS_WORDS)
        if section is None and keyword is not None:
            root, _word = keyword
            section = self.sections.setdefault(root, Section(root, urlsplit(root).path))
        if keyword is not None and section is not None and section.root == keyword[0]:
            section.found_by.add(f"URL word '{keyword[1]}'")
        if section is None:
            body = page.body
            if (b"ld+json" in body or b"og:type" in body) and is_article(page.tree):
                self._item(self.articles, page, url)
            return
        section.pages += 1
        if url in (section.root, section.index_url) or root_of_index(url) == section.root:
            section.index_url = url
            self._listing(section, page, url, "the overview page")
        elif is_listing_url(url, section.root):
            self._listing(section, page, url, "an overview page")
        else:
            self._item(section, page, url)

    def _item(self, section: Section, page: Page, url: str) -> None:
        found = date_of_page(page, self.as_of)
        if found is not None:
            section.offer(Item(_title(page), url, found, "item page"))
        elif not self._listing(section, page, url, "an overview page", at_least=2):
            section.no_date(url)

    def _listing(self, section: Section, page: Page, url: str, where: str, at_least: int = 1) -> bool:
        root, _h1 = content_root(page.tree)
        if root.tag == "article":
            root = root.getparent() if root.getparent() is not None else root
        items = listed_items(root, url, dayfirst=dayfirst_for(page.language), max_date=self.as_of,
                             where=f"{where} {url}")
        if len(items) < at_least:
            return False
        for item in items:
            section.offer(Item(item.title, item.url, item.found, "overview page"))
        return True

    def add_feeds(self, feeds: Feeds) -> None:
        for feed in feeds:
            for entry in feed.items:
                date = parse_value(entry.date or "")
                if date is None or date > self.as_of:
                    continue
                link = entry.link or ""
                section = self._containing(link) if link else None
                if section is None:
                    key = f"feed:{feed.url}"
                    section = self.sections.setdefault(key, Section(feed.link or feed.url, feed.title or feed.url))
                    section.index_url = section.index_url or feed.link
                section.found_by.add(f"feed {feed.url}")
                how = FoundDate(date, f"feed {entry.field or 'date'}", entry.date or "")
                section.offer(Item((entry.title or link)[:200], link or feed.url, how, "feed"))

    def add_sitemap_dates(self, entries: SitemapDates) -> None:
        lastmods: dict[str, tuple[dt.date, str, str]] = {}
        for entry in entries:
            url = entry.url
            section = self._containing(url)
            if section is None:
                continue
            news = parse_value(entry.news_date or "")
            if news is not None and news <= self.as_of:
                how = FoundDate(news, "sitemap news:publication_date", entry.news_date or "")
                section.offer(Item(entry.news_title or url, url, how, "sitemap"))
            lastmod = parse_value(entry.lastmod or "")
            if lastmod is not None and lastmod <= self.as_of and (
                    section.root not in lastmods or lastmod > lastmods[section.root][0]):
                lastmods[section.root] = (lastmod, url, entry.lastmod or "")
        for section in self.sections.values():  # lastmod: only where no page shows a date
            if section.newest is None and section.root in lastmods:
                date, url, raw = lastmods[section.root]
                how = FoundDate(date, "sitemap lastmod (last change of the page)", raw)
                section.offer(Item(url, url, how, "sitemap"))

    def all_sections(self) -> list[Section]:
        found = list(self.sections.values())
        if self.articles.newest is not None:
            found.append(self.articles)
        return found


class StaleNews(SiteCheck):
    """The newest item of a news or blog section is older than the threshold.

    What it checks
    --------------
    News and blog sections are found by their URLs and navigation (nieuws, actueel, blog,
    berichten, persberichten, news, updates, press …), RSS/Atom feeds linked from the site,
    sitemap news entries, and pages marked up as schema.org ``Article``/``NewsArticle``/
    ``BlogPosting``. Each item's date comes from its page (JSON-LD ``datePublished``,
    ``article:published_time``, ``<time datetime>``, or a visible Dutch or English date such as
    ``12 maart 2024``), from the overview page, the feed or the sitemap; the evidence says how.
    The section fails when its newest item is older than ``max_age_days`` (default 90) on the
    audit's date (``--as-of``); a stale section caps the freshness family's score (at most
    ``100 × max_age_days / age``, and never "good": a year after the last post the family
    must not read 94/100). A site without a news section is not applicable; a section
    whose dates cannot be read makes the check unverifiable, with the reason — never a guess.

    Why it matters
    --------------
    The date of the last news item is one of the first things a prospect sees. A news page
    whose newest item is two years old says the company has stopped caring, or has stopped.

    How to fix
    ----------
    Publish something new, or remove the news section (and its link in the menu) when it is not
    kept up; a dated section that is not maintained does more harm than none.
    """

    code = "TP201"
    name = "stale-news"
    family = "freshness"
    requires = ("pages", "feeds", "sitemap_dates")
    default_severity = "warning"
    Options = StaleNewsOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        finder = SectionFinder(site, ctx.as_of)
        finder.from_navigation()
        for page in site.pages():
            finder.add_page(page)
        finder.add_feeds(read(ctx, Feeds) or Feeds())
        finder.add_sitemap_dates(read(ctx, SitemapDates) or SitemapDates())
        sections = finder.all_sections()
        if not sections:
            raise NotApplicable("no news or blog section found (by URL, navigation, feed, sitemap or "
                                "schema.org article markup)")
        findings = [f for s in sections if (f := self._judge(s, ctx)) is not None]
        unreadable = [s for s in sections if s.newest is None]
        if findings:
            yield from findings
            return
        if unreadable:
            raise Unverifiable("; ".join(_unreadable_reason(s) for s in unreadable))

    def _judge(self, section: Section, ctx: CheckContext) -> Finding | None:
        newest = section.newest
        if newest is None:
            return None
        age = (ctx.as_of - newest.found.date).days
        limit = self.options.max_age_days
        if age <= limit:
            return None
        where = section.index_url or section.root or newest.url
        name = section.label if section.root else "articles"
        return self.finding(
            url=where,
            key=f"news-section|{section.root or 'articles'}",
            message=(f"The newest item of the news section '{name}' is dated {newest.found.date.isoformat()}, "
                     f"{age} days before {ctx.as_of.isoformat()} (limit {limit} days): “{newest.title}”."),
            evidence={
                "section": section.root or None, "section_name": section.label,
                "section_found_by": sorted(section.found_by), **newest.to_dict(),
                "age_days": age, "max_age_days": limit, "as_of": ctx.as_of.isoformat(),
                "items_with_date": section.dated, "items_without_date": len(section.without_date),
                "score_cap": stale_score_cap(age, limit),
            },
            locations=[Location(url=where, text=newest.title, element="news-section")],
        )


def _unreadable_reason(section: Section) -> str:
    name = f"'{section.label}' ({section.root})"
    if not section.pages:
        return f"news section {name} was found ({', '.join(sorted(section.found_by))}) but none of its pages " \
               "were crawled"
    shown = ", ".join(section.without_date[:3])
    return (f"no date could be read in news section {name}: {section.pages} page(s), no JSON-LD datePublished, "
            f"article:published_time, <time> or visible Dutch/English date" + (f" (e.g. {shown})" if shown else ""))
