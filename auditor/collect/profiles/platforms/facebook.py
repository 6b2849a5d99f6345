"""Facebook pages and profiles (``/name``, ``/profile.php?id=…``, ``/pages/Name/123``).

Facebook shows logged-out visitors a page's name and description in Open Graph, but not
its posts; a page that is gone says "This content isn't available"; a login redirect or a
page with only a login form is unverifiable.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from auditor.collect.profiles.platforms.base import Platform


class Facebook(Platform):
    name = "facebook"
    label = "Facebook"
    domains = ("facebook.com", "fb.com", "fb.me")
    profile_path = re.compile(
        r"^/(?P<handle>(?:pages|people|pg)/[^/]+/\d+|[\w.\-]+)"
        r"(?:/(?:about|posts|info|reviews|photos|videos|community|services|events))?/?$")
    reserved = frozenset({
        "sharer.php", "sharer", "share", "share.php", "dialog", "plugins", "tr", "login", "login.php", "groups",
        "events", "watch", "photo.php", "photo", "story.php", "permalink.php", "hashtag", "help", "policies",
        "privacy", "home.php", "business", "marketplace", "gaming", "ads", "search", "notes", "media", "l.php",
        "reel", "stories", "video.php", "recover", "settings", "pages", "people",
    })
    not_found_phrases = ("this content isn't available", "this page isn't available", "content not found",
                         "the link you followed may be broken", "deze content is momenteel niet beschikbaar",
                         "deze pagina is niet beschikbaar", "inhoud niet gevonden")
    login_phrases = ("log in to facebook", "log into facebook", "you must log in", "log in or sign up",
                     "aanmelden bij facebook", "inloggen bij facebook", "je moet je aanmelden")
    title_suffix = re.compile(r"\s*[|-]\s*Facebook\s*$", re.I)
    no_dates = "Facebook shows a page's posts and their dates only to logged-in visitors"

    def identity(self, match: re.Match[str], parts: Any) -> str:
        handle = match.group("handle").lower()
        if handle == "profile.php":
            return "id:" + (parse_qs(parts.query).get("id") or [""])[0]
        if "/" in handle:  # /pages/Name/123: the number is the identity, the name may change
            return "id:" + handle.rsplit("/", 1)[1]
        return handle


PLATFORM = Facebook()
