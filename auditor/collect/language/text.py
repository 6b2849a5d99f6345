"""The text of a page a prospect reads, cut into blocks for the spelling checks.

Why blocks and not the page text: a header, menu or footer repeats on every page, and
checking it once (and reporting a typo in it once, with every page) needs it as a unit of
its own. A block is what a browser shows as one chunk: a paragraph, a heading, a list
item, a table cell, a button. The title, the meta description and image alt texts are
blocks too: they show up in search results and in screen readers.

Layout as a browser gives it: block elements (and elements styled ``display: block``,
``flex``, ``grid``, ``list-item``…), ``<br>`` and table cells end a block; an inline-block
(``<span style="display:inline-block">wanneer:</span>zaterdag``) is a word boundary, never
glued to its neighbour. Text a reader sees as a name or a title (italics, ``<cite>``,
``<q>``, the text of a link to another site) is recorded as ``marks`` on its block: the
checks treat a word there as a name until proven otherwise.

Left out: scripts, styles, code and preformatted text, form fields, hidden elements.
URLs, e-mail addresses, phone numbers, hashtags, @handles, file names, tokens with ``:``,
``/``, ``_``, ``@`` or ``.`` inside a word (``micro:bit``, ``display.show``) and text in other
scripts stay in the text (grammar needs the sentence whole) but are returned as
``ignored`` spans: nothing inside them is ever an error. Everything here comes from an
untrusted page, so every size is capped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from auditor.html.content import REGION_TAGS, ROLE_REGIONS  # the page regions of auditor.html.content
from auditor.page import Page

MAX_BLOCK_CHARS = 2000
MAX_BLOCKS_PER_PAGE = 1500
MAX_PAGE_CHARS = 150_000
MAX_SHORT_CHARS = 500  # title, alt text
MAX_DESCRIPTION_CHARS = 1000

SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "code", "pre", "kbd", "samp", "var", "tt", "svg", "math",
    "textarea", "select", "iframe", "object", "embed", "canvas", "audio", "video", "datalist", "head",
})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "label", "legend", "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "button", "option",
})
# Inline elements that render as a name or a title: a word inside is a name until proven otherwise.
MARK_TAGS = {"i": "italic", "em": "italic", "cite": "title", "q": "quote", "dfn": "term"}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_WS = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]{2}")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_DISPLAY = re.compile(r"(?:^|;)\s*display\s*:\s*([a-z-]+)", re.I)
BLOCK_DISPLAYS = frozenset({"block", "flex", "grid", "list-item", "table", "table-row", "table-caption", "flow-root"})
BOUNDARY_DISPLAYS = frozenset({"inline-block", "inline-flex", "inline-grid", "inline-table", "table-cell"})
# Marks in the text being gathered (private-use characters, removed from the page's own text).
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKERS = re.compile("[\ue000\ue001]")

# Spans that are never language errors. Order matters: e-mail before @handle.
_IGNORED = re.compile(
    r"(?P<url>\b(?:https?://|www\.)[^\s<>\"]+)"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<domain>\b[\w-]+(?:\.[\w-]+)*\.(?:nl|be|com|org|net|eu|de|io|info|biz|co\.uk|uk|fr|app|dev)\b(?:/\S*)?)"
    r"|(?P<phone>(?<![\w-])(?:\+|00)?\(?\d[\d ().-]{6,}\d(?![\w-]))"
    r"|(?P<hashtag>(?<![\w&])#\w+)"
    r"|(?P<handle>(?<![\w.])@\w[\w.]*)"
    r"|(?P<file>\b[\w-]+\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|svg|webp|zip|csv|txt|html?|php|js|css|json|xml)\b)"
    r"|(?P<code>\S*[_\\{}<>=|`$]\S*|\b\w+/\w+(?:/\w+)+)"
    r"|(?P<joined>[/~]?\b\w+(?:[:/_@.]\w+)+)"  # micro:bit, display.show, C:/map, ~/map
    r"|(?P<script>[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0700-\u074f"
    r"\u0900-\u0dff\u0e00-\u0eff\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
    r"\uf900-\ufaff]+)",
    re.I,
)
# Characters outside the Basic Multilingual Plane (emoji) count twice in LanguageTool's
# offsets; they are never words, so they are replaced one-for-one before checking.
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Block:
    """One chunk of text as a visitor sees it.

    ``where`` is title, description, alt, heading, button or text; ``element`` says where
    on the page (``footer p``); ``lang`` is the ``lang`` attribute in force on the element
    itself when it differs from the page's (a quote in English on a Dutch page).
    ``marks`` are ``(start, end, kind)`` spans shown as a name or title: ``italic``,
    ``title`` (``<cite>``), ``quote`` (``<q>``), ``term``, ``link`` (text of a link to
    another site).
    """

    text: str
    where: str
    element: str
    lang: str | None = None
    marks: tuple[tuple[int, int, str], ...] = ()

    def as_list(self) -> list[object]:
        return [self.text, self.where, self.element, self.lang, [list(m) for m in self.marks]]

    @classmethod
    def from_list(cls, data: list[object]) -> Block:
        raw: Any = data[4] if len(data) > 4 else ()  # stored JSON: [[start, end, kind], …]
        marks = tuple((int(m[0]), int(m[1]), str(m[2])) for m in raw or ())
        return cls(str(data[0]), str(data[1]), str(data[2]), data[3] if data[3] is None else str(data[3]), marks)


def clean(text: str, limit: int = MAX_BLOCK_CHARS) -> str:
    """Whitespace folded, emoji made harmless, cut at a word boundary under ``limit``."""
    text = _ASTRAL.sub(" ", _WS.sub(" ", text)).strip()
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit // 2 else limit]
    return text


def ignored_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of URLs, addresses, numbers, handles, code and other scripts in ``text``."""
    return [m.span() for m in _IGNORED.finditer(text)]


