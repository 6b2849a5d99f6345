"""X (Twitter) profiles (``x.com/handle``, ``twitter.com/handle``).

X renders profiles with JavaScript only: a page without a name in its metadata is
unverifiable. "This account doesn't exist" and "Account suspended" are not found.
"""

from __future__ import annotations

import re

from auditor.collect.profiles.platforms.base import Platform


class X(Platform):
    name = "x"
    label = "X"
    domains = ("x.com", "twitter.com")
    profile_path = re.compile(r"^/(?P<handle>\w{1,15})/?$")
    reserved = frozenset({"home", "intent", "share", "search", "hashtag", "i", "explore", "login", "signup", "settings",
                          "messages", "notifications", "tos", "privacy", "about", "compose", "logout"})
    not_found_phrases = ("this account doesn't exist", "this account does not exist", "account suspended",
                         "dit account bestaat niet", "account geschorst", "this page doesn't exist")
    login_phrases = ("sign in to x", "log in to x", "log in to twitter", "inloggen bij x")
    title_suffix = re.compile(r"\s*\(@\w+\)\s*(?:/|on)\s*(?:X|Twitter).*$|\s*/\s*(?:X|Twitter)\s*$", re.I)
    needs_metadata = True
    no_dates = "X shows posts only to logged-in visitors and browsers with JavaScript"


PLATFORM = X()
