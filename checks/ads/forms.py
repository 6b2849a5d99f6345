"""Is a landing page's main content a form rather than the offer (TP503)?

A page is a form page when its main content holds a real form (a password field, two or
more fields to fill in, or a lone e-mail box) and little else: few words outside the
form. A product page with a "request a quote" form under three paragraphs about the
product is not one; a "Request your brochure" page with a lead sentence and nine fields
is. Search boxes and forms in the header or footer (newsletter sign-ups) never count.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ad_asks_for", "form_kind", "form_page"]

_KINDS = (
    ("login", re.compile(r"\b(inloggen|log\s?in|login|sign\s?in|aanmelden\s+bij\s+mijn|mijn\s+account|wachtwoord)\b",
                         re.I)),
    ("registration", re.compile(r"\b(registre(er|ren)|register|sign\s?up|account\s+aanmaken|create\s+(an\s+)?account|"
                                r"inschrijv\w*|schrijf\s+(je|u)\s+in|word\s+lid|join|lid\s+worden|meld\s+(je|u)\s+aan)\b",
                                re.I)),
    ("newsletter", re.compile(r"\b(nieuwsbrief|newsletter|subscribe|abonneer)\b", re.I)),
    ("contact", re.compile(r"\b(contact|bericht|message|stel\s+(je|uw)\s+vraag|vraag\s+stellen|get\s+in\s+touch)\b",
                           re.I)),
    ("request", re.compile(r"\b(aanvragen|aanvraag|vraag\s+\w+\s+aan|request|offerte|quote|brochure|download|"
                           r"proefrit|test\s?drive|demo|afspraak|appointment|book|boeken|reserveren)\b", re.I)),
)


def form_kind(form: dict[str, Any], record: dict[str, Any]) -> str:
    """login, registration, newsletter, contact, request or other, from the fields and the words near the form."""
    words = " ".join([form.get("heading") or "", form.get("submit") or "", *(record.get("h1") or []),
                      record.get("title") or "", form.get("action") or ""])
    types = [f.get("type") for f in form.get("fields") or []]
    if form.get("password"):
        return "registration" if form.get("visible_fields", 0) > 3 or _KINDS[1][1].search(words) else "login"
    for kind, pattern in _KINDS:
        if pattern.search(words):
            if kind == "login":
                continue  # without a password field it is not a login form
            return kind
    if "textarea" in types:
        return "contact"
    return "other"


def _real(form: dict[str, Any], outside_words: int) -> bool:
    if not form.get("in_main") or form.get("search"):
        return False
    if form.get("password") or form.get("visible_fields", 0) >= 2:
        return True
    fields = form.get("fields") or []
    return len(fields) == 1 and fields[0].get("type") == "email" and outside_words < 60


def form_page(record: dict[str, Any], max_other_words: int) -> dict[str, Any] | None:
    """The form that is the page's main content, with its kind; None when the page is more than a form."""
    outside = int(record.get("main_words_outside_forms") or 0)
    forms = [f for f in record.get("forms") or [] if _real(f, outside)]
    if not forms or outside > max_other_words:
        return None
    form = max(forms, key=lambda f: (bool(f.get("password")), f.get("visible_fields", 0)))
    return {**form, "kind": form_kind(form, record), "words_outside_forms": outside}


# An ad that itself asks the prospect to sign up, log in or get in touch may land on that form.
# Requests (a brochure, a quote, a test ride) are offers with details of their own: not exempt.
_SELF_SERVICE = {"newsletter", "registration", "login", "contact"}


def ad_asks_for(kind: str, ad_text: str) -> bool:
    """Whether the ad's own call to action is the form's purpose ("Sign up for a free trial")."""
    if kind not in _SELF_SERVICE:
        return False
    return any(pattern.search(ad_text) for name, pattern in _KINDS if name == kind or
               (kind == "newsletter" and name == "registration"))
