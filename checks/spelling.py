"""Spelling checks (TP301 misspelling, TP302 grammar, TP303 worth a look) over what the
language collector found.

The collector (``auditor/collect/language/collector.py``) did the I/O: every distinct block of text
checked once by LanguageTool (or Hunspell), with the pages it appears on. These checks
judge: the organisation's own words are not errors (its names, its recurring product
names, its dictionary), style is off unless asked for, and one problem is one finding
listing every page. Judging here, not in the collector, means a changed dictionary takes
effect on ``recheck`` without checking any text again.

Confidence: a client reads every finding as the tool's word, so TP301 and TP302 assert
only what they are confident of (``confidence``: a close suggestion, not a name, not the
site's own vocabulary, not a rule that reads across a phrase boundary). What they set
aside is not hidden: TP303 lists it as "worth a look", at information level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

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
DEFAULT_MIN_CONFIDENCE = 0.8
# LanguageTool rules about articles and agreement that read across phrase boundaries ("Bij
# NOC hoort meestal het" + "De Telegraaf", "De gilde organiseert" read as a past participle):
# reported as TP302 only when the second opinion (``_second_opinion``) finds no boundary.
SECOND_OPINION_RULES = frozenset({"DE_ONVERWACHT", "HET_FIETS", "EEN_LELIJKE_MEISJE", "HET_STUK_DIE",
                                  "DE_WKWVLT3EP", "DE_HET", "HET_DE"})
SECOND_OPINION_CATEGORIES = frozenset({"CONGRUENTIE", "MOM__GRAMMAR__CONSTITUENT_AGREEMENT__NOUN_PHRASE"})
# Standard in Flanders, flagged by LanguageTool's Dutch rules (also for nl-BE): on a Belgian
# page not an error. Besides these, every rule that asks for "an alternative understood in
# the whole language area" (plezant, goesting, kot, proficiat) is a regionalism.
FLEMISH_RULES = frozenset({"NL_SIMPLE_REPLACE_DE_GILDE", "NL_SIMPLE_REPLACE_OM___U", "TIJD_NOTATIES"})
REGIONAL_MESSAGE = "in het hele taalgebied"
_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:de|het|een|die|deze|dat)\s*$", re.I)
_SECTION = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]+/([^/?#]*)/", re.I)

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
    min_confidence: float = DEFAULT_MIN_CONFIDENCE  # below it: TP303 "worth a look", not TP301/TP302
    # A misspelling's closest suggestion is at most this many keystrokes away. 1 by default:
    # on the labelled set every real typo was one keystroke from its suggestion, and the
    # false alarms two (flexibeams → flexibels); 2 finds phonetic misspellings too.
    max_edit_distance: int = 1
    vocabulary_min_texts: int = 3  # a word the site writes in this many different texts is its vocabulary

    def __post_init__(self) -> None:
        if self.dictionary and not Path(self.dictionary).expanduser().is_file():
            raise ValueError(f"dictionary file {self.dictionary!r} does not exist")
        if self.own_terms_min_pages < 1:
            raise ValueError("own_terms_min_pages must be at least 1")
        if not 0 <= self.min_confidence <= 1:
            raise ValueError("min_confidence must be between 0 and 1")
        if self.max_edit_distance < 1 or self.vocabulary_min_texts < 2:
            raise ValueError("max_edit_distance must be at least 1 and vocabulary_min_texts at least 2")


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


# -- confidence ---------------------------------------------------------------------------

def edit_distance(a: str, b: str, limit: int = 4) -> int:
    """Keystrokes between ``a`` and ``b`` (Damerau-Levenshtein, case-insensitive), capped at ``limit``."""
    a, b = a.lower(), b.lower()
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


@dataclass
class Judged:
    """One problem (issues grouped), with how sure the checks are of it and why not more."""

    kind: str  # spelling | grammar
    key: str
    issues: list[LanguageIssue]
    confidence: float
    doubts: list[str]


def _regional(issue: LanguageIssue) -> bool:
    """Standard Belgian Dutch on a Belgian page (plezant, 20u, de gilde)."""
    return issue.lang == "nl-BE" and (issue.rule in FLEMISH_RULES or REGIONAL_MESSAGE in issue.message)


def _section(url: str) -> str:
    """The site section of a page: the first folder of its path ("" for top-level pages)."""
    match = _SECTION.match(url)
    return match.group(1) if match else ""


def _place(issue: LanguageIssue) -> str:
    """Where one problem lives: its section when all its pages share one, else its text block
    (a template text on pages of many sections)."""
    sections = {_section(url) for url, _ in issue.pages}
    return f"section:{sections.pop()}" if len(sections) == 1 else f"block:{issue.block}"


def _name_doubt(issues: list[LanguageIssue]) -> tuple[float, str | None]:
    reasons = [i.name for i in issues]
    named = [r for r in reasons if r]
    if not named:
        return 1.0, None
    if len(named) == len(reasons):
        return 0.4, f"reads as a name or title ({named[0]})"
    return 0.8, f"reads as a name or title in some places ({named[0]})"


def _spelling_confidence(issues: list[LanguageIssue], options: LanguageOptions,
                         vocabulary: dict[str, int]) -> tuple[float, list[str]]:
    first = issues[0]
    word = first.text
    doubts: list[str] = []
    if first.dictionary:
        # A lowercase word whose close suggestions are all names ("asyncio" → "Asencio") is a
        # term the dictionary lacks more often than a typo of the name.
        common = [s for s in first.suggestions[:5] if not (word[:1].islower() and s[:1].isupper())]
        distance = min((edit_distance(word, s) for s in common), default=None)
        if any(s.lower() == word.lower() for s in first.suggestions[:5]):
            distance = 0
        if distance is None and first.suggestions:
            score = 0.5
            doubts.append("only names are close to it")
        elif distance == 0:  # usb-stick → USB-stick: a matter of capitals, and often of taste
            score = 0.5
            doubts.append("only the capitals differ")
        elif distance is None:
            score = 0.3
            doubts.append("no suggestion")
        elif distance <= options.max_edit_distance:
            score = 0.95 if distance == 1 else 0.85
        elif distance == 2:
            score = 0.6
            doubts.append("the closest suggestion is 2 keystrokes away")
        else:
            score = 0.5
            doubts.append(f"the closest suggestion is {distance}+ keystrokes away")
        other = next((i.known_in for i in issues if i.known_in), None)
        if other:
            score *= 0.5
            doubts.append(f"a word in {LANGUAGE_NAMES.get(other[:2], other)}")
        texts = vocabulary.get(word.lower(), 0)
        if texts >= options.vocabulary_min_texts:
            score *= 0.7
            doubts.append(f"the site writes it in {texts} different texts")
    else:
        score = 0.9
    factor, why = _name_doubt(issues)
    if why:
        score *= factor
        doubts.append(why)
    return round(score, 3), doubts


def _second_opinion(issue: LanguageIssue) -> str | None:
    """Why a match of a rule in ``SECOND_OPINION_RULES`` reads across a phrase boundary
    (None: it does not, the rule stands)."""
    after = issue.after
    text = issue.text
    following = after.lstrip()
    if not following or following[:1] in ",.;:!?)–—|/•·":
        return "the phrase ends right after it"
    if following[:1].isupper() and after[:1].isspace():
        return "a name or a new phrase follows"
    if issue.rule == "DE_WKWVLT3EP" and (_ARTICLE_BEFORE.search(issue.before) or
                                            _ARTICLE_BEFORE.search(text.rsplit(" ", 1)[0] if " " in text else "")):
        return "an article before it makes it a noun"
    return None


def _grammar_confidence(issues: list[LanguageIssue]) -> tuple[float, list[str]]:
    first = issues[0]
    score, doubts = 0.9, []
    if first.rule in SECOND_OPINION_RULES or first.category in SECOND_OPINION_CATEGORIES:
        boundary = _second_opinion(first)
        if boundary:
            score *= 0.5
            doubts.append(f"second opinion: {boundary}")
    factor, why = _name_doubt(issues)
    if why:
        score *= factor
        doubts.append(why)
    return round(score, 3), doubts


def _vocabulary(issues: Iterable[LanguageIssue]) -> dict[str, int]:
    """Flagged words by the number of different texts the site writes them in."""
    texts: dict[str, set[str]] = {}
    for issue in issues:
        if issue.kind == "spelling" and issue.dictionary:
            texts.setdefault(issue.text.lower(), set()).add(issue.block)
    return {word: len(blocks) for word, blocks in texts.items()}


def judge_spelling(data: LanguageIssues, options: LanguageOptions) -> Iterator[Judged]:
    """Every misspelling candidate that is not the organisation's own word, with its confidence."""
    own = OwnWords(data.site_names, options)
    groups: dict[tuple[str, str], list[LanguageIssue]] = {}
    for issue in data.issues:
        if issue.kind != "spelling" or issue.rule in options.ignore_rules or _regional(issue):
            continue
        # A word the dictionary does not know is one problem wherever it is; a rule about
        # a word in its context (d/t) is one problem per section (or template text).
        where = "" if issue.dictionary else f"{issue.rule}:{_place(issue)}:"
        groups.setdefault((issue.lang[:2], where + issue.text.lower()), []).append(issue)
    vocabulary = _vocabulary(data.issues)
    for (lang, key), issues in sorted(groups.items()):
        first = issues[0]
        if first.dictionary and _acceptable(first.text, issues, own, options):
            near = [s for s in first.suggestions if edit_distance(first.text, s) == 1]
            # "sticktechniek": a compound of known words, or "stiktechniek" mistyped?
            if near and _compound(first) and not own.fine(first.text) and not _own_term(first.text, issues, options):
                yield Judged("spelling", f"{lang}:{key}", issues, 0.5,
                             [f"a compound of known words, one keystroke from “{near[0]}”"])
            continue
        confidence, doubts = _spelling_confidence(issues, options, vocabulary)
        yield Judged("spelling", f"{lang}:{key}", issues, confidence, doubts)


