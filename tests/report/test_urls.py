"""``--format urls``: urls.csv lists every URL the crawl fetched, with the facts the crawl
measured (status, size, time to first byte) and stored (title, description, canonical)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.devserver import serve
from auditor.report.urls import COLUMNS, word_count
from tests.conftest import SITES


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    out = tmp_path_factory.mktemp("urls")
    with serve(SITES / "impression") as site:
        assert main(["audit", site.base_url, "--out", str(out), "--checks", "impression,TP101",
                     "--format", "urls,json", "--quiet"]) == 0
    with (out / "urls.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f, delimiter=";"))
    base = site.base_url.rstrip("/")
    return table[0], {row[0].removeprefix(base): dict(zip(table[0], row, strict=True)) for row in table[1:]}


def test_every_fetched_url_has_a_row(inventory):
    header, rows = inventory
    assert tuple(header) == COLUMNS
    pages = {"/", "/actie.html", "/actie-kopie.html", "/archief/", "/archief/2019.html", "/archief/winkel.html",
             "/archief/openingstijden.html", "/bedankt.html", "/contact.html", "/diensten.html", "/en/over-us.html",
             "/lang.html", "/nieuws.html", "/over-ons.html", "/prijzen.html", "/vergeten-actie.html",
             "/zonder-titel.html"}
    assert pages <= set(rows)
    assert {"/img/share.png", "/img/klein.png", "/img/weg.png", "/oude-diensten.html"} <= set(rows)


def test_a_page_row(inventory):
    _, rows = inventory
    home = rows["/"]
    assert home["Status Code"] == "200" and home["Status"] == "OK" and home["Indexability"] == "Indexable"
    assert home["Title 1"] == "Groenhuis | Warmtepompen in Utrecht" and home["Title 1 Length"] == "35"
    assert home["Meta Description 1"].startswith("Warmtepomp laten plaatsen") and home["Crawl Depth"] == "0"
    assert home["Language"] == "nl" and int(home["Outlinks"]) >= 10
    assert int(home["Size (bytes)"]) == (SITES / "impression" / "index.html").stat().st_size
    assert 0 <= float(home["Response Time"]) < 10
    assert int(home["Word Count"]) > 5
    assert "TP814" in home["Findings"].split()


def test_indexability_and_the_other_urls(inventory):
    _, rows = inventory
    assert rows["/contact.html"]["Indexability Status"] == "noindex"
    assert rows["/prijzen.html"]["X-Robots-Tag 1"] == "noindex"
    assert rows["/diensten.html"]["Indexability Status"] == "Canonicalised"
    assert rows["/zonder-titel.html"]["Findings"].split() == sorted({"TP801", "TP805", "TP811", "TP814"})
    gone = rows["/oude-diensten.html"]
    assert gone["Status Code"] == "404" and gone["Indexability"] == "Non-Indexable" and gone["Inlinks"] == "1"
    image = rows["/img/share.png"]
    assert image["Content Type"] == "image/png"
    assert int(image["Size (bytes)"]) == (SITES / "impression" / "img" / "share.png").stat().st_size
    assert rows["/contact.html"]["Inlinks"] != "0" and rows["/vergeten-actie.html"]["Inlinks"] == "0"


def test_word_count_leaves_scripts_and_tags_out():
    body = b"<html><head><title>x y</title></head><body><p>Een <b>twee</b> drie</p><script>var a = 1;</script></body>"
    assert word_count(body) == 3


def test_no_store_gives_the_header_only(tmp_path):
    from auditor.model import AuditRun
    from auditor.report.urls import UrlsReporter

    run = AuditRun(target="https://ex.nl/", started_at="", finished_at="", pages_crawled=0, touchpoints=(),
                   checks=(), findings=())
    path = UrlsReporter().write(run, tmp_path)
    assert Path(path).read_text("utf-8-sig").splitlines() == [";".join(COLUMNS)]
