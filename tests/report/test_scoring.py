"""Family scores and finding impact: the documented method, deterministic, monotone."""

from __future__ import annotations

import re
from dataclasses import replace

from auditor.model import CheckResult
from auditor.scoring import family_scores, impact, ranked, reach, score_from_cost
from tests.report.fixtures import finding, make_run


def test_documented_examples():
    one = finding(pages=("https://ex.nl/a",))
    assert reach(one, 25, "https://ex.nl/") == 1.0
    assert score_from_cost(impact(one, 25, "https://ex.nl/")) == 90
    everywhere = finding(pages=tuple(f"https://ex.nl/{i}" for i in range(25)))
    assert reach(everywhere, 25, "https://ex.nl/") == 2.0
    assert score_from_cost(20) == 82 and score_from_cost(100) == 37
    home = finding(pages=("https://ex.nl/",))
    assert reach(home, 25, "https://ex.nl/") == 1.5


def test_info_never_lowers_a_score_and_more_problems_never_raise_it():
    checks = (CheckResult("TP101", "broken-internal-link", "failed", None, "links"),)
    info = make_run((finding(severity="info"),), checks=checks)
    assert family_scores(info)[0].score == 100
    scores = []
    for n in range(0, 6):
        run = make_run(tuple(finding(target=f"https://ex.nl/{i}", pages=("https://ex.nl/p",)) for i in range(n)),
                       checks=checks)
        scores.append(family_scores(run)[0].score)
    assert scores == sorted(scores, reverse=True) and scores[0] == 100 and scores[-1] > 0


def test_a_family_that_could_not_judge_has_no_score():
    checks = (CheckResult("TP401", "missing-viewport", "unverifiable", "no browser", "mobile"),
              CheckResult("TP101", "broken-internal-link", "passed", None, "links"))
    scores = {s.family: s for s in family_scores(make_run(checks=checks))}
    assert scores["mobile"].score is None and scores["links"].score == 100


def test_ranking_is_stable_and_by_impact():
    a = finding(target="https://ex.nl/a", severity="warning", pages=("https://ex.nl/x",))
    b = finding(target="https://ex.nl/b", severity="error", pages=("https://ex.nl/x",))
    c = finding(target="https://ex.nl/c", severity="error", pages=("https://ex.nl/", "https://ex.nl/y"))
    order = [f.target for _, f in ranked([a, b, c], 10, "https://ex.nl/")]
    assert order == ["https://ex.nl/c", "https://ex.nl/b", "https://ex.nl/a"]
    assert order == [f.target for _, f in ranked([c, a, b], 10, "https://ex.nl/")]


def test_pages_count_distinct_pages_never_occurrences():
    """"T-shirt" five times on one page is seen on one page; locations cut short are scaled."""
    from dataclasses import replace

    from auditor.model import Location
    from auditor.scoring import pages_of

    five = replace(finding("TP301", evidence={"word": "T-shirt"}), occurrences=5,
                   locations=tuple(Location("https://ex.nl/a", f"context {i}", "p") for i in range(5)))
    assert pages_of(five) == 1
    cut = replace(finding("TP301", evidence={"word": "T-shirt"}), occurrences=300,
                  locations=tuple(Location(f"https://ex.nl/{i // 2}", f"c{i}", "p") for i in range(50)))
    assert pages_of(cut) == 150
    assert pages_of(replace(five, evidence={"pages": 3})) == 3


def test_a_family_with_no_touchpoint_of_its_kind_is_not_applicable_not_100():
    """No form on the site: the forms family has nothing to judge; its checks passed
    vacuously, so it shows "not applicable" rather than 100/100. With a form it is scored."""
    from auditor.model import Touchpoint
    from auditor.report.html import render_html
    from auditor.report.i18n import load_catalogue

    checks = (CheckResult("TP101", "broken-internal-link", "passed", None, "links"),
              CheckResult("TP701", "form-asks-too-much", "passed", None, "forms"))
    pages = (Touchpoint("web_page", "https://ex.nl/"),)
    run = make_run(touchpoints=pages, checks=checks)
    scores = {s.family: s for s in family_scores(run)}
    assert scores["links"].score == 100 and not scores["links"].not_applicable
    assert scores["forms"].score is None and scores["forms"].not_applicable
    with_form = make_run(touchpoints=(*pages, Touchpoint("form", "https://ex.nl/#contact")), checks=checks)
    assert {s.family: s.score for s in family_scores(with_form)}["forms"] == 100
    for lang, words in (("nl", "niet van toepassing"), ("en", "not applicable")):
        html = render_html(replace(run, config={"report": {"language": lang}}), checks={})
        tile = re.search(r'<li class="tile score band-not_applicable" data-family="forms">(.*?)</li>', html, re.S)
        assert tile is not None and words in tile.group(1) and "/100" not in tile.group(1)
        assert load_catalogue(lang).t("bands.not_applicable") == words


def test_a_plugin_family_is_titled_by_the_plugin_in_the_reports_language():
    from auditor.check import SiteCheck
    from auditor.report.html import render_html
    from auditor.report.view import CheckInfo

    class Heading(SiteCheck):
        """Every page has a heading."""

        code, name, family, requires = "BZ101", "heading-missing", "bz", ()
        family_names = {"nl": {"title": "Koppen", "intro": "Heeft elke pagina een kop?"},
                        "en": {"title": "Headings", "intro": "Does every page have a heading?"}}

    checks = (CheckResult("BZ101", "heading-missing", "failed", None, "bz"),)
    run = make_run((finding(code="BZ101"),), checks=checks)
    info = {"BZ101": CheckInfo(Heading, "bz", Heading.doc_sections())}
    for lang, title, intro in (("nl", "Koppen", "Heeft elke pagina een kop?"),
                               ("en", "Headings", "Does every page have a heading?")):
        html = render_html(replace(run, config={"report": {"language": lang}}), checks=info)
        tile = re.search(r'data-family="bz">(.*?)</li>', html, re.S)
        assert tile is not None and f'<span class="tile-title">{title}</span>' in tile.group(1)
        assert intro in html and ">Bz<" not in html
