"""What a parsed page adds to the crawl: its link rows for the store and the URLs it queues.

Computed where the page is parsed (the parse worker on large crawls), not in the crawler's
process: the crawler's event loop then only stores the rows and queues the URLs, and the
~60 links of a page cross from the worker as plain tuples rather than objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.model import Link
from auditor.urls import Scope, is_web_url

LinkRow = tuple[str, str, str | None, str, str, int]  # source, target, fragment, text, element, internal


@dataclass(frozen=True)
class LinkPolicy:
    """Which links stay on the site, and which the crawler crawls (internal hyperlinks it
    may follow) or only checks (resources, and external links when they are checked)."""

    scope: Scope
    check_external: bool = True
    follow_links: bool = True  # False in list mode (--urls): internal pages are checked, not crawled

    def apply(self, page_url: str, links: Iterable[Link], follow: bool) -> tuple[list[LinkRow], list[tuple[str, str]]]:
        """``(rows, follows)``: a store row per link, and what the page queues, once each, as
        ``(url, "crawl" | "check")``. ``follow`` is False for ``<meta name="robots"
        content="nofollow">`` pages. The follows are stored with the page, so that the next
        run queues the same for it when it has not changed (incremental re-crawl)."""
        is_internal, allow = self.scope.is_internal, self.scope.patterns_allow
        check_only = not self.follow_links
        follow = follow and self.follow_links
        check_external = self.check_external
        rows: list[LinkRow] = []
        out: dict[str, str] = {}
        for url, fragment, text, element in links:
            inside = is_internal(url)
            rows.append((page_url, url, fragment, text, element, 1 if inside else 0))
            if inside:
                if element == "a" or element == "area" or element == "meta-refresh":  # a refresh redirect
                    # Also when a <link rel="next"> in the head named it first: a page a visitor
                    # reaches by a link is crawled, not only checked.
                    if follow:
                        if out.get(url) != "crawl" and allow(url):
                            out[url] = "crawl"
                    elif check_only and url not in out:
                        out[url] = "check"
                elif url not in out:
                    out[url] = "check"
            elif url not in out and (check_external or not is_web_url(url)):
                out[url] = "check"  # an unusable address (file:, malformed) is recorded as such, never fetched
        return rows, list(out.items())
