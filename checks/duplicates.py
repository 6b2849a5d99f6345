"""TP109: one page served at several addresses (``/x`` and ``/x.html``, ``/x/``, ``index.html``).

Judged from what the crawl stored: pages whose bodies hash the same are one page. Each set
is reported once, as information, naming the address to keep: the one the pages declare as
canonical when they agree on one, else the shortest.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.model import Finding, Location
from auditor.same_page import same_pages

MAX_LISTED = 20


class DuplicateAddress(SiteCheck):
    """The same page answers at more than one address.

    What it checks
    --------------
    Pages of the site whose content is byte for byte the same, reached at different
    addresses: ``/prijzen`` and ``/prijzen.html``, with and without a trailing slash, a
    folder and its ``index.html``, with extra query parameters. Each set is reported
    once, naming the address to keep (the canonical the pages declare, else the
    shortest). Any other finding on such a page is reported once, naming every
    address it was seen at (``same_page`` in findings.json).

    Why it matters
    --------------
    Links, bookmarks and search results spread over several addresses of one page:
    search engines split its ranking and may show the wrong address, statistics count
    one page as several, and every change has to be checked at each address.

    How to fix
    ----------
    Link to one address everywhere, redirect the others to it permanently (301), and
    declare it with ``<link rel="canonical">`` on the page.
    """

    code = "TP109"
    name = "duplicate-address"
    family = "links"
    requires = ("pages",)
    default_severity = "info"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for same in same_pages(site):
            urls, keep, declared = list(same.addresses), same.keep, same.declared
            others = [u for u in urls if u != keep]
            yield self.finding(
                url=keep, target=keep, occurrences=len(urls),
                locations=[Location(u, "", "page") for u in urls[:MAX_LISTED]],
                message=(f"{len(urls)} addresses serve the same page: {', '.join(urls[:5])}"
                         f"{' …' if len(urls) > 5 else ''}. Keep {keep}"
                         + (" (the canonical the pages declare)" if declared else "")
                         + " and redirect the others to it."),
                evidence={"addresses": urls[:MAX_LISTED], "keep": keep, "canonical_declared": declared,
                          "others": others[:MAX_LISTED]},
            )
