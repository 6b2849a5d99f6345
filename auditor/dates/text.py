"""Dates as Dutch, English, German and French web pages write them, read from text.

``find_dates`` scans text for full dates (day, month and year) with regular expressions:
``12 maart 2024``, ``12 mrt. '24``, ``dinsdag 12-3-2024``, ``March 12th, 2024``,
``2024-03-12``, and ranges such as ``13 t/m 15 april 2027`` (the end is kept for events).
``parse_loose`` hands a short string the patterns missed to dateparser (``3 dagen
geleden``, ``gisteren``) with every part of the date required. Neither ever completes a
missing day or month: a bare ``2024`` or ``maart 2024`` is no date, so nothing becomes a
made-up 1 January.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from auditor.months import MONTHS  # the one month table; events.py reads it from here too

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
_YEAR_OR_SHORT = rf"(?:{_YEAR}|['’]\d{{2}})"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th|e|ste|de|er)?"
_RANGE_SEP = r"(?:-|–|—|t/m|tot\s+en\s+met|tot|to|until|till|through|en|and|&)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 13 t/m 15 april 2027, 13-15 april 2027
    ("range_dmy", re.compile(
        rf"(?<![\w.])(?P<d1>{_DAY}){_ORD}\s*{_RANGE_SEP}\s*(?P<d>{_DAY}){_ORD}[\s.]+(?P<m>{_MONTH})\.?"
        rf"[\s,.]+(?P<y>{_YEAR_OR_SHORT})(?!\d)", re.I)),
    # April 13-15, 2027
    ("range_mdy", re.compile(
        rf"(?<![\w])(?P<m>{_MONTH})\.?\s+(?P<d1>{_DAY}){_ORD}\s*{_RANGE_SEP}\s*(?P<d>{_DAY}){_ORD},?\s+"
        rf"(?P<y>{_YEAR})(?!\d)", re.I)),
    # 12 maart 2024, 12 mrt. '24, 12th of March 2024, 12-mrt-2024
    ("dmy_name", re.compile(
        rf"(?<![\w.])(?P<d>{_DAY}){_ORD}\.?(?:\s+of)?[\s\-./]*(?P<m>{_MONTH})\.?[\s,\-./]+"
        rf"(?P<y>{_YEAR_OR_SHORT})(?!\d)", re.I)),
    # March 12, 2024; Mar. 12th 2024
    ("mdy_name", re.compile(
        rf"(?<![\w])(?P<m>{_MONTH})\.?\s+(?P<d>{_DAY}){_ORD},?\s+(?P<y>{_YEAR})(?!\d)", re.I)),
    # 2024-03-12, 2024/03/12, 2024.03.12 (also inside 2024-03-12T09:00)
    ("iso", re.compile(rf"(?<![\d.\-/])(?P<y>{_YEAR})(?P<s>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=s)(?P<d>{_DAY})(?![\d])")),
    # 12-03-2024, 12/03/2024, 12.03.2024, 12-3-'24, 12-03-24
    ("numeric", re.compile(
        rf"(?<![\d.\-/])(?P<a>\d{{1,2}})(?P<s>[-/.])(?P<b>\d{{1,2}})(?P=s)(?P<y>{_YEAR}|['’]?\d{{2}})(?![\d]|[.\-/]\d)")),
]


SHORT_TEXT = 40  # a date element, a byline, "Geplaatst: 3.12.13": where 8.5.12 and 05 Mar 24 are dates
_VERSION = re.compile(r"(?:\bv|versie|version|release|update|build|nr\.?|no\.?)\s*$", re.I)
_SHORT_NAMED = re.compile(  # the year ends the text or a part of it ("05 Mar 24 | Jane"), never "12 mei 20 graden"
    rf"(?<![\w.])(?P<d>{_DAY}){_ORD}\.?[\s\-./]*(?P<m>{_MONTH})\.?[\s,\-./]+(?P<y>\d{{2}})"
    r"(?=\s*(?:$|[|·•;)\]–—]))", re.I)


def _short_date_text(text: str, start: int) -> bool:
    """Short text (a date element, a byline) where a two-digit year is a date, not a version number."""
    return len(text.strip()) <= SHORT_TEXT and not _VERSION.search(text[:start])


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A full date found in text; ``end`` differs from ``date`` for a range."""

    date: dt.date
    start: int
    stop: int
    text: str
    kind: str
    end: dt.date | None = None

    @property
    def last(self) -> dt.date:
        return self.end or self.date


