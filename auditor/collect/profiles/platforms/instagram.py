"""Instagram profiles (``/handle/``).

Instagram sends most logged-out visitors to ``/accounts/login/``: unverifiable. A profile
that is gone says "Sorry, this page isn't available". Post dates need a login.
"""

from __future__ import annotations

import re

from auditor.collect.profiles.platforms.base import Platform


class Instagram(Platform):
    name = "instagram"
    label = "Instagram"
    domains = ("instagram.com", "instagr.am")
    profile_path = re.compile(r"^/(?P<handle>[A-Za-z0-9_.]+)/?$")
    reserved = frozenset({"p", "reel", "reels", "explore", "accounts", "stories", "tv", "direct", "about", "legal",
                          "developer", "web", "privacy", "terms", "challenge"})
    not_found_phrases = ("sorry, this page isn't available", "page not found", "the link you followed may be broken",
                         "deze pagina is niet beschikbaar", "pagina niet gevonden")
    login_phrases = ("log in to instagram", "log into instagram", "login • instagram", "inloggen • instagram",
                     "log in to see photos")
    title_suffix = re.compile(r"\s*\(@[\w.]+\)\s*•.*$|\s*•\s*Instagram.*$", re.I)
    no_dates = "Instagram shows posts and their dates only to logged-in visitors"


PLATFORM = Instagram()