def judge_grammar(data: LanguageIssues, options: GrammarOptions) -> Iterator[Judged]:
    """Every grammar candidate (style too when asked), with its confidence."""
    kinds = {"grammar", "style"} if options.style else {"grammar"}
    own = OwnWords(data.site_names, options)
    groups: dict[str, list[LanguageIssue]] = {}
    for issue in data.issues:
        if issue.kind not in kinds or issue.rule in options.ignore_rules or _regional(issue):
            continue
        if _name_variant(issue) or own.accepts(issue.text):
            continue
        groups.setdefault(f"{issue.rule}:{_place(issue)}:{issue.text}", []).append(issue)
    for key, issues in sorted(groups.items()):
        confidence, doubts = _grammar_confidence(issues)
        yield Judged("grammar", key, issues, confidence, doubts)


def _acceptable(word: str, issues: list[LanguageIssue], own: OwnWords, options: LanguageOptions) -> bool:
    if own.fine(word) or _name_variant(issues[0]):
        return True
    parts = issues[0].parts
    if parts and (len(parts) > 1 or options.second_opinion) and \
            all(known or own.fine(part) for part, known in parts):
        return True
    return _own_term(word, issues, options)


def _compound(issue: LanguageIssue) -> bool:
    """Known only as a Dutch compound of two known words (not as a word, not its own name)."""
    parts = issue.parts or ()
    return len(parts) == 1 and parts[0][1] and issue.text.isalpha() and issue.text.islower()


