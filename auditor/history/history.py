"""The History class: each site's runs, compared night after night.

One ``record`` is one transaction: the run, its findings and its pages are stored, and
the comparison with the previous run is read, under a lock on the site's row (PostgreSQL
``SELECT … FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``), so two processes recording the
same site cannot both compare against the same previous run, and two recording
different sites both succeed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from auditor.history.database import default_history_url, mask, open_engine, parse_url
from auditor.history.diff import (
    Comparison,
    PriorState,
    active_suppressions,
    compare,
    families_by_code,
    family_of,
    summarise,
    trend_point,
)
from auditor.history.errors import HistoryError
from auditor.history.migrate import upgrade
from auditor.history.schema import run_findings, run_pages, runs, sites, suppressions
from auditor.model import AuditRun, Finding, RunHistory
from auditor.scoring import family_scores

MAX_CARRY_RUNS = 30  # incomplete runs in a row a finding's state is carried through
# Rows per INSERT batch and per IN (…) list: bounded memory for a 100,000-page run, and
# well under SQLite's and PostgreSQL's bound-parameter limits.
BATCH = 2000
# Caps on the copies of crawled text kept in their own columns (the whole finding is in
# ``data``); a hostile page cannot make a column unbounded.
URL_CAP = 4096
MESSAGE_CAP = 4096
HEADER_CAP = 1024
SITE_NAME_CAP = 200
DONE, UNREACHABLE, FAILED = "done", "unreachable", "failed"  # runs.status


class History:
    """The history database of nightly audits (see docs/history.md).

    ``History()`` opens the default SQLite file in the user's data directory;
    ``History("postgresql://user:pw@host/db")`` a server. Either is migrated to the newest
    schema on open. Every method raises only ``HistoryError`` for database trouble."""

    def __init__(self, url: str | None = None) -> None:
        parsed = parse_url(str(url) if url is not None else default_history_url())
        self._where = mask(parsed)
        self._password = parsed.password
        self._engine = open_engine(parsed)
        try:
            with self._errors("open"), self._write() as conn:
                upgrade(conn, self._where)
        except HistoryError:
            self._engine.dispose()
            raise

    # -- recording --------------------------------------------------------------------

    def record(self, site: str, run: AuditRun, *, run_dir: Path | None = None,
               pages: Iterable[Mapping[str, Any]] = (), damping: int = 1,
               today: date | None = None, trend_runs: int = 12, complete: bool = True) -> AuditRun:
        """Compare ``run`` with the previous run of ``site``, store it in one transaction,
        and return it annotated (findings with change/streak/suppression, ``run.history``).

        ``pages`` are rows of ``RunStore.page_index()``; ``complete=False`` (a crawl cut
        short) reports nothing as fixed; ``today`` (default: the run's as-of date) decides
        which suppressions hold."""
        name = _site_name(site)
        if damping < 1:
            raise HistoryError(f"damping must be at least 1 run, not {damping}")
        if trend_runs < 1:
            raise HistoryError(f"trend_runs must be at least 1, not {trend_runs}")
        day = today or _run_day(run)
        families = families_by_code(run.checks)
        with self._errors(f"record a run of {name}"), self._write() as conn:
            site_id = _lock_site(conn, name, run.target)
            prev = conn.execute(select(runs.c.id, runs.c.started_at, runs.c.finished_at, runs.c.pages_crawled,
                                       runs.c.findings).where(runs.c.site_id == site_id, runs.c.status == DONE)
                                .order_by(runs.c.id.desc()).limit(1)).first()
            down = _nights_down(conn, site_id)
            prior, source = _prior_states(conn, site_id) if prev is not None else (None, {})
            held = active_suppressions(
                conn.execute(select(suppressions.c.fingerprint, suppressions.c.until, suppressions.c.reason)
                             .where(suppressions.c.site_id == site_id)).mappings(), day)
            result = compare(run.findings, prior, held, damping=damping, complete=complete)
            fixed = _fixed_findings(conn, source, result.fixed) if prev is not None and result.fixed else ()
            summary: dict[str, Any] = {**summarise(result.findings, families),
                                       "scores": _scores(run, result.findings)}
            run_id = _insert_run(conn, site_id, run, result, summary, day, run_dir, damping, complete, len(fixed))
            _insert_findings(conn, run_id, result, families)
            _insert_pages(conn, run_id, pages)
            trend = _trend(conn, site_id, trend_runs)
        previous = None if prev is None else {
            "id": prev.id, "started_at": prev.started_at, "finished_at": prev.finished_at,
            "pages_crawled": prev.pages_crawled, "findings": prev.findings}
        history = RunHistory(site=name, run_id=run_id, previous_run=previous, fixed=fixed, alerts=result.alerts,
                             damping=damping, trend=tuple(trend), back_up_after=down)
        return replace(run, findings=result.findings, history=history)

    def record_unreachable(self, site: str, target: str, *, reason: str, today: date,
                           started_at: str = "", finished_at: str = "") -> tuple[int, int]:
        """Record a night ``site`` could not be reached (``reason``: the error kind, such as
        ``dns``, ``refused``, ``tls``, ``http-503``, ``robots``). Nothing was audited, so the
        row has no findings and counts as incomplete: the next good night compares with the
        last audited run, and nothing is called fixed because of a night the site was down.
        Returns (run id, nights down in a row including this one)."""
        name = _site_name(site)
        with self._errors(f"record an unreachable run of {name}"), self._write() as conn:
            site_id = _lock_site(conn, name, target)
            down = _nights_down(conn, site_id) + 1
            run_id = _insert_empty_run(conn, site_id, target, UNREACHABLE, reason, 200, today, started_at,
                                       finished_at)
        return run_id, down

    def record_failed(self, site: str, target: str, *, reason: str, today: date,
                      started_at: str = "", finished_at: str = "") -> int:
        """Record a night the audit of ``site`` failed (a bad option, a bug, a killed process;
        ``reason`` is the one-line message). Like an unreachable night it has no findings
        and counts as incomplete, so it changes no comparison; it is there so that a
        portfolio's dashboard and ``history`` show the failure. Returns the run id."""
        name = _site_name(site)
        with self._errors(f"record a failed run of {name}"), self._write() as conn:
            site_id = _lock_site(conn, name, target)
            return _insert_empty_run(conn, site_id, target, FAILED, reason, MESSAGE_CAP, today, started_at,
                                     finished_at)

    def previous_run_dir(self, site: str) -> Path | None:
        """The run directory of the newest recorded run of ``site`` (None: none, or not given)."""
        with self._errors(f"read the runs of {site}"), self._read() as conn:
            value = conn.execute(select(runs.c.run_dir).join(sites, sites.c.id == runs.c.site_id)
                                 .where(sites.c.name == site, runs.c.status == DONE)
                                 .order_by(runs.c.id.desc()).limit(1)).scalar()
        return Path(value) if value else None

    # -- suppressions -----------------------------------------------------------------

    def suppress(self, fingerprint: str, *, until: date, reason: str, site: str | None = None) -> list[str]:
        """Accept a finding until ``until`` (inclusive) for ``reason``; returns the sites it
        applies to: ``site``, or every site whose history has the fingerprint. Suppressing
        again replaces the date and reason."""
        fp = (fingerprint or "").strip()
        if not fp:
            raise HistoryError("a suppression needs a fingerprint")
        if not (reason or "").strip():
            raise HistoryError("a suppression needs a reason")
        if not isinstance(until, date):
            raise HistoryError(f"a suppression needs an end date, not {until!r}")
        until = until.date() if isinstance(until, datetime) else until
        with self._errors(f"suppress {fp!r}"), self._write() as conn:
            matches = _sites_with(conn, fp, site)
            if not matches:
                where = f"site {site!r}" if site is not None else "any site"
                raise HistoryError(f"unknown fingerprint {fp!r}: no recorded run of {where} has it")
            created = _now()
            for site_id, _ in matches:
                conn.execute(delete(suppressions).where(suppressions.c.site_id == site_id,
                                                        suppressions.c.fingerprint == fp))
                conn.execute(suppressions.insert().values(site_id=site_id, fingerprint=fp, until=until,
                                                          reason=reason.strip(), created_at=created))
        return sorted(name for _, name in matches)

    @property
    def where(self) -> str:
        """The database as a message may name it (password masked)."""
        return self._where

    def fingerprints(self, prefix: str, site: str | None = None, limit: int = 10) -> dict[str, list[str]]:
        """The fingerprints starting with ``prefix`` (lower-case hex) that recorded runs (of
        ``site``) have or that are suppressed, each with the sites that have it; at most
        ``limit`` of them (enough to call a prefix ambiguous)."""
        fp = (prefix or "").strip().lower()
        if not fp or not all(c in "0123456789abcdef" for c in fp):
            raise HistoryError(f"a fingerprint is hexadecimal: {prefix!r}")
        in_runs = (select(run_findings.c.fingerprint, sites.c.name)
                   .join(runs, runs.c.id == run_findings.c.run_id).join(sites, sites.c.id == runs.c.site_id)
                   .where(run_findings.c.fingerprint.startswith(fp)))
        suppressed = (select(suppressions.c.fingerprint, sites.c.name).join(sites, sites.c.id == suppressions.c.site_id)
                      .where(suppressions.c.fingerprint.startswith(fp)))
        if site is not None:
            in_runs = in_runs.where(sites.c.name == site)
            suppressed = suppressed.where(sites.c.name == site)
        found: dict[str, set[str]] = {}
        with self._errors(f"look up fingerprint {fp!r}"), self._read() as conn:
            for stmt in (in_runs.distinct(), suppressed):
                for fingerprint, name in conn.execute(stmt):
                    if fingerprint in found or len(found) < limit:
                        found.setdefault(fingerprint, set()).add(name)
        return {key: sorted(names) for key, names in sorted(found.items())}

    def unsuppress(self, fingerprint: str, site: str | None = None) -> int:
        """End the suppression of a fingerprint (on ``site``, or everywhere); returns how many ended."""
        fp = (fingerprint or "").strip()
        with self._errors(f"unsuppress {fp!r}"), self._write() as conn:
            stmt = delete(suppressions).where(suppressions.c.fingerprint == fp)
            if site is not None:
                stmt = stmt.where(suppressions.c.site_id.in_(select(sites.c.id).where(sites.c.name == site)))
            return conn.execute(stmt).rowcount

    def suppressions(self, site: str | None = None) -> list[dict[str, Any]]:
        """Every suppression (expired ones too, until unsuppressed), by site then end date:
        {"site", "fingerprint", "until": "YYYY-MM-DD", "reason", "created_at"}."""
        stmt = (select(sites.c.name, suppressions.c.fingerprint, suppressions.c.until, suppressions.c.reason,
                       suppressions.c.created_at)
                .join(sites, sites.c.id == suppressions.c.site_id)
                .order_by(sites.c.name, suppressions.c.until, suppressions.c.fingerprint))
        if site is not None:
            stmt = stmt.where(sites.c.name == site)
        with self._errors("read suppressions"), self._read() as conn:
            return [{"site": name, "fingerprint": fp, "until": until.isoformat(), "reason": reason,
                     "created_at": created} for name, fp, until, reason, created in conn.execute(stmt)]

    # -- reading and retention --------------------------------------------------------

    def runs(self, site: str, limit: int = 20) -> list[dict[str, Any]]:
        """The newest ``limit`` runs of ``site``, newest first ([] for an unknown site)."""
        stmt = (select(runs).join(sites, sites.c.id == runs.c.site_id).where(sites.c.name == site)
                .order_by(runs.c.id.desc()).limit(max(limit, 0)))
        with self._errors(f"read the runs of {site}"), self._read() as conn:
            return [_run_dict(row) for row in conn.execute(stmt)]

    def recent_runs(self, site_names: Iterable[str], since: date) -> dict[str, list[dict[str, Any]]]:
        """The runs of each of ``site_names`` whose as-of date is ``since`` or later, plus each
        site's newest run and newest audited (``done``) run however old, newest first, each
        with its ``summary`` (findings per family and severity, family ``scores``) and
        ``site``. One query per 2,000 sites: what a portfolio's dashboard reads."""
        names = list(dict.fromkeys(site_names))
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        with self._errors("read the recent runs"), self._read() as conn:
            for chunk in _chunks(names, BATCH):
                ids = select(sites.c.id).where(sites.c.name.in_(chunk)).scalar_subquery()
                newest = select(func.max(runs.c.id)).where(runs.c.site_id.in_(ids)).group_by(runs.c.site_id)
                newest_done = newest.where(runs.c.status == DONE)
                stmt = (select(runs, sites.c.name.label("site")).join(sites, sites.c.id == runs.c.site_id)
                        .where(runs.c.site_id.in_(ids),
                               or_(runs.c.as_of >= since, runs.c.id.in_(newest), runs.c.id.in_(newest_done)))
                        .order_by(runs.c.id.desc()))
                for row in conn.execute(stmt):
                    out[row.site].append({**_run_dict(row), "site": row.site, "summary": dict(row.summary or {})})
        return out

    def prune(self, site: str, *, keep_runs: int | None = None, keep_days: int | None = None,
              today: date | None = None) -> list[Path]:
        """Delete the runs of ``site`` beyond retention, with their findings and pages, and
        return their run directories (oldest first) for the caller to delete.

        A run goes when it is not among the newest ``keep_runs``, or its as-of date is more
        than ``keep_days`` before ``today``; the newest run always stays, because the next
        run is compared with it."""
        if keep_runs is not None and keep_runs < 1:
            raise HistoryError(f"keep_runs must be at least 1, not {keep_runs}")
        if keep_days is not None and keep_days < 0:
            raise HistoryError(f"keep_days must not be negative, not {keep_days}")
        if keep_runs is None and keep_days is None:
            return []
        cutoff = (today or date.today()) - timedelta(days=keep_days or 0)
        with self._errors(f"prune the runs of {site}"), self._write() as conn:
            rows = conn.execute(select(runs.c.id, runs.c.as_of, runs.c.run_dir)
                                .join(sites, sites.c.id == runs.c.site_id).where(sites.c.name == site)
                                .order_by(runs.c.id.desc())).all()
            doomed = [row for index, row in enumerate(rows) if index > 0 and (
                (keep_runs is not None and index >= keep_runs) or (keep_days is not None and row.as_of < cutoff))]
            for chunk in _chunks([row.id for row in doomed], BATCH):
                # Children first, explicitly: SQLite enforces ON DELETE CASCADE only when
                # the connection enabled foreign keys, and other tools may not.
                conn.execute(delete(run_findings).where(run_findings.c.run_id.in_(chunk)))
                conn.execute(delete(run_pages).where(run_pages.c.run_id.in_(chunk)))
                conn.execute(delete(runs).where(runs.c.id.in_(chunk)))
        return [Path(row.run_dir) for row in reversed(doomed) if row.run_dir]

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Database failures as one line naming the database (password masked) and the action."""
        try:
            yield
        except (SQLAlchemyError, CommandError) as exc:
            detail = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
            lines = [line.strip() for line in str(detail).splitlines() if line.strip()]
            reason = lines[0] if lines else type(detail).__name__
            if self._password:
                reason = reason.replace(self._password, "***")
            raise HistoryError(f"history database {self._where}: cannot {action}: {reason}") from None


# -- helpers (module level: no state beyond the connection) ------------------------------


def _site_name(site: str) -> str:
    name = (site or "").strip() if isinstance(site, str) else ""
    if not name:
        raise HistoryError("a run is recorded under a site name; the name is empty")
    if len(name) > SITE_NAME_CAP:
        raise HistoryError(f"site name longer than {SITE_NAME_CAP} characters: {name[:40]!r}…")
    return name


def _run_day(run: AuditRun) -> date:
    """The run's "today": its as-of date (``--as-of``, recorded by the runner), else now."""
    for value in (run.stats.get("as_of"), run.config.get("as_of")):
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return date.today()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(value: Any, cap: int) -> str | None:
    """Crawled text made storable on both backends: capped, without NUL (PostgreSQL text
    refuses it) and without lone surrogates (UTF-8 encoders refuse them)."""
    if value is None:
        return None
    text = str(value)[:cap]
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _lock_site(conn: Connection, name: str, target: str) -> int:
    """The site's id, creating the row if needed, locked until the transaction ends."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(sites).values(name=name, target=_text(target, URL_CAP), created_at=_now())
                 .on_conflict_do_nothing(index_elements=["name"]))
    return conn.execute(select(sites.c.id).where(sites.c.name == name).with_for_update()).scalar_one()


def _prior_states(conn: Connection, site_id: int) -> tuple[dict[str, PriorState], dict[str, int]]:
    """The state of every fingerprint the site's history still holds open, and the run it
    comes from. That is the previous run's findings, plus, when that run was incomplete (a
    crawl cut short), those of the runs before it back to the last complete one that the
    incomplete runs did not see: absence from a partial crawl proves nothing, so it neither
    fixes a finding nor breaks its streak (no "new" alert again after a cut-short night)."""
    states: dict[str, PriorState] = {}
    source: dict[str, int] = {}
    recent = conn.execute(select(runs.c.id, runs.c.complete).where(runs.c.site_id == site_id)
                          .order_by(runs.c.id.desc()).limit(MAX_CARRY_RUNS)).all()
    for run_id, complete in recent:
        rows = conn.execute(select(run_findings.c.fingerprint, run_findings.c.streak, run_findings.c.alerted)
                            .where(run_findings.c.run_id == run_id).order_by(run_findings.c.id))
        for fp, streak, alerted in rows:
            if fp not in states:
                states[fp] = PriorState(streak, bool(alerted))
                source[fp] = run_id
        if complete:
            break
    return states, source


def _fixed_findings(conn: Connection, source: Mapping[str, int], fingerprints: Sequence[str]) -> tuple[Finding, ...]:
    """The earlier findings that are gone, as they were stored then, in their order then."""
    by_run: dict[int, list[str]] = {}
    for fp in fingerprints:
        by_run.setdefault(source[fp], []).append(fp)
    rows: list[Any] = []  # Row objects of one select
    for run_id, fps in by_run.items():
        for chunk in _chunks(fps, BATCH):
            rows += conn.execute(select(run_findings.c.id, run_findings.c.fingerprint, run_findings.c.data)
                                 .where(run_findings.c.run_id == run_id, run_findings.c.fingerprint.in_(chunk))).all()
    seen: set[str] = set()
    fixed: list[Finding] = []
    for row in sorted(rows, key=lambda r: r.id):
        if row.fingerprint not in seen:
            seen.add(row.fingerprint)
            fixed.append(Finding.from_dict(row.data))
    return tuple(fixed)


def _insert_run(conn: Connection, site_id: int, run: AuditRun, result: Comparison, summary: Mapping[str, Any],
                day: date, run_dir: Path | None, damping: int, complete: bool, fixed: int) -> int:
    values = {
        "site_id": site_id, "target": _text(run.target, URL_CAP), "started_at": _text(run.started_at, 40),
        "finished_at": _text(run.finished_at, 40), "recorded_at": _now(), "as_of": day, "complete": complete,
        "pages_crawled": run.pages_crawled, "findings": len(result.judged), "new": result.new, "fixed": fixed,
        "suppressed": sum(1 for j in result.judged if j.finding.suppressed), "damping": damping,
        "alerts": list(result.alerts), "summary": dict(summary),
        "run_dir": str(Path(run_dir).absolute()) if run_dir is not None else None,
        "settings": dict(run.config), "tool_version": _text(run.tool_version, 50),
    }
    key = conn.execute(runs.insert().values(**values)).inserted_primary_key
    assert key is not None  # an INSERT of one row always has its key
    return int(key[0])


def _insert_empty_run(conn: Connection, site_id: int, target: str, status: str, reason: str, cap: int, today: date,
                      started_at: str, finished_at: str) -> int:
    """A night with nothing audited (unreachable, failed): no findings, incomplete."""
    key = conn.execute(runs.insert().values(
        site_id=site_id, target=_text(target, URL_CAP), started_at=_text(started_at, 40),
        finished_at=_text(finished_at, 40), recorded_at=_now(), as_of=today, complete=False,
        pages_crawled=0, findings=0, new=0, fixed=0, suppressed=0, damping=1, alerts=[], summary={},
        run_dir=None, settings={}, tool_version=None, status=status, reason=_text(reason, cap))).inserted_primary_key
    assert key is not None
    return int(key[0])


def _scores(run: AuditRun, findings: Sequence[Finding]) -> dict[str, int | None]:
    """The report's family scores (``auditor.scoring``) of this run, suppressions applied:
    stored with the trend point so a dashboard draws 30 nights without reading findings."""
    return {s.family: s.score for s in family_scores(replace(run, findings=tuple(findings)))}


def _insert_findings(conn: Connection, run_id: int, result: Comparison, families: Mapping[str, str]) -> None:
    def row(judged: Any) -> dict[str, Any]:
        f: Finding = judged.finding
        return {"run_id": run_id, "fingerprint": f.fingerprint[:64], "code": f.code[:16],
                "family": family_of(f.code, families)[:64], "severity": f.severity[:10],
                "url": _text(f.url, URL_CAP), "target": _text(f.target, URL_CAP),
                "message": _text(f.message, MESSAGE_CAP), "change": f.change, "suppressed": f.suppressed,
                "streak": f.streak, "alerted": judged.alerted, "data": f.to_dict()}
    for chunk in _chunks(map(row, result.judged), BATCH):
        conn.execute(run_findings.insert(), chunk)


def _insert_pages(conn: Connection, run_id: int, pages: Iterable[Mapping[str, Any]]) -> None:
    def row(page: Mapping[str, Any]) -> dict[str, Any]:
        url = page.get("url") if isinstance(page, Mapping) else None
        if not url:
            raise HistoryError(f"a page row needs a url: {str(page)[:80]!r}")
        status = page.get("status")
        return {"run_id": run_id, "url": _text(url, URL_CAP),
                "status": int(status) if isinstance(status, int | str) and str(status).isdigit() else None,
                "content_type": _text(page.get("content_type"), HEADER_CAP),
                "etag": _text(page.get("etag"), HEADER_CAP),
                "last_modified": _text(page.get("last_modified"), HEADER_CAP),
                "content_hash": _text(page.get("content_hash"), 128)}
    for chunk in _chunks(map(row, pages), BATCH):
        conn.execute(run_pages.insert(), chunk)


def _nights_down(conn: Connection, site_id: int) -> int:
    """How many of the site's newest runs in a row were unreachable (0: the last one was audited)."""
    # A failed night says nothing about the site being up or down: it is skipped.
    statuses = conn.execute(select(runs.c.status).where(runs.c.site_id == site_id, runs.c.status != FAILED)
                            .order_by(runs.c.id.desc()).limit(MAX_CARRY_RUNS)).scalars()
    return sum(1 for _ in itertools.takewhile(lambda status: status == UNREACHABLE, statuses))