def has_words(text: str) -> bool:
    return bool(_LETTERS.search(text))


def title_and_description(page: Page) -> Iterator[Block]:
    """The head's text that shows in search results: the title and the meta description."""
    title = clean(page.title or "", MAX_SHORT_CHARS)
    if has_words(title):
        yield Block(title, "title", "title")
    for meta in page.tree.iterfind(".//meta[@content]"):
        if (meta.get("name") or "").lower() == "description":
            text = clean(meta.get("content") or "", MAX_DESCRIPTION_CHARS)
            if has_words(text):
                yield Block(text, "description", "meta description")
            break


def page_blocks(page: Page) -> list[Block]:
    """Every block of ``page`` in document order, head first; capped in count and size."""
    blocks = list(title_and_description(page))
    body = page.tree.find("body")
    if body is None:
        return blocks
    walker = _Walker(blocks, _host(page.final_url or page.url))
    walker.walk(body)
    return blocks[:MAX_BLOCKS_PER_PAGE]


class _Walker:
    """An iterative walk over the body (deep, hostile pages must not exhaust the stack)."""

    def __init__(self, out: list[Block], host: str = "") -> None:
        self.out = out
        self.host = host
        self.buf: list[str] = []
        self.chars = 0
        # (tag, lang, region, skipped, layout: "block" | "boundary" | "", mark kind or "")
        self.context: list[tuple[str, str | None, str, bool, str, str]] = []
        self.marks: list[str] = []  # the kinds of the marks open in ``buf``

    def walk(self, body: etree._Element) -> None:
        walker = etree.iterwalk(body, events=("start", "end"))
        for event, el in walker:
            if self.chars > MAX_PAGE_CHARS or len(self.out) > MAX_BLOCKS_PER_PAGE:
                return
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if event == "start":
                skipped = not tag or self._skip(el, tag)
                layout = "" if skipped else self._layout(el, tag)
                if layout == "block":
                    self.flush()  # the text so far belongs to the enclosing element
                elif layout == "boundary":
                    self.buf.append(" ")
                mark = "" if skipped else self._mark(el, tag)
                lang, region = self._lang_region(el, tag)
                self.context.append((tag, lang, region, skipped, layout, mark))
                if skipped:
                    walker.skip_subtree()
                    continue
                if mark:
                    self.buf.append(_OPEN)
                    self.marks.append(mark)
                if tag == "img":
                    self._add(el.get("alt") or "", "alt", "img alt", MAX_SHORT_CHARS)
                elif tag == "input" and (el.get("type") or "").lower() in ("submit", "button", "reset"):
                    self._add(el.get("value") or "", "button", "input button", MAX_SHORT_CHARS)
                if el.text:
                    self.buf.append(_text(el.text))
            else:
                tag_, _lang, _region, skipped, layout, mark = self.context.pop()
                if mark and not skipped:
                    self.buf.append(_CLOSE)
                if layout == "block":
                    self.flush(el_tag=tag_, lang=_lang, region=_region)
                elif layout == "boundary":
                    self.buf.append(" ")
                if el.tail:
                    self.buf.append(_text(el.tail))
        self.flush()

    def _layout(self, el: etree._Element, tag: str) -> str:
        """``block`` (ends a block), ``boundary`` (separates words) or ``""`` (inline)."""
        style = el.get("style")
        display = _DISPLAY.search(style) if style else None
        if display:
            value = display.group(1).lower()
            if value in BLOCK_DISPLAYS:
                return "block"
            if value in BOUNDARY_DISPLAYS:
                return "boundary"
            if value == "inline" and tag not in ("br",):
                return ""
        return "block" if tag in BLOCK_TAGS else ""

    def _mark(self, el: etree._Element, tag: str) -> str:
        if tag in MARK_TAGS:
            return MARK_TAGS[tag]
        if tag == "a":
            host = _host(el.get("href") or "")
            if host and self.host and host != self.host:
                return "link"
        return ""

    def _skip(self, el: etree._Element, tag: str) -> bool:
        if tag in SKIP_TAGS or el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
            return True
        if (el.get("translate") or "").lower() == "no":
            return True
        style = el.get("style")
        return bool(style and _HIDDEN_STYLE.search(style))

    def _lang_region(self, el: etree._Element, tag: str) -> tuple[str | None, str]:
        parent_lang, parent_region = (self.context[-1][1], self.context[-1][2]) if self.context else (None, "")
        lang = el.get("lang") or el.get(_XML_LANG) or parent_lang
        region = REGION_TAGS.get(tag) or ROLE_REGIONS.get((el.get("role") or "").lower()) or parent_region
        return (lang.strip()[:35] or None) if lang else None, region

    def _add(self, raw: str, where: str, element: str, limit: int) -> None:
        text = clean(raw, limit)
        if has_words(text):
            region = self.context[-1][2] if self.context else ""
            lang = self.context[-1][1] if self.context else None
            self.out.append(Block(text, where, _element(region, element), lang))
            self.chars += len(text)

    def flush(self, el_tag: str = "", lang: str | None = None, region: str = "") -> None:
        """End the current block; the text gathered so far belongs to the element closing."""
        if not self.buf:
            return
        text, marks = _unmark(clean("".join(self.buf)), self.marks)
        self.buf, self.marks = [], []  # a mark left open runs to the end of its block
        if not has_words(text):
            return
        if not el_tag:
            el_tag, lang, region = self.context[-1][:3] if self.context else ("body", None, "")
        where = "heading" if el_tag in HEADINGS else "button" if el_tag == "button" else "text"
        self.out.append(Block(text, where, _element(region, el_tag), lang, marks))
        self.chars += len(text)


