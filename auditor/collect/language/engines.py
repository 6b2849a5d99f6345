"""The two ways text gets checked: LanguageTool (spelling and grammar) and Hunspell
(spelling only, the fallback where no LanguageTool can be had).

Both answer ``check_many(lang, texts)`` with LanguageTool-shaped matches, so everything
after them (cache, de-duplication, the checks) is the same whichever ran. ``identity``
names the engine, its version and its dictionaries: the cache key includes it.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

BATCH_CHARS = 12_000  # texts per LanguageTool request: fewer round trips, bounded latency
MIN_BATCH_CHARS = 2_000
MAX_SUGGESTIONS = 5
SLOW_SUGGESTIONS = 200
_ALPHABET = "abcdefghijklmnopqrstuvwxyzéèëêïöüáóú"
# Dutch separable-verb particles: "mee" + "schieten" is a word no dictionary lists.
SEPARABLE_PARTICLES = ("mee", "op", "af", "aan", "uit", "door", "toe", "terug", "bij", "weg", "neer", "samen",
                       "tegen", "vast", "los", "na", "in", "over", "voor", "om")
# Rules that judge layout, not language: web text cut into blocks trips them constantly.
DEFAULT_DISABLED_RULES = ("WHITESPACE_RULE", "UPPERCASE_SENTENCE_START", "PUNCTUATION_PARAGRAPH_END",
                          "COMMA_PARENTHESIS_WHITESPACE", "SENTENCE_WHITESPACE", "EN_UNPAIRED_BRACKETS",
                          "UNPAIRED_BRACKETS", "EN_UNPAIRED_QUOTES")
SPELLING_CATEGORIES = frozenset({"TYPOS"})
STYLE_CATEGORIES = frozenset({"STYLE", "REDUNDANCY", "PLAIN_ENGLISH", "TYPOGRAPHY", "REPETITIONS_STYLE",
                              "GENDER_NEUTRALITY", "TEXT_ANALYSIS", "WIKIPEDIA"})
STYLE_ISSUE_TYPES = frozenset({"style", "typographical", "whitespace", "register", "locale-violation",
                               "formatting", "length", "terminology"})
# Our language tags → Hunspell dictionaries; a word any of them knows is known. Both
# English spellings count as English: many sites declare only "en".
HUNSPELL_DICTS = {"nl": ("nl_NL", "nl"), "nl-BE": ("nl_BE", "nl"), "en-US": ("en_US", "en_GB"),
                  "en-GB": ("en_GB", "en_US")}
_DICTIONARY_RULE = re.compile(r"MORFOLOGIK|HUNSPELL|SPELLER|SPELLING_RULE")
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_DICT_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")


@dataclass(frozen=True, slots=True)
class RawMatch:
    """One thing the engine flagged in one text: where, which rule, what it says."""

    offset: int
    length: int
    rule: str
    category: str
    issue_type: str
    message: str
    suggestions: tuple[str, ...] = ()

    @property
    def dictionary(self) -> bool:
        """A word the dictionary does not know (not a rule about its use in context)."""
        return bool(_DICTIONARY_RULE.search(self.rule))

    @property
    def kind(self) -> str:
        """spelling (TP301), style (off by default) or grammar (TP302)."""
        if self.category in SPELLING_CATEGORIES:
            return "spelling"
        if self.category in STYLE_CATEGORIES or self.issue_type in STYLE_ISSUE_TYPES:
            return "style"
        return "grammar"

    def to_list(self) -> list[Any]:
        return [self.offset, self.length, self.rule, self.category, self.issue_type, self.message,
                list(self.suggestions)]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> RawMatch:
        return cls(int(data[0]), int(data[1]), str(data[2]), str(data[3]), str(data[4]), str(data[5]),
                   tuple(data[6]))


class Engine:
    """What the collector needs from a checker. ``grammar`` False: spelling only."""

    name = ""
    grammar = False
    identity = ""

    def check_many(self, lang: str, texts: list[str]) -> list[list[RawMatch]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the engine holds (threads, a server it started)."""


# -- Hunspell ------------------------------------------------------------------------

