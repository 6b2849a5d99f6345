"""The profile visitor: find the organisation's public profiles, look at each one once.

Link checkers skip social profiles (LinkedIn answers 999, others show a login wall), so
nobody checks them; this collector does, and writes one artifact, ``profiles``
(``auditor.artifacts.profiles.Profiles``):

* ``site``: what the site itself says about the organisation (schema.org Organization,
  ``og:site_name``, the title, ``tel:``/``mailto:`` links and contact text on the home page
  and the contact/about pages), for TP603 to compare with;
* ``profiles``: one record per profile (de-duplicated across URL spellings) with what the
  visit observed (``VisitFacts``: status, redirects, walls, the platform's "not found"
  wording), what it shows (name, website, phone, e-mail, address) and the date of its
  newest public post where the platform shows one, from the page or the platform's public
  feed. Whether the profile exists is not decided here: ``checks.profiles.verdict`` judges
  the observations, so ``recheck`` judges them again with the current rules.

Details and dates are read from every page that answered (status below 400) without a
wall, a bot wall or the platform's "does not exist" page: a superset of the profiles the
check will find, so no found profile lacks them.

Which profiles are the organisation's own: those it declares (``rel="me"``, schema.org
``sameAs``) and those linked from the home page, a contact or about page, or from at least
half of the pages (header and footer icons). A LinkedIn link in one news article is
someone else's profile: it stays a link (TP102/TP107), it is not visited.

Politeness: one GET per profile (and one for its feed), through the run's fetcher and its
per-host gate. When the crawler's link check already got a 999, 429 or a login redirect
for the same URL, that answer is used instead of knocking again.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urljoin, urlsplit

from auditor.artifacts import write
from auditor.artifacts.profiles import Profiles, VisitFacts
from auditor.collect.http import Response
from auditor.collect.profiles import platforms
from auditor.collect.profiles.platforms.base import ProfileRef
from auditor.collect.profiles.platforms.parse import (
    ProfilePage,
    feed_dates,
    fold,
    is_organisation,
    jsonld_nodes,
    node_types,
    strings,
)
from auditor.collector import CollectContext, Collector, CollectorSettings
from auditor.config import positive
from auditor.contact import domain_of, find_emails, find_phones, find_postcodes
from auditor.model import BLOCKED_STATUSES, LinkResult
from auditor.page import Page
from auditor.urls import InvalidURL, normalise

ARTIFACT = "profiles"
CONTACT_PATH = re.compile(r"/(contact|kontakt|over-ons|over|about|about-us|impressum|colofon|wie-zijn-wij|team)"
                          r"(\b|/|\.html?)", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s*\|\s*")
MAX_LOCATIONS = 50
MAX_VALUES = 50


class VisitorSettings(CollectorSettings):
    """``[collectors.profiles]``: how much the visitor reads and visits."""

    max_profiles: Annotated[int, positive] = 25  # profiles visited per audit (most-linked first)
    scan_pages: Annotated[int, positive] = 30  # pages read for the organisation's own details and rel="me"/sameAs
    max_body_bytes: Annotated[int, positive] = 2_000_000  # per profile page (real channel pages are ~1 MB)
    max_feed_bytes: Annotated[int, positive] = 1_000_000
    feeds: bool = True  # also read a platform's public feed for post dates
    concurrency: Annotated[int, positive] = 4  # profiles visited at once (each host still has its own gate)


# -- what the site says about itself ----------------------------------------------------------
@dataclass
class SiteFacts:
    """The organisation as its own site presents it; every value keeps where it was found."""

    start_url: str
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    phones: dict[str, dict[str, str]] = field(default_factory=dict)
    emails: dict[str, dict[str, str]] = field(default_factory=dict)
    postcodes: dict[str, dict[str, str]] = field(default_factory=dict)
    urls: dict[str, dict[str, str]] = field(default_factory=dict)  # schema.org url: the organisation's own site
    declared: list[tuple[str, str, str]] = field(default_factory=list)  # (profile url, "sameAs"|"rel=me", page)
    pages_read: list[str] = field(default_factory=list)

    def add(self, bucket: dict[str, dict[str, str]], value: str, source: str, url: str) -> None:
        value = fold(value)
        if value and value not in bucket and len(bucket) < MAX_VALUES:
            bucket[value] = {"source": source, "url": url}

    def read(self, page: Page, is_start: bool) -> None:  # noqa: C901  one pass over a page's profile sources
        tree, url = page.tree, page.url
        self.pages_read.append(url)
        for script in tree.xpath("//script[@type]"):
            if script.get("type", "").strip().lower() != "application/ld+json":
                continue
            for node in jsonld_nodes(script.text or ""):
                if is_organisation(node, loose=True):
                    self._organisation(node, url)
                elif "WebSite" in node_types(node):
                    for name in strings(node.get("name")):
                        self.add(self.names, name, "schema.org WebSite name", url)
        site_name = tree.xpath("//meta[@property='og:site_name']/@content")
        if site_name:
            self.add(self.names, site_name[0], "og:site_name", url)
        if is_start and page.title:
            self.add(self.names, _TITLE_SEPARATORS.split(page.title)[0], "title", url)
        for el in tree.xpath("//a[@href and @rel] | //link[@href and @rel]"):
            if "me" in el.get("rel", "").lower().split():
                self.declared.append((urljoin(page.final_url or url, el.get("href").strip()), "rel=me", url))
        for href in tree.xpath("//a/@href"):
            low = href.strip().lower()
            if low.startswith("tel:"):
                self.add(self.phones, href.strip()[4:], "tel: link", url)
            elif low.startswith("mailto:"):
                self.add(self.emails, href.strip()[7:].split("?")[0], "mailto: link", url)
        text = page.text
        for phone in find_phones(text):
            self.add(self.phones, phone, "page text", url)
        for email in find_emails(text):
            self.add(self.emails, email, "page text", url)
        for postcode in find_postcodes(text):
            self.add(self.postcodes, postcode, "page text", url)

    def _organisation(self, node: dict[str, Any], url: str) -> None:
        for prop in ("name", "legalName", "alternateName"):
            for name in strings(node.get(prop)):
                self.add(self.names, name, f"schema.org {prop}", url)
        contacts = [node, *[c for c in _as_list(node.get("contactPoint")) if isinstance(c, dict)]]
        for contact in contacts:
            for phone in strings(contact.get("telephone")):
                self.add(self.phones, phone, "schema.org telephone", url)
            for email in strings(contact.get("email")):
                self.add(self.emails, email.removeprefix("mailto:"), "schema.org email", url)
        for address in _as_list(node.get("address")):
            if isinstance(address, dict) and address.get("postalCode"):
                self.add(self.postcodes, str(address["postalCode"]), "schema.org address", url)
        for own in strings(node.get("url")):
            self.add(self.urls, urljoin(url, own), "schema.org url", url)
        for same in strings(node.get("sameAs")):
            self.declared.append((urljoin(url, same), "sameAs", url))

    def to_dict(self) -> dict[str, Any]:
        def values(bucket: dict[str, dict[str, str]]) -> list[dict[str, str]]:
            return [{"value": v, **where} for v, where in bucket.items()]

        return {"start_url": self.start_url, "names": values(self.names), "phones": values(self.phones),
                "emails": values(self.emails), "postcodes": values(self.postcodes), "urls": values(self.urls),
                "pages_read": self.pages_read}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def read_site(store: Any, start_url: str, limit: int) -> SiteFacts:
    """Read the home page, then contact/about pages, then pages one click from home, up to
    ``limit`` pages: where organisations put their name, contact details and profile links."""
    facts = SiteFacts(start_url)
    contact: list[str] = []
    shallow: list[str] = []
    for url, kind, depth, _state in store.known_urls():
        if kind != "crawl" or url == start_url:
            continue
        if CONTACT_PATH.search(urlsplit(url).path):
            contact.append(url)
        elif depth <= 1 and len(shallow) < limit:
            shallow.append(url)
    for url in [start_url, *contact, *shallow][:limit]:
        page = store.page(url)
        if page is not None and page.status == 200 and page.is_html:
            facts.read(page, is_start=url == start_url)
    return facts


# -- which profiles are the organisation's own ------------------------------------------------
@dataclass
class Candidate:
    ref: ProfileRef
    via: set[str] = field(default_factory=set)
    found_on: str = ""
    pages: int = 0  # linking pages (summed over the URL spellings of the profile)
    locations: list[tuple[str, str]] = field(default_factory=list)  # the first MAX_LOCATIONS
    own: bool = False

    def to_dict(self) -> dict[str, Any]:
        ref = self.ref
        return {"url": ref.url, "key": ref.key, "platform": ref.platform, "label": ref.label, "kind": ref.kind,
                "handle": ref.handle, "personal": ref.personal, "found_on": self.found_on,
                "found_via": sorted(self.via), "pages": self.pages,
                "locations": [list(loc) for loc in self.locations]}


def _normalised(url: str) -> str | None:
    try:
        return normalise(url)[0]
    except InvalidURL:
        return None


def discover(store: Any, start_url: str, site: SiteFacts) -> list[Candidate]:
    """Profiles the site declares or links to, one per identity, the organisation's own first."""
    found: dict[str, Candidate] = {}
    declared: dict[str, ProfileRef] = {}
    for raw, via, page in site.declared:
        url = _normalised(raw)
        ref = platforms.match(url, declared=True) if url else None
        if ref is None or url is None:
            continue
        declared[url] = ref
        cand = found.setdefault(ref.key, Candidate(ref, found_on=page))
        cand.via.add(via)
        cand.own = True
    total = store.count_pages()
    for target in store.link_targets("external"):
        ref = platforms.match(target.url) or declared.get(target.url)
        refs = [r for r in target.refs if r.element in ("a", "area")]
        if ref is None or not refs:
            continue
        cand = found.setdefault(ref.key, Candidate(ref))
        cand.via.add("link")
        # A footer link has one ref per page: count them, keep only the first locations.
        sources = {r.source for r in refs}
        cand.pages += len(sources)
        cand.found_on = cand.found_on or (start_url if start_url in sources else min(sources))
        for loc in dict.fromkeys((r.source, r.text) for r in refs):
            if len(cand.locations) >= MAX_LOCATIONS:
                break
            if loc not in cand.locations:
                cand.locations.append(loc)
        cand.own = cand.own or start_url in sources or any(CONTACT_PATH.search(urlsplit(s).path) for s in sources) \
            or (total > 1 and 2 * cand.pages >= total)
    return sorted(found.values(), key=lambda c: (not c.own, -c.pages, c.ref.url))