def _own_term(word: str, issues: list[LanguageIssue], options: LanguageOptions) -> bool:
    """A product name: capitalised mid-sentence somewhere, in the same spelling in two
    or more different texts, on ``own_terms_min_pages`` pages or more. A typo in the
    footer repeats in one text only, and a lowercase word is never taken for a name."""
    if not any(c.isupper() for c in word):
        return False
    same = [i for i in issues if i.text == word]
    mid_sentence = any(not i.sentence.startswith(word) for i in same)
    blocks = {i.block for i in same}
    return mid_sentence and len(blocks) >= 2 and len(_pages(same)) >= options.own_terms_min_pages


def _spelling_finding(check: SiteCheck, judged: Judged, data: LanguageIssues, ctx: CheckContext,
                      **extra: Any) -> Finding:
    issues = judged.issues
    lang = issues[0].lang[:2]
    word = issues[0].text
    pages = _pages(issues)
    suggestions = list(issues[0].suggestions)
    hint = f"; did you mean “{suggestions[0]}”?" if suggestions else "."
    return check.finding(
        url=pages[0], locations=_locations(issues, ctx.max_locations), occurrences=_occurrences(issues, pages),
        key=judged.key,
        message=f"“{word}” looks misspelt{hint} ({LANGUAGE_NAMES.get(lang, lang)}, in "
                f"{' and '.join(_where(issues))}, on {len(pages)} page{'s' if len(pages) != 1 else ''})",
        evidence={"word": word, "text": word, "language": lang, "suggestions": suggestions,
                  "sentence": issues[0].sentence, "rule": issues[0].rule, "where": _where(issues),
                  "pages": pages[:MAX_EVIDENCE_PAGES], "page_count": len(pages),
                  "engine": data.engine, "confidence": judged.confidence, "doubts": judged.doubts},
        **extra,
    )


def _grammar_finding(check: SiteCheck, judged: Judged, ctx: CheckContext, **extra: Any) -> Finding:
    issues = judged.issues
    first = issues[0]
    pages = _pages(issues)
    suggestion = f" Suggestion: “{first.suggestions[0]}”." if first.suggestions else ""
    return check.finding(
        url=pages[0], locations=_locations(issues, ctx.max_locations), occurrences=_occurrences(issues, pages),
        key=judged.key,
        message=f"{first.message.rstrip()} (in “{_short(first.sentence)}”){suggestion}",
        evidence={"text": first.text, "sentence": first.sentence, "suggestions": list(first.suggestions),
                  "rule": first.rule, "category": first.category, "kind": first.kind,
                  "language": first.lang[:2], "where": _where(issues),
                  "pages": pages[:MAX_EVIDENCE_PAGES], "page_count": len(pages),
                  "confidence": judged.confidence, "doubts": judged.doubts},
        **({"severity": "info"} if first.kind == "style" else {}), **extra,
    )


