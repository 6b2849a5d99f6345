"""Is a landing page's main content a form rather than the offer (TP503)?

A page is a form page when its main content holds a real form (a password field, two or
more fields to fill in, or a lone e-mail box) and little else: few words outside the
form. A product page with a "request a quote" form under three paragraphs about the
product is not one; a "Request your brochure" page with a lead sentence and nine fields
is. Search boxes and forms in the header or footer (newsletter sign-ups) never count.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from auditor.artifacts.ads import AdLanding, LandingForm

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


def form_kind(form: LandingForm, record: AdLanding) -> str:
    """login, registration, newsletter, contact, request or other, from the fields and the words near the form."""
    words = " ".join([form.heading, form.submit, *record.h1, record.title, form.action])
    types = [f.type for f in form.fields]
    if form.password:
        return "registration" if form.visible_fields > 3 or _KINDS[1][1].search(words) else "login"
    for kind, pattern in _KINDS:
        if pattern.search(words):
            if kind == "login":
                continue  # without a password field it is not a login form
            return kind
    if "textarea" in types:
        return "contact"
    return "other"


def _real(form: LandingForm, outside_words: int) -> bool:
    if not form.in_main or form.search:
        return False
    if form.password or form.visible_fields >= 2:
        return True
    fields = form.fields
    return len(fields) == 1 and fields[0].type == "email" and outside_words < 60


def form_page(record: AdLanding, max_other_words: int) -> dict[str, Any] | None:
    """The form that is the page's main content, with its kind; None when the page is more than a form."""
    outside = record.main_words_outside_forms
    forms = [f for f in record.forms if _real(f, outside)]
    if not forms or outside > max_other_words:
        return None
    form = max(forms, key=lambda f: (f.password, f.visible_fields))
    facts = asdict(form)
    if not form.loose:
        del facts["loose"]  # only fields outside any <form> say so
    return {**facts, "kind": form_kind(form, record), "words_outside_forms": outside}


# An ad that itself asks the prospect to sign up, log in or get in touch may land on that form.
# Requests (a brochure, a quote, a test ride) are offers with details of their own: not exempt.
_SELF_SERVICE = {"newsletter", "registration", "login", "contact"}


def ad_asks_for(kind: str, ad_text: str) -> bool:
    """Whether the ad's own call to action is the form's purpose ("Sign up for a free trial")."""
    if kind not in _SELF_SERVICE:
        return False
    return any(pattern.search(ad_text) for name, pattern in _KINDS if name == kind or
               (kind == "newsletter" and name == "registration"))
