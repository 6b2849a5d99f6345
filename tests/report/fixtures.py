"""Test helpers: an ``AuditRun`` back from a ``findings.json`` (to render a stored audit
again), and small hand-made runs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.model import AuditRun, CheckResult, Finding, Location, RunHistory, Touchpoint
from auditor.touchpoint_pages import DetailedTouchpoint


def touchpoint(data: dict[str, Any]) -> Touchpoint:
    if "details" in data:
        return DetailedTouchpoint(data["kind"], data["url"], data.get("label", ""), data.get("found_on", ""),
                                  data["details"])
    return Touchpoint(data["kind"], data["url"], data.get("label", ""), data.get("found_on", ""))


def run_from_findings_json(path: Path, **config: Any) -> AuditRun:
    """The run a findings.json describes (families from the installed checks)."""
    from auditor.registry import load_checks

    doc = json.loads(Path(path).read_text("utf-8"))
    families = {code: info.cls.family for code, info in load_checks().items()}
    return AuditRun(
        target=doc["target"], started_at=doc["started_at"], finished_at=doc["finished_at"],
        pages_crawled=doc["pages_crawled"], touchpoints=tuple(touchpoint(t) for t in doc["touchpoints"]),
        checks=tuple(CheckResult(c["code"], c["name"], c["status"], c.get("reason"), families.get(c["code"], ""))
                     for c in doc["checks"]),
        findings=tuple(Finding.from_dict(f) for f in doc["findings"]), config=config,
        tool_version=doc["tool"]["version"], notes=tuple(doc.get("notes") or ()))


def finding(code: str = "TP101", *, severity: str = "error", url: str | None = None,
            target: str | None = "https://ex.nl/gone", message: str = "Broken link.", evidence: dict | None = None,
            pages: tuple[str, ...] = ("https://ex.nl/",), fingerprint: str = "") -> Finding:
    return Finding(code=code, name="broken-internal-link", severity=severity, url=url or pages[0], target=target,
                   message=message, evidence=evidence or {"status": 404, "pages": len(pages)},
                   locations=tuple(Location(p, "link text", "a") for p in pages), occurrences=len(pages),
                   fingerprint=fingerprint or f"{code}-{target}-{url}")


def make_run(findings: tuple[Finding, ...] = (), *, touchpoints: tuple[Touchpoint, ...] = (),
             checks: tuple[CheckResult, ...] | None = None, pages: int = 10, **config: Any) -> AuditRun:
    if checks is None:
        checks = (CheckResult("TP101", "broken-internal-link", "failed" if findings else "passed", None, "links"),)
    return AuditRun(target="https://ex.nl/", started_at="2026-11-22T10:00:00+00:00",
                    finished_at="2026-11-22T10:01:00+00:00", pages_crawled=pages, touchpoints=touchpoints,
                    checks=checks, findings=findings, config=config, tool_version="0.1.0")


# One check in each status, for the machine outputs (JUnit cases, SARIF notifications).
CHECKS_ALL_STATUSES = (
    CheckResult("TP101", "broken-internal-link", "failed", None, "links"),
    CheckResult("TP105", "broken-anchor", "passed", None, "links"),
    CheckResult("TP201", "stale-news", "failed", None, "freshness"),
    CheckResult("TP301", "misspelling", "unverifiable", "LanguageTool not available", "spelling"),
    CheckResult("TP401", "missing-viewport", "errored", "RuntimeError: boom", "mobile"),
    CheckResult("TP501", "off-topic-landing-page", "not_applicable", "no ads given", "ads"),
)
PREVIOUS_RUN = {"id": 4, "started_at": "2026-11-21T02:00:00+00:00", "finished_at": "2026-11-21T02:09:00+00:00",
                "pages_crawled": 10, "findings": 5}


def history(*, previous: Mapping[str, Any] | None = PREVIOUS_RUN, fixed: tuple[Finding, ...] = (),
            trend: tuple[Mapping[str, Any], ...] = ()) -> RunHistory:
    """A site's history as the history database would hand it to the reporters; the default
    is a second run (a previous run, nothing fixed, no trend)."""
    return RunHistory(site="https://ex.nl/", run_id=5, previous_run=previous, fixed=fixed, trend=trend)


def trend_entry(day: int, families: Mapping[str, int], *, new: int | None = None,
                fixed: int | None = None) -> dict[str, Any]:
    """One run of a trend: started on ``day`` November 2026 at 02:00."""
    entry: dict[str, Any] = {"run_id": day, "started_at": f"2026-11-{day:02}T02:00:00+00:00",
                             "families": dict(families), "severities": {}}
    if new is not None:
        entry["new"] = new
    if fixed is not None:
        entry["fixed"] = fixed
    return entry


def with_history(run: AuditRun, hist: RunHistory) -> AuditRun:
    return replace(run, history=hist)
