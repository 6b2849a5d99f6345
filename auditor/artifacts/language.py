"""Artifacts of the language collector: LanguageTool's (or Hunspell's) raw matches, and each
page's text record kept for the next incremental run.

The collector does not judge: the organisation's own words, the client dictionary and the
rules to ignore are applied by TP301/TP302 (``checks/spelling.py``), so ``recheck`` honours
a new dictionary without checking any text again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.artifacts import Artifact

__all__ = ["LanguageIssue", "LanguageIssues", "PageText", "SiteNames"]


@dataclass(frozen=True)
class LanguageIssue:
    """One match of the engine in one distinct text block, with every page the block is on.

    ``kind`` is ``spelling`` or ``grammar``; ``text`` the flagged words; ``pages`` lists
    ``(url, element)``; ``occurrences`` counts pages beyond a capped list; ``dictionary``
    says a word is unknown to the dictionary (one problem wherever it is) rather than a
    rule about a word in its context; ``parts`` says, per part of the word, whether
    Hunspell knows it (None without a dictionary)."""

    kind: str = "spelling"
    lang: str = ""
    rule: str = ""
    category: str = ""
    issue_type: str = ""
    message: str = ""
    text: str = ""
    suggestions: tuple[str, ...] = ()
    sentence: str = ""
    where: str = ""
    element: str = ""
    block: str = ""
    pages: tuple[tuple[str, str], ...] = ()
    occurrences: int = 0
    dictionary: bool = True
    parts: tuple[tuple[str, bool], ...] | None = None
    # Facts of the text around the match (``collect/language/context.py``), weighed by the
    # checks' confidence: the text just before and after it in its block, why it reads as a
    # name or title (None: it does not), another checked language whose dictionary knows it.
    before: str = ""
    after: str = ""
    name: str | None = None
    known_in: str | None = None


@dataclass(frozen=True)
class SiteNames:
    """The organisation's own names, social handles and domain labels, read from the site."""

    names: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageIssues(Artifact):
    """Run-level ``language_issues``: the engine, whether grammar was checked (and why not),
    the site's own names, statistics and the issues."""

    NAME = "language_issues"

    engine: str = ""
    engine_identity: str = ""
    grammar: bool = False
    grammar_reason: str | None = None
    languages: tuple[str, ...] = ()
    service: dict[str, Any] = field(default_factory=dict)
    site_names: SiteNames = field(default_factory=SiteNames)
    issues: tuple[LanguageIssue, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)
    language_corrections: tuple[dict[str, str], ...] = ()
    pages_kept: int = 0

    @property
    def pages(self) -> int:
        """Pages whose text was checked (in a checked language)."""
        return int(self.stats.get("pages") or 0)

    @property
    def other_language_words(self) -> dict[str, int]:
        """Words left unchecked, per other language recognised."""
        return dict(self.stats.get("other_language_words") or {})


@dataclass(frozen=True)
class PageText(Artifact):
    """Page-level ``page_text``: the page's text blocks, detected languages and name facts,
    compressed (``z``: deflated JSON, base64); an unchanged page is not parsed again on the
    next incremental run. Only the collector reads it."""

    NAME = "page_text"

    z: str = ""
