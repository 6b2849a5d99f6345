"""What one client's nightly run ended in, and the exit status of a whole night.

Outcomes are small plain dataclasses because they cross a process boundary (each client of
``run --all`` is audited in its own process and sends its outcome back through a pipe).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from auditor.app import fails_on

STATUSES = ("done", "unreachable", "failed", "locked", "skipped")


@dataclass(frozen=True)
class RunOptions:
    """What the command line decides for every client of the night."""

    history_url: str
    as_of: dt.date | None = None
    time_budget: float = 0  # seconds for the whole night; 0 = none


@dataclass(frozen=True)
class ClientOutcome:
    """How one client's run ended. ``status``: done, unreachable (recorded in history, the
    client's channels told), failed, locked or skipped."""

    client: str
    status: str
    message: str = ""
    run_dir: Path | None = None
    report: Path | None = None
    pages: int = 0
    new: int = 0
    fixed: int = 0
    persisting: int = 0
    suppressed: int = 0
    alerts: int = 0
    complete: bool = True
    worst: str | None = None  # worst severity among the findings not suppressed
    fail_on: str = "never"
    deliveries: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    nights_down: int = 0  # unreachable: nights in a row, tonight included
    back_up_after: int = 0  # done: unreachable nights right before tonight
    # The alerts as the notifications count them (``alerts`` = the three together):
    alerts_new: int = 0  # at or above min_severity, new tonight
    alerts_confirmed: int = 0  # at or above min_severity, persisted ``damping`` nights (or suppression lapsed)
    alerts_below: int = 0  # under the client's min_severity: not sent
    min_severity: str = "info"
    damping: int = 1
    run_id: int | None = None  # done: the run's row in the history database

    @property
    def failed_on_findings(self) -> bool:
        return self.status == "done" and fails_on(self.worst, self.fail_on)

    def line(self) -> str:
        """The one summary line of this client (stdout when done, stderr otherwise)."""
        if self.status != "done":
            return f"{self.client}: {self.status}: {self.message}"
        alerts = f"{self.alerts} alert{'s' if self.alerts != 1 else ''}"
        if self.alerts:
            from auditor.notify.payloads import alert_summary
            from auditor.report.i18n import load_catalogue

            split = [alert_summary(load_catalogue("en"), self.alerts_new, self.alerts_confirmed, self.damping)] \
                if self.alerts_new or self.alerts_confirmed else []
            if self.alerts_below:
                split.append(f"{self.alerts_below} below {self.min_severity}, not sent")
            alerts += f" ({'; '.join(split)})"
        incomplete = " (incomplete crawl: nothing counted as fixed)" if not self.complete else ""
        where = f"; report {self.report}" if self.report else (f"; run {self.run_dir}" if self.run_dir else "")
        back = (f"; back up after {self.back_up_after} unreachable night{'s' if self.back_up_after != 1 else ''}"
                if self.back_up_after else "")
        return (f"{self.client}: {self.pages} pages; {self.new} new, {self.fixed} fixed, {self.persisting} persisting, "
                f"{self.suppressed} suppressed; {alerts}{incomplete}{back}{where}")

