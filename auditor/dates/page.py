"""The publication date a page shows, and how it was found.

Sources, most reliable first: schema.org JSON-LD (``datePublished`` of an Article,
NewsArticle, BlogPosting …), meta tags (``article:published_time`` and kin),
``itemprop="datePublished"``, a ``<time>`` element in the article, then the visible text
(a date element near the title, "Gepubliceerd op …", a press-release dateline) read with
our Dutch/English patterns and, for short date strings, dateparser. htmldate comes last:
it knows many more markup conventions, but it turns a year it cannot complete (``© 2021``,
``3 augustus 2023`` whose month it misses) into 1 January, so its answer is taken only when
the page shows that very day. Dates after ``max_date`` (the audit's today) are never a
publication date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

from lxml import etree

from auditor.dates.text import DateMatch, dayfirst_for, find_dates, parse_loose, parse_value
from auditor.html.lines import Line, content_root, element_text, lines

MIN_DATE = dt.date(1995, 1, 1)
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "report", "scholarlyarticle", "techarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reportagenewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
    "socialmediaposting", "liveblogposting", "pressrelease", "posting",
})
PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "aboutpage", "faqpage"})
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "published_time", "published",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created",
    "date", "sailthru.date", "parsely-pub-date", "article.published", "citation_publication_date",
    "original-publish-date", "og:pubdate", "created",
)
_META_RANK = {name: i for i, name in enumerate(PUBLISHED_META)}
_MODIFIED = re.compile(r"bijgewerkt|gewijzigd|aangepast|update|modif|herzien|revised|edited|aktualisiert|"
                       r"geändert|mis à jour|mise à jour", re.I)
_WEEKDAY = (r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo|monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|montag|dienstag|"
            r"mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s*")
_PUBLISHED_WORD = re.compile(
    r"(gepubliceerd|geplaatst|publicatiedatum|datum|published|posted|date|verschenen|persbericht|veröffentlicht|"
    r"erschienen|publié|publie|mis en ligne)\s*"
    rf"(?:op|on|am|le|:)?\s*(?:the\s+)?(?:{_WEEKDAY})?$", re.I)
# a date that says when something is available, valid or due is no publication date
_NOT_PUBLISHED = re.compile(
    r"beschikbaar|verkrijgbaar|geldig|vanaf|tot en met|t/m|\btot\b|vóór|voor\s*$|uiterlijk|deadline|reageer|"
    r"aanmelden|inschrijven|sluit|available|valid|from|until|till|before|by\s*$|closes|deadline|apply|expires|"
    r"best[- ]by|starts?|begint|opens?\b|wanneer|\bwhen\b|\bwann\b|quand|aanvang|datum\s+en\s+tijd", re.I)
# an event's own date ("Wanneer: zaterdag 6 juni 2026", "datum: … start: 9.00 uur, Marktplein") is no
# publication date: its block names a place or a start as well
EVENT_CONTEXT = re.compile(
    r"\b(?:wanneer|waar|locatie|plaats|aanvang|start|when|where|venue|location|wann|\bwo\b|ort|veranstaltungsort|"
    r"quand|où|lieu)\s*:", re.I)
_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þa-zà-ÿ .'/()-]{0,40}?[,(–-]\s*$")
SHORT_LINE = 120
_ZONED = re.compile(r"\d[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$", re.I)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date and how it was found (``method``), with the text or value it was read from."""

    date: dt.date
    method: str
    raw: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "found_by": self.method, "raw": self.raw[:120]}


# -- structured sources ------------------------------------------------------------
def jsonld_nodes(tree: etree._Element) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks (``@graph`` and lists unrolled)."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
            elif isinstance(item, dict):
                yield item
                for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement", "item"):
                    if isinstance(item.get(key), list | dict):
                        stack.append(item[key])


def node_types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def jsonld_date(tree: etree._Element, max_date: dt.date) -> FoundDate | None:
    best: tuple[int, FoundDate] | None = None
    for node in jsonld_nodes(tree):
        types = node_types(node)
        rank = 0 if types & ARTICLE_TYPES else 1 if types & PAGE_TYPES else None
        if rank is None:
            continue
        for key in ("datePublished", "dateCreated"):
            value = node.get(key)
            if isinstance(value, str):
                date = parse_value(value)
                if _plausible(date, max_date) and (best is None or rank < best[0]):
                    kind = sorted(types & (ARTICLE_TYPES | PAGE_TYPES))[0]
                    best = (rank, FoundDate(date, f"json-ld {kind} {key}", value))
                break
    return best[1] if best else None


