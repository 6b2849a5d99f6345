"""The search result a page makes (TP801–TP807): its title and its meta description.

Site checks over the stored head facts: duplicates need every page, and the rest reads
the same stream, so no page is parsed twice. Only pages that answered with HTML are
judged; duplicates only among indexable pages (not ``noindex``, not canonicalised to
another address), as a search engine shows only those.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.html.head import HeadFacts
from auditor.html.pixels import TITLE_FONT_PX, TITLE_WIDTH_PX, text_width, truncate
from auditor.model import Finding, Location
from checks.impression.facts import indexable, is_home, normalised_text, site_heads

MAX_LOCATIONS_TEXT = 120


class MissingTitle(SiteCheck):
    """A page without a title, or with an empty one.

    What it checks
    --------------
    Every HTML page the crawl read that has no ``<title>`` element, or one with no text.

    Why it matters
    --------------
    The title is the blue line of a search result and the text of the browser tab and of a
    bookmark. Without one, search engines make up a title from the page, often badly, and a
    prospect scanning results or tabs cannot tell what the page is about.

    How to fix
    ----------
    Give every page a ``<title>`` that says what the page offers first and the organisation's
    name last, e.g. "Warmtepomp laten plaatsen in Utrecht | Groenhuis Installatie".
    """

    code = "TP801"
    name = "missing-title"
    family = "impression"
    requires = ("pages",)
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for head in site_heads(site):
            if not (head.title or "").strip():
                state = "has no <title>" if head.title is None else "has an empty <title>"
                yield self.finding(url=head.url, message=f"The page {state}.",
                                   evidence={"title": head.title, "missing": head.title is None})


def _grouped(site: SiteView, value: str) -> dict[str, list[HeadFacts]]:
    groups: dict[str, list[HeadFacts]] = defaultdict(list)
    for head in site_heads(site):
        text = head.title if value == "title" else head.description
        if text and text.strip() and indexable(head):
            groups[normalised_text(text)].append(head)
    return groups


class DuplicateTitle(SiteCheck):
    """Several indexable pages with the same title.

    What it checks
    --------------
    Titles shared by two or more pages that a search engine may show (not ``noindex``, not
    canonicalised elsewhere), compared without regard to case and spacing. One finding per
    title, listing every page that has it.

    Why it matters
    --------------
    Results with the same title look like the same page: a prospect cannot pick the right
    one, and the search engine may show only one of them, or rewrite the titles itself.

    How to fix
    ----------
    Make each title say what that page offers (the service, the product, the town), or, if
    the pages really are the same, keep one and point the others to it with a canonical.
    """

    code = "TP802"
    name = "duplicate-title"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for key, heads in sorted(_grouped(site, "title").items()):
            if len(heads) < 2:
                continue
            title = heads[0].title or ""
            yield self.finding(
                url=heads[0].url, key=key, locations=[Location(h.url, (h.title or "")[:MAX_LOCATIONS_TEXT], "title")
                                                      for h in heads[: ctx.max_locations]],
                occurrences=len(heads), message=f"{len(heads)} pages have the title {title!r}.",
                evidence={"title": title, "pages": len(heads)})


@dataclass
class TitleTooLongOptions:
    max_pixels: int = TITLE_WIDTH_PX

    def __post_init__(self) -> None:
        if self.max_pixels < 100:
            raise ValueError("max_pixels must be at least 100")


class TitleTooLong(SiteCheck):
    """A title too wide for a search result, which cuts it off.

    What it checks
    --------------
    The title's width in pixels as a desktop search result draws it (Arial, 20 px; the
    width table is in ``auditor/html/pixels.py``), against the room Google gives it
    (``max_pixels``, default 600). Pixels, not characters: "iiii" is narrow, "WWWW" wide.

    Why it matters
    --------------
    A longer title is cut off with "…", and the words that go are usually the ones at the
    end: the organisation's name, or what makes the offer different.

    How to fix
    ----------
    Put what matters first and shorten the rest: drop filler ("Welkom op de website van"),
    repeated keywords and long separators. The evidence shows what the result shows.
    """

    code = "TP803"
    name = "title-too-long"
    family = "impression"
    requires = ("pages",)
    default_severity = "info"
    Options = TitleTooLongOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        limit = self.options.max_pixels
        for head in site_heads(site):
            title = (head.title or "").strip()
            width = text_width(title)
            if width > limit:
                yield self.finding(
                    url=head.url, message=f"The title is {width:.0f} px wide; a search result shows {limit} px.",
                    evidence={"title": title, "pixels": round(width), "max_pixels": limit, "characters": len(title),
                              "shown": truncate(title, limit, TITLE_FONT_PX)})


def _site_name(site: SiteView, heads: list[HeadFacts]) -> tuple[str | None, str]:
    """The organisation's name as the site states it: the most common ``og:site_name`` or
    ``application-name``, else the home page's title."""
    names = Counter(h.meta.get("og:site_name") or h.meta.get("application-name") for h in heads)
    names.pop(None, None)
    names.pop("", None)
    if names:
        return names.most_common(1)[0][0], "og:site_name"
    home = next((h for h in heads if is_home(site, h.url)), None)
    return (home.title if home is not None else None), "home page title"


