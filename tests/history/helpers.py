"""Hand-built runs for the history tests: a finding per fingerprint, a run per night."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.model import AuditRun, CheckResult, Finding

CHECKS = (
    CheckResult("TP101", "broken-internal-link", "failed", family="links"),
    CheckResult("TP102", "broken-external-link", "failed", family="links"),
    CheckResult("TP301", "misspelling", "failed", family="spelling"),
)
# Which code (and so which family) each test fingerprint belongs to; anything else is TP101.
CODES = {"typo": "TP301", "ext": "TP102"}
SEVERITY = {"TP101": "error", "TP102": "warning", "TP301": "info"}


def finding(fp: str, *, severity: str | None = None, code: str | None = None) -> Finding:
    code = code or CODES.get(fp, "TP101")
    return Finding(code=code, name="x", severity=severity or SEVERITY.get(code, "error"),
                   url=f"https://example.test/{fp}", target=f"https://example.test/{fp}/target",
                   message=f"problem {fp}", evidence={"fp": fp}, fingerprint=fp)


def make_run(fingerprints: Iterable[str], *, as_of: str = "2026-11-01", night: int = 1,
             checks: tuple[CheckResult, ...] = CHECKS) -> AuditRun:
    return AuditRun(
        target="https://example.test/", started_at=f"2026-11-{night:02d}T02:00:00+00:00",
        finished_at=f"2026-11-{night:02d}T02:10:00+00:00", pages_crawled=10 + night, touchpoints=(),
        checks=checks, findings=tuple(finding(fp) for fp in fingerprints),
        config={"crawl": {"max_pages": 100}, "as_of": as_of}, tool_version="0.1.0", stats={"as_of": as_of})


def by_fp(run: AuditRun) -> dict[str, Finding]:
    return {f.fingerprint: f for f in run.findings}


def changes(run: AuditRun) -> dict[str, tuple[str | None, int, bool]]:
    """fingerprint → (change, streak, suppressed): everything the diff decides per finding."""
    return {f.fingerprint: (f.change, f.streak, f.suppressed) for f in run.findings}


def record_nights(url: str, site: str, nights: int, findings: int, go, results) -> None:
    """Child process body for the concurrency tests: wait for ``go``, then record
    ``nights`` runs of ``site`` (each with the fingerprint "x" plus ``findings`` others)."""
    from auditor.history import History  # imported in the child, after spawn

    try:
        go.wait(60)
        history = History(url)
        for night in range(1, nights + 1):
            run = make_run(["x", *(f"{site}-{i}" for i in range(findings))], night=night)
            history.record(site, run, pages=({"url": f"https://example.test/{i}"} for i in range(findings)))
        history.close()
        results.put((site, "ok"))
    except BaseException as exc:  # report anything to the parent, which asserts on it
        results.put((site, f"{type(exc).__name__}: {exc}"))
