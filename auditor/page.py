"""The crawled page as checks see it.

A page is parsed once, by lxml, on the crawler's hot path (link extraction); checks
share that tree. A BeautifulSoup view is built only when a check asks for ``page.soup``,
because BeautifulSoup costs several times what lxml does and most checks never need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.model import Hop, Link

if TYPE_CHECKING:
    from bs4 import BeautifulSoup
    from lxml.html import HtmlElement


@dataclass(frozen=True, eq=False)
class Page:
    """A fetched page: the facts of the fetch, its outgoing links and its parsed document."""

    url: str
    final_url: str
    status: int | None
    body: bytes = b""
    encoding: str = "utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    redirects: tuple[Hop, ...] = ()
    content_type: str = "text/html"
    fetched_at: str = ""
    language: str | None = None
    title: str | None = None
    links: tuple[Link, ...] = ()
    anchors: frozenset[str] = frozenset()
    depth: int = 0
    error: str | None = None
    truncated: bool = False
    _tree: Any = field(default=None, repr=False, compare=False)

    @property
    def is_html(self) -> bool:
        return "html" in (self.content_type or "")

    @property
    def html(self) -> str:
        """The body decoded with the encoding the crawler detected."""
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    @property
    def tree(self) -> HtmlElement:
        """The lxml document, parsed once and shared by every check."""
        if self._tree is None:
            from auditor.html.extract import parse_html

            object.__setattr__(self, "_tree", parse_html(self.body, self.encoding))
        return self._tree

    @property
    def soup(self) -> BeautifulSoup:
        """A BeautifulSoup view, built lazily for checks that prefer its API."""
        cached = self.__dict__.get("_soup")
        if cached is None:
            from bs4 import BeautifulSoup

            cached = BeautifulSoup(self.body, "lxml", from_encoding=self.encoding)
            self.__dict__["_soup"] = cached
        return cached

    @property
    def text(self) -> str:
        """Visible text of the page, whitespace folded (scripts and styles left out)."""
        cached = self.__dict__.get("_text")
        if cached is None:
            from auditor.html.extract import visible_text

            cached = visible_text(self.tree)
            self.__dict__["_text"] = cached
        return cached

    @property
    def body_lower(self) -> bytes:
        """The raw body in lower case, made once per page: the byte scans of several checks
        (and of the touchpoint facts) share it instead of each lower-casing 20 KB."""
        cached = self.__dict__.get("_body_lower")
        if cached is None:
            cached = self.body.lower()
            self.__dict__["_body_lower"] = cached
        return cached