class TitleOnlySiteName(SiteCheck):
    """A page whose title is only the organisation's name.

    What it checks
    --------------
    Pages other than the home page whose title is just the site's name: the ``og:site_name``
    (or ``application-name``) the site declares, or else the home page's title.

    Why it matters
    --------------
    A result titled only with the name says nothing about the page: a prospect searching
    for a service sees the same line for the contact page, the prices and a blog post, and
    search engines rank such pages on nothing.

    How to fix
    ----------
    Start the title with what the page is about and keep the name at the end:
    "Contact en openingstijden | Groenhuis Installatie".
    """

    code = "TP804"
    name = "title-only-site-name"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        heads = list(_light(site))
        name, source = _site_name(site, heads)
        if not name or not name.strip():
            return
        key = normalised_text(name)
        for head in heads:
            if head.title and normalised_text(head.title) == key and not is_home(site, head.url):
                yield self.finding(url=head.url, message=f"The title is only the site's name, {name!r}.",
                                   evidence={"title": head.title, "site_name": name, "site_name_from": source})


def _light(site: SiteView) -> Iterator[HeadFacts]:
    """The head facts without what TP804 does not read (bounded memory on a large site)."""
    for head in site_heads(site):
        site_name = head.meta.get("og:site_name") or head.meta.get("application-name")
        yield HeadFacts(url=head.url, title=head.title,
                        meta={"og:site_name": site_name} if site_name else {})


class MissingMetaDescription(SiteCheck):
    """An indexable page without a meta description.

    What it checks
    --------------
    Pages a search engine may show (not ``noindex``, not canonicalised elsewhere) that have
    no ``<meta name="description">`` or an empty one.

    Why it matters
    --------------
    The description is the grey text under the title in a result, and often the text of a
    share preview. Without one the search engine picks a fragment of the page, often a
    cookie notice or a menu, and the prospect gets no reason to click.

    How to fix
    ----------
    Write one or two sentences per page (70 to 160 characters) that say what the prospect
    finds there and why to choose you.
    """

    code = "TP805"
    name = "missing-meta-description"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for head in site_heads(site):
            if indexable(head) and not (head.description or "").strip():
                yield self.finding(url=head.url, message="The page has no meta description.",
                                   evidence={"title": head.title, "missing": head.description is None})


class DuplicateMetaDescription(SiteCheck):
    """Several indexable pages with the same meta description.

    What it checks
    --------------
    Meta descriptions shared by two or more indexable pages, compared without regard to
    case and spacing; one finding per description, listing the pages.

    Why it matters
    --------------
    The same description under different results says the pages are the same; usually it is
    a template's default that was never written for each page, and search engines then
    ignore it.

    How to fix
    ----------
    Write a description per page, or leave it out of the template so that each page gets
    its own (and TP805 lists the pages still without one).
    """

    code = "TP806"
    name = "duplicate-meta-description"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for key, heads in sorted(_grouped(site, "description").items()):
            if len(heads) < 2:
                continue
            text = heads[0].description or ""
            yield self.finding(
                url=heads[0].url, key=key, occurrences=len(heads),
                locations=[Location(h.url, (h.title or "")[:MAX_LOCATIONS_TEXT], "meta")
                           for h in heads[: ctx.max_locations]],
                message=f"{len(heads)} pages have the same meta description.",
                evidence={"description": text, "pages": len(heads)})


@dataclass
class DescriptionLengthOptions:
    min_chars: int = 70
    max_chars: int = 160

    def __post_init__(self) -> None:
        if not 0 <= self.min_chars < self.max_chars:
            raise ValueError("min_chars must be at least 0 and below max_chars")


class MetaDescriptionLength(SiteCheck):
    """A meta description too long (cut off) or too short (says too little).

    What it checks
    --------------
    The length of each indexable page's meta description in characters, against
    ``min_chars`` (default 70) and ``max_chars`` (default 160: Google shows about 920 px of
    14 px Arial on a desktop, 155 to 160 characters of ordinary text).

    Why it matters
    --------------
    A longer description is cut off with "…", usually before its call to action; a very
    short one leaves the search engine to fill the space with text of its own choosing.

    How to fix
    ----------
    Aim for one or two full sentences of 120 to 155 characters, with the offer first.
    """

    code = "TP807"
    name = "meta-description-length"
    family = "impression"
    requires = ("pages",)
    default_severity = "info"
    Options = DescriptionLengthOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        low, high = self.options.min_chars, self.options.max_chars
        for head in site_heads(site):
            text = (head.description or "").strip()
            if not text or not indexable(head):
                continue
            if len(text) > high:
                problem = "long"
                message = f"The meta description has {len(text)} characters; results show about {high}."
            elif len(text) < low:
                problem = "short"
                message = f"The meta description has only {len(text)} characters (at least {low})."
            else:
                continue
            yield self.finding(url=head.url, message=message,
                               evidence={"description": text, "characters": len(text), "problem": problem,
                                         "min_chars": low, "max_chars": high})
