"""Words of ads and pages: tokens, stop words, language guess and Snowball stems.

An ad says "zonnepanelen", the page "zonnepaneel"; an ad says "heat pumps", the page
"heat pump". Comparing Snowball stems (Dutch and English, and whatever other language
the page declares and Snowball knows) makes those the same word. Words that carry no
topic are dropped: stop words, and the words every ad uses ("bestel nu", "official
site", prices and dates, which TP504 judges on their own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

__all__ = ["content_words", "guess_language", "stem", "stems", "tokens"]

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

STOP_NL = frozenset("""
aan af al alle alles als altijd ander andere anders ben bent bij binnen da dan dat de der deze die dit doch doen
door dus een eens elk en er ergens geen geweest haar had heb hebben heeft hem het hier hij hoe hun ieder iemand
iets ik in is ja je jij jou jouw jullie kan kon kunnen kunt maar me meer men met mij mijn moet na naar niet niets
nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van veel voor waar wanneer
want waren was wat we wel werd wie wij wil wilt worden wordt zal ze zei zelf zich zij zijn zo zonder zou zoals
hoe welk welke ben nee the hier daar deze dezelfde heel erg echt even alleen zeer mag moeten kunt
""".split())
STOP_EN = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
ours out over own same she should so some such than that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why will with would you
your yours yourself get got also may might must shall us let lets
""".split())
# Words every ad uses whatever it sells, and offer vocabulary (TP504 judges offers).
AD_FILLER = frozenset("""
nu vandaag direct snel bestel bestellen koop kopen bekijk ontdek klik hier lees info informatie online officieel
officiele officiële website site webshop shop nieuw nieuwe beste goedkoop goedkope voordelig voordelige gratis
korting kortingscode actie acties aanbieding aanbiedingen vanaf prijs prijzen euro eur code promo promotie sale
deal deals week maand jaar dag dagen maanden alleen geldig tm tot en met ruim slechts inclusief incl exclusief excl
vraag vragen meld aanmelden mis nodig sinds zoekt zoek zoeken keuze kies kiezen plan plannen maak maken makkelijk
eenvoudig eenvoudige goed goede mooiste perfect perfecte ideaal ideale elke elk iedereen graag tijd echt helemaal
jouw klaar profiteer profiteren ontvang ontvangen krijg krijgen regel regelen waar extra top kwaliteit
per kilo kg gram liter stuk stuks persoon personen pp
now today order buy shop shopping discover click here learn more read official website site online new best
cheap cheapest free discount discounts offer offers sale deal deals from only price prices code promo coupon
voucher off save week month year day days valid until ends end get book incl including excluding ltd inc
need looking since one many like join place way simple easy make made every everything help want great top
quality perfect right fast quick first best better start started try trying love
per each piece pieces person people kilo kg
""".split())
STOPWORDS = {"nl": STOP_NL, "en": STOP_EN}
_SNOWBALL = {"nl": "dutch", "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
             "pt": "portuguese", "da": "danish", "sv": "swedish", "no": "norwegian", "nb": "norwegian",
             "fi": "finnish"}


def tokens(text: str) -> list[str]:
    """Lower-cased words (letters only; hyphenated words split: ``cv-ketel`` → ``cv``, ``ketel``)."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def guess_language(text: str, declared: str | None = None) -> str | None:
    """``nl`` or ``en`` from stop-word counts; a page's declared ``lang`` wins when it is given."""
    if declared:
        primary = declared.strip().lower().replace("_", "-").split("-")[0]
        if primary:
            return primary
    words = tokens(text[:20_000])
    nl = sum(1 for w in words if w in STOP_NL and w not in STOP_EN)
    en = sum(1 for w in words if w in STOP_EN and w not in STOP_NL)
    if nl == en:
        return None
    return "nl" if nl > en else "en"


@lru_cache(maxsize=16)
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    algorithm = _SNOWBALL.get(language)
    return snowballstemmer.stemmer(algorithm) if algorithm else None


@lru_cache(maxsize=200_000)
def stem(word: str, language: str | None) -> str:
    """The Snowball stem of a lower-cased word (the word itself when the language has no stemmer)."""
    stemmer = _stemmer(language or "nl")
    return stemmer.stemWord(word) if stemmer else word


def stems(words: Iterable[str], language: str | None) -> set[str]:
    return {stem(w, language) for w in words}


def content_words(text: str, language: str | None) -> list[str]:
    """The words that say what a text is about, in order, each once (surface forms)."""
    stop = STOPWORDS.get(language or "", STOP_NL | STOP_EN)
    seen: dict[str, None] = {}
    for word in tokens(text):
        if len(word) < 2 or word in stop or word in AD_FILLER or word in STOP_NL or word in STOP_EN:
            continue
        seen.setdefault(word, None)
    return list(seen)
