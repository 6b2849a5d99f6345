"""Spelling checks (TP301 misspelling, TP302 grammar) over what the language collector found.

The collector (``auditor/collect/language/collector.py``) did the I/O: every distinct block of text
checked once by LanguageTool (or Hunspell), with the pages it appears on. These checks
judge: the organisation's own words are not errors (its names, its recurring product
names, its dictionary), style is off unless asked for, and one problem is one finding
listing every page. Judging here, not in the collector, means a changed dictionary takes
effect on ``recheck`` without checking any text again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from auditor.artifacts import read
from auditor.artifacts.language import LanguageIssue, LanguageIssues, SiteNames
from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.errors import NotApplicable, Unverifiable
from auditor.model import Finding, Location

ARTIFACT = LanguageIssues.NAME
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}
WHERE = {"title": "the page title", "description": "the meta description", "alt": "an image's alt text",
         "heading": "a heading", "button": "a button", "text": "the page text"}
MAX_DICTIONARY_BYTES = 5_000_000
MAX_EVIDENCE_PAGES = 50
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass
class LanguageOptions:
    """Options of TP301 and TP302 (``[checks.TP301]``, ``[checks.TP302]``)."""

    dictionary: str | None = None  # the client's own words: a file, one word per line, # comments
    ignore_words: list[str] = field(default_factory=list)
    ignore_rules: list[str] = field(default_factory=list)  # LanguageTool rule ids
    ignore_uppercase: bool = True  # abbreviations: ISDE, PDF, KVK
    ignore_with_digits: bool = True  # model numbers: X200, CW4
    own_terms_min_pages: int = 2  # a capitalised term seen on this many pages in different texts is the client's
    second_opinion: bool = True  # a word the Hunspell dictionary knows (or its compound parts) is no typo

    def __post_init__(self) -> None:
        if self.dictionary and not Path(self.dictionary).expanduser().is_file():
            raise ValueError(f"dictionary file {self.dictionary!r} does not exist")
        if self.own_terms_min_pages < 1:
            raise ValueError("own_terms_min_pages must be at least 1")


@dataclass
class GrammarOptions(LanguageOptions):
    """TP302 also takes ``style``: report style, typography and redundancy findings too."""

    style: bool = False


@lru_cache(maxsize=8)
def _dictionary_words(path: str, _mtime: float) -> frozenset[str]:
    data = Path(path).expanduser().read_bytes()[:MAX_DICTIONARY_BYTES].decode("utf-8", errors="replace")
    return frozenset(w.strip().lower() for w in data.splitlines() if w.strip() and not w.lstrip().startswith("#"))


class OwnWords:
    """The organisation's own words: names the site states, its dictionary, ignore list."""

    def __init__(self, site_names: SiteNames, options: LanguageOptions) -> None:
        self.options = options
        words: set[str] = {w.lower() for w in options.ignore_words}
        if options.dictionary:
            path = str(Path(options.dictionary).expanduser())
            words |= _dictionary_words(path, Path(path).stat().st_mtime)
        for name in site_names.names:
            words.add(name.lower())
            words.update(t for t in re.split(r"[^\w'’-]+", name.lower()) if t)
        self.words = frozenset(words)
        # Handles and domains run words together (groenhuisinstallatie): match inside them.
        self.compact = tuple(_NOT_WORD.sub("", h.lower()) for h in
                             [*site_names.handles, *site_names.domains])

    def accepts(self, word: str) -> bool:
        w = word.lower().strip("'’.-")
        if w in self.words or w.replace("’", "'") in self.words:
            return True
        compact = _NOT_WORD.sub("", w)
        return len(compact) >= 4 and any(compact in h for h in self.compact)

    def exempt(self, word: str) -> bool:
        """Abbreviations and model numbers, when the options leave them out."""
        letters = [c for c in word if c.isalpha()]
        if self.options.ignore_uppercase and len(letters) >= 2 and all(c.isupper() for c in letters):
            return True
        return self.options.ignore_with_digits and any(c.isdigit() for c in word)

    def fine(self, word: str) -> bool:
        return self.accepts(word) or self.exempt(word)