class Misspelling(SiteCheck):
    """A word on the site is misspelt.

    What it checks
    --------------
    The text a visitor reads on every page (body text, headings, buttons, menus and
    footer), the page titles, meta descriptions and image alt texts, in Dutch (Belgian
    Dutch on a ``.be`` site or an ``nl-BE`` page) and English, checked by LanguageTool (or
    Hunspell where LanguageTool is not available). Each page's language comes from
    ``<html lang>`` or ``Content-Language`` and is corrected by detection when missing or
    wrong; a block in another language is checked in that language. Text repeated on many
    pages (header, menu, footer) is checked once: a typo there is one finding listing
    every page. Not errors: URLs, e-mail addresses, phone numbers, hashtags, code, tokens
    such as ``micro:bit`` or ``display.show``, text in other scripts, abbreviations and
    model numbers, the organisation's names (title, ``og:site_name``, schema.org, domain,
    social handles), capitalised product names that recur across the site in the same
    spelling, words the Hunspell dictionary knows (including Dutch compounds of two known
    words), and the words in the configured dictionary (``dictionary``, ``ignore_words``).
    Only confident matches are reported here (``min_confidence``, default 0.8): a
    suggestion within ``max_edit_distance`` keystrokes, the word unknown to LanguageTool
    and Hunspell in every checked language, not a name (capitalised mid-sentence, a run of
    capitalised words, quoted, in italics, the text of a link to another site), not the
    site's own vocabulary (written in ``vocabulary_min_texts`` different texts). The rest
    is listed by TP303 as worth a look.

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
        for judged in judge_spelling(data, self.options):
            if judged.confidence >= self.options.min_confidence:
                yield _spelling_finding(self, judged, data, ctx)


class GrammarError(SiteCheck):
    """A grammar error in the site's text (LanguageTool).

    What it checks
    --------------
    The same text as TP301, checked by LanguageTool's grammar rules: agreement, verb forms
    (the Dutch d/t errors), confused words, punctuation, casing. Style, typography and
    redundancy rules are left out unless ``style = true``; LanguageTool's picky rules
    only run with ``[collectors.language] picky = true``. Rules can be switched off with
    ``ignore_rules``. Text repeated on many pages is one finding listing every page; the
    same error on many pages of one section is one finding. On a Belgian page (``.be``
    site, ``nl-BE``) standard Flemish (``plezant``, ``20u``, ``de gilde``) is not an
    error. Article and agreement rules that read across phrase boundaries (the list
    ``SECOND_OPINION_RULES``) are reported only when a second opinion finds no boundary;
    matches below ``min_confidence`` (a name, a quote, a boundary) go to TP303. Where
    LanguageTool cannot run (no Java), this check ends *unverifiable* and the report says
    why: Hunspell checks spelling only.

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
        for judged in judge_grammar(data, self.options):
            if judged.confidence >= self.options.min_confidence:
                yield _grammar_finding(self, judged, ctx)


class WorthALook(SiteCheck):
    """Spelling or grammar matches not certain enough to call errors: worth a look.

    What it checks
    --------------
    What TP301 and TP302 set aside because they are not confident of it (below
    ``min_confidence``, default 0.8): a word that reads as a name or a title
    (capitalised mid-sentence, a run of capitalised words, quoted, in italics, the text
    of a link to another site), a word another checked language knows (an English term in
    Dutch text), a word the site uses in many texts, an unknown word without a close
    suggestion, a grammar rule that may read across a phrase boundary. Each finding
    carries the confidence and the doubts. Information only, shown collapsed in the
    report: nothing is hidden, and nothing uncertain is asserted as an error. Set the same
    ``min_confidence`` (and ``dictionary``) here as for TP301 and TP302 when you change
    them there.

    Why it matters
    --------------
    Most of what a dictionary does not know on a real site is a name, a title or a term
    of the trade; a report that calls those errors is not believed. A few of them are
    errors all the same, and a reader who knows the site sees which in seconds.

    How to fix
    ----------
    Skim the list. Correct what is wrong; add the site's own names and terms to the
    dictionary file (``[checks.TP301] dictionary``, and the same here) so that they are
    not listed again.
    """

    code = "TP303"
    name = "spelling-worth-a-look"
    family = "spelling"
    requires = ("pages", ARTIFACT)
    default_severity = "info"
    Options = GrammarOptions
    report_collapsed = True  # leads, not verdicts: the report shows the group closed

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        data = language_issues(ctx)
        threshold = self.options.min_confidence
        for judged in judge_spelling(data, self.options):
            if judged.confidence < threshold:
                yield _spelling_finding(self, judged, data, ctx)
        if data.grammar:
            for judged in judge_grammar(data, self.options):
                if judged.confidence < threshold:
                    yield _grammar_finding(self, judged, ctx)
