"""Duplicate addresses over a crawled fixture site: /x/ and /x/index.html, a query variant,
a page declaring its canonical; each set reported once (TP109, information)."""

from __future__ import annotations

from auditor.devserver import serve
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
