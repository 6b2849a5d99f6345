"""How well a landing page covers the words of its ad (TP501), weighted by the site's own pages.

Relevance is stemmed keyword coverage: each content word of the ad counts with a weight,
and the score is the weighted share of those words the landing page's main content (with
its title, description and main heading) contains. The weight is an inverse document
frequency over the site's own pages (their main content, not menus and footers): a word
on every page ("Utrecht", the company's trade) tells little about which page an ad
belongs on, a word on few pages ("zonnepanelen") a lot. Headline words weigh more than
description words, as the prospect reads the headline first.

Dutch glues words together: an ad's "ketel" is on a page that says "combiketel", and an
ad's "zonnepanelen" on one that says "panelen". Such a partial match counts for part.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from checks.ads.text import content_words, stem, stems, tokens

__all__ = ["Relevance", "SiteWeights", "relevance"]

HEADLINE_WEIGHT = 1.5
SITE_WORD_WEIGHT = 0.35
PARTIAL_CREDIT = 0.6
MIN_PART = 4


@dataclass
class SiteWeights:
    """Document frequencies of stems over the site's pages, built one page at a time."""

    df: Counter[str] = field(default_factory=Counter)
    pages: int = 0

    def add(self, text: str, language: str | None) -> None:
        self.pages += 1
        self.df.update(stems(set(tokens(text)), language))

    def weight(self, stem_: str) -> float:
        """Smoothed IDF: 1 for a word on every page, ``1 + ln(N + 1)`` for one on none."""
        return math.log((1 + self.pages) / (1 + self.df.get(stem_, 0))) + 1.0


@dataclass(frozen=True)
class Relevance:
    """The score (0–1) and the ad words the page has and lacks, heaviest first."""

    score: float
    found: tuple[str, ...]
    missing: tuple[str, ...]
    partial: tuple[str, ...]
    words: int


def _partial(word_stem: str, page_stems: set[str]) -> bool:
    """A compound match: the ad's stem inside a page word, or a page word ending the ad's."""
    if len(word_stem) < MIN_PART:
        return False
    return any((word_stem in s and len(s) > len(word_stem)) or
               (len(s) >= MIN_PART + 1 and word_stem.endswith(s)) for s in page_stems)


def relevance(headlines: Iterable[str], descriptions: Iterable[str], page_text: str, language: str | None,
              weights: SiteWeights, site_words: frozenset[str] = frozenset()) -> Relevance:
    """Score how well ``page_text`` covers the ad's content words.

    ``site_words`` (stems) say what the whole site is about (the homepage's title and
    description: "accounting software"): every page of the site is about them
    implicitly, so they weigh less, though a page still gets no credit for lacking them.
    """
    head_words = content_words(" ".join(headlines), language)
    desc_words = content_words(" ".join(descriptions), language)
    page_stems = stems(tokens(page_text), language)
    entries: dict[str, tuple[str, float]] = {}
    for words, factor in ((head_words, HEADLINE_WEIGHT), (desc_words, 1.0)):
        for word in words:
            s = stem(word, language)
            weight = weights.weight(s) * factor * (SITE_WORD_WEIGHT if s in site_words else 1.0)
            if s not in entries or entries[s][1] < weight:
                entries[s] = (word, weight)
    if not entries:
        return Relevance(1.0, (), (), (), 0)
    total = got = 0.0
    found: list[tuple[float, str]] = []
    missing: list[tuple[float, str]] = []
    partial: list[tuple[float, str]] = []
    for s, (word, weight) in entries.items():
        total += weight
        if s in page_stems:
            got += weight
            found.append((weight, word))
        elif _partial(s, page_stems):
            got += weight * PARTIAL_CREDIT
            partial.append((weight, word))
        else:
            missing.append((weight, word))

    def order(items: list[tuple[float, str]]) -> tuple[str, ...]:
        return tuple(w for _, w in sorted(items, key=lambda x: (-x[0], x[1])))

    return Relevance(round(got / total, 3), order(found), order(missing), order(partial), len(entries))
