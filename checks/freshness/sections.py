"""Where a site keeps its news, and which items an overview page lists.

A news section is a URL prefix (``/nieuws/``, ``/en/blog/``) found from the words in the
site's URLs or in its navigation (Dutch and English). Agenda and event pages are found the
same way with their own words (TP203).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from auditor.dates.page import MIN_DATE, FoundDate
from auditor.dates.text import find_dates, parse_value
from auditor.html.lines import HEADINGS, Line, element_text, lines

NEWS_WORDS = frozenset({
    "nieuws", "actueel", "actualiteit", "actualiteiten", "blog", "blogs", "weblog", "berichten",
    "nieuwsberichten", "persberichten", "pers", "persbericht", "perskamer", "nieuwsarchief", "news", "updates",
    "press", "press-releases", "pressreleases", "press-release", "newsroom", "pressroom", "insights",
    "artikelen", "articles", "stories", "verhalen", "journal", "magazine", "posts", "latest-news",
    "laatste-nieuws", "nieuws-en-blogs", "news-and-insights", "nieuws-en-events", "news-and-events",
})
NEWS_NAV_TEXT = re.compile(
    r"^(laatste\s+)?(nieuws|actueel|actualiteiten|blogs?|weblog|berichten|nieuwsberichten|persberichten|pers|"
    r"perskamer|news|latest news|updates|press|press releases|newsroom|pressroom|insights|artikelen|articles|"
    r"stories|verhalen|journal|magazine)(\s*(&|en|and)\s*(blogs?|events|evenementen|insights|media|pers))?$",
    re.I)
EVENT_WORDS = frozenset({
    "agenda", "evenementen", "evenement", "events", "event", "activiteiten", "kalender", "calendar",
    "bijeenkomsten", "webinars", "evenementenkalender", "eventkalender", "upcoming-events", "programma",
})
EVENT_NAV_TEXT = re.compile(r"^(agenda|evenementen|events|activiteiten|kalender|calendar|bijeenkomsten|"
                            r"webinars|upcoming events|komende evenementen)$", re.I)
LISTING_WORDS = frozenset({"page", "pagina", "category", "categorie", "categories", "tag", "tags", "author",
                           "auteur", "archief", "archive", "archives", "onderwerp", "thema", "topic", "feed"})


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _stem(segment: str) -> str:
    return re.sub(r"\.(html?|php|aspx?|jsp)$", "", segment.lower())


def keyword_root(url: str, words: frozenset[str]) -> tuple[str, str] | None:
    """``(root, word)``: the section prefix of ``url`` named by one of ``words`` (the outermost)."""
    parts = urlsplit(url)
    segments = _segments(url)
    for i, seg in enumerate(segments):
        stem = _stem(seg)
        if stem in words:
            prefix = "/".join([*segments[:i], stem])
            return f"{parts.scheme}://{parts.netloc}/{prefix}/", stem
    return None


def root_of_index(url: str) -> str:
    """The prefix of the pages below an overview page: ``/nieuws/`` for ``/nieuws/`` or ``/nieuws.html``."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else re.sub(r"\.(html?|php|aspx?|jsp)$", "", parts.path) + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def is_listing_url(url: str, root: str) -> bool:
    """Pagination, category, tag and archive pages of a section list items; they are none."""
    rest = url[len(root):] if url.startswith(root) else url
    parts = urlsplit(url)
    if re.search(r"(^|&)(page|pagina|p|paged|categorie|category|tag)=", parts.query):
        return True
    segments = [_stem(s) for s in rest.split("?")[0].split("/") if s]
    if any(s in LISTING_WORDS for s in segments):
        return True
    return bool(segments) and all(re.fullmatch(r"(19|20)\d{2}|\d{1,2}", s) for s in segments)


def nav_roots(tree: etree._Element, base_url: str, pattern: re.Pattern[str]) -> dict[str, str]:
    """``{url: link text}`` of navigation links whose text names a news (or event) section."""
    found: dict[str, str] = {}
    for a in tree.xpath("//nav//a[@href]|//header//a[@href]|//*[@role='navigation']//a[@href]"
                        "|//*[contains(@class,'menu') or contains(@id,'menu')]//a[@href]"):
        text = " ".join(element_text(a).split()).strip(" ›»>→")
        if not text or not pattern.match(text):
            continue
        href = urljoin(base_url, a.get("href") or "").split("#")[0]
        if href.startswith(("http://", "https://")):
            found.setdefault(href, text)
    return found


@dataclass(frozen=True, slots=True)
class ListedItem:
    """An item an overview page lists: its title, link and the date shown with it."""

    title: str
    url: str
    found: FoundDate


def _line_dates(line: Line, dayfirst: bool, max_date: dt.date) -> list[tuple[dt.date, str, str]]:
    out: list[tuple[dt.date, str, str]] = []
    for el in line.times:
        value = el.get("datetime") or ""
        date = parse_value(value) if value else None
        if date is not None:
            out.append((date, "time datetime", value))
    if not out:
        out = [(m.date, "visible text", m.text) for m in find_dates(line.text, dayfirst=dayfirst)]
    return [d for d in out if MIN_DATE <= d[0] <= max_date]


def _card_link(block: etree._Element, stop: etree._Element) -> tuple[etree._Element, etree._Element] | None:
    """The nearest ancestor of ``block`` (up to ``stop``) holding a link, and that link."""
    el: etree._Element | None = block
    for _ in range(6):
        if el is None:
            return None
        links = [a for a in el.iter("a") if a.get("href")]
        if links:
            titled = [a for a in links if any(p.tag in HEADINGS for p in a.iterancestors()) or
                      any(c.tag in HEADINGS for c in a.iter())]
            return el, (titled or sorted(links, key=lambda a: -len(element_text(a))))[0]
        if el is stop:
            return None
        el = el.getparent()
    return None


def listed_items(root: etree._Element, base_url: str, *, dayfirst: bool, max_date: dt.date,
                 where: str) -> list[ListedItem]:
    """Items of an overview page: each date shown together with a link (a card or list
    entry). A container with several dates is a list, not one item."""
    items: list[ListedItem] = []
    used: set[int] = set()
    for line in lines(root):
        dates = _line_dates(line, dayfirst, max_date)
        if not dates or line.in_h1:
            continue
        found = _card_link(line.block, root)
        if found is None:
            continue
        card, link = found
        if id(card) in used or len({d for d, _, _ in _card_dates(card, dayfirst, max_date)}) > 2:
            continue
        used.add(id(card))
        date, how, raw = dates[0]
        title = " ".join(element_text(link).split())[:200]
        url = urljoin(base_url, link.get("href") or "").split("#")[0]
        items.append(ListedItem(title, url, FoundDate(date, f"{how} on {where}", raw)))
    return items


def _card_dates(card: etree._Element, dayfirst: bool, max_date: dt.date) -> list[tuple[dt.date, str, str]]:
    out: list[tuple[dt.date, str, str]] = []
    for line in lines(card):
        out.extend(_line_dates(line, dayfirst, max_date))
    return out


__all__ = ["EVENT_WORDS", "NEWS_WORDS", "ListedItem", "keyword_root", "listed_items", "nav_roots"]
