"""Runs an audit: config → collect → run store → checks → findings → reporters.

The runner decides which collectors run from what the enabled checks ``require``
(nothing fetches what no check needs), isolates checks from each other (one that raises
is ``errored``; the rest go on), merges findings that are the same problem (same
fingerprint) into one with all their locations, and hands reporters an ``AuditRun``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor import __version__
from auditor.artifacts import read_pages
from auditor.artifacts import write as write_artifact
from auditor.artifacts.crawl import NotFoundProbe, Sitemaps
from auditor.artifacts.render import RenderedPage
from auditor.check import Check, CheckContext, PageCheck, SiteCheck, run_page_checks
from auditor.collect.crawl.crawler import Crawler, CrawlStats, not_found_probe, preflight
from auditor.collect.crawl.follows import LinkPolicy
from auditor.collect.crawl.incremental import reuse_keys
from auditor.collect.crawl.parse import PageParser
from auditor.collect.crawl.parse_pool import default_workers
from auditor.collect.crawl.politeness import HostGate
from auditor.collect.crawl.robots import RobotsCache
from auditor.collect.crawl.seeds import seed_url
from auditor.collect.crawl.sitemaps import collect_sitemaps, seed_from_sitemaps
from auditor.collect.guard import AddressPolicy
from auditor.collect.http import Fetcher, make_session
from auditor.collect.render.discover import FEW_HTML_LINKS, discover, render_for_links
from auditor.collector import CollectContext, Collector, CollectorUnavailable, collector_failures, load_collectors
from auditor.config import Config
from auditor.errors import CheckOutcome, InputError
from auditor.isolation import run_isolated
from auditor.model import HYPERLINK_ELEMENTS, AuditRun, CheckResult, Finding, Location, severity_rank
from auditor.page import Page
from auditor.registry import CheckInfo, load_checks, load_failures, select_checks
from auditor.same_page import merge_same_page, representatives, same_pages
from auditor.store import PreviousRun, RunStore, StoreUnreadable
from auditor.touchpoints import touchpoints_from_links
from auditor.urls import InvalidURL, Scope, host_of, normalise, origin_of, registrable_domain

# Artifacts the built-in crawler provides; a check requiring anything else is
# unverifiable until a collector for it is installed.
CRAWLER_ARTIFACTS = frozenset({"pages", "link_status", "not_found_probe", "sitemaps", "robots"})


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def instantiate(infos: list[CheckInfo], config: Config) -> list[Check]:
    """Create the enabled checks with their ``[checks.CODE]`` settings (validated)."""
    return [info.cls(config.checks.settings_for(info.code)) for info in infos]


def merge_findings(findings: Iterable[Finding], max_locations: int,
                   same_page: Mapping[str, str] | None = None) -> list[Finding]:
    """One finding per fingerprint, with the union of its locations, worst severity first.

    ``same_page`` maps each address of a page served at several addresses (TP109's sets,
    ``auditor.same_page``) to the address to keep: a defect of such a page is then one finding
    naming all its addresses, not one per address."""
    merged: dict[str, Finding] = {}
    locs: dict[str, dict[tuple[str, str, str], Location]] = {}
    counts: dict[str, int] = {}
    for f in findings:
        key = f.fingerprint
        bucket = locs.setdefault(key, {})
        before = len(bucket)
        for loc in f.locations:
            if len(bucket) < max_locations:
                bucket.setdefault((loc.url, loc.text, loc.element), loc)
        added = len(bucket) - before
        extra = max(f.occurrences - len(f.locations), 0)
        counts[key] = counts.get(key, 0) + added + extra
        if key not in merged or severity_rank(f.severity) > severity_rank(merged[key].severity):
            merged[key] = f
    out = []
    for key, f in merged.items():
        ordered = tuple(sorted(locs[key].values(), key=lambda loc: (loc.url, loc.text)))
        first = ordered[0].url if ordered else f.url
        out.append(Finding(
            code=f.code, name=f.name, severity=f.severity, url=first, message=f.message, target=f.target,
            evidence=f.evidence, locations=ordered, occurrences=max(counts[key], len(ordered), 1),
            fingerprint=f.fingerprint,
        ))
    out = merge_same_page(out, same_page or {}, max_locations)
    out.sort(key=lambda f: (-severity_rank(f.severity), f.code, f.target or "", f.url))
    return out


@dataclass
class CheckPlan:
    """Which enabled checks run when (``Runner._plan``), and the context they all get."""

    ctx: CheckContext
    page: list[PageCheck]  # while pages stream in (parse workers included)
    late: list[PageCheck]  # over the stored pages, once the collectors they need have run
    site: list[SiteCheck]  # at the end, over the run store


class Runner:
    """One audit of one site into ``run_dir``."""

    def __init__(self, config: Config, run_dir: Path, *, resume: bool = False,
                 progress: Callable[[CrawlStats], None] | None = None,
                 available: dict[str, CheckInfo] | None = None,
                 collectors: dict[str, type[Collector]] | None = None,
                 previous: Path | None = None) -> None:
        self.config = config
        # The run directory of the same site's previous audit: unchanged pages are taken from
        # it instead of parsed and judged again (incremental re-crawl, nightly runs).
        self.previous = Path(previous) if previous is not None else None
        self.run_dir = Path(run_dir)
        self.resume = resume
        self.progress = progress
        self.available = available if available is not None else load_checks()
        failures = load_failures() if available is None else {}
        infos = select_checks(self.available, config.checks.enabled, config.checks.disabled, failures)
        self.checks = instantiate(infos, config)
        self.results: dict[str, CheckResult] = {}
        self.phases: dict[str, float] = {}
        self.notes: list[str] = []
        # Installed checks that cannot be imported: errored, named, and the audit goes on.
        wanted = {t.strip().upper() for t in config.checks.enabled}
        unwanted = {t.strip().upper() for t in config.checks.disabled}
        self.broken = {code: reason for code, reason in failures.items()
                       if ("ALL" in wanted or code in wanted) and code not in unwanted}
        self.as_of = config.as_of or dt.date.today()
        self.required = {"pages"}.union(*(c.requires for c in self.checks))
        self.collectors = [
            cls(config.collectors.get(name)) for name, cls in (collectors or load_collectors()).items()
            if set(cls.provides) & self.required
        ]
        self.provided = CRAWLER_ARTIFACTS | {a for c in self.collectors for a in c.provides}

    # -- checks -------------------------------------------------------------------
    def _record(self, check: Check, status: str, reason: str | None = None) -> None:
        self.results[check.code] = CheckResult(check.code, check.name, status, reason, check.family)

    def _runnable(self) -> list[Check]:
        ready = []
        broken: str | None = None
        for check in self.checks:
            missing = [a for a in check.requires if a not in self.provided]
            if missing:
                if broken is None:  # scans the installed collectors: once, not per check
                    broken = "; ".join(collector_failures().values())
                self._record(check, "unverifiable", f"no collector provides {', '.join(missing)}"
                             + (f" ({broken})" if broken else ""))
            else:
                ready.append(check)
        return ready

    def page_hook(self, ctx: CheckContext, page_checks: list[PageCheck]) -> Callable[[Page], list[Finding]]:
        """Runs page checks on one stored page (late checks, recheck), isolating each."""
        def hook(page: Page) -> list[Finding]:
            ended = frozenset(c.code for c in page_checks if c.code in self.results)
            findings, outcomes = run_page_checks(page_checks, page, ctx, ended)
            for outcome in outcomes:
                self._check_ended(*outcome)
            return findings
        return hook

    def _check_ended(self, code: str, status: str, reason: str, trace: str) -> None:
        """A page check ended early (in this process or a parse worker): record it once."""
        check = next(c for c in self.checks if c.code == code)
        if code not in self.results:
            self._record(check, status, reason)
        if trace:
            self._log_trace(code, trace)

    def _log_trace(self, what: str, trace: str) -> None:
        """Tracebacks go to RUN_DIR/errors.log; the report shows the one-line reason."""
        with (self.run_dir / "errors.log").open("a", encoding="utf-8") as fh:
            fh.write(f"{now_iso()} {what}\n{trace}")

    def run_site_checks(self, store: RunStore, ctx: CheckContext, site_checks: list[SiteCheck]) -> None:
        for check in site_checks:
            if check.code in self.results:
                continue
            try:
                with self._phase(f"check_{check.code}"):
                    findings = run_isolated(check, functools.partial(check.check_site, store, ctx),
                                            ctx.site_time_limit, check.code)
            except CheckOutcome as outcome:
                self._record(check, outcome.status, outcome.reason)
                continue
            except Exception as exc:
                self._record(check, "errored", f"{exc.__class__.__name__}: {exc}")
                self._log_trace(check.code, "".join(traceback.format_exception(exc)))
                continue
            store.replace_site_findings(check.code, findings)

    def finish_statuses(self, store: RunStore, codes_with_findings: set[str]) -> None:
        for check in self.checks:
            if check.code not in self.results:
                self._record(check, "failed" if check.code in codes_with_findings else "passed")
            store.set_check_result(self.results[check.code])
        for code, reason in self.broken.items():
            self.results[code] = CheckResult(code, "", "errored", reason, "")
            store.set_check_result(self.results[code])
            self.notes.append(reason)

    def all_results(self) -> tuple[CheckResult, ...]:
        return tuple(self.results[c] for c in [*(c.code for c in self.checks), *self.broken])

    def _scope(self, start_url: str) -> Scope:
        cfg = self.config.crawl
        return Scope(start_url, cfg.scope, tuple(cfg.include), tuple(cfg.exclude))

    def _judge_stored_pages(self, store: RunStore, ctx: CheckContext, page_checks: list[PageCheck]) -> None:
        """Run page checks over the pages already stored (late page checks, recheck)."""
        hook = self.page_hook(ctx, page_checks)
        for page in store.pages():
            store.add_page_findings(page.url, hook(page))
        store.flush()

    def _context(self, start_url: str) -> CheckContext:
        checks = self.config.checks
        return CheckContext(start_url=start_url, as_of=self.as_of, artifacts=self._artifacts,
                            max_locations=self.config.report.max_locations,
                            page_time_limit=checks.page_time_limit, site_time_limit=checks.site_time_limit)

    # -- the audit ----------------------------------------------------------------
    def run(self) -> AuditRun:
        done: list[AuditRun] = []

        async def main() -> None:
            # Not the task's result: asyncio.run reprs its main task when it restores the
            # SIGINT handler, and the repr of a whole AuditRun costs ~50 ms on a large site.
            done.append(await self._run())

        asyncio.run(main())
        return done[0]

    async def _run(self) -> AuditRun:
        """The audit's phases, in order; each is a method below."""
        start = self._target()
        store = RunStore(self.run_dir)
        self._artifacts: dict[str, Any] = {}
        self._record_start(store, start)
        cfg = self.config.crawl
        policy = AddressPolicy.for_run([urlsplit(start).hostname or ""], cfg.resolves(), cfg.allow_private)
        async with make_session(cfg, policy) as session:
            fetcher = Fetcher(cfg, session, HostGate(cfg.per_host, cfg.rate_limit))
            fetcher.limit_auth_to(host_of(start))
            scope, first = await self._settle_scope(store, fetcher, start)
            policy.allow_host(urlsplit(scope.start_url).hostname or "")  # moved to www.: the site lives there too
            await self._probe_not_found(store, fetcher, scope)
            plan = self._plan(scope)
            previous = self._previous(plan.page, plan.ctx, store)
            stats = await self._crawl(store, fetcher, scope, first, plan, previous)
            stats = await self._after_crawl(store, fetcher, scope, previous, stats)
        self._crawl_notes(stats)
        self._judge(store, plan)
        return self._finish(store, scope, stats)

    def _target(self) -> str:
        """The start URL, normalised; a bad one is one clear line."""
        target = self.config.target
        if not target:
            raise InputError("no URL to audit")
        try:
            return normalise(target, strip_params=False)[0]
        except InvalidURL as exc:
            raise InputError(str(exc)) from None

    def _record_start(self, store: RunStore, start: str) -> None:
        """A new audit stores what it was asked (a resumed one keeps what it stored then)."""
        if not self.resume:
            store.set_meta(target=start, started_at=now_iso(), status="running", tool_version=__version__,
                           config=self.config.model_dump(mode="json"), as_of=self.as_of.isoformat())

    async def _settle_scope(self, store: RunStore, fetcher: Fetcher, start: str) -> tuple[Scope, Any]:
        """The crawl's scope: from the start URL's final address when it redirects within the
        same site (``http://x.nl`` → ``https://www.x.nl/``), as settled when the audit began
        for a resumed one. Also returns the preflight's answer (None when resumed)."""
        if self.resume and store.meta("scope_start"):
            scope = self._scope(store.meta("scope_start"))
            store.set_scope(scope)
            return scope, None
        scope = self._scope(start)
        with self._phase("preflight"):
            first = await preflight(fetcher, start, self.config.crawl.max_body_bytes)
        final = first.final_url or start
        if final != start and registrable_domain(host_of(final)) == registrable_domain(host_of(start)):
            scope = self._scope(final)
        store.set_meta(scope_start=scope.start_url)
        store.set_scope(scope)
        return scope, first

    async def _probe_not_found(self, store: RunStore, fetcher: Fetcher, scope: Scope) -> None:
        """The site's own answer to an address that cannot exist, when a check needs it (TP104)."""
        if "not_found_probe" not in self.required:
            return
        probe = store.artifact(NotFoundProbe.NAME) if self.resume else None
        if probe is None:
            found_probe = await not_found_probe(fetcher, origin_of(scope.start_url))
            write_artifact(store, found_probe)
            probe = found_probe.to_json()
        self._artifacts[NotFoundProbe.NAME] = probe

    def _plan(self, scope: Scope) -> CheckPlan:
        """Which checks run where: page checks on the crawler's artifacts while pages stream
        in, page checks that need a collector's artifacts over the stored pages afterwards,
        site checks at the end."""
        runnable = self._runnable()
        page = [c for c in runnable if isinstance(c, PageCheck) and set(c.requires) <= CRAWLER_ARTIFACTS]
        return CheckPlan(ctx=self._context(scope.start_url), page=page,
                         late=[c for c in runnable if isinstance(c, PageCheck) and c not in page],
                         site=[c for c in runnable if isinstance(c, SiteCheck)])

    async def _crawl(self, store: RunStore, fetcher: Fetcher, scope: Scope, first: Any, plan: CheckPlan,
                     previous: PreviousRun | None) -> CrawlStats:
        """Seed (or resume) the frontier and crawl; page checks run as pages are parsed."""
        cfg = self.config.crawl
        robots = RobotsCache(fetcher, fetcher.gate, cfg.user_agent)
        workers = cfg.parse_workers if cfg.parse_workers >= 0 else default_workers()
        policy = LinkPolicy(scope, check_external=cfg.check_external and "link_status" in self.required,
                            follow_links=not cfg.list_mode)
        parser = PageParser(plan.page, plan.ctx, policy, cfg.strip_tracking_params, workers=workers,
                            pool_after=cfg.parse_pool_after, on_end=self._check_ended,
                            templates="render" in self.required)
        crawler = Crawler(cfg, scope, store, fetcher, robots, parser=parser,
                          progress=self.progress, previous=previous)
        crawler.start_fragment = normalise(self.config.target or "", strip_params=False)[1]  # checked by TP105
        self._crawler = crawler  # a follow-up round crawls what the rendered DOM adds (render_links)
        for collector in self.collectors:  # a collector's server starts while the site is crawled
            collector.prepare(self.run_dir, incremental=previous is not None)
        if self.resume and store.meta("seeded"):
            todo = crawler.resume()
            self.notes.append(f"resumed: {todo} URLs were still to do")
        else:
            with self._phase("seed"):
                await self._seed(crawler, fetcher, robots, store, scope, first)
        with self._phase("crawl"):
            stats = await crawler.run()
            if self.progress is not None:  # the final counts, for the crawl phase's line
                self.progress(stats)
        self.notes.extend(robots.notes())  # a robots.txt cut at its size limit
        return stats

    async def _after_crawl(self, store: RunStore, fetcher: Fetcher, scope: Scope, previous: PreviousRun | None,
                           stats: CrawlStats) -> CrawlStats:
        """Take over what is unchanged since the previous run, then run the collectors: the
        renderer first, so that pages only its rendered DOM links to (menus built by scripts)
        are crawled before the other collectors read the stored pages."""
        if previous is not None:
            with self._phase("copy_unchanged"):
                store.copy_taken(previous.path, previous.reusable,
                                 {name for c in self.collectors for name in c.carry_over})
        unchanged = frozenset(store.unchanged_pages()) if previous is not None else frozenset()
        cctx = CollectContext(self.config, store, fetcher, scope, self.run_dir, self.as_of,
                              self.notes, previous=previous, unchanged=unchanged)
        await self._collect(cctx, [c for c in self.collectors if c.name == "render"])
        stats = await self._crawl_rendered_links(cctx, stats)
        await self._collect(cctx, [c for c in self.collectors if c.name != "render"])
        if previous is not None:
            self.notes.append(f"incremental: {stats.unchanged} of {stats.pages} pages unchanged since the "
                              f"previous run ({previous.run_dir.name}), taken over without parsing them again")
            previous.close()
        return stats

    async def _crawl_rendered_links(self, cctx: CollectContext, stats: CrawlStats) -> CrawlStats:
        """Crawl, in a follow-up round, the same-site pages only the rendered DOM links to
        (``[crawl] render_links``; the rules are in ``auditor.collect.render.discover``)."""
        cfg = self.config.crawl
        crawler = getattr(self, "_crawler", None)
        if cfg.render_links == "never" or cfg.list_mode or crawler is None:
            return stats
        store, scope = cctx.store, cctx.scope
        store.flush()

        def html_links(url: str) -> set[str]:
            page = store.page(url)
            return {link.url for link in (page.links if page else ()) if link.element in HYPERLINK_ELEMENTS
                    and scope.is_internal(link.url)} - {url}

        def internal(href: str) -> str | None:
            try:
                url = normalise(href, cfg.strip_tracking_params)[0]
            except InvalidURL:
                return None
            return url if scope.is_internal(url) else None

        rendered: list[tuple[str, list[str]]] = [
            (url, [h for prof in page.profiles.values() for h in prof.links])
            for url, page in read_pages(store, RenderedPage)] if "render" in self.required else []
        # Nothing rendered: the start page alone, when the crawl stalled on it (a crawl that
        # reached more pages than FEW_HTML_LINKS found its links in the HTML: no store read,
        # no browser; the start page's links are read only for such a tiny crawl). ``stats``
        # counts this session's pages only: a resumed crawl with little left to do is not a
        # stalled one, so the store's count decides then.
        if not rendered and (cfg.render_links == "always" or (
                stats.pages <= FEW_HTML_LINKS and store.count_pages() <= FEW_HTML_LINKS
                and len(html_links(scope.start_url)) < FEW_HTML_LINKS)):
            rendered = await self._render_start_for_links(cctx)
        found = discover(rendered, html_links, internal, cfg.render_links)
        if not found.found:
            return stats
        before = store.count_pages()
        depths: dict[str, int] = {}  # a menu's URLs share one source page: read it once
        for url, source in found.found.items():
            if source not in depths:
                page = store.page(source, with_links=False)
                depths[source] = page.depth if page else 0
            crawler.add(url, "crawl", depths[source] + 1)
        with self._phase("crawl_rendered_links"):
            stats = await crawler.run()
        self.notes.append(f"menus built by scripts: {store.count_pages() - before} pages were found only through "
                          f"the rendered DOM of {len(found.pages)} pages, whose HTML lacks those links "
                          f"(render_links = \"{cfg.render_links}\")")
        return stats

    async def _render_start_for_links(self, cctx: CollectContext) -> list[tuple[str, list[str]]]:
        """No page was rendered: the start page alone, in one phone profile, for its DOM links."""
        from auditor.collect.render.renderer import Renderer

        try:
            settings = Renderer(self.config.collectors.get("render")).settings
            with self._phase("render_links"):
                links = await render_for_links(cctx, settings, [cctx.scope.start_url])
        except Exception as exc:  # no browser here: the crawl stands as it is, and says so
            self.notes.append(f"links in the rendered DOM not looked for: {exc.__class__.__name__}: "
                              f"{str(exc).splitlines()[0][:200] if str(exc) else ''}")
            return []
        return list(links.items())

    def _judge(self, store: RunStore, plan: CheckPlan) -> None:
        """The checks that wait for the collectors: late page checks, then site checks."""
        self._load_artifacts(store)
        if plan.late:  # page checks that needed a collector's artifacts: over the stored pages
            self._judge_stored_pages(store, plan.ctx, plan.late)
        with self._phase("site_checks"):
            self.run_site_checks(store, plan.ctx, plan.site)

    def _crawl_notes(self, stats: CrawlStats) -> None:
        """What the report must say about a crawl that did not see everything."""
        cfg = self.config.crawl
        if stats.dns_note:
            self.notes.append(stats.dns_note)
        if stats.stopped_by_budget:
            self.notes.append(f"time budget of {cfg.time_budget:g} s reached: the crawl is incomplete "
                              f"(resume with --resume {self.run_dir})")
        if stats.skipped_max_pages:
            self.notes.append(f"max pages ({cfg.max_pages}) reached: {stats.skipped_max_pages} more internal "
                              "URLs were found but not crawled")
        if stats.skipped_robots:
            self.notes.append(f"{stats.skipped_robots} URLs not fetched: disallowed by robots.txt")
        self.notes.extend(stats.limit_notes)  # traps met, pages cut, links capped

    def _finish(self, store: RunStore, scope: Scope, stats: CrawlStats) -> AuditRun:
        """Merge the findings, settle every check's status, and close the run."""
        findings, touchpoints = self._conclude(store)
        finished = now_iso()
        store.set_meta(status="incomplete" if stats.stopped_by_budget else "finished", finished_at=finished)
        run = self._audit_run(store, scope, findings, touchpoints, started=store.meta("started_at") or finished,
                              finished=finished, notes=self.notes,
                              stats={**stats.as_dict(), "as_of": self.as_of.isoformat(),
                                     "seconds": dict(self.phases)})
        store.close()
        return run

    def _conclude(self, store: RunStore) -> tuple[list[Finding], list[Any]]:
        """One finding per problem, each check's status, the touchpoint inventory."""
        with self._phase("same_page"):
            same = representatives(same_pages(store))
        findings = merge_findings(store.findings(), self.config.report.max_locations, same)
        self.finish_statuses(store, {f.code for f in findings})
        with self._phase("touchpoints"):
            touchpoints = touchpoints_from_links(store)
        return findings, touchpoints

    def _audit_run(self, store: RunStore, scope: Scope, findings: list[Finding], touchpoints: list[Any], *,
                   started: str, finished: str, notes: Iterable[str], stats: dict[str, Any]) -> AuditRun:
        return AuditRun(
            target=scope.start_url, started_at=started, finished_at=finished,
            pages_crawled=store.count_pages(), touchpoints=tuple(touchpoints),
            checks=self.all_results(), findings=tuple(findings),
            config=self.config.model_dump(mode="json"), tool_version=__version__, notes=tuple(notes),
            stats=stats,
        )

    def _previous(self, page_checks: list[PageCheck], ctx: CheckContext, store: RunStore) -> PreviousRun | None:
        """The previous run to re-crawl from, if any; records this run's reuse keys for the next."""
        cfg = self.config.crawl
        # Taken-over links keep their stored "internal" flag: valid while the scope is the same.
        extract = {"strip": cfg.strip_tracking_params, "scope": [cfg.scope, cfg.include, cfg.exclude],
                   "start": store.start_url}
        keys = reuse_keys(page_checks, ctx, __version__, extract)
        store.set_meta(reuse_keys=keys)
        if self.resume and self.previous is None and store.meta("previous"):
            self.previous = Path(store.meta("previous"))  # a resumed incremental run goes on as one
        if self.previous is None or self.previous.resolve() == self.run_dir.resolve():
            return None
        store.set_meta(previous=str(self.previous))
        try:
            previous = PreviousRun(self.previous, keys)
        except (OSError, StoreUnreadable) as exc:
            self.notes.append(f"not incremental: the previous run {self.previous} cannot be read ({exc})")
            return None
        if not previous.complete:
            changed = sorted(set(keys) - previous.reusable)
            self.notes.append("not incremental: page checks changed since the previous run "
                              f"({', '.join(changed)}); every page is judged again")
        return previous

    @contextlib.contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        """Times a phase of the run (``stats.seconds`` in findings.json: where the time went)
        and tells the progress view, when it follows phases (``phase`` / ``phase_done``)."""
        started = time.perf_counter()
        begin, end = getattr(self.progress, "phase", None), getattr(self.progress, "phase_done", None)
        if begin is not None:
            begin(name)
        ok = False
        try:
            yield
            ok = True
        finally:
            seconds = time.perf_counter() - started
            self.phases[name] = round(self.phases.get(name, 0.0) + seconds, 3)
            if end is not None:
                end(name, seconds, ok)

    async def _collect(self, cctx: CollectContext, collectors: list[Collector]) -> None:
        """Run the collectors some enabled check needs; a failure makes exactly the checks
        that needed its artifacts unverifiable, with the reason."""
        step = getattr(self.progress, "step", None)  # the progress view's per-collector counts
        for collector in collectors:
            phase = f"collect_{collector.name}"
            cctx.on_progress = functools.partial(step, phase) if step is not None else None
            try:
                with self._phase(phase):
                    await collector.collect(cctx)
            except CollectorUnavailable as exc:
                self._artifacts_failed(collector.provides, f"{collector.name} unavailable: {exc.reason}")
                self.notes.append(f"not checked: {collector.name} unavailable: {exc.reason}")
            except Exception as exc:
                self._artifacts_failed(collector.provides, f"{collector.name} failed: {exc.__class__.__name__}: {exc}")
                self._log_trace(f"collector {collector.name}", "".join(traceback.format_exception(exc)))
            finally:
                cctx.on_progress = None
                cctx.store.flush()

    def _artifacts_failed(self, names: Iterable[str], reason: str) -> None:
        for check in self.checks:
            if set(check.requires) & set(names) and check.code not in self.results:
                self._record(check, "unverifiable", reason)

    def _load_artifacts(self, store: RunStore) -> None:
        """Run-level artifacts the checks need, into the context they read (``ctx.artifact``)."""
        for name in self.required - set(self._artifacts):
            value = store.artifact(name)
            if value is not None:
                self._artifacts[name] = value

    async def _seed(self, crawler: Crawler, fetcher: Fetcher, robots: RobotsCache, store: RunStore,
                    scope: Scope, first: Any) -> None:
        cfg = self.config.crawl
        crawler.add(scope.start_url, "crawl", 0)
        for seed in cfg.seeds:  # --seed, --urls
            crawler.add(seed_url(seed, scope, cfg.strip_tracking_params), "crawl", 0)
        if cfg.list_mode:
            self.notes.append(f"list mode: only the {len(cfg.seeds)} listed URLs were crawled; their links were "
                              "checked, not followed")
        elif cfg.use_sitemaps:
            rules = await robots.rules_for(scope.start_url)
            guessed = f"{origin_of(scope.start_url)}/sitemap.xml"
            declared = list(rules.sitemaps)
            found = await collect_sitemaps(fetcher, [*declared, guessed], optional=frozenset({guessed}))
            counts = await seed_from_sitemaps(found, scope, cfg.strip_tracking_params, crawler.add, crawler.knows,
                                              robots.allowed if cfg.respect_robots else None, cfg.max_depth)
            write_artifact(store, Sitemaps(tuple(found.sitemaps), tuple(found.errors), len(found.urls), counts.queued))
            self.notes.extend(f"sitemap problem: {e}" for e in found.errors[:5])
            self.notes.extend(found.notes())
            self.notes.extend(counts.notes())
        store.set_meta(seeded=True)
        store.flush()
        if first is not None and first.url == scope.start_url:
            crawler.prefetched[scope.start_url] = first  # the preflight fetched it already

    # -- recheck: judge again without fetching ---------------------------------------
    def recheck(self) -> AuditRun:
        """Re-run every check over the stored artifacts of ``run_dir``; nothing is fetched."""
        store = RunStore(self.run_dir)
        start = store.meta("scope_start") or store.meta("target")
        scope = self._scope(start)
        store.set_scope(scope)
        self._artifacts = {}
        self.provided = CRAWLER_ARTIFACTS | store.artifact_names()  # nothing is collected again
        self._load_artifacts(store)
        store.clear_findings()
        runnable = self._runnable()
        ctx = self._context(scope.start_url)
        self._judge_stored_pages(store, ctx, [c for c in runnable if isinstance(c, PageCheck)])
        self.run_site_checks(store, ctx, [c for c in runnable if isinstance(c, SiteCheck)])
        findings, touchpoints = self._conclude(store)
        run = self._audit_run(store, scope, findings, touchpoints, started=store.meta("started_at") or "",
                              finished=store.meta("finished_at") or now_iso(),
                              notes=("re-checked from stored artifacts; nothing was fetched",),
                              stats={"as_of": self.as_of.isoformat()})
        store.close()
        return run
