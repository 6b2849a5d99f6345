"""A template defect's entry reads as a group (issue 21, bullet 6): one sentence about the
shared target and the number of pages, in the report's language, never one page's finding
("De link naar https://ex.nl/nieuws/3.html#nieuwsbrief …" under a badge saying 40 pages).
Its threshold is configurable (``[report] template_defect_min_pages`` / ``_min_share``)."""

from __future__ import annotations

import re

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.errors import ConfigError
from auditor.model import CheckResult, Finding, Location
from auditor.report.html import render_html
from auditor.report.json import run_to_dict
from auditor.report.view import build_view
from auditor.sitewide import run_template_defects
from tests.report.fixtures import finding, make_run

CHECKS = (CheckResult("TP105", "broken-anchor", "failed", None, "links"),
          CheckResult("TP101", "broken-internal-link", "failed", None, "links"),
          CheckResult("XP900", "odd-widget", "failed", None, "other"))
PAGES = tuple(f"https://ex.nl/nieuws/{i}.html" for i in range(40))


def _anchor(page: str) -> Finding:
    """TP105 as the check words it: one finding per page for a footer link to its own #fragment."""
    return Finding("TP105", "broken-anchor", "warning", page, f"{page} has no element with id or name 'nieuwsbrief'.",
                   evidence={"fragment": "nieuwsbrief"}, target=f"{page}#nieuwsbrief",
                   locations=(Location(page, "Nieuwsbrief", "a"),), fingerprint=f"TP105-{page}")


def _entries(run, code: str) -> list:
    view = build_view(run, {})
    return [f for fam in view.families for group in fam.codes if group.code == code for f in group.findings]


@pytest.mark.parametrize(("lang", "anchor", "link"), [
    ("nl", "Het anker #nieuwsbrief ontbreekt op 40 pagina's: de link verwijst naar een plek die niet bestaat.",
     r"De link naar https://ex\.nl/oud is kapot op 40 pagina's: HTTP 404 \(.+\)\."),
    ("en", "The anchor #nieuwsbrief is missing on 40 pages: the link points to a place that does not exist.",
     r"The link to https://ex\.nl/oud is broken on 40 pages: HTTP 404 \(.+\)\."),
])
def test_a_template_defect_reads_as_a_group_in_each_language(lang, anchor, link):
    footer = finding(pages=PAGES, target="https://ex.nl/oud")
    run = make_run((*(_anchor(p) for p in PAGES), footer), checks=CHECKS, pages=40, report={"language": lang})
    [entry] = _entries(run, "TP105")  # 40 findings, one entry
    assert entry.message == anchor and entry.message_lang is None
    assert entry.target is not None and entry.target.text == "#nieuwsbrief"  # shared, not the first page's
    assert len(entry.locations) == 40
    [broken] = _entries(run, "TP101")
    assert re.fullmatch(link, broken.message), broken.message
    top = {item.code: item.message for item in build_view(run, {}).top}
    assert top["TP105"] == anchor  # the summary names the group too


def test_a_page_relative_target_shared_by_all_pages_is_absolute():
    """A footer link to another page's anchor is the same absolute target on every page."""
    pages = PAGES[:10]
    same = [Finding("TP105", "broken-anchor", "warning", p, "https://ex.nl/contact.html has no element 'form'.",
                    evidence={"fragment": "form"}, target="https://ex.nl/contact.html#form",
                    locations=(Location(p, "Contact", "a"),), fingerprint=f"TP105-{p}") for p in pages]
    run = make_run(tuple(same), checks=CHECKS, pages=10, report={"language": "en"})
    [entry] = _entries(run, "TP105")
    assert entry.message.startswith("The anchor https://ex.nl/contact.html#form is missing on 10 pages")


