"""The report of a real site (issue 21): a news site of 40 items whose ``<title>`` is only the
site's name, with two footer defects on every page (``tests/report/news_site.py``), audited
for real (crawl, feeds, link and freshness checks) and its report read back.

Before: the summary came after 40 news rows labelled "Dorpsblad Oosterwold" (half without
a date), every page read "problems" (44 of 44) because of the footer, the missing footer
anchor (one finding per page) drove the links score to 15, and the header showed the day
the test ran instead of ``--as-of``.
"""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from tests.report.news_site import OWN_PROBLEMS, SITE, audit_news_site
from tests.report.news_site import items as news_items


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    out = tmp_path_factory.mktemp("news-report")
    assert audit_news_site(tmp_path_factory.mktemp("news-site"), out) == 0
    items = news_items(40)
    html = (out / "report.html").read_text("utf-8")
    return {"items": items, "out": out, "html": html, "doc": lxml.html.fromstring(html),
            "json": json.loads((out / "findings.json").read_text("utf-8"))}


def _text(node) -> str:
    return " ".join(node.text_content().split())


def test_the_summary_and_the_findings_that_weigh_most_come_first(news):
    doc = news["doc"]
    assert [s.get("id") for s in doc.xpath("//main/section")][:2] == ["summary", "touchpoints"]
    top = doc.xpath("//section[@id='summary']//ol[@class='top']/li")
    assert len(top) == 5
    # The footer's broken link (an error on every page) weighs most; the missing footer
    # anchor is one entry, not one per page.
    first = _text(top[0])
    assert "privacy.html" in first or "Privacy" in first, first
    assert sum("nieuwsbrief" in _text(li) for li in top) <= 1


def test_news_rows_carry_their_own_title_and_date(news):
    doc = news["doc"]
    rows = doc.xpath("//details[@id='kind-news_item']//table[@class='tp-list']/tbody/tr")
    assert len(rows) == len(news["items"]) == 40
    labels = [_text(r.xpath(".//span[@class='tp-label']")[0]) for r in rows]
    assert SITE not in labels
    assert sorted(labels) == sorted(title for _slug, title, _day in news["items"])
    details = [_text(r.xpath("./td[2]")[0]) for r in rows]
    assert all(d.startswith("gepubliceerd op ") for d in details), details
    # Newest first after the items with a problem of their own.
    assert labels[len(OWN_PROBLEMS)] == news["items"][0][1]


def test_long_touchpoint_lists_are_collapsed_to_the_top_ten(news):
    kind = news["doc"].xpath("//details[@id='kind-news_item']")[0]
    first = kind.xpath("./div[@class='table-wrap']/table/tbody/tr")
    rest = kind.xpath("./details[@class='show-all']")
    assert len(first) == 10 and len(rest) == 1
    assert "Toon alle 40" in _text(rest[0].xpath("./summary")[0])
    assert rest[0].get("open") is None
    assert len(rest[0].xpath(".//tbody/tr")) == 30


def test_a_pages_status_shows_its_own_problems_not_the_templates(news):
    doc = news["doc"]
    statuses = {li.get("data-kind"): _text(li) for li in doc.xpath("//ul[@class='tiles kinds']/li")}
    assert "problemen 3 " in statuses["news_item"] + " " and "in orde 37" in statuses["news_item"]
    assert "problemen" not in statuses["web_page"]
    problem_rows = [r for r in doc.xpath("//details[@id='kind-news_item']//tbody/tr")
                    if r.xpath(".//span[contains(@class,'st-problems')]")]
    assert sorted(news["items"][i][1] for i in OWN_PROBLEMS) == sorted(
        _text(r.xpath(".//span[@class='tp-label']")[0]) for r in problem_rows)
    # The template defects are listed apart, once each, linked to their finding.
    listed = doc.xpath("//div[@class='template-defects']//li")
    assert len(listed) == 2 and all("op 44 pagina's" in _text(li) for li in listed)
    assert all(doc.xpath(f"//*[@id='{a.get('href')[1:]}']") for li in listed for a in li.xpath(".//a"))


def test_a_template_defect_is_one_finding_counted_once_in_the_score(news):
    doc, data = news["doc"], news["json"]
    per_page = [f for f in data["findings"] if f["code"] == "TP105"]
    assert len(per_page) == 44  # findings.json keeps every finding (additive contract) ...
    keys = {f["template_defect"]["key"] for f in per_page}
    assert len(keys) == 1 and {f["template_defect"]["pages"] for f in per_page} == {44}  # ... and marks them
    own = [f for f in data["findings"] if f["target"] and "verdwenen-bericht" in f["target"]]
    assert len(own) == 3 and not any("template_defect" in f for f in own)
    group = doc.xpath("//article[@id='TP105']")[0]
    findings = group.xpath(".//details[contains(@class,'finding')]")
    assert len(findings) == 1
    assert "Sjabloonprobleem: op 44 pagina's" in _text(findings[0].xpath("./summary")[0])
    pages = findings[0].xpath(".//details[@class='pages-list']")
    assert len(pages) == 1 and len(pages[0].xpath(".//tbody/tr")) == 44
    tile = doc.xpath("//li[@data-family='links']")[0]
    assert "5 bevindingen" in _text(tile)  # as many as the report lists (44 anchors are one)
    score = int(tile.xpath("string(.//span[@data-score]/@data-score)"))
    # 44 one-page warnings cost 3 × 44 = 132 (score 15 with the rest); as one site-wide
    # warning 7.5, with the footer error (25) and the three own broken links (30): 54.
    assert score >= 50, score
    assert doc.xpath("string(//dd[@data-count='findings'])") == "5"  # privacy link, anchor, 3 own links


def test_the_header_shows_the_as_of_date(news):
    assert news["doc"].xpath("string(//dl[@class='facts']/div[1]/dd)") == "20 november 2026"
    assert re.search(r"Rapport van 20 november 2026", news["html"])


def test_a_template_defects_sentence_is_about_the_group_not_one_page(news):
    """Before, the entry read its first page's finding ("De link naar http://…/nieuws/…#nieuwsbrief
    …") under a badge saying 44 pages: the client read one page's problem."""
    doc = news["doc"]
    anchor = doc.xpath("//article[@id='TP105']//details[contains(@class,'finding')]/summary/span[@class='msg']")
    assert [_text(s) for s in anchor] == [
        "Het anker #nieuwsbrief ontbreekt op 44 pagina's: de link verwijst naar een plek die niet bestaat."]
    concerns = doc.xpath("//article[@id='TP105']//div[@class='finding-body']/p[strong]")
    assert [_text(p) for p in concerns] == ["Betreft: #nieuwsbrief"]  # the shared target, not a page's address
    privacy = doc.xpath("//article[@id='TP101']//details[contains(@class,'finding')]/summary/span[@class='msg']")
    sentences = [_text(s) for s in privacy]
    link = [s for s in sentences if "privacy.html" in s]
    assert len(link) == 1 and re.fullmatch(r"De link naar http://127\.0\.0\.1:\d+/privacy\.html is kapot op 44 "
                                           r"pagina's: HTTP 404 \(.+\)\.", link[0]), sentences
    # The summary's list names the group too, never one of its pages.
    top = [_text(li) for li in doc.xpath("//section[@id='summary']//ol[@class='top']/li")]
    assert any("Het anker #nieuwsbrief ontbreekt op 44 pagina's" in item for item in top), top
