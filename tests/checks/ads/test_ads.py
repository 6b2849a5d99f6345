"""The ads checks on hand-built landing records (no network): offers in every number format,
arrival problems, form pages, relevance with site weights, and the evidence beside the ad."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from auditor.collect.ads.csv_file import Ad
from auditor.collect.ads.visitor import visit_record
from auditor.collect.http import Response
from auditor.model import Hop
from auditor.testing import make_page, run_check
from checks.ads import AdLandsOnForm, AdLandsOnHomepage, AdOfferMissing, BrokenAdLanding, OffTopicLandingPage
from checks.ads.landing import is_homepage, lost_parameters
from checks.ads.offers import extract_offers, offer_on_page, page_offer_keys, parse_amount

SITE = "https://www.groenhuis.example.nl"
FOOTER = "<footer>Groenhuis, Utrecht. Warmtepompen, zonnepanelen, cv-ketels en onderhoud.</footer>"


def html(title: str, main: str, lang: str = "nl") -> str:
    return (f'<html lang="{lang}"><head><title>{title} | Groenhuis</title></head><body><nav><a href="/">Home</a>'
            f'<a href="/zonnepanelen">Zonnepanelen</a></nav><main>{main}</main>{FOOTER}</body></html>')


PAGES = {
    "/": html("Groenhuis", "<h1>Welkom</h1><p>Installateur in Utrecht sinds 1987.</p>"),
    "/warmtepompen": html("Warmtepompen", "<h1>Warmtepompen</h1><p>Een hybride warmtepomp bespaart gas. "
                                          "Vanaf € 4.999,- inclusief installatie door eigen monteurs.</p>"),
    "/zonnepanelen": html("Zonnepanelen", "<h1>Zonnepanelen</h1><p>Tien zonnepanelen met omvormer en montage.</p>"),
    "/vacatures": html("Vacatures", "<h1>Werken bij Groenhuis</h1><p>Wij zoeken een servicemonteur voor "
                                    "onderhoud aan cv-ketels. Rijbewijs B is nodig.</p>"),
    "/brochure": html("Brochure", '<h1>Brochure aanvragen</h1><p>Vul uw gegevens in.</p><form action="/b">'
                                  '<input name="naam" required><input name="email" type="email" required>'
                                  '<input name="adres" required><button>Aanvragen</button></form>'),
    "/en/solar": html("Solar panels", "<h1>Solar panels</h1><p>Ten solar panels with inverter and installation, "
                                      "from € 4.250.</p>", lang="en"),
}


def record(path: str, *, status: int = 200, hops: list[Hop] | None = None, final: str | None = None,
           body: str | None = None) -> dict[str, Any]:
    url = SITE + path
    final_url = final or url
    text = body if body is not None else PAGES.get(final_url.removeprefix(SITE).split("?")[0], "")
    res = Response(url=url, status=status, final_url=final_url, hops=hops or [],
                   headers={"content-type": "text/html; charset=utf-8"}, body=text.encode())
    return visit_record(url, res)


def run(check, ads: list[Ad], landings: dict[str, dict[str, Any]], **kw):
    pages = [make_page(SITE + p, h) for p, h in PAGES.items()]
    return run_check(check, pages, artifacts={"ads": [a.to_dict() for a in ads]},
                     page_artifacts={"ad_landing": landings}, start_url=SITE + "/", **kw)


def ad(ad_id: str, headline: str, description: str, path: str) -> Ad:
    return Ad(ad_id=ad_id, headlines=(headline,), descriptions=(description,), final_url=SITE + path)


# -- offers ---------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "value"), [
    ("1.299,00", Decimal("1299")), ("1,299.00", Decimal("1299")), ("1299", Decimal("1299")),
    ("49,-", Decimal("49")), ("49,95", Decimal("49.95")), ("4.999", Decimal("4999")), ("1.234.567", Decimal("1234567")),
])
def test_parse_amount_reads_dutch_and_english(written, value):
    assert value in parse_amount(written)


@pytest.mark.parametrize(("ad_text", "page_text"), [
    ("Warmtepomp vanaf € 4.999", "vanaf € 4.999,-"),
    ("Nu € 1.299,00", "Now only EUR 1,299.00"),
    ("Onderhoud €49,-", "Een beurt kost 49 euro."),
    ("20% korting", "Tijdelijk 20 procent korting"),
    ("Fietssloten 2 voor 1", "1+1 gratis op alle sloten"),
    ("Met code ZOMER20", "gebruik kortingscode zomer20 bij het afrekenen"),
    ("Geldig t/m 31 mei", "De actie loopt tot en met 31-05-2026."),
    ("Ends May 31st", "Offer valid until 31 May."),
])
def test_an_offer_in_another_format_is_on_the_page(ad_text, page_text):
    offers = extract_offers(ad_text)
    assert offers, ad_text
    keys = page_offer_keys(page_text)
    assert all(offer_on_page(o, page_text, keys) for o in offers), [o.text for o in offers]


@pytest.mark.parametrize(("ad_text", "page_text"), [
    ("Koffiebonen € 19,95", "Huismelange € 24,95"),
    ("25% korting", "20% korting"),
    ("2 voor 1", "2e halve prijs"),
    ("Code ZOMER20", "Code LENTE10"),
    ("t/m 31 mei", "tot en met 30 april"),
])
def test_a_different_offer_is_missing(ad_text, page_text):
    [offer] = extract_offers(ad_text)
    assert not offer_on_page(offer, page_text, page_offer_keys(page_text))


def test_plain_numbers_and_lowercase_words_are_no_offers():
    assert extract_offers("10 zonnepanelen, 24/7 service, gebruik de code bij het afrekenen") == []


def test_demo_prices_match_and_a_missing_price_is_reported():
    ads = [ad("A1", "Warmtepomp vanaf € 4.999", "Hybride warmtepomp inclusief installatie.", "/warmtepompen"),
           ad("A2", "Zonnepanelen vanaf € 3.999", "Tien panelen met montage.", "/zonnepanelen")]
    result = run(AdOfferMissing, ads, {a.final_url: record(a.final_url.removeprefix(SITE)) for a in ads})
    [finding] = result.findings
    assert (finding.target, finding.evidence["missing_offers"]) == ("A2", ["€ 3.999"])
    assert finding.evidence["ad"] == "Zonnepanelen vanaf € 3.999 — Tien panelen met montage."
    assert finding.evidence["landing_page"].startswith("title: Zonnepanelen | Groenhuis · heading: Zonnepanelen")


# -- arrival (TP505) and homepage (TP502) ------------------------------------------------
def test_homepage_paths():
    assert is_homepage("https://ex.nl/?utm_source=google") and is_homepage("https://ex.nl/nl/")
    assert is_homepage("https://ex.nl/index.html")
    assert not is_homepage("https://ex.nl/?product=12") and not is_homepage("https://ex.nl/warmtepompen")


def test_lost_parameters_lists_dropped_and_changed_utm_tags():
    assert lost_parameters("https://ex.nl/a?utm_source=g&utm_medium=cpc&x=1",
                           "https://ex.nl/b?utm_source=g&utm_medium=email") == ["utm_medium=cpc"]


def test_broken_redirected_and_blocked_landings():
    ads = [ad("G", "Warmtepompen", "x", "/gone"), ad("H", "Warmtepompen", "x", "/actie"),
           ad("B", "Warmtepompen", "x", "/walled"), ad("OK", "Warmtepompen", "x", "/warmtepompen")]
    landings = {
        SITE + "/gone": record("/gone", status=404, body="<h1>404</h1>"),
        SITE + "/actie": record("/actie", hops=[Hop(SITE + "/actie", 301, SITE + "/")], final=SITE + "/"),
        SITE + "/walled": visit_record(SITE + "/walled", Response(
            url=SITE + "/walled", status=403, final_url=SITE + "/walled", body=b"<title>Just a moment...</title>",
            headers={"content-type": "text/html", "cf-mitigated": "challenge"})),
        SITE + "/warmtepompen": record("/warmtepompen"),
    }
    result = run(BrokenAdLanding, ads, landings)
    got = {f.target: (f.severity, f.evidence["problems"]) for f in result.findings}
    assert got == {"G": ("error", ["broken"]), "H": ("error", ["homepage"]), "B": ("info", ["blocked"])}


def test_specific_ad_on_homepage_but_not_a_brand_ad():
    ads = [ad("S", "Installateur in Utrecht", "Warmtepompen en cv-ketels.", "/?utm_source=google"),
           ad("BR", "Groenhuis", "De officiële website van Groenhuis.", "/")]
    landings = {a.final_url: record(a.final_url.removeprefix(SITE)) for a in ads}
    result = run(AdLandsOnHomepage, ads, landings)
    assert [f.target for f in result.findings] == ["S"]
    assert "warmtepompen" in result.findings[0].evidence["specific_words"]


# -- forms (TP503) ---------------------------------------------------------------------------
def test_form_page_is_reported_with_its_fields():
    ads = [ad("F", "Gratis brochure warmtepompen", "Vraag hem aan.", "/brochure")]
    result = run(AdLandsOnForm, ads, {SITE + "/brochure": record("/brochure")})
    [finding] = result.findings
    assert finding.evidence["form_kind"] == "request" and finding.evidence["required_fields"] == 3


def test_sign_up_ad_may_land_on_its_sign_up_form():
    body = html("Account", '<h1>Account aanmaken</h1><form><input name="e" type="email">'
                           '<input name="p" type="password"><button>Registreren</button></form>')
    ads = [ad("R", "Registreer nu", "Maak een account aan en bestel sneller.", "/account"),
           ad("W", "Warmtepompen", "Hybride warmtepomp.", "/account")]
    result = run(AdLandsOnForm, ads, {SITE + "/account": record("/account", body=body)})
    assert [f.target for f in result.findings] == ["W"]


def test_footer_newsletter_and_search_boxes_do_not_make_a_form_page():
    body = ('<html><body><header><form role="search"><input name="q"><button>Zoek</button></form></header>'
            '<main><h1>Warmtepompen</h1><p>Uitleg.</p></main><footer><form><input name="naam">'
            '<input name="email" type="email"><button>Nieuwsbrief</button></form></footer></body></html>')
    result = run(AdLandsOnForm, [ad("N", "Warmtepompen", "x", "/x")], {SITE + "/x": record("/x", body=body)})
    assert result.findings == []


# -- relevance (TP501) -----------------------------------------------------------------------
def test_off_topic_page_lists_missing_words_and_on_topic_page_passes():
    ads = [ad("OFF", "Zonnepanelen 20% korting", "Alleen deze maand: zonnepanelen inclusief montage.", "/vacatures"),
           ad("ON", "Hybride warmtepomp", "Bespaar gas met een warmtepomp van onze eigen monteurs.", "/warmtepompen")]
    result = run(OffTopicLandingPage, ads, {a.final_url: record(a.final_url.removeprefix(SITE)) for a in ads})
    [finding] = result.findings
    assert finding.target == "OFF" and finding.evidence["score"] < 0.5
    assert finding.evidence["missing_words"][:2] == ["zonnepanelen", "montage"]
    assert "korting" not in finding.evidence["missing_words"]  # offers are TP504's


def test_language_mismatch_is_in_the_evidence():
    ads = [ad("EN", "Zonnepanelen met montage", "Tien zonnepanelen inclusief omvormer en montage.", "/en/solar")]
    [finding] = run(OffTopicLandingPage, ads, {SITE + "/en/solar": record("/en/solar")}).findings
    assert finding.evidence["language_mismatch"] is True
    assert (finding.evidence["ad_language"], finding.evidence["page_language"]) == ("nl", "en")


def test_no_ads_means_not_applicable_and_fingerprints_follow_the_ad():
    assert run(OffTopicLandingPage, [], {}).status == "not_applicable"
    one = ad("OFF", "Zonnepanelen", "Montage.", "/vacatures")
    first = run(OffTopicLandingPage, [one], {one.final_url: record("/vacatures")}).findings[0]
    again = run(OffTopicLandingPage, [one], {one.final_url: record("/vacatures")}).findings[0]
    assert first.fingerprint == again.fingerprint