@pytest.mark.parametrize(("lang", "with_target", "without"), [
    ("nl", "Odd widget op 20 pagina's: https://ex.nl/widget", "Odd widget op 20 pagina's"),
    ("en", "Odd widget on 20 pages: https://ex.nl/widget", "Odd widget on 20 pages"),
])
def test_a_code_without_a_group_sentence_gets_the_generic_one(lang, with_target, without):
    for target, expected in (("https://ex.nl/widget", with_target), (None, without)):
        odd = Finding("XP900", "odd-widget", "warning", PAGES[0], "An odd widget on https://ex.nl/nieuws/0.html.",
                      target=target, locations=tuple(Location(p, "", "div") for p in PAGES[:20]), occurrences=20,
                      fingerprint="XP900")
        [entry] = _entries(make_run((odd,), checks=CHECKS, pages=20, report={"language": lang}), "XP900")
        assert entry.message == expected


def test_a_crawled_target_in_a_group_sentence_is_escaped_and_capped():
    hostile = "https://ex.nl/<script>alert(1)</script>" + "x" * 3000
    odd = Finding("XP900", "odd-widget", "warning", PAGES[0], "odd", target=hostile,
                  locations=tuple(Location(p, "", "div") for p in PAGES[:20]), occurrences=20, fingerprint="XP900")
    run = make_run((odd,), checks=CHECKS, pages=20, report={"language": "en"})
    [entry] = _entries(run, "XP900")
    assert len(entry.message) <= 601
    html = render_html(run, checks={})
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_threshold_is_configurable():
    anchors = tuple(_anchor(p) for p in PAGES[:8])  # 8 of 40 pages: 20 %
    assert run_template_defects(make_run(anchors, checks=CHECKS, pages=40)) == []  # default: 5 pages and 30 %
    lower = make_run(anchors, checks=CHECKS, pages=40, report={"template_defect_min_share": 0.2})
    assert [d.page_count for d in run_template_defects(lower)] == [8]
    assert len(_entries(lower, "TP105")) == 1
    assert all(f["template_defect"]["pages"] == 8 for f in run_to_dict(lower)["findings"])
    higher = make_run(anchors, checks=CHECKS, pages=40,
                      report={"template_defect_min_share": 0.2, "template_defect_min_pages": 9})
    assert run_template_defects(higher) == [] and len(_entries(higher, "TP105")) == 8
    assert load_config(None).report.template_defect_min_pages == 5
    assert load_config(None).report.template_defect_min_share == 0.3


@pytest.mark.parametrize(("setting", "message"), [
    ({"template_defect_min_share": 1.5}, "template_defect_min_share"),
    ({"template_defect_min_share": 0}, "template_defect_min_share"),
    ({"template_defect_min_pages": 0}, "template_defect_min_pages"),
    ({"template_defect_min_pages": "many"}, "template_defect_min_pages"),
])
def test_a_bad_threshold_is_one_clear_error(setting, message):
    with pytest.raises(ConfigError, match=message):
        load_config(None, {"report": setting})


def test_a_bad_threshold_in_a_config_file_exits_2_with_one_line(tmp_path, capsys):
    config = tmp_path / "audit.toml"
    config.write_text("[report]\ntemplate_defect_min_share = 2\n", "utf-8")
    assert main(["audit", "https://www.example.nl/", "--config", str(config), "--out", str(tmp_path / "out"),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "template_defect_min_share" in err and "Traceback" not in err, err


# Codes whose findings are one per site, per news section, per ad or per host: they never
# repeat over a template's pages, so the generic sentence is enough should one ever group.
SITE_LEVEL = {"TP201", "TP501", "TP502", "TP503", "TP504", "TP505", "TP815", "TP816", "TP817", "TP822"}


def test_both_catalogues_have_a_group_sentence_for_every_code_that_repeats_over_pages():
    from auditor.report.i18n import load_catalogue

    groups = {}
    for lang in ("nl", "en"):
        codes = load_catalogue(lang).get("codes")
        groups[lang] = {code for code, texts in codes.items() if texts.get("group")}
        assert all("{pages}" in codes[code]["group"] for code in groups[lang])
    assert groups["nl"] == groups["en"]
    assert set(load_catalogue("nl").get("codes")) - groups["nl"] == SITE_LEVEL
