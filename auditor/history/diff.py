"""Comparing a run with the previous run of its site: pure functions, no database.

The semantics (also in docs/history.md):

- change: "new" when the fingerprint was not among the previous run's findings, else
  "persisting".
- streak: consecutive runs of the site, this one included, that contain the fingerprint.
- alert: a finding not suppressed, with ``streak >= damping``, not alerted on before in
  its current streak. One bit per finding and run (``alerted``: alerted at some point of
  the streak up to this run) carries that forward, so a run needs only the previous run.
- fixed: fingerprints of the previous run absent now; none when this run is incomplete
  (a crawl cut short proves nothing by absence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from auditor.model import SEVERITIES, CheckResult, Finding, fingerprint


@dataclass(frozen=True, slots=True)
class PriorState:
    """What the previous run of the site recorded about one fingerprint."""

    streak: int
    alerted: bool


@dataclass(frozen=True, slots=True)
class Judged:
    """One finding of this run with what its history says."""

    finding: Finding  # annotated with change, streak and suppression
    alerted: bool  # alerted during its current streak, this run included
    alert: bool  # alerted in this very run


@dataclass(frozen=True, slots=True)
class Comparison:
    judged: tuple[Judged, ...]
    alerts: tuple[str, ...]  # fingerprints, in the order of the findings, each once
    fixed: tuple[str, ...]  # fingerprints of the previous run that are gone (empty if incomplete)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(j.finding for j in self.judged)

    @property
    def new(self) -> int:
        return sum(1 for j in self.judged if j.finding.change == "new")


def ensure_fingerprint(finding: Finding) -> Finding:
    """Findings from the runner carry a fingerprint; a hand-built one may not. Without one
    it could never be matched across runs, so derive it the way checks do."""
    if finding.fingerprint:
        return finding
    return replace(finding, fingerprint=fingerprint(finding.code, finding.url, finding.target))


def active_suppressions(rows: Iterable[Mapping[Any, Any]], today: date) -> dict[str, dict[str, str]]:
    """``{fingerprint: {"until", "reason"}}`` of the suppressions holding on ``today``
    (a suppression holds through its ``until`` day)."""
    return {row["fingerprint"]: {"until": row["until"].isoformat(), "reason": row["reason"]}
            for row in rows if row["until"] >= today}


def compare(findings: Sequence[Finding], previous: Mapping[str, PriorState] | None,
            suppressed: Mapping[str, Mapping[str, str]], *, damping: int, complete: bool = True) -> Comparison:
    """Judge this run's findings against the previous run's state.

    ``previous`` is None for the site's first run. ``suppressed`` maps the fingerprints
    under an active suppression to their {"until", "reason"}."""
    if damping < 1:
        raise ValueError("damping must be at least 1")
    prior = previous or {}
    judged: list[Judged] = []
    alerts: dict[str, None] = {}  # ordered set: a fingerprint found twice alerts once
    for raw in findings:
        finding = ensure_fingerprint(raw)
        fp = finding.fingerprint
        state = prior.get(fp)
        streak = state.streak + 1 if state else 1
        already = state.alerted if state else False
        suppression = suppressed.get(fp)
        alert = suppression is None and streak >= damping and not already
        if alert:
            alerts[fp] = None
        annotated = finding.with_history("persisting" if state else "new", streak, suppression)
        judged.append(Judged(annotated, already or alert, alert))
    current = {j.finding.fingerprint for j in judged}
    fixed = tuple(fp for fp in prior if fp not in current) if complete else ()
    return Comparison(tuple(judged), tuple(alerts), fixed)


def family_of(code: str, families: Mapping[str, str]) -> str:
    """The check family of a rule code: from the run's check results, else the code's
    letters (a plugin's code whose check did not report, e.g. ``XY101`` → ``XY``)."""
    return families.get(code) or re.sub(r"[^A-Za-z]", "", code) or code


def families_by_code(checks: Iterable[CheckResult]) -> dict[str, str]:
    return {c.code: c.family for c in checks if c.family}


def summarise(findings: Iterable[Finding], families: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """Unsuppressed findings per family and per severity: one point of the trend.

    Every family that ran a check appears (0 when clean), so a chart line does not vanish
    on the night a family has nothing to report; severities always list all four."""
    by_family = dict.fromkeys(sorted(set(families.values())), 0)
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        if finding.suppressed:
            continue
        family = family_of(finding.code, families)
        by_family[family] = by_family.get(family, 0) + 1
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
    return {"families": by_family, "severities": by_severity}


def trend_point(run_id: int, started_at: str | None, summary: Mapping[str, Any], new: int, fixed: int
                ) -> dict[str, Any]:
    """One entry of ``RunHistory.trend``."""
    return {"run_id": run_id, "started_at": started_at, "families": dict(summary.get("families") or {}),
            "severities": dict(summary.get("severities") or {}), "new": new, "fixed": fixed}
