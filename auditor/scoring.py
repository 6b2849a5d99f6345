"""Family scores (0 to 100) and the impact of a finding: one documented method, the same
every run (docs/report.md, "How the scores are computed").

Impact of one finding = severity weight × reach::

    weight:  info 0 · warning 3 · error 10 · critical 25
    reach:   1 + log(pages it is seen on) / log(pages crawled)   (0 … 1 extra: every page)
             + 0.5 when it is seen on the start page (the most visited page)

A family's score is ``round(100 × exp(-sum of impacts / 100))``: one error on one page
costs 10 points (score 90), a site-wide error 20 (82), ten errors on one page each 100
(37). Each further problem costs a share of what is left, so a score
never goes below 0 and two sites with many problems still differ. ``info`` findings (such
as links that could not be verified) never lower a score, nor do suppressed findings (an
accepted risk, until its suppression expires: the report still shows them, muted).

A finding may cap its family's score (``evidence["score_cap"]``, 0 to 100): a news section
or an agenda that has gone stale is what a prospect reads first, so however clean the
rest of the family is, it must not read "good". The stale-news and stale-agenda findings
cap at ``100 × threshold / age`` and at most 79 (``stale_score_cap``): a year after the last
post with a 90-day threshold that is 25.

A template defect (``auditor.sitewide``: the same problem on many pages, one finding per
page) costs once, as one finding on all its pages: a missing footer anchor on 545 pages is
one site-wide warning, not 545 warnings that drive the score to 0.

A family none of whose checks could judge the site (all unverifiable, not applicable
or errored) has no score: a number would claim something the audit did not see.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.model import AuditRun, CheckResult, Finding, severity_rank
from auditor.sitewide import TemplateDefect, pages_of, run_template_defects

__all__ = ["SCALE", "SEVERITY_WEIGHTS", "FamilyScore", "defect_impact", "family_scores", "impact", "pages_of",
           "ranked", "ranked_units", "reach", "stale_score_cap"]

SEVERITY_WEIGHTS = {"info": 0.0, "warning": 3.0, "error": 10.0, "critical": 25.0}
SCALE = 100.0
HOME_BONUS = 0.5
GOOD = 80  # the report's "good" band starts here
JUDGED = ("passed", "failed")


def _normal(url: str) -> str:
    return url.split("#")[0].rstrip("/")


def on_home(finding: Finding, home: str) -> bool:
    home = _normal(home)
    return _normal(finding.url) == home or any(_normal(loc.url) == home for loc in finding.locations)


def reach(finding: Finding, pages_crawled: int, home: str) -> float:
    """1 for a problem on one page, up to 2 on every page, plus 0.5 on the start page."""
    return _reach(pages_of(finding), pages_crawled, on_home(finding, home))


def _reach(pages: int, pages_crawled: int, home: bool) -> float:
    total = max(pages_crawled, pages, 2)
    spread = min(math.log(pages) / math.log(total), 1.0) if pages > 1 else 0.0
    return 1.0 + spread + (HOME_BONUS if home else 0.0)


def defect_impact(defect: TemplateDefect, pages_crawled: int, home: str) -> float:
    """A template defect's impact, counted once: its worst severity × the reach of all its
    pages together (one footer defect on every page weighs as one site-wide finding)."""
    active = [f for f in defect.findings if not f.suppressed]
    if not active:
        return 0.0
    worst = max(active, key=lambda f: severity_rank(f.severity))
    return severity_weight(worst) * _reach(defect.page_count, pages_crawled, any(on_home(f, home) for f in active))


def severity_weight(finding: Finding) -> float:
    return SEVERITY_WEIGHTS.get(finding.severity, 0.0)


def impact(finding: Finding, pages_crawled: int, home: str) -> float:
    """Severity weight × reach: how much a finding matters, for ranking and scoring."""
    return SEVERITY_WEIGHTS.get(finding.severity, 0.0) * reach(finding, pages_crawled, home)


@dataclass(frozen=True)
class FamilyScore:
    """One family's score; ``score`` is None when no check of the family could judge."""

    family: str
    score: int | None
    cost: float
    findings: int  # a template defect of many findings counts as one, as the report shows it
    checks_judged: int
    checks_total: int
    # The site has no touchpoint of the family's kind (no form, no social profile, no ad):
    # nothing to judge, so no score, rather than a perfect one.
    not_applicable: bool = False

    @property
    def partial(self) -> bool:
        """Some, not all, of the family's checks judged the site."""
        return 0 < self.checks_judged < self.checks_total


def stale_score_cap(age_days: int, limit_days: int) -> int:
    """The highest family score a stale section allows: ``100 × limit / age``, at most 79 (below
    "good")."""
    return max(0, min(GOOD - 1, round(100 * limit_days / max(age_days, 1))))


