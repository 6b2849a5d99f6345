"""An audit's progress, phase by phase: crawl, external links, render, language, profiles,
ads, report, each with its counts, the elapsed time, and an ETA where one can be known.

On a terminal it is a ``rich`` live view (one row per phase, the running one with a
spinner); elsewhere (a log, cron, a pipe) one plain line per phase as it ends, so a long
LanguageTool start or a slow render shows as a phase that is running rather than a hang.
Everything goes to stderr: stdout stays the summary a script reads.

The runner calls ``phase(name)`` / ``phase_done(name, seconds)`` around each of its phases
(``Runner._phase``) and the sink itself with the crawl's counters while it crawls. A
collector tells how far it is with ``CollectContext.progress(done, total, unit)``, which
the runner points at ``step``: "render: 12/40 pages", "language: 300/800 texts",
"profiles: 3/5 profiles", with an ETA once one item is done. On a terminal the phase's row
shows them as they change; elsewhere a line every ``line_every`` seconds while the phase
runs, and the last count in the line that ends it.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, TextIO

# The runner's phase names as people read them; phases not named here are not shown
# (per-check timings, the seeding of the crawl queue).
LABELS = {
    "preflight": "start page",
    "crawl": "crawl",
    "copy_unchanged": "unchanged pages",
    "collect_feeds": "feeds",
    "collect_render": "render",
    "collect_language": "language",
    "collect_profiles": "profiles",
    "collect_ads": "ads",
    "collect_domain": "domain",
    "site_checks": "site checks",
    "touchpoints": "touchpoints",
    "report": "report",
}


def crawl_counts(stats: Any) -> str:
    """``12 pages, 40 links checked, 3 queued, 1 error`` (links: internal and external)."""
    errors = f", {stats.errors} error{'s' if stats.errors != 1 else ''}" if stats.errors else ""
    links = f"{stats.checked} link{'s' if stats.checked != 1 else ''} checked"
    pages = f"{stats.pages} page{'s' if stats.pages != 1 else ''}"
    return f"{pages}, {links}, {stats.queued} queued{errors}"


def eta(stats: Any, elapsed: float, max_pages: int | None) -> float | None:
    """Seconds left of the crawl when it can be known: pages to go (what is queued, capped by
    max_pages) at the pace so far. None before the pace is known."""
    if stats.pages < 5 or elapsed <= 0:
        return None
    left = stats.queued if not max_pages else min(stats.queued, max(max_pages - stats.pages, 0))
    return left * elapsed / stats.pages


def label(name: str) -> str | None:
    """A phase as people read it; a plugin's collector by its name; None: not shown."""
    return LABELS.get(name) or (name.removeprefix("collect_") if name.startswith("collect_") else None)


def step_counts(done: int, total: int | None, unit: str) -> str:
    """``12/40 pages``; ``3 texts`` when the total is not known; a singular for one."""
    n = total if total is not None else done
    noun = unit[:-1] if n == 1 and unit.endswith("s") else unit
    return f"{done}/{total} {noun}" if total is not None else f"{done} {noun}"


def step_eta(done: int, total: int | None, elapsed: float) -> float | None:
    """Seconds left of a collector's phase at its pace so far; None before one item is done."""
    if total is None or done < 1 or elapsed <= 0 or done >= total:
        return None
    return (total - done) * elapsed / done


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 60 else f"{int(value // 60)} min {int(value % 60):02d} s"


class Progress:
    """The progress of one audit; silent when ``enabled`` is False (``--quiet``)."""

    def __init__(self, enabled: bool, stream: TextIO | None = None, *, terminal: bool | None = None,
                 max_pages: int | None = None, line_every: float = 15.0) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.terminal = enabled and (terminal if terminal is not None else self.stream.isatty())
        self.max_pages = max_pages
        self.started = time.monotonic()
        self._phase_started: dict[str, float] = {}
        self._counts: dict[str, str] = {}
        self._live: Any = None
        self._tasks: dict[str, Any] = {}
        self.line_every = line_every  # seconds between a running phase's lines off a terminal
        self._last_line: dict[str, float] = {}
        self._lock = threading.Lock()  # the language collector reports from its worker thread

    # -- the runner's calls -------------------------------------------------------------

    def phase(self, name: str) -> None:
        shown = label(name)
        if not self.enabled or shown is None:
            return
        self._phase_started[name] = time.monotonic()
        if self.terminal:
            live = self._rich()
            self._tasks[name] = live.add_task(shown, total=None, counts="")

    def phase_done(self, name: str, seconds: float, ok: bool = True) -> None:
        if not self.enabled or label(name) is None:
            return
        counts = self._counts.get(name, "")
        if self.terminal:
            task = self._tasks.get(name)
            if task is not None:
                self._live.update(task, total=1, completed=1, counts=counts + ("" if ok else " (stopped)"))
            return
        if ok:
            detail = f": {counts}" if counts else ""
            total = _seconds(time.monotonic() - self.started)
            self.stream.write(f"{label(name)}{detail} in {_seconds(seconds)} (elapsed {total})\n")
            self.stream.flush()

    def step(self, name: str, done: int, total: int | None, unit: str) -> None:
        """A collector's count inside its phase (``CollectContext.progress``)."""
        if not self.enabled or label(name) is None:
            return
        counts = step_counts(done, total, unit)
        with self._lock:
            self._counts[name] = counts
            now = time.monotonic()
            started = self._phase_started.get(name, self.started)
            left = step_eta(done, total, now - started)
            shown = counts + (f", about {_seconds(left)} left" if left is not None else "")
            if self.terminal:
                task = self._tasks.get(name)
                if task is not None:
                    self._live.update(task, counts=shown)
                return
            if now - self._last_line.get(name, started) < self.line_every:
                return
            self._last_line[name] = now
            self.stream.write(f"{label(name)}: {shown} (elapsed {_seconds(now - self.started)})\n")
            self.stream.flush()

    def counts(self, name: str, text: str) -> None:
        """What a phase did, shown when it ends (the report phase: the formats written)."""
        self._counts[name] = text

    def __call__(self, stats: Any) -> None:
        """The crawl's counters, many times a second on a large site."""
        if not self.enabled:
            return
        counts = crawl_counts(stats)
        self._counts["crawl"] = counts
        if self.terminal and "crawl" in self._tasks:
            started = self._phase_started.get("crawl", self.started)
            left = eta(stats, time.monotonic() - started, self.max_pages)
            shown = counts + (f", about {_seconds(left)} left" if left is not None else "")
            self._live.update(self._tasks["crawl"], counts=shown)

    def done(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    # -- rich, only on a terminal ---------------------------------------------------------

    def _rich(self) -> Any:
        if self._live is None:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._live = RichProgress(SpinnerColumn(finished_text="✓"), TextColumn("{task.description:<14}"),
                                      TimeElapsedColumn(), TextColumn("{task.fields[counts]}"),
                                      console=Console(file=self.stream), transient=False)
            self._live.start()
        return self._live
