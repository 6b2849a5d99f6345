"""The browser renderer: crawled pages laid out in headless Chromium as phones show them.

It provides the ``render`` artifact the mobile checks (TP402–TP404) judge, declared in
``auditor.artifacts.render``:

* per rendered page, ``RenderedPage``: the page in every phone profile (``ProfileRender``:
  layout and document width, overflowing elements, text sizes, tap targets, screenshot,
  cookie banner, blocked requests; ``status: error`` with the reason when it failed), and
  how many pages of its layout template it stands for;
* for the run, ``RenderSummary``: the browser, the profiles, how many pages were eligible
  and rendered, the templates, the failures and the cookie banners met.

Cost is bounded by rendering a few pages per layout template (``render_templates``);
a pool of tabs in one browser renders several at once, and every render has a time
limit, so a page that hangs, crashes its tab or loops in JavaScript is recorded as
failed without stalling the run. The browser loads only the audited site (its domain,
subdomains included) unless ``allow_hosts`` says otherwise; anything else is aborted
before it leaves the machine. Settings: ``auditor.collect.render.settings.RenderSettings``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.artifacts import read_pages, write, write_page
from auditor.artifacts.render import RenderedPage, RenderSummary
from auditor.collect.guard import AddressPolicy
from auditor.collect.http import basic_auth
from auditor.collect.render.browser import BrowserPool
from auditor.collect.render.proxy import GuardProxy
from auditor.collect.render.reuse import reusable_render
from auditor.collect.render.settings import RenderSettings
from auditor.collect.render.tab import SCREENSHOT_DIR, Tab
from auditor.collect.render.templates import RenderJob, plan_candidates
from auditor.collector import CollectContext, Collector
from auditor.urls import registrable_domain

if TYPE_CHECKING:
    from collections.abc import Sequence

    from playwright.async_api import Route

    from auditor.config import Resolve

MAX_FAILURES_KEPT = 50
SAFE_SCHEMES = ("data:", "blob:", "about:")


class RequestGate:
    """Decides, per request the browser makes, whether it may leave: the site itself, hosts
    the user allowed, and nothing else; heavy types and trackers are blocked even there."""

    def __init__(self, start_url: str, is_internal: Any, settings: RenderSettings,
                 site_headers: dict[str, str], policy: AddressPolicy | None = None,
                 resolves: Sequence[Resolve] = ()) -> None:
        self.domain = registrable_domain(urlsplit(start_url).hostname or "")
        self.is_internal = is_internal
        self.settings = settings
        self.site_headers = site_headers
        # The crawl's private-address guard: a page's script, image or redirect must not make
        # the browser reach the auditor's own network either (docs/security.md).
        self.policy = policy
        self.resolves = tuple(resolves)
        self.refused: dict[str, str] = {}  # host -> why, for the run's notes

    async def _refusal(self, url: str) -> str | None:
        if self.policy is None or url.startswith(SAFE_SCHEMES):
            return None
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "invalid port"
        why = await self.policy.check_host(parts.hostname or "", port, self.resolves)
        if why is not None:
            self.refused.setdefault(parts.hostname or url[:40], why)
        return why

    def verdict(self, url: str, resource_type: str) -> str:
        """``site``, ``other`` (allowed third party) or ``blocked``."""
        if url.startswith(SAFE_SCHEMES):
            return "site"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return "blocked"
        host = (parts.hostname or "").lower()
        if self.is_internal(url) or registrable_domain(host) == self.domain:
            return "site"
        if self.settings.host_blocked(host) or not self.settings.host_allowed(host):
            return "blocked"
        return "blocked" if resource_type in self.settings.block_types else "other"

    def handler(self, blocked: Counter[str]) -> Any:
        async def handle(route: Route) -> None:
            request = route.request
            verdict = self.verdict(request.url, request.resource_type)
            if verdict != "blocked" and await self._refusal(request.url) is not None:
                verdict = "blocked"
            try:
                if verdict == "blocked":
                    blocked[urlsplit(request.url).hostname or request.url[:40]] += 1
                    await route.abort("blockedbyclient")
                elif self.site_headers and verdict == "site" and self.is_internal(request.url):
                    # the crawl's headers and credentials go to the audited host only, as the crawler's do
                    await route.continue_(headers={**request.headers, **self.site_headers})
                else:
                    await route.continue_()
            except Exception:  # the page or context closed meanwhile
                pass
        return handle


class Renderer(Collector):
    """Renders a sample of the crawled pages in phone emulation (see the module docstring)."""

    name = "render"
    provides = ("render",)
    Settings = RenderSettings  # validated when the audit is set up: a mistake fails before the crawl
    settings: RenderSettings

    async def collect(self, ctx: CollectContext) -> None:
        cfg = self.settings
        todo = plan_candidates(ctx.store.render_candidates(), cfg.per_template, cfg.max_pages)
        ctx.store.index_layout_links()
        summary: dict[str, Any] = {
            "profiles": [p.as_dict() for p in cfg.profiles], "per_template": cfg.per_template,
            "pages_eligible": todo.eligible, "templates": todo.templates, "pages_rendered": 0,
            "failed": [], "consent": {}, "blocked_requests": 0,
        }
        already = set()
        for url, data in read_pages(ctx.store, RenderedPage):  # a resumed audit keeps what it rendered
            already.add(url)
            _tally(summary, url, data)
        reused = 0
        for job in todo.jobs:  # an incremental re-crawl keeps what did not change
            record = reusable_render(ctx, job.url) if job.url not in already else None
            if record is not None:
                write_page(ctx.store, job.url, record)
                already.add(job.url)
                _tally(summary, job.url, record)
                reused += 1
        summary["reused"] = reused
        if reused:
            ctx.notes.append(f"mobile: {reused} renderings kept from the previous run (page, stylesheets "
                             "and scripts unchanged)")
        jobs = [job for job in todo.jobs if job.url not in already]
        planned = len(todo.jobs)  # the pages rendered before (a resumed or incremental run) count as done
        ctx.progress(planned - len(jobs), planned, "pages")
        if not jobs:
            write(ctx.store, RenderSummary.from_json(summary))
            return
        crawl = ctx.config.crawl
        gate = RequestGate(ctx.scope.start_url, ctx.scope.is_internal, cfg, _site_headers(ctx),
                           ctx.fetcher.policy, crawl.resolves())
        shots = ctx.run_dir / SCREENSHOT_DIR
        if cfg.screenshots:
            shots.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        async with contextlib.AsyncExitStack() as stack:
            pool, proxy = await open_pool(stack, ctx, cfg)
            summary["browser"] = f"Chromium {pool.version}"
            summary["executable"] = pool.executable
            queue = list(reversed(jobs))
            done = 0

            async def worker() -> None:
                nonlocal done
                tabs = {p.name: Tab(pool, gate, cfg, p, shots) for p in cfg.profiles}
                try:
                    while queue:
                        job = queue.pop()
                        result = await render_page(tabs, job)
                        write_page(ctx.store, job.url, result)
                        _tally(summary, job.url, result)
                        done += 1
                        ctx.progress(planned - len(jobs) + done, planned, "pages")
                        if done % 25 == 0:
                            ctx.store.flush(wait=False)
                finally:
                    for tab in tabs.values():
                        await tab.close()

            await asyncio.gather(*(worker() for _ in range(min(cfg.concurrency, len(jobs)))))
            summary["browser_launches"] = pool.launches
            ctx.notes.extend(pool.notes)
            if proxy is not None:
                for host, why in proxy.refused.items():
                    gate.refused.setdefault(host, why)
        if gate.refused:
            host, why = next(iter(gate.refused.items()))
            ctx.notes.append(f"browser: requests to {len(gate.refused)} non-public hosts refused, e.g. {host}: {why}")
        summary["seconds"] = round(time.monotonic() - started, 2)
        write(ctx.store, RenderSummary.from_json(summary))
        ctx.notes.extend(_notes(summary, len(todo.jobs)))


async def render_page(tabs: dict[str, Tab], job: RenderJob) -> RenderedPage:
    """One page in every profile (each profile has its own tab)."""
    profiles: dict[str, dict[str, Any]] = {}
    failed = ""
    for name, tab in tabs.items():
        if failed:  # a page that hangs or crashes does so on every phone: do not pay its time limit twice
            p = tab.profile
            profiles[name] = {"width": p.width, "height": p.height, "device_scale_factor": p.device_scale_factor,
                              "status": "error", "error": f"not rendered: it failed in the {failed} profile"}
            continue
        profiles[name] = result = await tab.render(job.url)
        if result.get("status") != "ok":
            failed = name
    return RenderedPage.from_json({"url": job.url, "template": job.template, "template_pages": job.template_pages,
                                   "template_rendered": job.template_rendered, "stands_for": job.stands_for,
                                   "profiles": profiles})


def _site_headers(ctx: CollectContext) -> dict[str, str]:
    """The crawl's extra headers and basic auth, for requests to the audited site itself."""
    crawl = ctx.config.crawl
    headers = dict(crawl.headers)
    if crawl.auth is not None:
        headers["Authorization"] = basic_auth(crawl.auth.username, crawl.auth.password)
    return headers


