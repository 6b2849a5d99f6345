"""Pinterest profiles (``pinterest.com/name/`` and the country domains). Each profile has a
public RSS feed of its pins at ``/name/feed.rss``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.collect.profiles.platforms.base import Platform, ProfileRef
from auditor.collect.profiles.platforms.parse import ProfilePage

_HOST = re.compile(r"(?:^|\.)pinterest\.(?:com|nl|be|de|fr|co\.uk|ca|es|it|at|ch|se|dk|com\.au)$")


class Pinterest(Platform):
    name = "pinterest"
    label = "Pinterest"
    profile_path = re.compile(r"^/(?P<handle>[\w.\-]+)/?$")
    reserved = frozenset({"pin", "search", "ideas", "today", "business", "settings", "login", "explore",
                          "categories", "about", "password", "_", "resource", "topics", "news_hub"})
    not_found_phrases = ("sorry! we couldn't find that page", "user not found", "we couldn't find that page",
                         "pagina niet gevonden")
    title_suffix = re.compile(r"\s*\([\w.]+\)\s*-\s*Profiel.*$|\s*\([\w.]+\)\s*-\s*Profile.*$|\s*[|-]\s*Pinterest.*$",
                              re.I)
    dates_public = True
    activity = "pin"

    def owns(self, host: str, declared: bool = False) -> bool:
        return bool(_HOST.search(host.lower().split(":")[0]))

    def feed_url(self, ref: ProfileRef, page: ProfilePage) -> str | None:
        parts = urlsplit(ref.url)
        return page.feeds[0] if page.feeds else f"{parts.scheme}://{parts.netloc}/{ref.handle}/feed.rss"


PLATFORM = Pinterest()
