"""Template defects: one problem the site's template (menu, footer, sidebar) repeats on many
pages, told apart from the problems a page has of its own.

A real site showed why: a broken footer link made every page of the touchpoint map read
"problems" (88 of 88), and a missing footer anchor gave 545 findings, one per page, that
together drove the links score to 0. Both are one defect, fixed once in the template.

Two shapes, one rule:

* one finding seen on many pages (a broken footer link: the runner already merges it by
  fingerprint, with every page as a location);
* many findings of one rule code that differ only by the page they are on (a missing
  ``#anchor`` in the footer: its fingerprint names the page, so each page has its own).
  They share a *defect key*: the rule code, the target relative to the page (a link to
  the page's own ``#fragment`` becomes ``#fragment``), and the message with the page's
  address taken out.

Either is a template defect when it is seen on at least ``MIN_PAGES`` pages and on at least
``MIN_SHARE`` of the pages crawled (``[report] template_defect_min_pages`` and
``template_defect_min_share`` change both; ``thresholds`` reads them from a run's config).
``findings.json`` keeps every finding and marks those of a template defect
(``template_defect``, additive); the report shows each template defect once, with a
sentence about the group (``auditor.report.messages.group_message``), keeps it out of the
pages' own status, and the family score counts it once (``auditor.scoring``). A pure
function of the findings and the two thresholds: no store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.model import AuditRun, Finding, severity_rank

__all__ = ["MIN_PAGES", "MIN_SHARE", "TemplateDefect", "defect_key", "pages_of", "run_template_defects",
           "shared_target", "template_defects", "thresholds"]

MIN_PAGES = 5
MIN_SHARE = 0.3


def _normal(url: str) -> str:
    return url.split("#")[0].rstrip("/").lower()


def pages_of(finding: Finding) -> int:
    """On how many distinct pages a finding is seen, never its occurrences: a word five times
    on one page is one page. The evidence's ``pages`` when the check counted them; else the
    distinct pages of the locations, scaled up when the locations were cut short (the
    occurrences beyond them are assumed to spread over pages as the kept ones do)."""
    pages = finding.evidence.get("pages") if isinstance(finding.evidence, dict) else None
    if isinstance(pages, int) and not isinstance(pages, bool) and pages > 0:
        return pages
    kept = len(finding.locations)
    distinct = len({loc.url for loc in finding.locations})
    if not kept:
        return max(finding.occurrences, 1)
    if finding.occurrences > kept:
        return max(distinct, round(finding.occurrences * distinct / kept), 1)
    return max(distinct, 1)


def _page_relative(finding: Finding) -> bool:
    target = finding.target or ""
    return bool(target) and "#" in target and _normal(target.partition("#")[0]) == _normal(finding.url)


def shared_target(finding: Finding) -> str:
    """The target as every page of a template defect shares it: ``#fragment`` when the
    finding's target is its own page's fragment, else the target as it is ("" for none)."""
    target = finding.target or ""
    return "#" + target.partition("#")[2] if _page_relative(finding) else target


def defect_key(finding: Finding) -> str:
    """What a finding says apart from the page it is on (see the module docstring)."""
    target = finding.target or ""
    message = finding.message or ""
    if _page_relative(finding):
        base = target.partition("#")[0]
        message = message.replace(target, "{page}").replace(base, "{page}")
        target = shared_target(finding)
    path = urlsplit(finding.url).path
    message = message.replace(finding.url, "{page}")
    if len(path) > 1:
        message = message.replace(path, "{page}")
    return "\x1f".join((finding.code, target.lower(), message))


@dataclass(frozen=True)
class TemplateDefect:
    """One defect of the site's template: its findings (one, or one per page) and its pages."""

    key: str  # stable across runs: a hash of the defect key
    code: str
    findings: tuple[Finding, ...]  # most severe first
    pages: tuple[str, ...]  # the pages it is seen on that the findings name (all, or as many as kept)
    page_count: int  # on how many pages it is seen (may exceed len(pages): locations are capped)
    target: str = ""  # what its pages share: ``#fragment`` for a page-relative target (``shared_target``)

    @property
    def finding(self) -> Finding:
        """The finding that speaks for the defect (the most severe; then the first page's)."""
        return self.findings[0]

    @property
    def severity(self) -> str:
        return self.finding.severity


def _pages(findings: Iterable[Finding]) -> list[str]:
    seen: dict[str, None] = {}
    for f in findings:
        if f.locations:
            for loc in f.locations:
                seen.setdefault(loc.url, None)
        else:
            seen.setdefault(f.url, None)
    return list(seen)


def is_template_wide(page_count: int, pages_crawled: int, min_pages: int = MIN_PAGES,
                     min_share: float = MIN_SHARE) -> bool:
    return page_count >= min_pages and page_count >= min_share * max(pages_crawled, 1)


def thresholds(config: object) -> tuple[int, float]:
    """``(min_pages, min_share)`` from a run's config (``[report] template_defect_min_pages``,
    ``template_defect_min_share``; validated by ``auditor.config``). A run saved before the
    settings existed, or a value that is not one, gets the defaults."""
    report = config.get("report") if isinstance(config, Mapping) else None
    report = report if isinstance(report, Mapping) else {}
    pages, share = report.get("template_defect_min_pages"), report.get("template_defect_min_share")
    min_pages = pages if isinstance(pages, int) and not isinstance(pages, bool) and pages >= 1 else MIN_PAGES
    min_share = float(share) if isinstance(share, int | float) and not isinstance(share, bool) else MIN_SHARE
    return min_pages, min_share if 0 < min_share <= 1 else MIN_SHARE


def run_template_defects(run: AuditRun) -> list[TemplateDefect]:
    """The template defects of ``run``, with the thresholds of its config."""
    min_pages, min_share = thresholds(run.config)
    return template_defects(run.findings, run.pages_crawled, min_pages=min_pages, min_share=min_share)


def template_defects(findings: Iterable[Finding], pages_crawled: int, *, min_pages: int = MIN_PAGES,
                     min_share: float = MIN_SHARE) -> list[TemplateDefect]:
    """The template defects among ``findings``, the most pages first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(defect_key(f), []).append(f)
    out = []
    for key, members in groups.items():
        pages = _pages(members)
        count = max(pages_of(members[0]), len(pages)) if len(members) == 1 else len({_normal(p) for p in pages})
        if not is_template_wide(count, pages_crawled, min_pages, min_share):
            continue
        members.sort(key=lambda f: (-severity_rank(f.severity), f.url, f.fingerprint))
        out.append(TemplateDefect(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], members[0].code,
                                  tuple(members), tuple(pages), count, shared_target(members[0])))
    out.sort(key=lambda d: (-d.page_count, d.code, d.key))
    return out
