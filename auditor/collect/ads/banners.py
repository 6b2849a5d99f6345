"""Banners on the site itself, treated as internal ads (``[collectors.ads] internal_ads = true``).

A promotional banner ("Voorjaarsactie: tot € 500 korting … Bekijk de actievoorwaarden")
makes a promise exactly as a paid ad does, and its link must keep it. A banner is an
element whose class or id says so (banner, promo, actie, aanbieding, offer, teaser, cta),
outside the header, menus and footer, with a few words of text, and that links to
exactly one other page of the site: a hero with three buttons is a menu, not an offer.
The same banner on many pages (a site-wide strip) is one ad.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from auditor.collect.ads.csv_file import Ad
from auditor.page import Page
from auditor.urls import resolve

__all__ = ["find_banners"]

MAX_BANNERS = 200
MAX_TEXT = 300
MIN_WORDS = 4
_BANNER = etree.XPath(
    "//*[not(self::body or self::main or self::html or ancestor::nav or ancestor::header or ancestor::footer)]"
    "[re:test(concat(@class, ' ', @id), "
    "'(^|[\\s_-])(banner|promo|promotie|actie|aanbieding|offer|teaser|cta|campaign|campagne)([\\s_-]|$)', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"})
_WS = re.compile(r"\s+")


def _text(element: etree._Element) -> str:
    return _WS.sub(" ", element.text_content()).strip()


def find_banners(pages: Iterable[Page], is_internal: Callable[[str], bool]) -> list[Ad]:
    """The site's banners as ads (``source_format`` ``site-banner``; ``extra.found_on`` names the page)."""
    found: dict[tuple[str, str], Ad] = {}
    for page in pages:
        if not page.is_html or page.status != 200:
            continue
        banners = _BANNER(page.tree)
        outer = set(banners)
        for element in banners:
            if any(a in outer for a in element.iterancestors()):
                continue  # the outer banner holds this one
            hrefs = (resolve(page.final_url, a.get("href") or "") for a in element.iter("a"))
            targets = {r[0] for r in hrefs if r and is_internal(r[0]) and r[0] != page.final_url}
            if len(targets) != 1:
                continue
            target = targets.pop()
            headings = element.xpath(".//h1|.//h2|.//h3|.//h4|.//strong")
            heading = headings[0] if headings else None
            text = _text(element)[:MAX_TEXT]
            headline = _text(heading)[:120] if heading is not None else text[:80]
            key = (text, target)
            if key in found or len(text.split()) < MIN_WORDS:
                continue  # a bare "Brochure aanvragen" button promises nothing to check
            found[key] = Ad(ad_id=f"banner: {headline[:60]}", headlines=(headline,),
                            descriptions=(text,) if text != headline else (), final_url=target,
                            source_format="site-banner", extra={"found_on": page.url}, id_given=False)
            if len(found) >= MAX_BANNERS:
                return list(found.values())
    return list(found.values())
