"""Google Business Profiles (Google Maps places, ``g.page``, short ``maps.app.goo.gl`` links,
review links on ``search.google.com``).

Google shows places and their reviews only to browsers with JavaScript, and in the EU
often redirects to consent.google.com first: such visits are unverifiable. A place that
shows its name in Open Graph counts as found.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.collect.profiles.platforms.base import Platform, ProfileRef

_GOOGLE = re.compile(r"(?:^|\.)google\.(?:com|nl|be|de|fr|co\.uk|[a-z]{2,3}|com\.[a-z]{2})$")


class GoogleBusiness(Platform):
    name = "google_business"
    label = "Google Business Profile"
    kind = "review_widget"
    not_found_phrases = ("this place is permanently closed", "permanent gesloten")
    title_suffix = re.compile(r"\s+·\s+.*$|\s*-\s*Google\s*(?:Maps|Search|Zoeken)?\s*$", re.I)
    needs_metadata = True
    no_dates = "Google shows reviews and their dates only to browsers with JavaScript"
    activity = "review"

    def owns(self, host: str, declared: bool = False) -> bool:
        host = host.lower().split(":")[0]
        return host in ("g.page", "maps.app.goo.gl", "goo.gl", "business.google.com", "search.google.com") or \
            bool(_GOOGLE.search(host))

    def match(self, url: str, *, declared: bool = False) -> ProfileRef | None:
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        if not self.owns(host):
            return None
        if host in ("g.page", "maps.app.goo.gl", "business.google.com"):
            ok = len(path) > 1
        elif host == "goo.gl":
            ok = path.startswith("/maps/")
        elif host == "search.google.com":
            ok = path.startswith("/local/")
        else:
            ok = (host.startswith("maps.google.") and ("cid=" in parts.query or len(path) > 1)) or \
                path.startswith("/maps/place/") or (path.startswith("/maps") and "cid=" in parts.query)
        if not ok:
            return None
        handle = f"{host}{path}{'?' + parts.query if parts.query else ''}"
        return ProfileRef(self.name, self.label, self.kind, url, f"{self.name}:{handle.lower()}", handle)


PLATFORM = GoogleBusiness()