# -- visiting -----------------------------------------------------------------------------------
def _readable(got: Response, observed: VisitFacts) -> bool:
    """Whether the page may show the profile, so its details and dates are worth reading:
    it answered, with no wall and no "does not exist" (a superset of what TP601 finds)."""
    return not got.error and got.status is not None and got.status < 400 and not (
        observed.bot_wall or observed.wall or observed.not_found_path or observed.not_found_phrase)


def _from_link_check(result: LinkResult) -> Response:
    """The crawler's stored answer for a URL, as a fetch (its body is the error snippet)."""
    return Response(url=result.url, status=result.status, final_url=result.final_url, hops=list(result.redirects),
                    headers=dict(result.headers), body=(result.snippet or "").encode("utf-8"), error=result.error,
                    error_detail=result.error_detail)


class ProfileVisitor(Collector):
    """Visits the organisation's public profiles (see the module docstring)."""

    name = "profiles"
    provides = (ARTIFACT,)

    Settings = VisitorSettings
    settings: VisitorSettings

    async def collect(self, ctx: CollectContext) -> None:
        start = ctx.scope.start_url
        site = read_site(ctx.store, start, self.settings.scan_pages)
        candidates = discover(ctx.store, start, site)
        own = [c for c in candidates if c.own]
        visit, skipped = own[:self.settings.max_profiles], own[self.settings.max_profiles:]
        if skipped:
            ctx.notes.append(f"profiles: {len(own)} profiles found, the {len(visit)} linked most often were visited "
                             f"(raise [collectors.profiles] max_profiles to visit all)")
        gate = asyncio.Semaphore(self.settings.concurrency)
        visited = 0
        ctx.progress(0, len(visit), "profiles")

        async def one(cand: Candidate) -> dict[str, Any]:
            nonlocal visited
            record = await self._visit(ctx, cand, gate)
            visited += 1
            ctx.progress(visited, len(visit), "profiles")
            return record

        records = await asyncio.gather(*(one(c) for c in visit))
        others = [c.to_dict() for c in candidates if not c.own][:MAX_LOCATIONS]
        write(ctx.store, Profiles.from_json({
            "version": 2, "site": site.to_dict(), "profiles": list(records),
            "not_visited": [{**c.to_dict(), "why": "more profiles than max_profiles"} for c in skipped]
            + [{**o, "why": "linked only from content pages: not the organisation's own profile"} for o in others],
        }))

    async def _fetch(self, ctx: CollectContext, ref: ProfileRef) -> tuple[Response, str]:
        prior = ctx.store.link_result(ref.url)
        if prior is not None and not prior.error:
            reused = _from_link_check(prior)
            if prior.status in BLOCKED_STATUSES or platforms.get(ref.platform).wall(reused):
                return reused, "link check"
        return await ctx.fetcher.fetch(ref.url, max_body=self.settings.max_body_bytes), "visit"

    async def _visit(self, ctx: CollectContext, cand: Candidate, gate: asyncio.Semaphore) -> dict[str, Any]:
        async with gate:
            return await self._look(ctx, cand)

    async def _look(self, ctx: CollectContext, cand: Candidate) -> dict[str, Any]:
        ref = cand.ref
        platform = platforms.get(ref.platform)
        got, how = await self._fetch(ctx, ref)
        ctype = got.headers.get("content-type", "")
        page = ProfilePage.parse(got.body, got.final_url or ref.url, ctype) if got.body and (
            "html" in ctype.lower() or got.body.lstrip()[:1] == b"<") else ProfilePage(url=got.final_url or ref.url)
        observed = platform.observe(got, page)
        record: dict[str, Any] = {
            **cand.to_dict(), "status": got.status, "final_url": got.final_url, "error": got.error,
            "checked_by": how, "observed": observed,
            "dates": {"public": platform.dates_public, "why_not": platform.no_dates, "activity": platform.activity,
                      "known": False, "newest": None, "items": 0, "source": None},
        }
        if not _readable(got, observed):
            return record
        facts = platform.facts(ref, page)
        record.update(name=facts.name, description=facts.description[:500],
                      websites=[w for w in facts.websites if not platforms.is_platform_url(w)],
                      phones=facts.phones, emails=facts.emails, addresses=facts.addresses)
        if platform.dates_public:
            await self._dates(ctx, ref, platform, page, facts.dates, record["dates"])
        return record

    async def _dates(self, ctx: CollectContext, ref: ProfileRef, platform: platforms.Platform, page: ProfilePage,
                     page_dates: list[Any], out: dict[str, Any]) -> None:
        dates = list(page_dates)
        out["source"] = "page" if dates else None
        feed = platform.feed_url(ref, page) if self.settings.feeds else None
        if feed and domain_of(feed) != domain_of(ref.url):
            # The page is untrusted: it may not send the auditor to other hosts.
            out["why_unknown"] = f"the page names a feed on another domain ({feed}); not followed"
            feed = None
        if not self.settings.feeds:
            out["why_unknown"] = "feeds are switched off ([collectors.profiles] feeds = false)"
        elif feed:
            res = await ctx.fetcher.fetch(feed, max_body=self.settings.max_feed_bytes)
            entries = feed_dates(res.body) if res.status == 200 and res.body else None
            out["feed"] = {"url": feed, "status": res.status, "error": res.error,
                           "entries": len(entries) if entries is not None else None}
            if entries is not None:
                dates += entries
                out["source"] = "feed"
                out["known"] = True
            else:
                out["why_unknown"] = (f"the feed {feed} could not be read "
                                      f"({res.error or res.status}{', not a feed' if res.status == 200 else ''})")
        elif not dates and "why_unknown" not in out:
            out["why_unknown"] = f"{platform.label} shows no dated {platform.activity}s on this page"
        if dates:
            out["known"] = True
        out["items"] = len(dates)
        out["newest"] = max(dates).isoformat() if dates else None
