"""``findings.junit.xml``: the audit as a JUnit test report, for CI test dashboards.

Jenkins (``junit`` step), GitLab (``artifacts:reports:junit``), Azure DevOps and GitHub
test-report actions all read the same common subset of the JUnit XML format (the
"Jenkins/Ant" dialect). The mapping (documented in docs/outputs.md):

* one ``<testsuite>`` per check family (links, freshness, …);
* one ``<testcase>`` per check, named "CODE name", with ``classname`` = the family;
* a check that passed is a passing test case; each unsuppressed finding of a check that
  failed is a ``<failure>`` (``type`` = severity, ``message`` = the finding's message,
  body = where, what and how to fix); accepted (suppressed) findings never fail a test
  case, they are listed in its ``<system-out>``;
* not applicable / unverifiable checks are ``<skipped message="reason">``; an errored
  check is an ``<error>``.

Page text is untrusted: it is clipped, and characters XML 1.0 cannot carry (control
characters, lone surrogates) are removed, so a hostile page cannot make the file unreadable.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from auditor.model import AuditRun, CheckResult, Finding, severity_rank
from auditor.report.files import replaced_atomically
from auditor.report.safety import clip
from auditor.report.sarif import RuleDoc, rule_docs, utc_timestamp

__all__ = ["JUnitReporter", "run_to_junit"]

MAX_MESSAGE = 500
MAX_BODY = 4000
MAX_FAILURES = 500  # per test case; findings.json has them all
MAX_PAGES = 10  # pages listed in a failure body
# Characters XML 1.0 cannot contain, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object, limit: int) -> str:
    """Text that XML 1.0 can carry, at most ``limit`` characters."""
    return _NOT_XML.sub("\ufffd", clip(value, limit))


def _duration(run: AuditRun) -> float:
    try:
        seconds = (dt.datetime.fromisoformat(run.finished_at) - dt.datetime.fromisoformat(run.started_at))
    except (TypeError, ValueError):
        return 0.0
    return max(seconds.total_seconds(), 0.0)


def _failure_body(finding: Finding, doc: RuleDoc) -> str:
    lines = [f"Severity: {finding.severity}", f"Page: {finding.url}"]
    if finding.target:
        lines.append(f"Target: {finding.target}")
    lines.append(f"What: {finding.message}")
    others = [loc.url for loc in finding.locations if loc.url != finding.url]
    if others:
        shown = ", ".join(others[:MAX_PAGES])
        more = f" and {len(others) - MAX_PAGES} more" if len(others) > MAX_PAGES else ""
        lines.append(f"Also on: {shown}{more}")
    if finding.occurrences > 1:
        lines.append(f"Occurrences: {finding.occurrences}")
    if finding.change:
        lines.append(f"Change: {finding.change} (seen in {finding.streak} consecutive runs)")
    if doc.fix:
        lines.append(f"How to fix: {doc.fix}")
    lines.append(f"Fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def _testcase(check: CheckResult, doc: RuleDoc, findings: list[Finding], family: str) -> ET.Element:
    case = ET.Element("testcase", name=xml_text(f"{check.code} {check.name}", 200), classname=family, time="0")
    active = sorted((f for f in findings if not f.suppressed), key=lambda f: -severity_rank(f.severity))
    accepted = [f for f in findings if f.suppressed]
    if check.status == "errored":
        ET.SubElement(case, "error", message=xml_text(check.reason or "the check raised an error", MAX_MESSAGE),
                      type="errored").text = xml_text(check.reason or "", MAX_BODY)
    elif check.status in ("not_applicable", "unverifiable"):
        ET.SubElement(case, "skipped", message=xml_text(f"{check.status}: {check.reason or 'no reason given'}",
                                                         MAX_MESSAGE))
    for finding in active[:MAX_FAILURES]:
        failure = ET.SubElement(case, "failure", message=xml_text(f"{finding.message} ({finding.url})", MAX_MESSAGE),
                                type=finding.severity)
        failure.text = xml_text(_failure_body(finding, doc), MAX_BODY)
    if len(active) > MAX_FAILURES:
        ET.SubElement(case, "failure", message=f"and {len(active) - MAX_FAILURES} more findings (see findings.json)",
                      type="truncated")
    if accepted:
        out = ET.SubElement(case, "system-out")
        out.text = xml_text("Accepted (suppressed) findings:\n" + "\n".join(
            f"- {f.message} ({f.url}): {(f.suppression or {}).get('reason', 'accepted')}" for f in accepted[:100]),
            MAX_BODY)
    return case


def _outcome(case: ET.Element) -> str:
    for tag in ("error", "failure", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "passed"


def run_to_junit(run: AuditRun, installed: Mapping[str, RuleDoc] | None = None) -> ET.Element:
    """The ``<testsuites>`` element of a run."""
    docs = rule_docs(run, installed)
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for finding in run.findings:
        by_code[finding.code].append(finding)
    checks = {c.code: c for c in run.checks}
    for code in by_code:  # findings of a check the run does not list still count
        checks.setdefault(code, CheckResult(code, docs[code].name, "failed", None, docs[code].family))
    families: dict[str, list[ET.Element]] = defaultdict(list)
    for code, check in sorted(checks.items()):
        family = check.family or docs[code].family or "checks"
        families[family].append(_testcase(check, docs[code], by_code.get(code, []), family))

    stamp = (utc_timestamp(run.started_at) or "")[:19]  # the XSD wants a dateTime without zone
    host = urlsplit(run.target).hostname or "localhost"
    root = ET.Element("testsuites", name=xml_text(f"touchpoint-auditor {run.target}", 300),
                      time=f"{_duration(run):.3f}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for family, cases in families.items():
        outcomes = [_outcome(c) for c in cases]
        counts = {"tests": len(cases), "failures": outcomes.count("failure"), "errors": outcomes.count("error"),
                  "skipped": outcomes.count("skipped")}
        suite = ET.SubElement(root, "testsuite", name=family, tests=str(counts["tests"]),
                              failures=str(counts["failures"]), errors=str(counts["errors"]),
                              skipped=str(counts["skipped"]), time="0", timestamp=stamp,
                              hostname=xml_text(host, 255))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="target", value=xml_text(run.target, 2000))
        ET.SubElement(props, "property", name="pages_crawled", value=str(run.pages_crawled))
        suite.extend(cases)
        for key in totals:
            totals[key] += counts[key]
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    return root


class JUnitReporter:
    """Writes ``findings.junit.xml``."""

    format = "junit"
    filename = "findings.junit.xml"

    def __init__(self, rules: Mapping[str, RuleDoc] | None = None) -> None:
        self.rules = rules

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        path = Path(out_dir) / self.filename
        tree = ET.ElementTree(run_to_junit(run, self.rules))
        ET.indent(tree)
        with replaced_atomically(path) as tmp:
            tree.write(tmp, encoding="utf-8", xml_declaration=True)
        return path
