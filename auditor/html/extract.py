"""Parse a page once with lxml and pull out what the crawl needs.

This is the crawler's hot path: one lxml parse, one compiled XPath for every link-bearing
element, one for ids. BeautifulSoup is never used here (it caps a core at a few hundred
pages per second); checks that want it build it lazily from ``Page.soup``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree, html

from auditor.model import Link
from auditor.urls import resolve

MAX_LINK_TEXT = 200
# The elements that can carry a link, walked once in document order by ``iter`` (in C).
# An XPath union of ``//a[@href]|//img[@src]|…`` scans the tree once per branch and then
# sorts the union: three times the cost on a 20 KB page. Attributes are tested in the loop.
_LINK_TAGS = ("a", "area", "img", "link", "script", "iframe", "source", "base", "frame", "video", "audio", "track",
              "embed", "object", "button")
# The same walk picks up the title and the meta tags (robots, refresh, head facts): a find
# per page cost 15 us each.
_WALKED_TAGS = (*_LINK_TAGS, "title", "meta")
# Attributes holding one URL, per element (``src`` for the rest); srcset-like ones are parsed apart.
_URL_ATTRIBUTES = {"object": ("data",), "video": ("src", "poster"), "button": ("formaction",)}
_SPACE = " \t\n\r\f"
# <meta http-equiv="refresh" content="5; url='/new'">: the HTML standard's shared declarative
# refresh steps (a number, then ';' or ',', then optionally "url=", then the URL, maybe quoted).
_REFRESH = re.compile(r"\s*[0-9.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)", re.I | re.S)
_ROBOTS_META = ("robots", "touchpoint-auditor")
_IDS = etree.XPath("//@id|//a/@name")
# What a search result and a share preview are made of (the impression family): meta names
# and properties kept as written (lower case), and the <link rel> values kept with them.
_HEAD_META = frozenset({
    "description", "og:title", "og:description", "og:image", "og:image:width", "og:image:height",
    "og:image:secure_url", "og:site_name", "og:url", "og:type", "twitter:card", "twitter:title",
    "twitter:description", "twitter:image", "application-name",
})
_HEAD_TEXT = 1000  # characters kept of one meta value
_NAV_HREFS = etree.XPath("//nav//a/@href|//*[@role='navigation']//a/@href|//header//a/@href")
_WS = re.compile(r"\s+")
# <link rel> values that point at something a browser fetches for the page.
_FETCHED_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "manifest"}
_NAV_LINK_RELS = {"alternate", "canonical", "next", "prev", "amphtml"}


@lru_cache(maxsize=32)
def _parser(encoding: str | None) -> html.HTMLParser:
    return html.HTMLParser(encoding=encoding, remove_comments=True, no_network=True)


def parse_html(body: bytes, encoding: str | None) -> html.HtmlElement:
    """Parse bytes with a known encoding; an empty or unparsable body gives an empty document."""
    try:
        root = html.document_fromstring(body or b"<html></html>", parser=_parser(encoding))
    except (etree.ParserError, ValueError, LookupError):
        root = html.document_fromstring(b"<html></html>")
    return root


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the crawler keeps of a parsed page besides the tree itself."""

    tree: html.HtmlElement
    links: tuple[Link, ...]
    anchors: frozenset[str]
    title: str | None
    language: str | None
    meta_robots: str
    # The page's search and share facts (``head_facts``): plain JSON, only the keys found.
    head: dict[str, Any] = field(default_factory=dict)


def srcset_urls(value: str) -> list[str]:
    """The image candidates' URLs of a ``srcset``, parsed as the HTML standard does: a URL
    runs to the next whitespace (commas inside it, as in ``w_100,h_50``, belong to it); a
    comma outside parentheses ends a candidate's descriptors."""
    urls: list[str] = []
    pos, end = 0, len(value)
    while True:
        while pos < end and (value[pos] in _SPACE or value[pos] == ","):
            pos += 1
        if pos >= end:
            return urls
        start = pos
        while pos < end and value[pos] not in _SPACE:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            in_parens = False
            while pos < end:
                char = value[pos]
                pos += 1
                if char == "(":
                    in_parens = True
                elif char == ")":
                    in_parens = False
                elif char == "," and not in_parens:
                    break
        if url:
            urls.append(url)


def refresh_url(content: str) -> str | None:
    """The target of a ``<meta http-equiv="refresh">``'s content, None for a plain reload."""
    match = _REFRESH.match(content)
    url = match.group(1).strip() if match else ""
    if url[:1] in ("'", '"'):
        quote = url[0]
        url = url[1:].split(quote, 1)[0]
    return url or None


def _form_method(el: html.HtmlElement) -> str:
    method = el.get("formmethod")
    if method is None:
        form = next(el.iterancestors("form"), None)
        method = form.get("method") if form is not None else None
    return (method or "get").strip().lower()


