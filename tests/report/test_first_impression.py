"""The touchpoint map draws the home page's search result and share card from the stored
preview: page text escaped, the title cut where a result cuts it, the image named, never
loaded (the report makes no request)."""

from __future__ import annotations

from lxml import html as lxml_html

from auditor.report.html import HtmlReporter
from auditor.touchpoint_pages import DetailedTouchpoint, preview
from tests.report.fixtures import make_run

HOSTILE = "<script>alert(1)</script>"


def _run(head):
    tp = DetailedTouchpoint("web_page", "https://www.ex.nl/", "Home", "",
                            {"section": "/", "language": "nl", "preview": preview("https://www.ex.nl/", head)})
    return make_run((), touchpoints=(tp,))


def test_the_search_result_and_share_card_are_drawn_escaped(tmp_path):
    head = {"title": f"Groenhuis {HOSTILE} | Warmtepompen, cv-ketels, airco en zonnepanelen in Utrecht en omgeving",
            "meta": {"description": f"Vaste prijs {HOSTILE}.", "og:title": "Groenhuis Installatie",
                     "og:image": "https://www.ex.nl/img/share.jpg\" onerror=\"alert(2)", "og:image:width": "1200",
                     "og:image:height": "630", "twitter:card": "summary_large_image"}}
    html = HtmlReporter().write(_run(head), tmp_path).read_text("utf-8")
    doc = lxml_html.fromstring(html)
    [serp] = doc.xpath("//figure[contains(@class,'serp')]")
    title = serp.xpath(".//div[@class='serp-title']")[0].text_content()
    assert title.startswith("Groenhuis <script>") and title.endswith(" …")  # shown as text, cut at 600 px
    assert "www.ex.nl" in serp.text_content()
    [card] = doc.xpath("//figure[contains(@class,'share-card')]")
    assert "large" in card.get("class") and "1200 × 630" in card.text_content()
    assert card.xpath(".//div[@class='share-title']")[0].text_content() == "Groenhuis Installatie"
    assert html.lower().count("<script") == 1 and 'onerror="alert' not in html
    assert not doc.xpath("//figure//img")  # the share image is named, not loaded


def test_what_is_missing_is_said(tmp_path):
    html = HtmlReporter().write(_run({"title": None}), tmp_path).read_text("utf-8")
    doc = lxml_html.fromstring(html)
    assert doc.xpath("//figure[contains(@class,'serp')]//span[@class='missing']")
    assert doc.xpath("//figure[contains(@class,'share-card')]//span[@class='missing']")


def test_no_preview_no_block(tmp_path):
    tp = DetailedTouchpoint("web_page", "https://www.ex.nl/", "Home", "", {"section": "/"})
    html = HtmlReporter().write(make_run((), touchpoints=(tp,)), tmp_path).read_text("utf-8")
    assert not lxml_html.fromstring(html).xpath("//div[@class='first-impression']")
