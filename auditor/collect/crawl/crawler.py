"""The crawler: visits the site's pages and checks (not crawls) everything they link to.

Work items are URLs of two kinds: ``crawl`` (internal pages: fetched, parsed, their links
followed) and ``check`` (external links and embedded resources: one HEAD, falling back
to GET). Each distinct URL is handled once per run. The frontier lives in the run store,
so a killed crawl resumes with what is left, and in memory only as a FIFO of URLs.

Per page the hot path is: fetch → lxml parse and link extraction (``extract``) → page
checks on the same tree → one batched store write.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from auditor.artifacts import write
from auditor.artifacts.crawl import NetworkHealth, NotFoundProbe
from auditor.collect.crawl.network import dns_health, dns_note
from auditor.collect.crawl.parse import Fetched, PageParser
from auditor.collect.crawl.robots import RobotsCache
from auditor.collect.crawl.traps import TrapDetector
from auditor.collect.http import Fetcher, OutOfTime, Response
from auditor.collect.limits import MAX_LINKS_PER_PAGE
from auditor.config import CrawlConfig
from auditor.errors import UnreachableTarget
from auditor.html.charset import detect_encoding
from auditor.html.extract import extract, visible_text
from auditor.model import LinkResult
from auditor.store import PreviousRun, RunStore, content_hash
from auditor.urls import Scope, is_web_url

SNIPPET_BYTES = 16_384
FLUSH_PAGES = 200
WARM_UP_PARSED = 20  # pages parsed before the parse workers may be started ahead of need
FLUSH_BYTES = 32_000_000  # page bodies wait uncompressed for the writer: bound them when pages are large
FLUSH_SECONDS = 1.0
TRAPS_META = "crawl_traps"  # store meta: what the trap rules left out so far (the notes survive --resume)


@dataclass
class CrawlStats:
    """Counters for the progress bar and the report."""

    pages: int = 0
    checked: int = 0
    errors: int = 0
    queued: int = 0
    skipped_max_pages: int = 0
    skipped_robots: int = 0
    stopped_by_budget: bool = False
    unchanged: int = 0  # pages taken over from the previous run (incremental re-crawl)
    skipped_traps: int = 0
    skipped_depth: int = 0  # links not followed: deeper than max_depth
    truncated: int = 0  # pages cut at max_body_bytes
    links_capped: int = 0  # pages with more links than MAX_LINKS_PER_PAGE
    # Pages cut, links left out, traps met: one line each for the run's notes (limits.py, traps.py).
    limit_notes: list[str] = field(default_factory=list)
    _examples: dict[str, str] = field(default_factory=dict)
    dns_note: str | None = None  # set when most external host names could not be looked up

    def as_dict(self) -> dict[str, Any]:
        return {"pages": self.pages, "checked": self.checked, "errors": self.errors, "unchanged": self.unchanged,
                "skipped_max_pages": self.skipped_max_pages, "skipped_robots": self.skipped_robots,
                "stopped_by_budget": self.stopped_by_budget, "skipped_traps": self.skipped_traps,
                "truncated": self.truncated, "links_capped": self.links_capped}

    def example(self, what: str, url: str) -> None:
        self._examples.setdefault(what, url)

    def conclude(self, cfg: CrawlConfig, traps: TrapDetector) -> None:
        """The notes about limits reached during the crawl (called once, at its end)."""
        notes = traps.notes()
        if self.skipped_depth:
            notes.append(f"max depth ({cfg.max_depth} clicks) reached: {self.skipped_depth} links to deeper pages "
                         f"were not followed, e.g. {self._examples['depth'][:200]}")
        if self.truncated:
            notes.append(f"{self.truncated} pages larger than max_body_bytes ({cfg.max_body_bytes:,} bytes, after "
                         f"unpacking) were cut there and judged on their first part only, e.g. "
                         f"{self._examples['truncated'][:200]}")
        if self.links_capped:
            notes.append(f"{self.links_capped} pages have more than {MAX_LINKS_PER_PAGE:,} links: only the first "
                         f"{MAX_LINKS_PER_PAGE:,} were followed and checked, e.g. {self._examples['links'][:200]}")
        self.limit_notes = notes


def _is_html_answer(status: int, headers: dict[str, str]) -> bool:
    ct = headers.get("content-type", "").lower()
    return not ct or "html" in ct


def _is_snippet_answer(status: int, headers: dict[str, str]) -> bool:
    return status >= 400 or _is_html_answer(status, headers)


def result_of(res: Response) -> LinkResult:
    """The stored facts of a fetch (no body; a snippet of error answers for bot-wall checks)."""
    snippet = ""
    if res.body and (res.status or 0) >= 400:
        snippet = res.body[:SNIPPET_BYTES].decode("utf-8", errors="replace")
    return LinkResult(
        url=res.url, status=res.status, final_url=res.final_url, redirects=tuple(res.hops),
        error=res.error, error_detail=res.error_detail, content_type=res.content_type or None,
        headers=res.headers, snippet=snippet, method=res.method, checked_at=res.fetched_at,
        elapsed_ms=res.ttfb_ms, size=_size(res),
    )


def _size(res: Response) -> int | None:
    if res.body:
        return len(res.body)
    length = res.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


def unusable_result(url: str) -> LinkResult:
    """The facts of an address no browser can open from the web (never fetched)."""
    if url[:5].lower() == "file:" or (len(url) > 2 and url[1] == ":" and url[0].isalpha()):
        detail = "a file on the author's own computer (file: or a drive letter), not on the web"
    else:
        detail = "not a valid web address (the URL parser rejects it)"
    return LinkResult(url=url, status=None, error="unusable-url", error_detail=detail)


class Crawler:
    """Crawls one site into a ``RunStore``; ``parser`` parses each page and runs page checks."""

    def __init__(self, cfg: CrawlConfig, scope: Scope, store: RunStore, fetcher: Fetcher,
                 robots: RobotsCache | None, parser: PageParser | None = None,
                 progress: Callable[[CrawlStats], None] | None = None,
                 previous: PreviousRun | None = None) -> None:
        self.cfg = cfg
        self.previous = previous
        self.scope = scope
        self.store = store
        self.fetcher = fetcher
        self.robots = robots
        self.parser = parser
        self.progress = progress
        self.stats = CrawlStats()
        self.traps = TrapDetector(cfg.max_url_variants)
        self._traps_saved = 0  # skipped_traps when the trap counts were last saved
        self._seen: set[str] = set()
        # URLs queued only to be checked. One of them that another page then links with <a>
        # (a page first named by a <link rel=next>) is upgraded: crawled after all (``add``).
        self._checks: set[str] = set()
        self._upgraded: set[str] = set()  # their check, if still queued, is skipped
        self._queue: deque[tuple[str, str, int]] = deque()
        self._crawl_budget = cfg.max_pages
        self._deadline = time.monotonic() + cfg.time_budget if cfg.time_budget else None
        self._last_flush = time.monotonic()
        self._wakeup = asyncio.Event()
        self._active = 0
        self.prefetched: dict[str, Response] = {}
        # The ``#fragment`` of the address the audit was given: checked on the start page like
        # a link's (TP105), as a visitor who opens that address lands there.
        self.start_fragment: str | None = None

    # -- frontier -------------------------------------------------------------
    def resume(self) -> int:
        """Reload the frontier from the store; returns how many URLs are still to do."""
        todo = 0
        saved = self.store.meta(TRAPS_META) or {}
        self.traps.restore(saved.get("skipped") or {}, saved.get("examples") or {})
        self.stats.skipped_traps = self._traps_saved = sum(self.traps.skipped.values())
        for url, kind, depth, state in self.store.known_urls():
            self._seen.add(url)
            if kind == "check":
                self._checks.add(url)
            if kind == "crawl":
                self._crawl_budget -= 1
                self.traps.remember(url)  # the trap counts stand where the killed run left them
            if state == "queued":
                self._queue.append((url, kind, depth))
                todo += 1
        self.stats.pages = self.store.count_pages()
        return todo

    def knows(self, url: str) -> bool:
        """``url`` is queued or done already."""
        return url in self._seen

    def add(self, url: str, kind: str, depth: int) -> bool:
        """Queue ``url`` unless seen; ``crawl`` URLs count against ``max_pages``. A URL seen
        only as a check (a ``<link rel=next>``, a resource) that is now to be crawled (a page
        links it with ``<a>``) is queued again, as a crawl: a visitor reaches that page."""
        upgrade = False
        if url in self._seen:
            if kind != "crawl" or url not in self._checks:
                return False
            upgrade = True
        if kind == "crawl":
            if depth > self.cfg.max_depth:
                self.stats.skipped_depth += 1
                self.stats.example("depth", url)
                return False
            if self.traps.trapped(url):
                self._seen.add(url)  # counted once
                self._checks.discard(url)
                self.stats.skipped_traps += 1
                return False
            if self._crawl_budget <= 0:
                self.stats.skipped_max_pages += 1
                return False
            self._crawl_budget -= 1
        if upgrade:
            self._checks.discard(url)
            self._upgraded.add(url)
            self.store.upgrade(url, depth)
        else:
            self._seen.add(url)
            self.store.enqueue(url, kind, depth)
            if kind == "check":
                self._checks.add(url)
        self._queue.append((url, kind, depth))
        self._wakeup.set()
        return True

    # -- run --------------------------------------------------------------------
    async def run(self) -> CrawlStats:
        self.fetcher.deadline = self._deadline
        workers = [asyncio.create_task(self._worker()) for _ in range(self.cfg.concurrency)]
        try:
            await asyncio.gather(*workers)
        finally:
            self.fetcher.deadline = None  # collectors after the crawl have no crawl budget
            for w in workers:
                w.cancel()
            if self.parser is not None:
                self.parser.close()
            health = dns_health(self.fetcher.lookups, self.scope)
            write(self.store, NetworkHealth.from_json(health))
            self.stats.dns_note = dns_note(health)
            self._save_traps()
            self.store.flush()
            self.stats.conclude(self.cfg, self.traps)
        return self.stats

    def _save_traps(self) -> None:
        """The trap notes' counts, saved with the store when they changed (for ``--resume``)."""
        if self.stats.skipped_traps != self._traps_saved:
            self._traps_saved = self.stats.skipped_traps
            self.store.set_meta(**{TRAPS_META: self.traps.state()})

    def _out_of_time(self) -> bool:
        if self._deadline is not None and time.monotonic() > self._deadline:
            self.stats.stopped_by_budget = True
            return True
        return False

    async def _worker(self) -> None:
        while True:
            if not self._queue:
                if self._active == 0:
                    self._wakeup.set()
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            if self._out_of_time():
                self._queue.clear()  # what is left stays queued in the store: resumable
                return
            url, kind, depth = self._queue.popleft()
            if kind == "check" and url in self._upgraded:
                continue  # crawled instead (``add``): the crawl records its result
            self._active += 1
            try:
                if kind == "crawl":
                    await self._crawl(url, depth)
                else:
                    await self._check(url)
            except OutOfTime:
                self.stats.stopped_by_budget = True
                self._queue.clear()  # this URL and the rest stay queued in the store: resumable
                return
            finally:
                self._active -= 1
                self._wakeup.set()
            self._maybe_flush()

    def _maybe_flush(self) -> None:
        now = time.monotonic()
        if (self.store.pending_pages >= FLUSH_PAGES or self.store.pending_bytes >= FLUSH_BYTES
                or now - self._last_flush > FLUSH_SECONDS):
            self._save_traps()
            self.store.flush(wait=False)
            self._last_flush = now
            if self.progress:
                self.stats.queued = len(self._queue)
                self.progress(self.stats)

    async def _disallowed(self, url: str) -> bool:
        """robots.txt forbids ``url`` (and we obey it): recorded as such, not fetched."""
        if self.robots is None or not self.cfg.respect_robots or await self.robots.allowed(url):
            return False
        self.stats.skipped_robots += 1
        self.store.add_result(LinkResult(url=url, status=None, error="robots",
                                         error_detail="disallowed by robots.txt, not fetched"))
        return True

    async def _crawl(self, url: str, depth: int) -> None:
        if await self._disallowed(url):
            return
        res = self.prefetched.pop(url, None)
        conditional = self.previous.conditional(url) if self.previous is not None else None
        if res is None:
            res = await self.fetcher.fetch(url, max_body=self.cfg.max_body_bytes, want_body=_is_snippet_answer,
                                           conditional=conditional)
        if conditional is not None and not res.hops and (res.status == 304 or (
                res.status == 200 and res.body and not res.truncated
                and self.previous.same_content(url, content_hash(res.body)))):  # type: ignore[union-attr]
            self._take_over(url, depth, res)
            return
        if res.error:
            self.stats.errors += 1
        final = res.final_url or url
        # Redirected off-site: checked, not crawled. Redirected to a page already seen: stored once.
        parse = (self.parser is not None and res.status is not None and res.status < 400 and res.is_html
                 and bool(res.body) and self.scope.should_crawl(final) and (final == url or final not in self._seen))
        # A page's URL is done once the page is stored, not when it is fetched: an audit that
        # stops in between (kill -9, a parse worker that dies) fetches it again when resumed.
        self.store.add_result(result_of(res), done=not parse)
        if not parse:
            return
        if final != url:
            # The content belongs to the redirect target: store it once, under that URL.
            self._seen.add(final)
            self.store.enqueue(final, "crawl", depth)
            self.store.add_result(result_of(Response(url=final, status=res.status, final_url=final,
                                                     headers=res.headers, fetched_at=res.fetched_at, body=res.body,
                                                     ttfb_ms=res.ttfb_ms)), done=False)
        await self._handle_html(final, depth, res)
        if final != url:
            self.store.mark_done(url)

    async def _handle_html(self, url: str, depth: int, res: Response) -> None:
        if self.parser is None:
            return
        parsed = await self.parser.parse(Fetched(
            url=url, depth=depth, status=res.status or 0, body=res.body,
            content_type=res.content_type, headers=res.headers, hops=tuple(res.hops),
            fetched_at=res.fetched_at, truncated=res.truncated,
        ))
        link_rows = parsed.link_rows
        if self.start_fragment and url == self.scope.start_url:
            link_rows = [*link_rows, (url, url, self.start_fragment, "the audited address", "a", 1)]
        self.store.add_page(parsed.row, res.body, link_rows, parsed.findings)
        self.stats.pages += 1
        if res.truncated:
            self.stats.truncated += 1
            self.stats.example("truncated", url)
        if parsed.links_capped:
            self.stats.links_capped += 1
            self.stats.example("links", url)
        add, seen, checks = self.add, self._seen, self._checks
        for target, kind in parsed.follows:
            # Most are seen: menus and footers repeat on every page.
            if target not in seen or (kind == "crawl" and target in checks):
                add(target, kind, depth + 1)
        if self.parser.parsed >= WARM_UP_PARSED and self.cfg.max_pages - self._crawl_budget > self.parser.pool_after:
            # This crawl parses pages and will reach the parse workers: start them now. (A
            # second night's crawl that takes its pages over unchanged parses few or none.)
            self.parser.warm_up()

    def _take_over(self, url: str, depth: int, res: Response) -> None:
        """The page has not changed since the previous run: queue what it queued then and
        record it as taken over; the store copies the page, its links and its reusable
        findings from the previous run after the crawl. Nothing is parsed."""
        assert self.previous is not None
        fresh = {k: v for k, v in res.headers.items() if k in ("etag", "last-modified")}
        taken = self.previous.take_over(url, fresh)
        self.store.add_result(LinkResult(url=url, status=taken.status, final_url=url, content_type=taken.content_type,
                                         headers=taken.headers, method="GET", checked_at=res.fetched_at))
        self.store.add_taken(url, res.fetched_at, taken.headers.get("etag"), taken.headers.get("last-modified"), depth)
        self.stats.pages += 1
        self.stats.unchanged += 1
        for target, kind in taken.follows:
            self.add(target, kind, depth + 1)

    async def _check(self, url: str) -> None:
        if not is_web_url(url):  # file:///C:/…, a malformed address: broken for every visitor
            self.stats.checked += 1
            self.stats.errors += 1
            self.store.add_result(unusable_result(url))
            return
        if self.scope.is_internal(url) and await self._disallowed(url):
            return
        res = await self.fetcher.fetch(url, method="HEAD")
        if res.error not in (None, "redirect-loop", "too-many-redirects", "dns", "dns-failed", "refused", "tls") or (
            res.status is not None and res.status >= 400 and res.status not in (404, 410)
        ):
            # Many servers answer HEAD wrongly (405, 403, 500, a dropped connection):
            # ask again with GET before calling the link broken; keep the start of the body
            # to recognise bot and login walls.
            res = await self.fetcher.fetch(url, method="GET", max_body=SNIPPET_BYTES,
                                           want_body=_is_snippet_answer)
        if url in self._upgraded:
            return  # to be crawled meanwhile (``add``): the crawl records the answer and marks it done
        self.stats.checked += 1
        if res.error or (res.status or 0) >= 400:
            self.stats.errors += 1
        self.store.add_result(result_of(res))


async def preflight(fetcher: Fetcher, start_url: str, max_body: int) -> Response:
    """Fetch the start URL once: fail early and clearly when it cannot be reached. The
    crawler reuses this answer for the start page instead of fetching it twice."""
    res = await fetcher.fetch(start_url, max_body=max_body, want_body=_is_html_answer)
    if res.error and res.status is None:
        raise UnreachableTarget(f"cannot reach {start_url}: {res.error} ({res.error_detail})", kind=res.error)
    return res


async def not_found_probe(fetcher: Fetcher, origin: str) -> NotFoundProbe:
    """Fetch a URL that cannot exist: the site's own 404 page, to recognise soft 404s."""
    import secrets

    url = f"{origin.rstrip('/')}/touchpoint-auditor-{secrets.token_hex(6)}-does-not-exist"
    res = await fetcher.fetch(url, max_body=1_000_000)  # no want_body: every answer's body is read
    text = title = ""
    if res.body:
        ex = extract(res.body, detect_encoding(res.body, res.content_type), res.final_url or url)
        text, title = visible_text(ex.tree)[:20_000], ex.title or ""
    return NotFoundProbe(url=url, status=res.status, final_url=res.final_url, error=res.error, title=title, text=text)
