"""What the dashboard shows of each client, read from the history database: plain data,
no HTML (coverage.py's ``HtmlDataGeneration``: build data, then render).

A client's **status** is its newest history row: ``done`` is ok, ``unreachable`` and
``failed`` are what they say, no row at all is "not audited yet". Scores, new findings and
the report link come from its newest *audited* run, however old, so a client that failed
tonight still shows what its last audit found. The trend covers the 30 nights up to the
portfolio's newest night (not the clock: a dashboard written a week later shows the same
window), one point per night with an audit, the night's last run winning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NIGHTS = 30
REPORT_FILES = ("report.html", "report.pdf")  # what "open the report" opens, in this order
STATUS_OF = {"done": "ok", "unreachable": "unreachable", "failed": "failed"}


@dataclass(frozen=True)
class ClientEntry:
    """One client of the portfolio as the dashboard needs it (from the portfolio file)."""

    name: str
    target: str
    display: str  # ``[report.brand] client``, else the target's host, else the name
    language: str | None  # the client's configured report language


@dataclass(frozen=True)
class ClientState:
    """A client's place in the night: status, last runs, its score per family over the window."""

    client: ClientEntry
    status: str  # ok | failed | unreachable | never
    reason: str | None  # why it failed / was unreachable (an error kind or a one-line message)
    last_run: dt.date | None  # as-of date of the newest row
    last_run_at: str | None  # its start time (ISO), when recorded
    audited: dt.date | None  # as-of date of the newest audited run
    new: int | None
    findings: int | None  # open (unsuppressed) findings of the newest audited run
    complete: bool
    report: Path | None  # the newest audited run's report file, when it exists
    scores: dict[str, int | None]  # family -> score of the newest audited run
    trends: dict[str, list[tuple[dt.date, int]]] = field(default_factory=dict)  # family -> (night, score), oldest first


@dataclass(frozen=True)
class Overview:
    clients: list[ClientState]
    window_end: dt.date | None  # the newest night of the portfolio (None: nothing recorded)

    @property
    def window_start(self) -> dt.date | None:
        return self.window_end - dt.timedelta(days=NIGHTS - 1) if self.window_end else None


def read_overview(history: Any, clients: Iterable[ClientEntry], *, end: dt.date | None = None) -> Overview:
    """The state of every client from ``history`` (an open ``auditor.history.History``).
    ``end``: the last night of the trend window (default: the newest night recorded)."""
    entries = list(clients)
    names = [c.name for c in entries]
    if end is None:
        newest = history.recent_runs(names, dt.date.max)  # only each client's newest rows
        days = [_day(run["as_of"]) for runs in newest.values() for run in runs]
        end = max(days, default=None)
    since = end - dt.timedelta(days=NIGHTS - 1) if end is not None else dt.date.max
    rows = history.recent_runs(names, since)
    return Overview([_state(c, rows.get(c.name, []), since, end) for c in entries], end)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _state(client: ClientEntry, runs: list[Mapping[str, Any]], since: dt.date, end: dt.date | None) -> ClientState:
    """``runs``: the client's rows, newest first."""
    if not runs:
        return ClientState(client, "never", None, None, None, None, None, None, True, None, {})
    newest = runs[0]
    audited = next((r for r in runs if r["status"] == "done"), None)
    summary = (audited or {}).get("summary") or {}
    return ClientState(
        client=client, status=STATUS_OF.get(newest["status"], "failed"),
        reason=newest.get("reason") if newest["status"] != "done" else None,
        last_run=_day(newest["as_of"]), last_run_at=newest.get("started_at"),
        audited=_day(audited["as_of"]) if audited else None,
        new=audited["new"] if audited else None,
        findings=audited["findings"] - audited["suppressed"] if audited else None,
        complete=bool(audited["complete"]) if audited else True,
        report=_report(audited.get("run_dir")) if audited else None,
        scores=_scores(summary),
        trends=_trends(runs, since, end))


def _scores(summary: Mapping[str, Any]) -> dict[str, int | None]:
    """Family scores of a trend point; runs recorded before scores were stored have none
    (their families are known, each without a score)."""
    scores = summary.get("scores")
    if isinstance(scores, Mapping):
        return {str(k): v if isinstance(v, int) and not isinstance(v, bool) else None for k, v in scores.items()}
    return dict.fromkeys(map(str, summary.get("families") or {}), None)


def _trends(runs: list[Mapping[str, Any]], since: dt.date, end: dt.date | None) -> dict[str, list[tuple[dt.date, int]]]:
    nightly: dict[dt.date, Mapping[str, Any]] = {}
    for run in runs:  # newest first: the first run seen of a night is its last
        day = _day(run["as_of"])
        if run["status"] == "done" and since <= day and (end is None or day <= end):
            nightly.setdefault(day, run)
    trends: dict[str, list[tuple[dt.date, int]]] = {}
    for day in sorted(nightly):
        for family, score in _scores(nightly[day].get("summary") or {}).items():
            if score is not None:
                trends.setdefault(family, []).append((day, score))
    return trends


def _report(run_dir: Any) -> Path | None:
    if not run_dir:
        return None
    folder = Path(str(run_dir))
    for name in REPORT_FILES:
        if (folder / name).is_file():
            return folder / name
    return None
