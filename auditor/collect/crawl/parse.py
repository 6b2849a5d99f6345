"""Turn a fetched HTML answer into a stored page: parse, extract links, run page checks.

This is most of the crawl's CPU. Small crawls do it in the crawler's own process; once a
crawl passes ``parse_pool_after`` pages (from the first page when the command line started
the workers ahead, see ``parse_pool.prestart``), a worker process does it, so the crawler's
process keeps only HTTP, the frontier and the hand-off to the store, and a 2-core machine
uses both cores. The worker gets the page checks once (pickled at start) and returns plain
data: the pages-table row (without the body, which the crawler still has), the link rows,
the URLs to queue and the findings. Page
checks must therefore be pure functions of the page and the context, as Lighthouse audits
are; a check that keeps state across pages belongs in a SiteCheck.

The worker is a fresh interpreter (forking a process that already runs threads can
deadlock; see ``parse_pool``). It never imports the caller's ``__main__``, so a script that
runs audits through the Python API needs no ``if __name__ == "__main__":`` guard for it,
but the page checks it runs must be importable by module name (not defined in ``__main__``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.check import CheckContext, PageCheck, run_page_checks
from auditor.collect.crawl.follows import LinkPolicy, LinkRow
from auditor.collect.limits import MAX_LINKS_PER_PAGE
from auditor.html.charset import detect_encoding
from auditor.html.extract import extract
from auditor.html.head import head_record
from auditor.html.layout import renderable, skeleton
from auditor.model import Finding, Hop
from auditor.page import Page
from auditor.runtime import tune_gc
from auditor.store.rows import page_row
from auditor.touchpoint_pages import page_facts

if TYPE_CHECKING:
    from auditor.collect.crawl.parse_pool import ParsePool

# ``parse_pool`` (and with it asyncio) is imported only where a pool is made: this module is
# imported in every parse worker too, where asyncio would be 5 MB of memory for nothing.


@dataclass(frozen=True)
class Fetched:
    """What parsing needs of a fetch (picklable: it crosses to the worker process)."""

    url: str  # the page's own URL (after redirects: the crawler stores a page under its final URL)
    depth: int
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]
    hops: tuple[Hop, ...]
    fetched_at: str
    truncated: bool


@dataclass
class Parsed:
    """What the crawler stores and follows: the page row, its link rows, its page findings,
    and the URLs the page queues (``LinkPolicy.apply``)."""

    row: dict[str, Any]
    link_rows: list[LinkRow]
    follows: list[tuple[str, str]]
    findings: list[Finding]
    ended: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, status, reason, traceback
    links_capped: int = 0  # how many links the page has when more than MAX_LINKS_PER_PAGE (the rest ignored)


def parse_page(fetched: Fetched, checks: list[PageCheck], ctx: CheckContext, policy: LinkPolicy, strip_params: bool,
               skip: frozenset[str] = frozenset(), templates: bool = False) -> Parsed:
    """Parse once, extract, run the page checks on the same tree, build the store rows."""
    encoding = detect_encoding(fetched.body, fetched.content_type)
    ex = extract(fetched.body, encoding, fetched.url, strip_params)
    found = len(ex.links)
    links = ex.links[:MAX_LINKS_PER_PAGE]  # 500,000 links: store, check and follow a bounded number
    page = Page(
        url=fetched.url, final_url=fetched.url, status=fetched.status, body=fetched.body, encoding=encoding,
        headers=fetched.headers, redirects=fetched.hops, content_type=fetched.content_type,
        fetched_at=fetched.fetched_at, language=ex.language or fetched.headers.get("content-language"),
        title=ex.title, links=links, anchors=ex.anchors, depth=fetched.depth, truncated=fetched.truncated,
        _tree=ex.tree,
    )
    findings, ended = run_page_checks(checks, page, ctx, skip)
    facts = page_facts(page)
    if facts:  # the search and share facts (the impression family); the navigation of the crawl's first page
        facts["head"] = head_record(ex, fetched.headers, fetched.url if fetched.depth == 0 else None, fetched.url,
                                    b"<form" in page.body_lower)
    if templates and facts and renderable(page):
        facts["template"] = skeleton(page)  # which pages the browser renders (render_templates)
    nofollow = "nofollow" in ex.meta_robots
    rows, follows = policy.apply(fetched.url, links, not nofollow)
    row = page_row(page, facts=facts, nofollow=nofollow, follows=follows)
    return Parsed(row, rows, follows, findings, ended, found if found > MAX_LINKS_PER_PAGE else 0)


# -- the worker process -----------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _prepare_worker() -> None:
    """What a worker does before it knows its task (see ``parse_pool.prestart``)."""
    _die_with_parent()
    tune_gc()


def _init_worker(checks: list[PageCheck], ctx: CheckContext, policy: LinkPolicy, strip_params: bool,
                 templates: bool) -> None:
    _prepare_worker()
    _WORKER.update(checks=checks, ctx=ctx, policy=policy, strip=strip_params, templates=templates)


def _die_with_parent() -> None:
    """On Linux, ask the kernel to end this worker when the crawler's process dies, even by
    ``kill -9``: a worker blocked on its task queue would otherwise outlive it."""
    import contextlib
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _work(fetched: Fetched, skip: frozenset[str]) -> Parsed:
    return parse_page(fetched, _WORKER["checks"], _WORKER["ctx"], _WORKER["policy"], _WORKER["strip"], skip,
                      _WORKER["templates"])


class PageParser:
    """Parses pages inline or in a worker process; reports checks that ended (errored,
    not applicable, unverifiable) once, through ``on_end``, and skips them afterwards."""

    def __init__(self, checks: list[PageCheck], ctx: CheckContext, policy: LinkPolicy, strip_params: bool = True, *,
                 workers: int = 0, pool_after: int | None = None,
                 on_end: Callable[[str, str, str, str], None] | None = None, templates: bool = False) -> None:
        self.checks = checks
        self.templates = templates  # compute each page's layout template (only when pages are rendered)
        self.ctx = ctx
        self.policy = policy
        self.strip_params = strip_params
        self.workers = workers
        # Unset: workers the command line started ahead are there already, so use them from
        # the first page; otherwise spare small crawls the workers' start.
        from auditor.collect.crawl.parse_pool import spares

        self.pool_after = pool_after if pool_after is not None else 0 if workers > 0 and spares() else 200
        self.on_end = on_end
        self.parsed = 0
        self._ended: set[str] = set()
        self._pool: ParsePool | None = None

    def warm_up(self) -> None:
        """The crawl will pass ``pool_after`` pages: start the workers now, in the background,
        so that they have imported what they need by the time the first page reaches them."""
        if self.workers > 0 and self._pool is None:
            from auditor.collect.crawl.parse_pool import ParsePool

            self._pool = ParsePool(self.workers, _init_worker,
                                   (self.checks, self.ctx, self.policy, self.strip_params, self.templates), _work)
            self._pool.start_soon()

    async def parse(self, fetched: Fetched) -> Parsed:
        self.parsed += 1
        skip = frozenset(self._ended)
        if self.workers > 0 and self.parsed > self.pool_after:
            self.warm_up()
            assert self._pool is not None
            result = await self._pool.run(fetched, skip)
        else:
            result = parse_page(fetched, self.checks, self.ctx, self.policy, self.strip_params, skip, self.templates)
        for code, status, reason, trace in result.ended:
            if code not in self._ended:
                self._ended.add(code)
                if self.on_end:
                    self.on_end(code, status, reason, trace)
        return result

    def close(self) -> None:
        from auditor.collect.crawl.parse_pool import discard_spares

        discard_spares()  # started ahead but not needed (no workers configured, nothing parsed)
        if self._pool is not None:
            self._pool.close()
            self._pool = None
