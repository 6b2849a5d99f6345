"""Mastodon accounts on any instance (``https://instance/@name``).

Any server can run Mastodon, so a ``/@name`` URL counts as a Mastodon profile on a
well-known instance, on a host named like one (``mastodon.``, ``social.`` …), or anywhere
when the site declares it its own (``rel="me"``, schema.org ``sameAs``). Every account has a
public RSS feed (``/@name.rss``); a vanished server means a vanished profile.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.collect.profiles.platforms.base import Platform, ProfileRef
from auditor.collect.profiles.platforms.parse import ProfilePage

KNOWN_INSTANCES = frozenset({
    "mastodon.social", "mastodon.online", "mastodon.nl", "mstdn.social", "mas.to", "fosstodon.org", "hachyderm.io",
    "infosec.exchange", "mastodon.world", "toot.community", "social.overheid.nl", "mastodon.green", "ieji.de",
    "mastodon.art", "techhub.social", "universeodon.com", "mastodon.ie", "mastodon.uno", "piaille.fr",
})
_INSTANCE_PREFIXES = ("mastodon.", "mstdn.", "toot.", "social.", "masto.")
# Hosts with /@name paths that are not Mastodon (the specific adapters claim the big ones first).
_NOT_MASTODON = frozenset({"medium.com", "www.threads.net", "threads.net", "substack.com", "www.twitch.tv"})


class Mastodon(Platform):
    name = "mastodon"
    label = "Mastodon"
    profile_path = re.compile(r"^/(?P<handle>@[\w.]+)/?$")
    not_found_phrases = ("the page you are looking for isn't here", "this account has been suspended",
                         "de pagina die je zoekt is hier niet", "dit account is opgeschort")
    title_suffix = re.compile(r"\s*\(@[\w.@\-]+\)(?:\s*-\s*.*)?$")
    dates_public = True
    self_hosted = True
    order = 900

    def owns(self, host: str, declared: bool = False) -> bool:
        host = host.lower().split(":")[0]
        if host in _NOT_MASTODON:
            return False
        return declared or host in KNOWN_INSTANCES or host.startswith(_INSTANCE_PREFIXES)

    def identity(self, match: re.Match[str], parts: Any) -> str:
        return f"{(parts.hostname or '').lower()}/{match.group('handle').lower()}"

    def websites(self, page: ProfilePage) -> list[str]:
        # Profile fields with links are rendered as <a rel="me"> (verified links).
        if page.tree is None:
            return []
        return [h for h in page.tree.xpath("//a[contains(concat(' ', @rel, ' '), ' me ')]/@href")][:20]

    def feed_url(self, ref: ProfileRef, page: ProfilePage) -> str | None:
        return page.feeds[0] if page.feeds else ref.url.rstrip("/") + ".rss"


PLATFORM = Mastodon()
