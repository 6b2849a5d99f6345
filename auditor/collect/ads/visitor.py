"""The ad landing visitor: follow each ad's link as a prospect's click would, and keep what it shows.

Runs after the crawl, only when an enabled ads check needs it. Each distinct landing URL
is fetched once, with its query string (the UTM parameters must survive every redirect),
through the run's fetcher, so politeness, retries, ``--resolve`` and ``--ca-bundle``
apply. What is kept per URL (page artifact ``ad_landing``, ``auditor.artifacts.ads.AdLanding``):
the status, every redirect hop, the final URL and, for HTML, the facts of
``landing_page.describe_landing`` (main text, headings, forms). The ads themselves become
the run artifact ``ads`` (``Ads``). Judging is left to ``checks/ads/``, so ``recheck`` can
re-judge without fetching again.

``[collectors.ads]`` settings (``AdsSettings``): ``concurrency`` (landing pages fetched at
once, default 4), ``max_body_bytes`` (default 3,000,000) and ``internal_ads`` (default
false: also treat the site's own banners as ads, see ``banners.py``).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from auditor.artifacts import write, write_page
from auditor.artifacts.ads import AdLanding, Ads
from auditor.collect.ads.banners import find_banners
from auditor.collect.ads.csv_file import load_ads
from auditor.collect.ads.landing_page import describe_landing
from auditor.collect.http import Response
from auditor.collector import CollectContext, Collector, CollectorSettings
from auditor.config import positive
from auditor.html.charset import detect_encoding
from auditor.html.extract import parse_html

__all__ = ["AdLandingCollector", "AdsSettings", "load_ads", "visit_record"]

LANDING = AdLanding.NAME
SNIPPET = 500


class AdsSettings(CollectorSettings):
    """``[collectors.ads]``."""

    concurrency: Annotated[int, positive] = 4  # landing pages fetched at once
    max_body_bytes: Annotated[int, positive] = 3_000_000
    internal_ads: bool = False  # also treat the site's own banners as ads (``banners.py``)


class AdLandingCollector(Collector):
    """Visits the landing page of every ad in ``--ads FILE``."""

    name = "ads"
    provides = ("ads", LANDING)
    Settings = AdsSettings
    settings: AdsSettings

    async def collect(self, ctx: CollectContext) -> None:
        ads = load_ads(ctx.config.ads) if ctx.config.ads is not None else []
        if self.settings.internal_ads:
            ads += find_banners(ctx.store.pages(), ctx.scope.is_internal)
        if not ads:
            write(ctx.store, Ads())  # the ads checks end "not applicable"
            return
        write(ctx.store, Ads(tuple(ads)))
        done = {url for url, _ in ctx.store.page_artifacts(LANDING)}  # a resumed audit keeps its visits
        todo = list(dict.fromkeys(ad.final_url for ad in ads if ad.final_url not in done))
        gate = asyncio.Semaphore(self.settings.concurrency)
        visited = 0
        ctx.progress(0, len(todo), "landing pages")

        async def visit(url: str) -> None:
            nonlocal visited
            async with gate:
                res = await ctx.fetcher.fetch(url, max_body=self.settings.max_body_bytes, want_body=lambda s, h: True)
            write_page(ctx.store, url, visit_record(url, res))
            visited += 1
            ctx.progress(visited, len(todo), "landing pages")

        await asyncio.gather(*(visit(url) for url in todo))
        ctx.store.flush()
        ctx.notes.append(f"ads: {len(ads)} ads, {len(todo)} landing pages visited")


def visit_record(url: str, res: Response) -> AdLanding:
    """The record of one landing visit: fetch facts plus, for HTML, the page's facts."""
    record: dict[str, Any] = {
        "url": url, "final_url": res.final_url or url, "status": res.status, "error": res.error,
        "error_detail": (res.error_detail or "")[:300] or None,
        "hops": [[h.url, h.status, h.location] for h in res.hops],
        "content_type": res.content_type[:100], "headers": dict(res.headers), "truncated": res.truncated,
        "fetched_at": res.fetched_at, "is_html": bool(res.body) and res.is_html,
    }
    if record["is_html"]:
        encoding = detect_encoding(res.body, res.content_type)
        facts = describe_landing(parse_html(res.body, encoding))
        record.update(facts)
        record["snippet"] = facts["text"][:SNIPPET]
    return AdLanding.from_json(record)
