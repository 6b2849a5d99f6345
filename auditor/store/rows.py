"""How the run's objects become rows and back: the one place that knows both shapes.

The crawler's parse workers build a page's row (``page_row``) where the page was parsed
and hand it to ``RunStore.add_page``; readers turn rows back into ``Page``, ``LinkTarget``
and ``LinkResult`` objects here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from auditor.check import LinkRef, LinkTarget
from auditor.deflate import inflate
from auditor.model import Finding, Hop, Link, LinkResult
from auditor.page import Page

__all__ = ["content_hash", "finding_row", "grouped_targets", "link_result", "page_row", "result_row", "row_page"]


def content_hash(body: bytes) -> str:
    """The identity of a page's content across runs (incremental re-crawl, history)."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def page_row(page: Page, facts: dict[str, Any] | None = None, nofollow: bool = False,
             follows: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The pages-table row of a page, without its body: built where the page was parsed,
    which is a worker process on large crawls. The crawler still holds the body, so it does
    not travel back; ``RunStore.add_page`` takes it, and the store's writer thread compresses
    and hashes it (zlib and hashlib release the GIL, so that runs beside the event loop)."""
    return {
        "facts": json.dumps(facts) if facts is not None else None, "nofollow": int(nofollow),
        "follows": json.dumps(follows) if follows is not None else None,
        "url": page.url, "final_url": page.final_url, "status": page.status,
        "content_type": page.content_type, "encoding": page.encoding,
        "headers": json.dumps(dict(page.headers)),
        "redirects": json.dumps([[h.url, h.status, h.location] for h in page.redirects]),
        "fetched_at": page.fetched_at, "depth": page.depth, "title": page.title,
        "language": page.language, "error": page.error,
        "anchors": json.dumps(sorted(page.anchors)), "truncated": int(page.truncated),
    }


def row_page(row: Any, links: tuple[Link, ...] = ()) -> Page:
    """A stored pages row (with its body) as a ``Page``."""
    return Page(
        url=row.url, final_url=row.final_url, status=row.status, body=inflate(row.body) if row.body else b"",
        encoding=row.encoding or "utf-8", headers=json.loads(row.headers or "{}"),
        redirects=tuple(Hop(*h) for h in json.loads(row.redirects or "[]")),
        content_type=row.content_type or "", fetched_at=row.fetched_at or "", language=row.language,
        title=row.title, links=links, anchors=frozenset(json.loads(row.anchors or "[]")),
        depth=row.depth or 0, error=row.error, truncated=bool(row.truncated),
    )


def finding_row(finding: Finding, scope: str, page_url: str | None) -> dict[str, Any]:
    return {"fingerprint": finding.fingerprint, "code": finding.code, "scope": scope, "page_url": page_url,
            "data": json.dumps(finding.to_dict())}


def result_row(result: LinkResult) -> dict[str, Any]:
    return {"url": result.url, "status": result.status, "error": result.error, "hops": len(result.redirects),
            "content_type": result.content_type, "data": json.dumps(result.to_dict())}


def link_result(data: str | None) -> LinkResult | None:
    return LinkResult.from_dict(json.loads(data)) if data else None


def grouped_targets(rows: Iterable[tuple[Any, ...]]) -> Iterator[LinkTarget]:
    """``LinkTarget``s from rows ``(target, source, fragment, text, element, result data)``
    sorted by target."""
    current: str | None = None
    data: str | None = None
    refs: list[LinkRef] = []
    for target, source, fragment, text, element, row_data in rows:
        if target != current:
            if current is not None:
                yield LinkTarget(current, link_result(data), refs)
            current, data, refs = target, row_data, []
        refs.append(LinkRef(source, target, fragment, text or "", element or "a"))
    if current is not None:
        yield LinkTarget(current, link_result(data), refs)
