"""Trustpilot review pages (``trustpilot.com/review/<domain>``).

The page is about one web domain, the one in its URL: that is the website it points to.
Its JSON-LD lists the business and recent reviews with their dates.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.collect.profiles.platforms.base import Platform
from auditor.collect.profiles.platforms.parse import ProfilePage


class Trustpilot(Platform):
    name = "trustpilot"
    label = "Trustpilot"
    kind = "review_widget"
    domains = ("trustpilot.com",)
    profile_path = re.compile(r"^/review/(?P<handle>[\w.\-]+)/?$")
    not_found_phrases = ("we can't find the page", "page not found", "pagina niet gevonden",
                         "deze pagina kunnen we niet vinden")
    title_suffix = re.compile(r"\s*(?:is rated|Reviews|reviews|beoordelingen|\|).*$")
    dates_public = True
    activity = "review"

    def websites(self, page: ProfilePage) -> list[str]:
        m = self.profile_path.match(urlsplit(page.url).path)
        return [f"https://{m.group('handle')}/"] if m else []


PLATFORM = Trustpilot()
