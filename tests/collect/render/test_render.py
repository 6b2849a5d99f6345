"""The renderer's parts: settings, browser discovery, template sampling, request scope, the
sanitising of what a page returns; and one real Chromium render over https through
``--resolve`` and ``--ca-bundle``."""

from __future__ import annotations

import math
import os
import shutil
import stat

import pytest

from auditor.collect.render.browser import NO_BROWSER, find_browser, resolver_rules, trust_store
from auditor.collect.render.measure import MAX_TARGETS, sanitize
from auditor.collect.render.renderer import Renderer, RequestGate
from auditor.collect.render.settings import BUILTIN_PROFILES, RenderSettings
from auditor.collect.render.tab import screenshot_name
from auditor.collect.render.templates import plan
from auditor.collector import CollectorUnavailable
from auditor.config import Resolve
from auditor.devserver import serve
from auditor.errors import ConfigError
from auditor.html.layout import skeleton
from auditor.store import RunStore
from auditor.testing import make_page
from auditor.urls import Scope
from tests.conftest import SITES, port_of

# -- settings ------------------------------------------------------------------------


def test_default_profiles_are_a_small_and_a_large_phone():
    settings = RenderSettings.from_dict({})
    assert [(p.name, p.width) for p in settings.profiles] == [("small", 360), ("large", 412)]
    assert all(p.is_mobile and p.has_touch and "Mobile" in p.user_agent for p in settings.profiles)


def test_profiles_are_configurable_by_name_or_table():
    settings = RenderSettings.from_dict({"profiles": ["large", {"name": "tiny", "width": 320, "height": 568,
                                                                "device_scale_factor": 2}]})
    assert [(p.name, p.width, p.device_scale_factor) for p in settings.profiles] == [
        ("large", 412, 2.625), ("tiny", 320, 2)]
    assert RenderSettings.from_dict({"profiles": [{"name": "small", "width": 375}]}).profiles[0].height == \
        BUILTIN_PROFILES["small"].height


@pytest.mark.parametrize(("raw", "words"), [
    ({"per_templates": 2}, "unknown setting 'per_templates'"),
    ({"profiles": ["huge"]}, "unknown profile 'huge'"),
    ({"profiles": []}, "at least one"),
    ({"concurrency": 0}, "concurrency: 0 is not between 1 and 32"),
    ({"timeout": "30"}, "timeout: expected a number"),
    ({"block_types": ["videos"]}, "'videos' is not one of"),
    ({"profiles": [{"name": "x", "width": 50, "height": 600}]}, "out of range"),
])
def test_bad_settings_are_one_clear_line(raw, words):
    with pytest.raises(ConfigError) as err:
        Renderer(raw)
    assert words in str(err.value) and "[collectors.render]" in str(err.value)


# -- browser discovery -----------------------------------------------------------------


