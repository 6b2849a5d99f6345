"""A page's own content and its regions: the one main-content finder.

The menu, header and footer repeat on every page of a site, so they say nothing about
what one page is about, and their dates, words and forms are not the page's own. Four
readers need to tell them apart (the ad landing facts, the freshness date reader, the
language collector's text blocks, the form reader); they share this module.

* ``region(el)``: the landmark an element opens, from its tag or ARIA role (``header``,
  ``nav``, ``footer``, ``main``, ``aside``), or None. ``CHROME`` are the repeated ones.
* ``main_landmark(tree)``: the first ``<main>``, else the first ``role="main"``, else None.
* ``main_element(tree)``: the main landmark, else the one ``<article>``, else ``<body>``,
  with how it was found. Without a landmark or a single article, ``main_text`` reads the
  body minus header, navigation, footer and asides.
* ``main_text(tree)``: the visible text of the main content; hidden elements, scripts and
  cookie walls are left out everywhere.

Checks with a sharper notion keep it on top of these: the freshness reader prefers the
``<article>`` or main landmark around the page's ``h1`` (a news item's date sits next to
its title) and falls back to ``main_landmark``.
"""

from __future__ import annotations

from typing import Any

from lxml import etree, html

__all__ = ["CHROME", "MAX_MAIN_TEXT", "REGION_TAGS", "ROLE_REGIONS", "main_element", "main_landmark", "main_text",
           "region", "visible_text_nodes"]

MAX_MAIN_TEXT = 30_000
REGION_TAGS = {"header": "header", "nav": "nav", "footer": "footer", "main": "main", "aside": "aside"}
ROLE_REGIONS = {"banner": "header", "navigation": "nav", "contentinfo": "footer", "main": "main",
                "complementary": "aside"}
CHROME = frozenset({"header", "nav", "footer", "aside"})

_SKIP = ("ancestor::script or ancestor::style or ancestor::noscript or ancestor::template or ancestor::*[@hidden]"
         " or ancestor::*[@aria-hidden='true']")
_COOKIE_TEST = ("contains(@id,'cookie') or contains(@class,'cookie') or contains(@id,'consent')"
                " or contains(@class,'consent')")
_COOKIE = f"ancestor-or-self::*[{_COOKIE_TEST}]"
_CHROME_TEST = ("ancestor::header or ancestor::footer or ancestor::aside or ancestor::*[@role='navigation' or"
                " @role='banner' or @role='contentinfo']")


def _texts(scope: str, exclude: str) -> tuple[etree.XPath, etree.XPath]:
    """Two compiled variants: without the cookie-wall test (fast, most pages) and with it."""
    return (etree.XPath(f"{scope}text()[not({_SKIP}{exclude})]"),
            etree.XPath(f"{scope}text()[not({_SKIP}{exclude} or {_COOKIE})]"))


# Testing every text node's ancestors for a cookie class costs more than the parse, so the
# cookie-aware variant runs only on pages that have such an element at all.
HAS_COOKIE_WALL = etree.XPath(f"boolean(//*[{_COOKIE_TEST}])")
TEXT_IN_MAIN = _texts(".//", " or ancestor::nav")
TEXT_IN_BODY = _texts(".//", f" or ancestor::nav or {_CHROME_TEST}")
TEXT_ALL = _texts("//body//", "")


def visible_text_nodes(variants: tuple[etree.XPath, etree.XPath], element: Any, cookies: bool) -> list[Any]:
    """The text nodes one of ``TEXT_IN_MAIN`` / ``TEXT_IN_BODY`` / ``TEXT_ALL`` selects under
    ``element``; ``cookies``: the page has a cookie wall to leave out (``HAS_COOKIE_WALL``)."""
    return variants[1 if cookies else 0](element)


def region(el: Any) -> str | None:
    """The landmark ``el`` opens (header, nav, footer, main, aside) by tag or ARIA role, or None."""
    tag = el.tag if isinstance(el.tag, str) else ""
    return REGION_TAGS.get(tag) or ROLE_REGIONS.get((el.get("role") or "").lower())


def main_landmark(tree: Any) -> Any | None:
    """The first ``<main>``, else the first element with ``role="main"``, else None."""
    found = tree.xpath(".//main")
    if found:
        return found[0]
    found = tree.xpath(".//*[@role='main']")
    return found[0] if found else None


def main_element(tree: html.HtmlElement) -> tuple[html.HtmlElement, str]:
    """The element holding the page's own content, and how it was found (``main``,
    ``role=main``, ``article``, ``body``)."""
    main = main_landmark(tree)
    if main is not None:
        return main, "main" if main.tag == "main" else "role=main"
    articles = tree.xpath(".//article")
    if len(articles) == 1:
        return articles[0], "article"
    body = tree.find("body")
    return (body if body is not None else tree), "body"


def main_text(tree: html.HtmlElement, cap: int = MAX_MAIN_TEXT) -> str:
    """The visible text of the main content (no menus, footers or cookie walls), folded."""
    element, how = main_element(tree)
    nodes = visible_text_nodes(TEXT_IN_BODY if how == "body" else TEXT_IN_MAIN, element, HAS_COOKIE_WALL(tree))
    return " ".join(" ".join(nodes).split())[:cap]