def _trend(conn: Connection, site_id: int, count: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(runs.c.id, runs.c.started_at, runs.c.summary, runs.c.new, runs.c.fixed)
                        .where(runs.c.site_id == site_id, runs.c.status == DONE)
                        .order_by(runs.c.id.desc()).limit(count)).all()
    return [trend_point(r.id, r.started_at, r.summary, r.new, r.fixed) for r in reversed(rows)]


def _sites_with(conn: Connection, fingerprint: str, site: str | None) -> list[tuple[int, str]]:
    """(id, name) of the sites (or the one site) whose recorded runs have the fingerprint."""
    has_it = (select(runs.c.site_id).join(run_findings, run_findings.c.run_id == runs.c.id)
              .where(run_findings.c.fingerprint == fingerprint))
    stmt = select(sites.c.id, sites.c.name).where(sites.c.id.in_(has_it)).order_by(sites.c.name)
    if site is not None:
        stmt = stmt.where(sites.c.name == site)
    return [(row.id, row.name) for row in conn.execute(stmt)]


def _run_dict(row: Row[Any]) -> dict[str, Any]:
    return {"id": row.id, "started_at": row.started_at, "finished_at": row.finished_at,
            "as_of": row.as_of.isoformat(), "complete": bool(row.complete), "pages_crawled": row.pages_crawled,
            "findings": row.findings, "new": row.new, "fixed": row.fixed, "suppressed": row.suppressed,
            "alerts": len(row.alerts or ()), "damping": row.damping, "run_dir": row.run_dir,
            "tool_version": row.tool_version, "status": row.status, "reason": row.reason}


