"""TikTok accounts (``/@handle``). Rendered with JavaScript; dates are not public."""

from __future__ import annotations

import re

from auditor.collect.profiles.platforms.base import Platform


class TikTok(Platform):
    name = "tiktok"
    label = "TikTok"
    domains = ("tiktok.com",)
    profile_path = re.compile(r"^/(?P<handle>@[\w.\-]+)/?$")
    not_found_phrases = ("couldn't find this account", "could not find this account", "kan dit account niet vinden",
                         "account niet gevonden")
    title_suffix = re.compile(r"\s*\(@[\w.]+\)\s*\|\s*TikTok.*$|\s*\|\s*TikTok.*$", re.I)
    needs_metadata = True
    no_dates = "TikTok shows videos and their dates only to browsers with JavaScript"


PLATFORM = TikTok()
