"""The store's writer: batched writes in one background thread, one transaction a batch.

Why batches: a page, its links, its page-level findings and the URLs it discovered are
committed in one transaction, so after a ``kill -9`` every page is either wholly stored (and
not fetched again) or not at all (and fetched again). Why a thread: it deflates the page
bodies and hashes them, and zlib, hashlib and SQLite release the GIL, so writing overlaps
the crawl. At most one batch is in flight.

``Writer`` is the base of ``RunStore``: it owns the file, the engine and the read
connection, which every other part of the store (frontier, site view, carry-over, results)
reaches through ``self``.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Engine

from auditor.deflate import deflate
from auditor.model import Finding, LinkResult
from auditor.store import sqlite
from auditor.store.rows import content_hash, finding_row, result_row
from auditor.store.schema import (
    STORE_FILE,
    add_missing_columns,
    findings_t,
    metadata,
    page_artifacts_t,
    pages_t,
    results_t,
    taken_t,
    urls_t,
)

__all__ = ["Writer"]


class Writer:
    """Opens (creating or upgrading) ``RUN_DIR/run.sqlite`` and writes to it in batches."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / STORE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = sqlite.open_engine(self.path)
        metadata.create_all(self.engine)
        add_missing_columns(self.engine)
        self._pending: dict[Table, list[dict[str, Any]]] = {}
        self._pending_done: list[str] = []
        self._upgrades: list[tuple[int, str]] = []  # (depth, url): check -> crawl (``Frontier.upgrade``)
        self._links: list[tuple[Any, ...]] = []
        self._pages: list[tuple[dict[str, Any], bytes]] = []
        self._pending_bytes = 0
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-store-writer")
        self._inflight: Future[None] | None = None
        self._reader: sqlite.Reader | None = None
        # Bumped whenever links or link results are added: a filter's selection built for
        # an older version is built again (``Reader.selection``).
        self._graph_version = 0

    def _add(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        self._pending.setdefault(table, []).extend(rows)

    def add_page(self, row: dict[str, Any], body: bytes, link_rows: list[tuple[Any, ...]],
                 findings: Iterable[Finding]) -> None:
        """Store a page (its ``page_row`` and its body) with its link rows
        (``LinkPolicy.apply``) and its page-level findings; marks its URL done."""
        url = row["url"]
        self._pages.append((row, body))
        self._pending_bytes += len(body)
        self._links.extend(link_rows)
        self.add_page_findings(url, findings)
        self._pending_done.append(url)

    def add_page_findings(self, page_url: str, findings: Iterable[Finding]) -> None:
        """Store page-level findings of an already stored page (``recheck``)."""
        self._add(findings_t, [finding_row(f, "page", page_url) for f in findings])

    def add_result(self, result: LinkResult, done: bool = True) -> None:
        """Store what fetching a URL gave; marks it done when it was a check-only URL."""
        self._add(results_t, [result_row(result)])
        if done:
            self._pending_done.append(result.url)

    @property
    def pending_pages(self) -> int:
        return len(self._pages)

    @property
    def pending_bytes(self) -> int:
        """Bytes of page bodies waiting for the next flush (they are compressed when written)."""
        return self._pending_bytes

    def flush(self, wait: bool = True) -> None:
        """Commit everything pending in one transaction (in the writer thread).

        ``wait=False`` returns at once; the crawl uses it. Anything that reads the store
        afterwards calls ``flush()`` (waits), which also re-raises a failed write.
        """
        batch = (self._pending, self._pending_done, self._links, self._pages, self._upgrades)
        if self._links or results_t in self._pending:
            self._graph_version += 1
        self._pending, self._pending_done, self._links, self._pages, self._upgrades = {}, [], [], [], []
        self._pending_bytes = 0
        if self._inflight is not None:
            self._inflight.result()
            self._inflight = None
        if any(batch):
            self._inflight = self._writer.submit(self._write, *batch)
        if wait and self._inflight is not None:
            self._inflight.result()
            self._inflight = None

    def _write(self, pending: dict[Table, list[dict[str, Any]]], done: list[str], links: list[tuple[Any, ...]],
               pages: list[tuple[dict[str, Any], bytes]], upgrades: list[tuple[int, str]]) -> None:
        rows = [{**row, "body": deflate(body, 1) if body else b"", "content_hash": content_hash(body)}
                for row, body in pages]
        with self.engine.begin() as conn:
            if rows:
                conn.execute(sqlite.insert_replace(pages_t), rows)
            if links:  # the bulk of every write: plain tuples, no per-row dicts
                conn.exec_driver_sql(sqlite.INSERT_LINKS, links)
            for table in (urls_t, results_t, findings_t, page_artifacts_t, taken_t):
                table_rows = pending.get(table)
                if table_rows:
                    replace = table in (results_t, page_artifacts_t)
                    conn.execute(sqlite.insert_replace(table) if replace else sqlite.insert_ignore(table), table_rows)
            if upgrades:  # before "done": the upgraded URL's page may be stored in this very batch
                conn.exec_driver_sql(sqlite.UPGRADE_TO_CRAWL, upgrades)
            if done:
                conn.exec_driver_sql(sqlite.MARK_DONE, [(u,) for u in done])

    def _read(self) -> sqlite.Reader:
        """The read connection (opened after a flush, so it sees everything written)."""
        if self._reader is None:
            self.flush()
            self._reader = sqlite.Reader(self.path)
        return self._reader

    def close(self) -> None:
        self.flush()
        if self._reader is not None:
            self._reader.close()
        self._writer.shutdown()
        self.engine.dispose()
