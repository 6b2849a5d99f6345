"""Incremental re-crawl: take a page over from the site's previous run when it has not changed.

A nightly audit of an unchanged site should cost a conditional request per page, not a
parse and a judgement. The previous run's store says, per page, its ``ETag``,
``Last-Modified`` and content hash. The crawler asks with ``If-None-Match`` /
``If-Modified-Since``; a ``304 Not Modified`` (or a ``200`` whose body hashes the same, for
servers without validators) means the stored page, its links, its touchpoint facts and the
findings of the page checks that may be reused (``PageCheck.reuse_key``) are copied over
as they were, in bulk once the crawl is over; during the crawl only the URLs the page
queued (stored with it as ``follows``) are queued again. Everything else (external links,
resources, site checks) is checked again: a link that broke overnight is news even when the
page that carries it did not change.

The previous store is read through the store's API (``auditor.store.PreviousRun``, which
only reads it); what this module adds is the judgement of which page checks may be reused.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.store import PreviousRun, TakenOver

__all__ = ["PreviousRun", "TakenOver", "reuse_keys"]


def reuse_keys(checks: list[Any], ctx: Any, tool_version: str, extract_settings: Any) -> dict[str, str | None]:
    """Per page check: a key that is equal across runs exactly when its verdict on an
    unchanged page would be equal (its code, settings, ``reuse_key``, the tool version)."""
    keys: dict[str, str | None] = {}
    for check in checks:
        own = check.reuse_key(ctx)
        options = check.options.__dict__ if check.options is not None else None
        keys[check.code] = None if own is None else json.dumps(
            [tool_version, check.severity, options, own], sort_keys=True, default=str)
    # Links are stored as extracted: a different extractor or normalisation means parse again.
    keys["_extract"] = json.dumps([tool_version, extract_settings])
    return keys
