"""The preview a shared link gets (TP811–TP813): Open Graph and Twitter card tags, and
whether the preview image loads and is large enough.

WhatsApp, LinkedIn, Facebook and X draw a link's card from ``og:title``, ``og:description``
and ``og:image`` (X also reads ``twitter:card``). Whether the image loads comes from the
crawler, which checks the ``og:image`` address like an embedded resource; its size is
known when the page declares ``og:image:width`` and ``og:image:height``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from auditor.check import CheckContext, SiteCheck, SiteView
from auditor.html.head import HeadFacts
from auditor.model import Finding, Location
from auditor.urls import resolve
from checks.impression.facts import indexable, site_heads

SHARE_TAGS = ("og:title", "og:description", "og:image", "twitter:card")
# Facebook shows a large card from 600 x 315 and recommends 1200 x 630; below 200 x 200 it
# shows no image at all.
PLATFORM_MINIMUM = (200, 200)


def share_image(head: HeadFacts) -> str | None:
    return head.meta.get("og:image") or head.meta.get("og:image:secure_url") or None


class IncompleteSharePreview(SiteCheck):
    """Pages whose share preview is missing its title, description, image or card type.

    What it checks
    --------------
    Indexable pages without ``og:title``, ``og:description``, ``og:image`` or ``twitter:card``.
    One finding per set of missing tags, listing the pages (usually a template lacks them).

    Why it matters
    --------------
    A link shared in WhatsApp, LinkedIn or Facebook is the first thing many prospects see of
    a page. Without these tags the platform guesses: the wrong picture (a logo, an icon, or
    none), the cookie notice as the text, and a small plain link that nobody clicks.

    How to fix
    ----------
    Add the four tags to every page's ``<head>`` (most SEO plugins do this once the social
    settings are filled in): a title and description written for sharing, an image of at
    least 1200 x 630 pixels, and ``<meta name="twitter:card" content="summary_large_image">``.
    """

    code = "TP811"
    name = "incomplete-share-preview"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        groups: dict[tuple[str, ...], list[str]] = {}
        for head in site_heads(site):
            if not indexable(head):
                continue
            missing = tuple(t for t in SHARE_TAGS if not (share_image(head) if t == "og:image" else head.meta.get(t)))
            if missing:
                groups.setdefault(missing, []).append(head.url)
        for missing, urls in sorted(groups.items()):
            yield self.finding(url=urls[0], key=" ".join(missing), occurrences=len(urls),
                               locations=[Location(u, "", "meta") for u in urls[: ctx.max_locations]],
                               message=f"{len(urls)} {'page lacks' if len(urls) == 1 else 'pages lack'} "
                                       f"{', '.join(missing)} for its share preview.",
                               evidence={"missing": list(missing), "pages": len(urls)})


class BrokenShareImage(SiteCheck):
    """A share preview image that does not load, or is no image.

    What it checks
    --------------
    The ``og:image`` address of each page, as the crawler fetched it: an error, a 4xx/5xx
    answer, or a content type that is not an image. Images the crawl did not fetch (on
    another site when external links are not checked) are not judged.

    Why it matters
    --------------
    A platform that cannot load the image shows the link without one, or with whatever
    else it finds on the page: a smaller, poorer card for every share.

    How to fix
    ----------
    Point ``og:image`` at an image that exists, by its full https address, and keep it there
    when the media library is cleaned up.
    """

    code = "TP812"
    name = "broken-share-image"
    family = "impression"
    requires = ("pages", "link_status")
    default_severity = "error"

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        for head in site_heads(site):
            image = share_image(head)
            if not image:
                continue
            resolved = resolve(head.url, image)
            if resolved is None:
                continue
            target = resolved[0]
            result = site.link_result(target)
            if result is None:
                continue
            ctype = (result.content_type or "").lower()
            if result.error or (result.status is not None and result.status >= 400):
                problem = f"does not load ({result.error or result.status})"
            elif ctype and not ctype.startswith("image/"):
                problem = f"is not an image ({ctype.split(';')[0]})"
            else:
                continue
            yield self.finding(url=head.url, target=target, message=f"The share image {target} {problem}.",
                               evidence={"image": target, "status": result.status, "error": result.error,
                                         "content_type": result.content_type})


@dataclass
class ShareImageOptions:
    min_width: int = 1200
    min_height: int = 630


class SmallShareImage(SiteCheck):
    """A share preview image smaller than the platforms need for a large card.

    What it checks
    --------------
    The size the page declares for its ``og:image`` (``og:image:width`` and
    ``og:image:height``) against ``min_width`` x ``min_height`` (default 1200 x 630, what
    Facebook and LinkedIn recommend). Below 200 x 200 pixels, where Facebook shows no image
    at all, the finding is an error. Images whose size is not declared are not judged.

    Why it matters
    --------------
    A small image gets a small card: a thumbnail beside the text instead of the wide picture
    across the top, and it looks blurred on a phone.

    How to fix
    ----------
    Use an image of at least 1200 x 630 pixels (ratio 1.91:1) for sharing, and declare its
    real size in ``og:image:width`` and ``og:image:height``.
    """

    code = "TP813"
    name = "small-share-image"
    family = "impression"
    requires = ("pages",)
    default_severity = "warning"
    Options = ShareImageOptions

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        want_w, want_h = self.options.min_width, self.options.min_height
        for head in site_heads(site):
            image = share_image(head)
            size = declared_size(head)
            if not image or size is None:
                continue
            width, height = size
            if width >= want_w and height >= want_h:
                continue
            tiny = width < PLATFORM_MINIMUM[0] or height < PLATFORM_MINIMUM[1]
            yield self.finding(url=head.url, target=image, key=image, severity="error" if tiny else None,
                               message=f"The share image is {width} x {height} pixels; a large preview needs "
                                       f"{want_w} x {want_h}.",
                               evidence={"image": image, "width": width, "height": height, "min_width": want_w,
                                         "min_height": want_h})


def declared_size(head: HeadFacts) -> tuple[int, int] | None:
    try:
        width = int(float(head.meta.get("og:image:width", "")))
        height = int(float(head.meta.get("og:image:height", "")))
    except ValueError:
        return None
    return (width, height) if width > 0 and height > 0 else None
