"""From stored pages to language issues: blocks, their language, each distinct text once.

Why text is de-duplicated before checking: a site's header, menu and footer repeat on
every page. Each distinct block (same language, same text) is checked once, cached
across runs, and its issues carry every page it appears on: a typo in the footer
becomes one issue listing 500 pages, not 500 issues. Memory stays bounded: a block with
no issue keeps only its hash; one with issues keeps at most ``max_locations`` pages.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from auditor.collect.language.cache import MatchCache, text_key
from auditor.collect.language.context import around, name_reason
from auditor.collect.language.detect import detect, primary
from auditor.collect.language.engines import Engine, Lexicon, RawMatch
from auditor.collect.language.text import Block, ignored_spans, page_blocks
from auditor.page import Page

FLUSH_CHARS = 40_000  # new text gathered before it is sent: big enough to batch, small enough to stream
MAX_ISSUES = 20_000
MAX_SENTENCE = 300
MIN_DETECT_WORDS = 8  # a block this long may show its own language (a quote, a mixed page)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*\s+")
_HYPHEN = re.compile(r"[-‐‑]")


def regional(tag: str | None, host: str) -> str | None:
    """Dutch on a ``.be`` site is Belgian Dutch (``nl-BE``) unless the page says otherwise."""
    if tag == "nl" and (host == "be" or host.endswith(".be")):
        return "nl-BE"
    return tag


@lru_cache(maxsize=512)  # a handful of distinct tags, asked for every text block
def lang_tag(tag: str | None) -> str | None:
    """A page's language tag as the engines know it: nl, nl-BE, en-US, en-GB; others by primary code."""
    head = primary(tag)
    if head is None:
        return None
    region = tag.strip().lower().replace("_", "-").split("-")[1:2] if tag else []
    if head == "nl":
        return "nl-BE" if region == ["be"] else "nl"
    if head == "en":
        return "en-GB" if region and region[0] in ("gb", "uk", "ie") else "en-US"
    return head


@dataclass
class _Text:
    """A distinct block: its text, and where it was seen (capped)."""

    text: str
    lang: str
    where: str
    element: str
    marks: tuple[tuple[int, int, str], ...] = ()
    pages: list[tuple[str, str]] = field(default_factory=list)
    count: int = 0
    matches: list[RawMatch] | None = None


