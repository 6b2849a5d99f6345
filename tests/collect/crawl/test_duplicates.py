"""Duplicate addresses over a crawled fixture site: /x/ and /x/index.html, a query variant,
a page declaring its canonical; each set reported once (TP109, information)."""

from __future__ import annotations

from auditor.devserver import serve
from auditor.model import fingerprint
from tests.conftest import SITES


def test_duplicate_addresses_reported_once_each(run_audit):
    with serve(SITES / "links-dupes") as site:
        result = run_audit("audit", site.base_url, "--checks", "links", "--quiet")
    base = site.base_url.rstrip("/")
    dupes = result.by_code("TP109")
    assert set(dupes) == {base + "/diensten/", base + "/over.html", base + "/team/"}
    assert dupes[base + "/diensten/"]["evidence"]["addresses"] == [base + "/diensten/", base + "/diensten/index.html"]
    assert dupes[base + "/over.html"]["evidence"]["others"] == [base + "/over.html?ref=menu"]
    assert dupes[base + "/team/"]["evidence"]["canonical_declared"] == base + "/team/"
    assert all(f["severity"] == "info" for f in dupes.values())


def test_a_defect_of_a_page_at_two_addresses_is_one_finding_naming_both(run_audit):
    """/prijzen/ and /prijzen/index.html serve one page with a missing anchor (TP105, whose
    target differs per address) and a broken image (TP106); /oud/ and /oud/index.html serve
    one soft 404 (TP104, one finding per address before). Each defect is one finding naming
    both addresses (``same_page``, the address to keep first), keeping the fingerprint of the
    finding at that address. The same missing anchor on another page stays its own finding."""
    with serve(SITES / "links-dupes-findings") as site:
        result = run_audit("audit", site.base_url, "--checks", "links", "--quiet")
    base = site.base_url.rstrip("/")
    prijzen, oud = [base + "/prijzen/", base + "/prijzen/index.html"], [base + "/oud/", base + "/oud/index.html"]
    assert {f["url"] for f in result.doc["findings"] if f["code"] == "TP109"} == {prijzen[0], oud[0]}

    anchors = [f for f in result.doc["findings"] if f["code"] == "TP105"]
    assert sorted(f["target"] for f in anchors) == [prijzen[0] + "#tarieven", base + "/uniek.html#tarieven"]
    [anchor] = [f for f in anchors if f["target"] == prijzen[0] + "#tarieven"]
    assert anchor["same_page"] == prijzen
    assert {loc["url"] for loc in anchor["locations"]} == set(prijzen)
    [other] = [f for f in anchors if f is not anchor]
    assert "same_page" not in other and {loc["url"] for loc in other["locations"]} == {base + "/uniek.html"}

    [soft] = [f for f in result.doc["findings"] if f["code"] == "TP104"]
    assert soft["same_page"] == oud and soft["url"] == oud[0]
    assert {loc["url"] for loc in soft["locations"]} == set(oud)
    assert soft["fingerprint"] == fingerprint("TP104", oud[0])  # the history of the address to keep

    [image] = [f for f in result.doc["findings"] if f["code"] == "TP106"]
    assert image["target"] == base + "/img/weg.png" and image["same_page"] == prijzen