def extract(body: bytes, encoding: str | None, base_url: str, strip_params: bool = True) -> Extracted:  # noqa: C901  hot path
    """Parse ``body`` and extract links (absolute, normalised, de-duplicated), ids and metadata."""
    tree = parse_html(body, encoding)
    base = base_url
    seen: set[tuple[tuple[str, str | None], str]] = set()
    links: list[Link] = []
    append = links.append
    title_el = None
    robots: list[str] = []
    head: dict[str, Any] = {}
    for el in tree.iter(*_WALKED_TAGS):
        tag = el.tag
        if tag == "a":  # most links: the short way, one href, the text of the link
            href = el.get("href")
            resolved = resolve(base, href, strip_params, True) if href else None
            if resolved is None:
                continue
            key = (resolved, tag)
            if key not in seen:
                seen.add(key)
                append(Link(resolved[0], resolved[1], _link_text(el)[:MAX_LINK_TEXT], tag))
            continue
        if tag == "title":
            if title_el is None:
                title_el = el
            continue
        if tag == "meta":
            name = (el.get("name") or "").lower()
            if name in _ROBOTS_META:
                robots.append((el.get("content") or "").lower())
                continue
            if not name and (el.get("http-equiv") or "").lower() == "refresh":
                hrefs = [refresh_url(el.get("content") or "")]  # the crawler follows it like a redirect
                tag = "meta-refresh"
            else:
                name = name or (el.get("property") or "").lower()
                if name in _HEAD_META and name not in head:
                    head[name] = _WS.sub(" ", el.get("content") or "").strip()[:_HEAD_TEXT]
                continue
        elif tag == "base":
            href = el.get("href")
            resolved = resolve(base_url, href, strip_params) if href else None
            if resolved and base == base_url:
                base = resolved[0]
            continue
        elif tag == "area":
            hrefs = [el.get("href")]
        elif tag == "link":
            rel = set((el.get("rel") or "").lower().split())
            if not rel & (_FETCHED_LINK_RELS | _NAV_LINK_RELS):
                continue  # preconnect, dns-prefetch, …: hints, not documents
            hrefs = [el.get("href")]
            imagesrcset = el.get("imagesrcset")
            if imagesrcset:
                hrefs += srcset_urls(imagesrcset)
            if rel & _HEAD_LINK_RELS:
                _head_link(head, rel, el, base, strip_params)
        elif tag == "button":
            if _form_method(el) != "get":
                continue  # a POST target answers a form, not a visit: not checked
            hrefs = [el.get("formaction")]
        else:
            hrefs = [el.get(attr) for attr in _URL_ATTRIBUTES.get(tag, ("src",))]
            if tag == "img" or tag == "source":
                srcset = el.get("srcset")
                if srcset:
                    hrefs += srcset_urls(srcset)
        for href in hrefs:
            if not href:
                continue
            resolved = resolve(base, href, strip_params, True)
            if resolved is None:
                continue
            key = (resolved, tag)
            if key in seen:
                continue
            seen.add(key)
            text = ""
            if tag == "area" or tag == "img":
                text = el.get("alt") or ""
            elif tag == "button":
                text = _link_text(el)
            append(Link(resolved[0], resolved[1], text[:MAX_LINK_TEXT], tag))
    image = head.get("og:image")
    if image:  # checked like a resource, so the impression family knows whether it loads
        resolved = resolve(base, image, strip_params)
        if resolved is not None and (resolved, "meta") not in seen:
            append(Link(resolved[0], resolved[1], "og:image", "meta"))
    anchors = frozenset(str(v) for v in _IDS(tree))
    title = _WS.sub(" ", title_el.text_content()).strip()[:500] if title_el is not None else None
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    return Extracted(tree, tuple(links), anchors, title, (lang or "").strip()[:35] or None, " ".join(robots), head)


_HEAD_LINK_RELS = {"canonical", "alternate", "icon", "apple-touch-icon"}


def _head_link(head: dict[str, Any], rel: set[str], el: html.HtmlElement, base: str, strip_params: bool) -> None:
    """Record a canonical, an ``hreflang`` alternate or an icon (absolute URLs; the
    fragment of a canonical kept, since a canonical with one names another address)."""
    href = (el.get("href") or "").strip()
    resolved = resolve(base, href, False) if href else None
    if resolved is None:
        return
    url = resolved[0] + (f"#{resolved[1]}" if resolved[1] else "")
    if "canonical" in rel:
        head.setdefault("canonical", url)
    elif "icon" in rel or "apple-touch-icon" in rel:
        head.setdefault("icons", []).append(url)
    elif el.get("hreflang"):
        head.setdefault("hreflang", []).append([el.get("hreflang", "").strip().lower()[:35], url])


def nav_links(tree: html.HtmlElement, base_url: str) -> list[str]:
    """The URLs linked from the page's navigation (``<nav>``, ``role=navigation``, ``<header>``),
    in document order, once each. Called for the home page only (a tree search per page
    would cost the crawl for what every page's menu repeats)."""
    out: dict[str, None] = {}
    for href in _NAV_HREFS(tree):
        resolved = resolve(base_url, str(href), False)
        if resolved is not None:
            out.setdefault(resolved[0], None)
    return list(out)


def _link_text(el: html.HtmlElement) -> str:
    # Most links are plain text: el.text avoids text_content()'s XPath for them.
    raw = el.text_content() if len(el) else (el.text or "")
    text = " ".join(raw.split())
    if not text:
        img = el.find(".//img")
        if img is not None:
            text = img.get("alt") or ""
        text = text or el.get("aria-label") or el.get("title") or ""
    return text


_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
    " or ancestor::*[@hidden])]"
)


def visible_text(tree: html.HtmlElement) -> str:
    """Text a visitor can read: scripts, styles, templates and ``hidden`` elements left out.

    One XPath evaluated in C: walking elements in Python cost more than the whole parse.
    """
    return " ".join(" ".join(_VISIBLE_TEXT(tree)).split())