def language_issues(ctx: CheckContext) -> LanguageIssues:
    data = read(ctx, LanguageIssues)
    if data is None:
        raise Unverifiable("the language collector stored no results")
    if not data.pages:
        other = ", ".join(sorted(data.other_language_words)) or "none recognised"
        raise NotApplicable(f"no page in a checked language ({', '.join(data.languages)}); "
                            f"other languages: {other}")
    return data


def _locations(issues: Iterable[LanguageIssue], limit: int) -> list[Location]:
    seen: dict[tuple[str, str], Location] = {}
    for issue in issues:
        for url, element in issue.pages:
            if len(seen) >= limit:
                break
            seen.setdefault((url, issue.sentence), Location(url, issue.sentence, element))
    return sorted(seen.values(), key=lambda loc: (loc.url, loc.text))


def _pages(issues: Iterable[LanguageIssue]) -> list[str]:
    return sorted({url for issue in issues for url, _ in issue.pages})


def _occurrences(issues: list[LanguageIssue], pages: list[str]) -> int:
    """Pages the problem is on: the listed ones, or more when a template's list was capped."""
    return max(len(pages), *(i.occurrences for i in issues), 1)


def _name_variant(issue: LanguageIssue) -> bool:
    """``El Amrani`` → ``El-Amrani``: a name is written as its owner writes it."""
    words = issue.text.split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words) or not issue.suggestions:
        return False
    squash = _NOT_WORD.sub("", issue.text).lower()
    return all(_NOT_WORD.sub("", s).lower() == squash for s in issue.suggestions)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(issues: list[LanguageIssue]) -> list[str]:
    return sorted({WHERE.get(i.where, i.where) for i in issues})


class Misspelling(SiteCheck):
    """A word on the site is misspelt.

    What it checks
    --------------
    The text a visitor reads on every page (body text, headings, buttons, menus and
    footer), the page titles, meta descriptions and image alt texts, in Dutch and
    English, checked by LanguageTool (or Hunspell where LanguageTool is not available).
    Each page's language comes from ``<html lang>`` or ``Content-Language`` and is
    corrected by detection when missing or wrong; a block in another language is checked
    in that language. Text repeated on many pages (header, menu, footer) is checked once:
    a typo there is one finding listing every page. Not errors: URLs, e-mail addresses,
    phone numbers, hashtags, code, text in other scripts, abbreviations and model
    numbers, the organisation's names (title, ``og:site_name``, schema.org, domain,
    social handles), capitalised product names that recur across the site in the same
    spelling, words the Hunspell dictionary knows (including Dutch compounds of two known
    words), and the words in the configured dictionary (``dictionary``, ``ignore_words``).

    Why it matters
    --------------
    Prospects notice spelling errors at once and read them as carelessness: on the home
    page, in a title in the search results, or in the footer of every page.

    How to fix
    ----------
    Correct the word where the evidence shows it (for a template text such as the footer,
    once in the template). If the word is right (a name, a trade term), add it to the
    dictionary file configured as ``[checks.TP301] dictionary``.
    """

    code = "TP301"
    name = "misspelling"
    family = "spelling"
    requires = ("pages", ARTIFACT)
    default_severity = "warning"
    Options = LanguageOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        data = language_issues(ctx)
        own = OwnWords(data.site_names, self.options)
        groups: dict[tuple[str, str], list[LanguageIssue]] = {}
        for issue in data.issues:
            if issue.kind != "spelling" or issue.rule in self.options.ignore_rules:
                continue
            # A word the dictionary does not know is one problem wherever it is; a rule about
            # a word in its context (d/t) is one problem per text.
            where = "" if issue.dictionary else f"{issue.rule}:{issue.block}:"
            groups.setdefault((issue.lang[:2], where + issue.text.lower()), []).append(issue)
        for (lang, key), issues in sorted(groups.items()):
            word = issues[0].text
            if issues[0].dictionary and self._acceptable(word, issues, own):
                continue
            locations = _locations(issues, ctx.max_locations)
            pages = _pages(issues)
            suggestions = list(issues[0].suggestions)
            hint = f"; did you mean “{suggestions[0]}”?" if suggestions else "."
            yield self.finding(
                url=pages[0], locations=locations, occurrences=_occurrences(issues, pages), key=f"{lang}:{key}",
                message=f"“{word}” looks misspelt{hint} ({LANGUAGE_NAMES.get(lang, lang)}, in "
                        f"{' and '.join(_where(issues))}, on {len(pages)} page{'s' if len(pages) != 1 else ''})",
                evidence={"word": word, "language": lang, "suggestions": suggestions,
                          "sentence": issues[0].sentence, "rule": issues[0].rule, "where": _where(issues),
                          "pages": pages[:MAX_EVIDENCE_PAGES], "page_count": len(pages),
                          "engine": data.engine},
            )

    def _acceptable(self, word: str, issues: list[LanguageIssue], own: OwnWords) -> bool:
        if own.fine(word) or _name_variant(issues[0]):
            return True
        parts = issues[0].parts
        if parts and (len(parts) > 1 or self.options.second_opinion) and \
                all(known or own.fine(part) for part, known in parts):
            return True
        return self._own_term(word, issues)

    def _own_term(self, word: str, issues: list[LanguageIssue]) -> bool:
        """A product name: capitalised mid-sentence somewhere, in the same spelling in two
        or more different texts, on ``own_terms_min_pages`` pages or more. A typo in the
        footer repeats in one text only, and a lowercase word is never taken for a name."""
        if not any(c.isupper() for c in word):
            return False
        same = [i for i in issues if i.text == word]
        mid_sentence = any(not i.sentence.startswith(word) for i in same)
        blocks = {i.block for i in same}
        return mid_sentence and len(blocks) >= 2 and len(_pages(same)) >= self.options.own_terms_min_pages


