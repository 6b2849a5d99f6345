"""Which language a text is in, from its most common words.

Why not a statistical detector package: the audit only needs to tell Dutch from English
and both from "something else we do not check" (German, French …), on paragraphs of a
website, deterministically and fast. Function words do that well on a sentence or more;
on shorter text the answer is None and the page's declared language stands.
"""

from __future__ import annotations

import re
from functools import lru_cache

_COMMON = {
    "nl": "de het een en van in is dat op te zijn met voor niet aan er om ook als bij of uit door naar "
          "maar nog wel dan dit die wat u uw we wij ze je ons onze al over tot deze kan kunt wordt worden "
          "heeft hebben meer geen na zo was werd hun hij zij waar hoe mijn veel jaar alle",
    "en": "the and of to a in is that for it on with as are be this by you your at from or an was have "
          "not we our can will has but they more all which their been if its about there what when who "
          "would also into than them these were do does how here out",
    "de": "der die das und ist nicht ein eine zu den mit sich des auf für im dem von sie es auch wir "
          "ihr werden wird sind oder aber bei nach wie noch über so zum zur einen einer",
    "fr": "le la les de des et est un une du en que qui dans pour pas sur au aux avec ce ces il elle "
          "nous vous sont par plus ou mais son sa ses leur être avoir fait",
    "es": "el la los las de del y en que es un una por con para no se su sus al lo como más pero sí "
          "este esta son está muy también",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _COMMON.items()}
# token → the languages it is a function word of: one dict lookup per token, not one per language
_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in _WORDS.items():
    for _word in _words:
        _INDEX[_word] = (*_INDEX.get(_word, ()), _lang)
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MIN_HITS = 3


def detect(text: str) -> str | None:
    """The language code of ``text`` (nl, en, de, fr, es), or None when too short or unclear.

    A language wins with at least ``MIN_HITS`` function words and clearly more than the
    runner-up (Dutch and English share a few words: "in", "is", "we").
    """
    scores = dict.fromkeys(_WORDS, 0)
    index = _INDEX
    for token in _TOKEN.findall(text[:5000].lower()):
        langs = index.get(token)
        if langs is not None:
            for lang in langs:
                scores[lang] += 1
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < MIN_HITS or top < 1.5 * second + 1:
        return None
    return best


@lru_cache(maxsize=512)  # a handful of distinct tags, asked for every text block
def primary(tag: str | None) -> str | None:
    """``nl-NL`` → ``nl``; None for an empty or malformed tag."""
    if not tag:
        return None
    head = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return head if re.fullmatch(r"[a-z]{2,3}", head) else None
