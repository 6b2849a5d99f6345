"""One rule for "required" (``auditor.forms.field_required``): TP701's form reader and the ad
landing facts TP503 judges read the same fields the same way. Each case below is one where
the two readers disagreed before they shared the rule."""

from __future__ import annotations

import pytest
from lxml import html

from auditor.collect.ads.landing_page import describe_landing
from auditor.forms import page_forms


def _both(field_html: str) -> tuple[bool, bool]:
    """``required`` of the form's one field as TP701's reader and the landing reader see it."""
    tree = html.document_fromstring(f"<html><body><main><form action='/f'>{field_html}<input type='email' "
                                    "name='e'><button>Verstuur</button></form></main></body></html>")
    [form] = page_forms(tree)
    [landing] = describe_landing(tree)["forms"]
    return form.fields[0].required, landing["fields"][0]["required"]


@pytest.mark.parametrize(("field_html", "required"), [
    ("<input name='n' required>", True),
    ("<input name='n' required='false'>", True),  # a boolean attribute: present is required
    ("<input name='n' aria-required='true'>", True),
    ("<input name='n' aria-required=' TRUE '>", True),  # landing: not required before
    ("<input name='n' aria-required='false'>", False),
    ("<label for='n'>Naam *</label><input id='n' name='n'>", True),  # landing: not required before
    ("<label for='n'>E-mail *:</label><input id='n' name='n'>", True),  # neither saw it before
    ("<label>Telefoon* <input name='n'></label>", True),  # landing: not required before
    ("<input name='n' placeholder='Postcode *'>", True),  # landing: not required before
    ("<label for='n'>Naam (* verplicht veld)</label><input id='n' name='n'>", False),
    ("<label for='n'>Naam</label><input id='n' name='n'>", False),
])
def test_both_readers_apply_one_rule(field_html, required):
    assert _both(field_html) == (required, required)


def test_labels_lose_the_asterisk_in_both():
    tree = html.document_fromstring("<form><label for='a'>Naam *:</label><input id='a' name='a'>"
                                    "<input name='b' type='email'></form>")
    assert page_forms(tree)[0].fields[0].label == "Naam"
    assert describe_landing(tree)["forms"][0]["fields"][0]["label"] == "Naam"
