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

The previous store is only read.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.store import STORE_FILE

__all__ = ["PreviousRun", "TakenOver", "resource_signature", "reuse_keys"]


@dataclass(frozen=True)
class TakenOver:
    """What the crawl needs of an unchanged page: its answer (for the link result), whether
    its links may be followed, and what it queued. The page itself, its links and findings
    are copied in bulk after the crawl (``RunStore.copy_taken``)."""

    status: int
    content_type: str | None
    headers: dict[str, str]
    follows: list[tuple[str, str]]  # (url, "crawl" | "check") in the order the page queued them


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


class PreviousRun:
    """The same site's previous run store, read-only."""

    def __init__(self, run_dir: Path, keys: dict[str, str | None]) -> None:
        path = Path(run_dir) / STORE_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{run_dir}: no {STORE_FILE} to re-crawl from")
        self.run_dir = Path(run_dir)
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        self.config: dict[str, Any] = json.loads(meta.get("config") or "{}")
        before: dict[str, Any] = json.loads(meta.get("reuse_keys") or "{}")
        statuses = {code: json.loads(data).get("status") for code, data in
                    self.db.execute("SELECT code, data FROM check_results")}
        # A check's findings carry over only when it judged the same way then (same key) and
        # finished normally (an errored check's findings were dropped).
        self.reusable = frozenset(code for code, key in keys.items()
                                  if key is not None and before.get(code) == key
                                  and (code.startswith("_") or statuses.get(code) in ("passed", "failed")))
        self.complete = frozenset(keys) <= self.reusable
        self._validators: dict[str, tuple[str | None, str | None, str | None]] = {}
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(pages)")}
        if self.complete and {"content_hash", "facts", "follows"} <= columns:  # else nothing is taken over
            rows = self.db.execute(
                "SELECT url, headers, content_hash FROM pages WHERE status BETWEEN 200 AND 299 "
                "AND facts IS NOT NULL AND follows IS NOT NULL AND url = final_url")
            for url, headers, chash in rows:
                head = {k.lower(): v for k, v in json.loads(headers or "{}").items()}
                self._validators[url] = (head.get("etag"), head.get("last-modified"), chash)

    def conditional(self, url: str) -> dict[str, str] | None:
        """The conditional-request headers for ``url``; None when the previous run has no
        reusable copy of it (then it is fetched and judged as new)."""
        if not self.complete:
            return None
        known = self._validators.get(url)
        if known is None:
            return None
        etag, modified, _ = known
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def same_content(self, url: str, chash: str) -> bool:
        known = self._validators.get(url)
        return known is not None and known[2] == chash

    def take_over(self, url: str, headers: dict[str, str]) -> TakenOver:
        """The previous run's answer for ``url`` and what the page queued; ``headers`` are
        the validators of this run's answer (kept current for the next run)."""
        status, ctype, stored, follows = self.db.execute(
            "SELECT status, content_type, headers, follows FROM pages WHERE url = ?", (url,)).fetchone()
        merged = {**json.loads(stored or "{}"), **headers}
        return TakenOver(status, ctype, merged, [tuple(f) for f in json.loads(follows or "[]")])

    def page_artifact(self, url: str, name: str) -> Any:
        """A collector's stored result for ``url`` in the previous run (None: none)."""
        row = self.db.execute("SELECT data FROM page_artifacts WHERE url = ? AND name = ?", (url, name)).fetchone()
        return json.loads(row[0]) if row else None

    def resources(self, url: str) -> list[tuple[str, str]]:
        return resource_signature(self.db, url)

    def close(self) -> None:
        self.db.close()


def resource_signature(db: sqlite3.Connection, url: str) -> list[tuple[str, str]]:
    """The stylesheets and scripts of page ``url`` with what identifies their content
    (ETag, else Last-Modified, else length and status): a rendering of an unchanged page is
    reusable only when these are unchanged too, because CSS changes the layout."""
    rows = db.execute(
        "SELECT l.target, r.data FROM links l LEFT JOIN link_results r ON r.url = l.target "
        "WHERE l.source = ? AND l.element IN ('link', 'script') ORDER BY 1", (url,))
    signature = []
    for target, data in rows:
        result = json.loads(data) if data else {}
        head = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        ident = head.get("etag") or head.get("last-modified") or f"{head.get('content-length')}/{result.get('status')}"
        signature.append((target, ident))
    return signature
