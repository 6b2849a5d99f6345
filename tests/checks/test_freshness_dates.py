"""Reading dates: the Dutch/English patterns, the page-date sources in order, and the
accuracy on the labelled pages in tests/data/dates (exact day, nothing in the future)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from auditor.dates.page import page_date
from auditor.dates.text import find_dates, parse_loose, parse_value
from auditor.html.extract import parse_html

D = dt.date
TODAY = D(2026, 11, 22)


@pytest.mark.parametrize(("text", "want"), [
    ("12 maart 2024", D(2024, 3, 12)),
    ("12 mrt. 2024", D(2024, 3, 12)),
    ("di 12 mrt '24 om 09:00", D(2024, 3, 12)),
    ("3 augustus 2023", D(2023, 8, 3)),
    ("vr 29 sept. 2023", D(2023, 9, 29)),
    ("12-03-2024", D(2024, 3, 12)),
    ("12.03.2024", D(2024, 3, 12)),
    ("2024-03-12T09:00:00+01:00", D(2024, 3, 12)),
    ("March 12, 2024", D(2024, 3, 12)),
    ("Mar. 12th 2024", D(2024, 3, 12)),
    ("12th of March 2024", D(2024, 3, 12)),
    ("Tue 12 Mar 2024", D(2024, 3, 12)),
    ("AMSTERDAM, Oct. 5, 2023 /PRNewswire/", D(2023, 10, 5)),
])
def test_find_dates_reads_dutch_and_english_forms(text, want):
    assert [m.date for m in find_dates(text)] == [want]


@pytest.mark.parametrize("text", ["© 2021", "maart 2024", "12 maart", "versie 1.2.24", "127.0.0.1", "030-123 45 67",
                                  "Sinds 1998", "Nieuwsbrief maart 2024"])
def test_no_date_is_made_up(text):
    assert find_dates(text) == []
    assert parse_loose(text) is None


def test_ranges_keep_their_last_day():
    [m] = find_dates("13 tot en met 15 april 2027")
    assert (m.date, m.end) == (D(2027, 4, 13), D(2027, 4, 15))
    [m] = find_dates("April 13–15, 2027")
    assert (m.date, m.end) == (D(2027, 4, 13), D(2027, 4, 15))


def test_numeric_order_follows_the_language():
    assert find_dates("03/04/2024")[0].date == D(2024, 4, 3)
    assert find_dates("03/04/2024", dayfirst=False)[0].date == D(2024, 3, 4)
    assert find_dates("11/14/2023")[0].date == D(2023, 11, 14)  # unambiguous either way


def test_parse_value_keeps_the_written_calendar_day():
    assert parse_value("2024-03-12T23:30:00-05:00") == D(2024, 3, 12)
    assert parse_value("Tue, 14 Nov 2023 09:00:00 +0100") == D(2023, 11, 14)
    assert parse_value("20240312") == D(2024, 3, 12)


def test_dateparser_reads_relative_dates_from_the_fetch_time():
    assert parse_loose("3 dagen geleden", relative_base=dt.datetime(2026, 11, 22, 12)) == D(2026, 11, 19)
    assert parse_loose("2 weeks ago", relative_base=dt.datetime(2026, 11, 22, 12)) == D(2026, 11, 8)


def _date(html: str, **kw):
    return page_date(parse_html(html.encode(), "utf-8"), max_date=TODAY, **kw)


def test_a_dutch_month_htmldate_misses_does_not_become_1_january():
    found = _date('<html lang="nl"><body><main><h1>Verhuisd</h1><div>Geplaatst op 3 augustus 2023</div>'
                  '<p>tekst</p></main><footer>© 2024</footer></body></html>')
    assert found.date == D(2023, 8, 3) and found.method.startswith("visible text")
    assert _date('<html lang="nl"><body><h1>Over ons</h1><p>tekst</p><footer>© 2021 Bedrijf</footer></body></html>') \
        is None


def test_markup_comes_before_visible_text_and_updates_are_skipped():
    html = ('<head><script type="application/ld+json">{"@graph": [{"@type": "WebPage", "datePublished": "2019-03-01"},'
            '{"@type": "BlogPosting", "datePublished": "2024-06-18"}]}</script></head><h1>T</h1><p>1 mei 2020</p>')
    assert _date(html).method == "json-ld blogposting datePublished"
    found = _date('<article><h1>T</h1><p class="meta">Bijgewerkt op 3 april 2024 · Gepubliceerd op 12 maart 2024</p>'
                  '</article>')
    assert found.date == D(2024, 3, 12)


def test_htmldate_is_taken_only_when_the_day_is_in_the_url_or_markup():
    found = _date("<h1>Post</h1><p>Over de tuin.</p>", url="https://ex.nl/2025/06/30/tuin/")
    assert (found.date, found.method) == (D(2025, 6, 30), "htmldate (date in the URL or markup)")


def test_no_date_after_the_audit_date():
    assert _date('<h1>Kerstmarkt</h1><p class="datum">12 december 2027</p>') is None


def test_labelled_pages_accuracy():
    """At least 95 % exact days for Dutch and for English pages, no date in the future, and
    no date for pages that show none (see bench/dates_accuracy.py for the report)."""
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "bench"))
    try:
        import dates_accuracy
    finally:
        sys.path.remove(str(root / "bench"))
    scores = dates_accuracy.score(dates_accuracy.ours)
    assert set(scores) == {"nl", "en"}
    for lang, s in scores.items():
        assert s.dated >= 30, lang
        assert s.accuracy >= 0.95, (lang, s.misses)
        assert s.future == 0, (lang, s.misses)
        assert s.undated_right == s.undated, (lang, s.misses)


# -- issue 19 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "want"), [
    ("Veröffentlicht am 8. Mai 2024", D(2024, 5, 8)),
    ("3. März 2023", D(2023, 3, 3)),
    ("Publié le 1er février 2024", D(2024, 2, 1)),
    ("21 sept. 2023", D(2023, 9, 21)),
    ("12 décembre 2022", D(2022, 12, 12)),
    ("8.5.12", D(2012, 5, 8)),  # a two-digit year in a short date text
    ("Geplaatst: 3.12.13", D(2013, 12, 3)),
    ("By Jane Smith | 05 Mar 24", D(2024, 3, 5)),
])
def test_german_french_and_two_digit_years_are_read(text, want):
    assert [m.date for m in find_dates(text)] == [want]


@pytest.mark.parametrize("text", ["versie 1.2.24", "om 12 mei 20 graden",
                                  "Update 3.11.12 brengt veel verbeteringen voor alle gebruikers van de app"])
def test_two_digit_years_in_running_text_or_versions_stay_no_date(text):
    assert find_dates(text) == []


def test_a_zoned_time_is_read_as_the_page_local_date():
    found = _date('<html lang="en-US"><body><main><h1>Council</h1><p>Lead.</p>'
                  '<time datetime="2023-11-09T01:09:55Z">November 8, 2023</time></main></body></html>')
    assert found.date == D(2023, 11, 8)


def test_an_event_date_is_not_a_publication_date():
    event = ('<main><article><h1>Zomerfeest</h1><div class="datum">Wanneer: zaterdag 6 juni 2026</div>'
             '<div>Waar: Dorpshuis</div><p>Iedereen is welkom.</p>{}</article></main>')
    assert _date(event.format("")) is None
    assert _date(event.format('<p class="geplaatst">Geplaatst op 3 maart 2026</p>')).date == D(2026, 3, 3)
    details = ('<main><h1>Fietstocht</h1><div class="datum">datum: vrijdag 12 september 2026<br>start: 9.00 uur, '
               'Marktplein</div><p>Schrijf je in.</p></main>')
    assert _date(details) is None


def test_a_visible_date_beats_the_url_slug():
    found = _date("<main><h1>Nieuwjaarsreceptie</h1><p><time>7 januari 2024</time></p><p>tekst</p></main>",
                  url="https://ex.nl/2024/01/05/nieuwjaarsreceptie/")
    assert found.date == D(2024, 1, 7)


def test_htmldate_extensive_search_is_kept_when_the_page_shows_that_day():
    html = ('<html lang="nl"><body><div class="post-header"><span class="post-date">5 maart 2024</span></div>'
            '<main><h1>Nieuwe openingstijden</h1><p>' + "Een lange inleiding over de bibliotheek. " * 5 + '</p></main>'
            '</body></html>')
    found = _date(html)
    assert (found.date, found.method) == (D(2024, 3, 5), "htmldate (extensive search; the page shows that day)")
    sidebar = ('<html lang="en"><body><main><h1>Our services</h1><p>We build websites.</p></main><aside '
               'class="sidebar"><h3>Recent posts</h3><span class="date">March 3, 2024</span></aside></body></html>')
    assert _date(sidebar) is None


def test_issue19_labelled_set_precision_and_recall():
    """The issue-19 set (tests/data/dates/issue19): every date returned is right and every
    dated page is read, on the tune part and on the held-out part."""
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "bench"))
    try:
        import dates_accuracy
    finally:
        sys.path.remove(str(root / "bench"))
    scores = dates_accuracy.score(dates_accuracy.ours, rows=dates_accuracy.labelled(dates_accuracy.ISSUE19),
                                  key="part")
    assert set(scores) == {"tune", "holdout"}
    for part, s in scores.items():
        assert s.precision == 1.0 and s.future == 0, (part, s.misses)
        assert s.recall >= 0.85, (part, s.misses)
