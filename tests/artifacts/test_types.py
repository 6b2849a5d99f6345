"""The artifact types: JSON round trips, and records stored by earlier versions still read."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from auditor.artifacts import read, read_pages, write, write_page
from auditor.artifacts.ads import Ad, AdLanding, Ads
from auditor.artifacts.crawl import Feeds, NetworkHealth, NotFoundProbe, SitemapDates, Sitemaps
from auditor.artifacts.language import LanguageIssues, PageText
from auditor.artifacts.render import (
    Overflow,
    ProfileRender,
    RenderedPage,
    RenderSummary,
    TapTarget,
    TextGroup,
    TextMeasure,
)
from auditor.testing import MemorySite

# Records as the collectors stored them before the types existed (run directories of
# earlier versions, which ``recheck`` must still judge).
OLD_RENDERED_PAGE = {
    "url": "https://ex.nl/", "template": "3f2a", "template_pages": 14, "template_rendered": 2,
    "profiles": {
        "small": {"width": 360, "height": 740, "device_scale_factor": 3.0, "status": "ok", "final_url": "https://ex.nl/",
                  "http_status": 200, "loaded": True, "consent": None, "viewport_meta": "width=device-width",
                  "layout_width": 360, "document_width": 1208, "document_height": 2000, "inner_width": 360,
                  "scale": 1, "elements": 120, "truncated": False,
                  "overflow": [{"selector": "table.prices", "tag": "table", "kind": "box", "left": 8, "width": 1200,
                                "right": 1208, "text": "Prijs", "cause": None}],
                  "text": {"total_chars": 932, "sizes": {"9": 812, "16": 120},
                           "groups": [{"selector": "footer p", "font_size": 9, "chars": 812, "sample": "©"}]},
                  "tap_targets": [{"selector": "a.tel", "text": "", "href": "tel:0301234567", "rect": [1, 2, 16, 16]}],
                  "blocked": {"count": 2, "hosts": ["ads.example"]}, "ms": 812,
                  "screenshot": "screenshots/x-small.jpg"},
        "large": {"width": 412, "height": 915, "device_scale_factor": 2.625, "status": "error",
                  "error": "not rendered: it failed in the small profile"},
    },
}
OLD_LANDING = {
    "url": "https://ex.nl/a?utm_source=g", "final_url": "https://ex.nl/a?utm_source=g", "status": 200, "error": None,
    "error_detail": None, "hops": [["https://ex.nl/a", 301, "https://ex.nl/a/"]], "content_type": "text/html",
    "headers": {"content-type": "text/html"}, "truncated": False, "fetched_at": "2026-01-01T00:00:00+00:00",
    "is_html": True, "title": "A", "language": "nl", "description": "", "h1": ["A"], "headings": ["A"],
    "main_found_by": "main", "main_text": "Aanbod", "main_words": 1, "main_words_outside_forms": 1,
    "text": "Aanbod", "snippet": "Aanbod",
    "forms": [{"in_main": True, "action": "/b", "method": "post", "id": "", "submit": "Verstuur", "heading": "",
               "words": 3, "fields": [{"name": "email", "type": "email", "required": True, "label": "E-mail"}],
               "visible_fields": 1, "required_fields": 1, "password": False, "search": False}],
}


def _keeps(new, old) -> bool:
    """``new`` holds everything ``old`` held, with the same values (and may add fields)."""
    if isinstance(old, dict):
        return isinstance(new, dict) and all(k in new and _keeps(new[k], v) for k, v in old.items())
    if isinstance(old, list):
        return isinstance(new, list) and len(new) == len(old) and all(map(_keeps, new, old))
    return new == old


def _round_trip(value):
    """Through JSON text, as the run store keeps it."""
    return type(value).from_json(json.loads(json.dumps(value.to_json())))


def test_old_rendered_page_reads_and_writes_back_the_same_json():
    page = RenderedPage.from_json(OLD_RENDERED_PAGE)
    small = page.profiles["small"]
    assert small.ok and small.document_width == 1208 and small.overflow[0].selector == "table.prices"
    assert small.text.sizes == {"9": 812, "16": 120} and small.tap_targets[0].rect == (1, 2, 16, 16)
    assert not page.profiles["large"].ok and page.profiles["large"].error.startswith("not rendered")
    assert _round_trip(page) == page
    # Every field the old record had keeps its value (the new JSON only adds defaults).
    assert _keeps(json.loads(json.dumps(page.to_json())), OLD_RENDERED_PAGE)


def test_missing_fields_take_defaults_and_unknown_ones_are_ignored():
    page = RenderedPage.from_json({"url": "https://ex.nl/", "profiles": {"small": {"status": "ok"}},
                                   "added_by_a_later_version": 1})
    assert page.template_pages == 1 and page.profiles["small"].tap_targets == ()
    assert RenderSummary.from_json({}).pages_eligible == 0
    assert RenderedPage.from_json({"profiles": "garbage"}).profiles == {}


def test_list_artifacts_stay_json_lists():
    feeds = Feeds.from_json([{"url": "https://ex.nl/feed", "error": "HTTP 404", "items": []},
                             {"url": "https://ex.nl/rss", "format": "rss", "title": "Nieuws", "item_count": 1,
                              "items": [{"title": "Open dag", "link": "https://ex.nl/n/1", "date": "Mon, 01 Jan 2024",
                                         "field": "pubDate"}]}])
    assert isinstance(feeds.to_json(), list) and feeds.items[1].items[0].field == "pubDate"
    assert _round_trip(feeds) == feeds
    dates = SitemapDates.from_json([{"url": "https://ex.nl/n/1", "lastmod": "2024-01-01"}])
    assert dates.items[0].news_date is None and _round_trip(dates) == dates
    ads = Ads((Ad("1", ("Kop",), ("Tekst",), "https://ex.nl/a"),))
    assert ads.to_json()[0]["headlines"] == ["Kop"] and _round_trip(ads) == ads


@pytest.mark.parametrize("value", [
    NotFoundProbe(url="https://ex.nl/x", status=404, title="Niet gevonden", text="Deze pagina bestaat niet"),
    Sitemaps(("https://ex.nl/sitemap.xml",), ("https://ex.nl/s2.xml: HTTP 500",), 12, 10),
    NetworkHealth.from_json({"external_hosts": 9, "failed_hosts": 7, "examples": ["a.example"],
                             "dns_unavailable": True}),
    AdLanding.from_json(OLD_LANDING),
    LanguageIssues.from_json({"engine": "languagetool", "grammar": True, "site_names": {"names": ["Groenhuis"]},
                              "issues": [{"kind": "spelling", "lang": "nl", "text": "onderhoudt",
                                          "pages": [["https://ex.nl/", "p"]], "parts": [["onderhoudt", False]]}],
                              "stats": {"pages": 3}}),
    PageText(z="eJwDAAAAAAE="),
])
def test_round_trip(value):
    assert _round_trip(value) == value


def test_every_measurement_the_renderer_keeps_is_declared():
    """A key the measuring script returns but the type does not declare would be dropped
    silently on its way to the checks."""
    from auditor.collect.render.measure import sanitize

    measured = sanitize({"tap_targets": [{"rect": [1, 2, 3, 4]}], "overflow": [{}], "text": {"groups": [{}]}})
    declared = {f.name for f in fields(ProfileRender)}
    assert set(measured) <= declared, set(measured) - declared
    assert set(measured["tap_targets"][0]) <= {f.name for f in fields(TapTarget)}
    assert set(measured["overflow"][0]) <= {f.name for f in fields(Overflow)}
    assert set(measured["text"]["groups"][0]) <= {f.name for f in fields(TextGroup)}
    assert set(measured["text"]) <= {f.name for f in fields(TextMeasure)}


def test_old_landing_keeps_its_fields():
    assert _keeps(json.loads(json.dumps(AdLanding.from_json(OLD_LANDING).to_json())), OLD_LANDING)


def test_accessors_read_what_write_stored():
    class Store:
        def __init__(self):
            self.run, self.pages = {}, {}

        def set_artifact(self, name, data):
            self.run[name] = json.loads(json.dumps(data))

        def add_page_artifact(self, url, name, data):
            self.pages.setdefault(name, {})[url] = json.loads(json.dumps(data))

    store = Store()
    write(store, Sitemaps(("https://ex.nl/sitemap.xml",), (), 3, 3))
    write_page(store, "https://ex.nl/", RenderedPage.from_json(OLD_RENDERED_PAGE))
    site = MemorySite([], start_url="https://ex.nl/", artifacts=store.run, page_artifacts=store.pages)
    assert read(site, Sitemaps) == Sitemaps(("https://ex.nl/sitemap.xml",), (), 3, 3)
    assert read(site, NotFoundProbe) is None
    [(url, page)] = list(read_pages(site, RenderedPage))
    assert url == "https://ex.nl/" and page == RenderedPage.from_json(OLD_RENDERED_PAGE)


def test_read_decodes_the_same_stored_value_once_and_a_new_one_again():
    """A page check reads its run artifact on every page: decoded once per stored value."""
    first = {"url": "https://ex.nl/x", "text": "Niet gevonden"}
    site = MemorySite([], start_url="https://ex.nl/", artifacts={"not_found_probe": first})
    assert read(site, NotFoundProbe) is read(site, NotFoundProbe)
    other = MemorySite([], start_url="https://ex.nl/", artifacts={"not_found_probe": dict(first, text="Weg")})
    assert read(other, NotFoundProbe).text == "Weg" and read(site, NotFoundProbe).text == "Niet gevonden"
