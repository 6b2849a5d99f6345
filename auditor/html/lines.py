"""A page's readable content as a browser would lay it out: the main content element and
its text split into lines at block elements, with what each line sits in.

Dates and events are read from these lines. Navigation, footers, sidebars, comments and
"related articles" blocks are left out: their dates belong to other pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from auditor.html.content import main_landmark, region

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "br", "summary", "caption",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "select", "option",
                        "button", "iframe"})
_SKIP_TAGS = frozenset({"nav", "footer", "aside"})
# class/id words of blocks whose dates are not the page's own
_SKIP_WORDS = frozenset({
    "comment", "comments", "reactie", "reacties", "respond", "related", "gerelateerd", "gerelateerde",
    "sidebar", "widget", "widgets", "share", "sharing", "delen", "social", "breadcrumb", "breadcrumbs",
    "cookie", "cookies", "consent", "menu", "footer", "nav", "navbar", "navigation", "newsletter",
    "nieuwsbrief", "advertisement", "advert", "ad", "ads", "promo", "more", "meer", "also", "ook",
    "other", "andere", "overige", "readmore", "pagination", "pager", "prevnext", "prev", "next",
    "previous", "vorige", "volgende", "author-bio", "bio", "skip", "skiplink", "toolbar",
})
_DATEISH = re.compile(r"date|datum|publi|posted|geplaatst|byline|meta|time|tijd|dateline|stamp", re.I)
_WORDS = re.compile(r"[a-z0-9]+", re.I)


def class_words(el: etree._Element) -> set[str]:
    """The words of an element's class and id (``entry-meta post-date`` → entry, meta, post, date)."""
    value = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    words = set(_WORDS.findall(value))
    words |= {w for w in re.split(r"\s+", value) if w}
    return words


def is_dateish(el: etree._Element) -> bool:
    value = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
    return bool(value.strip()) and bool(_DATEISH.search(value))


def skipped(el: etree._Element, *, keep_header: bool = False) -> bool:
    """A block whose content is not the page's own (navigation, footer, sidebar, comments …)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP_TAGS or el.get("hidden") is not None or (el.get("aria-hidden") or "") == "true":
        return True
    if (el.get("role") or "") in ("navigation", "contentinfo", "complementary", "banner"):
        return True
    if tag == "header" and not keep_header:
        return True
    return bool(class_words(el) & _SKIP_WORDS)


def _first_h1(tree: etree._Element) -> etree._Element | None:
    fallback = None
    for h1 in tree.iter("h1"):
        if any(isinstance(a.tag, str) and (a.tag in ("header", "nav", "footer") and not _in_tag(a, "article"))
               for a in h1.iterancestors()):
            fallback = fallback if fallback is not None else h1
            continue
        return h1
    return fallback


def _in_tag(el: etree._Element, tag: str) -> bool:
    return any(a.tag == tag for a in el.iterancestors())


def content_root(tree: etree._Element) -> tuple[etree._Element, etree._Element | None]:
    """The element holding the page's own content, and its title heading (``h1``).

    The ``article`` around the ``h1``, else the ``main`` around it, else ``main`` or
    ``body``: the date of a news item sits next to its title."""
    body = tree.find(".//body")
    if body is None:
        body = tree
    h1 = _first_h1(tree)
    if h1 is not None:
        for tag in ("article", "main"):
            for anc in h1.iterancestors():
                if anc.tag == tag or (tag == "main" and region(anc) == "main"):
                    return anc, h1
        return body, h1
    main = main_landmark(tree)  # the one main-content finder (auditor.html.content)
    return (main if main is not None else body), None


@dataclass
class Line:
    """One line of text as a browser would break it, and where it sits."""

    text: str
    block: etree._Element
    in_h1: bool = False
    heading: str | None = None  # tag of the heading this line is, if any
    dateish: bool = False
    times: tuple[etree._Element, ...] = ()


def lines(root: etree._Element, *, keep_header: bool = True) -> list[Line]:
    """The visible text of ``root`` as lines, skipping what ``skipped`` leaves out."""
    out: list[Line] = []
    buf: list[str] = []
    blocks: list[etree._Element] = [root]
    cur: dict = {"h1": False, "heading": None, "dateish": False, "times": []}

    def flush() -> None:
        text = " ".join(" ".join(buf).split())
        if text or cur["times"]:
            out.append(Line(text, blocks[-1], cur["h1"], cur["heading"], cur["dateish"], tuple(cur["times"])))
        buf.clear()
        cur.update(h1=False, heading=None, dateish=False, times=[])

    def add(text: str | None, in_h1: bool, heading: str | None, dateish: bool) -> None:
        if text and text.strip():
            buf.append(text)
            cur["h1"] = cur["h1"] or in_h1
            cur["heading"] = cur["heading"] or heading
            cur["dateish"] = cur["dateish"] or dateish

    def walk(el: etree._Element, in_h1: bool, heading: str | None, dateish: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _INVISIBLE or (el is not root and skipped(el, keep_header=keep_header)):
            return
        block = tag in BLOCK_TAGS
        heading = tag if tag in HEADINGS else heading
        in_h1 = in_h1 or tag == "h1"
        dateish = dateish or is_dateish(el)
        if block:
            flush()
            blocks.append(el)
        if tag == "time":
            cur["times"].append(el)
            cur["dateish"] = True
        add(el.text, in_h1, heading, dateish)
        for child in el:
            walk(child, in_h1, heading, dateish)
            add(child.tail, in_h1, heading, dateish)
        if block:
            flush()
            blocks.pop()

    walk(root, False, None, False)
    flush()
    return out


_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
                    " or ancestor::svg or ancestor::title)]")


def element_text(el: etree._Element) -> str:
    """Visible text of ``el``, whitespace folded (one XPath in C, not a walk in Python)."""
    if not isinstance(el.tag, str):
        return ""
    return " ".join(" ".join(_TEXT(el)).split())
