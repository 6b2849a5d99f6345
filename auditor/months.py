"""Month names, declared once: the freshness date reader (TP201–TP203) and the ad offer
reader (TP504) both turn "31 mei" or "Oct 3" into a month with this table.

Dutch and English are the audited sites' languages; German and French are read too by the
freshness checks, because Dutch sites publish news from partners in those languages. The
ad checks compare a Dutch or English ad with its landing page and use ``DUTCH_ENGLISH``.
Abbreviations are listed without their dot; the readers allow one.
"""

from __future__ import annotations

__all__ = ["DUTCH", "DUTCH_ENGLISH", "ENGLISH", "FRENCH", "GERMAN", "MONTHS"]

DUTCH: dict[str, int] = {
    "januari": 1, "jan": 1, "februari": 2, "febr": 2, "feb": 2, "maart": 3, "mrt": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sept": 9,
    "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
ENGLISH: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
GERMAN: dict[str, int] = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mär": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12, "dez": 12,
}
FRENCH: dict[str, int] = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
}
DUTCH_ENGLISH: dict[str, int] = {**DUTCH, **ENGLISH}
MONTHS: dict[str, int] = {**DUTCH, **ENGLISH, **GERMAN, **FRENCH}
