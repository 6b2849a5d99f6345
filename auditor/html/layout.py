"""A page's layout template signature: which pages lay out alike on a phone.

Computed where a page is parsed (stored with the page's facts) and read by the renderer,
which renders a few pages of each template (``auditor/collect/render/templates.py``), and
by the store for pages stored without it. A pure function of the parsed page, so it lives
with the HTML helpers every layer may use.

The skeleton is the set of layout elements (``header``, ``nav``, ``div``, ``table`` …)
with their classes, by path from ``<body>``. A set, not a sequence: an article with
three paragraphs and one with thirty, a news list of five items and one of fifty, have
the same skeleton. Digits are dropped from class names (``post-123``); ids are ignored
(they are often unique per page). A page with a component the others lack (a table, a
form, a timeline) gets its own template, and so is rendered too.

Markup shape alone hid real problems: a page with another viewport declaration, its own
stylesheet, or one wide element (a table, a ``<pre>``, an iframe, an image with a fixed
``width`` attribute, a long unbreakable word) looks like its siblings but lays out
differently on a phone. These go into the signature too, so such a page gets a template of
its own and is rendered (every page whose signature is unique is rendered). A redirect
stub (meta refresh only) is one template of its own: the renderer follows it.
"""

from __future__ import annotations

import hashlib
import re

from auditor.html.refresh import redirect_stub
from auditor.page import Page

LAYOUT_TAGS = frozenset({"header", "nav", "main", "footer", "aside", "section", "article", "div", "form", "table",
                         "ul", "ol", "li", "dl", "figure", "iframe", "video", "picture", "details", "dialog",
                         "fieldset", "pre", "blockquote", "svg", "img"})
MAX_DEPTH = 8
MAX_TOKENS = 2000
WIDE_IMAGE_PX = 300  # an <img width> at least this wide overflows a phone unless CSS scales it
LONG_WORD = 30  # characters without a break point: at 16 px, wider than a 360 px phone's column
_DIGITS = re.compile(r"\d+")
_LONG_WORD = re.compile(rf"[^\s\u200b\u00ad-]{{{LONG_WORD},}}")
_WIDE_TAGS = ("table", "pre", "iframe")
_TEXT_SKIP = frozenset({"script", "style", "noscript", "template"})


def skeleton(page: Page) -> str:
    """A short hash naming the page's layout template."""
    tree = page.tree
    if redirect_stub(tree) is not None:
        return "redirect-stub"
    body = tree.find("body")
    tokens: set[str] = set()
    if body is not None:
        _walk(body, "", 0, tokens)
    tokens |= layout_inputs(tree)
    return hashlib.sha1("\n".join(sorted(tokens)).encode()).hexdigest()[:12]


def layout_inputs(tree: object) -> set[str]:
    """What besides the markup shape changes the layout on a phone: the viewport declaration,
    the stylesheets (address without query: ``?ver=`` changes every release) and the presence
    of elements that can widen the page."""
    tokens: set[str] = set()
    viewport = None
    for meta in tree.iter("meta"):  # type: ignore[attr-defined]
        if (meta.get("name") or "").strip().lower() == "viewport":
            viewport = " ".join((meta.get("content") or "").lower().replace(" ", "").split(","))
    tokens.add(f"@viewport:{viewport}")
    for link in tree.iter("link"):  # type: ignore[attr-defined]
        if "stylesheet" in (link.get("rel") or "").lower().split():
            tokens.add(f"@css:{(link.get('href') or '').split('?', 1)[0].split('#', 1)[0]}|{link.get('media') or ''}")
    for style in tree.iter("style"):  # type: ignore[attr-defined]
        tokens.add("@style:" + hashlib.sha1((style.text or "").encode()).hexdigest()[:8])
    body = tree.find("body")  # type: ignore[attr-defined]
    if body is None:
        return tokens
    for tag in _WIDE_TAGS:
        if next(body.iter(tag), None) is not None:
            tokens.add(f"@wide:{tag}")
    for img in body.iter("img"):
        width = (img.get("width") or "").strip().removesuffix("px")
        if width.isdigit() and int(width) >= WIDE_IMAGE_PX:
            tokens.add("@wide:img")
            break
    if _has_long_word(body):
        tokens.add("@wide:word")
    return tokens


def _has_long_word(body: object) -> bool:
    for element in body.iter():  # type: ignore[attr-defined]
        if not isinstance(element.tag, str) or element.tag.lower() in _TEXT_SKIP:
            continue
        for text in (element.text, element.tail):
            if text and len(text) >= LONG_WORD and _LONG_WORD.search(text):
                return True
    return False


def _walk(element: object, path: str, depth: int, tokens: set[str]) -> None:
    for child in element:  # type: ignore[attr-defined]
        tag = child.tag
        if not isinstance(tag, str) or tag.lower() not in LAYOUT_TAGS or len(tokens) >= MAX_TOKENS:
            continue
        classes = sorted({_DIGITS.sub("", c) for c in (child.get("class") or "").split()})[:3]
        token = f"{path}/{tag.lower()}{'.' + '.'.join(classes) if classes else ''}"
        tokens.add(token)
        if depth < MAX_DEPTH:
            _walk(child, token, depth + 1, tokens)


def renderable(page: Page) -> bool:
    """An HTML page that loaded: error pages and documents are not laid out for phones."""
    return page.is_html and page.status is not None and 200 <= page.status < 300 and not page.error
