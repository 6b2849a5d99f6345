"""The ``Check`` API: what a built-in or plugin check declares and implements.

A check judges artifacts the collectors gathered; it never fetches. It declares the
artifacts it needs in ``requires`` (as Lighthouse audits do), and the runner gives it
only those, or records it as ``unverifiable`` when a collector could not provide them.

Two kinds:

* ``PageCheck.check_page(page, ctx)`` runs as pages stream in from the crawler, on the
  tree the crawler already parsed;
* ``SiteCheck.check_site(site, ctx)`` runs once at the end over the run store.

Both yield ``Finding`` objects made with ``self.finding(...)``. A check ends with a
status other than passed/failed by raising ``NotApplicable(reason)`` or
``Unverifiable(reason)``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import partial
from typing import Any, ClassVar, NamedTuple, Protocol

from auditor.errors import ConfigError, reject_unknown
from auditor.model import SEVERITIES, Finding, LinkResult, Location, fingerprint
from auditor.page import Page

PLUGIN_API_VERSION = 1
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
_SECTION = re.compile(r"^(What it checks|Why it matters|How to fix)\s*$", re.M)


class LinkRef(NamedTuple):
    """One link from a crawled page to a target, as stored in the link graph (a NamedTuple:
    site checks read hundreds of thousands of them)."""

    source: str
    target: str
    fragment: str | None
    text: str
    element: str


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A URL the site links to, what fetching it gave (None: never fetched), and the links."""

    url: str
    result: LinkResult | None
    refs: list[LinkRef]


# Which link targets ``SiteView.link_targets`` yields; the store filters in SQL, so a
# check that needs only the failures never reads the site's hundreds of thousands of OK links.
# Content types of documents a prospect downloads (brochures, price lists, forms), by prefix.
DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.", "application/rtf")

LINK_TARGET_FILTERS = {
    "all": "every linked URL",
    "attention": "fetched URLs that are not a plain success: an error, no status, 4xx/5xx, or redirected",
    "fragments": "URLs linked with a #fragment (only those links)",
    "external": "URLs outside the audited site",
    "non_html": "fetched URLs whose content type is not HTML (documents, images, …)",
    "documents": "fetched URLs whose content type is a document (`DOCUMENT_TYPES`: PDF, Word, office formats, RTF)",
    "unmatched_fragments": "URLs linked with a #fragment, only the links whose fragment is not literally an id or "
                           "name on the linked page as stored (all of them when the target redirected or was "
                           "not crawled)",
    "refresh": "the meta refresh graph: every `<meta http-equiv=\"refresh\">` link (element `meta-refresh`), and "
               "every link to a page that carries one (a redirect stub, maybe)",
}


class SiteView(Protocol):
    """What a site-level check can read. The run store implements it; so does
    ``auditor.testing.MemorySite`` for tests with hand-built pages."""

    start_url: str

    def is_internal(self, url: str) -> bool: ...
    def pages(self) -> Iterator[Page]: ...
    def page(self, url: str) -> Page | None: ...
    def anchors(self, url: str) -> frozenset[str] | None: ...
    def link_result(self, url: str) -> LinkResult | None: ...
    def link_targets(self, which: str = "all") -> Iterator[LinkTarget]: ...
    def artifact(self, name: str) -> Any: ...
    def page_artifacts(self, name: str) -> Iterator[tuple[str, Any]]: ...


@dataclass(frozen=True)
class CheckContext:
    """Run-wide facts a check may use besides its artifacts."""

    start_url: str
    as_of: dt.date
    artifacts: Mapping[str, Any] = field(default_factory=dict)
    max_locations: int = 1000
    page_time_limit: float = 10.0  # seconds one page check may take on one page
    site_time_limit: float = 600.0  # seconds one site check may take

    def artifact(self, name: str) -> Any:
        return self.artifacts.get(name)


