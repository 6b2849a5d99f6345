"""How far a prospect has to click (TP820–TP821): the click depth of the pages a prospect
comes for (contact, a quote, prices, opening hours) from the home page, and pages that no
page links to.

Both read the crawl's link graph (hyperlinks only: ``<a>`` and ``<area>``, redirects
followed through the stored link results) and the pages' stored titles.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.model import Finding, Location
from checks.impression.facts import is_home, site_heads

HYPERLINKS = ("a", "area")
# Words in a page's address or title that make it the page a prospect comes for (Dutch, English).
KEY_PAGES = {
    "contact": re.compile(r"\b(contact|kontakt|contacteer|neem-contact|contactgegevens|contact-us)\b", re.I),
    "quote": re.compile(r"\b(offerte|offertes|offerte-aanvragen|quote|get-a-quote|request-a-quote)\b", re.I),
    "prices": re.compile(r"\b(prijzen|prijs|prijslijst|tarieven|tarief|kosten|pricing|prices|price-list|rates)\b",
                         re.I),
    "opening_hours": re.compile(r"\b(openingstijden|openingsuren|opening-hours|opening hours|openingstijd)\b", re.I),
}


def key_kinds(url: str, title: str | None) -> list[str]:
    """Which key pages ``url`` is, from the words of its path and its title."""
    path = unquote(urlsplit(url).path).replace("_", "-")
    words = f"{path.replace('/', ' ').replace('.', ' ')} {title or ''}"
    return [kind for kind, pattern in KEY_PAGES.items() if pattern.search(words)]


@dataclass(frozen=True)
class LinkGraph:
    """The site's hyperlink graph: page -> pages it links to (redirects followed)."""

    edges: dict[str, set[str]]
    linked: set[str]  # every page some other page links to

    @classmethod
    def read(cls, site: SiteView) -> LinkGraph:
        edges: dict[str, set[str]] = {}
        linked: set[str] = set()
        for target in site.link_targets("all"):
            if not site.is_internal(target.url):
                continue
            result = target.result
            final = (result.final_url or target.url) if result is not None and not result.error else target.url
            for ref in target.refs:
                if ref.element not in HYPERLINKS or ref.source == final:
                    continue
                edges.setdefault(ref.source, set()).add(final)
                linked.add(final)
        return cls(edges, linked)

    def depths(self, home: str) -> dict[str, int]:
        """Clicks from ``home`` to every page reachable from it (breadth first)."""
        depth = {home: 0}
        queue = deque([home])
        while queue:
            url = queue.popleft()
            for nxt in self.edges.get(url, ()):
                if nxt not in depth:
                    depth[nxt] = depth[url] + 1
                    queue.append(nxt)
        return depth


def _home(site: SiteView, urls: list[str]) -> str | None:
    return next((u for u in urls if is_home(site, u)), None)


@dataclass
class ClickDepthOptions:
    max_clicks: int = 3

    def __post_init__(self) -> None:
        if self.max_clicks < 1:
            raise ValueError("max_clicks must be at least 1")


KIND_NAMES = {"contact": "contact page", "quote": "quote page", "prices": "prices page",
              "opening_hours": "opening hours page"}


class DeepKeyPage(SiteCheck):
    """The contact, quote, prices or opening-hours page is too many clicks from the home page.

    What it checks
    --------------
    The pages a prospect comes for, recognised by words in their address or title (contact,
    offerte / quote, prijzen / tarieven / prices, openingstijden / opening hours), and the
    fewest clicks that reach each kind from the home page through the site's links. Reported
    when the nearest page of a kind needs more than ``max_clicks`` (default 3), or cannot be
    reached by clicking at all (only through the sitemap, search or a form).

    Why it matters
    --------------
    A prospect ready to call, ask for a quote or check the prices gives up after a few
    fruitless clicks. Search engines, too, judge a page's importance by how close it is to
    the home page.

    How to fix
    ----------
    Link these pages from the main menu, the header or the footer of every page; at the
    least from the home page.
    """

    code = "TP820"
    name = "deep-key-page"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"
    Options = ClickDepthOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        kinds: dict[str, list[str]] = {}
        urls: list[str] = []
        for head in site_heads(site):
            urls.append(head.url)
            for kind in key_kinds(head.url, head.title):
                kinds.setdefault(kind, []).append(head.url)
        home = _home(site, urls)
        if home is None or not kinds:
            return
        depths = LinkGraph.read(site).depths(home)
        limit = self.options.max_clicks
        for kind, pages in sorted(kinds.items()):
            nearest = min(pages, key=lambda u: (depths.get(u, 10**6), u))
            clicks = depths.get(nearest)
            if clicks is not None and clicks <= limit:
                continue
            what = KIND_NAMES[kind]
            message = (f"The {what} {nearest} is {clicks} clicks from the home page (at most {limit})."
                       if clicks is not None else f"The {what} {nearest} cannot be reached by clicking from the "
                                                  "home page.")
            yield self.finding(url=nearest, target=nearest, key=kind, message=message,
                               locations=[Location(nearest, kind, "")],
                               evidence={"kind": kind, "clicks": clicks, "max_clicks": limit, "pages": len(pages),
                                         "reachable": clicks is not None})


class OrphanPage(SiteCheck):
    """Pages no page links to, found only through the sitemap.

    What it checks
    --------------
    Pages the crawl read (from the sitemap, or a seed list) that no other page of the site
    links to with a hyperlink, redirects followed. The home page is never an orphan.

    Why it matters
    --------------
    A prospect can reach such a page only from a search engine or an old bookmark; once
    there, nothing on the site leads back to it. Often it is a forgotten page still listed
    in the sitemap, or one whose menu link was removed by mistake.

    How to fix
    ----------
    Link the page from where a prospect would look for it, or, if it is obsolete, remove it
    and its entry in the sitemap (with a redirect to its successor).
    """

    code = "TP821"
    name = "orphan-page"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        urls = [h.url for h in site_heads(site)]
        home = _home(site, urls)
        graph = LinkGraph.read(site)
        for url in urls:
            if url == home or url in graph.linked:
                continue
            yield self.finding(url=url, message=f"No page of the site links to {url}.",
                               evidence={"outlinks": len(graph.edges.get(url, ()))})
