"""The site's previous run, read-only: what an incremental re-crawl may take over from it.

The crawler asks for each page stored then with ``If-None-Match`` / ``If-Modified-Since``
(``conditional``); an unchanged page is taken over (``take_over``) and copied after the
crawl by ``RunStore.copy_taken``. Only the pages of checks that would judge the same way
(equal reuse keys, see ``auditor.collect.crawl.incremental.reuse_keys``) are candidates.

The previous store is never written: it is opened read-only, its schema is not upgraded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import exc, inspect, select

from auditor.store import sqlite
from auditor.store.schema import STORE_FILE, checks_t, meta_t, pages_t

__all__ = ["PreviousRun", "TakenOver", "resource_signature"]


@dataclass(frozen=True)
class TakenOver:
    """What the crawl needs of an unchanged page: its answer (for the link result), whether
    its links may be followed, and what it queued. The page itself, its links and findings
    are copied in bulk after the crawl (``RunStore.copy_taken``)."""

    status: int
    content_type: str | None
    headers: dict[str, str]
    follows: list[tuple[str, str]]  # (url, "crawl" | "check") in the order the page queued them


class PreviousRun:
    """The same site's previous run store, read-only.

    ``keys`` are this run's reuse keys per page check; the previous run's findings of a
    check are reusable when its key was the same then and it finished normally. Raises
    ``OSError`` when there is no store, ``sqlite.StoreUnreadable`` when it cannot be read.
    """

    def __init__(self, run_dir: Path, keys: dict[str, str | None]) -> None:
        path = Path(run_dir) / STORE_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{run_dir}: no {STORE_FILE} to re-crawl from")
        self.run_dir = Path(run_dir)
        self.path = path
        self._reader = sqlite.Reader(path, readonly=True)
        engine = sqlite.open_engine(path, readonly=True)
        try:
            with engine.connect() as conn:
                meta = {key: value for key, value in conn.execute(select(meta_t.c.key, meta_t.c.value))}
                statuses = {code: json.loads(data).get("status")
                            for code, data in conn.execute(select(checks_t.c.code, checks_t.c.data))}
                self.config: dict[str, Any] = json.loads(meta.get("config") or "{}")
                before: dict[str, Any] = json.loads(meta.get("reuse_keys") or "{}")
                # A check's findings carry over only when it judged the same way then (same
                # key) and finished normally (an errored check's findings were dropped).
                self.reusable = frozenset(code for code, key in keys.items()
                                          if key is not None and before.get(code) == key
                                          and (code.startswith("_") or statuses.get(code) in ("passed", "failed")))
                self.complete = frozenset(keys) <= self.reusable
                self._validators: dict[str, tuple[str | None, str | None, str | None]] = {}
                columns = {c["name"] for c in inspect(conn).get_columns(pages_t.name)}
                if self.complete and {"content_hash", "facts", "follows"} <= columns:  # else nothing is taken over
                    rows = conn.execute(
                        select(pages_t.c.url, pages_t.c.headers, pages_t.c.content_hash)
                        .where(pages_t.c.status.between(200, 299), pages_t.c.facts.is_not(None),
                               pages_t.c.follows.is_not(None), pages_t.c.url == pages_t.c.final_url))
                    for url, headers, chash in rows:
                        head = {k.lower(): v for k, v in json.loads(headers or "{}").items()}
                        self._validators[url] = (head.get("etag"), head.get("last-modified"), chash)
        except exc.DBAPIError as error:
            self._reader.close()
            raise (error.orig or error) from None  # the driver's own error (``StoreUnreadable``)
        except BaseException:
            self._reader.close()
            raise
        finally:
            engine.dispose()

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
        answer = self._reader.answer(url)
        if answer is None:
            raise KeyError(url)
        status, ctype, stored, follows = answer
        merged = {**json.loads(stored or "{}"), **headers}
        return TakenOver(status, ctype, merged, [tuple(f) for f in json.loads(follows or "[]")])

    def page_artifact(self, url: str, name: str) -> Any:
        """A collector's stored result for ``url`` in the previous run (None: none)."""
        data = self._reader.page_artifact(url, name)
        return json.loads(data) if data is not None else None

    def resources(self, url: str) -> list[tuple[str, str]]:
        return resource_signature(self._reader.layout_links(url))

    def close(self) -> None:
        self._reader.close()


def resource_signature(rows: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """The stylesheets and scripts of a page (``Reader.layout_links``) with what identifies
    their content (ETag, else Last-Modified, else length and status): a rendering of an
    unchanged page is reusable only when these are unchanged too, because CSS changes the
    layout."""
    signature = []
    for target, data in rows:
        result = json.loads(data) if data else {}
        head = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        ident = head.get("etag") or head.get("last-modified") or f"{head.get('content-length')}/{result.get('status')}"
        signature.append((target, ident))
    return signature
