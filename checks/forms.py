"""Form checks (TP7xx): what a form asks of a prospect before giving them anything.

The facts of each form (fields, required or not, the kind of personal data, the form's
purpose) come from ``auditor.forms``, the same code the touchpoint inventory uses, so the
report's form list and these findings agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from auditor.check import CheckContext, PageCheck
from auditor.forms import INFO_PURPOSES, FormFacts, page_forms
from auditor.model import Finding, Location
from auditor.page import Page

# Personal data a purpose does not need when it is *required*. A brochure sent by post
# needs an address; a newsletter needs an e-mail address and nothing else.
UNNEEDED: dict[str, frozenset[str]] = {
    "newsletter": frozenset({"phone", "birthdate", "address", "postcode", "city", "gender", "national_id", "income"}),
    "download": frozenset({"phone", "birthdate", "address", "postcode", "city", "gender", "national_id", "income"}),
    "brochure": frozenset({"phone", "birthdate", "gender", "national_id", "income"}),
    "quote": frozenset({"birthdate", "gender", "national_id", "income"}),
    "contact": frozenset({"birthdate", "gender", "national_id", "income"}),
}
KIND_NAMES = {"phone": "phone number", "birthdate": "date of birth", "address": "street address",
              "postcode": "postcode", "city": "town", "gender": "gender", "national_id": "national ID number",
              "income": "income"}


@dataclass
class DemandingFormOptions:
    """``max_required``: required fields an information form may ask before it is demanding;
    ``flag_unneeded``: also report required data the purpose does not need."""

    max_required: int = 5
    flag_unneeded: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.max_required, int) or self.max_required < 1:
            raise ValueError("max_required must be a whole number of at least 1")


class DemandingForm(PageCheck):
    """A form that only gives the prospect information but demands too much in return.

    What it checks
    --------------
    Every form on the site whose purpose is to get the prospect information (a brochure,
    a download, a newsletter, a quote, a contact form) is read field by field. It is
    reported when it requires more than ``max_required`` fields (default 5; a required
    consent checkbox does not count), or when it requires personal data its purpose does
    not need: a date of birth, a phone number for a newsletter or a download, an address
    for a newsletter. A field is required when it has ``required``/``aria-required`` or its
    label ends in ``*``. Search, login, order and job application forms are not judged.

    Why it matters
    --------------
    Every extra required field costs sign-ups: prospects who only want a brochure leave
    when asked for their date of birth and phone number, or enter fake data. Asking for
    data you do not need also conflicts with the GDPR's data minimisation principle.

    How to fix
    ----------
    Ask only what the purpose needs (an e-mail address for a download or newsletter; a
    postal address only for a brochure sent by post). Make the other fields optional or
    remove them, and ask for more later, when the prospect wants a quote or a visit.
    """

    code = "TP701"
    name = "demanding-form"
    family = "forms"
    requires = ("pages",)
    default_severity = "warning"
    Options = DemandingFormOptions

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if not page.is_html or (page.status or 0) >= 400 or b"<form" not in page.body_lower:
            return
        for form in page_forms(page.tree, page.title or ""):
            finding = self._judge(page, form)
            if finding is not None:
                yield finding

    def _judge(self, page: Page, form: FormFacts) -> Finding | None:
        if form.purpose not in INFO_PURPOSES:
            return None
        required = form.required
        unneeded = [f for f in required if f.kind in UNNEEDED[form.purpose]] if self.options.flag_unneeded else []
        too_many = len(required) > self.options.max_required
        if not too_many and not unneeded:
            return None
        reasons = []
        if too_many:
            reasons.append(f"requires {len(required)} fields (more than {self.options.max_required})")
        if unneeded:
            names = ", ".join(dict.fromkeys(KIND_NAMES.get(f.kind or "", f.label) for f in unneeded))
            reasons.append(f"asks for data a {form.purpose} form does not need: {names}")
        return self.finding(
            url=page.url, target=form.anchor(page.url), key=form.signature,
            message=f"The {form.purpose} form {form.name!r} " + " and ".join(reasons) + ".",
            evidence={
                "form": form.name, "purpose": form.purpose, "form_key": form.signature,
                "action": form.action, "required_count": len(required), "max_required": self.options.max_required,
                "required_fields": [f.to_dict() for f in required],
                "unneeded_fields": [f.to_dict() for f in unneeded],
                "optional_count": len([f for f in form.fields if not f.required]),
            },
            locations=[Location(page.url, form.name, "form")],
        )
