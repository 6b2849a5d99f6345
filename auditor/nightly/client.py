"""One client's nightly run: lock → previous run → audit → history → reports → notify → prune.

The order matters. The lock comes first, so a second run of the same site touches nothing
(no run folder, no history row). History is recorded before the reports are written,
because the reports show what history says (new, fixed, suppressed). Notifications go
out after the reports exist, so an e-mail can attach one. Old runs are pruned last, so a
failure earlier never costs the run the next night compares with.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import traceback
from pathlib import Path
from typing import Any, Protocol

from auditor import app
from auditor.app import ProgressSink
from auditor.errors import AuditorError, UnreachableTarget
from auditor.model import AuditRun
from auditor.nightly.lock import SiteLock, SiteLocked
from auditor.nightly.outcome import ClientOutcome, RunOptions
from auditor.nightly.portfolio import Client, Portfolio


class ClientLock(Protocol):
    """What keeps two audits of one client apart: ``acquire`` raises ``SiteLocked`` at once."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...


def run_client(portfolio: Portfolio, client: Client, options: RunOptions, *,
               time_budget: float | None = None, progress: ProgressSink | None = None,
               lock: ClientLock | None = None, run_dir: Path | None = None, resume: bool = False) -> ClientOutcome:
    """Audit ``client`` once; every problem becomes an outcome (failed, locked), never an exception,
    so the caller can go on with the next client. ``time_budget``: seconds this client may
    crawl (what is left of the night), on top of its own ``crawl.time_budget``; ``progress``:
    what shows the crawl's progress (the command line's status line), if anything.

    The fleet (``auditor/fleet/``) passes its own ``lock`` (a PostgreSQL advisory lock instead
    of the local ``flock``) and the ``run_dir`` it chose under the client's run folder, with
    ``resume`` when that folder holds an audit a killed worker left unfinished."""
    lock = lock if lock is not None else SiteLock(portfolio.lock_path(client.name), client.name)
    try:
        lock.acquire()
    except SiteLocked as exc:
        return ClientOutcome(client.name, "locked", str(exc))
    try:
        return _audit(portfolio, client, options, time_budget, progress, run_dir, resume)
    except UnreachableTarget as exc:
        return _unreachable(client, options, exc)
    except AuditorError as exc:
        return failed(client, options, str(exc))
    except Exception as exc:  # a bug must cost one client, not the night
        log = _log_crash(portfolio.run_root(client.name), exc)
        return failed(client, options, f"{exc.__class__.__name__}: {exc} (traceback in {log})")
    finally:
        lock.release()


def failed(client: Client, options: RunOptions, message: str) -> ClientOutcome:
    """A failed night: a row in history (status ``failed``, the message as its reason) so
    the dashboard and ``history`` show it, and the outcome. The row changes no comparison;
    when history itself is the trouble, the outcome alone says so."""
    from auditor.history import History

    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        history = History(options.history_url)
        try:
            history.record_failed(client.name, client.config.target or "", reason=message,
                                  today=options.as_of or dt.date.today(), started_at=now, finished_at=now)
        finally:
            history.close()
    except AuditorError:
        pass
    return ClientOutcome(client.name, "failed", message)


