"""The touchpoint inventory: where a prospect meets the organisation online.

Built from the link graph the crawler stored; no fetching. Social profiles are
recognised by host here; the profiles collector (a later family) visits them.
"""

from __future__ import annotations

from auditor.check import SiteView
from auditor.model import Touchpoint
from auditor.urls import host_of

SOCIAL_HOSTS = {
    "linkedin.com": "LinkedIn", "facebook.com": "Facebook", "instagram.com": "Instagram",
    "twitter.com": "X", "x.com": "X", "youtube.com": "YouTube", "tiktok.com": "TikTok",
    "pinterest.com": "Pinterest", "github.com": "GitHub", "mastodon.social": "Mastodon",
    "trustpilot.com": "Trustpilot", "kiyoh.com": "Kiyoh",
}


def social_platform(url: str) -> str | None:
    """The platform name of a profile URL, or None."""
    host = host_of(url).lower().split(":")[0]
    for domain, name in SOCIAL_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.", "application/rtf")


def touchpoints_from_links(site: SiteView) -> list[Touchpoint]:
    """Documents (PDF brochures …) and social profiles linked from the site, each once,
    with the first page linking to it."""
    found: list[Touchpoint] = []
    for target in site.link_targets("non_html"):
        result, refs = target.result, [r for r in target.refs if r.element in ("a", "area")]
        ctype = (result.content_type or "").lower() if result else ""
        if refs and result and (result.status or 0) < 400 and ctype.startswith(DOCUMENT_TYPES):
            label = next((r.text for r in refs if r.text), "") or ctype.split(";")[0]
            found.append(Touchpoint("document", target.url, label, refs[0].source))
    for target in site.link_targets("external"):
        platform = social_platform(target.url)
        if platform and target.refs:
            found.append(Touchpoint("social_profile", target.url, platform, target.refs[0].source))
    return found
