"""What an ad's landing page shows: its main text, headings and forms, as plain data.

The menu and the footer repeat on every page of a site, so they say nothing about what a
page is about: a vacancies page whose footer links to "Zonnepanelen" is not a page about
solar panels. The main content is found by the one main-content finder,
``auditor.html.content``: the ``<main>`` element (or ``role="main"``, or the one
``<article>``); without any, the body minus header, navigation, footer and asides.
Cookie walls are left out everywhere.

Everything here comes from an untrusted page, so every list and text is capped.
"""

from __future__ import annotations

from typing import Any

from lxml import etree, html

from auditor.forms import field_label, field_required
from auditor.html.content import (
    CHROME,
    HAS_COOKIE_WALL,
    MAX_MAIN_TEXT,
    TEXT_ALL,
    TEXT_IN_BODY,
    TEXT_IN_MAIN,
    main_element,
    visible_text_nodes,
)

__all__ = ["describe_landing"]

MAX_PAGE_TEXT = 60_000
MAX_FORMS = 20
MAX_FIELDS = 50
MAX_HEADINGS = 30
MAX_SHORT = 300

_FIELDS = etree.XPath(".//input|.//select|.//textarea")
_INVISIBLE_TYPES = {"hidden", "submit", "button", "reset", "image"}


def _fold(parts: list[Any] | str, cap: int) -> str:
    text = parts if isinstance(parts, str) else " ".join(parts)
    return " ".join(text.split())[:cap]


def _clean_label(text: str) -> str:
    return text.rstrip(" *:").strip()


def _describe_fields(container: html.HtmlElement, labels: dict[str, str]) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    password = search = False
    for element in _FIELDS(container):
        kind = (element.get("type") or "text").lower() if element.tag == "input" else element.tag
        if kind == "password":
            password = True
        if kind == "search" or (element.get("name") or "").lower() in ("q", "s", "search", "zoek", "query"):
            search = True
        if kind in _INVISIBLE_TYPES or element.get("hidden") is not None:
            continue
        label = field_label(element, labels)  # the one form reader's label and rule (auditor.forms)
        fields.append({"name": (element.get("name") or "")[:60], "type": kind,
                       "required": field_required(element, label),
                       "label": _clean_label(label)[:80] or (element.get("name") or "")[:80]})
    return {"fields": fields[:MAX_FIELDS], "visible_fields": len(fields),
            "required_fields": sum(1 for f in fields if f["required"]), "password": password, "search": search}


def _heading_before(form: html.HtmlElement) -> str:
    legend = form.find(".//legend")
    inner = form.xpath(".//h1|.//h2|.//h3")
    if inner:
        return _fold(inner[0].text_content(), 120)
    if legend is not None:
        return _fold(legend.text_content(), 120)
    before = form.xpath("preceding::*[self::h1 or self::h2 or self::h3][1]")
    return _fold(before[0].text_content(), 120) if before else ""


def _forms(tree: html.HtmlElement, main: html.HtmlElement, how: str) -> list[dict[str, Any]]:
    labels = {lab.get("for"): _fold(lab.text_content(), 120) for lab in tree.iter("label") if lab.get("for")}
    in_main = {f for f in main.iter("form")
               if how != "body" or not any(a.tag in CHROME for a in f.iterancestors())}
    out: list[dict[str, Any]] = []
    for form in tree.iter("form"):
        if len(out) >= MAX_FORMS:
            break
        if any(a.get("hidden") is not None for a in form.iterancestors()) or form.get("hidden") is not None:
            continue
        buttons = form.xpath(".//button|.//input[@type='submit']")
        submit = _fold(buttons[0].text_content() or buttons[0].get("value") or "", 80) if buttons else ""
        role = (form.get("role") or "").lower()
        desc = _describe_fields(form, labels)
        one_box = desc["visible_fields"] == 1 and any(w in submit.lower() for w in ("zoek", "search"))
        desc["search"] = desc["search"] or role == "search" or one_box
        out.append({"in_main": form in in_main, "action": (form.get("action") or "")[:200],
                    "method": (form.get("method") or "get").lower()[:10], "id": (form.get("id") or "")[:60],
                    "submit": submit, "heading": _heading_before(form),
                    "words": len(_fold(TEXT_IN_MAIN[0](form), MAX_MAIN_TEXT).split()), **desc})
    # Fields outside any <form> (script-driven sign-ups) count as one form when there are several.
    loose = [f for f in _FIELDS(main) if next(f.iterancestors("form"), None) is None]
    if len(loose) >= 2 and len(out) < MAX_FORMS:
        holder = html.Element("div")
        for f in loose:
            holder.append(html.fromstring(html.tostring(f)))
        desc = _describe_fields(holder, labels)
        out.append({"in_main": True, "action": "", "method": "", "id": "", "submit": "", "heading": "",
                    "words": 0, "loose": True, **desc})
    return out


def _meta(tree: html.HtmlElement, name: str) -> str:
    found = tree.xpath(f"//meta[@name='{name}' or @property='{name}']/@content")
    return _fold(found[0], MAX_SHORT) if found else ""


def describe_landing(tree: html.HtmlElement) -> dict[str, Any]:
    """The facts of one landing page the ad checks judge (JSON-ready, capped)."""
    main, how = main_element(tree)
    title = tree.find(".//title")
    headings = [(h.tag, _fold(h.text_content(), 200)) for h in main.iter("h1", "h2", "h3")]
    h1 = [t for tag, t in headings if tag == "h1"] or [_fold(h.text_content(), 200) for h in tree.iter("h1")]
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    cookies = bool(HAS_COOKIE_WALL(tree))
    main_words = _fold(visible_text_nodes(TEXT_IN_BODY if how == "body" else TEXT_IN_MAIN, main, cookies),
                       MAX_MAIN_TEXT)
    forms = _forms(tree, main, how)
    in_forms = sum(f["words"] for f in forms if f["in_main"])
    return {
        "title": _fold(title.text_content(), MAX_SHORT) if title is not None else "",
        "language": lang.strip().lower()[:20],
        "description": _meta(tree, "description"),
        "h1": h1[:3],
        "headings": [t for _, t in headings if t][:MAX_HEADINGS],
        "main_found_by": how,
        "main_text": main_words,
        "main_words": len(main_words.split()),
        "main_words_outside_forms": max(len(main_words.split()) - in_forms, 0),
        "text": _fold(visible_text_nodes(TEXT_ALL, tree, cookies), MAX_PAGE_TEXT),
        "forms": forms,
    }
