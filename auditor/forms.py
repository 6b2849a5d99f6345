"""What a page's forms ask of a prospect, as plain data: fields, which are required, what
kind of personal data each one is, and what the form is for.

Shared by TP701 (``checks/forms.py``) and the touchpoint inventory (``touchpoint_pages``),
so the report's form count and the demanding-form finding describe the same forms in the
same words. Everything comes from an untrusted page: texts are folded and capped.

A field is *required* (``field_required``, the one rule for TP701, TP503 and the touchpoint
map) when the page says so to the browser or to the visitor:

* the HTML ``required`` attribute, whatever its value (a boolean attribute: browsers treat
  ``required="false"`` as required too);
* ``aria-required="true"`` (the value compared without case or surrounding spaces);
* a visible label (or, without one, the aria-label, placeholder or title) ending in an
  asterisk, before an optional colon: ``Naam *``, ``E-mail*:``. Many sites only mark
  required fields with an asterisk and check them in JavaScript.

An asterisk elsewhere in the label (``* verplichte velden`` above the form) marks nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree, html

from auditor.html.content import CHROME

__all__ = ["INFO_PURPOSES", "FormFacts", "FormField", "field_label", "field_required", "page_forms"]

MAX_FORMS = 30
MAX_FIELDS = 60
MAX_TEXT = 120
# Purposes where the prospect only asks for information: the organisation needs little
# more than an address to send it to (TP701 judges these, never orders or applications).
INFO_PURPOSES = ("brochure", "download", "newsletter", "quote", "contact")

_FIELDS = etree.XPath(".//input|.//select|.//textarea")
_INVISIBLE = {"hidden", "submit", "button", "reset", "image"}
_WS = re.compile(r"\s+")

# (purpose, pattern over the form's own words); the first that matches wins.
_PURPOSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((p, re.compile(rx, re.I)) for p, rx in (
    ("order", r"afreken|bestel|checkout|check-out|betalen|betaling|payment|winkelwagen|\bcart\b|\border\b"),
    ("application", r"sollicit|\bapply\b|vacature|\bcv\b|application|motivatie"),
    ("brochure", r"brochure|folder|catalog|prospectus"),
    ("download", r"download|whitepaper|white paper|e-?book|\bgids\b|\bguide\b"),
    ("newsletter", r"nieuwsbrief|newsletter|subscribe|abonneer|blijf op de hoogte|stay (up to date|informed)"),
    ("quote", r"offerte|prijsopgave|\bquote\b|kostenindicatie|prijsindicatie|estimate"),
    ("contact", r"contact|bericht|\bmessage\b|\bvraag\b|question|terugbel|call ?back|bel mij"),
))
_SEARCH_NAMES = {"q", "s", "search", "zoek", "zoeken", "query", "zoekterm", "keyword", "keywords"}

# Personal-data kinds, from autocomplete tokens first (the page's own statement), then the
# field's type, name, id and label. Order matters: "bedrijfsnaam" is a company, not a name.
_AUTOCOMPLETE = {
    "email": "email", "tel": "phone", "tel-national": "phone", "tel-local": "phone", "bday": "birthdate",
    "bday-day": "birthdate", "bday-month": "birthdate", "bday-year": "birthdate", "street-address": "address",
    "address-line1": "address", "address-line2": "address", "postal-code": "postcode", "address-level2": "city",
    "given-name": "name", "family-name": "name", "name": "name", "additional-name": "name",
    "organization": "company", "sex": "gender", "honorific-prefix": "gender",
}
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(rx, re.I)) for k, rx in (
    ("birthdate", r"geboorte|birth|\bdob\b|bday|leeftijd|\bage\b"),
    ("national_id", r"\bbsn\b|burgerservice|paspoort|passport|id-?nummer|social security|\bssn\b"),
    ("income", r"inkomen|income|salaris|salary"),
    ("email", r"e-?mail"),
    ("phone", r"telefoon|phone|\btel\b|mobiel|mobile|\bgsm\b"),
    ("company", r"bedrijf|company|organisatie|organization|organisation|firma"),
    ("postcode", r"postcode|zip|postal"),
    ("city", r"woonplaats|\bplaats\b|\bcity\b|\btown\b|\bstad\b"),
    ("address", r"straat|adres|address|huisnummer|street"),
    ("gender", r"geslacht|gender|aanhef|salutation"),
    ("name", r"naam|\bname\b|voorletters|initials"),
))


def _fold(text: Any, cap: int = MAX_TEXT) -> str:
    return _WS.sub(" ", str(text or "")).strip()[:cap]


@dataclass(frozen=True, slots=True)
class FormField:
    """One field a visitor fills in (hidden fields and buttons are left out)."""

    name: str
    type: str
    label: str
    required: bool
    kind: str | None  # personal-data kind (email, phone, birthdate, …) or None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "label": self.label, "required": self.required,
                "kind": self.kind}


@dataclass(frozen=True, slots=True)
class FormFacts:
    """One ``<form>`` of a page: where it is, what it is for and what it asks."""

    index: int
    id: str
    action: str
    method: str
    heading: str
    submit: str
    purpose: str  # search, login, registration, order, application, one of INFO_PURPOSES, other
    in_chrome: bool  # in the header, footer, navigation or an aside: repeated on many pages
    fields: tuple[FormField, ...]

    @property
    def required(self) -> tuple[FormField, ...]:
        """Required fields that hold data; a required consent checkbox is not data."""
        return tuple(f for f in self.fields if f.required and f.type != "checkbox")

    @property
    def name(self) -> str:
        """What the page calls the form: its heading, else its button, else its id."""
        return self.heading or self.submit or self.id or self.action

    @property
    def signature(self) -> str:
        """The same form on every page it appears on (a footer newsletter form) has one
        signature: its purpose, where it sends, and its field names."""
        key = "|".join([self.purpose, self.action.split("?")[0], *sorted(f.name or f.label for f in self.fields)])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def anchor(self, page_url: str) -> str:
        """An address for the form itself: the page plus the form's id (or its position)."""
        return f"{page_url.split('#')[0]}#{self.id or f'form-{self.index + 1}'}"


