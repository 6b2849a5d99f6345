"""Freshness checks (TP201–TP203): stale news, an old copyright year, past events shown as upcoming.

A prospect reads a site's age from its dates: the newest news item, the year in the
footer, the events it calls upcoming. Dates are read from markup first (JSON-LD, meta tags,
``<time>``), then from the visible Dutch or English text; how each date was found is part
of the evidence. A date that cannot be read is reported as such, never guessed.
"""

from checks.freshness.copyright import StaleCopyrightYear
from checks.freshness.events import StaleEvent
from checks.freshness.news import StaleNews

__all__ = ["StaleCopyrightYear", "StaleEvent", "StaleNews"]
