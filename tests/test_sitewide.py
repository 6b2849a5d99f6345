"""Template defects (``auditor.sitewide``): the same problem on many pages is one defect, apart
from the pages' own problems, and costs once in the family score."""

from __future__ import annotations

from dataclasses import replace

from auditor.model import CheckResult, Finding, Location
from auditor.scoring import family_scores
from auditor.sitewide import MIN_PAGES, defect_key, template_defects
from tests.report.fixtures import finding, make_run

CHECKS = (CheckResult("TP105", "broken-anchor", "failed", None, "links"),
          CheckResult("TP101", "broken-internal-link", "failed", None, "links"))


def _anchor(page: str) -> Finding:
    """TP105 as the check words it: one finding per page for a footer link to its own #fragment."""
    return Finding("TP105", "broken-anchor", "warning", page, f"{page} has no element with id or name 'nieuwsbrief'.",
                   target=f"{page}#nieuwsbrief", locations=(Location(page, "Nieuwsbrief", "a"),),
                   fingerprint=f"TP105-{page}")


def test_one_finding_per_page_shares_a_defect_key_and_groups_when_on_enough_pages():
    pages = [f"https://ex.nl/nieuws/{i}.html" for i in range(40)]
    keys = {defect_key(_anchor(p)) for p in pages}
    assert len(keys) == 1
    assert defect_key(_anchor(pages[0])) != defect_key(replace_word(_anchor(pages[0])))
    defects = template_defects([_anchor(p) for p in pages], 40)
    assert len(defects) == 1 and defects[0].page_count == 40 and len(defects[0].findings) == 40
    # On a few pages of a big site it is no template defect.
    assert template_defects([_anchor(p) for p in pages[:MIN_PAGES - 1]], 40) == []
    assert template_defects([_anchor(p) for p in pages[:10]], 100) == []


def replace_word(f: Finding) -> Finding:
    return replace(f, target=f.url + "#contact", message=f.message.replace("nieuwsbrief", "contact"))


def test_a_broken_footer_link_is_one_finding_and_a_template_defect():
    footer = finding(pages=tuple(f"https://ex.nl/{i}" for i in range(20)), target="https://ex.nl/privacy")
    own = finding(pages=("https://ex.nl/3",), target="https://ex.nl/oud")
    defects = template_defects([footer, own], 20)
    assert [d.findings for d in defects] == [(footer,)]


def test_a_template_defect_costs_once_in_the_family_score():
    pages = [f"https://ex.nl/p{i}" for i in range(40)]
    grouped = family_scores(make_run(tuple(_anchor(p) for p in pages), checks=CHECKS, pages=40))
    one_sitewide = family_scores(make_run((finding("TP105", severity="warning", pages=tuple(pages)),),
                                          checks=CHECKS, pages=40))
    assert grouped[0].score == one_sitewide[0].score == 94  # 3 × 2 = 6 points: not 40 × 3 = 120 (score 30)
    assert grouped[0].findings == 1  # one defect, as the report shows it
