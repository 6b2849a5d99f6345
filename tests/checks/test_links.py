"""The link checks, tested from YAML pass/fail cases with ``auditor.testing`` (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.registry import load_checks
from auditor.testing import load_cases, make_page, make_result, run_check
from checks.links import BrokenInternalLink, verdict

CASES = sorted((Path(__file__).parent / "cases").glob("TP1*.yaml"))
ALL = [(case, path.stem) for path in CASES for case in load_cases(path)]


@pytest.mark.parametrize(("case", "code"), ALL, ids=[f"{code}: {c.name}" for c, code in ALL])
def test_case(case, code):
    check = load_checks()[code].cls
    case.verify(check)


def test_every_link_check_has_cases():
    codes = {c for c, info in load_checks().items() if info.cls.family == "links"}
    assert codes == {p.stem for p in CASES}


def test_locations_name_each_page_and_link_text():
    pages = [make_page("https://ex.nl/", '<a href="/gone">Oude actie</a>'),
             make_page("https://ex.nl/b", '<a href="/gone">Actie</a>')]
    result = run_check(BrokenInternalLink, pages, [make_result("https://ex.nl/gone", 404)])
    [finding] = result.findings
    assert [(loc.url, loc.text) for loc in finding.locations] == [
        ("https://ex.nl/", "Oude actie"), ("https://ex.nl/b", "Actie")]
    assert "HTTP 404" in finding.message


def test_fingerprint_is_stable_and_independent_of_linking_pages():
    one = run_check(BrokenInternalLink, [make_page("https://ex.nl/", '<a href="/gone">x</a>')],
                    [make_result("https://ex.nl/gone", 404)]).findings[0]
    two = run_check(BrokenInternalLink, [make_page("https://ex.nl/", '<a href="/x">x</a>'),
                                         make_page("https://ex.nl/x", '<a href="/gone">y</a>')],
                    [make_result("https://ex.nl/gone", 404)]).findings[0]
    assert one.fingerprint == two.fingerprint


@pytest.mark.parametrize(("status", "state"), [(200, "ok"), (404, "broken"), (410, "broken"), (500, "broken"),
                                               (403, "blocked"), (401, "blocked"), (429, "blocked"),
                                               (999, "blocked"), (None, "unknown")])
def test_verdict_by_status(status, state):
    result = make_result("https://x.nl/", status) if status else None
    assert verdict(result).state == state


def _stub(url: str, target: str, delay: str = "0", text: str = "") -> object:
    return make_page(url, f'<html><head><meta http-equiv="refresh" content="{delay}; url={target}"></head>'
                          f'<body><p>{text}</p></body></html>')


def _tp103(pages, results=()):
    from checks.links import RedirectChain

    return {f.target: f for f in run_check(RedirectChain, pages, list(results)).findings}


def test_redirect_stubs_are_hops_of_a_redirect_chain():
    """stub → stub → page, and stub → 301 → page, are chains of two; one stub is one hop."""
    home = make_page("https://ex.nl/", '<a href="/a">a</a> <a href="/h">h</a> <a href="/one">one</a>')
    pages = [home, _stub("https://ex.nl/a", "/b"), _stub("https://ex.nl/b", "/page"),
             _stub("https://ex.nl/h", "/moved"), _stub("https://ex.nl/one", "/page"),
             make_page("https://ex.nl/page", "<p>Hier staat het.</p>")]
    moved = make_result("https://ex.nl/moved", 200, redirects=[("https://ex.nl/moved", 301, "https://ex.nl/page")])
    found = _tp103(pages, [moved])
    assert set(found) == {"https://ex.nl/a", "https://ex.nl/h"}
    a = found["https://ex.nl/a"]
    assert [(h["url"], h.get("via")) for h in a.evidence["redirects"]] == [
        ("https://ex.nl/a", "meta-refresh"), ("https://ex.nl/b", "meta-refresh")]
    assert a.evidence["final_url"] == "https://ex.nl/page" and a.severity == "warning"
    assert [h["status"] for h in found["https://ex.nl/h"].evidence["redirects"]] == [200, 301]
    assert found["https://ex.nl/h"].locations[0].url == "https://ex.nl/"


def test_a_refresh_loop_is_a_loop():
    home = make_page("https://ex.nl/", '<a href="/x">x</a>')
    found = _tp103([home, _stub("https://ex.nl/x", "/y"), _stub("https://ex.nl/y", "/x")])
    assert found["https://ex.nl/x"].severity == "error" and found["https://ex.nl/x"].evidence["loop"]


def test_a_page_with_a_slow_refresh_or_text_is_not_a_redirect():
    """A 30-second refresh, or a page with text of its own, is a page that also refreshes."""
    home = make_page("https://ex.nl/", '<a href="/slow">s</a> <a href="/text">t</a>')
    moved = make_result("https://ex.nl/moved", 200, redirects=[("https://ex.nl/moved", 301, "https://ex.nl/page")])
    pages = [home, _stub("https://ex.nl/slow", "/moved", delay="30"),
             _stub("https://ex.nl/text", "/moved", text="Lees verder. " * 40),
             make_page("https://ex.nl/page", "<p>Hier staat het.</p>")]
    assert _tp103(pages, [moved]) == {}


def test_a_start_page_stub_that_chains_is_reported():
    found = _tp103([_stub("https://ex.nl/", "/a"), _stub("https://ex.nl/a", "/page"),
                    make_page("https://ex.nl/page", "<p>Hier.</p>")])
    assert set(found) == {"https://ex.nl/"}  # the start page's stub is not linked from anywhere


def test_a_chain_is_reported_once_from_where_visitors_enter_it():
    """A loop of two stubs is one finding, on the stub the site links to, not one per stub."""
    home = make_page("https://ex.nl/", '<a href="/x">x</a>')
    found = _tp103([home, _stub("https://ex.nl/x", "/y"), _stub("https://ex.nl/y", "/x")])
    assert set(found) == {"https://ex.nl/x"}
