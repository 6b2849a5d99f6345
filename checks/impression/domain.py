"""The domain a prospect sees in the address bar (TP814–TP819): https on every page, http
and www/bare addresses that lead to the site in one step, a certificate browsers trust,
no plain-http resources on https pages, no links to the http version of the site.

The addresses and certificates come from the ``domain`` collector
(``auditor.collect.domain``); the pages' facts from the crawl's parse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from auditor.artifacts import read
from auditor.artifacts.domain import AddressAnswer, DomainFacts
from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.errors import NotApplicable, Unverifiable
from auditor.model import Finding, Location
from checks.impression.facts import site_heads


def _domain(ctx: CheckContext) -> DomainFacts:
    data = read(ctx, DomainFacts)
    if data is None:
        raise Unverifiable("the domain collector stored no facts about the site's addresses")
    return data


class PageNotHttps(SiteCheck):
    """Pages served over plain http.

    What it checks
    --------------
    Every HTML page the crawl read whose address starts with ``http://``. One finding lists
    them all.

    Why it matters
    --------------
    Browsers mark plain-http pages "Not secure" in the address bar, and warn on every form
    field: a prospect about to fill in the contact form sees the warning first. Search
    engines rank https pages ahead.

    How to fix
    ----------
    Serve the whole site over https (a free certificate from Let's Encrypt through the
    hosting panel), redirect every http address to its https address, and update links
    that still name http.
    """

    code = "TP814"
    name = "page-not-https"
    family = "impression"
    requires = ("pages",)
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        plain = [h.url for h in site_heads(site) if h.url.startswith("http://")]
        if plain:
            yield self.finding(url=plain[0], key="http-pages", occurrences=len(plain),
                               locations=[Location(u) for u in plain[: ctx.max_locations]],
                               message=f"{len(plain)} {'page is' if len(plain) == 1 else 'pages are'} served over "
                                       "plain http.", evidence={"pages": len(plain)})


def _hops(record: AddressAnswer) -> int:
    return len(record.hops)


def _answers(record: AddressAnswer | None) -> bool:
    return record is not None and record.answers


class HttpNotRedirected(SiteCheck):
    """The http address of the site does not lead to its https address in one redirect.

    What it checks
    --------------
    ``http://`` + the site's host (and its www or bare form), as the domain collector
    fetched it: it must answer with one redirect straight to an ``https://`` address that
    works. No redirect (the site also answers over http), a redirect to another http
    address, or a chain of several hops are reported.

    Why it matters
    --------------
    Old links, printed material and people typing the name reach the http address first.
    Without the redirect they stay on the "Not secure" version; every extra hop costs time
    on a phone connection, and search engines may not follow long chains.

    How to fix
    ----------
    Redirect every ``http://`` address with one 301 to the same path on the final
    ``https://`` host (in the web server or the hosting panel's "force https" setting), and
    enable HSTS once it works.
    """

    code = "TP815"
    name = "http-not-redirected"
    family = "impression"
    requires = ("domain",)
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        data = _domain(ctx)
        addresses = data.addresses
        if not (urlsplit(data.start_url).scheme == "https" or _answers(addresses.get("https"))):
            raise NotApplicable("the site does not answer over https (TP814 reports the http pages)")
        for name in ("http", "other_http"):
            record = addresses.get(name)
            if record is None or (name == "other_http" and not _answers(record) and not record.hops):
                continue  # the other form does not answer at all: TP816's
            url, final = record.url, record.final_url or record.url
            hops = _hops(record)
            evidence = {"address": url, "final_url": final, "status": record.status, "hops": hops,
                        "redirects": [list(h) for h in record.hops]}
            if record.error and not hops:
                problem, severity = f"does not answer ({record.error})", "warning"
            elif not hops:
                problem, severity = "answers without redirecting to https", "error"
            elif not final.startswith("https://") or not _answers(record):
                problem, severity = f"redirects to {final}, not to a working https address", "error"
            elif hops > 1 or not record.hops[0][2].startswith("https://"):
                problem, severity = f"takes {hops} redirects to reach {final}", "warning"
            else:
                continue
            evidence["problem"] = problem
            yield self.finding(url=url, target=url, severity=severity, message=f"{url} {problem}.", evidence=evidence)


def _final_host(record: AddressAnswer | None) -> str | None:
    if record is None or not record.answers:
        return None
    return (urlsplit(record.final_url or record.url).hostname or "").lower()


class WwwAndBareDomain(SiteCheck):
    """The www and bare forms of the domain do not both lead to one site.

    What it checks
    --------------
    Both ``www.example.nl`` and ``example.nl`` (over https, else http) must answer, and one
    must redirect to the other. Reported: one of them does not answer (no DNS record, no
    server, an error), or both answer with their own copy of the site.

    Why it matters
    --------------
    Prospects type the name both ways and find it printed both ways. A form that does not
    answer looks like a site that is gone; two answering copies split links and search
    ranking between them and show two addresses for the same page.

    How to fix
    ----------
    Give both names a DNS record and a certificate, and redirect one (301) to the other, the
    one used everywhere else (canonical links, business cards, profiles).
    """

    code = "TP816"
    name = "www-and-bare-domain"
    family = "impression"
    requires = ("domain",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        data = _domain(ctx)
        host, other = data.host, data.other_host
        if not other:
            raise NotApplicable(f"{host} has no www or bare form (an IP address or a single name)")
        addresses = data.addresses
        mine = _final_host(addresses.get("https")) or _final_host(addresses.get("http"))
        theirs = _final_host(addresses.get("other_https")) or _final_host(addresses.get("other_http"))
        evidence: dict[str, Any] = {"host": host, "other_host": other, "host_ends_on": mine, "other_ends_on": theirs}
        if theirs is None or mine is None:
            silent = other if theirs is None else host
            record = addresses.get("other_https" if theirs is None else "https") or AddressAnswer()
            evidence["error"] = record.error or record.status
            evidence["problem"] = "does not answer"
            yield self.finding(url=f"https://{silent}/", target=silent, evidence=evidence,
                               message=f"{silent} does not answer ({evidence['error']}); prospects who type it "
                                       f"instead of {other if silent == host else host} get an error.")
        elif mine != theirs:
            evidence["problem"] = "both answer"
            yield self.finding(url=f"https://{host}/", target=other, evidence=evidence,
                               message=f"{host} and {other} both answer with the site; neither redirects to the "
                                       "other.")


@dataclass
class CertificateOptions:
    warn_days: int = 30
    error_days: int = 7

    def __post_init__(self) -> None:
        if not 0 <= self.error_days <= self.warn_days:
            raise ValueError("error_days must be between 0 and warn_days")


_CERT_PROBLEMS = {
    "expired": "has expired", "hostname": "is not valid for this host name",
    "untrusted": "is not signed by an authority browsers trust", "tls": "could not be negotiated",
}


class CertificateProblem(SiteCheck):
    """A certificate browsers reject, or one about to expire.

    What it checks
    --------------
    The certificate each of the site's hosts (and its www or bare form) presents over https,
    verified as a browser does: trusted issuer, valid for the host name, not expired. A
    valid certificate that expires within ``warn_days`` (default 30) is a warning, within
    ``error_days`` (default 7) an error; the days count from the audit date (``--as-of``).

    Why it matters
    --------------
    A rejected certificate puts a full-page warning between the prospect and the site
    ("Your connection is not private"); almost everybody turns back. Expiry is the most
    common cause, usually of a renewal that silently stopped.

    How to fix
    ----------
    Renew the certificate, or repair its automatic renewal (Let's Encrypt / the hosting
    panel), and make sure it names every host the site answers on, www and bare.
    """

    code = "TP817"
    name = "certificate-problem"
    family = "impression"
    requires = ("domain",)
    default_severity = "error"
    Options = CertificateOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        certs = _domain(ctx).certificates
        if not certs:
            raise NotApplicable("no host of the site answered over https")
        for host, cert in sorted(certs.items()):
            url = f"https://{host}/"
            if cert.error == "connect":
                continue  # no server: TP816 / TP815 say so
            if not cert.trusted:
                problem = _CERT_PROBLEMS.get(cert.error or "", "is rejected")
                yield self.finding(url=url, target=host, message=f"The certificate of {host} {problem}.",
                                   evidence={"host": host, "problem": cert.error, "detail": cert.detail,
                                             "issuer": cert.issuer})
                continue
            if not cert.not_after:
                continue
            expires = dt.datetime.fromisoformat(cert.not_after).date()
            days = (expires - ctx.as_of).days
            if days > self.options.warn_days:
                continue
            severity = "error" if days <= self.options.error_days else "warning"
            yield self.finding(url=url, target=host, severity=severity,
                               message=f"The certificate of {host} expires on {expires.isoformat()}, in {days} days.",
                               evidence={"host": host, "problem": "expires soon", "not_after": cert.not_after,
                                         "days_left": days, "issuer": cert.issuer})


class MixedContent(SiteCheck):
    """An https page that loads images, scripts or styles over plain http, or has a form
    that sends to an http address.

    What it checks
    --------------
    On every https page: images, scripts, stylesheets, frames and media whose address starts
    with ``http://``, and forms whose ``action`` does. One finding per insecure address,
    listing the pages.

    Why it matters
    --------------
    Browsers block http scripts and styles on https pages (the page breaks), show http
    images with a "Not secure" mark, and warn before a form sends its data unencrypted:
    exactly when a prospect is about to get in touch.

    How to fix
    ----------
    Change the addresses to ``https://`` (or to paths on the site), after checking that the
    other server serves them over https; a search-and-replace in the database fixes the
    usual cause, a site moved to https with its old absolute links.
    """

    code = "TP818"
    name = "mixed-content"
    family = "impression"
    requires = ("pages",)
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        pages: dict[str, list[str]] = {}
        for head in site_heads(site):
            for url in head.mixed:
                pages.setdefault(url, []).append(head.url)
        for url, where in sorted(pages.items()):
            yield self.finding(url=where[0], target=url, occurrences=len(where),
                               locations=[Location(u) for u in where[: ctx.max_locations]],
                               message=f"{url} is loaded over plain http on {len(where)} https "
                                       f"{'page' if len(where) == 1 else 'pages'}.",
                               evidence={"resource": url, "pages": len(where)})


class HttpLinkToOwnSite(SiteCheck):
    """Links from https pages to the http address of the site's own pages.

    What it checks
    --------------
    Links (``<a href>``) on https pages to ``http://`` addresses on the site's own host or its
    www / bare form. One finding per address, listing the pages.

    Why it matters
    --------------
    Each click goes through a redirect (slower), or, where http does not redirect, lands on
    the "Not secure" version. Such links usually come from content written before the site
    moved to https.

    How to fix
    ----------
    Replace ``http://`` by ``https://`` in those links, or use paths (``/contact``) for links
    within the site.
    """

    code = "TP819"
    name = "http-link-to-own-site"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        pages: dict[str, list[str]] = {}
        for head in site_heads(site):
            for url in head.http_links:
                pages.setdefault(url, []).append(head.url)
        for url, where in sorted(pages.items()):
            yield self.finding(url=where[0], target=url, occurrences=len(where),
                               locations=[Location(u, "", "a") for u in where[: ctx.max_locations]],
                               message=f"{len(where)} https {'page links' if len(where) == 1 else 'pages link'} "
                                       f"to {url}.", evidence={"link": url, "pages": len(where)})


class MissingFavicon(SiteCheck):
    """No icon for the browser tab and bookmarks: none declared that loads, and no
    ``/favicon.ico``.

    What it checks
    --------------
    The icons the home page declares (``<link rel="icon">``, ``shortcut icon``,
    ``apple-touch-icon``), as the crawler fetched them; without a declared icon that loads,
    ``/favicon.ico`` on the site's host, as the domain collector fetched it (what browsers
    ask for then). Reported when neither gives a working answer.

    Why it matters
    --------------
    The icon is the site's face in the browser tab, the bookmarks, the phone's home screen
    and in some search results. Without it the tab shows a blank page symbol between the
    logos of other sites, and the site looks unfinished.

    How to fix
    ----------
    Put a square icon (at least 48 x 48 pixels, PNG or SVG, and an ``apple-touch-icon`` of
    180 x 180) on the site, declare it with ``<link rel="icon" href="…">`` in every page's
    head, and keep a ``/favicon.ico`` for older browsers and feed readers.
    """

    code = "TP822"
    name = "missing-favicon"
    family = "impression"
    requires = ("pages", "domain")
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        from checks.impression.facts import is_home

        home = next((h for h in site_heads(site) if is_home(site, h.url)), None)
        if home is None:
            raise NotApplicable("the home page was not crawled")
        declared = []
        for icon in home.icons:
            result = site.link_result(icon.split("#", 1)[0])
            declared.append((icon, result))
            if result is not None and result.status is not None and result.status < 400 and not result.error:
                return
        fallback = _domain(ctx).addresses.get("favicon")
        if not declared and _answers(fallback):
            return
        broken = [{"icon": icon, "status": r.status if r else None, "error": r.error if r else None}
                  for icon, r in declared]
        message = ("The icons the home page declares do not load" if declared
                   else "The home page declares no icon and the site has no /favicon.ico")
        yield self.finding(url=home.url, key="favicon", message=message + ": the browser tab shows no logo.",
                           evidence={"declared": broken, "favicon_ico": fallback.status if fallback else None,
                                     "problem": "declared icons broken" if declared else "no icon"})
