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
``MIN_SHARE`` of the pages crawled. ``findings.json`` keeps every finding and marks those of
a template defect (``template_defect``, additive); the report shows each template defect
once, keeps it out of the pages' own status, and the family score counts it once
(``auditor.scoring``). A pure function of the findings: no store, no configuration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.model import Finding, severity_rank

__all__ = ["MIN_PAGES", "MIN_SHARE", "TemplateDefect", "defect_key", "pages_of", "template_defects"]

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


def defect_key(finding: Finding) -> str:
    """What a finding says apart from the page it is on (see the module docstring)."""
    page = _normal(finding.url)
    target = finding.target or ""
    message = finding.message or ""
    base, hash_, fragment = target.partition("#")
    if target and _normal(base) == page:
        message = message.replace(target, "{page}").replace(base, "{page}")
        target = hash_ + fragment
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


def is_template_wide(page_count: int, pages_crawled: int) -> bool:
    return page_count >= MIN_PAGES and page_count >= MIN_SHARE * max(pages_crawled, 1)


def template_defects(findings: Iterable[Finding], pages_crawled: int) -> list[TemplateDefect]:
    """The template defects among ``findings``, the most pages first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(defect_key(f), []).append(f)
    out = []
    for key, members in groups.items():
        pages = _pages(members)
        count = max(pages_of(members[0]), len(pages)) if len(members) == 1 else len({_normal(p) for p in pages})
        if not is_template_wide(count, pages_crawled):
            continue
        members.sort(key=lambda f: (-severity_rank(f.severity), f.url, f.fingerprint))
        out.append(TemplateDefect(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], members[0].code,
                                  tuple(members), tuple(pages), count))
    out.sort(key=lambda d: (-d.page_count, d.code, d.key))
    return out
