"""TP203 stale-event: an agenda or events page still shows past events as upcoming."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.errors import NotApplicable
from auditor.model import Finding, Location
from checks.freshness.dates import dayfirst_for, find_dates, parse_value
from checks.freshness.sections import EVENT_NAV_TEXT, EVENT_WORDS, keyword_root, nav_roots, root_of_index
from checks.freshness.text import HEADINGS, Line, class_words, element_text, lines

UPCOMING = re.compile(r"aankomend|komend|binnenkort|toekomstig|gepland|op de agenda|agenda|save the date|"
                      r"volgende|upcoming|coming|future|next|scheduled", re.I)
PAST = re.compile(r"afgelopen|eerdere|voorbij|verleden|archief|terugblik|geweest|gehouden|vorige|"
                  r"\bpast\b|previous|earlier|archive|recap|look(?:ing)? back|history|geschiedenis", re.I)
# an event marked as over or cancelled is not shown as upcoming
_OVER = re.compile(r"afgelopen|geweest|voorbij|verlopen|geannuleerd|afgelast|vervallen|\bended\b|has passed|"
                   r"cancell?ed|took place|vond plaats", re.I)
_PAGE_META = re.compile(r"gepubliceerd|geplaatst|bijgewerkt|published|posted|updated|laatst gewijzigd", re.I)
_UPCOMING_BYTES = (b"aankomend", b"komende", b"binnenkort", b"upcoming", b"coming up", b"toekomstig")
_CARD_TAGS = frozenset({"article", "li", "tr", "dd", "section"})
_CARD_WORDS = frozenset({"event", "events", "evenement", "evenementen", "agenda", "activiteit", "activity",
                         "item", "card", "webinar", "bijeenkomst"})


@dataclass(frozen=True, slots=True)
class Event:
    title: str
    date: dt.date
    end: dt.date
    found_by: str
    shown_under: str

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "date": self.date.isoformat(), "end_date": self.end.isoformat(),
                "found_by": self.found_by, "shown_under": self.shown_under}


def _card(block: etree._Element, root: etree._Element) -> etree._Element:
    el: etree._Element | None = block
    for _ in range(5):
        if el is None or el is root:
            break
        if el.tag in _CARD_TAGS or class_words(el) & _CARD_WORDS:
            return el
        el = el.getparent()
    return block


def _line_dates(line: Line, dayfirst: bool) -> list[tuple[dt.date, dt.date, str]]:
    """``(start, end, how)`` of the dates on one line."""
    out: list[tuple[dt.date, dt.date, str]] = []
    text_dates = find_dates(line.text, dayfirst=dayfirst)
    for el in line.times:
        date = parse_value(el.get("datetime") or "")
        if date is not None:
            ends = [m.last for m in text_dates if m.last >= date]
            out.append((date, max(ends, default=date), "time datetime"))
    if not out:
        out = [(m.date, m.last, "visible text") for m in text_dates]
    return out


def past_events(tree: etree._Element, *, as_of: dt.date, language: str | None, overview: bool) -> list[Event]:
    """Events shown as upcoming whose (last) day is before ``as_of``.

    An event counts as shown as upcoming when it stands under a heading such as
    'Aankomende evenementen' or 'Upcoming events', or on an agenda page outside any
    'Afgelopen'/'Past events' part (``overview``)."""
    from checks.freshness.text import content_root

    root, _h1 = content_root(tree)
    if root.tag == "article" and root.getparent() is not None:
        root = root.getparent()
    dayfirst = dayfirst_for(language or tree.get("lang"))
    context: dict[int, tuple[str, str]] = {}  # heading level -> (kind, text)
    cards: dict[int, dict[str, Any]] = {}
    for line in lines(root):
        if line.heading in HEADINGS and not line.times:
            level = int(line.heading[1])
            for deeper in [k for k in context if k >= level]:
                del context[deeper]
            kind = "past" if PAST.search(line.text) else "upcoming" if UPCOMING.search(line.text) else "neutral"
            context[level] = (kind, line.text)
            if not find_dates(line.text, dayfirst=dayfirst):
                continue
        dates = _line_dates(line, dayfirst)
        if not dates or _PAGE_META.search(line.text):
            continue
        marked = [context[k] for k in sorted(context) if context[k][0] != "neutral"]
        kind, heading = marked[-1] if marked else ("neutral", "")
        if kind == "past" or (kind == "neutral" and not overview):
            continue
        card = _card(line.block, root)
        entry = cards.setdefault(id(card), {"card": card, "dates": [], "heading": heading})
        entry["dates"].extend(dates)
    events: list[Event] = []
    for entry in cards.values():
        card = entry["card"]
        text = element_text(card)
        start = min(d[0] for d in entry["dates"])
        end = max(d[1] for d in entry["dates"])
        if end >= as_of or _OVER.search(text):
            continue
        titles = [element_text(h) for h in card.iter(*HEADINGS)]
        title = (titles[0] if titles else _without_dates(text, dayfirst))[:160]
        under = f"heading '{entry['heading']}'" if entry["heading"] else "the agenda page"
        events.append(Event(title, start, end, entry["dates"][0][2], under))
    return events


def _without_dates(text: str, dayfirst: bool) -> str:
    """An event's text with its dates taken out, as a title when it has no heading."""
    for match in reversed(find_dates(text, dayfirst=dayfirst)):
        text = text[:match.start] + text[match.stop:]
    return " ".join(text.split()).strip(" –—-|,·:") or text


