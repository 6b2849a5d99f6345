"""The touchpoint inventory from stored pages: pages by section, news, forms, contact
channels, chat and review widgets (hand-built pages, no network)."""

from __future__ import annotations

from auditor.testing import MemorySite, make_page
from auditor.touchpoint_pages import page_section, phone_key
from auditor.touchpoints import enrich

FOOTER = """<footer><a href="tel:030-123 45 67">030-123 45 67</a>
<a href="mailto:Info@Ex.nl?subject=Hoi">mail ons</a></footer>"""


def _site():
    pages = [
        make_page("https://www.ex.nl/", f"<html lang='nl'><title>Ex | Home</title>{FOOTER}"
                  "<script src='https://code.tidio.co/abc.js'></script></html>"),
        make_page("https://www.ex.nl/diensten/a.html", f"<html lang='nl'><title>A</title>{FOOTER}"
                  "<a href='tel:+31301234567'>bel</a></html>"),
        make_page("https://www.ex.nl/nieuws/", "<html lang='nl'><title>Nieuws</title></html>"),
        make_page("https://www.ex.nl/nieuws/item-1.html", "<html lang='nl'><title>Item</title>"
                  "<time datetime='2024-03-12'>12 maart</time></html>"),
        make_page("https://www.ex.nl/contact.html", """<html lang='nl'><title>Contact</title><main><h1>Contact</h1>
                  <form id="c"><input name="naam" required><input name="email" type="email" required>
                  <textarea name="bericht" required></textarea><button>Verstuur</button></form>
                  <form role="search"><input name="q"></form>
                  <div class="trustpilot-widget"></div><script src="https://widget.trustpilot.com/b.js"></script>
                  </main></html>"""),
        make_page("https://www.ex.nl/kapot.html", "<title>Weg</title>", status=404),
    ]
    return MemorySite(pages, start_url="https://www.ex.nl/")


def test_inventory_of_the_pages():
    found = enrich(_site(), [])
    by_kind: dict[str, list] = {}
    for tp in found:
        by_kind.setdefault(tp.kind, []).append(tp)
    assert sorted(tp.url for tp in by_kind["web_page"]) == [
        "https://www.ex.nl/", "https://www.ex.nl/contact.html", "https://www.ex.nl/diensten/a.html",
        "https://www.ex.nl/nieuws/"]  # the 404 is no touchpoint
    [news] = by_kind["news_item"]
    assert news.details == {"section": "nieuws", "language": "nl", "published": "2024-03-12"}
    [form] = by_kind["form"]  # the search form is not a touchpoint
    assert form.url == "https://www.ex.nl/contact.html#c"
    assert form.details["purpose"] == "contact" and form.details["required"] == 3
    channels = {(tp.details["channel"], tp.details.get("value") or tp.details.get("provider")): tp.details
                for tp in by_kind["contact_channel"]}
    assert channels[("phone", "+31301234567")]["pages"] == 2  # two spellings, one number, two pages
    assert channels[("email", "info@ex.nl")]["pages"] == 2
    assert channels[("chat", "Tidio")]["pages"] == 1
    [review] = by_kind["review_widget"]
    assert review.details["provider"] == "Trustpilot" and review.details["embedded"]


def test_sections_and_phone_keys():
    assert page_section("https://ex.nl/") == "/"
    assert page_section("https://ex.nl/contact.html") == "/"
    assert page_section("https://ex.nl/diensten/") == "diensten"
    assert page_section("https://ex.nl/diensten/a/b.html") == "diensten"
    assert phone_key("030-123 45 67", "+31") == phone_key("+31 30 123 4567", "+31") == "+31301234567"
    assert phone_key("0031301234567", None) == "+31301234567"


def test_to_dict_gives_a_copy_the_caller_may_change():
    from auditor.touchpoint_pages import DetailedTouchpoint

    details = {"forms": [{"fields": ["naam", "email"], "required": 2}], "pair": ("a", ["b"]), "pages": 3}
    tp = DetailedTouchpoint("form", "https://www.ex.nl/contact.html", "Contact", "https://www.ex.nl/", details)
    out = tp.to_dict()
    assert out["details"] == details
    out["details"]["forms"][0]["fields"].append("telefoon")
    out["details"]["pair"][1].append("c")
    assert details == {"forms": [{"fields": ["naam", "email"], "required": 2}], "pair": ("a", ["b"]), "pages": 3}


def test_news_item_dates_come_from_the_one_date_reader():
    """The inventory read only article:published_time and <time datetime>: 103 of 108 news items
    of a real site had no date although TP201 read each one. Now both use the same reader."""
    pages = [make_page("https://www.ex.nl/", "<main><h1>Home</h1><a href='/nieuws/a'>a</a></main>"),
             make_page("https://www.ex.nl/nieuws/a", '<html lang="nl"><main><h1>Nieuw pand</h1><p class="datum">'
                       "12 maart 2024</p><p>We zijn verhuisd.</p></main></html>"),
             make_page("https://www.ex.nl/nieuws/b", '<html lang="de"><main><h1>Neu</h1><p>Veröffentlicht am 8. Mai '
                       "2024</p></main></html>"),
             make_page("https://www.ex.nl/nieuws/c", '<html lang="nl"><main><h1>Open dag</h1><div class="datum">'
                       "Wanneer: zaterdag 6 juni 2026</div><div>Waar: het clubhuis</div></main></html>")]
    found = {tp.url: tp.details.get("published") for tp in enrich(MemorySite(pages, start_url="https://www.ex.nl/"), [])
             if tp.kind == "news_item"}
    assert found == {"https://www.ex.nl/nieuws/a": "2024-03-12", "https://www.ex.nl/nieuws/b": "2024-05-08",
                     "https://www.ex.nl/nieuws/c": None}  # an event's date is no publication date