def _tally(summary: dict[str, Any], url: str, result: RenderedPage) -> None:
    ok = False
    for name, prof in result.profiles.items():
        if prof.ok:
            ok = True
            consent = prof.consent
            if consent:
                key = consent.selector if consent.selector != "text" else f"button “{consent.label}”"
                summary["consent"][key] = summary["consent"].get(key, 0) + 1
        elif len(summary["failed"]) < MAX_FAILURES_KEPT:
            summary["failed"].append({"url": url, "profile": name, "error": prof.error or ""})
        summary["blocked_requests"] += prof.blocked.count if prof.blocked else 0
    summary["pages_rendered"] += ok


def _notes(summary: dict[str, Any], planned: int) -> list[str]:
    notes = [f"rendered {summary['pages_rendered']} of {summary['pages_eligible']} pages on phones "
             f"({', '.join(p['name'] for p in summary['profiles'])}): "
             + (f"{summary['per_template']} per layout template, " if summary["per_template"] else "")
             + f"{summary['templates']} templates"]
    if summary["failed"]:
        first = summary["failed"][0]
        notes.append(f"{len({f['url'] for f in summary['failed']})} of {planned} pages could not be rendered "
                     f"in every profile, e.g. {first['url']}: {first['error']}")
    if summary["consent"]:
        met = ", ".join(f"{k} ({n}×)" for k, n in sorted(summary["consent"].items()))
        notes.append(f"cookie banners dismissed before measuring: {met}")
    return notes


async def open_pool(stack: contextlib.AsyncExitStack, ctx: CollectContext,
                    settings: RenderSettings) -> tuple[BrowserPool, GuardProxy | None]:
    """The browser pool on ``stack``, behind the private-address guard proxy when the run has a
    policy (returned too: it knows what it refused): the one way the renderer and the link
    discovery start Chromium."""
    crawl = ctx.config.crawl
    proxy = None
    if ctx.fetcher.policy is not None:
        proxy = await stack.enter_async_context(GuardProxy(ctx.fetcher.policy, crawl.resolves()))
    pool = await stack.enter_async_context(BrowserPool(settings, crawl.resolves(), crawl.ca_bundle,
                                                       proxy.url if proxy else ""))
    return pool, proxy
