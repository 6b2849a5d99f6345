"""TP203 stale-event: an agenda or events page still shows past events as upcoming."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.dates.text import MONTHS, dayfirst_for, find_dates, parse_value
from auditor.errors import NotApplicable
from auditor.html.lines import HEADINGS, Line, class_words, element_text, lines
from auditor.model import Finding, Location
from auditor.scoring import stale_score_cap
from checks.freshness.sections import EVENT_NAV_TEXT, EVENT_WORDS, keyword_root, nav_roots, root_of_index

UPCOMING = re.compile(r"aankomend|komend|binnenkort|toekomstig|gepland|op de agenda|agenda|save the date|"
                      r"volgende|upcoming|coming|future|next|scheduled", re.I)
PAST = re.compile(r"afgelopen|eerdere|voorbij|verleden|archief|terugblik|geweest|gehouden|vorige|"
                  r"\bpast\b|previous|earlier|archive|recap|look(?:ing)? back|history|geschiedenis", re.I)
# an event marked as over or cancelled is not shown as upcoming
_OVER = re.compile(r"afgelopen|geweest|voorbij|verlopen|geannuleerd|afgelast|vervallen|\bended\b|has passed|"
                   r"cancell?ed|took place|vond plaats", re.I)
_PAGE_META = re.compile(r"gepubliceerd|geplaatst|bijgewerkt|published|posted|updated|laatst gewijzigd", re.I)
_UPCOMING_BYTES = (b"aankomend", b"komende", b"binnenkort", b"upcoming", b"coming up", b"toekomstig")
# a heading that names events: under it a dated item is an event; under "Binnenkort" or a news
# headline with "aankomende" an item must show an event's shape itself
EVENT_HEADING = re.compile(r"evenement|activiteit|agenda|bijeenkomst|workshop|cursus|webinar|voorstelling|concert|"
                           r"lezing|open dag|beurs|event|activit|meeting|veranstaltung|termine|événement|kalender|"
                           r"calendar|programma|program", re.I)
# an event's shape on the item itself: a clock time, a place or start, schema.org Event
_EVENT_SHAPE = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:uur|u\b|h\b|am\b|pm\b)|\b\d{1,2}[:.]\d{2}\s*[-–]\s*\d{1,2}[:.]\d{2}|\b\d{1,2}:\d{2}\b|"
    r"\b(?:wanneer|waar|locatie|plaats|aanvang|start|when|where|venue|location|wann|ort|lieu|où)\s*:|"
    r"\b(?:aanmelden|inschrijven|tickets?|register|sign up|rsvp)\b", re.I)
_WEEKDAYS = re.compile(r"\b(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday|sunday|ma|di|wo|do|vr|za|zo|mon|tue|wed|thu|fri|sat|sun)\b\.?", re.I)
_SEASON = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/–]\s*((?:19|20)?\d{2})(?!\d)")
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
    from auditor.html.lines import content_root

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
            if kind == "upcoming" and not EVENT_HEADING.search(line.text):
                kind = "upcoming-word"  # "Binnenkort", "Aankomende verbouwing …": items need an event's shape
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
        entry = cards.setdefault(id(card), {"card": card, "dates": [], "heading": heading, "kind": kind})
        entry["dates"].extend(dates)
    events: list[Event] = []
    named: set[tuple[str, dt.date]] = set()
    for entry in cards.values():
        card = entry["card"]
        text = element_text(card)
        start = min(d[0] for d in entry["dates"])
        end = max(d[1] for d in entry["dates"])
        if end >= as_of or _OVER.search(text):
            continue
        if entry["kind"] == "upcoming-word" and not _event_shaped(card, text):
            continue  # a news item under "Binnenkort …": a word in a headline is no event
        title = _title(card, text, dayfirst)
        if (title.lower(), end) in named:  # the same event listed twice (a card and its detail line)
            continue
        named.add((title.lower(), end))
        under = f"heading '{entry['heading']}'" if entry["heading"] else "the agenda page"
        events.append(Event(title, start, end, entry["dates"][0][2], under))
    return events


def _event_shaped(card: etree._Element, text: str) -> bool:
    """The item itself looks like an event: a clock time, a place or start, a ticket or sign-up
    link, or schema.org Event markup."""
    if _EVENT_SHAPE.search(text):
        return True
    for el in card.iter():
        if "event" in (el.get("itemtype") or "").lower() or any(
                t.get("datetime", "").find("T") > 0 for t in [el] if el.tag == "time"):
            return True
    return False


def _title(card: etree._Element, text: str, dayfirst: bool) -> str:
    """The event's name: its first heading (or bold text) that is more than a date or a weekday
    ("Zaterdag" as a heading names no event), else its text without dates."""
    for el in card.iter(*HEADINGS, "strong", "b", "a"):
        candidate = " ".join(element_text(el).split())
        if candidate and not _only_a_date(candidate, dayfirst):
            return candidate[:160]
    return _without_dates(text, dayfirst)[:160]


def _only_a_date(text: str, dayfirst: bool) -> bool:
    rest = _WEEKDAYS.sub("", _without_dates(text, dayfirst) if find_dates(text, dayfirst=dayfirst) else text)
    rest = re.sub(r"\b\d{1,2}\b|\b(?:" + "|".join(MONTHS) + r")\b\.?", "", rest, flags=re.I)
    return len(re.sub(r"[\W_]+", "", rest)) < 3


def stale_agenda(tree: etree._Element, *, as_of: dt.date, language: str | None) -> tuple[dt.date, str] | None:
    """The newest date or season an agenda page shows outside its 'past events' part, when
    nothing on it is today or later: ``(day, what)``. A season "2023-2024" ends on 31 July
    of its second year. None when the page shows no full date and no season (nothing to
    judge) or shows a current one."""
    from auditor.html.lines import content_root

    root, _h1 = content_root(tree)
    dayfirst = dayfirst_for(language or tree.get("lang"))
    newest: tuple[dt.date, str] | None = None
    past_from: int | None = None  # level of the 'Afgelopen'/'Past events' heading we are under
    for line in lines(root):
        if line.heading in HEADINGS:
            level = int(line.heading[1])
            if past_from is not None and level <= past_from:
                past_from = None
            if PAST.search(line.text):
                past_from = level
        if past_from is not None:  # what the page itself files as past is not its agenda
            continue
        for match in find_dates(line.text, dayfirst=dayfirst):
            if newest is None or match.last > newest[0]:
                newest = (match.last, match.text)
        for m in _SEASON.finditer(line.text):
            first, second = int(m.group(1)), int(m.group(2))
            second += (first // 100) * 100 if second < 100 else 0
            if second == first + 1:
                end = dt.date(second, 7, 31)
                if newest is None or end > newest[0]:
                    newest = (end, f"season {m.group(0)}")
    if newest is None or newest[0] >= as_of:
        return None
    return newest


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
    A heading only makes its items events when it names events ('Aankomende evenementen',
    'Agenda', 'Upcoming events'); under 'Binnenkort' or a news headline with 'aankomende'
    an item counts only with an event's shape of its own (a clock time, a place or start,
    a sign-up or ticket link, schema.org ``Event``). Each event is named once, by its first
    heading that is more than a date or a weekday. An agenda page whose newest date or
    season ('2023-2024' ends on 31 July 2024) is more than ``max_agenda_age_days`` (default
    90) before the audit's date is reported too: it shows only what is over, and like stale
    news it caps the freshness score (see docs/report.md).

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

    @dataclass
    class Options:
        max_agenda_age_days: int = 90

        def __post_init__(self) -> None:
            if not isinstance(self.max_agenda_age_days, int) or self.max_agenda_age_days < 1:
                raise ValueError("max_agenda_age_days must be a whole number of days, at least 1")

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
            elif overview:
                stale = stale_agenda(page.tree, as_of=ctx.as_of, language=page.language)
                if stale is not None and (ctx.as_of - stale[0]).days > self.options.max_agenda_age_days:
                    yield self._agenda_finding(url, stale, ctx)
        if not event_pages:
            raise NotApplicable("no agenda or events page found (by URL, navigation or an 'upcoming' heading)")

    @staticmethod
    def _nav_overviews(site: SiteView) -> set[str]:
        start = site.page(site.start_url)
        if start is None or not start.is_html:
            return set()
        return set(nav_roots(start.tree, start.final_url or start.url, EVENT_NAV_TEXT))

    def _agenda_finding(self, url: str, stale: tuple[dt.date, str], ctx: CheckContext) -> Finding:
        day, shown = stale
        age = (ctx.as_of - day).days
        limit = self.options.max_agenda_age_days
        return self.finding(
            url=url, key=f"agenda|{url}",
            message=(f"The agenda shows nothing after {day.isoformat()} ({shown}), {age} days before "
                     f"{ctx.as_of.isoformat()}: visitors see only past events."),
            evidence={"newest_shown": shown, "newest_date": day.isoformat(), "age_days": age,
                      "max_agenda_age_days": limit, "as_of": ctx.as_of.isoformat(),
                      "score_cap": stale_score_cap(age, limit)},
            locations=[Location(url=url, text=shown, element="agenda")],
        )

    def _finding(self, url: str, events: list[Event], ctx: CheckContext) -> Finding:
        listed = "; ".join(f"{e.title} ({e.end.isoformat()})" for e in events[:5])
        more = f" and {len(events) - 5} more" if len(events) > 5 else ""
        return self.finding(
            url=url, key=f"events|{url}",
            message=f"{len(events)} event(s) whose date has passed are shown as upcoming: {listed}{more}.",
            evidence={"events": [e.to_dict() for e in events], "as_of": ctx.as_of.isoformat()},
            locations=[Location(url=url, text=f"{e.title} ({e.end.isoformat()})", element="event") for e in events],
        )
