"""LinkedIn: company, showcase and school pages, and personal profiles (``/in/``).

LinkedIn answers most automated visitors with status 999 or its "authwall" login page:
those are unverifiable, never broken. A removed company page redirects to
``/company/unavailable/``. Public company pages carry an Organization in JSON-LD.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.collect.profiles.platforms.base import Platform


class LinkedIn(Platform):
    name = "linkedin"
    label = "LinkedIn"
    domains = ("linkedin.com",)
    profile_path = re.compile(r"^/(?:company|showcase|school|in)/(?P<handle>[^/]+)(?:/(?:about|posts|life|jobs))?/?$")
    personal_path = re.compile(r"^/in/")
    reserved = frozenset({"unavailable", "setup"})
    not_found_path = re.compile(r"^/(?:company|in|school|showcase)/unavailable")
    not_found_phrases = ("page not found", "this page doesn't exist", "this page does not exist",
                         "pagina niet gevonden", "deze pagina bestaat niet")
    login_phrases = ("sign in to linkedin", "join linkedin", "log in or sign up", "inloggen bij linkedin",
                     "word lid van linkedin", "aanmelden bij linkedin")
    title_suffix = re.compile(r"\s*[|-]\s*LinkedIn\s*$", re.I)
    no_dates = "LinkedIn shows posts without dates to visitors who are not logged in"

    def identity(self, match: re.Match[str], parts: Any) -> str:
        return parts.path.split("/")[1] + "/" + match.group("handle").lower()


PLATFORM = LinkedIn()