def _text(raw: str) -> str:
    """Page text with our mark characters taken out (a page must not forge marks)."""
    return _MARKERS.sub("", raw)


def _unmark(text: str, kinds: list[str]) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """``text`` without its mark characters, and the marked spans in it (whitespace
    folded again where a removed mark left two spaces side by side)."""
    if _OPEN not in text and _CLOSE not in text:
        return text, ()
    out: list[str] = []
    stack: list[tuple[int, str]] = []
    spans: list[tuple[int, int, str]] = []
    order = iter(kinds)
    size = 0
    for ch in text:
        if ch == _OPEN:
            stack.append((size, next(order, "italic")))
        elif ch == _CLOSE:
            if stack:
                start, kind = stack.pop()
                if size > start:
                    spans.append((start, size, kind))
        elif ch == " " and (not out or out[-1] == " "):
            continue
        else:
            out.append(ch)
            size += 1
    for start, kind in stack:  # opened and not closed in this block: to its end
        if size > start:
            spans.append((start, size, kind))
    result = "".join(out).rstrip()
    cut = len(result)
    return result, tuple(sorted((s, min(e, cut), k) for s, e, k in spans if s < cut))


def _host(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _element(region: str, tag: str) -> str:
    """``footer p``: the page region and the element, for a reader to find the text."""
    return tag if not region or region == tag else f"{region} {tag}"
