"""Checks for Dutch business websites: a real legal requirement, as an example plugin.

Dutch law (Handelsregisterbesluit 2008, art. 49/50) requires a business website to show
its Chamber of Commerce (KvK) number, and the GDPR requires a privacy statement that a
visitor can reach; in practice both sit in the footer of every page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor import CheckContext, Finding, Page, PageCheck

# "KvK 12345678", "KvK-nummer: 1234 5678", "Kamer van Koophandel 12345678", "CoC 12345678"
_KVK = re.compile(r"(kvk|k\.v\.k\.|kamer van koophandel|chamber of commerce|coc)[^0-9]{0,20}(\d[\s.]?){8}", re.I)
_PRIVACY = re.compile(r"privacy|privacyverklaring|privacybeleid|privacy statement|privacy policy", re.I)


class KvkNumberMissing(PageCheck):
    """The page does not show the company's KvK (Chamber of Commerce) number.

    What it checks
    --------------
    The visible text of every page must contain a KvK number: "KvK", "Kamer van
    Koophandel" or "Chamber of Commerce" followed by eight digits.

    Why it matters
    --------------
    Dutch law requires a business website to show its KvK number, and prospects use it
    to check that a company is real before they get in touch.

    How to fix
    ----------
    Add "KvK 12345678" (your number) to the footer template, so it is on every page.
    """

    code = "NLB101"
    name = "kvk-number-missing"
    family = "nl-business"
    requires = ("pages",)
    default_severity = "warning"

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if page.status == 200 and not _KVK.search(page.text):
            yield self.finding(url=page.url, key="site", message="Pages without the KvK number.",
                               evidence={"looked_for": "KvK / Kamer van Koophandel followed by 8 digits"})


@dataclass
class PrivacyOptions:
    """``link_words``: extra words that mark a link to the privacy statement."""

    link_words: tuple[str, ...] = ()


class PrivacyLinkMissing(PageCheck):
    """The page has no link to the privacy statement.

    What it checks
    --------------
    Every page must link to the privacy statement: a link whose text or address says
    "privacy" (privacyverklaring, privacybeleid, privacy policy …).

    Why it matters
    --------------
    The GDPR requires that visitors can find how their data is used, and a prospect who
    is about to fill in a form looks for it.

    How to fix
    ----------
    Add a link to the privacy statement to the footer template.
    """

    code = "NLB102"
    name = "privacy-link-missing"
    family = "nl-business"
    requires = ("pages",)
    default_severity = "warning"
    Options = PrivacyOptions

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        words = [w.lower() for w in self.options.link_words]
        for link in page.links:
            if link.element == "a" and (_PRIVACY.search(link.text) or _PRIVACY.search(link.url)
                                        or any(w in link.text.lower() for w in words)):
                return
        if page.status == 200:
            yield self.finding(url=page.url, key="site", message="Pages without a link to the privacy statement.")
