"""YouTube channels (``/@handle``, ``/channel/UC…``, ``/user/name``, ``/c/name``).

The channel page names its public Atom feed (``/feeds/videos.xml?channel_id=UC…``) in a
``<link rel="alternate">``; when it does not, the feed URL is built from the channel id. In
the EU, YouTube may first redirect to consent.youtube.com: unverifiable.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from auditor.collect.profiles.platforms.base import Platform, ProfileRef
from auditor.collect.profiles.platforms.parse import ProfilePage

_CHANNEL_ID = re.compile(r"^UC[\w-]{22}$")


class YouTube(Platform):
    name = "youtube"
    label = "YouTube"
    domains = ("youtube.com",)
    profile_path = re.compile(r"^/(?P<handle>@[\w.\-]+|channel/UC[\w-]{22}|user/[\w.\-]+|c/[^/]+)"
                              r"(?:/(?:featured|videos|about|shorts|streams|playlists|community))?/?$")
    not_found_phrases = ("this page isn't available", "this channel does not exist", "this channel doesn't exist",
                         "this account has been terminated", "deze pagina is niet beschikbaar",
                         "dit kanaal bestaat niet", "dit account is beëindigd")
    title_suffix = re.compile(r"\s*-\s*YouTube\s*$", re.I)
    dates_public = True
    activity = "video"

    def feed_url(self, ref: ProfileRef, page: ProfilePage) -> str | None:
        if page.feeds:
            return page.feeds[0]
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(ref.url))
        channel = page.meta.get("identifier") or page.meta.get("channelid") or ""
        if not _CHANNEL_ID.match(channel) and ref.handle.startswith("channel/"):
            channel = ref.handle.split("/", 1)[1]
        if _CHANNEL_ID.match(channel):
            return f"{origin}/feeds/videos.xml?channel_id={channel}"
        if ref.handle.startswith("user/"):
            return f"{origin}/feeds/videos.xml?user={quote(ref.handle.split('/', 1)[1])}"
        return None


PLATFORM = YouTube()
