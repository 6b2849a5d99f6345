"""A page's search and share facts: what a search result and a share preview are made of.

Gathered where the page is parsed (``extract`` picks the meta and link tags up in its one
walk), stored with the page's touchpoint facts under ``"head"``, and read back by the
``impression`` checks at the end of the run, so no page is parsed twice for its title.
The shape is declared once here, for the parse that writes it and the checks that read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from auditor.html.extract import Extracted, extract, nav_links
from auditor.page import Page

__all__ = ["HeadFacts", "head_facts", "head_record"]

_LINKED = ("canonical", "hreflang", "icons")  # from <link> elements; the rest of ``Extracted.head`` is meta


@dataclass(frozen=True, slots=True)
class HeadFacts:
    """The search and share facts of one stored page (all values from the page: untrusted)."""

    url: str
    title: str | None = None  # None: no <title> element; "": an empty one
    robots: str = ""  # the robots meta tags' content, lower case, joined
    x_robots: str = ""  # the X-Robots-Tag header, lower case
    meta: Mapping[str, str] = field(default_factory=dict)  # description, og:*, twitter:* …
    canonical: str | None = None
    hreflang: tuple[tuple[str, str], ...] = ()
    icons: tuple[str, ...] = ()
    nav: tuple[str, ...] = ()  # links in the navigation: recorded for the crawl's first pages only
    mixed: tuple[str, ...] = ()  # on an https page: resources and form actions over plain http
    http_links: tuple[str, ...] = ()  # on an https page: links to http:// addresses of its own host

    @property
    def description(self) -> str | None:
        return self.meta.get("description")

    @property
    def noindex(self) -> bool:
        """The page asks search engines not to index it (meta robots or X-Robots-Tag)."""
        return "noindex" in self.robots or "none" in self.robots.split(",") or "noindex" in self.x_robots

    @classmethod
    def from_record(cls, url: str, data: Mapping[str, Any]) -> HeadFacts:
        return cls(url=url, title=data.get("title"), robots=data.get("robots") or "",
                   x_robots=data.get("x_robots") or "", meta=dict(data.get("meta") or {}),
                   canonical=data.get("canonical"),
                   hreflang=tuple((str(a), str(b)) for a, b in data.get("hreflang") or ()),
                   icons=tuple(data.get("icons") or ()), nav=tuple(data.get("nav") or ()),
                   mixed=tuple(data.get("mixed") or ()), http_links=tuple(data.get("http_links") or ()))


def head_record(ex: Extracted, headers: Mapping[str, str], nav_base: str | None = None,
                page_url: str = "", forms: bool = True) -> dict[str, Any]:
    """The plain-JSON record stored with a page (only the keys that have a value); with
    ``nav_base`` (the page's URL) also the links of its navigation. On an https page
    (``page_url``) also what it loads over plain http (mixed content) and its links to
    http addresses of its own host."""
    head = ex.head
    record: dict[str, Any] = {"title": ex.title}
    meta = {k: v for k, v in head.items() if k not in _LINKED}
    if meta:
        record["meta"] = meta
    if ex.meta_robots:
        record["robots"] = ex.meta_robots
    x_robots = next((v for k, v in headers.items() if k.lower() == "x-robots-tag"), "")
    if x_robots:
        record["x_robots"] = x_robots.lower()[:200]
    for key in _LINKED:
        if head.get(key):
            record[key] = head[key]
    if nav_base is not None:
        record["nav"] = nav_links(ex.tree, nav_base)[:200]
    if page_url.startswith("https://"):
        _insecure(record, ex, page_url, forms)
    return record


_RESOURCES = frozenset({"img", "script", "link", "iframe", "source"})
MAX_LISTED = 20


def _insecure(record: dict[str, Any], ex: Extracted, page_url: str, forms: bool) -> None:
    host = urlsplit(page_url).hostname or ""
    own = {host, host[4:] if host.startswith("www.") else f"www.{host}"}
    mixed: list[str] = []
    http_links: list[str] = []
    for link in ex.links:
        url = link.url
        if not url.startswith("http://"):
            continue
        if link.element in _RESOURCES:
            mixed.append(url)
        elif link.element in ("a", "area") and urlsplit(url).hostname in own:
            http_links.append(url)
    for form in ex.tree.iter("form") if forms else ():
        action = (form.get("action") or "").strip()
        if action.lower().startswith("http://"):
            mixed.append(action[:500])
    if mixed:
        record["mixed"] = mixed[:MAX_LISTED]
    if http_links:
        record["http_links"] = http_links[:MAX_LISTED]


def head_facts(page: Page, with_nav: bool = False) -> HeadFacts:
    """The facts of a page that was stored without them (an older store, a hand-built page):
    parsed again here, which the crawl itself never does."""
    ex = extract(page.body, page.encoding, page.final_url or page.url, strip_params=False)
    record = head_record(ex, page.headers, (page.final_url or page.url) if with_nav else None, page.url)
    return HeadFacts.from_record(page.url, record)
