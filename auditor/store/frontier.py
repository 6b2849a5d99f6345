"""The crawl frontier as stored: every URL seen, in discovery order, queued or done.

A resumed audit rebuilds its queue and its seen set from here (``known_urls``); a URL is
done when its page (or link result) is stored, in the same transaction (``Writer``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from auditor.store.schema import pages_t, urls_t
from auditor.store.writer import Writer

__all__ = ["Frontier"]


class Frontier(Writer):
    def __init__(self, run_dir: Path) -> None:
        super().__init__(run_dir)
        with self.engine.connect() as conn:
            self._seq = conn.execute(select(urls_t.c.seq).order_by(urls_t.c.seq.desc()).limit(1)).scalar() or 0

    def enqueue(self, url: str, kind: str, depth: int) -> None:
        """Record a newly discovered URL (the caller de-duplicates against ``known_urls``)."""
        self._seq += 1
        self._add(urls_t, [{"url": url, "kind": kind, "depth": depth, "state": "queued", "seq": self._seq}])

    def upgrade(self, url: str, depth: int) -> None:
        """A URL recorded as ``check`` is to be crawled after all (queued again as ``crawl``):
        one page named it only by ``<link rel=next>``, another links it with ``<a>``. Its check,
        if done in this batch, no longer counts: the URL is done when its page is stored."""
        if url in self._pending_done:  # rare: a linear search is fine
            self._pending_done = [u for u in self._pending_done if u != url]
        self._upgrades.append((depth, url))

    def mark_done(self, url: str) -> None:
        """Mark a URL done without a result or page of its own (a redirect whose target was
        stored under the target's URL)."""
        self._pending_done.append(url)

    def known_urls(self) -> Iterator[tuple[str, str, int, str]]:
        """``(url, kind, depth, state)`` of every URL seen, in discovery order."""
        with self.engine.connect() as conn:
            yield from conn.execute(
                select(urls_t.c.url, urls_t.c.kind, urls_t.c.depth, urls_t.c.state).order_by(urls_t.c.seq)
            )

    def count_pages(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(pages_t)).scalar() or 0