def _year(text: str) -> int:
    digits = text.strip("'’")
    value = int(digits)
    if len(digits) == 2:
        value += 2000 if value < 70 else 1900
    return value


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, *, dayfirst: bool = True) -> list[DateMatch]:  # noqa: C901  one scan, a branch per format
    """Every full date in ``text``, in order of position, without overlaps.

    ``dayfirst`` decides an ambiguous numeric date such as ``03/04/2024`` (Dutch and
    British pages: 3 April; pass False for American English pages with slashes)."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < stop and start < m.end() for start, stop in taken):
                continue
            g = m.groupdict()
            year = _year(g["y"])
            end = None
            if kind in ("range_dmy", "range_mdy"):
                month = MONTHS[g["m"].lower()]
                first, last = int(g["d1"]), int(g["d"])
                if last < first:
                    continue
                date, end = _make(year, month, first), _make(year, month, last)
                if end is None:
                    continue
            elif kind in ("dmy_name", "mdy_name"):
                date = _make(year, MONTHS[g["m"].lower()], int(g["d"]))
            elif kind == "iso":
                date = _make(year, int(g["m"]), int(g["d"]))
            else:
                a, b = int(g["a"]), int(g["b"])
                if g["s"] == "." and len(g["y"].strip("'’")) == 2 and not g["y"].startswith(("'", "’")) \
                        and not _short_date_text(text, m.start()):
                    continue  # in running text 1.2.24 is more often a version number than a date
                if a > 12:
                    day, month = a, b
                elif b > 12:
                    day, month = b, a
                else:
                    day, month = (a, b) if dayfirst else (b, a)
                date = _make(year, month, day)
            if date is None:
                continue
            found.append(DateMatch(date, m.start(), m.end(), m.group(0), kind, end))
            taken.append((m.start(), m.end()))
    if len(text.strip()) <= SHORT_TEXT:  # "05 Mar 24" in a byline: a two-digit year after a month name
        for m in _SHORT_NAMED.finditer(text):
            if any(m.start() < stop and start < m.end() for start, stop in taken) or _VERSION.search(text[:m.start()]):
                continue
            date = _make(_year(m.group("y")), MONTHS[m.group("m").lower()], int(m.group("d")))
            if date is not None:
                found.append(DateMatch(date, m.start(), m.end(), m.group(0), "dmy_name"))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["relative-time", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_NOISE = re.compile(
    r"^\s*(?:(?:gepubliceerd|geplaatst|publicatiedatum|datum|bijgewerkt|laatst\s+bijgewerkt|published|posted|"
    r"updated|last\s+updated|date|on|op)\b[\s:]*)+", re.I)


def parse_loose(text: str, *, relative_base: dt.datetime | None = None, dayfirst: bool = True,
                languages: tuple[str, ...] = ("nl", "en")) -> dt.date | None:
    """A short date string the patterns missed, read by dateparser (day, month and year
    all required; relative dates count from ``relative_base``). Long text gives None:
    dateparser guesses too freely in sentences."""
    text = _NOISE.sub("", " ".join(text.split()))
    if not text or len(text) > 60 or (not re.search(r"\d", text) and not re.search(
            r"gisteren|vandaag|eergisteren|yesterday|today|geleden|ago", text, re.I)):
        return None
    import dateparser

    settings = dict(_DATEPARSER_SETTINGS, DATE_ORDER="DMY" if dayfirst else "MDY")
    if relative_base is not None:
        settings["RELATIVE_BASE"] = relative_base
    try:
        value = dateparser.parse(text, languages=list(languages), settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    return value.date() if value is not None else None


_ISO_PREFIX = re.compile(rf"^\s*({_YEAR})-(1[0-2]|0[1-9])-(3[01]|[12]\d|0[1-9])")


def parse_value(value: str, *, dayfirst: bool = True) -> dt.date | None:
    """A date from a machine-readable value (``datetime``, ``content``, JSON-LD): the
    calendar date as written (``2024-03-12T23:30-05:00`` is 12 March, not converted), or
    a written-out date."""
    if not value:
        return None
    m = _ISO_PREFIX.match(value)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    compact = re.fullmatch(rf"\s*({_YEAR})(1[0-2]|0[1-9])(3[01]|[12]\d|0[1-9])(?:T.*)?\s*", value)
    if compact:
        return _make(int(compact.group(1)), int(compact.group(2)), int(compact.group(3)))
    found = find_dates(value, dayfirst=dayfirst)
    if found:
        return found[0].date
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError):
        return None


def dayfirst_for(language: str | None) -> bool:
    """Numeric dates are day-first except on American English pages (``en-US``)."""
    return (language or "").lower().replace("_", "-") != "en-us"
