"""Core types shared by collectors, checks and reporters.

They are frozen dataclasses that round-trip through JSON (``to_dict`` / ``from_dict``),
because they cross two boundaries: the run store (so a killed audit resumes and
``recheck`` re-judges without fetching) and ``findings.json`` (a public contract).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

SEVERITIES: tuple[str, ...] = ("info", "warning", "error", "critical")
CHECK_STATUSES: tuple[str, ...] = ("passed", "failed", "not_applicable", "unverifiable", "errored")
TOUCHPOINT_KINDS: tuple[str, ...] = (
    "web_page", "news_item", "form", "document", "social_profile", "ad",
    "contact_channel", "review_widget",
)


# Blocked is not broken: answers that say "not for robots", not "not here". Shared by the
# link checks and the profile visitor, which must agree on it.
BLOCKED_STATUSES = {401: "asks for a login (401)", 403: "refuses automated visitors (403)",
                    429: "rate-limits automated visitors (429)", 999: "blocks automated visitors (999)"}
# What bot walls (Cloudflare's challenge, DDoS guards, captchas) say in their error answer.
_BOT_WALL_TEXT = re.compile(
    r"just a moment\.\.\.|attention required|cf-browser-verification|challenge-platform|captcha|"
    r"are you a robot|verify you are human|access denied|ddos protection|please enable cookies|unusual traffic",
    re.I,
)


def is_bot_wall(status: int | None, headers: Mapping[str, str], text: str) -> bool:
    """An error answer (4xx, 5xx) from a bot wall in front of the page, not from the page:
    blocked, not broken. Shared, like ``BLOCKED_STATUSES``, by the link checks and the
    profile visitor (``text``: the start of the answer's body)."""
    return status is not None and status >= 400 and ("cf-mitigated" in headers or bool(_BOT_WALL_TEXT.search(text)))


def severity_rank(severity: str) -> int:
    """Order of a severity name (info=0 … critical=3); unknown names raise ValueError."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a redirect chain: the URL asked for, the status it answered, where it pointed."""

    url: str
    status: int
    location: str


# Elements whose link a visitor follows (``meta-refresh``: a refresh redirect; ``button``: a GET
# form's ``formaction``), and elements that load something into the page itself.
HYPERLINK_ELEMENTS = frozenset({"a", "area", "meta-refresh", "button"})
RESOURCE_ELEMENTS = frozenset({"img", "link", "script", "source", "iframe", "frame", "video", "audio", "track",
                               "object", "embed"})


class Link(NamedTuple):
    """An outgoing reference found in a page: a hyperlink or an embedded resource.

    ``url`` is absolute and normalised without its fragment; ``fragment`` is kept apart so
    that every ``/page#a`` and ``/page#b`` checks ``/page`` once and the anchors separately.
    A NamedTuple (immutable, like the dataclasses here) because the crawler makes ~60 per
    page on its hot path, and a frozen dataclass costs several times more to build.
    """

    url: str
    fragment: str | None = None
    text: str = ""
    element: str = "a"  # a tag name: see HYPERLINK_ELEMENTS and RESOURCE_ELEMENTS

    @property
    def is_resource(self) -> bool:
        """Embedded resources (images, stylesheets, scripts) break the page itself when missing."""
        return self.element in RESOURCE_ELEMENTS


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What fetching one URL (a page, a resource, an external link) gave: facts, not verdicts."""

    url: str
    status: int | None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    error: str | None = None  # "dns", "refused", "timeout", "tls", "redirect-loop", "robots", …
    error_detail: str | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    snippet: str = ""  # start of the body of an error answer, to recognise bot and login walls
    method: str = "GET"
    checked_at: str = ""
    elapsed_ms: int | None = None  # time to first byte of the final answer (the crawler's measure)
    size: int | None = None  # bytes of the body read (after unpacking), else its Content-Length

    def to_dict(self) -> dict[str, Any]:
        # Written out by hand: dataclasses.asdict recursion showed up in crawl profiles.
        return {"elapsed_ms": self.elapsed_ms, "size": self.size,
            "url": self.url, "status": self.status, "final_url": self.final_url,
            "redirects": [{"url": h.url, "status": h.status, "location": h.location} for h in self.redirects],
            "error": self.error, "error_detail": self.error_detail, "content_type": self.content_type,
            "headers": dict(self.headers), "snippet": self.snippet, "method": self.method,
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkResult:
        values = dict(data)
        values["redirects"] = tuple(Hop(**h) for h in values.get("redirects") or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Touchpoint:
    """A place where a prospect meets the organisation online."""

    kind: str
    url: str
    label: str = ""
    found_on: str = ""

    def to_dict(self) -> dict[str, Any]:
        # By hand: ``asdict`` deep-copies, and an audit has a touchpoint per page.
        return {"kind": self.kind, "url": self.url, "label": self.label, "found_on": self.found_on}


@dataclass(frozen=True, slots=True)
class Location:
    """One place a finding occurs: the page, and the link text or element there."""

    url: str
    text: str = ""
    element: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "text": self.text, "element": self.element}


def fingerprint(code: str, *parts: str | None) -> str:
    """A stable id for a finding across runs: code plus its normalised identifying parts."""
    key = "\x1f".join([code, *[(p or "").strip().lower() for p in parts]])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found by a check, with the evidence a client needs to fix it.

    ``locations`` lists every page the same problem occurs on; findings with the same
    ``fingerprint`` are merged by the runner, so a footer typo is one finding, not 500.
    """

    code: str
    name: str
    severity: str
    url: str
    message: str
    target: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    locations: tuple[Location, ...] = ()
    occurrences: int = 1
    fingerprint: str = ""
    # Set only when the run is compared with the site's history (nightly audits):
    change: str | None = None  # "new" | "persisting"
    suppressed: bool = False
    suppression: Mapping[str, Any] | None = None  # {"until": "YYYY-MM-DD", "reason": "…"}
    streak: int = 0  # consecutive runs, this one included, in which the finding occurred
    # The addresses of one page (TP109: same content) this finding was seen at, the address to
    # keep first; set by the runner's merge when a defect of that page is reported once for all
    # of them. Empty (and left out of findings.json) otherwise.
    same_page: tuple[str, ...] = ()

    def with_history(self, change: str, streak: int, suppression: Mapping[str, Any] | None = None) -> Finding:
        """This finding annotated with what the site's history says about it."""
        return replace(self, change=change, streak=streak, suppressed=suppression is not None,
                       suppression=dict(suppression) if suppression is not None else None)

    def to_dict(self) -> dict[str, Any]:
        data = self._core_dict()
        if self.change is not None:
            data.update(change=self.change, suppressed=self.suppressed, streak=self.streak)
            if self.suppression is not None:
                data["suppression"] = dict(self.suppression)
        return data

    def _core_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "url": self.url,
            "target": self.target,
            "message": self.message,
            "evidence": dict(self.evidence),
            "occurrences": self.occurrences,
            "fingerprint": self.fingerprint,
            "locations": [loc.to_dict() for loc in self.locations],
        }
        if self.same_page:
            data["same_page"] = list(self.same_page)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            code=data["code"],
            name=data["name"],
            severity=data["severity"],
            url=data["url"],
            message=data["message"],
            target=data.get("target"),
            evidence=dict(data.get("evidence") or {}),
            locations=tuple(Location(**loc) for loc in data.get("locations") or ()),
            occurrences=int(data.get("occurrences") or 1),
            fingerprint=data.get("fingerprint") or "",
            change=data.get("change"),
            suppressed=bool(data.get("suppressed", False)),
            suppression=data.get("suppression"),
            streak=int(data.get("streak") or 0),
            same_page=tuple(data.get("same_page") or ()),
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    """How one check ended in this run; ``reason`` explains anything but ``passed``/``failed``."""

    code: str
    name: str
    status: str
    reason: str | None = None
    family: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class RunHistory:
    """What the site's history says about a run: the previous run, what got fixed, what
    to alert on (damped and unsuppressed), and the trend of the last runs."""

    site: str
    run_id: int
    previous_run: Mapping[str, Any] | None  # {"id", "started_at", "finished_at", "pages_crawled", "findings"}
    fixed: tuple[Finding, ...] = ()
    alerts: tuple[str, ...] = ()  # fingerprints of findings that reached the damping threshold this run
    damping: int = 1
    # Oldest first, this run last: {"run_id", "started_at", "families": {family: n}, "severities": {sev: n}}
    trend: tuple[Mapping[str, Any], ...] = ()
    back_up_after: int = 0  # unreachable nights right before this run (0: it was up last time)

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "run_id": self.run_id, "previous_run": self.previous_run,
                "fixed": [f.to_dict() for f in self.fixed], "alerts": list(self.alerts),
                "damping": self.damping, "trend": [dict(t) for t in self.trend], "back_up_after": self.back_up_after}


@dataclass(frozen=True)
class AuditRun:
    """Everything a reporter may render: reporters see this and nothing else."""

    target: str
    started_at: str
    finished_at: str
    pages_crawled: int
    touchpoints: tuple[Touchpoint, ...]
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    config: Mapping[str, Any] = field(default_factory=dict)
    tool_version: str = ""
    notes: tuple[str, ...] = ()  # what limited the run: time budget, max pages, collector missing
    stats: Mapping[str, Any] = field(default_factory=dict)
    history: RunHistory | None = None  # set by nightly runs (``touchpoint-auditor run``)

    def worst_severity(self) -> str | None:
        """The highest severity among the findings not suppressed, or None when there are none.

        Suppressed findings stay visible in the reports but an accepted risk must not fail a
        pipeline (``--fail-on``)."""
        active = [f.severity for f in self.findings if not f.suppressed]
        return max(active, key=severity_rank) if active else None
