"""Extra start URLs (``--seed``, repeatable) and list mode (``--urls FILE``)."""

from __future__ import annotations

import sqlite3

import pytest

from auditor.devserver import serve
from tests.conftest import SITES


@pytest.fixture(scope="module")
def site():
    with serve(SITES / "links-seeds") as served:
        yield served


def _pages(result, base: str) -> set[str]:
    db = sqlite3.connect(result.out / "run.sqlite")
    return {row[0].removeprefix(base.rstrip("/")) for row in db.execute("select url from pages")}


def test_seed_crawls_a_page_no_link_reaches(run_audit, site):
    result = run_audit("audit", site.base_url, "--seed", site.base_url + "campagne.html", "--checks", "links",
                       "--quiet")
    assert result.exit_code == 0, result.stderr
    assert {"/", "/a.html", "/b.html", "/c.html", "/campagne.html"} <= _pages(result, site.base_url)
    assert site.base_url + "campagne-kapot.html" in result.by_code("TP101")


def test_list_mode_audits_exactly_the_listed_urls(run_audit, site, tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text(f"# campagnepagina's\n{site.base_url}a.html\n\n{site.base_url}campagne.html\n", "utf-8")
    result = run_audit("audit", "--urls", str(listed), "--checks", "links", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert _pages(result, site.base_url) == {"/a.html", "/campagne.html"}
    broken = result.by_code("TP101")
    assert {site.base_url + "ontbreekt.html", site.base_url + "campagne-kapot.html"} <= set(broken)  # checked
    assert [n for n in result.doc["notes"] if n.startswith("list mode: only the 2 listed URLs")]


def test_a_seed_on_another_site_is_one_clear_line(run_audit, site):
    result = run_audit("audit", site.base_url, "--seed", "https://elders.example/x", "--quiet")
    assert result.exit_code == 2
    assert "is not on the audited site" in result.stderr and "Traceback" not in result.stderr
