"""One worker's browser tabs, one per phone profile, reused from page to page.

A fresh browser context per page would start a fresh renderer process each time, which
costs more than laying out the page itself. A tab is therefore kept per worker and
profile and navigated from page to page, like a visitor browsing the site (cookies and a
dismissed consent banner persist, as for that visitor). It is thrown away and opened
anew after a failure (a hang, a crash), after ``RECYCLE`` pages (what a page leaks stays
bounded), or when the browser had to be relaunched.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.collect.render.measure import CONSENT_GONE_JS, CONSENT_JS, MEASURE_JS, measure_options, sanitize

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

    from auditor.collect.render.browser import BrowserPool
    from auditor.collect.render.renderer import RequestGate
    from auditor.collect.render.settings import Profile, RenderSettings

SCREENSHOT_DIR = "screenshots"
RECYCLE = 50  # pages per tab before it is replaced
LOAD_WAIT = 10.0  # seconds to wait for the load event after the DOM is ready (slow images)
CONSENT_WAIT = 2.0  # seconds for a dismissed banner to go away
CLOSE_WAIT = 10.0
MAX_REFRESH_HOPS = 3  # meta refresh redirects followed before measuring where it ends

# The target of a redirect stub's meta refresh, resolved, when the page is one (a delay of at
# most 10 s and almost no text of its own, as in ``auditor.html.refresh``), else null.
REFRESH_JS = r"""() => {
  const meta = document.querySelector('meta[http-equiv=refresh i]');
  if (!meta) return null;
  const m = /^\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/i.exec(meta.getAttribute('content') || '');
  if (!m || !m[2].trim() || parseFloat(m[1] || '0') > 10) return null;
  const text = (document.body ? document.body.innerText || '' : '').replace(/\s+/g, ' ').trim();
  if (text.length > 200) return null;
  try {
    const target = new URL(m[2].trim().replace(/^['"]|['"]$/g, ''), document.baseURI);
    return /^https?:$/.test(target.protocol) ? target.href : null;
  } catch (e) { return null; }
}"""


# The rendered DOM's hyperlinks, resolved by the browser: what a visitor can click, menus a
# script wrote included (``[crawl] render_links``). Unique, http(s) only, capped.
LINKS_JS = r"""(max) => {
  const out = new Set();
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    const href = a.href;
    if (typeof href === 'string' && /^https?:/i.test(href)) out.add(href.split('#')[0]);
    if (out.size >= max) break;
  }
  return Array.from(out);
}"""
MAX_RENDERED_LINKS = 2000


def screenshot_name(url: str, profile: str) -> str:
    """A readable, unique, safe file name: the URL's path as a slug plus a hash."""
    path = urlsplit(url).path.strip("/") or "home"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:50] or "page"
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    return f"{slug}-{digest}-{profile}.jpg"


class Tab:
    """A browser context emulating one phone, with its one tab."""

    def __init__(self, pool: BrowserPool, gate: RequestGate, cfg: RenderSettings, profile: Profile,
                 shots: Path) -> None:
        self.pool, self.gate, self.cfg, self.profile, self.shots = pool, gate, cfg, profile, shots
        self.browser: Browser | None = None
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.uses = 0
        self.blocked: Counter[str] = Counter()
        self.crashed = asyncio.Event()

    async def _open(self) -> Page:
        p = self.profile
        self.browser = await self.pool.browser()
        self.context = await self.browser.new_context(
            viewport={"width": p.width, "height": p.height}, screen={"width": p.width, "height": p.height},
            device_scale_factor=p.device_scale_factor, is_mobile=p.is_mobile, has_touch=p.has_touch,
            user_agent=p.user_agent.replace("{major}", self.pool.version.split(".")[0]),
            service_workers="block", accept_downloads=False, reduced_motion="reduce",
            ignore_https_errors=self.pool.ignore_https_errors)
        self.context.set_default_timeout(self.cfg.timeout * 1000)
        await self.context.route("**/*", self.gate.handler(self.blocked))
        page = await self.context.new_page()
        self.context.on("page", _close_popup)  # only after our own tab exists
        page.on("crash", lambda _page: self.crashed.set())
        self.page, self.uses = page, 0
        return page

    async def close(self) -> None:
        context, browser = self.context, self.browser
        self.context = self.page = None
        if context is None:
            return
        try:
            await asyncio.wait_for(context.close(), CLOSE_WAIT)
        except Exception:  # a browser that cannot close a tab is relaunched for the next page
            if browser is not None:
                await self.pool.discard(browser)

    async def render(self, url: str) -> dict[str, Any]:
        """The measurements of ``url`` in this profile, or ``status: error`` with the reason."""
        p = self.profile
        base = {"width": p.width, "height": p.height, "device_scale_factor": p.device_scale_factor}
        stale = self.page is None or self.page.is_closed() or self.uses >= RECYCLE or \
            self.browser is None or not self.browser.is_connected()
        try:
            if stale:
                await self.close()
                await self._open()
        except Exception as exc:
            await self.close()
            return {**base, "status": "error", "error": f"the browser failed: {_first_line(exc)}"}
        self.blocked.clear()
        self.crashed.clear()
        self.uses += 1
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(self._visit(url), self.cfg.timeout)
            return {**base, "status": "ok", **result, "blocked": _blocked(self.blocked),
                    "ms": round((time.monotonic() - started) * 1000)}
        except Exception as exc:
            if self.crashed.is_set() or "crash" in str(exc).lower():
                why = "the tab crashed"
            elif isinstance(exc, TimeoutError) or "Timeout" in exc.__class__.__name__:
                why = f"did not finish within {self.cfg.timeout:g} s (the page hangs or its scripts loop)"
            else:
                why = _first_line(exc)
            await self.close()  # a tab that hung or crashed is not reused
            return {**base, "status": "error", "error": why, "blocked": _blocked(self.blocked)}

    async def _visit(self, url: str) -> dict[str, Any]:
        page = self.page
        assert page is not None
        followed: list[str] = []
        response = await page.goto(url, wait_until="domcontentloaded")
        while True:
            loaded = True
            try:
                await page.wait_for_load_state("load", timeout=min(LOAD_WAIT, self.cfg.timeout / 2) * 1000)
            except Exception:
                loaded = False  # slow images or a hanging request: measure the page as it is
            # A redirect stub (meta refresh) is followed as a redirect: the page it leads to is measured.
            target = await _refresh_target(page)
            if not target or len(followed) >= MAX_REFRESH_HOPS or target in followed or target == page.url:
                break
            followed.append(target)
            response = await page.goto(target, wait_until="domcontentloaded")
        consent = await self._dismiss_consent(page)
        try:
            raw = await page.evaluate(MEASURE_JS, measure_options())
        except Exception as exc:  # accepting cookies made some sites reload: measure the reloaded page
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            await page.wait_for_load_state("load")
            raw = await page.evaluate(MEASURE_JS, measure_options())
        measured = sanitize(raw)
        out: dict[str, Any] = {"final_url": page.url[:2000], "http_status": response.status if response else None,
                               "loaded": loaded, "consent": consent, **measured}
        out["links"] = await _rendered_links(page)
        if followed:
            out["meta_refresh"] = [u[:2000] for u in followed]
        if self.cfg.screenshots:
            out["screenshot"] = await self._screenshot(page, url, measured)
        return out

    async def _dismiss_consent(self, page: Page) -> dict[str, Any] | None:
        if not self.cfg.consent_selectors and not self.cfg.consent_text:
            return None
        found = await page.evaluate(CONSENT_JS, {"selectors": list(self.cfg.consent_selectors),
                                                 "text": self.cfg.consent_text or "(?!)"})
        if not isinstance(found, dict):
            return None
        consent: dict[str, Any] = {k: str(found.get(k) or "")[:200] for k in ("selector", "label", "banner")}
        try:
            await page.wait_for_function(CONSENT_GONE_JS, timeout=CONSENT_WAIT * 1000)
            consent["dismissed"] = True
        except Exception:
            consent["dismissed"] = False
        return consent

    async def _screenshot(self, page: Page, url: str, measured: dict[str, Any]) -> str | None:
        width = min(max(measured["document_width"], measured["layout_width"], self.profile.width), 2000)
        height = min(max(measured["document_height"], 1), self.cfg.screenshot_max_height)
        name = screenshot_name(url, self.profile.name)
        try:
            await page.screenshot(path=str(self.shots / name), full_page=True, type="jpeg", quality=70, scale="css",
                                  animations="disabled", caret="hide",
                                  clip={"x": 0, "y": 0, "width": width, "height": height})
        except Exception:  # a screenshot is evidence, not a measurement: go on without it
            return None
        return f"{SCREENSHOT_DIR}/{name}"


_POPUPS: set[asyncio.Task[None]] = set()  # strong references until each close is done


async def _close_popup_async(page: Page) -> None:
    with contextlib.suppress(Exception):
        await page.close()


def _close_popup(page: Page) -> None:
    """Pages opened by the rendered page (``window.open``) are closed at once."""
    task = asyncio.ensure_future(_close_popup_async(page))
    _POPUPS.add(task)
    task.add_done_callback(_POPUPS.discard)


async def _refresh_target(page: Page) -> str | None:
    try:
        target = await page.evaluate(REFRESH_JS)
    except Exception:  # the browser followed the refresh itself meanwhile: that page is measured
        await page.wait_for_load_state("domcontentloaded")
        return None
    return target[:2000] if isinstance(target, str) else None


async def _rendered_links(page: Page) -> list[str]:
    try:
        links = await page.evaluate(LINKS_JS, MAX_RENDERED_LINKS)
    except Exception:  # the page navigated meanwhile: its measurements stand, without links
        return []
    if not isinstance(links, list):
        return []
    return [u[:2000] for u in links[:MAX_RENDERED_LINKS] if isinstance(u, str)]


def _blocked(blocked: Counter[str]) -> dict[str, Any]:
    return {"count": sum(blocked.values()), "hosts": [h[:100] for h, _ in blocked.most_common(10)]}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else exc.__class__.__name__)[:300]
