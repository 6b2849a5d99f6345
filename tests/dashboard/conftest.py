"""A portfolio of six clients with a month and more of nightly history, written through the
history API (``History.record``, ``record_unreachable``, ``record_failed``), never by SQL:

- ``acme``: 30 nights audited, the last night twice (a re-run), reports on disk;
- ``beta``: 40 nights, two of them missing, report folders with awkward names (``#``, ``:``);
- ``down``: audited, then unreachable the last 3 nights;
- ``broken``: audited, then failed the last night;
- ``hostile``: a brand name, a target and a failure message written to attack the page;
- ``fresh``: in the portfolio, never audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from auditor.history import History
from auditor.model import AuditRun, CheckResult, Finding

LAST = dt.date(2026, 11, 30)
CHECKS = (CheckResult("TP101", "broken-internal-link", "failed", family="links"),
          CheckResult("TP201", "stale-news", "passed", family="freshness"),
          CheckResult("TP301", "misspelling", "failed", family="spelling"))
HOSTILE_NAME = "<script>alert('brand')</script> \"Quote\" & 'Co'"
HOSTILE_TARGET = 'https://hostile.test/"><img src=x onerror=alert(2)>'
HOSTILE_TOML = HOSTILE_NAME.replace('"', '\\"')
HOSTILE_REASON = "<img src=x onerror=alert(3)> crashed \"badly\""


def night_run(day: dt.date, errors: int, typos: int) -> AuditRun:
    """A run on ``day`` with ``errors`` broken links and ``typos`` misspellings."""
    findings = [Finding(code="TP101", name="broken-internal-link", severity="error", url=f"https://x.test/p{i}",
                        target=f"https://x.test/p{i}/gone", message="broken", fingerprint=f"link{i}")
                for i in range(errors)]
    findings += [Finding(code="TP301", name="misspelling", severity="warning", url="https://x.test/",
                         message="typo", fingerprint=f"typo{i}") for i in range(typos)]
    stamp = f"{day.isoformat()}T02:00:00+00:00"
    return AuditRun(target="https://x.test/", started_at=stamp, finished_at=stamp, pages_crawled=20,
                    touchpoints=(), checks=CHECKS, findings=tuple(findings), config={"as_of": day.isoformat()},
                    tool_version="test", stats={"as_of": day.isoformat()})


@dataclass
class PortfolioHistory:
    root: Path
    portfolio: Path
    history_url: str
    out: Path
    audited: dict[str, list[dt.date]] = field(default_factory=dict)  # nights with an audit, per client
    reports: dict[str, Path] = field(default_factory=dict)  # the newest audited run's report


def _record(history: History, site: str, day: dt.date, errors: int, typos: int, run_dir: Path | None,
            report: str | None) -> None:
    if run_dir is not None:
        run_dir.mkdir(parents=True)
        if report:
            (run_dir / report).write_text(f"<!DOCTYPE html><title>{site} {day}</title>", "utf-8")
    history.record(site, night_run(day, errors, typos), run_dir=run_dir)


def build(root: Path, history_url: str) -> PortfolioHistory:
    runs = root / "data" / "runs"
    portfolio = root / "portfolio.toml"
    portfolio.write_text(f"""[portfolio]
data_dir = "data"
history = "{history_url}"

[dashboard]
out = "data/dashboard"

[defaults.report]
language = "en"
brand.agency = "Agency <b>&amp;</b>"

[clients.acme]
target = "https://acme.test/"

[clients.beta]
target = "https://beta.test/"

[clients.down]
target = "https://down.test/"

[clients.broken]
target = "https://broken.test/"

[clients.hostile]
target = '{HOSTILE_TARGET}'
report.brand.client = "{HOSTILE_TOML}"

[clients.fresh]
target = "https://fresh.test/"
""", "utf-8")
    made = PortfolioHistory(root, portfolio, history_url, root / "data" / "dashboard")
    with History(history_url) as history:
        for n in range(30):  # acme: 30 nights, scores moving with the night
            day = LAST - dt.timedelta(days=29 - n)
            _record(history, "acme", day, n % 4, n % 3, runs / "acme" / f"{day:%Y%m%d}", "report.html")
        _record(history, "acme", LAST, 0, 0, runs / "acme" / "rerun", "report.html")  # the last night, again
        made.audited["acme"] = [LAST - dt.timedelta(days=29 - n) for n in range(30)]
        made.reports["acme"] = runs / "acme" / "rerun" / "report.html"
        beta = [LAST - dt.timedelta(days=39 - n) for n in range(40)]
        beta = [d for d in beta if d not in (LAST - dt.timedelta(days=5), LAST - dt.timedelta(days=6))]
        for i, day in enumerate(beta):
            _record(history, "beta", day, 1, i % 2, runs / "beta" / f"night #{i}: {day}", "report.pdf")
        made.audited["beta"] = [d for d in beta if d > LAST - dt.timedelta(days=30)]
        made.reports["beta"] = runs / "beta" / f"night #{len(beta) - 1}: {beta[-1]}" / "report.pdf"
        for n in range(27):
            day = LAST - dt.timedelta(days=29 - n)
            _record(history, "down", day, 2, 0, runs / "down" / f"{day:%Y%m%d}", "report.html")
        for n in range(27, 30):
            history.record_unreachable("down", "https://down.test/", reason="dns",
                                       today=LAST - dt.timedelta(days=29 - n))
        made.audited["down"] = [LAST - dt.timedelta(days=29 - n) for n in range(27)]
        made.reports["down"] = runs / "down" / f"{LAST - dt.timedelta(days=3):%Y%m%d}" / "report.html"
        for n in range(10):
            day = LAST - dt.timedelta(days=10 - n)
            _record(history, "broken", day, 5, 5, runs / "broken" / f"{day:%Y%m%d}", "report.html")
        history.record_failed("broken", "https://broken.test/", reason="unknown report format 'docx'", today=LAST)
        made.audited["broken"] = [LAST - dt.timedelta(days=10 - n) for n in range(10)]
        made.reports["broken"] = runs / "broken" / f"{LAST - dt.timedelta(days=1):%Y%m%d}" / "report.html"
        _record(history, "hostile", LAST - dt.timedelta(days=1), 1, 1, runs / "hostile" / "<b>x</b>", "report.html")
        history.record_failed("hostile", HOSTILE_TARGET, reason=HOSTILE_REASON, today=LAST)
        made.audited["hostile"] = [LAST - dt.timedelta(days=1)]
        made.reports["hostile"] = runs / "hostile" / "<b>x</b>" / "report.html"
    made.audited["fresh"] = []
    return made


EXPECTED_STATUS = {"acme": "ok", "beta": "ok", "down": "unreachable", "broken": "failed", "hostile": "failed",
                   "fresh": "never"}


@pytest.fixture(scope="module")
def portfolio_history(tmp_path_factory) -> Iterator[PortfolioHistory]:
    root = tmp_path_factory.mktemp("portfolio")
    yield build(root, f"sqlite:///{root / 'history.db'}")
