"""What a platform adapter declares, and the observation of a profile visit that all share.

An adapter is mostly data: which hosts and paths are profiles, what the platform's "not
found" and login pages say, whether it shows post dates to the public and where its feed
is. ``Platform.observe`` turns one fetch into facts (``auditor.artifacts.profiles.VisitFacts``:
a bot wall, a redirect to a login or consent page, the platform's "does not exist" wording,
whether the page names the profile). It does not judge: ``checks.profiles.verdict`` decides
found / not_found / unverifiable from these facts, so ``recheck`` judges stored visits again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from auditor.artifacts.profiles import VisitFacts
from auditor.collect.http import Response
from auditor.collect.profiles.platforms.parse import ProfilePage, fold, is_organisation, node_types, parse_date, strings
from auditor.contact import find_addresses, find_emails, find_phones
from auditor.model import is_bot_wall

LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|sign_in|authwall|uas/login|accounts/login|checkpoint|"
                        r"i/flow/login|inloggen)\b", re.I)
CONSENT_HOSTS = ("consent.youtube.com", "consent.google.com")
_REDIRECT_PARAMS = ("u", "q", "url", "target", "dest")
_DATED_PROPS = ("datePublished", "uploadDate", "dateCreated")
_PROFILE_TYPES = frozenset({"ProfilePage", "WebPage", "WebSite", "Person", "BreadcrumbList", "ImageObject"})


@dataclass(frozen=True)
class ProfileRef:
    """A URL recognised as a profile: which platform, whose handle, the identity for de-duplication."""

    platform: str
    label: str
    kind: str
    url: str
    key: str
    handle: str
    personal: bool = False


@dataclass
class ProfileFacts:
    """What the profile shows the public about the organisation."""

    name: str | None = None
    description: str = ""
    websites: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)  # postcodes, or address lines
    dates: list[dt.date] = field(default_factory=list)  # public posts seen on the page itself


class Platform:
    """Base class of the adapters; one subclass per platform, one module per subclass.

    Set ``name`` (stable id), ``label`` (shown to people), ``domains`` and ``profile_path``
    (a regex with a ``handle`` group over the URL path); then only what differs from the
    defaults: ``reserved`` first path segments that are not profiles (``share``, ``watch``),
    ``not_found_phrases`` and ``login_phrases`` (lower case, as the platform writes them),
    ``dates_public`` and ``no_dates`` (why not), ``activity`` (what a dated item is called),
    ``title_suffix`` to cut from ``og:title``.
    Override a method only for what data cannot say (a feed URL built from a channel id).
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    kind: ClassVar[str] = "social_profile"
    domains: ClassVar[tuple[str, ...]] = ()
    profile_path: ClassVar[re.Pattern[str]] = re.compile(r"^/(?P<handle>[\w.\-]+)/?$")
    personal_path: ClassVar[re.Pattern[str] | None] = None
    reserved: ClassVar[frozenset[str]] = frozenset()
    not_found_phrases: ClassVar[tuple[str, ...]] = ()
    not_found_path: ClassVar[re.Pattern[str] | None] = None
    login_phrases: ClassVar[tuple[str, ...]] = ()
    title_suffix: ClassVar[re.Pattern[str] | None] = None
    dates_public: ClassVar[bool] = False
    no_dates: ClassVar[str] = ""
    activity: ClassVar[str] = "post"  # what a dated item is called in messages: post, video, review
    needs_metadata: ClassVar[bool] = False  # a 200 without a name is a JavaScript shell we cannot read
    self_hosted: ClassVar[bool] = False  # a vanished server means a vanished profile (Mastodon)
    order: ClassVar[int] = 100  # adapters that accept any host (Mastodon) are asked last

    # -- recognising ----------------------------------------------------------------------
    def owns(self, host: str, declared: bool = False) -> bool:
        """Whether ``host`` belongs to the platform. ``declared``: the site named the URL as
        its own (``rel="me"``, schema.org ``sameAs``), which self-hosted platforms need."""
        host = host.lower().split(":")[0]
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def match(self, url: str, *, declared: bool = False) -> ProfileRef | None:
        """A ``ProfileRef`` when ``url`` is a profile on this platform (not a post, a share
        button or a video), else None."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not self.owns(parts.hostname or "", declared):
            return None
        m = self.profile_path.match(parts.path or "/")
        if not m:
            return None
        handle = m.group("handle")
        if handle.lower() in self.reserved:
            return None
        personal = bool(self.personal_path and self.personal_path.match(parts.path))
        return ProfileRef(self.name, self.label, self.kind, url, f"{self.name}:{self.identity(m, parts)}",
                          handle, personal)

    def identity(self, match: re.Match[str], parts: Any) -> str:
        """What makes two URLs the same profile (``/Foo/`` and ``/foo``): the handle, folded."""
        return match.group("handle").lower()

    # -- observing a visit -----------------------------------------------------------------
    def observe(self, got: Response, page: ProfilePage) -> VisitFacts:
        """What the fetch of a profile showed, for ``checks.profiles.verdict`` to judge."""
        snippet = got.body[:20_000].decode("utf-8", "replace")
        wall = self.wall(got)
        final_path = urlsplit(got.final_url or got.url).path
        # The page's own text is searched only when its metadata names no profile: a found
        # profile's posts may well say "page not found".
        text_chars = 0 if self.metadata_name(page) else 3_000
        return VisitFacts(
            requested=got.url, hops=tuple((h.url, h.status, h.location) for h in got.hops),
            bot_wall=not got.error and is_bot_wall(got.status, got.headers, snippet),
            wall=wall[0] if wall else None, wall_url=wall[1] if wall else None,
            not_found_path=bool(self.not_found_path and self.not_found_path.search(final_path)),
            not_found_phrase=page.says(self.not_found_phrases, text_chars=text_chars) or None,
            login_phrase=page.says(self.login_phrases) or None,
            shows_profile=self.has_profile_data(page),
            self_hosted=self.self_hosted, needs_metadata=self.needs_metadata)

    def wall(self, got: Response) -> tuple[str, str] | None:
        """``(login|consent, url)`` when a redirect means we could not look, or None."""
        for url in [*(h.location for h in got.hops), got.final_url or ""]:
            parts = urlsplit(url)
            if (parts.hostname or "") in CONSENT_HOSTS:
                return "consent", url
            if LOGIN_PATH.search(parts.path) and not LOGIN_PATH.search(urlsplit(got.url).path):
                return "login", url
        return None

    def has_profile_data(self, page: ProfilePage) -> bool:
        return bool(self.profile_name(page))

    def metadata_name(self, page: ProfilePage) -> str | None:
        """The profile's name from JSON-LD or ``og:title`` (not from the <title>, which error
        pages have too), or None."""
        node = self.profile_node(page)
        if node is not None and strings(node.get("name")):
            return strings(node.get("name"))[0]
        title = fold(self.title_suffix.sub("", page.og("title")) if self.title_suffix else page.og("title"))
        return title if title and title.lower() != self.label.lower() else None

    # -- reading what the profile shows -----------------------------------------------------
    def profile_node(self, page: ProfilePage, personal: bool = False) -> dict[str, Any] | None:
        """The JSON-LD node describing the profile's owner (not the platform itself)."""
        own = self.label.lower()
        candidates = [n for n in page.jsonld if is_organisation(n) or (personal and "Person" in node_types(n))]
        return next((n for n in candidates if fold(str(n.get("name", ""))).lower() not in ("", own)), None)

    def profile_name(self, page: ProfilePage, personal: bool = False) -> str | None:
        node = self.profile_node(page, personal)
        if node is not None:
            names = strings(node.get("name"))
            if names:
                return fold(names[0])[:300]
        title = page.og("title") or page.title
        if self.title_suffix is not None:
            title = self.title_suffix.sub("", title)
        title = fold(title)
        return title[:300] if title and title.lower() != self.label.lower() else None

    def facts(self, ref: ProfileRef, page: ProfilePage) -> ProfileFacts:
        """Name, website, contact details and (where public) post dates shown on the profile."""
        node = self.profile_node(page, ref.personal) or {}
        description = fold(page.description)[:2_000]
        facts = ProfileFacts(name=self.profile_name(page, ref.personal), description=description)
        facts.websites = [unwrap(u) for u in [*strings(node.get("url")), *strings(node.get("sameAs")),
                                               *self.websites(page)] if u.startswith(("http://", "https://"))]
        contact_nodes = [node, *[c for c in _as_list(node.get("contactPoint")) if isinstance(c, dict)]]
        for c in contact_nodes:
            facts.phones += strings(c.get("telephone"))
            facts.emails += [e.removeprefix("mailto:") for e in strings(c.get("email"))]
        facts.phones += find_phones(description)
        facts.emails += find_emails(description)
        for address in _as_list(node.get("address")):
            if isinstance(address, dict) and address.get("postalCode"):
                facts.addresses.append(str(address["postalCode"]))
            elif isinstance(address, str):
                facts.addresses += find_addresses(address)
        facts.addresses += find_addresses(description)
        if self.dates_public:
            facts.dates = self.post_dates(page)
        for name in ("websites", "phones", "emails", "addresses"):
            setattr(facts, name, list(dict.fromkeys(getattr(facts, name)))[:20])
        return facts

    def websites(self, page: ProfilePage) -> list[str]:
        """Links to the owner's own website that the platform shows besides JSON-LD."""
        return []

    def post_dates(self, page: ProfilePage) -> list[dt.date]:
        """Dates of public posts on the page itself (JSON-LD items, article times)."""
        dates = []
        for node in page.jsonld:
            if node_types(node) & _PROFILE_TYPES or is_organisation(node):
                continue  # the profile's own creation date is not a post
            dates += [parse_date(v) for prop in _DATED_PROPS for v in strings(node.get(prop))]
        dates.append(parse_date(page.meta.get("article:published_time")))
        return [d for d in dates if d is not None]

    def feed_url(self, ref: ProfileRef, page: ProfilePage) -> str | None:
        """The public feed of the profile's posts, when the platform has one."""
        return page.feeds[0] if self.dates_public and page.feeds else None


def unwrap(url: str) -> str:
    """The destination of a platform's outbound redirector (``l.facebook.com/l.php?u=…``,
    ``youtube.com/redirect?q=…``); other URLs unchanged."""
    parts = urlsplit(url)
    if parts.query and ((parts.hostname or "").startswith(("l.", "lm.")) or parts.path in ("/redirect", "/l.php")):
        query = parse_qs(parts.query)
        for key in _REDIRECT_PARAMS:
            for value in query.get(key, []):
                if value.startswith(("http://", "https://")):
                    return value
    return url


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []
