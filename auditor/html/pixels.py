"""How wide a title is in a search result, in pixels, the way Google cuts it off (TP803, and
the search result the report draws).

Google shows a desktop result's title in Arial at 20 px in a box about 600 px wide, and
cuts a longer title at a word with "…" (in 2024-2025 measurements the cut falls between
580 and 600 px; we take 600). Characters differ a lot in width ("iii" vs "WWW"), so a
character count is a poor guide: 60 "W"s do not fit, 75 "i"s do.

The table holds Arial's advance widths in thousandths of an em, which are Helvetica's
(the Adobe Core 14 AFM metrics; Liberation Sans, on most Linux machines, has the same
widths). Accented Latin letters take the width of their base letter; East Asian wide and
full-width characters one em; anything else not listed the width of "n" (556).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

TITLE_FONT_PX = 20
TITLE_WIDTH_PX = 600
_DEFAULT = 556
_WIDE = 1000

# Arial / Helvetica advance widths, 1/1000 em.
_WIDTHS = {
    " ": 278, "!": 278, '"': 355, "#": 556, "$": 556, "%": 889, "&": 667, "'": 191, "(": 333, ")": 333, "*": 389,
    "+": 584, ",": 278, "-": 333, ".": 278, "/": 278, ":": 278, ";": 278, "<": 584, "=": 584, ">": 584, "?": 556,
    "@": 1015, "[": 278, "\\": 278, "]": 278, "^": 469, "_": 556, "`": 333, "{": 334, "|": 260, "}": 334, "~": 584,
    **dict.fromkeys("0123456789", 556),
    "A": 667, "B": 667, "C": 722, "D": 722, "E": 667, "F": 611, "G": 778, "H": 722, "I": 278, "J": 500, "K": 667,
    "L": 556, "M": 833, "N": 722, "O": 778, "P": 667, "Q": 778, "R": 722, "S": 667, "T": 611, "U": 722, "V": 667,
    "W": 944, "X": 667, "Y": 667, "Z": 611,
    "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556, "i": 222, "j": 222, "k": 500,
    "l": 222, "m": 833, "n": 556, "o": 556, "p": 556, "q": 556, "r": 333, "s": 500, "t": 278, "u": 556, "v": 500,
    "w": 722, "x": 500, "y": 500, "z": 500,
    "\u2013": 556, "\u2014": 1000, "\u2018": 222, "\u2019": 222, "\u201c": 333, "\u201d": 333, "\u2022": 350,
    "\u2026": 1000, "\u00a0": 278, "\u00b7": 278, "\u00ab": 556, "\u00bb": 556, "\u00a9": 737, "\u00ae": 737,
    "\u20ac": 556, "\u00df": 611, "\u00e6": 889, "\u00c6": 1000, "\u00f8": 611, "\u00d8": 778, "\u2122": 1000,
}


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Advance width of one character in 1/1000 em (see the module docstring)."""
    width = _WIDTHS.get(char)
    if width is not None:
        return width
    base = unicodedata.normalize("NFD", char)[:1]
    if base != char and base in _WIDTHS:
        return _WIDTHS[base]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE
    if unicodedata.category(char).startswith("M"):
        return 0  # combining marks sit on the letter before
    return _DEFAULT


def text_width(text: str, font_px: int = TITLE_FONT_PX) -> float:
    """Width of ``text`` in pixels at ``font_px`` in Arial."""
    return sum(char_width(c) for c in text) * font_px / 1000


def truncate(text: str, max_px: float = TITLE_WIDTH_PX, font_px: int = TITLE_FONT_PX) -> str:
    """``text`` as a result shows it: whole when it fits, else cut at a word with " …"."""
    if text_width(text, font_px) <= max_px:
        return text
    room = max_px - text_width(" …", font_px)
    out, used = [], 0.0
    for word in text.split(" "):
        width = text_width(word + " ", font_px)
        if used + width > room:
            break
        out.append(word)
        used += width
    return (" ".join(out) or text[: max(1, int(room / (_DEFAULT * font_px / 1000)))]).rstrip(" ,.-|:") + " …"
