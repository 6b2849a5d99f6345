"""The impression family end to end: the fixture site tests/sites/impression crawled on
127.0.0.1 through the command line; each planted defect found, and nothing else. The
search and share facts come from what the crawl's parse stored (no second parse)."""

from __future__ import annotations

import json

import pytest

from auditor.devserver import serve
from auditor.store import RunStore
from tests.conftest import SITES

# code -> the paths of the findings (url, or target where the finding names one)
EXPECTED = {
    "TP801": {"/zonder-titel.html"},
    "TP803": {"/lang.html"},
    "TP804": {"/over-ons.html"},
    "TP805": {"/zonder-titel.html"},
    "TP806": {"/nieuws.html"},  # with /over-ons.html
    "TP807": {"/actie.html", "/lang.html"},
    "TP808": {"/contact.html", "/prijzen.html"},
    "TP809": {"/oude-diensten.html"},
    "TP810": {"/en/over-us.html"},
    "TP811": {"/zonder-titel.html"},
    "TP812": {"/img/weg.png"},
    "TP813": {"/img/klein.png"},
    "TP802": {"/actie-kopie.html"},  # with /actie.html
    "TP814": {"/"},  # the fixture server speaks plain http: every page, in one finding
    "TP820": {"/archief/openingstijden.html"},  # home > archief > 2019 > winkel > openingstijden: 4 clicks
    "TP821": {"/vergeten-actie.html"},  # only in the sitemap
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    from auditor.cli import main

    out = tmp_path_factory.mktemp("impression")
    with serve(SITES / "impression") as site:
        code = main(["audit", site.base_url, "--out", str(out), "--checks", "impression", "--format", "json,html",
                     "--quiet"])
    assert code == 0
    return out, site.base_url.rstrip("/")


def test_every_planted_defect_and_nothing_else(audited):
    out, base = audited
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    found: dict[str, set[str]] = {}
    for f in doc["findings"]:
        found.setdefault(f["code"], set()).add((f["target"] or f["url"]).removeprefix(base))
    assert found == EXPECTED
    by_code = {f["code"]: f for f in doc["findings"]}
    assert by_code["TP814"]["occurrences"] == doc["pages_crawled"] == 17
    assert by_code["TP806"]["occurrences"] == 2 and by_code["TP802"]["occurrences"] == 2
    assert by_code["TP820"]["evidence"]["clicks"] == 4 and by_code["TP820"]["evidence"]["kind"] == "opening_hours"
    assert by_code["TP809"]["severity"] == "error" and by_code["TP809"]["evidence"]["status"] == 404
    assert {f["evidence"]["source"] for f in doc["findings"] if f["code"] == "TP808"} == {
        "robots meta tag", "X-Robots-Tag header"}


def test_the_facts_were_stored_by_the_crawl(audited):
    out, base = audited
    store = RunStore(out)
    try:
        heads = {url.removeprefix(base): facts.get("head") for url, facts in store.touchpoint_facts() if facts}
    finally:
        store.close()
    assert heads["/"]["nav"] == [f"{base}/", f"{base}/diensten.html", f"{base}/prijzen.html", f"{base}/contact.html"]
    assert "nav" not in heads["/lang.html"]  # the navigation is recorded for the first page only
    assert heads["/prijzen.html"]["x_robots"] == "noindex"
    assert heads["/actie.html"]["meta"]["og:image:width"] == "400"


def test_the_report_draws_the_home_pages_search_result_and_share_card(audited):
    from lxml import html as lxml_html

    out, _ = audited
    doc = lxml_html.fromstring((out / "report.html").read_text("utf-8"))
    assert doc.xpath("//div[@class='serp-title']")[0].text_content() == "Groenhuis | Warmtepompen in Utrecht"
    assert doc.xpath("//div[@class='serp-desc']")[0].text_content().startswith("Warmtepomp laten plaatsen")
    card = doc.xpath("//figure[contains(@class,'share-card')]")[0].text_content()
    assert "/img/share.png" in card and "1200 × 630" in card and "Groenhuis Installatie" in card
