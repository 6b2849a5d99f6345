"""TP108: a page too large to load (cut at the crawler's size limit).

The crawler reads at most ``max_body_bytes`` of a page (after unpacking gzip, deflate or
brotli): a hostile or broken server cannot make the audit hold gigabytes. A page that
reaches the limit is judged on its first part, which the run's notes say; and since a
page of that size hurts every visitor too, it is also this information finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.check import CheckContext, PageCheck
from auditor.model import Finding
from auditor.page import Page


class OversizedPage(PageCheck):
    """A page larger than the crawler reads (``max_body_bytes``, default 5 MB of HTML).

    What it checks
    --------------
    Whether the HTML of a page (unpacked) is larger than the crawler's size limit. Such a
    page was cut at the limit and judged on its first part only.

    Why it matters
    --------------
    Megabytes of HTML take long to download and parse on a phone, cost visitors their data
    bundle, and search engines stop reading pages long before that (Googlebot at 15 MB).
    Often it is a bug: a page that repeats itself, embedded images as text, or a server
    that sends endless output.

    How to fix
    ----------
    Find what makes the page so large (view its source): paginate long lists, move inline
    images and data out of the HTML, and fix a template or server that repeats content.
    """

    code = "TP108"
    name = "oversized-page"
    family = "links"
    requires = ("pages",)
    default_severity = "info"

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if not page.truncated:
            return
        size = len(page.body)
        yield self.finding(
            url=page.url,
            message=(f"The page is larger than {size / 1_000_000:.1f} MB of HTML: too large to load well, and "
                     "cut there by the auditor, so it was judged on its first part only."),
            evidence={"bytes_read": size, "limit_reached": True},
        )