def _audit(portfolio: Portfolio, client: Client, options: RunOptions, time_budget: float | None,
           progress: ProgressSink | None, run_dir: Path | None, resume: bool) -> ClientOutcome:
    from auditor.history import History

    config = _effective_config(client, options, time_budget)
    reporters = app.prepare(config)  # a typo in a format or the ads file fails before any crawling
    history = History(options.history_url)
    try:
        previous = history.previous_run_dir(client.name)
        if previous is not None and not Path(previous).is_dir():
            previous = None  # deleted by hand: crawl everything afresh
        run_dir = run_dir if run_dir is not None else new_run_dir(portfolio.run_root(client.name))
        try:
            run = app.audit(config, run_dir, previous=previous, resume=resume, progress=progress)
            if run.pages_crawled == 0:  # answered, but not one page: as down as a refused connection
                raise UnreachableTarget(f"no page of {config.target} could be read", kind=_no_pages_kind(run, run_dir))
            complete = not run.stats.get("stopped_by_budget", False)
            run = _record(history, client, run, run_dir, complete, config.as_of)
        except BaseException:
            # Not recorded: history would never know (nor prune) this folder, and the next
            # night must compare with the last run that was recorded.
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        written = app.write_reports(run, run_dir, reporters)
        _point_latest(portfolio.run_root(client.name), run_dir)
        deliveries = _notify(client, run, written, config)
        if run.history is not None and run.history.back_up_after:
            deliveries += _notify_back_up(client, config, run.history.back_up_after)
        notes = list(run.notes)
        for pruned in history.prune(client.name, keep_runs=client.keep_runs, keep_days=client.keep_days,
                                    today=config.as_of):
            notes.extend(_delete_run_dir(portfolio.run_root(client.name), Path(pruned)))
    finally:
        history.close()
    return _outcome(client, run, run_dir, written, complete, deliveries, notes, config.report.fail_on)


def _alert_split(client: Client, run: AuditRun) -> dict[str, Any]:
    """The alerts as the notifications count them: new and confirmed at or above the client's
    ``min_severity`` (everything without ``[notify]``), the rest counted apart."""
    from auditor.notify.payloads import alert_findings, is_confirmed

    floor = client.notify.min_severity if client.notify is not None else "info"
    sent = alert_findings(run, floor)
    confirmed = sum(1 for f in sent if is_confirmed(f))
    total = len(run.history.alerts) if run.history is not None else 0
    return {"alerts_new": len(sent) - confirmed, "alerts_confirmed": confirmed,
            "alerts_below": max(total - len(sent), 0), "min_severity": floor,
            "damping": run.history.damping if run.history is not None else 1}


def _effective_config(client: Client, options: RunOptions, time_budget: float | None) -> Any:
    """The client's config with tonight's date and what is left of the night's time budget."""
    config = client.config
    as_of = options.as_of or dt.date.today()
    crawl = config.crawl
    if time_budget:
        own = crawl.time_budget
        crawl = crawl.model_copy(update={"time_budget": min(own, time_budget) if own else time_budget})
    return config.model_copy(update={"as_of": as_of, "crawl": crawl})


def new_run_dir(root: Path) -> Path:
    """``RUNS/CLIENT/20261122-020000`` (a suffix when two runs start within one second)."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        candidate = root / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise AuditorError(f"{root}: cannot create a run folder for {stamp}")


def _record(history: Any, client: Client, run: AuditRun, run_dir: Path, complete: bool,
            today: dt.date | None) -> AuditRun:
    from auditor.store import RunStore

    store = RunStore(run_dir)
    try:
        return history.record(client.name, run, run_dir=run_dir, pages=store.page_index(), damping=client.damping,
                              today=today, complete=complete)
    finally:
        store.close()


def _point_latest(root: Path, run_dir: Path) -> None:
    """``RUNS/CLIENT/latest`` → the newest run, swapped atomically (a web server can serve it)."""
    link = root / "latest"
    tmp = root / f".latest-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_dir.name)
    tmp.replace(link)


def _notify(client: Client, run: AuditRun, written: dict[str, Path], config: Any) -> tuple[str, ...]:
    if client.notify is None:
        return ()
    from auditor.notify import send_notifications

    report = written.get("pdf") or written.get("html")
    return tuple(send_notifications(run, client.notify, client=client.name, report_path=report,
                                    ca_bundle=config.crawl.ca_bundle, name=_client_name(client),
                                    language=config.report.language))


def _no_pages_kind(run: AuditRun, run_dir: Path) -> str:
    """Why a crawl read no page: the start page's server error, robots.txt, or its network error."""
    from auditor.store import RunStore

    store = RunStore(run_dir)
    try:
        start = store.link_result(run.target)
    finally:
        store.close()
    if start is not None and start.status is not None and start.status >= 500:
        return f"http-{start.status}"
    if run.stats.get("skipped_robots"):
        return "robots"
    if start is not None and start.error:
        return start.error
    return "no-pages"