class Check:
    """Base class of every check. Subclass ``PageCheck`` or ``SiteCheck``.

    Class attributes: ``code`` (``^[A-Z]{2,4}[0-9]{3}$``), ``name`` (kebab-case), ``family``,
    ``requires`` (artifact names), ``default_severity``, optional ``Options`` dataclass,
    ``api_version``. The docstring has the sections *What it checks*, *Why it matters*
    and *How to fix*, shown by ``touchpoint-auditor explain`` and in the report.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ("pages",)
    default_severity: ClassVar[str] = "warning"
    Options: ClassVar[type | None] = None
    api_version: ClassVar[int] = PLUGIN_API_VERSION

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        severity = settings.pop("severity", None) or self.default_severity
        if severity not in SEVERITIES:
            raise ConfigError(f"config: [checks.{self.code}] severity {severity!r} is not one of {SEVERITIES}")
        self.severity: str = severity
        self.options = self._build_options(settings)

    def _build_options(self, settings: dict[str, Any]) -> Any:
        if self.Options is None:
            if settings:
                raise ConfigError(f"config: [checks.{self.code}] takes no options, got {sorted(settings)}")
            return None
        assert is_dataclass(self.Options)
        reject_unknown(f"config: [checks.{self.code}]", settings, (f.name for f in fields(self.Options)), "option")
        try:
            return self.Options(**settings)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"config: [checks.{self.code}] {exc}") from None

    def finding(
        self,
        *,
        url: str,
        message: str,
        target: str | None = None,
        evidence: Mapping[str, Any] | None = None,
        locations: Iterable[Location] = (),
        occurrences: int | None = None,
        severity: str | None = None,
        key: str | None = None,
    ) -> Finding:
        """Build a finding of this check. ``key`` names what makes two findings the same
        problem (default: the target, or the page when there is no target); findings with
        the same key are merged into one with all their locations."""
        locs = tuple(locations) or (Location(url=url),)
        ident = key if key is not None else (target if target is not None else url)
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            url=url,
            target=target,
            message=message,
            evidence=dict(evidence or {}),
            locations=locs,
            occurrences=occurrences if occurrences is not None else len(locs),
            fingerprint=fingerprint(self.code, ident),
        )

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring's summary and sections: ``summary``, ``what``, ``why``, ``fix``."""
        doc = (cls.__doc__ or "").strip("\n")
        lines = doc.splitlines()
        indent = min((len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()), default=0)
        text = "\n".join([lines[0].strip() if lines else "", *[x[indent:] for x in lines[1:]]])
        parts = _SECTION.split(text)
        out = {"summary": parts[0].strip(), "what": "", "why": "", "fix": ""}
        keys = {"What it checks": "what", "Why it matters": "why", "How to fix": "fix"}
        for title, body in zip(parts[1::2], parts[2::2], strict=False):
            out[keys[title]] = re.sub(r"^-+\s*$", "", body, flags=re.M).strip()
        return out


class PageCheck(Check):
    """A check that judges one page at a time, as pages stream in."""

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError

    def reuse_key(self, ctx: CheckContext) -> str | None:
        """What this check's verdict on a page depends on besides the page and the options.

        Nightly runs re-crawl incrementally: a page that has not changed since the site's
        previous run keeps that run's findings of this check, without being parsed again, when
        this key and the check's settings are the same as then. The default, ``""``, says the
        verdict depends on the page alone. A check that reads ``ctx.as_of`` or a run artifact
        returns what it reads of them (e.g. the year); ``None`` never reuses.
        """
        return ""


class SiteCheck(Check):
    """A check that judges the whole site once the crawl has finished."""

    def check_site(self, site: SiteView, ctx: CheckContext) -> Iterator[Finding]:
        raise NotImplementedError


def run_page_checks(checks: Iterable[PageCheck], page: Page, ctx: CheckContext,
                    skip: frozenset[str] = frozenset()) -> tuple[list[Finding], list[tuple[str, str, str, str]]]:
    """Run page checks on one page, each isolated from the others.

    Returns the findings and the checks that ended on this page as
    ``(code, status, reason, traceback)``: a check that raises NotApplicable/Unverifiable
    ends with that status; any other exception ends it ``errored``. Its findings of this
    page are dropped whole (never half a result).
    """
    import traceback

    from auditor.errors import CheckOutcome
    from auditor.isolation import run_isolated

    findings: list[Finding] = []
    ended: list[tuple[str, str, str, str]] = []
    for check in checks:
        if check.code in skip:
            continue
        try:
            found = run_isolated(check, partial(check.check_page, page, ctx), ctx.page_time_limit,
                                 f"{check.code} on {page.url}")
        except CheckOutcome as outcome:
            ended.append((check.code, outcome.status, outcome.reason, ""))
            continue
        except Exception as exc:  # isolation: one check never stops the audit
            reason = f"{exc.__class__.__name__}: {exc} (on {page.url})"
            ended.append((check.code, "errored", reason, "".join(traceback.format_exception(exc))))
            continue
        findings.extend(found)
    return findings, ended
