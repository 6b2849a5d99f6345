"""This run's side of an incremental re-crawl: the pages taken over unchanged from the
site's previous run, and what the next run needs to recognise a page as unchanged.

The crawl records a small ``taken`` row per unchanged page; once it is over, the pages,
their links, the page findings of reusable checks and the page artifacts collectors list
in ``carry_over`` are copied from the previous store in a few SQL statements (through
Python the rows of 5,000 pages and 300,000 links cost seconds; in SQL a fraction of one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from auditor.store import sqlite
from auditor.store.schema import pages_t, taken_t
from auditor.store.writer import Writer

__all__ = ["CarryOver"]


class CarryOver(Writer):
    def add_taken(self, url: str, fetched_at: str, etag: str | None, last_modified: str | None,
                  depth: int) -> None:
        """Record a page taken over unchanged (written with the next flush; marks it done)."""
        self._add(taken_t, [{"url": url, "fetched_at": fetched_at, "etag": etag, "last_modified": last_modified,
                             "depth": depth, "copied": 0}])
        self._pending_done.append(url)

    def copy_taken(self, previous: Path, codes: Iterable[str], artifacts: Iterable[str] = ()) -> int:
        """Copy the pages taken over from the ``previous`` store file, with their links, the
        page findings of the checks ``codes`` and the page artifacts named ``artifacts``.
        Idempotent: a resumed run copies only what was not copied yet."""
        self.flush()
        with self.engine.begin() as conn:
            copied = sqlite.copy_taken(conn, previous, [c.name for c in pages_t.columns], sorted(codes),
                                       sorted(artifacts))
        self._graph_version += 1
        return copied

    def unchanged_pages(self) -> Iterator[str]:
        """URLs of the pages taken over unchanged from the previous run (incremental re-crawl)."""
        self.flush()
        with self.engine.connect() as conn:
            yield from conn.execute(select(taken_t.c.url)).scalars()

    def page_index(self) -> Iterator[dict[str, Any]]:
        """Per stored page what the next run needs to recognise it unchanged: url, status,
        content type, ETag, Last-Modified and content hash (no bodies are read)."""
        self.flush()
        with self.engine.connect() as conn:
            rows = conn.execute(select(pages_t.c.url, pages_t.c.status, pages_t.c.content_type, pages_t.c.headers,
                                       pages_t.c.content_hash).order_by(pages_t.c.url))
            for url, status, ctype, headers, chash in rows:
                head = {k.lower(): v for k, v in json.loads(headers or "{}").items()}
                yield {"url": url, "status": status, "content_type": ctype, "etag": head.get("etag"),
                       "last_modified": head.get("last-modified"), "content_hash": chash}
