"""Artifact of the profile visitor: the organisation as its site presents it, and what a
visit of each of its public profiles saw.

The visitor gathers facts only; TP601–TP603 (``checks/profiles.py``) judge them, including
whether a profile was found at all (``checks.profiles.verdict``), so ``recheck`` judges a
stored run again with the current rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.artifacts import Artifact

__all__ = ["FactValue", "FoundProfile", "NotVisited", "OrganisationFacts", "ProfileDates", "ProfileFeed",
           "ProfileVisit", "Profiles", "VisitFacts"]


@dataclass(frozen=True)
class FactValue:
    """One value the site states (a name, a phone number …), where and how it was found."""

    value: str = ""
    source: str = ""  # "schema.org name", "tel: link", "page text", "title" …
    url: str = ""


@dataclass(frozen=True)
class OrganisationFacts:
    """What the site itself says about the organisation (home, contact and about pages)."""

    start_url: str = ""
    names: tuple[FactValue, ...] = ()
    phones: tuple[FactValue, ...] = ()
    emails: tuple[FactValue, ...] = ()
    postcodes: tuple[FactValue, ...] = ()
    urls: tuple[FactValue, ...] = ()  # schema.org url: the organisation's own site
    pages_read: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileFeed:
    """The platform's public feed the visitor read for post dates."""

    url: str = ""
    status: int | None = None
    error: str | None = None
    entries: int | None = None


@dataclass(frozen=True)
class ProfileDates:
    """Public post dates: whether the platform shows them (``public``, else ``why_not``),
    whether they could be read (``known``, else ``why_unknown``), the newest (ISO date)."""

    public: bool = False
    why_not: str = ""
    activity: str = "post"
    known: bool = False
    newest: str | None = None
    items: int = 0
    source: str | None = None  # page | feed
    why_unknown: str | None = None
    feed: ProfileFeed | None = None


@dataclass(frozen=True)
class VisitFacts:
    """What the visit saw that decides whether the profile exists (the check judges it).

    ``requested`` is the URL asked for; ``hops`` every redirect ``(url, status, location)``.
    ``bot_wall``: a bot or challenge page answered. ``wall`` / ``wall_url``: the visit was
    redirected to a ``login`` or cookie-``consent`` page. ``not_found_path``: it ended on
    the platform's own "unavailable" address. ``not_found_phrase`` / ``login_phrase``: the
    platform's "does not exist" or "log in" wording on the page (the not-found wording is
    looked for in the text only when the page's metadata names no profile).
    ``shows_profile``: the page's metadata names the profile. ``self_hosted`` and
    ``needs_metadata`` are the platform's traits (a vanished Mastodon server is a vanished
    profile; a page without metadata is a JavaScript shell)."""

    requested: str = ""
    hops: tuple[tuple[str, int, str], ...] = ()
    bot_wall: bool = False
    wall: str | None = None  # login | consent
    wall_url: str | None = None
    not_found_path: bool = False
    not_found_phrase: str | None = None
    login_phrase: str | None = None
    shows_profile: bool = False
    self_hosted: bool = False
    needs_metadata: bool = False


@dataclass(frozen=True)
class FoundProfile:
    """A profile as the site shows it: where it is linked or declared, and which platform's.
    Visited or not, every profile has these (``ProfileVisit``, ``NotVisited``)."""

    url: str = ""
    key: str = ""
    platform: str = ""
    label: str = ""
    kind: str = "social_profile"
    handle: str = ""
    personal: bool = False
    found_on: str = ""
    found_via: tuple[str, ...] = ()
    pages: int = 0
    locations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ProfileVisit(FoundProfile):
    """One profile (de-duplicated across URL spellings): where the site links or declares
    it, what fetching it gave, and what it shows (name, website, contact details, dates).

    ``observed`` holds the facts the verdict is judged from. Runs stored before the checks
    judged (artifact version 1) have no ``observed`` but the visitor's own ``state`` and
    ``reason``, which the check then takes as they are."""

    status: int | None = None
    final_url: str | None = None
    error: str | None = None
    checked_by: str = "visit"  # visit | link check (the crawler's stored answer, not knocked again)
    observed: VisitFacts | None = None
    state: str | None = None  # version 1 only: the visitor's verdict
    reason: str = ""  # version 1 only
    name: str | None = None
    description: str = ""
    websites: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    dates: ProfileDates = field(default_factory=ProfileDates)


@dataclass(frozen=True)
class NotVisited(FoundProfile):
    """A profile found but not visited, and why (more than ``max_profiles``, or linked only
    from content pages: someone else's)."""

    why: str = ""


@dataclass(frozen=True)
class Profiles(Artifact):
    """Run-level ``profiles``. ``version`` 2: the checks judge ``observed``; 1: the visitor judged."""

    NAME = "profiles"

    version: int = 2
    site: OrganisationFacts = field(default_factory=OrganisationFacts)
    profiles: tuple[ProfileVisit, ...] = ()
    not_visited: tuple[NotVisited, ...] = ()
