"""findings.junit.xml: the structure Jenkins and GitLab read, and the exact mapping of checks
and findings to test cases.

No JUnit XSD ships in a package these machines can install (neither Jenkins' junit-10.xsd
nor GitLab's), so the structure those consumers rely on is asserted by parsing: root
``testsuites``, ``testsuite`` with consistent counts, ``testcase`` with name and classname,
at most one of skipped/error per case, failures with message and type.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from auditor.model import Finding, Location
from auditor.report.junit import MAX_FAILURES, JUnitReporter, run_to_junit
from auditor.report.sarif import RuleDoc
from tests.report.fixtures import CHECKS_ALL_STATUSES, finding, make_run

RULES = {"TP101": RuleDoc("TP101", "broken-internal-link", "links", "A broken link.", "", "Correct the link.",
                          "error")}
CHECKS = CHECKS_ALL_STATUSES


def _run():
    first = finding("TP101", pages=("https://ex.nl/", "https://ex.nl/b"), target="https://ex.nl/gone",
                    fingerprint="fp1")
    second = finding("TP101", severity="critical", pages=("https://ex.nl/c",), target="https://ex.nl/x",
                     message="Start page link broken.", fingerprint="fp2")
    accepted = Finding("TP201", "stale-news", "warning", "https://ex.nl/news", "Newest item is 200 days old.",
                       fingerprint="fp3").with_history("persisting", 4, {"reason": "seasonal"})
    return make_run((first, second, accepted), checks=CHECKS)


def _validate_structure(root: ET.Element) -> None:
    """What Jenkins' junit-10.xsd and GitLab's parser require of the elements we write."""
    assert root.tag == "testsuites"
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite"
        assert suite.get("name") and suite.get("timestamp") and suite.get("hostname")
        float(suite.get("time"))
        cases = suite.findall("testcase")
        assert [c.tag for c in suite] == ["properties", *["testcase"] * len(cases)]
        outcome = {"failures": 0, "errors": 0, "skipped": 0}
        for case in cases:
            assert case.get("name") and case.get("classname") == suite.get("name")
            float(case.get("time"))
            tags = [child.tag for child in case]
            assert set(tags) <= {"failure", "error", "skipped", "system-out"}
            assert tags.count("skipped") + tags.count("error") <= 1
            for failure in case.findall("failure"):
                assert failure.get("message") and failure.get("type")
            if "error" in tags:
                outcome["errors"] += 1
            elif "failure" in tags:
                outcome["failures"] += 1
            elif "skipped" in tags:
                outcome["skipped"] += 1
        assert int(suite.get("tests")) == len(cases)
        for key, value in outcome.items():
            assert int(suite.get(key)) == value, (suite.get("name"), key)
        totals["tests"] += len(cases)
        for key, value in outcome.items():
            totals[key] += value
    for key, value in totals.items():
        assert int(root.get(key)) == value


def test_suites_per_family_cases_per_check():
    root = run_to_junit(_run(), RULES)
    _validate_structure(root)
    assert root.get("name") == "touchpoint-auditor https://ex.nl/"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "1", "1", "2")
    assert root.get("time") == "60.000"
    layout = {s.get("name"): [c.get("name") for c in s.findall("testcase")] for s in root}
    assert layout == {"links": ["TP101 broken-internal-link", "TP105 broken-anchor"],
                      "freshness": ["TP201 stale-news"], "spelling": ["TP301 misspelling"],
                      "mobile": ["TP401 missing-viewport"], "ads": ["TP501 off-topic-landing-page"]}
    links = root.find("testsuite[@name='links']")
    assert links.get("timestamp") == "2026-11-22T10:00:00" and links.get("hostname") == "ex.nl"
    assert [(p.get("name"), p.get("value")) for p in links.find("properties")] == [
        ("target", "https://ex.nl/"), ("pages_crawled", "10")]


def test_failures_one_per_finding_worst_first():
    root = run_to_junit(_run(), RULES)
    case = root.find(".//testcase[@name='TP101 broken-internal-link']")
    failures = case.findall("failure")
    assert [(f.get("type"), f.get("message")) for f in failures] == [
        ("critical", "Start page link broken. (https://ex.nl/c)"),
        ("error", "Broken link. (https://ex.nl/)"),
    ]
    assert failures[1].text == ("Severity: error\nPage: https://ex.nl/\nTarget: https://ex.nl/gone\n"
                                "What: Broken link.\nAlso on: https://ex.nl/b\nOccurrences: 2\n"
                                "How to fix: Correct the link.\nFingerprint: fp1")
    passed = root.find(".//testcase[@name='TP105 broken-anchor']")
    assert list(passed) == []


def test_skipped_error_and_accepted_findings():
    root = run_to_junit(_run(), RULES)
    skipped = root.find(".//testcase[@name='TP301 misspelling']/skipped")
    assert skipped.get("message") == "unverifiable: LanguageTool not available"
    assert root.find(".//testcase[@name='TP501 off-topic-landing-page']/skipped").get("message") == \
        "not_applicable: no ads given"
    error = root.find(".//testcase[@name='TP401 missing-viewport']/error")
    assert (error.get("message"), error.get("type")) == ("RuntimeError: boom", "errored")
    stale = root.find(".//testcase[@name='TP201 stale-news']")
    assert stale.find("failure") is None  # an accepted risk does not fail the test case
    assert stale.find("system-out").text == ("Accepted (suppressed) findings:\n"
                                             "- Newest item is 200 days old. (https://ex.nl/news): seasonal")


def test_hostile_text_stays_well_formed_xml(tmp_path):
    bad = Finding("TP101", "broken-internal-link", "error", "https://ex.nl/<x>&",
                  "Bad \x00\x01\x1b[31m link ]]> <script>alert(1)</script> \ud800 " + "y" * 3000,
                  target="https://ex.nl/\x0b", fingerprint="fp", locations=(Location("https://ex.nl/<x>&"),))
    path = JUnitReporter(RULES).write(make_run((bad,)), tmp_path)
    assert path.name == "findings.junit.xml" and not list(tmp_path.glob("*.tmp"))
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(raw)  # would raise on an invalid character
    _validate_structure(root)
    failure = root.find(".//failure")
    message = failure.get("message")
    assert message.startswith("Bad \ufffd\ufffd\ufffd[31m link ]]> <script>alert(1)</script> \ufffd yyy")
    assert len(message) == 500 and message.endswith("…")
    assert "Target: https://ex.nl/\ufffd" in failure.text


def test_many_findings_are_capped():
    findings = tuple(finding("TP101", pages=(f"https://ex.nl/{i}",), target=f"https://ex.nl/t{i}",
                             fingerprint=f"f{i}") for i in range(MAX_FAILURES + 7))
    root = run_to_junit(make_run(findings), RULES)
    failures = root.findall(".//failure")
    assert len(failures) == MAX_FAILURES + 1
    assert failures[-1].get("message") == "and 7 more findings (see findings.json)"
    assert failures[-1].get("type") == "truncated"


def test_finding_of_a_check_not_listed_gets_a_case():
    """A findings.json from another install may lack the check entry: the finding still fails."""
    run = replace(make_run((finding("ACM101", fingerprint="x"),)), checks=())
    root = run_to_junit(run, {})
    _validate_structure(root)
    case = root.find(".//testcase")
    assert case.get("name") == "ACM101 broken-internal-link" and case.get("classname") == "checks"
    assert len(case.findall("failure")) == 1


def test_cli_junit_with_fail_on(run_audit, basic_site):
    """End to end: ``--format junit --fail-on error`` exits 1 and still writes the file."""
    from tests.conftest import basic_resolves

    result = run_audit("audit", basic_site.base_url, "--checks", "TP101", "--fail-on", "error", "--quiet",
                       "--format", "junit", *basic_resolves(basic_site))
    assert result.exit_code == 1, result.stderr
    assert sorted(p.name for p in result.out.iterdir()) == ["findings.junit.xml", "run.sqlite"]
    root = ET.parse(result.out / "findings.junit.xml").getroot()
    _validate_structure(root)
    (case,) = root.iter("testcase")
    assert case.get("name") == "TP101 broken-internal-link"
    assert [f.get("type") for f in case.findall("failure")] == ["error"] * 3
    assert "How to fix: Correct the link on every page listed" in case.find("failure").text
