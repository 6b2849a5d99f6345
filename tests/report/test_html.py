"""The HTML report: self-contained, and page content shown as text, never run."""

from __future__ import annotations

import re

from auditor.model import AuditRun, CheckResult, Finding, Location
from auditor.report.html import HtmlReporter
from auditor.report.json import JsonReporter

HOSTILE = '<script>alert(1)</script>'


def _run() -> AuditRun:
    finding = Finding(
        code="TP101", name="broken-internal-link", severity="error", url="https://ex.nl/?q=<b>",
        target='javascript:alert("x")', message=f"Broken link titled {HOSTILE}",
        evidence={"title": f"</script>{HOSTILE}", "status": 404},
        locations=(Location("https://ex.nl/<img src=x onerror=alert(2)>", f"link {HOSTILE}", "a"),),
        fingerprint="abc",
    )
    return AuditRun(target="https://ex.nl/", started_at="2026-11-22T10:00:00+00:00",
                    finished_at="2026-11-22T10:01:00+00:00", pages_crawled=1, touchpoints=(),
                    checks=(CheckResult("TP101", "broken-internal-link", "failed", None, "links"),),
                    findings=(finding,), tool_version="0.1.0")


def test_hostile_content_is_escaped(tmp_path):
    html = HtmlReporter().write(_run(), tmp_path).read_text("utf-8")
    assert "<script" not in html.lower()
    assert "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html


def test_self_contained_with_strict_csp(tmp_path):
    html = HtmlReporter().write(_run(), tmp_path).read_text("utf-8")
    assert "default-src 'none'" in html
    assert not re.search(r'<(link|script|img)[^>]+(href|src)="https?:', html)


def test_json_contract_fields(tmp_path):
    import json

    doc = json.loads(JsonReporter().write(_run(), tmp_path).read_text("utf-8"))
    assert doc["schema"] == "touchpoint-auditor/findings/v1"
    assert set(doc) >= {"schema", "tool", "target", "started_at", "finished_at", "pages_crawled",
                        "touchpoints", "checks", "findings"}
    assert set(doc["findings"][0]) >= {"code", "name", "severity", "url", "target", "message", "evidence",
                                       "occurrences", "fingerprint"}
