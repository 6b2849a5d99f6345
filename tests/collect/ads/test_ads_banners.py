"""Site banners as internal ads: a promotional element with one link to another page of the site."""

from __future__ import annotations

from auditor.collect.ads.banners import find_banners
from auditor.testing import make_page
from auditor.urls import Scope

SITE = "https://www.ex.nl/"


def _banners(body: str):
    page = make_page(SITE, f"<html><body><header><a class='nav-cta' href='/brochure'>Brochure aanvragen nu gratis"
                           f"</a></header><main>{body}</main></body></html>")
    return find_banners([page, page], Scope(SITE).is_internal)


def test_a_promo_banner_becomes_one_ad_even_when_seen_twice():
    [ad] = _banners('<p class="banner"><strong>Voorjaarsactie:</strong> tot € 500 korting op een warmtepomp. '
                    '<a href="/actie">Bekijk de voorwaarden</a></p>')
    assert ad.headlines == ("Voorjaarsactie:",) and ad.final_url == SITE + "actie"
    assert "€ 500 korting" in ad.descriptions[0] and ad.extra == {"found_on": SITE}


def test_heroes_with_several_links_menus_buttons_and_external_links_are_no_banners():
    assert _banners('<section class="cta"><p>Kies uw route naar een duurzaam huis vandaag.</p>'
                    '<a href="/a">A</a><a href="/b">B</a></section>'
                    '<div class="promo"><p>Bekijk onze partner voor meer informatie.</p>'
                    '<a href="https://partner.example/">Partner</a></div>'
                    '<div class="teaser"><a href="/c">Lees meer</a></div>') == []