def meta_date(tree: etree._Element, max_date: dt.date) -> FoundDate | None:
    best: tuple[int, FoundDate] | None = None
    for meta in tree.iterfind(".//meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if name not in _META_RANK:
            continue
        value = meta.get("content") or ""
        date = parse_value(value)
        if _plausible(date, max_date) and (best is None or _META_RANK[name] < best[0]):
            best = (_META_RANK[name], FoundDate(date, f"meta {name}", value))
    return best[1] if best else None


def itemprop_date(tree: etree._Element, max_date: dt.date) -> FoundDate | None:
    for el in tree.xpath("//*[@itemprop='datePublished' or contains(concat(' ', normalize-space(@class), ' '),"
                         " ' dt-published ')][not(self::meta)]"):
        value = el.get("datetime") or el.get("content") or el.get("title") or element_text(el)
        date = parse_value(value)
        if _plausible(date, max_date):
            return FoundDate(date, "itemprop datePublished", value)
    return None


def time_date(page_lines: list[Line], max_date: dt.date, dayfirst: bool) -> FoundDate | None:
    """The first ``<time>`` of the article that is not an 'updated' time; a
    ``pubdate``/published one first."""
    candidates = [t for line in page_lines for t in line.times]
    ordered = sorted(candidates, key=lambda t: 0 if re.search(
        r"publi|pubdate|entry-date|posted", f"{t.get('class')} {t.get('itemprop')} {t.get('pubdate')}", re.I
    ) or t.get("pubdate") is not None else 1)
    for el in ordered:
        context = f"{el.get('class') or ''} {el.get('itemprop') or ''} {_before(el)}"
        if _MODIFIED.search(context):
            continue
        value = el.get("datetime") or ""
        date = parse_value(value) if value else None
        shown = find_dates(element_text(el), dayfirst=dayfirst)
        if date is None:
            date = shown[0].date if shown else None
        elif _ZONED.search(value) and shown and abs((shown[0].date - date).days) == 1:
            # a timestamp in UTC (or another zone) can fall on the day before or after the one
            # the page shows: the page's local date is the one its visitors read
            return FoundDate(shown[0].date, "time element text (local date of the zoned datetime)",
                             f"{value} / {element_text(el)}")
        if _plausible(date, max_date):
            return FoundDate(date, "time datetime" if value else "time element text", value or element_text(el))
    return None


def _before(el: etree._Element) -> str:
    """The text just before an element in its parent (``Bijgewerkt: <time>``)."""
    parent = el.getparent()
    if parent is None:
        return ""
    prev = el.getprevious()
    text = (prev.tail if prev is not None else parent.text) or ""
    return text[-40:]


def _plausible(date: dt.date | None, max_date: dt.date) -> TypeGuard[dt.date]:
    return date is not None and MIN_DATE <= date <= max_date


# -- visible text ----------------------------------------------------------------------
def _usable(line: str, match: DateMatch, max_date: dt.date, prev_stop: int = 0) -> bool:
    """Plausible, and not labelled as an update ("Bijgewerkt: …") or as a validity or
    deadline ("Beschikbaar vanaf …", "Reageer vóór …") since the previous date."""
    before = line[max(prev_stop, match.start - 40):match.start]
    return _plausible(match.date, max_date) and not _MODIFIED.search(before) and not _NOT_PUBLISHED.search(before)


def _event_block(line: Line) -> bool:
    """The line sits in an event's details (a date with a place or a start): not a publication date."""
    return bool(EVENT_CONTEXT.search(element_text(line.block)[:300])) if not line.in_h1 else False


def _dates_in(text: str, dayfirst: bool) -> Iterator[tuple[DateMatch, int]]:
    """Each date of ``text`` with where the previous one stopped."""
    prev = 0
    for match in find_dates(text, dayfirst=dayfirst):
        yield match, prev
        prev = match.stop


def visible_date(page_lines: list[Line], max_date: dt.date, dayfirst: bool,  # noqa: C901  ordered guards, one place
                 relative_base: dt.datetime | None) -> FoundDate | None:
    """A date the visitor reads next to the title: in a date element, after
    'gepubliceerd op', on a short line by the title, or as a press-release dateline."""
    page_lines = [ln for ln in page_lines if not _event_block(ln)]
    h1_at = next((i for i, ln in enumerate(page_lines) if ln.in_h1), None)
    scans: list[tuple[str, list[tuple[int, Line]]]] = []
    indexed = list(enumerate(page_lines))
    scans.append(("visible date element", [(i, ln) for i, ln in indexed if ln.dateish]))
    if h1_at is not None:
        after: list[tuple[int, Line]] = []
        for i, ln in indexed[h1_at + 1:]:
            after.append((i, ln))
            if len(ln.text) > SHORT_LINE:
                break
        before = [(i, ln) for i, ln in reversed(indexed[max(0, h1_at - 3):h1_at])]
        scans.append(("visible text by the title", [x for x in after + before if len(x[1].text) <= SHORT_LINE]))
    for label, group in scans:
        for _i, ln in group:
            for match, prev in _dates_in(ln.text, dayfirst):
                if _usable(ln.text, match, max_date, prev):
                    return FoundDate(match.date, label, ln.text)
    for ln in page_lines:  # "Gepubliceerd op 12 maart 2024" anywhere in the article
        for match, prev in _dates_in(ln.text, dayfirst):
            window = max(prev, match.start - 50)
            word = _PUBLISHED_WORD.search(ln.text[window:match.start])
            if word and _usable(ln.text, match, max_date, prev):
                return FoundDate(match.date, f"visible text after '{word.group(1).lower()}'", ln.text)
    if h1_at is not None:  # dateline: "UTRECHT, 12 maart 2024 – …"
        for ln in page_lines[h1_at + 1:h1_at + 4]:
            found = find_dates(ln.text[:60], dayfirst=dayfirst)
            if found and found[0].start < 45 and (found[0].start == 0 or _DATELINE.match(ln.text[:found[0].start])) \
                    and _usable(ln.text, found[0], max_date):
                return FoundDate(found[0].date, "press-release dateline", ln.text[:80])
    for ln in page_lines:  # what the patterns missed in date elements: dateparser
        if ln.dateish and len(ln.text) <= 60 and not _MODIFIED.search(ln.text):
            date = parse_loose(ln.text, relative_base=relative_base, dayfirst=dayfirst)
            if _plausible(date, max_date):
                return FoundDate(date, "visible date element (dateparser)", ln.text)
    for ln in page_lines:  # an 'updated' date is still the date the page shows
        for match, prev in _dates_in(ln.text, dayfirst):
            label = ln.text[max(prev, match.start - 40):match.start]
            if _plausible(match.date, max_date) and (ln.dateish or _MODIFIED.search(label)):
                return FoundDate(match.date, "visible text (last updated)", ln.text)
    return None


# -- htmldate, guarded --------------------------------------------------------------------
def htmldate_date(tree: etree._Element, url: str, max_date: dt.date, dayfirst: bool = True) -> FoundDate | None:
    """htmldate's answer when the URL or the markup holds that very day; otherwise it may
    be a year padded to 1 January, or a date from a sentence of the article."""
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - a dependency, but never let it stop a check
        return None
    try:
        value = find_date(tree, extensive_search=True, original_date=True, url=url or None,
                          min_date=MIN_DATE.isoformat(), max_date=max_date.isoformat())
    except Exception:  # htmldate on odd markup: no date rather than no check
        return None
    date = parse_value(value or "")
    if not _plausible(date, max_date):
        return None
    assert date is not None
    if _shown(date, tree, url):
        return FoundDate(date, "htmldate (date in the URL or markup)", value or "")
    shown = _shown_in_text(date, tree, dayfirst)
    if shown is not None:
        return FoundDate(date, "htmldate (extensive search; the page shows that day)", shown)
    return None


def _shown_in_text(date: dt.date, tree: etree._Element, dayfirst: bool) -> str | None:
    """The short line of the page's own text that shows ``date`` as written out, if any.

    htmldate's extensive search finds dates our title-bound scan misses (a post header
    outside ``<main>``, a date below a long lede); its answer is kept only when the visitor
    reads that very day on a short line of the page itself: not in navigation, footers,
    sidebars or comments (``lines`` leaves them out), not an event's date, not labelled as
    an update or a deadline, not a sentence of the article. So a lone year never becomes
    1 January, and a sidebar's date never becomes the page's."""
    body = tree.find(".//body")
    for ln in lines(body if body is not None else tree, keep_header=False):
        if (len(ln.text) > SHORT_LINE and not ln.dateish) or _event_block(ln):
            continue
        for match, prev in _dates_in(ln.text, dayfirst):
            if match.date == date and not _MODIFIED.search(ln.text[max(prev, match.start - 40):match.start]) \
                    and not _NOT_PUBLISHED.search(ln.text[max(prev, match.start - 40):match.start]):
                return ln.text
    return None


def _shown(date: dt.date, tree: etree._Element, url: str) -> bool:
    """The day is in the URL or, machine-readable, in the markup. A date htmldate took from
    running text was already weighed (and refused) by ``visible_date``."""
    compact = date.strftime("%Y%m%d")
    forms = {date.isoformat(), date.strftime("%Y/%m/%d"), compact, date.strftime("/%Y/%m/%d/")}
    if any(f in url for f in forms):
        return True
    raw = etree.tostring(tree, encoding="unicode")
    return date.isoformat() in raw or f'"{compact}' in raw


# -- the page's date ----------------------------------------------------------------------
def page_date(tree: etree._Element, *, url: str = "", language: str | None = None,
              max_date: dt.date | None = None, fetched: dt.datetime | None = None) -> FoundDate | None:
    """The publication date ``tree`` shows, or None when it shows none we can read."""
    max_date = max_date or dt.date.today()
    dayfirst = dayfirst_for(language or tree.get("lang"))
    page_lines = lines(content_root(tree)[0])
    structured = jsonld_date(tree, max_date) or meta_date(tree, max_date) or itemprop_date(tree, max_date)
    visible = visible_date(page_lines, max_date, dayfirst, fetched)
    if structured is not None:
        # A timestamp converted to UTC can fall on the day before the one the page shows.
        timestamp = re.search(r"\d[T ]\d{1,2}:\d{2}", structured.raw)
        if timestamp and visible is not None and abs((visible.date - structured.date).days) == 1:
            return FoundDate(visible.date, f"{visible.method} (agrees with {structured.method} within a day)",
                             visible.raw)
        return structured
    timed = time_date(page_lines, max_date, dayfirst)
    if timed is not None:
        return timed
    if visible is not None:
        return visible
    return htmldate_date(tree, url, max_date, dayfirst)


def fetch_time(fetched_at: str | None) -> dt.datetime | None:
    """When the page was fetched (naive), the base of relative dates ("3 dagen geleden")."""
    try:
        return dt.datetime.fromisoformat(fetched_at).replace(tzinfo=None) if fetched_at else None
    except ValueError:
        return None


def date_of_page(page: Any, max_date: dt.date | None = None) -> FoundDate | None:
    """``page_date`` of a crawled ``Page``: the one reader of a page's publication date, for
    TP201 and for the touchpoint inventory's news items alike. ``max_date`` defaults to the
    day the page was fetched."""
    fetched = fetch_time(page.fetched_at)
    return page_date(page.tree, url=page.final_url or page.url, language=page.language,
                     max_date=max_date or (fetched.date() if fetched else None), fetched=fetched)


def is_article(tree: etree._Element) -> bool:
    """Marked up as an article: schema.org Article/NewsArticle/BlogPosting or og:type article."""
    for meta in tree.iterfind(".//meta"):
        if (meta.get("property") or "").lower() == "og:type" and (meta.get("content") or "").lower() == "article":
            return True
    return any(node_types(n) & ARTICLE_TYPES for n in jsonld_nodes(tree))


__all__ = ["FoundDate", "date_of_page", "fetch_time", "is_article", "jsonld_nodes", "page_date"]
