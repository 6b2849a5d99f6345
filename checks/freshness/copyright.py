"""TP202 stale-copyright-year: the footer's copyright year is behind the current year."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from auditor.check import CheckContext, PageCheck
from auditor.html.lines import element_text
from auditor.model import Finding, Location
from auditor.page import Page

_YEAR = r"(?:19|20)\d{2}"
# © 2019, (c) 2015–2021, Copyright 2020, © Groenhuis 2021, Copyright © 2018 - 2020, 2021 ©
COPYRIGHT = re.compile(
    rf"(?:©|\(c\)|&copy;|\bcopyright\b|\bauteursrecht\w*)\s*(?:©\s*)?(?:[^\d©|\n]{{0,60}}?)"
    rf"(?P<first>{_YEAR})(?:\s*(?:-|–|—|/|t/m|tot|to|until)\s*(?P<last>{_YEAR}|\d{{2}}\b))?"
    rf"|(?P<before>{_YEAR})\s*(?:©|\(c\))",
    re.I,
)
_FOOTER_TAGS = etree.XPath("//footer|//*[@role='contentinfo']")
_FOOTER_NAMES = etree.XPath(" | ".join(
    f"//*[contains(@{attr}, '{word}')]" for attr in ("class", "id")
    for word in ("footer", "Footer", "FOOTER", "copyright", "Copyright", "colofon", "Colofon")))
_NOT_COPYRIGHT = re.compile(r"sinds|opgericht|since|founded|established|\best\.", re.I)
TAIL_CHARS = 600


@dataclass(frozen=True, slots=True)
class Copyright:
    """A copyright notice: the latest year it names and the notice as shown."""

    year: int
    text: str


def footer_text(tree: etree._Element, page_text: str) -> str:
    """The text of the page's footer(s); without a recognisable footer, the page's last words."""
    parts: list[str] = []
    seen: set[int] = set()
    for el in _FOOTER_TAGS(tree) or _FOOTER_NAMES(tree):
        if any(id(a) in seen for a in el.iterancestors()):
            continue
        seen.add(id(el))
        parts.append(element_text(el))
    return " \n ".join(parts) if parts else page_text[-TAIL_CHARS:]


def copyright_year(text: str) -> Copyright | None:
    """The newest year of the copyright notices in ``text`` (a footer may name several)."""
    best: Copyright | None = None
    for m in COPYRIGHT.finditer(text):
        if _NOT_COPYRIGHT.search(m.group(0)):
            continue
        years = [int(m.group("first") or m.group("before"))]
        last = m.group("last")
        if last:
            years.append(int(last) if len(last) == 4 else years[0] // 100 * 100 + int(last))
        year = max(years)
        if best is None or year > best.year:
            start = m.start()
            notice = " ".join(text[start:start + 80].split("\n")[0].split())
            best = Copyright(year, _trim(notice))
    return best


def _trim(notice: str) -> str:
    cut = re.search(r"[.|·•]\s|\s{2,}", notice[8:])
    return notice[:8 + cut.start() + 1] if cut else notice


@dataclass
class StaleCopyrightOptions:
    january_grace_days: int = 31

    def __post_init__(self) -> None:
        if not isinstance(self.january_grace_days, int) or not 0 <= self.january_grace_days <= 365:
            raise ValueError("january_grace_days must be a whole number of days from 0 to 365")


class StaleCopyrightYear(PageCheck):
    """The copyright year in the footer is behind the current year.

    What it checks
    --------------
    The footer (``<footer>``, ``role="contentinfo"``, an element whose class or id says footer
    or copyright; else the end of the page) is searched for a copyright notice: ``© 2019``,
    ``© 2015–2021``, ``Copyright 2020``, ``© Bedrijfsnaam 2021``. The newest year it names is
    compared with the year of the audit's date (``--as-of``). Last year's notice is accepted
    during the first ``january_grace_days`` days of the year (default 31). A footer repeated on
    every page is one finding listing the pages.

    Why it matters
    --------------
    An old copyright year is the first sign of a site nobody maintains, and it is visible on
    every page a prospect opens.

    How to fix
    ----------
    Update the year in the footer template, or let the site fill in the current year
    automatically (or drop the year: the copyright does not depend on it).
    """

    code = "TP202"
    name = "stale-copyright-year"
    family = "freshness"
    requires = ("pages",)
    default_severity = "info"
    Options = StaleCopyrightOptions

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if not page.is_html or page.status != 200:
            return
        notice = copyright_year(footer_text(page.tree, page.text))
        if notice is None or notice.year >= ctx.as_of.year:
            return
        in_grace = (ctx.as_of - dt.date(ctx.as_of.year, 1, 1)).days < self.options.january_grace_days
        if notice.year == ctx.as_of.year - 1 and in_grace:
            return
        yield self.finding(
            url=page.url, key=f"copyright|{notice.year}|{notice.text.lower()}",
            message=f"The footer says “{notice.text}”: the copyright year {notice.year} is behind "
                    f"{ctx.as_of.year}.",
            evidence={"year": notice.year, "notice": notice.text, "current_year": ctx.as_of.year},
            locations=[Location(url=page.url, text=notice.text, element="footer")],
        )

    def reuse_key(self, ctx: CheckContext) -> str | None:
        # The verdict reads the audit date's year and whether January's grace period applies.
        in_grace = (ctx.as_of - dt.date(ctx.as_of.year, 1, 1)).days < self.options.january_grace_days
        return f"{ctx.as_of.year}:{in_grace}"
