"""Link discovery from the rendered DOM: menus a script builds (``[crawl] render_links``).

A site whose navigation is written by JavaScript shows the crawler (which reads HTML) a
page with almost no links, while a browser shows the whole menu. The renderer records
every rendered page's hyperlinks (``ProfileRender.links``); here they are compared with
the links of the page's stored HTML, and the same-site URLs only the browser saw are handed
back to the runner, which crawls them in a follow-up round through the same scope,
robots.txt and private-address guard as any link.

When to trust the rendered DOM (``render_links``):

* ``never``: not at all (the behaviour before this existed);
* ``always``: every same-site link of every rendered page;
* ``auto`` (default): only pages whose rendered DOM has *clearly* more same-site links than
  their HTML: at least ``MORE_AT_LEAST`` more and ``MORE_RATIO`` times as many. A menu that
  only gets a few links re-ordered or a "back to top" added by a script does not count; a
  navigation written by a script does.

When no enabled check needs the renderer, ``auto`` renders only the start page, and only
when the crawl stalled: at most ``FEW_HTML_LINKS`` pages crawled and fewer than
``FEW_HTML_LINKS`` same-site hyperlinks in the start page's HTML (a site whose menu is in its
HTML costs nothing: no store read, no browser); ``always`` renders the start page whenever
nothing else was rendered. Both are bounded to that one page, in one phone profile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditor.collect.render.settings import RenderSettings
from auditor.collect.render.tab import Tab

if TYPE_CHECKING:
    from auditor.collector import CollectContext

MORE_AT_LEAST = 3  # "clearly more": at least this many more same-site links than the HTML ...
MORE_RATIO = 1.5  # ... and at least this many times as many
FEW_HTML_LINKS = 3  # a start page with fewer same-site links in its HTML is rendered even when no check needs it


def clearly_more(rendered: int, html: int) -> bool:
    """The rendered DOM has clearly more same-site links than the HTML (see the module docstring)."""
    return rendered - html >= MORE_AT_LEAST and rendered >= MORE_RATIO * html


@dataclass
class Discovery:
    """What the rendered DOM added: new same-site URLs (with the page that links them) and the
    rendered pages that were trusted."""

    found: dict[str, str] = field(default_factory=dict)  # new URL -> the rendered page it was seen on
    pages: list[str] = field(default_factory=list)  # rendered pages whose DOM links were followed


def discover(rendered: Iterable[tuple[str, Iterable[str]]], html_links: Callable[[str], set[str]],
             internal: Callable[[str], str | None], mode: str) -> Discovery:
    """The same-site URLs the rendered DOM adds to the HTML's. ``rendered`` gives each rendered
    page's DOM hrefs, ``html_links`` a page's same-site hyperlinks in its stored HTML, and
    ``internal`` the normalised URL of a same-site href (None for anything else)."""
    out = Discovery()
    if mode == "never":
        return out
    for page, hrefs in rendered:
        dom = {u for u in (internal(h) for h in hrefs) if u is not None and u != page}
        html = html_links(page)
        if mode == "auto" and not clearly_more(len(dom), len(html)):
            continue
        out.pages.append(page)
        for url in sorted(dom - html):
            out.found.setdefault(url, page)
    return out


async def render_for_links(ctx: CollectContext, settings: RenderSettings, urls: list[str]) -> dict[str, list[str]]:
    """Render ``urls`` in the first phone profile only for their DOM links (no screenshots, no
    artifact): used when no enabled check needs the renderer. A page that fails gives none."""
    from auditor.collect.render.renderer import RequestGate, _site_headers, open_pool

    crawl = ctx.config.crawl
    settings = settings.model_copy(update={"screenshots": False})
    # Part of the crawl, not a phone measurement: the site sees the crawler's User-Agent.
    headers = {**_site_headers(ctx), "user-agent": crawl.user_agent}
    gate = RequestGate(ctx.scope.start_url, ctx.scope.is_internal, settings, headers,
                       ctx.fetcher.policy, crawl.resolves())
    out: dict[str, list[str]] = {}
    async with contextlib.AsyncExitStack() as stack:
        pool, _proxy = await open_pool(stack, ctx, settings)
        tab = Tab(pool, gate, settings, settings.profiles[0], ctx.run_dir)
        try:
            for url in urls:
                result = await tab.render(url)
                if result.get("status") == "ok":
                    out[url] = list(result.get("links") or [])
        finally:
            await tab.close()
    return out
