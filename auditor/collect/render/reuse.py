"""Rendering results an incremental re-crawl may keep from the site's previous run.

Rendering is the most expensive thing an audit does (a second or more per page), so a
nightly run keeps the previous night's measurements and screenshots of a page when nothing
that shapes its layout changed: the page itself (taken over unchanged by the crawler), its
stylesheets and scripts (same ETag / Last-Modified / length), and the render settings.
"""

from __future__ import annotations

import shutil

from auditor.artifacts.render import RenderedPage
from auditor.collector import CollectContext

__all__ = ["reusable_render"]


def reusable_render(ctx: CollectContext, url: str) -> RenderedPage | None:
    """The previous run's render record of ``url`` (its screenshots copied into this run's
    directory), or None when the page must be rendered again."""
    previous = ctx.previous
    if previous is None or url not in ctx.unchanged:
        return None
    if (previous.config.get("collectors") or {}).get("render") != ctx.config.collectors.get("render"):
        return None
    stored = previous.page_artifact(url, RenderedPage.NAME)
    record = RenderedPage.from_json(stored) if stored else None
    if record is None or any(not p.ok for p in record.profiles.values()):
        return None  # a failed render is tried again
    if previous.resources(url) != ctx.store.resources(url):
        return None
    shots = [p.screenshot for p in record.profiles.values() if p.screenshot]
    sources = [previous.run_dir / shot for shot in shots]
    if not all(src.is_file() for src in sources):
        return None  # the evidence is gone: render again rather than report without it
    for shot, src in zip(shots, sources, strict=True):
        dest = ctx.run_dir / shot
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    return record
