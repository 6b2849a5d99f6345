"""The ad landing visitor end to end: the CLI audits a fixture shop on 127.0.0.1 that stands in for
``shop.example.test`` (and ``www.elders.test``) through ``--resolve``, with ads CSVs in our own
and the Google Ads format. Every ads rule fires on the ad planted for it, and only there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.devserver import FixtureSite, serve
from tests.conftest import SITES, port_of

DATA = Path(__file__).resolve().parents[2] / "data" / "ads"
SHOP = "http://shop.example.test/"


@pytest.fixture(scope="module")
def shop() -> Iterator[FixtureSite]:
    with serve(SITES / "ads") as site:
        yield site


def _audit(run_audit, shop: FixtureSite, *extra: str):
    port = port_of(shop)
    return run_audit("audit", SHOP, "--checks", "ads", "--quiet", "--format", "json",
                     "--resolve", f"shop.example.test:80:127.0.0.1:{port}",
                     "--resolve", f"www.elders.test:80:127.0.0.1:{port}", *extra)


def _codes_by_ad(doc: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in doc["findings"]:
        found.setdefault(f["target"], set()).add(f["code"])
    return found


def test_each_planted_ad_gets_its_finding(run_audit, shop):
    result = _audit(run_audit, shop, "--ads", str(DATA / "native.csv"))
    assert result.exit_code == 0, result.stderr
    assert {c["code"]: c["status"] for c in result.doc["checks"]} == {
        "TP501": "failed", "TP502": "failed", "TP503": "failed", "TP504": "failed", "TP505": "failed"}
    assert _codes_by_ad(result.doc) == {
        "B-04": {"TP505"},            # redirected to the homepage
        "B-05": {"TP505"},            # 410 Gone
        "B-06": {"TP501"},            # barista course ad on the vacancies page
        "B-07": {"TP502"},            # coffee beans ad on the homepage
        "B-08": {"TP501", "TP503"},   # espresso beans ad on the sign-up form
        "B-09": {"TP504"},            # € 19,95 is not on the page (€ 24,95 is)
        "B-10": {"TP505"},            # the redirect drops the UTM parameters
        "B-11": {"TP505"},            # redirected to another domain
    }
    by = {(f["code"], f["target"]): f for f in result.doc["findings"]}
    lost = by[("TP505", "B-10")]
    assert lost["severity"] == "warning"
    assert "utm_source=google" in lost["message"] and lost["evidence"]["problems"] == ["utm-lost"]
    assert lost["evidence"]["redirects"] == [
        "http://shop.example.test/bonen?utm_source=google&utm_campaign=bonen → 301"]
    assert by[("TP505", "B-11")]["evidence"]["problems"] == ["other-domain"]
    # The finding shows the ad beside what the page shows.
    offer = by[("TP504", "B-09")]["evidence"]
    assert offer["ad"].startswith("Koffiebonen € 19 — Huismelange voor € 19,95")
    assert "title: Koffiebonen | Koffiebranderij De Boon" in offer["landing_page"]
    assert offer["missing_offers"] == ["€ 19", "€ 19,95"] and "€ 24,95" in offer["prices_on_page"]
    assert offer["ad_columns"] == {"campaign": "bonen"}
    off_topic = by[("TP501", "B-06")]["evidence"]
    assert off_topic["score"] < 0.5 and "latte" in off_topic["missing_words"]


def test_google_ads_export_with_final_url_suffix(run_audit, shop):
    result = _audit(run_audit, shop, "--ads", str(DATA / "google.csv"))
    found = _codes_by_ad(result.doc)
    assert found == {"Machines / Lelit": {"TP501", "TP504", "TP505"}}
    [lost] = [f for f in result.doc["findings"] if f["code"] == "TP505"]
    assert "utm_campaign=lelit" in lost["message"]


def test_bad_csv_stops_the_audit_before_the_crawl_naming_row_and_column(run_audit, shop, tmp_path):
    bad = tmp_path / "ads.csv"
    bad.write_text("ad_id,headline,description,final_url\nA1,Koffie,Vers,www.example.test/koffie\n", "utf-8")
    result = _audit(run_audit, shop, "--ads", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "row 2, column 'final_url'" in lines[0]
    assert not (result.out / "run.sqlite").exists()  # nothing was crawled


def test_without_ads_the_checks_do_not_apply(run_audit, shop):
    result = _audit(run_audit, shop)
    assert {c["status"] for c in result.doc["checks"]} == {"not_applicable"}
    assert result.doc["checks"][0]["reason"] == "no ads given (--ads FILE)"


def test_site_banner_is_checked_as_an_internal_ad(run_audit, shop, tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text("[collectors.ads]\ninternal_ads = true\n", "utf-8")
    result = _audit(run_audit, shop, "--config", str(config))
    [finding] = result.doc["findings"]
    assert (finding["code"], finding["target"]) == ("TP504", "banner: Espresso-actie")
    assert finding["evidence"]["missing_offers"] == ["€ 1.199"]
    assert finding["evidence"]["ad_columns"] == {"found_on": SHOP}
