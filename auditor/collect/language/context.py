"""What surrounds a flagged span in its block: facts the checks weigh before asserting an error.

Why: on real sites most of what a dictionary does not know is a name or a title, not a
typo. A reader knows a name by its looks: capitalised in the middle of a sentence, a run
of capitalised words ("Aquaman and the Lost Kingdom", "Kōji Yakusho"), words in quotes or
italics, the text of a link to another site. These are facts of the text, gathered here
with the page's markup (``Block.marks``); ``checks/spelling.py`` decides what they mean.
"""

from __future__ import annotations

import re

CONTEXT_CHARS = 40
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;•|·–—]\s*[\"'“„‘(\[]*|\n\s*)$")
_QUOTED = re.compile(r"“[^”]{1,160}”|„[^”“\"]{1,160}[”“\"]|\"[^\"]{1,160}\"|«[^»]{1,160}»|‘[^’]{1,160}’(?!\w)")
_NEXT_WORD = re.compile(r"\s+([^\W\d_])")
MAX_CONNECTORS = 2  # lowercase words allowed inside a capitalised run: "and the", "no", "wa"
CONNECTOR_CHARS = 4


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _next_capitalised(text: str, end: int) -> bool:
    following = _NEXT_WORD.match(text, end)
    return bool(following and following.group(1).isupper())


def _sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 6):start]))


def _runs(text: str) -> list[tuple[int, int]]:
    """Spans of two or more capitalised words, with up to ``MAX_CONNECTORS`` short lowercase
    words between them ("Lost Kingdom", "Aquaman and the Lost Kingdom", "Kimitachi wa Dō")."""
    runs: list[tuple[int, int]] = []
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i].group()):
            i += 1
            continue
        caps, end, j, pending = 1, i, i + 1, 0
        while j < len(tokens):
            gap = text[tokens[j - 1].end():tokens[j].start()]
            if gap.strip():  # punctuation ends a run
                break
            word = tokens[j].group()
            if _capitalised(word):
                caps, end, pending = caps + 1, j, 0
            elif len(word) <= CONNECTOR_CHARS and pending < MAX_CONNECTORS:
                pending += 1
            else:
                break
            j += 1
        if caps >= 2:
            runs.append((tokens[i].start(), tokens[end].end()))
        i = end + 1 if caps >= 2 else i + 1
    return runs


def name_reason(text: str, start: int, end: int, marks: tuple[tuple[int, int, str], ...] = ()) -> str | None:
    """Why ``text[start:end]`` reads as a name or title (None: it does not)."""
    for m_start, m_end, kind in marks:
        if m_start < end and start < m_end:
            return kind
    for quoted in _QUOTED.finditer(text):
        if quoted.start() < start and end < quoted.end():
            return "quoted"
    for r_start, r_end in _runs(text):
        if r_start <= start and end <= r_end:
            # A sentence's first word is capitalised anyway: it starts a name ("Kōji Yakusho
            # won") only when a capitalised word follows at once ("Experiance the Cornish
            # coast" is no name).
            if r_start == start and _sentence_start(text, start) and not _next_capitalised(text, end):
                continue
            return "capitalised run"
    word = text[start:end]
    if _capitalised(word) and not _sentence_start(text, start) and not word.isupper():
        return "capitalised mid-sentence"
    return None


def around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text just before and just after the span, within its block."""
    return text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]
