"""Crawler traps: URL spaces without end, recognised before they eat the crawl.

A calendar that links to next month forever, a relative link that makes every page one
level deeper (``/a/a/a/…``), a session id minted for every link: each is an infinite
set of internal URLs. Without a rule the crawl fills ``max_pages`` with them (the
issue's calendar ended at 1,204 pages with no note) and misses the real site. The rules,
cheap enough for every queued URL:

* **repeating path segments**: a segment (not a number) three times in one path;
* **session ids**: a session parameter (``sid``, ``PHPSESSID``, ``jsessionid`` …) — at most
  ``SESSION_VARIANTS`` URLs of one path, whatever the id;
* **calendars**: a date-like parameter (``month``, ``year``, ``date`` …) or a path with a
  year-month in it — at most ``CALENDAR_VARIANTS`` URLs per calendar;
* **one parameter, endless values**: more than ``max_variants`` URLs that differ only in
  the value of one parameter (an ever-growing counter).

A URL caught by a rule is not queued; the run's notes say which trap, how many URLs were
left out and one example, so an auditor can tell a trap from a large site. Only queued
URLs count towards a limit, so ``--resume`` rebuilds the counts exactly by replaying the
store's queued URLs (``remember``); the notes' counts are saved with the store (``state``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

SESSION_VARIANTS = 3
CALENDAR_VARIANTS = 100
_SESSION = re.compile(r"^(sid|sessid|session|session_?id|phpsessid|jsessionid|aspsessionid\w*|cfid|cftoken|"
                      r"s_id|zenid|osCsid)$", re.I)
_CALENDAR = re.compile(r"^(month|year|date|day|week|cal|calendar|maand|jaar|datum|dag|week|ym|yearmonth|"
                       r"monat|jahr|mois|annee|tx_\w*\[(month|year|day)\])$", re.I)
_PATH_YEAR_MONTH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2])(?:[/-]|$)")
_DIGITS = re.compile(r"\d+")
_HAS_YEAR = re.compile(r"(19|20)\d\d")
_LABELS = {
    "path": "repeating path segments (each page links one level deeper)",
    "session": "session ids in URLs (the same page under ever new addresses)",
    "calendar": "a calendar (next month, next year, … without end)",
    "variants": "URLs that differ only in one parameter's value (an ever-growing counter or filter)",
}


@dataclass
class TrapDetector:
    """Decides per internal URL whether it belongs to a trap; counts what it left out."""

    max_variants: int = 1000
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    _families: Counter[tuple[str, ...]] = field(default_factory=Counter)

    def trapped(self, url: str) -> str | None:
        """The kind of trap ``url`` belongs to (and count it), or None to queue it."""
        kind, families = self._kind(url)
        if kind is not None:
            self.skipped[kind] += 1
            self.examples.setdefault(kind, url)
        else:  # only queued URLs count towards a family's limit: the store holds exactly those
            self._families.update(families)
        return kind

    def remember(self, url: str) -> None:
        """Count ``url``, queued by an earlier (killed) run of this audit, as queued again.

        On ``--resume`` every queued URL of the store is replayed in discovery order, so
        the families stand where they stood and a trap resumed many times lets no more
        URLs through than one uninterrupted crawl would."""
        self._families.update(self._kind(url)[1])

    def restore(self, skipped: dict[str, int], examples: dict[str, str]) -> None:
        """What an earlier run of this audit left out (``state``), for the notes."""
        self.skipped.update({k: int(v) for k, v in skipped.items() if k in _LABELS})
        for kind, url in examples.items():
            if kind in _LABELS:
                self.examples.setdefault(kind, str(url))

    def state(self) -> dict[str, dict]:
        """The counts the notes need, small enough to save with every store flush."""
        return {"skipped": dict(self.skipped), "examples": dict(self.examples)}

    def _kind(self, url: str) -> tuple[str | None, list[tuple[str, ...]]]:
        """``(kind, [])`` for a trapped URL, else ``(None, the families it counts in)``."""
        # Plain string work, not urlsplit: this runs for every new internal URL.
        rest = url.split("//", 1)[-1]
        slash = rest.find("/")
        path, _, query = (rest[slash:] if slash >= 0 else "/").split("#", 1)[0].partition("?")
        if path.count("/") >= 3 and _repeats(path):
            return "path", []
        families: list[tuple[str, ...]] = []
        family: tuple[str, ...]
        if ";jsessionid=" in path.lower():
            if self._full(family := ("session", path.split(";")[0]), SESSION_VARIANTS):
                return "session", []
            families.append(family)
        if _HAS_YEAR.search(path) and _PATH_YEAR_MONTH.search(path):
            if self._full(family := ("calendar", _DIGITS.sub("N", path)), CALENDAR_VARIANTS):
                return "calendar", []
            families.append(family)
        if not query:
            return None, families
        params = parse_qsl(query, keep_blank_values=True)
        names = tuple(sorted(name for name, _ in params))
        if any(_SESSION.match(name) for name in names):
            family = ("session", path)
            return ("session", []) if self._full(family, SESSION_VARIANTS) else (None, [*families, family])
        if any(_CALENDAR.match(name) for name in names):
            family = ("calendar", path, *names)
            return ("calendar", []) if self._full(family, CALENDAR_VARIANTS) else (None, [*families, family])
        if len(params) <= 8:  # one family per parameter: the URL with that parameter's value left out
            variants = [("variants", path, name, *sorted(f"{n}={v}" for j, (n, v) in enumerate(params) if j != i))
                        for i, (name, _value) in enumerate(params)]
            if any(self._full(family, self.max_variants) for family in variants):
                return "variants", []
            families += variants
        return None, families

    def _full(self, family: tuple[str, ...], limit: int) -> bool:
        """``family`` has ``limit`` queued URLs already: one more would be over."""
        return self._families[family] >= limit

    def notes(self) -> list[str]:
        """One line per trap met: what, how many URLs were left out, an example."""
        return [f"crawler trap: {_LABELS[kind]}: {count} URLs not crawled, e.g. {self.examples[kind][:200]}"
                for kind, count in self.skipped.most_common()]


def _repeats(path: str) -> bool:
    segments = [s for s in path.lower().split("/") if s and not s.isdigit()]
    if len(segments) < 3 or len(set(segments)) > len(segments) - 2:
        return False  # no segment can occur three times
    return Counter(segments).most_common(1)[0][1] >= 3
