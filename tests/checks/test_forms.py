"""TP701 demanding-form, from YAML cases, and the form facts it judges (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.forms import page_forms
from auditor.registry import load_checks
from auditor.testing import load_cases, make_page, run_check
from checks.forms import DemandingForm

CASES = load_cases(Path(__file__).parent / "cases" / "TP701.yaml")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case):
    case.verify(load_checks()["TP701"].cls)


def test_evidence_names_the_required_and_unneeded_fields():
    page = make_page("https://ex.nl/download", """<h1>Download de whitepaper</h1><form id="wp">
        <label for="e">E-mail</label><input id="e" name="email" type="email" required>
        <label for="d">Geboortedatum</label><input id="d" name="dob" type="date" required>
        <button>Download</button></form>""")
    [finding] = run_check(DemandingForm, [page]).findings
    assert finding.target == "https://ex.nl/download#wp"
    assert [f["label"] for f in finding.evidence["required_fields"]] == ["E-mail", "Geboortedatum"]
    assert [f["kind"] for f in finding.evidence["unneeded_fields"]] == ["birthdate"]
    assert "date of birth" in finding.message


def test_purpose_and_kinds_of_a_form():
    tree = make_page("https://ex.nl/", """<main><h2>Vraag een offerte aan</h2><form>
        <input name="bedrijfsnaam" required><input name="tel" autocomplete="tel">
        <label><input type="radio" name="soort" value="a" required>A</label>
        <label><input type="radio" name="soort" value="b">B</label>
        <input type="hidden" name="token"><button>Verstuur</button></form></main>""").tree
    [form] = page_forms(tree)
    assert form.purpose == "quote"
    assert [(f.name, f.kind) for f in form.fields] == [("bedrijfsnaam", "company"), ("tel", "phone"),
                                                        ("soort", None)]
    assert form.heading == "Vraag een offerte aan"


def test_max_required_must_be_positive():
    from auditor.errors import ConfigError

    with pytest.raises(ConfigError):
        DemandingForm({"max_required": 0})
