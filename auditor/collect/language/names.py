"""The organisation's own names, as the site states them: they are not spelling errors.

Gathered while the pages stream by: ``og:site_name`` and ``application-name``, schema.org
organisations, brands and products (JSON-LD), the part of the titles that recurs on
many pages ("… | Groenhuis"), the domain, and the handles of its social profiles. The
checks turn these facts into the words they accept.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from auditor.page import Page

MAX_NAMES = 200
MAX_JSON_LD = 100_000
_TITLE_SPLIT = re.compile(r"\s+[|–—:·•»/-]\s+")
_ORG_TYPES = ("Organization", "Corporation", "LocalBusiness", "Brand", "Store", "Product", "WebSite",
              "HomeAndConstructionBusiness", "ProfessionalService")
_SOCIAL = {
    "linkedin.com": re.compile(r"^/(?:company|in|school|showcase)/([^/?#]+)"),
    "facebook.com": re.compile(r"^/([^/?#]+)"),
    "instagram.com": re.compile(r"^/([^/?#]+)"),
    "twitter.com": re.compile(r"^/([^/?#]+)"),
    "x.com": re.compile(r"^/([^/?#]+)"),
    "youtube.com": re.compile(r"^/(?:@|c/|user/|channel/)?([^/?#]+)"),
    "tiktok.com": re.compile(r"^/@([^/?#]+)"),
    "pinterest.com": re.compile(r"^/([^/?#]+)"),
    "threads.net": re.compile(r"^/@([^/?#]+)"),
}
_NOT_HANDLES = frozenset({"sharer", "share", "intent", "watch", "pages", "profile.php", "p", "reel", "hashtag",
                          "home", "login", "signup", "feed", "embed", "results", "search", "groups", "events"})


class SiteNames:
    """Collects name facts from each page; ``result()`` gives the artifact part."""

    def __init__(self, start_url: str) -> None:
        self.names: set[str] = set()
        self.handles: set[str] = set()
        host = (urlsplit(start_url).hostname or "").lower()
        labels = [x for x in host.split(".") if x.isascii() and not x.isdigit() and x not in
                  ("www", "com", "nl", "be", "org", "net", "eu", "localhost")]
        self.domains = set(labels[:3])
        self._titles: Counter[str] = Counter()
        self._pages = 0

    def add(self, page: Page) -> None:
        self.add_facts(self.page_facts(page))

    @classmethod
    def page_facts(cls, page: Page) -> dict[str, list[str]]:
        """The name facts one page states, as plain data (kept per page, so an unchanged page
        on the next night's run is not parsed again for them)."""
        one = cls("")
        one._collect(page)
        return {"names": sorted(one.names), "handles": sorted(one.handles), "titles": sorted(one._titles)}

    def add_facts(self, facts: dict[str, list[str]]) -> None:
        self._pages += 1
        for name in facts.get("names") or ():
            self._name(name)
        for handle in facts.get("handles") or ():
            if len(self.handles) < MAX_NAMES:
                self.handles.add(handle)
        self._titles.update(set(facts.get("titles") or ()))

    def _collect(self, page: Page) -> None:
        tree = page.tree
        for meta in tree.iterfind(".//meta[@content]"):
            key = (meta.get("property") or meta.get("name") or "").lower()
            if key in ("og:site_name", "application-name", "apple-mobile-web-app-title"):
                self._name(meta.get("content") or "")
        for script in tree.iterfind(".//script[@type]"):
            if (script.get("type") or "").lower() == "application/ld+json" and script.text:
                self._json_ld(script.text[:MAX_JSON_LD])
        if page.title:
            parts = [p.strip() for p in _TITLE_SPLIT.split(page.title[:300]) if p.strip()]
            if len(parts) > 1:  # "Topic | Site": the ends are where sites put their name
                self._titles.update({parts[0], parts[-1]})
        for i, anchor in enumerate(tree.iterfind(".//a[@href]")):  # stored pages carry no link list
            if i >= 500:
                break
            self._handle(anchor.get("href") or "")

    def _name(self, value: str) -> None:
        value = " ".join(value.split())[:120]
        if value and len(self.names) < MAX_NAMES:
            self.names.add(value)

    def _json_ld(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        stack: list[Any] = [data]
        seen = 0
        while stack and seen < 500:
            item = stack.pop()
            seen += 1
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                types = item.get("@type")
                types = types if isinstance(types, list) else [types]
                # Bakery, Hotel, Dentist …: any thing with an address or profiles is a business.
                if any(isinstance(t, str) and t.endswith(_ORG_TYPES) for t in types) or \
                        {"address", "sameAs", "logo"} & item.keys():
                    for key in ("name", "alternateName", "legalName", "brand"):
                        self._names_in(item.get(key))
                if any(t == "PostalAddress" for t in types):  # its own street and town are its words
                    for key in ("streetAddress", "addressLocality", "addressRegion"):
                        self._names_in(item.get(key))
                stack.extend(v for v in item.values() if isinstance(v, dict | list))

    def _names_in(self, value: Any) -> None:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                self._name(v)

    def _handle(self, url: str) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
        pattern = _SOCIAL.get(host)
        if pattern is None or len(self.handles) >= MAX_NAMES:
            return
        match = pattern.match(parts.path)
        if match:
            handle = match.group(1).lstrip("@").lower()[:80]
            if handle and handle not in _NOT_HANDLES:
                self.handles.add(handle)

    def result(self) -> dict[str, list[str]]:
        """Names, handles and domain labels. A title part counts when it ends a third of the
        titles, and only when the site states no name otherwise: a typo in a title suffix
        repeats on every page too, and a stated name is the better witness."""
        needed = max(2, self._pages // 3)
        titles = {t for t, n in self._titles.items() if n >= needed} if not self.names else set()
        return {"names": sorted(self.names | titles)[:MAX_NAMES], "handles": sorted(self.handles),
                "domains": sorted(self.domains)}
