"""The audit service: one audit of one site into a run folder, the same for every front end.

The command line (``touchpoint-auditor audit``, ``recheck``) and the nightly runs
(``auditor/nightly/client.py``) both go through here, so an audit is wired up once: the
inputs that can be wrong are checked before anything is fetched (report formats, the ads
file), the process is tuned for the audit (``auditor.runtime``), the progress line is
cleared however the audit ends, and a folder created for an audit that stored nothing is
removed again. What differs between the front ends stays with them: the command line's
``--resume`` hint and Ctrl-C handling, the nightly run's lock, history and notifications.

    reporters = prepare(config)                  # a typo in a format fails before crawling
    run = audit(config, out, previous=..., resume=..., progress=...)
    written = write_reports(run, out, reporters)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from auditor.errors import AuditorError, CrawlAborted, InputError
from auditor.model import AuditRun, severity_rank

if TYPE_CHECKING:  # imported on use: the command line starts its parse workers before pydantic loads
    from auditor.config import Config


class ProgressSink(Protocol):
    """What shows an audit's progress: called with the crawl's counters, ``done`` at the end.
    A sink that also has ``phase(name)`` and ``phase_done(name, seconds, ok)`` is told when
    each of the runner's phases starts and ends (``auditor/cli/progress.py``)."""

    def __call__(self, stats: Any) -> None: ...

    def done(self) -> None: ...


def prepare(config: Config, *, ads: bool = True) -> dict[str, type]:
    """Check what the configuration names before any work, and return the reporters of its
    formats: a malformed ads file or an unknown format is one clear line now, not after the
    crawl. ``ads=False``: the ads file was read when the audit started (``--resume``)."""
    from auditor.registry import load_reporters

    if ads and config.ads is not None:
        from auditor.collect.ads.csv_file import load_ads

        load_ads(config.ads)
    return load_reporters(config.report.formats)


def stored_config(run_dir: Path) -> dict[str, Any]:
    """The configuration an audit in ``run_dir`` was started with (``--resume``, ``recheck``);
    empty when the store has none."""
    from auditor.store import RunStore, require_intact_run_dir

    require_intact_run_dir(run_dir)  # a damaged store is one line, and the folder stays as it was
    store = RunStore(run_dir)
    try:
        return dict(store.meta("config") or {})
    finally:
        store.close()


def audit(config: Config, out: Path, *, previous: Path | None = None, resume: bool = False,
          progress: ProgressSink | None = None) -> AuditRun:
    """Crawl, collect and judge ``config.target`` into ``out`` and return the run.

    ``previous``: the same site's previous run folder (incremental re-crawl; one that cannot
    be read makes the audit a full one, with a note); ``resume``:
    go on with the audit stored in ``out``. A folder this call creates is removed again
    when the audit ends in an ``AuditorError`` before it stored a page (a mistyped URL
    must not leave an empty audit folder behind). The folder is locked meanwhile
    (``auditor.store.lock``): another audit of it is refused in one line."""
    from auditor.runner import Runner
    from auditor.runtime import tune_gc
    from auditor.store import STORE_FILE, hold_run_dir, require_run_dir

    out = Path(out)
    with hold_run_dir(out) as lock:  # one writer per run folder: a second audit is refused here
        try:
            if resume:
                require_run_dir(out)
            elif (out / STORE_FILE).exists():
                raise InputError(f"{out} already holds an audit: continue it with --resume {out}, "
                                 "or choose another --out")
            tune_gc()  # this process is the audit's: see auditor.runtime
            return Runner(config, out, resume=resume, progress=progress, previous=previous).run()
        except CrawlAborted:
            raise  # what was collected is kept, to be resumed
        except AuditorError:
            if lock.created:
                discard_if_empty(out)
            raise
        finally:
            if progress is not None:
                progress.done()


def recheck(config: Config, run_dir: Path) -> AuditRun:
    """Judge the run stored in ``run_dir`` again with ``config``; nothing is fetched."""
    from auditor.runner import Runner
    from auditor.store import hold_run_dir, require_run_dir

    require_run_dir(run_dir)
    with hold_run_dir(run_dir):  # not while an audit writes the folder
        return Runner(config, run_dir).recheck()


def write_reports(run: AuditRun, out: Path, reporters: dict[str, type]) -> dict[str, Path]:
    """Every report of ``reporters`` into ``out``: format → file written."""
    return {fmt: cls().write(run, out) for fmt, cls in reporters.items()}


def fails_on(worst: str | None, fail_on: str) -> bool:
    """Whether the worst severity found reaches ``fail_on`` (``never``: it never does)."""
    if fail_on == "never" or worst is None:
        return False
    return severity_rank(worst) >= severity_rank(fail_on)


def discard_if_empty(out: Path) -> None:
    """Remove an audit folder when its store holds no page (or there is no store); one
    whose store cannot be read is left alone."""
    from auditor.store import stored_page_count

    if stored_page_count(out) == 0:
        shutil.rmtree(out, ignore_errors=True)
