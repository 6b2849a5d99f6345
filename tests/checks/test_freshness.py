"""The freshness checks (TP201–TP203) from YAML pass/fail cases, plus the details the cases
do not show: evidence of how a date was found, merging, options."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import ConfigError
from auditor.registry import load_checks
from auditor.testing import load_cases, make_page, run_check
from checks.freshness import StaleCopyrightYear, StaleEvent, StaleNews

CASES = sorted((Path(__file__).parent / "cases").glob("TP2*.yaml"))
ALL = [(case, path.stem) for path in CASES for case in load_cases(path)]


@pytest.mark.parametrize(("case", "code"), ALL, ids=[f"{code}: {c.name}" for c, code in ALL])
def test_case(case, code):
    case.verify(load_checks()[code].cls)


def test_every_freshness_check_has_cases():
    codes = {c for c, info in load_checks().items() if info.cls.family == "freshness"}
    assert codes == {p.stem for p in CASES} == {"TP201", "TP202", "TP203"}


def test_stale_news_evidence_names_the_item_and_how_its_date_was_found():
    import datetime as dt

    pages = [make_page("https://ex.nl/nieuws/", '<h1>Nieuws</h1><article><time datetime="2024-03-12">12 maart 2024'
                       '</time><h2><a href="/nieuws/isde">ISDE-subsidie 2024</a></h2></article>'),
             make_page("https://ex.nl/nieuws/isde", '<head><meta property="article:published_time" '
                       'content="2024-03-12T09:00:00+01:00"></head><article><h1>ISDE-subsidie 2024</h1></article>')]
    [finding] = run_check(StaleNews, pages, as_of=dt.date(2026, 11, 22)).findings
    ev = finding.evidence
    assert {k: ev[k] for k in ("newest_title", "newest_url", "newest_date", "date_found_by", "date_read_from",
                               "date_source")} == {
        "newest_title": "ISDE-subsidie 2024", "newest_url": "https://ex.nl/nieuws/isde", "newest_date": "2024-03-12",
        "date_found_by": "meta article:published_time", "date_read_from": "2024-03-12T09:00:00+01:00",
        "date_source": "item page"}
    assert finding.evidence["section_found_by"] == ["URL word 'nieuws'"]
    assert finding.evidence["items_with_date"] == 1
    assert "2024-03-12" in finding.message and "ISDE-subsidie 2024" in finding.message


def test_copyright_fingerprint_is_the_notice_not_the_page():
    import datetime as dt

    footer = "<footer>© 2021 Groenhuis</footer>"
    one = run_check(StaleCopyrightYear, [make_page("https://ex.nl/", footer)], as_of=dt.date(2026, 5, 1))
    two = run_check(StaleCopyrightYear, [make_page("https://ex.nl/a", footer)], as_of=dt.date(2026, 5, 1))
    assert one.findings[0].fingerprint == two.findings[0].fingerprint


def test_stale_event_lists_each_event_with_its_date():
    import datetime as dt

    html = ('<main><h1>Agenda</h1><h2>Komende activiteiten</h2><ul><li>Workshop schilderen – 13 t/m 15 april 2026'
            '</li></ul></main>')
    [finding] = run_check(StaleEvent, [make_page("https://ex.nl/agenda.html", html)],
                          as_of=dt.date(2026, 11, 22)).findings
    assert finding.evidence["events"] == [{"title": "Workshop schilderen", "date": "2026-04-13",
                                           "end_date": "2026-04-15", "found_by": "visible text",
                                           "shown_under": "heading 'Komende activiteiten'"}]


@pytest.mark.parametrize(("cls", "settings", "words"), [
    (StaleNews, {"max_age_days": 0}, "max_age_days"),
    (StaleNews, {"max_age": 30}, "unknown option 'max_age'"),
    (StaleCopyrightYear, {"january_grace_days": -1}, "january_grace_days"),
])
def test_bad_options_are_config_errors(cls, settings, words):
    with pytest.raises(ConfigError, match=words):
        cls(settings)
