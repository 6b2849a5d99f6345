"""Contact details as people write them: one number, one name, whatever the formatting."""

from __future__ import annotations

import pytest

from auditor.contact import (
    domain_of,
    find_addresses,
    find_emails,
    find_phones,
    names_match,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize("raw", ["+31 30 123 4567", "030-123 45 67", "(030) 123 45 67", "+31 (0)30 1234567",
                                 "tel:+31301234567", "0031 30 123 45 67", "+31 030 123 4567", "31301234567",
                                 "030.123.45.67"])
def test_one_dutch_number_many_spellings(raw):
    assert normalise_phone(raw) == "+31301234567"


def test_other_numbers_and_non_numbers():
    assert normalise_phone("06-12345678") == "+31612345678"
    assert normalise_phone("+32 2 123 45 67") == "+3221234567"
    assert normalise_phone("030 123 45 67", country_code="32") == "+32301234567"
    assert normalise_phone("12345") is None


def test_finding_phones_in_text_skips_look_alikes():
    text = ("Bel 030-123 45 67 of +32 2 123 45 67. KvK 30123456, IBAN NL91 ABNA 0417 1643 00, "
            "sinds 2024-03-12, vanaf € 4.999,-, 1.204 vind-ik-leuks.")
    assert find_phones(text) == ["+32 2 123 45 67", "030-123 45 67"]


def test_emails_and_addresses():
    assert find_emails("mail info@groenhuis.nl, niet logo@2x.png") == ["info@groenhuis.nl"]
    assert normalise_email("mailto:Info@Groenhuis.NL?subject=x") == "info@groenhuis.nl"
    assert normalise_email("geen adres") is None
    # A postcode after a house number; "1987 BV" (a year and a legal form) is not one.
    assert find_addresses("Atoomweg 52, 3542 AB Utrecht. Sinds 1987 BV.") == ["3542 AB"]


@pytest.mark.parametrize(("a", "b"), [
    ("Groenhuis Installatietechniek B.V.", "groenhuis installatietechniek"),
    ("Groenhuis Installatietechniek BV", "Groenhuis Installatietechniek"),
    ("Groenhuis", "Groenhuis Installatietechniek B.V."),
    ("Groenhuis Installatie", "Groenhuis Installatietechniek"),
    ("Café Zoë", "CAFE ZOE B.V."),
    ("Groen Huis", "Groenhuis"),
])
def test_names_that_are_the_same(a, b):
    assert names_match(a, b) and names_match(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Groenhius Installatietechniek", "Groenhuis Installatietechniek B.V."),
    ("De Vries Banket", "Bakkerij De Vries B.V."),
    ("Jan de Vries", "Groenhuis Installatietechniek"),
    ("B.V.", "Groenhuis B.V."),
])
def test_names_that_differ(a, b):
    assert not names_match(a, b)


def test_domains():
    assert domain_of("https://www.groenhuis-installatie.nl/contact") == "groenhuis-installatie.nl"
    assert domain_of("https://shop.example.co.uk/") == "example.co.uk"
    assert domain_of("www.bakkerij.test") != domain_of("www.slagerij.test")  # unknown suffix: the whole host