def _client_name(client: Client) -> str:
    """The client as the report names it (``[report.brand] client``), else the site's host."""
    from urllib.parse import urlsplit

    config = client.config
    return config.report.brand.client or urlsplit(config.target or "").hostname or client.name


def _unreachable(client: Client, options: RunOptions, exc: UnreachableTarget) -> ClientOutcome:
    """A night the site could not be reached: a row in history, a notice on every channel
    (not damped: a whole site down is news on the first night), an outcome that fails the night."""
    from auditor.history import History
    from auditor.notify.notices import reason_text, unreachable_notice

    config = client.config
    today = options.as_of or dt.date.today()
    kind = exc.kind or "unknown"
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    history = History(options.history_url)
    try:
        _run_id, nights = history.record_unreachable(client.name, config.target or "", reason=kind, today=today,
                                                     started_at=now, finished_at=now)
    finally:
        history.close()
    deliveries: tuple[str, ...] = ()
    if client.notify is not None:
        from auditor.notify.notices import send_notice

        notice = unreachable_notice(client=client.name, name=_client_name(client), target=config.target or "",
                                    date=today.isoformat(), reason=kind, nights=nights,
                                    language=config.report.language)
        deliveries = tuple(send_notice(notice, client.notify, ca_bundle=config.crawl.ca_bundle))
    streak = f" ({nights} nights in a row)" if nights > 1 else ""
    return ClientOutcome(client.name, "unreachable", f"{config.target}: {reason_text(kind, 'en')}{streak}",
                         deliveries=deliveries, nights_down=nights)


def _notify_back_up(client: Client, config: Any, nights: int) -> tuple[str, ...]:
    if client.notify is None:
        return ()
    from auditor.notify.notices import back_up_notice, send_notice

    notice = back_up_notice(client=client.name, name=_client_name(client), target=config.target,
                            date=(config.as_of or dt.date.today()).isoformat(), nights=nights,
                            language=config.report.language)
    return tuple(send_notice(notice, client.notify, ca_bundle=config.crawl.ca_bundle))


def _delete_run_dir(root: Path, run_dir: Path) -> list[str]:
    """Delete a pruned run folder, but only inside this client's run folder: a history database
    shared or edited by hand must never make us delete anything else."""
    try:
        resolved = run_dir.resolve()
    except OSError:
        return []
    if resolved.parent != root.resolve() or not resolved.is_dir():
        return [f"pruned run {run_dir} from history; its folder was left alone (not in {root})"] \
            if resolved.exists() else []
    shutil.rmtree(resolved, ignore_errors=True)
    return []


def _outcome(client: Client, run: AuditRun, run_dir: Path, written: dict[str, Path], complete: bool,
             deliveries: tuple[str, ...], notes: list[str], fail_on: str) -> ClientOutcome:
    active = [f for f in run.findings if not f.suppressed]
    history = run.history
    return ClientOutcome(
        client=client.name, status="done", run_dir=run_dir,
        report=written.get("html") or written.get("pdf") or next(iter(written.values()), None),
        pages=run.pages_crawled,
        new=sum(1 for f in active if f.change == "new"),
        persisting=sum(1 for f in active if f.change == "persisting"),
        suppressed=len(run.findings) - len(active),
        fixed=len(history.fixed) if history else 0,
        alerts=len(history.alerts) if history else 0,
        complete=complete, worst=run.worst_severity(), fail_on=fail_on,
        deliveries=deliveries, notes=tuple(notes), back_up_after=history.back_up_after if history else 0,
        run_id=history.run_id if history else None,
        **_alert_split(client, run),
    )


def _log_crash(root: Path, exc: BaseException) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    log = root / "errors.log"
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return log
