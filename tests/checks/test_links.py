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
