"""GitHub users and organisations (``github.com/name``; a repository is not a profile).

The profile page marks the website and e-mail with ``itemprop``; public activity is in the
Atom feed ``/name.atom``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.collect.profiles.platforms.base import Platform, ProfileFacts, ProfileRef
from auditor.collect.profiles.platforms.parse import ProfilePage


class GitHub(Platform):
    name = "github"
    label = "GitHub"
    domains = ("github.com",)
    profile_path = re.compile(r"^/(?P<handle>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/?$")
    reserved = frozenset({
        "features", "pricing", "about", "login", "join", "orgs", "sponsors", "topics", "explore", "marketplace",
        "settings", "enterprise", "team", "security", "customer-stories", "readme", "collections", "trending",
        "events", "site", "contact", "apps", "new", "notifications", "issues", "pulls", "codespaces", "search",
        "signup", "logout", "organizations", "home", "copilot", "solutions", "resources", "open-source",
    })
    not_found_phrases = ("this is not the web page you are looking for", "page not found")
    title_suffix = re.compile(r"\s*(?:·|-)\s*GitHub\s*$", re.I)
    dates_public = True
    activity = "public activity"

    def websites(self, page: ProfilePage) -> list[str]:
        if page.tree is None:
            return []
        return page.tree.xpath("//*[@itemprop='url']//@href | //a[@itemprop='url']/@href")[:10]

    def facts(self, ref: ProfileRef, page: ProfilePage) -> ProfileFacts:
        facts = super().facts(ref, page)
        if page.tree is not None:
            mails = page.tree.xpath("//*[@itemprop='email']//@href | //a[@itemprop='email']/@href")
            facts.emails += [m.removeprefix("mailto:") for m in mails[:5] if m.startswith("mailto:")]
        return facts

    def feed_url(self, ref: ProfileRef, page: ProfilePage) -> str | None:
        parts = urlsplit(ref.url)
        return f"{parts.scheme}://{parts.netloc}/{ref.handle}.atom"


PLATFORM = GitHub()