def _cap(finding: Finding) -> int | None:
    cap = finding.evidence.get("score_cap") if isinstance(finding.evidence, dict) else None
    return int(cap) if isinstance(cap, int | float) and not isinstance(cap, bool) and 0 <= cap <= 100 else None


def score_from_cost(cost: float) -> int:
    return max(0, min(100, round(100 * math.exp(-cost / SCALE))))


# Families that judge one kind of touchpoint: without any of it on the site, they do not apply.
FAMILY_KINDS = {"forms": ("form",), "profiles": ("social_profile",), "ads": ("ad",)}


def family_scores(run: AuditRun, family_of: dict[str, str] | None = None,
                  defects: list[TemplateDefect] | None = None) -> list[FamilyScore]:
    """A score per family of the checks that ran, in the order the families first appear;
    ``defects``: the run's template defects when the caller has them (else found here)."""
    families: dict[str, list[CheckResult]] = {}
    code_family: dict[str, str] = dict(family_of or {})
    for check in run.checks:
        fam = check.family or code_family.get(check.code) or "other"
        code_family.setdefault(check.code, fam)
        families.setdefault(fam, []).append(check)
    costs: dict[str, float] = dict.fromkeys(families, 0.0)
    counts: dict[str, int] = dict.fromkeys(families, 0)
    caps: dict[str, int] = {}
    # A template defect of many findings (one per page) costs once, as one site-wide finding.
    grouped: dict[int, TemplateDefect] = {}
    for defect in run_template_defects(run) if defects is None else defects:
        if len(defect.findings) > 1:
            grouped.update((id(f), defect) for f in defect.findings)
    counted: set[str] = set()
    for finding in run.findings:
        if finding.suppressed:
            continue
        fam = code_family.get(finding.code, "other")
        group = grouped.get(id(finding))
        if group is None:
            cost = impact(finding, run.pages_crawled, run.target)
        elif group.key in counted:
            continue  # counted with the group's first finding: one cost, one finding
        else:
            counted.add(group.key)
            cost = defect_impact(group, run.pages_crawled, run.target)
        costs[fam] = costs.get(fam, 0.0) + cost
        counts[fam] = counts.get(fam, 0) + 1
        cap = _cap(finding)
        if cap is not None and severity_weight(finding) > 0:
            caps[fam] = min(caps.get(fam, 100), cap)
        families.setdefault(fam, [])
    kinds = {tp.kind for tp in run.touchpoints}
    out = []
    for fam, checks in families.items():
        judged = [c for c in checks if c.status in JUDGED]
        scored = bool(judged) or (not checks and counts.get(fam, 0) > 0)
        # Only with an inventory to go by (run.touchpoints), and only without findings.
        absent = (fam in FAMILY_KINDS and bool(kinds) and not kinds & set(FAMILY_KINDS[fam])
                  and not counts.get(fam, 0))
        if absent:
            out.append(FamilyScore(family=fam, score=None, cost=0.0, findings=0, checks_judged=len(judged),
                                   checks_total=len(checks), not_applicable=True))
            continue
        out.append(FamilyScore(
            family=fam, score=min(score_from_cost(costs.get(fam, 0.0)), caps.get(fam, 100)) if scored else None,
            cost=round(costs.get(fam, 0.0), 2), findings=counts.get(fam, 0), checks_judged=len(judged),
            checks_total=len(checks)))
    return out


def ranked(findings: Iterable[Finding], pages_crawled: int, home: str) -> list[tuple[float, Finding]]:
    """Findings by impact, highest first; ties broken by code and fingerprint (stable)."""
    scored = [(impact(f, pages_crawled, home), f) for f in findings]
    scored.sort(key=lambda item: (-item[0], item[1].code, item[1].fingerprint, item[1].url))
    return scored


def ranked_units(findings: Iterable[Finding], pages_crawled: int, home: str,
                 defects: Iterable[TemplateDefect]) -> list[tuple[float, Finding, TemplateDefect | None]]:
    """What the report ranks ("the findings that weigh most"): every finding, except that a
    template defect of many findings is one entry (its first finding, with the defect's
    impact). Highest impact first, ties as ``ranked``."""
    grouped: dict[int, TemplateDefect] = {}
    for defect in defects:
        if len(defect.findings) > 1:
            grouped.update((id(f), defect) for f in defect.findings)
    units: list[tuple[float, Finding, TemplateDefect | None]] = []
    for f in findings:
        group = grouped.get(id(f))
        if group is None:
            units.append((impact(f, pages_crawled, home), f, None))
        elif f is group.finding:
            units.append((defect_impact(group, pages_crawled, home), f, group))
    units.sort(key=lambda item: (-item[0], item[1].code, item[1].fingerprint, item[1].url))
    return units