class StaleEvent(SiteCheck):
    """An agenda or events page still shows events whose date has passed as upcoming.

    What it checks
    --------------
    Agenda and event pages are found by their URLs and navigation (agenda, evenementen,
    events, activiteiten, kalender …); any page with a heading such as 'Aankomende
    evenementen' or 'Upcoming events' counts too. Each event's date is read from its
    ``<time datetime>`` or visible Dutch/English date (for a range such as '13 t/m 15 april
    2027', the last day). An event fails when that day is before the audit's date and the
    event is shown as upcoming: under an 'upcoming' heading, or on the agenda page outside a
    part headed 'Afgelopen'/'Past events'. Events marked as over or cancelled are fine.

    Why it matters
    --------------
    A prospect who finds last year's open day under "upcoming events" concludes that nobody
    looks after the site, and may even turn up for an event that is long over.

    How to fix
    ----------
    Remove past events from the upcoming list, or move them to a 'past events' part; let the
    site's agenda hide events automatically once their date has passed.
    """

    code = "TP203"
    name = "stale-event"
    family = "freshness"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        overviews = self._nav_overviews(site)
        event_pages = 0
        for page in site.pages():
            if not page.is_html or page.status != 200:
                continue
            url = page.final_url or page.url
            keyword = keyword_root(url, EVENT_WORDS)
            overview = url in overviews or (keyword is not None and root_of_index(url) == keyword[0])
            low = page.body_lower if not overview else b""
            if not overview and not any(word in low for word in _UPCOMING_BYTES):
                continue
            event_pages += overview
            events = past_events(page.tree, as_of=ctx.as_of, language=page.language, overview=overview)
            if events:
                event_pages += not overview
                yield self._finding(url, events, ctx)
        if not event_pages:
            raise NotApplicable("no agenda or events page found (by URL, navigation or an 'upcoming' heading)")

    @staticmethod
    def _nav_overviews(site: SiteView) -> set[str]:
        start = site.page(site.start_url)
        if start is None or not start.is_html:
            return set()
        return set(nav_roots(start.tree, start.final_url or start.url, EVENT_NAV_TEXT))

    def _finding(self, url: str, events: list[Event], ctx: CheckContext) -> Finding:
        listed = "; ".join(f"{e.title} ({e.end.isoformat()})" for e in events[:5])
        more = f" and {len(events) - 5} more" if len(events) > 5 else ""
        return self.finding(
            url=url, key=f"events|{url}",
            message=f"{len(events)} event(s) whose date has passed are shown as upcoming: {listed}{more}.",
            evidence={"events": [e.to_dict() for e in events], "as_of": ctx.as_of.isoformat()},
            locations=[Location(url=url, text=f"{e.title} ({e.end.isoformat()})", element="event") for e in events],
        )
