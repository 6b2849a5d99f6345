"""Whether the pages that matter can be found (TP808–TP810): ``noindex`` on pages the
navigation links to, canonicals that point elsewhere, ``hreflang`` pairs that do not
point back. Site checks over the stored head facts and the crawler's link results."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.model import Finding, Location
from checks.impression.facts import _same, is_home, site_heads


def _final(site: SiteView, url: str) -> str:
    result = site.link_result(url)
    return (result.final_url or url) if result is not None and not result.error else url


class NoindexInNavigation(SiteCheck):
    """A page the site's navigation links to that asks search engines not to index it.

    What it checks
    --------------
    The links in the home page's navigation (``<nav>``, ``role="navigation"``, ``<header>``),
    followed through redirects, to pages that carry ``noindex`` in a robots meta tag or in
    an ``X-Robots-Tag`` header.

    Why it matters
    --------------
    What the menu shows is what the organisation wants prospects to find: a ``noindex`` there
    is almost always left over from a staging site or a plugin setting, and keeps a main
    page (often "contact" or "prices") out of every search result.

    How to fix
    ----------
    Remove ``noindex`` from the page (the robots meta tag, the SEO plugin's setting for the
    page, or the server's ``X-Robots-Tag`` header), or take the page out of the menu if it
    really should stay out of search engines.
    """

    code = "TP808"
    name = "noindex-in-navigation"
    family = "impression"
    requires = ("pages",)
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        nav: dict[str, str] = {}
        home_url = None
        noindexed = {}
        for head in site_heads(site):
            if head.nav and (home_url is None or is_home(site, head.url)):
                home_url = head.url
                nav = {_final(site, u): u for u in head.nav}
            if head.noindex:
                noindexed[head.url] = head
        for url in sorted(set(nav) & set(noindexed)):
            head = noindexed[url]
            where = "X-Robots-Tag header" if "noindex" in head.x_robots else "robots meta tag"
            yield self.finding(url=url, target=url, locations=[Location(home_url or url, "", "nav")],
                               message=f"The navigation links to {url}, which says noindex ({where}).",
                               evidence={"robots": head.robots, "x_robots_tag": head.x_robots, "source": where,
                                         "linked_as": nav[url]})


class CanonicalElsewhere(SiteCheck):
    """A canonical link that sends search engines to another address: another page, a page
    that does not work, or another host.

    What it checks
    --------------
    Each page's ``<link rel="canonical">`` that names another address than the page's own.
    A canonical to an address that answers 4xx/5xx or not at all is an error; to another
    host (including ``www`` against the bare domain) a warning; to another working page of
    the same host information (the page will not appear in results itself).

    Why it matters
    --------------
    A search engine shows the canonical address instead of the page. A canonical copied from
    a template, left from a staging host or pointing to a removed page hides the page from
    results, or sends searchers to an error.

    How to fix
    ----------
    Let each page's canonical name the page itself (its final, https address), unless it
    really is a copy of another page; remove canonicals to hosts you do not use.
    """

    code = "TP809"
    name = "canonical-elsewhere"
    family = "impression"
    requires = ("pages", "link_status")
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for head in site_heads(site):
            canonical = head.canonical
            if not canonical or _same(canonical, head.url):
                continue
            target = canonical.split("#", 1)[0]
            result = site.link_result(target)
            status = result.status if result is not None else None
            evidence = {"canonical": canonical, "status": status, "error": result.error if result else None}
            if result is not None and (result.error or (status is not None and status >= 400)):
                problem, severity = f"an address that does not work ({result.error or status})", "error"
            elif urlsplit(canonical).netloc.lower() != urlsplit(head.url).netloc.lower():
                problem, severity = "another host", "warning"
            else:
                problem, severity = "another page", "info"
            evidence["problem"] = problem.split(" (")[0]
            yield self.finding(url=head.url, target=canonical, key=f"{head.url} {canonical}", severity=severity,
                               message=f"The canonical of the page names {problem}: {canonical}.",
                               evidence=evidence)


class HreflangNoReturn(SiteCheck):
    """An ``hreflang`` alternate that does not link back.

    What it checks
    --------------
    For each ``<link rel="alternate" hreflang>`` from page A to page B on the audited site,
    whether B, as crawled, names A among its own alternates. Alternates on other sites,
    and pages the crawl did not read, are not judged.

    Why it matters
    --------------
    Search engines use language alternates only when both pages confirm them. Without the
    link back, a Dutch prospect can be shown the English page (or the reverse).

    How to fix
    ----------
    Give every language version the same complete set of ``hreflang`` links, itself
    included; most multilingual plugins do this when all translations are linked.
    """

    code = "TP810"
    name = "hreflang-no-return"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        alternates: dict[str, list[tuple[str, str]]] = {}
        for head in site_heads(site):
            if head.hreflang:
                alternates[head.url] = [(lang, url.split("#", 1)[0]) for lang, url in head.hreflang]
        for source in sorted(alternates):
            for lang, target in alternates[source]:
                if _same(target, source) or not site.is_internal(target):
                    continue
                landed = _final(site, target)
                back = alternates.get(landed)
                if back is None and site.page(landed) is None:
                    continue  # not crawled: cannot tell
                if not any(_same(url, source) for _, url in back or ()):
                    yield self.finding(url=source, target=target, key=f"{source} {target}",
                                       message=f"{source} names {target} as its {lang!r} version, "
                                               "which does not name it back.",
                                       evidence={"hreflang": lang, "alternate": target,
                                                 "alternates_there": [u for _, u in back or ()]})
