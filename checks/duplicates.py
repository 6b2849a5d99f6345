"""TP109: one page served at several addresses (``/x`` and ``/x.html``, ``/x/``, ``index.html``).

Judged from what the crawl stored: pages whose bodies hash the same are one page. Each set
is reported once, as information, naming the address to keep: the one the pages declare as
canonical when they agree on one, else the shortest.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.model import Finding, Location

MAX_LISTED = 20


def _hashes(site: SiteView) -> Iterator[tuple[str, str]]:
    stored = getattr(site, "content_hashes", None)
    if stored is not None:  # the run store: from SQL, no page read
        yield from stored()
        return
    for page in site.pages():  # hand-built sites (auditor.testing)
        if page.status == 200 and page.body:
            yield page.url, hashlib.sha1(page.body, usedforsecurity=False).hexdigest()


def _canonical(site: SiteView, url: str) -> str | None:
    page = site.page(url)
    if page is None:
        return None
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            from auditor.urls import resolve

            resolved = resolve(url, link.get("href") or "", strip_params=False)
            return resolved[0] if resolved is not None else None
    return None


class DuplicateAddress(SiteCheck):
    """The same page answers at more than one address.

    What it checks
    --------------
    Pages of the site whose content is byte for byte the same, reached at different
    addresses: ``/prijzen`` and ``/prijzen.html``, with and without a trailing slash, a
    folder and its ``index.html``, with extra query parameters. Each set is reported
    once, naming the address to keep (the canonical the pages declare, else the
    shortest). The other findings of such pages are listed under each address.

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
        groups: dict[str, list[str]] = defaultdict(list)
        for url, digest in _hashes(site):
            if digest:
                groups[digest].append(url)
        for urls in groups.values():
            if len(urls) < 2:
                continue
            urls = sorted(set(urls), key=lambda u: (len(u), u))
            canonicals = {_canonical(site, u) for u in urls}
            declared = canonicals.pop() if len(canonicals) == 1 else None
            keep = declared or urls[0]
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