def _labels(tree: html.HtmlElement) -> dict[str, str]:
    return {lab.get("for"): _fold(lab.text_content()) for lab in tree.iter("label") if lab.get("for")}


_ASTERISK_LAST = re.compile(r"\*\s*:?\s*$")


def field_required(element: html.HtmlElement, label: str) -> bool:
    """Whether a field is required (the module docstring's rule); ``label`` as ``field_label`` read it."""
    return (element.get("required") is not None
            or (element.get("aria-required") or "").strip().lower() == "true"
            or bool(_ASTERISK_LAST.search(label)))


def field_label(element: html.HtmlElement, labels: dict[str, str]) -> str:
    """The text that names a field for the visitor: its ``<label for>``, the ``<label>`` around
    it, else its aria-label, placeholder or title (asterisks kept: they mark required)."""
    return _label_of(element, labels)


def _label_of(element: html.HtmlElement, labels: dict[str, str]) -> str:
    ident = element.get("id")
    if ident and ident in labels:
        return labels[ident]
    for parent in element.iterancestors():
        if parent.tag == "label":
            return _fold(parent.text_content())
        if parent.tag == "form":
            break
    return _fold(element.get("aria-label") or element.get("placeholder") or element.get("title") or "")


def _kind(element: html.HtmlElement, ftype: str, label: str) -> str | None:
    for token in (element.get("autocomplete") or "").lower().split():
        if token in _AUTOCOMPLETE:
            return _AUTOCOMPLETE[token]
    if ftype == "email":
        return "email"
    if ftype == "tel":
        return "phone"
    words = " ".join([element.get("name") or "", element.get("id") or "", label])
    for kind, pattern in _KINDS:
        if pattern.search(words):
            return kind
    return None


def _fields(form: html.HtmlElement, labels: dict[str, str]) -> tuple[list[FormField], bool]:
    fields: list[FormField] = []
    radios: set[str] = set()
    password = False
    for element in _FIELDS(form):
        ftype = (element.get("type") or "text").lower() if element.tag == "input" else element.tag
        if ftype == "password":
            password = True
        if ftype in _INVISIBLE or element.get("hidden") is not None:
            continue
        name = _fold(element.get("name"), 60)
        if ftype == "radio":
            if name in radios:
                continue
            radios.add(name)
        label = _label_of(element, labels)
        required = field_required(element, label)
        fields.append(FormField(name, ftype, label.rstrip(" *:") or name, required, _kind(element, ftype, label)))
        if len(fields) >= MAX_FIELDS:
            break
    return fields, password


def _heading(form: html.HtmlElement) -> str:
    inner = form.xpath(".//legend|.//h1|.//h2|.//h3|.//h4")
    if inner:
        return _fold(inner[0].text_content())
    before = form.xpath("preceding::*[self::h1 or self::h2 or self::h3][1]")
    return _fold(before[0].text_content()) if before else ""


def _submit(form: html.HtmlElement) -> str:
    for button in form.xpath(".//button[not(@type) or @type='submit']|.//input[@type='submit']"):
        text = _fold(button.text_content() or button.get("value") or button.get("aria-label"))
        if text:
            return text
    return ""


def _purpose(form: html.HtmlElement, fields: list[FormField], password: bool, words: str) -> str:
    visible = [f for f in fields if f.type not in ("checkbox",)]
    if (form.get("role") or "").lower() == "search" or any(f.type == "search" for f in fields) or (
            len(visible) == 1 and visible[0].name.lower() in _SEARCH_NAMES):
        return "search"
    if password:
        return "registration" if len(visible) > 2 else "login"
    for purpose, pattern in _PURPOSES:
        if pattern.search(words):
            return purpose
    if any(f.type == "file" for f in fields):
        return "application"
    if any(f.type == "textarea" for f in fields):
        return "contact"
    if len(visible) == 1 and visible[0].kind == "email":
        return "newsletter"
    return "other"


def page_forms(tree: html.HtmlElement, title: str = "") -> list[FormFacts]:
    """The forms of a parsed page, in document order (at most ``MAX_FORMS``)."""
    labels = _labels(tree)
    out: list[FormFacts] = []
    for index, form in enumerate(tree.iter("form")):
        if index >= MAX_FORMS:
            break
        if form.get("hidden") is not None or any(a.get("hidden") is not None for a in form.iterancestors()):
            continue
        fields, password = _fields(form, labels)
        if not fields:
            continue
        in_chrome = any(a.tag in CHROME for a in form.iterancestors())
        heading, submit = _heading(form), _submit(form)
        own = " ".join([heading, submit, form.get("id") or "", form.get("class") or "", form.get("name") or "",
                        form.get("action") or "", form.get("aria-label") or ""])
        purpose = _purpose(form, fields, password, own)
        if purpose == "other" and not in_chrome and title:
            purpose = _purpose(form, fields, password, title)  # the page is about this form
        out.append(FormFacts(index=index, id=_fold(form.get("id"), 60), action=_fold(form.get("action"), 200),
                             method=_fold(form.get("method") or "get", 10).lower(), heading=heading, submit=submit,
                             purpose=purpose, in_chrome=in_chrome, fields=tuple(fields)))
    return out