class TextChecker:
    """Feed pages with ``add_page``; ``finish()`` returns the artifact's issues and stats."""

    def __init__(self, engine: Engine, cache: MatchCache, *, languages: tuple[str, ...] = ("nl", "en"),
                 max_locations: int = 1000, default_language: str | None = None,
                 lexicon: Lexicon | None = None, host: str = "") -> None:
        self.engine = engine
        self.host = host.lower().rstrip(".")  # the site's host: a .be site writes Belgian Dutch
        self.cache = cache
        self.languages = frozenset(languages)
        self.max_locations = max_locations
        self.default_language = lang_tag(default_language)
        self.lexicon = lexicon
        self.texts: dict[str, _Text] = {}  # pending, or with issues
        self.clean: set[str] = set()
        self.pending: list[str] = []
        self.pending_chars = 0
        self.stats: Counter[str] = Counter()
        self.page_languages: Counter[str] = Counter()
        self.skipped_languages: Counter[str] = Counter()
        self.corrected: list[dict[str, str]] = []
        self.checked = 0  # unique texts checked (by the engine or from the cache)
        # Told (checked, texts found so far, "texts") before and after each batch: the
        # progress view's "language: 300/800 texts" while LanguageTool works.
        self.on_progress: Callable[[int, int | None, str], None] | None = None

    # -- pages in --------------------------------------------------------------------
    def add_page(self, page: Page) -> None:
        if textual(page):
            self.add_blocks(page.url, page.language, page_blocks(page))

    def add_blocks(self, url: str, declared: str | None, blocks: list[Block],
                   detected: tuple[str | None, list[str | None]] | None = None) -> None:
        """A page's text blocks (``page_blocks``), extracted now or kept from the previous run
        with what ``detect_languages`` said of them then (``detected``)."""
        page_detected, block_detected = detected if detected is not None else detect_languages(blocks)
        page_lang = self._page_language(url, declared, page_detected)
        if page_lang is None:
            self.stats["pages_language_unknown"] += 1
            return
        self.stats["pages"] += 1
        self.page_languages[page_lang] += 1
        seen_here: set[str] = set()
        for block, found in zip(blocks, block_detected, strict=True):
            lang = self._block_language(block, page_lang, found)
            words = len(block.text.split())
            if primary(lang) not in self.languages:
                self.skipped_languages[primary(lang) or "?"] += words
                continue
            key = hashlib.blake2b(f"{lang}\0{block.text}".encode(), digest_size=12).hexdigest()
            if key in seen_here:
                continue
            seen_here.add(key)
            self.stats["blocks"] += 1
            self.stats["words"] += words
            if key in self.clean:
                continue
            entry = self.texts.get(key)
            if entry is None:
                entry = self.texts[key] = _Text(block.text, lang, block.where, block.element, block.marks)
                self.pending.append(key)
                self.pending_chars += len(block.text)
                self.stats["blocks_unique"] += 1
                self.stats["words_unique"] += words
            entry.count += 1
            if len(entry.pages) < self.max_locations:
                entry.pages.append((url, block.element))
        if self.pending_chars >= FLUSH_CHARS:
            self.flush()

    def _page_language(self, url: str, language: str | None, detected: str | None) -> str | None:
        return regional(self._declared_or_detected(url, language, detected), self.host)

    def _declared_or_detected(self, url: str, language: str | None, detected: str | None) -> str | None:
        declared = lang_tag(language)
        if detected and primary(declared) != detected:
            if declared and len(self.corrected) < 100:
                self.corrected.append({"url": url, "declared": language or "", "detected": detected})
            return lang_tag(detected)
        if declared:
            return declared
        if self.default_language:
            return self.default_language
        common = self.page_languages.most_common(1)
        return common[0][0] if common else None

    def _block_language(self, block: Block, page_lang: str, detected: str | None) -> str:
        lang = regional(lang_tag(block.lang), self.host) or page_lang
        if detected and detected != primary(lang):
            return regional(lang_tag(detected), self.host) or lang
        return lang

    # -- checking --------------------------------------------------------------------
    def flush(self) -> None:
        """Check the pending texts: from the cache when known, else with the engine."""
        self._report()
        by_lang: dict[str, list[str]] = {}
        for key in self.pending:
            by_lang.setdefault(self.texts[key].lang, []).append(key)
        self.pending, self.pending_chars = [], 0
        for lang, keys in by_lang.items():
            cache_keys = {key: text_key(self.engine.identity, lang, self.texts[key].text) for key in keys}
            cached = self.cache.get_many(cache_keys.values())
            results: dict[str, list[RawMatch]] = {}
            todo = []
            for key in keys:
                hit = cached.get(cache_keys[key])
                if hit is not None:
                    results[key] = [RawMatch.from_list(m) for m in hit]
                    self.stats["words_cached"] += len(self.texts[key].text.split())
                else:
                    todo.append(key)
            if todo:
                texts = [self.texts[k].text for k in todo]
                started = time.perf_counter()
                answers = self.engine.check_many(lang, texts)
                self.stats["engine_ms"] += int((time.perf_counter() - started) * 1000)
                self.stats["words_sent"] += sum(len(t.split()) for t in texts)
                self.stats["chars_sent"] += sum(len(t) for t in texts)
                self.cache.put_many({cache_keys[k]: [m.to_list() for m in found]
                                     for k, found in zip(todo, answers, strict=True)})
                results.update(zip(todo, answers, strict=True))
            self.checked += len(keys)
            self._report()
            for key, matches in results.items():
                entry = self.texts[key]
                kept = _outside_ignored(entry.text, matches)
                if kept:
                    entry.matches = kept
                else:
                    del self.texts[key]
                    self.clean.add(key)

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.checked, self.stats["blocks_unique"], "texts")

    # -- issues out ------------------------------------------------------------------
    def finish(self) -> dict[str, Any]:
        self.flush()
        issues: list[dict[str, Any]] = []
        for key, entry in self.texts.items():
            for m in entry.matches or ():
                if len(issues) >= MAX_ISSUES:
                    self.stats["issues_dropped"] += 1
                    continue
                word = entry.text[m.offset:m.offset + m.length]
                before, after = around(entry.text, m.offset, m.offset + m.length)
                issue = {
                    "kind": m.kind, "lang": entry.lang, "rule": m.rule, "category": m.category,
                    "issue_type": m.issue_type, "message": m.message, "text": word,
                    "suggestions": list(m.suggestions), "sentence": sentence_around(entry.text, m.offset, m.length),
                    "where": entry.where, "element": entry.element, "block": key,
                    "pages": [list(p) for p in entry.pages], "occurrences": entry.count,
                    "dictionary": m.dictionary, "before": before, "after": after,
                    "name": name_reason(entry.text, m.offset, m.offset + m.length, entry.marks),
                }
                if m.dictionary:
                    issue["parts"] = self._parts(entry.lang, word, m.suggestions)
                    issue["known_in"] = self._known_elsewhere(entry.lang, word)
                issues.append(issue)
        stats: dict[str, Any] = dict(self.stats)
        stats["languages"] = dict(self.page_languages)
        stats["other_language_words"] = dict(self.skipped_languages)
        return {"issues": issues, "stats": stats, "language_corrections": self.corrected}

    def _parts(self, lang: str, word: str, suggestions: tuple[str, ...]) -> list[list[Any]] | None:
        """Facts for the checks: is each part of a flagged word (or the word as a Dutch
        compound) known to the Hunspell dictionary? None when there is no dictionary."""
        lexicon = self.lexicon
        if lexicon is None:
            return None
        parts = [p for p in _HYPHEN.split(word) if p] if _HYPHEN.search(word) else [word]
        return [[p, bool(lexicon.known(lang, p) or lexicon.compound(lang, p, suggestions, known_suggestions=True))]
                for p in parts]


    def _known_elsewhere(self, lang: str, word: str) -> str | None:
        """Another checked language whose dictionary knows ``word`` (an English term in Dutch text)."""
        lexicon = self.lexicon
        if lexicon is None:
            return None
        for other in sorted(lexicon.languages):
            if primary(other) != primary(lang) and lexicon.known(other, word):
                return other
        return None


