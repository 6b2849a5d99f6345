"""Link checks (TP101–TP107): broken, redirected, soft-404, anchors, resources, blocked.

Collectors stored the facts (status, error kind, redirect hops, a snippet of error
answers); these checks only judge them. The verdicts share one rule, kept here in
``verdict``: *blocked is not broken*. 401/403/429/999, bot walls and login walls mean we
could not see the page, not that it is gone, so they become TP107 (unverifiable), never
TP101/TP102: a false "broken link" costs an agency its client's trust.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import unquote

from auditor.artifacts import read
from auditor.artifacts.crawl import NetworkHealth, NotFoundProbe
from auditor.check import CheckContext, LinkRef, LinkTarget, PageCheck, SiteCheck, SiteView
from auditor.html.refresh import redirect_stub
from auditor.model import (
    BLOCKED_STATUSES,
    HYPERLINK_ELEMENTS,
    RESOURCE_ELEMENTS,
    Finding,
    LinkResult,
    Location,
    is_bot_wall,
)
from auditor.page import Page
from auditor.urls import is_web_url

_LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|sign_in|authwall|auth/|account/login|inloggen)", re.I)
_ERROR_TEXT = {
    "dns": "the domain name does not exist (DNS lookup failed)",
    "dns-failed": "the host name could not be looked up (the DNS server did not answer)",
    "refused": "the server refused the connection",
    "connect": "the server could not be reached",
    "timeout": "the server did not answer in time",
    "too-slow": "too slow to load",
    "protocol": "the server's answer is not valid HTTP",
    "encoding": "the server's answer cannot be unpacked",
    "tls": "the secure connection failed (TLS certificate problem)",
    "connection": "the connection broke off",
    "payload": "the server sent a broken answer",
    "redirect-loop": "the link redirects in a loop",
    "too-many-redirects": "the link redirects too many times",
    "invalid-redirect": "the link redirects to an invalid address",
    "invalid-url": "the address is invalid",
    "unusable-url": "no visitor's browser can open this address",
}


@dataclass(frozen=True)
class Verdict:
    """``state`` is ok, broken, blocked, looping (TP103) or unknown (not fetched); ``reason`` says why."""

    state: str
    reason: str = ""


_DNS_DOWN = ("network or DNS unavailable in this run (most external host names could not be looked up): "
             "not verified")


def verdict(result: LinkResult | None, dns_down: bool = False, internal: bool = False) -> Verdict:
    """Judge one fetched URL: the single rule behind TP101, TP102, TP106 and TP107.

    ``dns_down``: the run's ``network`` artifact found name resolution itself failing (most
    external names failed): a "does not exist" answer then proves nothing. ``internal``: the
    URL is on the audited site, whose server answered our crawl: a plain 403 from it (no
    bot wall) refuses that page to every visitor, so it is broken, not unverifiable."""
    if result is None:
        return Verdict("unknown")
    if result.error == "dns-failed":
        return Verdict("blocked", f"{_ERROR_TEXT['dns-failed']}: network or DNS unavailable, not verified")
    if result.error == "dns" and dns_down:
        return Verdict("blocked", _DNS_DOWN)
    if result.error == "robots":
        return Verdict("blocked", "not fetched: disallowed by the site's robots.txt")
    status = result.status
    if status == 403 and internal and not is_bot_wall(status, result.headers, result.snippet or ""):
        return Verdict("broken", "HTTP 403 Forbidden: the site's own server refuses this page to every visitor "
                                 "(no bot wall; a page behind a login should answer 401 or redirect to the login)")
    if status in BLOCKED_STATUSES:
        return Verdict("blocked", f"the server {BLOCKED_STATUSES[status]}")
    if is_bot_wall(status, result.headers, result.snippet or ""):
        return Verdict("blocked", f"a bot wall answered ({status}), the page itself could not be seen")
    if result.error == "private-address":  # refused before connecting: see docs/security.md
        return Verdict("blocked", result.error_detail or "not requested: a private or local address")
    if result.error in ("redirect-loop", "too-many-redirects"):
        return Verdict("looping", _ERROR_TEXT[result.error])  # reported by TP103 alone
    if result.error:
        return Verdict("broken", _ERROR_TEXT.get(result.error, result.error) +
                       (f": {result.error_detail}" if result.error_detail and result.error not in
                        ("timeout",) else ""))
    if status is not None and status >= 400:
        phrase = _phrase(status)
        return Verdict("broken", f"HTTP {status}{' ' + phrase if phrase else ''}")
    if status is not None and result.redirects and result.final_url and \
            _LOGIN_PATH.search(result.final_url) and not _LOGIN_PATH.search(result.url):
        return Verdict("blocked", f"redirected to a login page ({result.final_url})")
    return Verdict("ok")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _evidence(result: LinkResult) -> dict[str, object]:
    ev: dict[str, object] = {"status": result.status}
    if result.error:
        ev["error"] = result.error
    if result.redirects:
        ev["redirects"] = [{"url": h.url, "status": h.status, "location": h.location} for h in result.redirects]
        ev["final_url"] = result.final_url
    return ev


def _locations(refs: list[LinkRef], limit: int) -> list[Location]:
    seen: dict[tuple[str, str], Location] = {}
    for ref in refs:
        seen.setdefault((ref.source, ref.text), Location(ref.source, ref.text, ref.element))
    return list(seen.values())[:limit]


def _pages_count(refs: list[LinkRef]) -> int:
    return len({r.source for r in refs})


class _BrokenLinks(SiteCheck):
    """Shared loop of the per-target checks; subclasses pick refs and the verdict state."""

    family = "links"
    requires = ("pages", "link_status")
    state = "broken"

    def select(self, site: SiteView, target: str, refs: list[LinkRef]) -> list[LinkRef]:
        raise NotImplementedError

    def describe(self, target: str, why: str, pages: int) -> str:
        raise NotImplementedError

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        network = read(site, NetworkHealth)  # written by the crawler, not required: read from the site
        dns_down = network is not None and network.dns_unavailable
        for link_target in site.link_targets("attention"):
            target, result = link_target.url, link_target.result
            v = verdict(result, dns_down, site.is_internal(target))
            if v.state != self.state or result is None:
                continue
            refs = self.select(site, target, link_target.refs)
            if not refs:
                continue
            locations = _locations(refs, ctx.max_locations)
            pages = _pages_count(refs)
            yield self.finding(
                url=locations[0].url, target=target, message=self.describe(target, v.reason, pages),
                evidence={**_evidence(result), "reason": v.reason, "pages": pages},
                locations=locations, occurrences=pages,
            )


class BrokenInternalLink(_BrokenLinks):
    """A link to a page of the site itself that does not work.

    What it checks
    --------------
    Every hyperlink (``<a href>``, ``<area>``, a ``<meta http-equiv="refresh">``
    redirect, a GET form's ``<button formaction>``) to a page on the audited site is
    followed, resolved as a browser resolves it. It is broken when the page answers 4xx
    or 5xx (after redirects), or cannot be reached at all (DNS, refused connection,
    timeout, TLS). An address no visitor's browser can open — a ``file:///C:/…`` path
    pasted from an office document, an address the URL standard rejects — is broken
    too. 401, 429, 999, bot walls and a 403 from another site are not counted as broken
    (see TP107). A plain 403 from the audited site's own server (no bot wall) is: the
    server that answered our crawl refuses that page to every visitor. Redirect loops
    are reported by TP103.

    Why it matters
    --------------
    A prospect who clicks and lands on an error page loses trust and often leaves.
    Search engines also waste their visit on dead ends.

    How to fix
    ----------
    Correct the link on every page listed, or restore the missing page; if the page
    moved, redirect the old address permanently (301) to the new one.
    """

    code = "TP101"
    name = "broken-internal-link"
    default_severity = "error"

    def select(self, site: SiteView, target: str, refs: list[LinkRef]) -> list[LinkRef]:
        # An address no browser can open (file:///C:/…) is broken on the site itself.
        own = site.is_internal(target) or not is_web_url(target)
        return [r for r in refs if r.element in HYPERLINK_ELEMENTS] if own else []

    def describe(self, target: str, why: str, pages: int) -> str:
        return f"Broken link to {target}: {why}; linked from {pages} page{'s' if pages != 1 else ''}."


class BrokenExternalLink(BrokenInternalLink):
    """A link to another website that does not work.

    What it checks
    --------------
    Every hyperlink to another website is checked once per run (HEAD, then GET when HEAD
    is refused). It is broken when it answers 4xx or 5xx, or cannot be reached (the
    domain no longer exists, the connection is refused or times out, a TLS error).
    Blocked answers (401/403/429/999, bot walls) are reported as TP107 instead.

    Why it matters
    --------------
    Links to partners, sources or certificates that no longer exist make a site look
    neglected, and a prospect who follows them ends up nowhere.

    How to fix
    ----------
    Replace the link with the page's new address, or remove it when the page is gone.
    """

    code = "TP102"
    name = "broken-external-link"
    default_severity = "warning"

    def select(self, site: SiteView, target: str, refs: list[LinkRef]) -> list[LinkRef]:
        external = not site.is_internal(target) and is_web_url(target)
        return [r for r in refs if r.element in HYPERLINK_ELEMENTS] if external else []


class BrokenResource(BrokenInternalLink):
    """An image, stylesheet or script that the page asks for but cannot load.

    What it checks
    --------------
    Every ``<img>`` (and each ``srcset`` candidate), ``<source>``, ``<script src>``,
    ``<link>`` (stylesheets, icons, canonical and alternate links, ``imagesrcset``),
    ``<iframe>`` and ``<frame>``, ``<video>`` (and its poster), ``<audio>``, ``<track>``,
    ``<object data>`` and ``<embed>`` the page references, on the site or elsewhere, is
    fetched; 4xx, 5xx and network failures are reported.

    Why it matters
    --------------
    A missing image shows as an empty frame or a broken-image icon; a missing stylesheet
    or script can break the layout or a form. The prospect sees a page that looks broken.

    How to fix
    ----------
    Upload the missing file again or correct its path in the page or the template.
    """

    code = "TP106"
    name = "broken-resource"
    default_severity = "error"

    def select(self, site: SiteView, target: str, refs: list[LinkRef]) -> list[LinkRef]:
        return [r for r in refs if r.element in RESOURCE_ELEMENTS]

    def describe(self, target: str, why: str, pages: int) -> str:
        return f"Missing resource {target}: {why}; used on {pages} page{'s' if pages != 1 else ''}."


class UnverifiableLink(_BrokenLinks):
    """A link we could not verify because the server blocks automated visitors.

    What it checks
    --------------
    Links whose server answered 401, 429 or 999 (or 403 from another site), showed a
    bot wall (a CAPTCHA or a "checking your browser" page, also behind a 403 of the site
    itself) or redirected to a login page, links the site's robots.txt asks crawlers not
    to fetch, and links whose host name could not be looked
    up without a definite "does not exist" — or with one, in a run where most external
    host names failed (network or DNS unavailable; the report's limits say so). These are
    listed apart and are never counted as broken: blocked is not broken.

    Why it matters
    --------------
    The link may well work for a person. Listing it lets you check it by hand instead of
    trusting a guess either way.

    How to fix
    ----------
    Open the link in a browser. If it works, nothing needs to change; if it needs a
    login, consider linking to a public page instead.
    """

    code = "TP107"
    name = "unverifiable-link"
    default_severity = "info"
    state = "blocked"

    def select(self, site: SiteView, target: str, refs: list[LinkRef]) -> list[LinkRef]:
        return refs

    def describe(self, target: str, why: str, pages: int) -> str:
        return f"Could not verify {target}: {why}."


class RedirectChain(SiteCheck):
    """A link that passes through two or more redirects, or loops.

    What it checks
    --------------
    Every link's redirects are recorded hop by hop. A redirect stub — a page that only
    holds a ``<meta http-equiv="refresh">`` of at most 10 seconds and almost no text —
    is a redirect too: it counts as one hop, so stub → stub → page, or stub → 301 →
    page, is a chain. A chain of two or more hops is reported with every hop (a meta
    refresh hop is marked ``"via": "meta-refresh"``); a loop (a redirect, HTTP or meta
    refresh, back to an address already visited) is reported as an error. A start page
    that is a redirect stub and chains is reported too.

    Why it matters
    --------------
    Each hop costs the prospect a round trip (slower pages, especially on mobile), and
    search engines may stop following long chains. A meta refresh is slower still: the
    browser loads and shows the stub before it moves on. A loop never arrives at all.

    How to fix
    ----------
    Point the link straight at the final address, and make old addresses redirect in
    one hop to where the content is now (a server 301 rather than a meta refresh page).
    Break loops in the server's redirect rules or the stubs' refresh targets.
    """

    code = "TP103"
    name = "redirect-chain"
    family = "links"
    requires = ("pages", "link_status")
    default_severity = "warning"
    max_hops = 20  # a chain is followed this far through stubs, as a browser would give up

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        stubs = _Stubs(site)
        seen: set[str] = set()
        targets = [*site.link_targets("attention"),
                   *(t for t in stubs.linked if t.url in stubs.candidates)]
        start = site.start_url
        if start and stubs.target(start) is not None and not any(t.url == start for t in targets):
            targets.append(LinkTarget(start, site.link_result(start), []))  # the audited address itself
        chains: dict[str, tuple[LinkTarget, LinkResult, _Chain]] = {}
        for link_target in targets:
            target, result = link_target.url, link_target.result
            if result is None or target in seen:
                continue
            seen.add(target)
            chain = self._chain(site, target, result, stubs)
            if len(chain.hops) >= 2 or chain.loop or chain.cut:
                chains[target] = (link_target, result, chain)
        for target, (link_target, result, chain) in chains.items():
            refs = link_target.refs
            if target != start and refs and all(r.element == "meta-refresh" and r.source in chains for r in refs):
                continue  # reached only from stubs whose own chain (which passes here) is reported
            locations = _locations(refs, ctx.max_locations) if refs else [Location(target, "", "start")]
            refreshes = sum(1 for h in chain.hops if h.get("via") == "meta-refresh")
            via = f" ({refreshes} by meta refresh)" if refreshes else ""
            if chain.loop:
                message = f"The link to {target} redirects in a loop{via} (back to {chain.final}); it never arrives."
            elif chain.cut:
                message = (f"The link to {target} is a chain of more than {len(chain.hops)} redirects{via}; "
                           f"it was followed as far as {chain.final} and not further (max_redirects).")
            else:
                message = (f"The link to {target} passes {len(chain.hops)} redirects{via} before arriving at "
                           f"{chain.final}.")
            evidence = {**_evidence(result), "hops": [f"{h['url']} → {h['status']}" +
                                                      (" (meta refresh)" if h.get("via") else "") for h in chain.hops],
                        "loop": chain.loop, "cut_at_max_redirects": chain.cut}
            if refreshes:  # the whole chain, stubs included (additive: plain HTTP chains read as before)
                evidence.update(redirects=chain.hops, final_url=chain.final, meta_refresh_hops=refreshes)
            yield self.finding(
                url=locations[0].url, target=target, locations=locations, occurrences=_pages_count(refs) or 1,
                severity="error" if chain.loop or chain.cut else None, message=message, evidence=evidence,
            )

    def _chain(self, site: SiteView, url: str, result: LinkResult, stubs: _Stubs) -> _Chain:
        """Follow ``url``'s HTTP redirects, then each redirect stub's refresh, to where a visitor arrives."""
        hops: list[dict[str, object]] = []
        visited = {url}
        current: LinkResult | None = result
        final = url
        while current is not None:
            hops += [{"url": h.url, "status": h.status, "location": h.location} for h in current.redirects]
            if current.error in ("redirect-loop", "too-many-redirects"):
                return _Chain(hops, current.final_url or final, current.error == "redirect-loop",
                              current.error == "too-many-redirects")
            final = current.final_url or current.url
            visited.update(h.url for h in current.redirects)
            visited.add(final)
            nxt = stubs.target(final)
            if nxt is None:
                break
            hops.append({"url": final, "status": current.status, "location": nxt, "via": "meta-refresh"})
            if nxt in visited:
                return _Chain(hops, nxt, True, False)
            if len(hops) >= self.max_hops:
                return _Chain(hops, nxt, False, True)
            visited.add(nxt)
            final, current = nxt, site.link_result(nxt)
        return _Chain(hops, final, False, False)


@dataclass(frozen=True)
class _Chain:
    hops: list[dict[str, object]]
    final: str
    loop: bool
    cut: bool


class _Stubs:
    """The redirect stubs of the stored site, from its meta refresh graph: a page carrying
    a meta refresh is read (and judged by ``auditor.html.refresh.redirect_stub``) only when
    a chain reaches it."""

    def __init__(self, site: SiteView) -> None:
        self.site = site
        self.linked: list[LinkTarget] = list(site.link_targets("refresh"))
        self.candidates: dict[str, str] = {}  # page -> the target of its (first) meta refresh
        for link_target in self.linked:
            for ref in link_target.refs:
                if ref.element == "meta-refresh":
                    self.candidates.setdefault(ref.source, link_target.url)
        self._judged: dict[str, str | None] = {}

    def target(self, url: str) -> str | None:
        """Where the redirect stub at ``url`` sends the visitor; None when it is not a stub."""
        if url not in self.candidates:
            return None
        if url not in self._judged:
            page = self.site.page(url)
            stub = page is not None and page.status == 200 and page.is_html and redirect_stub(page.tree) is not None
            self._judged[url] = self.candidates[url] if stub else None
        return self._judged[url]


_NOT_FOUND = re.compile(
    r"\b(404|page not found|not found|pagina niet gevonden|niet gevonden|bestaat niet( meer)?|"
    r"does not exist|doesn't exist|no longer (exists|available)|niet (meer )?beschikbaar|"
    r"kan niet worden gevonden|could not be found|cannot be found)\b",
    re.I,
)
# In running text only unambiguous phrases count: an article may mention "404" in passing.
_NOT_FOUND_TEXT = re.compile(
    r"\b(page not found|pagina niet gevonden|(deze )?pagina bestaat niet( meer)?|page (does not|doesn't) exist|"
    r"page (could|can) ?not be found|pagina kan niet worden gevonden|page no longer exists)\b",
    re.I,
)
# Plain substrings that every _NOT_FOUND_TEXT match contains: a fast pre-filter (``in`` on
# lower-cased text is memchr-fast; the case-insensitive regex over 20 KB is not).
_NOT_FOUND_HINTS = ("not found", "niet gevonden", "bestaat niet", "exist", "not be found", "niet worden gevonden")
_WORD = re.compile(r"\w+", re.U)
# One of these words is in every _NOT_FOUND_TEXT match, and markup cannot split a word:
# a page whose raw bytes hold none of them cannot say "not found" (most pages; checked
# without building the page's text). Only for encodings that write ASCII as ASCII.
_NOT_FOUND_WORDS = (b"found", b"gevonden", b"bestaat", b"exist")
_WIDE_ENCODINGS = ("utf-16", "utf_16", "utf16", "utf-32", "utf_32", "utf32")


def _may_say_not_found(page: Page) -> bool:
    if (page.encoding or "").lower().startswith(_WIDE_ENCODINGS):
        return True
    low = page.body_lower
    return any(word in low for word in _NOT_FOUND_WORDS)


def _body_text(page: Page) -> str:
    body = page.tree.find("body")
    return body.text_content() if body is not None else ""  # C-fast, includes script text


@dataclass
class Soft404Options:
    """``similarity``: how close a page's text must be to the site's own 404 page."""

    similarity: float = 0.9
    short_page_words: int = 80


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + 3]) for i in range(max(len(words) - 2, 1))} if words else set()


def _similarity(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _probe_text(ctx: CheckContext) -> str:
    """The visible text of the site's own 404 page (empty when it has none, or was not fetched)."""
    probe = read(ctx, NotFoundProbe)
    return probe.text if probe is not None else ""


class Soft404(PageCheck):
    """A page that answers "200 OK" but tells the visitor it does not exist.

    What it checks
    --------------
    Pages that answer 200 while their title or main heading says "not found" /
    "pagina niet gevonden" (or a short page says so in its text), or whose content is
    the same as the site's own 404 page (fetched at the start of the audit from an
    address that cannot exist).

    Why it matters
    --------------
    The prospect sees an error, but link checkers and search engines see a working page,
    so the dead end stays hidden and may even be indexed.

    How to fix
    ----------
    Make the server answer 404 (or 410 when gone for good) for pages that do not exist,
    or redirect the address (301) to the page that replaced it.
    """

    code = "TP104"
    name = "soft-404"
    family = "links"
    requires = ("pages", "not_found_probe")
    default_severity = "warning"
    Options = Soft404Options

    def reuse_key(self, ctx: CheckContext) -> str | None:
        # The verdict compares the page with the site's own 404 page (the probe) and its home.
        probe = _probe_text(ctx)
        return hashlib.sha1(f"{ctx.start_url}|{probe}".encode(), usedforsecurity=False).hexdigest()

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if page.status != 200 or not page.is_html:
            return
        signals: list[str] = []
        if page.title and _NOT_FOUND.search(page.title):
            signals.append(f"title says: {page.title[:120]!r}")
        h1 = page.tree.find(".//h1")
        heading = " ".join(h1.text_content().split())[:200] if h1 is not None else ""
        if heading and _NOT_FOUND.search(heading):
            signals.append(f"main heading says: {heading!r}")
        raw: str | None = None
        if not signals and _may_say_not_found(page):
            raw = _body_text(page)
            lowered = raw.lower()
            if any(h in lowered for h in _NOT_FOUND_HINTS) and _NOT_FOUND_TEXT.search(raw):
                text = page.text  # the visible text, only for the few pages that may say so
                match = _NOT_FOUND_TEXT.search(text)
                if match and len(text.split()) <= self.options.short_page_words:
                    start = max(match.start() - 60, 0)
                    signals.append(f"short page says: {text[start:match.end() + 60]!r}")
        probe_text = _probe_text(ctx)
        # Near-duplicates have near-equal text sizes: compare shingles only then.
        if len(probe_text.split()) >= 20 and page.url != ctx.start_url and \
                0.5 <= len(raw if raw is not None else _body_text(page)) / max(len(probe_text), 1) <= 2.5:
            score = _similarity(page.text, probe_text)
            if score >= self.options.similarity:
                signals.append(f"content matches the site's own 404 page ({score:.0%} alike)")
        if signals:
            yield self.finding(
                url=page.url,
                message=f"{page.url} answers 200 OK but tells visitors the page does not exist.",
                evidence={"status": page.status, "signals": signals, "title": page.title},
            )


_IGNORED_FRAGMENT = re.compile(r"^(top|!.*|/.*|:~:.*)$", re.I)


class BrokenAnchor(SiteCheck):
    """A link to a ``#section`` of a page where no element has that id or name.

    What it checks
    --------------
    For links with a ``#fragment`` to a page of the site that was crawled, the target
    page must have an element with that ``id`` (or an ``<a name>``). ``#top``, empty
    fragments and script routes (``#!``, ``#/``) are ignored. Sections created only by
    JavaScript are not seen: the evidence says how many ids the page has.

    Why it matters
    --------------
    The prospect clicks "see prices" and lands at the top of a long page instead of the
    prices, and has to search for what the link promised.

    How to fix
    ----------
    Give the intended section the id used in the link, or correct the link's
    ``#fragment`` to an id that exists on the page.
    """

    code = "TP105"
    name = "broken-anchor"
    family = "links"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for link_target in site.link_targets("unmatched_fragments"):
            target, result = link_target.url, link_target.result
            with_fragment = [r for r in link_target.refs if r.fragment and r.element in HYPERLINK_ELEMENTS]
            if not with_fragment or not site.is_internal(target):
                continue
            if result is not None and verdict(result).state != "ok":
                continue  # a broken or blocked page is reported as such, not as a missing anchor
            page_url = result.final_url if result is not None and result.final_url else target
            anchors = site.anchors(page_url)
            if anchors is None:
                continue  # not crawled, or not an HTML page: nothing to judge
            by_fragment: dict[str, list[LinkRef]] = {}
            for ref in with_fragment:
                frag = unquote(ref.fragment or "")
                if not frag or _IGNORED_FRAGMENT.match(frag) or frag in anchors:
                    continue
                by_fragment.setdefault(frag, []).append(ref)
            for frag, frag_refs in sorted(by_fragment.items()):
                locations = _locations(frag_refs, ctx.max_locations)
                yield self.finding(
                    url=locations[0].url, target=f"{target}#{frag}", locations=locations,
                    occurrences=_pages_count(frag_refs),
                    message=f"{target} has no element with id or name {frag!r}.",
                    evidence={"fragment": frag, "ids_on_page": len(anchors),
                              "similar_ids": sorted(a for a in anchors if frag.lower() in a.lower()
                                                    or a.lower() in frag.lower())[:5]},
                )
