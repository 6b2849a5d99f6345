"""Kiyoh review pages (``kiyoh.com/reviews/<id>/<name>``); reviews carry dates in JSON-LD."""

from __future__ import annotations

import re

from auditor.collect.profiles.platforms.base import Platform


class Kiyoh(Platform):
    name = "kiyoh"
    label = "Kiyoh"
    kind = "review_widget"
    domains = ("kiyoh.com", "kiyoh.nl")
    profile_path = re.compile(r"^/reviews/(?P<handle>\d+)(?:/[^/]*)?/?$")
    not_found_phrases = ("pagina niet gevonden", "page not found", "deze pagina bestaat niet")
    title_suffix = re.compile(r"\s*[|-]\s*(?:Kiyoh|Beoordelingen|Reviews|Ervaringen).*$", re.I)
    dates_public = True
    activity = "review"


PLATFORM = Kiyoh()