def _outside_ignored(text: str, matches: list[RawMatch]) -> list[RawMatch]:
    """Matches that touch no URL, address, number, handle, code or other script."""
    if not matches:
        return []  # most texts: the regex over the whole text costs more than everything else
    spans = ignored_spans(text)
    kept = []
    for m in matches:
        if m.length <= 0:
            continue
        end = m.offset + m.length
        if any(m.offset < e and s < end for s, e in spans):
            continue
        kept.append(m)
    return kept


def sentence_around(text: str, start: int, length: int) -> str:
    """The sentence holding ``text[start:start+length]``, cut to ``MAX_SENTENCE`` around it."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    after = _SENTENCE_END.search(text, start + length)
    end = after.end() if after else len(text)
    if end - begin > MAX_SENTENCE:
        begin = max(begin, start - MAX_SENTENCE // 2)
        end = min(end, begin + MAX_SENTENCE)
    return text[begin:end].strip()


def textual(page: Page) -> bool:
    """A page whose text is checked: HTML that loaded (2xx)."""
    return page.is_html and page.status is not None and 200 <= page.status < 300


def detect_languages(blocks: list[Block]) -> tuple[str | None, list[str | None]]:
    """The language the page's running text is in, and each block's own where it is long
    enough to tell (None otherwise): a pure function of the text, kept per page."""
    sample = " ".join(b.text for b in blocks if b.where in ("text", "heading"))[:5000]
    return detect(sample), [detect(b.text) if len(b.text.split()) >= MIN_DETECT_WORDS else None for b in blocks]