def _executable(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_browser_discovery_order(tmp_path):
    system, own = _executable(tmp_path / "chromium"), _executable(tmp_path / "chrome")
    assert find_browser("", [system], own) == system
    assert find_browser("", [str(tmp_path / "missing")], own) == own
    assert find_browser(own, [system], None) == own


def test_no_browser_names_both_ways_to_get_one(tmp_path):
    with pytest.raises(CollectorUnavailable) as err:
        find_browser("", [str(tmp_path / "missing")], str(tmp_path / "also-missing"))
    assert err.value.reason == NO_BROWSER
    assert "apt-get install chromium" in NO_BROWSER and "playwright install chromium" in NO_BROWSER
    with pytest.raises(CollectorUnavailable) as err:
        find_browser(str(tmp_path / "nope"))
    assert "nope does not exist" in err.value.reason and "playwright install chromium" in err.value.reason


def test_resolve_rules_become_host_resolver_rules():
    rules = [Resolve.parse("www.example.nl:443:127.0.0.1:8443"), Resolve.parse("cdn.example.nl:80:10.0.0.2"),
             Resolve.parse("v6.example.nl:443:[::1]")]
    assert resolver_rules(rules) == ("MAP www.example.nl:443 127.0.0.1:8443, MAP cdn.example.nl:80 10.0.0.2:80, "
                                     "MAP v6.example.nl:443 [::1]:443")


# -- which pages ---------------------------------------------------------------------

ARTICLE = "<body><header class='top'></header><main><article class='post post-{n}'>{paras}</article></main></body>"


def _article(url, n, depth=1):
    return make_page(url, ARTICLE.format(n=n, paras="<p>tekst</p>" * n), depth=depth)


def test_pages_of_one_layout_share_a_template_whatever_their_text():
    assert skeleton(_article("https://ex.nl/a", 1)) == skeleton(_article("https://ex.nl/b", 30))
    with_table = make_page("https://ex.nl/c", ARTICLE.format(n=1, paras="<table></table>"))
    assert skeleton(with_table) != skeleton(_article("https://ex.nl/a", 1))


HEAD = "<head><meta name='viewport' content='width=device-width, initial-scale=1'>{extra}</head>"


@pytest.mark.parametrize(("head", "body"), [
    ("<meta name='viewport' content='width=1024'>", ""),  # another viewport declaration
    ("<link rel='stylesheet' href='/css/landing.css?ver=2'>", ""),  # a stylesheet of its own
    ("<style>main { width: 1200px }</style>", ""),
    ("", "<span><pre>code</pre></span>"), ("", "<span><table><tr><td>prijs</td></tr></table></span>"),
    ("", "<iframe src='/kaart'></iframe>"),  # inside a paragraph: the markup shape alone missed them all
    ("", "<img src='/foto.jpg' width='800'>"),  # an image with a fixed width
    ("", "https://www.voorbeeld.nl/een/heel/lang/adres/zonder/spaties"),  # an unbreakable word
])
def test_what_changes_the_phone_layout_is_in_the_template(head, body):
    def page(url, extra_head="", extra_body=""):
        html = HEAD.format(extra="<link rel='stylesheet' href='/site.css?v=1'>" + extra_head) + \
            ARTICLE.format(n=2, paras=f"<p>tekst {extra_body}</p>")
        return make_page(url, html)
    base = skeleton(page("https://ex.nl/a"))
    assert skeleton(page("https://ex.nl/b")) == base
    assert skeleton(page("https://ex.nl/c", head, body)) != base


def test_a_small_image_and_a_cache_buster_do_not_split_a_template():
    one = make_page("https://ex.nl/a", "<head><link rel='stylesheet' href='/s.css?v=1'></head><body><main>"
                    "<img src='/i.png' width='40'></main></body>")
    two = make_page("https://ex.nl/b", "<head><link rel='stylesheet' href='/s.css?v=2'></head><body><main>"
                    "<img src='/j.png' width='40'></main></body>")
    assert skeleton(one) == skeleton(two)


def test_each_rendered_page_says_how_many_pages_it_stands_for():
    pages = [_article(f"https://ex.nl/nieuws/{i:02d}", 2, depth=2) for i in range(7)]
    pages.append(make_page("https://ex.nl/uniek", "<body><main><pre>x</pre></main></body>"))
    todo = plan(pages, per_template=2, max_pages=100)
    assert sorted((j.url, j.stands_for) for j in todo.jobs) == [
        ("https://ex.nl/nieuws/00", 4), ("https://ex.nl/nieuws/01", 3), ("https://ex.nl/uniek", 1)]


def test_plan_renders_a_few_per_template_shallow_pages_first():
    pages = [_article(f"https://ex.nl/nieuws/{i:02d}", i % 5 + 1, depth=2) for i in range(20)]
    pages += [_article("https://ex.nl/nieuws/", 3, depth=1), make_page("https://ex.nl/", "<body><nav></nav></body>"),
              make_page("https://ex.nl/weg", "<body><div></div></body>", status=404),
              make_page("https://ex.nl/f.pdf", b"%PDF", content_type="application/pdf")]
    todo = plan(pages, per_template=2, max_pages=100)
    assert (todo.eligible, todo.templates) == (22, 2)
    assert [(j.url, j.template_pages, j.template_rendered) for j in todo.jobs] == [
        ("https://ex.nl/nieuws/", 21, 2), ("https://ex.nl/", 1, 1), ("https://ex.nl/nieuws/00", 21, 2)]
    assert len(plan(pages, per_template=0, max_pages=100).jobs) == 22
    capped = plan(pages, per_template=0, max_pages=5).jobs
    assert len(capped) == 5 and "https://ex.nl/" in [j.url for j in capped]  # every template before seconds


# -- what may leave the browser --------------------------------------------------------


def test_request_gate_keeps_the_browser_on_the_site():
    settings = RenderSettings.from_dict({"allow_hosts": ["fonts.example.com", "*"]})
    strict = RenderSettings.from_dict({})
    scope = Scope("https://www.example.nl/")
    gate, strict_gate = (RequestGate(scope.start_url, scope.is_internal, s, {}) for s in (settings, strict))
    assert strict_gate.verdict("https://www.example.nl/css/a.css", "stylesheet") == "site"
    assert strict_gate.verdict("https://static.example.nl/a.png", "image") == "site"  # same domain
    assert strict_gate.verdict("https://fonts.example.com/a.woff2", "font") == "blocked"
    assert strict_gate.verdict("data:image/png;base64,AAAA", "image") == "site"
    assert strict_gate.verdict("ftp://example.nl/x", "other") == "blocked"
    assert gate.verdict("https://fonts.example.com/a.woff2", "font") == "other"
    assert gate.verdict("https://cdn.video.example/clip.mp4", "media") == "blocked"  # heavy third party
    assert gate.verdict("https://www.googletagmanager.com/gtm.js", "script") == "blocked"  # tracker


def test_screenshot_names_are_safe_and_distinct():
    a = screenshot_name("https://ex.nl/../../etc/passwd?x=<script>", "small")
    assert "/" not in a and "<" not in a and a.endswith("-small.jpg")
    assert screenshot_name("https://ex.nl/", "large").startswith("home-")
    assert screenshot_name("https://ex.nl/a", "small") != screenshot_name("https://ex.nl/a?b", "small")


def test_sanitize_keeps_only_bounded_known_values():
    hostile = {
        "viewport_meta": "width=device-width" + "x" * 10_000, "layout_width": "360", "document_width": math.nan,
        "scale": 1e30, "evil": "<script>", "overflow": [{"selector": "x" * 5000, "width": "12", "el": {}}] * 100,
        "text": {"total_chars": -5, "sizes": {"9": 100, "not-a-size": 7, "9.0": 1}, "groups": "nope"},
        "tap_targets": [{"selector": "a", "rect": [1, 2, 3]}, 7] * 1000,
    }
    clean = sanitize(hostile)
    assert "evil" not in clean and len(clean["viewport_meta"]) == 200
    assert (clean["layout_width"], clean["document_width"], clean["scale"]) == (360, 0, 100)
    assert len(clean["overflow"]) == 20 and len(clean["overflow"][0]["selector"]) == 200
    assert set(clean["overflow"][0]) == {"selector", "tag", "kind", "left", "width", "right", "text", "cause"}
    assert clean["text"] == {"total_chars": 0, "sizes": {"9": 101, "0": 7}, "groups": []}
    assert len(clean["tap_targets"]) <= MAX_TARGETS and clean["tap_targets"][0]["rect"] == [0, 0, 0, 0]
    assert sanitize("not a dict")["tap_targets"] == []


# -- real Chromium ----------------------------------------------------------------------


def test_trust_store_trusts_the_ca_bundle():
    with serve(SITES / "mobile", tls_names=["shop.example.test"]) as site:
        home = trust_store(site.ca_file)
    assert home is not None
    try:
        assert (home / ".pki" / "nssdb" / "cert9.db").is_file()
    finally:
        shutil.rmtree(home)


@pytest.mark.slow
def test_https_page_rendered_through_resolve_and_ca_bundle(run_audit, tmp_path):
    config = tmp_path / "render.toml"
    config.write_text('[collectors.render]\nprofiles = ["small"]\n', "utf-8")
    with serve(SITES / "mobile", tls_names=["shop.example.test"]) as site:
        result = run_audit("audit", "https://shop.example.test/cramped.html", "--checks", "TP404", "--quiet",
                           "--max-pages", "1", "--config", str(config),
                           "--resolve", f"shop.example.test:443:127.0.0.1:{port_of(site)}",
                           "--ca-bundle", str(site.ca_file))
    assert result.exit_code == 0, result.stderr
    assert result.by_code("TP404")["https://shop.example.test/cramped.html"]["evidence"]["count"] == 5
    assert not any("certificate errors are ignored" in note for note in result.doc["notes"])
    store = RunStore(result.out)
    try:
        [(_url, data)] = list(store.page_artifacts("render"))
    finally:
        store.close()
    assert data["profiles"]["small"]["http_status"] == 200
    assert os.path.isfile(result.out / data["profiles"]["small"]["screenshot"])


@pytest.mark.slow
def test_a_resumed_audit_keeps_what_was_rendered(run_audit, tmp_path):
    config = tmp_path / "render.toml"
    config.write_text('[collectors.render]\nprofiles = ["small"]\nper_template = 0\n', "utf-8")
    with serve(SITES / "mobile") as site:
        first = run_audit("audit", site.base_url + "cramped.html", "--checks", "mobile", "--quiet", "--max-pages", "1",
                          "--config", str(config))
        assert first.exit_code == 0, first.stderr
        again = run_audit("audit", "--resume", str(first.out), "--quiet")
    assert again.exit_code == 0, again.stderr
    assert again.doc["findings"] == first.doc["findings"]
    store = RunStore(first.out)
    try:
        assert store.artifact("render")["pages_rendered"] == 1
    finally:
        store.close()
