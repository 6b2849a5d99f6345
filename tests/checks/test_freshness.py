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


# -- issue 19 ----------------------------------------------------------------------------
def _events(html: str, url: str = "https://ex.nl/nieuws/", as_of: str = "2026-11-22"):
    import datetime as dt

    return run_check(StaleEvent, [make_page("https://ex.nl/", "<main><h1>Home</h1></main>"), make_page(url, html)],
                     as_of=dt.date.fromisoformat(as_of), start_url="https://ex.nl/")


def test_a_word_in_a_news_headline_is_no_upcoming_event():
    """'Aankomende' and 'binnenkort' in headlines of a news list made five false TP203 findings."""
    news = ('<main><h1>Nieuws</h1><article><h2>Aankomende verbouwing van ons kantoor</h2><p class="datum">3 maart '
            '2024</p><p>We gaan verbouwen.</p></article><article><h2>Binnenkort nieuwe openingstijden</h2><p>12 januari'
            ' 2024</p></article><section><h2>Binnenkort</h2><article><h3>Nieuwe website</h3><p>5 februari 2024</p>'
            '</article></section></main>')
    run = _events(news)
    assert run.findings == [] and run.status == "not_applicable"


def test_an_item_with_an_event_shape_under_binnenkort_is_an_event():
    html = ('<main><h1>Nieuws</h1><section><h2>Binnenkort</h2><article><h3>Ledenvergadering</h3><p>12 maart 2024, '
            '19:30 uur</p><p>Waar: clubhuis</p></article></section></main>')
    [finding] = _events(html).findings
    assert [e["title"] for e in finding.evidence["events"]] == ["Ledenvergadering"]


def test_events_are_named_once_by_a_heading_that_is_more_than_a_weekday():
    cards = "".join(f'<article><h3>Zaterdag</h3><p>{d} oktober 2025</p><h4>{name}</h4></article>'
                    for d, name in ((4, "Najaarsmarkt"), (11, "Koffieochtend"), (18, "Lampionnenoptocht")))
    [finding] = _events(f"<main><h1>Agenda</h1><h2>Aankomende activiteiten</h2>{cards}</main>",
                        url="https://ex.nl/agenda/").findings
    assert [e["title"] for e in finding.evidence["events"]] == ["Najaarsmarkt", "Koffieochtend", "Lampionnenoptocht"]
    assert "Zaterdag" not in finding.message


def test_a_past_season_agenda_is_stale_and_caps_the_score():
    from auditor.model import CheckResult
    from auditor.scoring import family_scores
    from tests.report.fixtures import make_run

    html = ('<main><h1>Agenda seizoen 2023-2024</h1><ul><li>za 14 okt – Najaarsconcert</li><li>vr 15 dec – '
            'Kerstconcert</li><li>zo 12 mei – Voorjaarsconcert</li></ul></main>')
    [finding] = _events(html, url="https://ex.nl/agenda/", as_of="2026-12-07").findings
    assert finding.evidence["newest_shown"] == "season 2023-2024" and finding.evidence["newest_date"] == "2024-07-31"
    run = make_run((finding,), checks=(CheckResult("TP203", "stale-event", "failed", None, "freshness"),), pages=40)
    assert family_scores(run)[0].score < 50  # not "96/100": the agenda is what a prospect sees


def test_a_year_old_news_section_dominates_the_freshness_score():
    import datetime as dt

    from auditor.model import CheckResult
    from auditor.scoring import family_scores
    from tests.report.fixtures import make_run

    item = make_page("https://ex.nl/nieuws/a", '<main><h1>Bericht</h1><p class="datum">1 december 2025</p></main>')
    [finding] = run_check(StaleNews, [make_page("https://ex.nl/nieuws/", "<main><h1>Nieuws</h1></main>"), item],
                          as_of=dt.date(2026, 12, 7)).findings
    checks = tuple(CheckResult(c, n, s, None, "freshness") for c, n, s in (
        ("TP201", "stale-news", "failed"), ("TP202", "stale-copyright-year", "passed"),
        ("TP203", "stale-event", "passed")))
    score = family_scores(make_run((finding,), checks=checks, pages=40))[0].score
    assert score is not None and score <= 30  # a year after the last post: never "94/100 goed"
