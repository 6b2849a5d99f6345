"""Profile checks (TP601–TP603): broken, stale and inconsistent public profiles.

The profile visitor (``auditor.collect.profiles.visitor``) looked at each of the organisation's
profiles once and stored what it saw in the ``profiles`` artifact; these checks only
judge it, starting with whether each profile exists at all (``verdict``, shared by the
three checks and the touchpoint map, as ``checks.links.verdict`` is by the link checks).
The rule of the link checks holds here too, *blocked is not broken*: a profile
behind a login wall, a 999 or a bot wall is ``unverifiable``. Such a profile is recorded,
with its reason, in the artifact and in the touchpoint map (and its link in TP107); the
checks below skip it rather than report a guess. A check ends ``unverifiable`` when no
profile at all could be seen, and ``not_applicable`` when there is nothing to judge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from auditor.artifacts import read
from auditor.artifacts.profiles import FactValue, Profiles, ProfileVisit
from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.contact import (
    FREEMAIL,
    domain_of,
    names_match,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)
from auditor.errors import NotApplicable, Unverifiable
from auditor.model import BLOCKED_STATUSES, Finding, Location

FOUND, NOT_FOUND, UNVERIFIABLE = "found", "not_found", "unverifiable"


@dataclass(frozen=True)
class Verdict:
    """``state`` is found, not_found or unverifiable; ``reason`` says why in one line."""

    state: str
    reason: str = ""


def verdict(p: ProfileVisit) -> Verdict:  # noqa: C901 - the ordered rule list of the profile verdict, in one place
    """Whether a visited profile exists, from what the visit observed (blocked is not broken).

    A 999, a login wall, a bot wall or a consent page means the profile could not be seen
    (``unverifiable``), never that it is gone. Only a clear "does not exist" (404, 410, the
    platform's own not-found page or wording, a vanished self-hosted server) is
    ``not_found``. A run stored before the checks judged (no observations) keeps the
    visitor's own verdict.
    """
    seen = p.observed
    if seen is None:
        return Verdict(p.state or UNVERIFIABLE, p.reason)
    label, status = p.label, p.status
    host = urlsplit(seen.requested).hostname or seen.requested
    if p.error:
        if seen.self_hosted and p.error in ("dns", "refused"):
            return Verdict(NOT_FOUND, f"the server {host} no longer answers ({p.error})")
        return Verdict(UNVERIFIABLE, f"could not reach {host} ({p.error})")
    if status in BLOCKED_STATUSES:
        return Verdict(UNVERIFIABLE, f"{label} {BLOCKED_STATUSES[status]}")
    if seen.bot_wall:
        return Verdict(UNVERIFIABLE, f"a bot wall answered ({status}); the profile itself could not be seen")
    if seen.wall == "consent":
        return Verdict(UNVERIFIABLE, f"{label} redirected to a cookie-consent page "
                                     f"({urlsplit(seen.wall_url or '').hostname or ''})")
    if seen.wall == "login":
        return Verdict(UNVERIFIABLE, f"{label} redirected to a login page ({seen.wall_url})")
    if status == 404:
        return Verdict(NOT_FOUND, f"{label} answers 404: the profile does not exist")
    if status == 410:
        return Verdict(NOT_FOUND, f"{label} answers 410 Gone: the profile was removed or suspended")
    if status is None or status >= 400:
        return Verdict(UNVERIFIABLE, f"{label} answered {status}")
    if seen.not_found_path:
        return Verdict(NOT_FOUND, f"{label} redirects to its 'unavailable' page ({p.final_url})")
    if seen.not_found_phrase:
        return Verdict(NOT_FOUND, f'{label} says "{seen.not_found_phrase}"')
    final_path = urlsplit(p.final_url or seen.requested).path
    if seen.hops and final_path in ("", "/") and urlsplit(seen.requested).path not in ("", "/"):
        return Verdict(UNVERIFIABLE, f"{label} redirected to its home page; the profile could not be seen")
    if seen.login_phrase and not seen.shows_profile:
        return Verdict(UNVERIFIABLE, f'{label} shows a login wall ("{seen.login_phrase}")')
    if seen.needs_metadata and not seen.shows_profile:
        return Verdict(UNVERIFIABLE, f"{label} shows this profile only to browsers with JavaScript")
    return Verdict(FOUND, f"{label} shows the profile")


@dataclass(frozen=True)
class Judged:
    """A visited profile with its verdict."""

    visit: ProfileVisit
    state: str
    reason: str


def _profiles(ctx: CheckContext) -> tuple[Profiles, list[Judged]]:
    data = read(ctx, Profiles)
    if data is None:
        raise Unverifiable("the profile visitor did not run: no 'profiles' artifact")
    if not data.profiles:
        raise NotApplicable("the site declares and links no public profiles of its own")
    return data, [Judged(p, *_state(p)) for p in data.profiles]


def _state(p: ProfileVisit) -> tuple[str, str]:
    judged = verdict(p)
    return judged.state, judged.reason


def _unseen(profiles: list[Judged]) -> str:
    return "; ".join(f"{j.visit.label} {j.visit.url}: {j.reason}" for j in profiles if j.state not in (FOUND,))


def _seen(profiles: list[Judged], *, organisations_only: bool = False) -> list[ProfileVisit]:
    """The profiles that could be seen; ends the check when there are none."""
    seen = [j.visit for j in profiles if j.state == FOUND and not (organisations_only and j.visit.personal)]
    if seen:
        return seen
    if all(j.state == NOT_FOUND for j in profiles):
        raise NotApplicable("every profile link is broken (see TP601)")
    if organisations_only and any(j.state == FOUND for j in profiles):
        raise NotApplicable("only personal profiles could be seen; they are not compared with the organisation")
    raise Unverifiable(f"no profile could be seen: {_unseen(profiles)}")


def _locations(p: ProfileVisit, limit: int) -> list[Location]:
    locs = [Location(url, text, "a") for url, text in p.locations][:limit]
    return locs or [Location(p.found_on or p.url, "", "")]


class _ProfileCheck(SiteCheck):
    """What the three profile checks share: their artifact, and findings about one profile
    located on every page that links to it."""

    family = "profiles"
    requires = ("pages", "profiles")

    def profile_finding(self, p: ProfileVisit, ctx: CheckContext, message: str, evidence: dict[str, Any],
                        key: str | None = None) -> Finding:
        locations = _locations(p, ctx.max_locations)
        base = {"platform": p.label, "profile": p.url, "found_via": list(p.found_via),
                "status": p.status, "final_url": p.final_url}
        return self.finding(url=locations[0].url, target=p.url, locations=locations, key=key,
                            occurrences=max(p.pages, 1), message=message, evidence={**base, **evidence})


class BrokenProfileLink(_ProfileCheck):
    """A profile the site links to, or declares as its own, that does not exist.

    What it checks
    --------------
    Every public profile of the organisation (LinkedIn, Facebook, Instagram, X, YouTube,
    TikTok, Pinterest, Mastodon, GitHub, and review pages on Google, Trustpilot and Kiyoh)
    linked from the home page, a contact or about page or the site-wide header or footer,
    or declared with ``rel="me"`` or schema.org ``sameAs``, is visited once. It is broken
    when the platform says it does not exist: 404, 410 (removed or suspended), or the
    platform's own "this page isn't available" page. A login wall, a 999 answer or a bot
    wall means the profile could not be seen, not that it is gone: such profiles are not
    reported here (they are listed in the touchpoint map and in TP107).

    Why it matters
    --------------
    A prospect who clicks the Facebook icon and lands on "This content isn't available"
    wonders whether the company still exists. Link checkers skip these links, so the dead
    profile often stays in the footer for years.

    How to fix
    ----------
    Link to the profile's current address (the handle may have changed), or remove the
    icon and the ``sameAs`` entry if the profile was closed.
    """

    code = "TP601"
    name = "broken-profile-link"
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        _, profiles = _profiles(ctx)
        if not any(j.state in (FOUND, NOT_FOUND) for j in profiles):
            raise Unverifiable(f"no profile could be verified: {_unseen(profiles)}")
        for j in profiles:
            if j.state != NOT_FOUND:
                continue
            p = j.visit
            yield self.profile_finding(p, ctx, f"The {p.label} profile {p.url} does not exist: {j.reason}.",
                                       {"reason": j.reason})


@dataclass
class StaleProfileOptions:
    """``max_age_days``: how old the newest public post may be."""

    max_age_days: int = 90

    def __post_init__(self) -> None:
        if not isinstance(self.max_age_days, int) or self.max_age_days < 1:
            raise ValueError("max_age_days must be a positive number of days")


class StaleProfile(_ProfileCheck):
    """A profile whose newest public post is older than the threshold (default 90 days).

    What it checks
    --------------
    For platforms that show post dates to the public (YouTube and Mastodon through their
    public feeds, Pinterest's RSS feed, GitHub's activity feed, the review dates on
    Trustpilot and Kiyoh), the date of the newest post is compared with the audit date
    (``--as-of``). A profile without any public post counts as stale. Facebook, Instagram,
    LinkedIn, X, TikTok and Google show dates only to logged-in visitors or to browsers
    with JavaScript: there the check is not applicable, and says so.

    Why it matters
    --------------
    A prospect who finds a channel whose last video is two years old concludes the
    company has stopped caring, or stopped trading. An abandoned profile does more harm
    than no profile.

    How to fix
    ----------
    Post again (plan a modest, regular rhythm you can keep), or remove the link to the
    profile from the site and close or archive the profile.
    """

    code = "TP602"
    name = "stale-profile"
    default_severity = "warning"
    Options = StaleProfileOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        _, profiles = _profiles(ctx)
        seen = _seen(profiles)
        dated = [p for p in seen if p.dates.public]
        if not dated:
            raise NotApplicable("no profile shows post dates publicly: " +
                                "; ".join(f"{p.label}: {p.dates.why_not}" for p in seen))
        known = [p for p in dated if p.dates.known]
        if not known:
            raise Unverifiable("the post dates could not be read: " +
                               "; ".join(f"{p.label}: {p.dates.why_unknown or ''}" for p in dated))
        limit = self.options.max_age_days
        for p in known:
            dates = p.dates
            newest = dt.date.fromisoformat(dates.newest) if dates.newest else None
            if newest is not None and (ctx.as_of - newest).days <= limit:
                continue
            activity = dates.activity
            if newest is None:
                message = f"The {p.label} profile {p.url} shows no public {activity}s at all."
            else:
                message = (f"The newest public {activity} on the {p.label} profile {p.url} is from "
                           f"{newest.isoformat()}, {(ctx.as_of - newest).days} days before {ctx.as_of.isoformat()} "
                           f"(threshold: {limit} days).")
            yield self.profile_finding(p, ctx, message, {
                "newest": dates.newest, "items_seen": dates.items,
                "source": (dates.feed.url if dates.feed else None) or dates.source,
                "age_days": (ctx.as_of - newest).days if newest else None, "threshold_days": limit})


FIELDS = ("name", "website", "phone", "email", "address")


@dataclass
class InconsistentProfileOptions:
    """``organisation_name`` replaces the names read from the site; ``aliases`` are more
    accepted names; ``ignore`` lists fields not to compare (name, website, phone, email,
    address); ``country_code`` is used for national phone numbers (0… → +31…)."""

    organisation_name: str = ""
    aliases: tuple[str, ...] | list[str] = ()
    ignore: tuple[str, ...] | list[str] = ()
    country_code: str = "31"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.ignore) - set(FIELDS))
        if unknown:
            raise ValueError(f"ignore: unknown field {unknown[0]!r}; fields are {list(FIELDS)}")
        if not self.country_code.isdigit():
            raise ValueError("country_code must be digits, e.g. '31'")


class _Site:
    """The organisation's own details from the artifact, normalised once for comparing."""

    def __init__(self, data: Profiles, options: InconsistentProfileOptions) -> None:
        site = data.site
        names = site.names
        strong = [n.value for n in names if n.source != "title"]
        if options.organisation_name:
            self.names = [options.organisation_name, *options.aliases]
        else:
            self.names = (strong or [n.value for n in names]) + list(options.aliases)
        cc = options.country_code
        # Normalised value -> the first way the site wrote it (schema.org comes first).
        self.phones: dict[str, FactValue] = {}
        self.emails: dict[str, FactValue] = {}
        self.postcodes: dict[str, FactValue] = {}
        for p in site.phones:
            if n := normalise_phone(p.value, cc):
                self.phones.setdefault(n, p)
        for e in site.emails:
            if n := normalise_email(e.value):
                self.emails.setdefault(n, e)
        for p in site.postcodes:
            self.postcodes.setdefault(normalise_postcode(p.value), p)
        own = [site.start_url, *[u.value for u in site.urls]]
        self.domains = {domain_of(u) for u in own if u}
        self.mail_domains = {e.split("@", 1)[1] for e in self.emails} - FREEMAIL
        self.domains |= {domain_of(d) for d in self.mail_domains}


class InconsistentProfile(_ProfileCheck):
    """A profile whose name, website or contact details differ from the site's.

    What it checks
    --------------
    For each organisation profile that could be seen (personal profiles are left out),
    compares what the platform shows the public with what the site says (schema.org
    Organization, ``og:site_name``, ``tel:`` and ``mailto:`` links and contact text on the
    home, contact and about pages). The name may differ in case, accents, legal form (B.V.,
    N.V., GmbH …) and by a shortened form ("Groenhuis" for "Groenhuis Installatietechniek").
    The profile's website link must point to the site's domain, or to the domain of its own
    schema.org ``url`` or e-mail addresses. Phone numbers are compared normalised
    (``+31 30 123 4567`` is ``030-123 45 67``), e-mail addresses by address (another address at
    the organisation's own domain is accepted), addresses by postcode.
    A detail the profile does not show, or the site does not state, is not compared.

    Why it matters
    --------------
    A prospect who calls the number on the YouTube channel and reaches nobody, or finds
    an old company name on LinkedIn, doubts which information is right, and may give up.

    How to fix
    ----------
    Update the profile's name, website link and contact details to match the site, or
    correct the site if the profile is right. Set ``[checks.TP603] organisation_name`` or
    ``aliases`` when the site's own name is not the one you use.
    """

    code = "TP603"
    name = "inconsistent-profile"
    default_severity = "warning"
    Options = InconsistentProfileOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        data, profiles = _profiles(ctx)
        seen = _seen(profiles, organisations_only=True)
        own = _Site(data, self.options)
        compared = 0
        for p in seen:
            for field_name, shown, expected in self._differences(p, own):
                yield self.profile_finding(p, ctx, self._message(p, field_name, shown, expected),
                                           {"field": field_name, "on_profile": shown, "on_site": expected},
                                           key=f"{p.url}|{field_name}")
            compared += int(bool(p.name or p.websites or p.phones or p.emails or p.addresses))
        if not compared:
            raise Unverifiable("the profiles show no name, website or contact details to compare")

    def _differences(self, p: ProfileVisit, own: _Site) -> Iterator[tuple[str, list[str], list[str]]]:
        skip = set(self.options.ignore)
        cc = self.options.country_code
        if "name" not in skip and p.name and own.names and not any(names_match(p.name, n) for n in own.names):
            yield "name", [p.name], own.names[:3]
        websites = list(p.websites)
        if "website" not in skip and websites and not any(domain_of(w) in own.domains for w in websites):
            yield "website", websites[:5], sorted(own.domains)
        if "phone" not in skip and own.phones:
            other = [raw for raw in p.phones if (n := normalise_phone(raw, cc)) and n not in own.phones]
            if other:
                yield "phone", other, [v.value for v in own.phones.values()][:3]
        if "email" not in skip and own.emails:
            other = [raw for raw in p.emails if (n := normalise_email(raw)) and n not in own.emails
                     and domain_of(n.split("@", 1)[1]) not in own.domains]
            if other:
                yield "email", other, [v.value for v in own.emails.values()][:3]
        if "address" not in skip and own.postcodes:
            other = [a for a in p.addresses if normalise_postcode(a) not in own.postcodes]
            if other:
                yield "address", other, [v.value for v in own.postcodes.values()][:3]

    @staticmethod
    def _message(p: ProfileVisit, field_name: str, shown: list[str], expected: list[str]) -> str:
        where = f"The {p.label} profile {p.url}"
        if field_name == "name":
            return f'{where} is called "{shown[0]}", which differs from the name on the site ("{expected[0]}").'
        if field_name == "website":
            return f"{where} links to {', '.join(shown)}, not to the organisation's site ({', '.join(expected)})."
        what = {"phone": "phone number", "email": "e-mail address", "address": "postcode"}[field_name]
        plural = "s" if len(shown) > 1 else ""
        return (f"{where} gives the {what}{plural} {', '.join(shown)}, which the site does not give "
                f"(the site gives {', '.join(expected)}).")