class GrammarError(SiteCheck):
    """A grammar error in the site's text (LanguageTool).

    What it checks
    --------------
    The same text as TP301, checked by LanguageTool's grammar rules: agreement, verb forms
    (the Dutch d/t errors), confused words, punctuation, casing. Style, typography and
    redundancy rules are left out unless ``style = true``; LanguageTool's picky rules
    only run with ``[collectors.language] picky = true``. Rules can be switched off with
    ``ignore_rules``. Text repeated on many pages is one finding listing every page.
    Where LanguageTool cannot run (no Java), this check ends *unverifiable* and the report
    says why: Hunspell checks spelling only.

    Why it matters
    --------------
    A grammar error reads as carelessness just as a typo does, and dictionaries cannot see
    it: "onderhoudt" is a correct word, but not as a noun.

    How to fix
    ----------
    Rewrite the sentence as the evidence suggests. If a rule does not suit the site's
    style, add its id (in the evidence) to ``[checks.TP302] ignore_rules``.
    """

    code = "TP302"
    name = "grammar"
    family = "spelling"
    requires = ("pages", ARTIFACT)
    default_severity = "warning"
    Options = GrammarOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        data = language_issues(ctx)
        if not data.grammar:
            raise Unverifiable(f"grammar not checked: {data.grammar_reason or 'no grammar service'}; "
                               "spelling was checked with Hunspell only")
        kinds = {"grammar", "style"} if self.options.style else {"grammar"}
        own = OwnWords(data.site_names, self.options)
        groups: dict[str, list[LanguageIssue]] = {}
        for issue in data.issues:
            if issue.kind not in kinds or issue.rule in self.options.ignore_rules:
                continue
            if _name_variant(issue) or own.accepts(issue.text):
                continue
            groups.setdefault(f"{issue.rule}:{issue.block}:{issue.text}", []).append(issue)
        for key, issues in sorted(groups.items()):
            first = issues[0]
            pages = _pages(issues)
            suggestion = f" Suggestion: “{first.suggestions[0]}”." if first.suggestions else ""
            yield self.finding(
                url=pages[0], locations=_locations(issues, ctx.max_locations), occurrences=_occurrences(issues, pages),
                key=key, severity="info" if first.kind == "style" else None,
                message=f"{first.message.rstrip()} (in “{_short(first.sentence)}”){suggestion}",
                evidence={"text": first.text, "sentence": first.sentence, "suggestions": list(first.suggestions),
                          "rule": first.rule, "category": first.category, "kind": first.kind,
                          "language": first.lang[:2], "where": _where(issues),
                          "pages": pages[:MAX_EVIDENCE_PAGES], "page_count": len(pages)},
            )