class Lexicon:
    """Hunspell dictionaries through pyenchant: is a word (or a compound of two) known?

    Dutch writes compounds as one word (``warmteverliesberekening``) and no dictionary
    lists them all, so a Dutch word of two known parts of at least four letters each
    counts as known (``lage`` + ``temperatuurradiatoren``); a typo rarely splits so.
    """

    def __init__(self, dicts: dict[str, list[Any]], identity: str) -> None:
        self._dicts = dicts
        self.identity = identity
        self._lock = threading.Lock()  # one hunspell handle is not safe across threads
        self._slow_left = SLOW_SUGGESTIONS
        # A site repeats its words across texts: every look-up is memoised per word.
        self.known = lru_cache(maxsize=200_000)(self._known)
        self.near = lru_cache(maxsize=50_000)(self._one_edit_words)
        self.suggest = lru_cache(maxsize=50_000)(self._suggest)

    @classmethod
    def load(cls, langs: Sequence[str]) -> Lexicon:
        """The dictionaries for ``langs``; raises RuntimeError with what to install."""
        try:
            import enchant
        except (ImportError, OSError) as exc:
            raise RuntimeError(f"pyenchant cannot load libenchant ({exc}); install libenchant-2-2") from None
        dicts: dict[str, list[Any]] = {}
        ident: list[str] = [f"enchant {getattr(enchant, '__version__', '?')}"]
        for lang in langs:
            for tag in HUNSPELL_DICTS.get(lang, ()):
                if enchant.dict_exists(tag):
                    dicts.setdefault(lang, []).append(enchant.Dict(tag))
                    ident.append(f"{lang}={tag}:{_dictionary_stamp(tag)}")
                    if lang.startswith("nl"):
                        break  # nl_NL and nl are the same words
        if not dicts:
            raise RuntimeError(f"no Hunspell dictionary for {', '.join(langs)} (install hunspell-nl hunspell-en-us)")
        return cls(dicts, " ".join(ident))

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._dicts)

    def _check(self, lang: str, word: str) -> bool:
        with self._lock:
            return any(d.check(word) for d in self._dicts[lang])

    def _known(self, lang: str, word: str) -> bool | None:
        """In the dictionary (None: no dictionary for ``lang``). Compounds: ``compound``."""
        if lang not in self._dicts:
            return None
        word = word.replace("’", "'")
        if self._check(lang, word):
            return True
        if word.startswith(("Eé", "EÉ")):  # Dutch: "Eén" is the capitalised form of "één"
            return self._check(lang, "é" + word[1:].lower())
        return False

    def compound(self, lang: str, word: str, suggestions: Sequence[str] = (), *,
                 known_suggestions: bool = False) -> tuple[str, str] | None:
        """Two known parts of four letters or more (with a linking s, e or en), or None.

        Only for Dutch, and not when a dictionary word or a plain word (no compound itself)
        is one keystroke away: ``verschill`` splits into ``vers`` + ``chill`` but is
        ``verschil`` mistyped. A separable-verb particle counts as a first part (``mee`` + ``schieten``).
        """
        w = word.lower()
        if not lang.startswith("nl") or lang not in self._dicts or len(w) < 8 or not w.isalpha():
            return None
        if any(one_edit(w, s.lower()) and not self._split(lang, s.lower()) for s in suggestions):
            return None
        split = self._split(lang, w)
        # With ``known_suggestions`` (LanguageTool's, all dictionary words), a word one
        # keystroke from a known word is a compound only of two long parts: "programeren" is
        # "programmeren" mistyped, not "program" + "eren"; "sticktechniek" stays a compound.
        if split and known_suggestions and min(len(split[0]), len(split[1])) < 5 and \
                any(one_edit(w, s.lower()) and self._check(lang, s) for s in suggestions):
            return None
        return split

    def _split(self, lang: str, w: str) -> tuple[str, str] | None:
        for particle in SEPARABLE_PARTICLES:  # meeschieten, terugbellen: a particle and a known verb
            if w.startswith(particle) and len(w) - len(particle) >= 5 and self._check(lang, w[len(particle):]):
                return particle, w[len(particle):]
        for i in range(len(w) - 4, 3, -1):
            head, tail = w[:i], w[i:]
            if not self._check(lang, tail):
                continue
            for link in ("", "s", "e", "en"):
                stem = head[: len(head) - len(link)] if link else head
                if (not link or head.endswith(link)) and len(stem) >= 4 and self._check(lang, stem):
                    return head, tail
        return None

    def _suggest(self, lang: str, word: str) -> tuple[str, ...]:
        """Known words one keystroke away (fast: ~650 look-ups); Hunspell's own suggestions
        (~0.15 s a word) only for lowercase words without such neighbours, and at most
        ``SLOW_SUGGESTIONS`` times a run: a site's many unknown names must not cost minutes."""
        if lang not in self._dicts:
            return ()
        near = self.near(lang, word)
        if near or not word.islower() or self._slow_left <= 0:
            return near
        self._slow_left -= 1
        with self._lock:
            return tuple(self._dicts[lang][0].suggest(word)[:MAX_SUGGESTIONS])

    def _one_edit_words(self, lang: str, word: str) -> tuple[str, ...]:
        if lang not in self._dicts:
            return ()
        w = word.lower()
        cap = word[:1].isupper()
        splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
        # Most likely first: a doubled letter, swapped letters, a wrong one, a missing one.
        candidates = [a + b[1:] for a, b in splits if b]
        candidates += [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
        candidates += [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
        candidates += [a + c + b for a, b in splits for c in _ALPHABET]
        found: list[str] = []
        for cand in dict.fromkeys(candidates):
            if cand == w or not cand:
                continue
            shown = cand[:1].upper() + cand[1:] if cap else cand
            if self._check(lang, shown) or (cap and self._check(lang, cand)):
                found.append(shown)
                if len(found) >= MAX_SUGGESTIONS:
                    break
        return tuple(found)


def one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one insertion, deletion, substitution or transposition."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    return a[i + 1:] == b[i + 1:] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and
                                      a[i + 2:] == b[i + 2:])


def _dictionary_stamp(tag: str) -> str:
    for folder in _DICT_DIRS:
        dic = Path(folder) / f"{tag}.dic"
        if dic.is_file():
            st = dic.stat()
            return hashlib.blake2b(f"{st.st_size}:{int(st.st_mtime)}".encode(), digest_size=6).hexdigest()
    return "unknown"


class HunspellEngine(Engine):
    """Spelling only: every word the dictionary does not know (nor its compound parts)."""

    name = "hunspell"
    grammar = False

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.identity = f"hunspell {lexicon.identity}"
        self._messages = {"nl": "Mogelijke spelfout.", "en": "Possible spelling mistake."}

    def check_many(self, lang: str, texts: list[str]) -> list[list[RawMatch]]:
        rule = f"HUNSPELL_{lang.upper().replace('-', '_')}"
        message = self._messages.get(lang[:2], "Possible spelling mistake.")
        out: list[list[RawMatch]] = []
        for text in texts:
            found = []
            for m in _WORD.finditer(text):
                word = m.group().rstrip("'’")
                # One- and two-letter words are abbreviations (vr, wo) far more often than typos.
                if len(word) < 3 or self.lexicon.known(lang, word):
                    continue
                if self.lexicon.compound(lang, word, self.lexicon.near(lang, word)):
                    continue
                found.append(RawMatch(m.start(), len(word), rule, "TYPOS", "misspelling", message,
                                      self.lexicon.suggest(lang, word)))
            out.append(found)
        return out


# -- LanguageTool --------------------------------------------------------------------

class LanguageToolEngine(Engine):
    """A LanguageTool server (ours, the user's, or the package's download), spoken to
    through language-tool-python; texts are batched per request and sent in parallel.

    ``start`` (when given) is called on the first text to check and returns the server's
    URL: a run whose texts all come from the cache never starts a JVM.
    """

    name = "languagetool"
    grammar = True

    def __init__(self, url: str | None, version: str, *, start: Callable[[], str] | None = None,
                 picky: bool = False, disabled_rules: Sequence[str] = (), workers: int = 2,
                 on_close: Callable[[], None] | None = None, batch_chars: int = BATCH_CHARS) -> None:
        self.url = url
        self._start = start
        self.started = False  # True once ``start`` ran: the server is ours to stop
        self.version = version
        self.picky = picky
        self.disabled_rules = sorted(set(DEFAULT_DISABLED_RULES) | set(disabled_rules))
        self.identity = f"languagetool {version} picky={picky} off={','.join(self.disabled_rules)}"
        self._tools: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.workers = max(1, workers)
        self.batch_chars = batch_chars
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="languagetool")
        self._on_close = on_close

    def _tool(self, lang: str) -> Any:
        with self._lock:
            tool = self._tools.get(lang)
            if tool is None:
                import language_tool_python

                if self.url is None and self._start is not None:
                    self.url = self._start()
                    self.started = True

                tool = language_tool_python.LanguageTool(lang, remote_server=self.url)
                tool.disabled_rules = set(self.disabled_rules)
                tool.picky = self.picky
                self._tools[lang] = tool
            return tool

    def check_many(self, lang: str, texts: list[str]) -> list[list[RawMatch]]:
        """Texts in batches of up to ``batch_chars`` (smaller when that keeps every worker
        busy), one request per batch, ``workers`` requests at a time."""
        tool = self._tool(lang)
        total = sum(len(t) + 2 for t in texts)
        limit = max(MIN_BATCH_CHARS, min(self.batch_chars, -(-total // self.workers)))
        batches: list[list[int]] = [[]]
        size = 0
        for i, text in enumerate(texts):
            if batches[-1] and size + len(text) > limit:
                batches.append([])
                size = 0
            batches[-1].append(i)
            size += len(text) + 2
        out: list[list[RawMatch]] = [[] for _ in texts]
        futures = [self._pool.submit(self._check_within_limit, tool, [texts[i] for i in batch]) for batch in batches]
        for batch, future in zip(batches, futures, strict=True):
            for j, matches in enumerate(future.result()):
                out[batch[j]] = matches
        return out

    def _check_within_limit(self, tool: Any, texts: list[str]) -> list[list[RawMatch]]:
        """A batch the server refuses as too long (a public or configured server's text
        limit) is split in two, and later batches are kept under half its size."""
        try:
            return self._check_batch(tool, texts)
        except Exception as exc:
            said = str(exc).lower()
            if len(texts) < 2 or not ("limit" in said or "413" in said or "too long" in said):
                raise
            self.batch_chars = max(MIN_BATCH_CHARS, sum(len(t) + 2 for t in texts) // 2)
            half = len(texts) // 2
            return self._check_within_limit(tool, texts[:half]) + self._check_within_limit(tool, texts[half:])

    @staticmethod
    def _check_batch(tool: Any, texts: list[str]) -> list[list[RawMatch]]:
        """One request for several texts (paragraphs apart); matches mapped back to each."""
        starts, pos = [], 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + 2
        joined = "\n\n".join(texts)
        out: list[list[RawMatch]] = [[] for _ in texts]
        for m in tool.check(joined):
            # language-tool-python 3 names fields in snake_case, 2.x in camelCase.
            offset = int(m.offset)
            length = int(getattr(m, "error_length", None) or getattr(m, "errorLength", 0) or 0)
            i = bisect.bisect_right(starts, offset) - 1
            local = offset - starts[i]
            if i < 0 or local + length > len(texts[i]):
                continue  # spans two texts: an artefact of joining them
            out[i].append(RawMatch(
                local, length, str(getattr(m, "rule_id", "") or getattr(m, "ruleId", "")),
                str(getattr(m, "category", "") or ""),
                str(getattr(m, "rule_issue_type", None) or getattr(m, "ruleIssueType", "") or ""),
                str(getattr(m, "message", "") or "")[:500],
                tuple(str(r) for r in (getattr(m, "replacements", None) or [])[:MAX_SUGGESTIONS]),
            ))
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        for tool in self._tools.values():
            with contextlib.suppress(Exception):  # a remote tool holds nothing worth failing over
                tool.close()
        self._tools.clear()
        if self._on_close is not None:
            self._on_close()
