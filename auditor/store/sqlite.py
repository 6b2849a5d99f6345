"""Everything of the run store that is SQLite's own, in this one module.

The other modules of ``auditor/store/`` speak SQLAlchemy Core over the tables declared in
``schema.py``. What is here would have to change for another database (PostgreSQL for a
fleet), and nothing else would:

- the connection: WAL, ``synchronous=OFF``, ``temp_store=MEMORY``; read-only opening
  through a ``file:…?mode=ro`` URI;
- ``INSERT OR REPLACE`` / ``INSERT OR IGNORE`` and the statements run through the driver
  with its ``?`` parameters (the link rows: the bulk of every write, as plain tuples);
- the link-graph filters (``json_extract``, ``json_each``, ``instr``), their partial
  indexes and the temp tables a filter's selection is kept in;
- ``Reader``: a raw ``sqlite3`` connection kept open for the thousands of one-row lookups
  site checks and the incremental re-crawl make (a pooled SQLAlchemy connection per lookup
  cost more than the query);
- ``ATTACH DATABASE`` of the previous run's file, to copy the pages taken over in SQL;
- ``PRAGMA quick_check``: is a store file intact.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.dml import Insert

from auditor.check import DOCUMENT_TYPES

__all__ = [
    "INSERT_LINKS",
    "LAYOUT_INDEX",
    "MARK_DONE",
    "PAGES_HASH_INDEX",
    "RESULT_FILTERS",
    "SHARED_CONTENT_HASHES",
    "SOURCE_INDEX",
    "SOURCE_INDEX_AFTER",
    "TARGET_FILTERS",
    "UPGRADE_TO_CRAWL",
    "Reader",
    "StoreUnreadable",
    "connect",
    "copy_taken",
    "insert_ignore",
    "insert_replace",
    "integrity_problem",
    "link_index",
    "open_engine",
    "target_rows",
]

StoreUnreadable = sqlite3.DatabaseError  # what a damaged or foreign store file raises


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # OFF is still safe when the process is killed (the OS keeps what was written), which
    # is what --resume needs; only a power loss could cost the last transactions.
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def open_engine(path: Path, readonly: bool = False) -> Engine:
    """The engine of a store file: one this process writes, or (``readonly``) one it only reads."""
    if readonly:
        return create_engine("sqlite://", creator=lambda: connect(path, readonly=True), poolclass=NullPool)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 60})
    event.listen(engine, "connect", _pragmas)
    return engine


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A raw connection; ``readonly`` writes nothing, neither the file nor beside it.

    A store closed normally has no ``-wal`` file: it is opened ``immutable``, because opening
    a WAL database even read-only creates its ``-wal`` and ``-shm`` files. One with a
    ``-wal`` (its audit was killed, or still runs) is opened read-only with it, to see
    what was committed there.
    """
    if readonly:
        wal = path.with_name(path.name + "-wal")
        mode = "mode=ro" if wal.exists() else "immutable=1"
        return sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True, check_same_thread=False)
    return sqlite3.connect(path, check_same_thread=False)


def insert_replace(table: Table) -> Insert:
    return table.insert().prefix_with("OR REPLACE")


def insert_ignore(table: Table) -> Insert:
    return table.insert().prefix_with("OR IGNORE")


INSERT_LINKS = "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)"
MARK_DONE = "UPDATE urls SET state='done' WHERE url = ?"
# A URL first only checked (a ``<link rel=next>``) that another page links with ``<a>``: crawled.
UPGRADE_TO_CRAWL = "UPDATE urls SET kind='crawl', state='queued', depth=? WHERE url = ?"

# -- the link graph ---------------------------------------------------------------
# How each filter is read. Filters on the link's result (``RESULT_FILTERS``) select few
# targets (the problems, the documents): one pass over links, probing those URLs, collects
# their links into a temp table once per state of the link graph; the five link checks
# then read (and sort) it in milliseconds. That beat building the full index on links.target,
# which is only built for ``all``. The fragment and external filters have partial indexes.
# ``unmatched_fragments`` drops, in SQL, the links whose fragment is literally an id of the
# (not redirected) target page as stored: the anchor check has nothing to say about those,
# and on a real site they are nearly all of them.
RESULT_FILTERS = {
    "attention": "error IS NOT NULL OR status IS NULL OR status >= 400 OR hops > 0",
    "non_html": "content_type IS NOT NULL AND content_type NOT LIKE '%html%'",
    "documents": " OR ".join(f"content_type LIKE '{t}%'" for t in DOCUMENT_TYPES),
}
TARGET_FILTERS = {
    "all": "FROM links l LEFT JOIN link_results r ON r.url = l.target",
    "fragments": "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.fragment IS NOT NULL",
    "unmatched_fragments":
        "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.fragment IS NOT NULL"
        " AND NOT (instr(l.fragment, '%') = 0"
        " AND (r.url IS NULL OR coalesce(json_extract(r.data, '$.final_url'), l.target) = l.target)"
        " AND EXISTS (SELECT 1 FROM pages p, json_each(p.anchors) a"
        " WHERE p.url = l.target AND json_valid(p.anchors) AND a.value = l.fragment))",
    "external": "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.internal = 0",
    # Few rows (stubs are rare): one scan of links finds the refresh links and the pages that carry one.
    "refresh": "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.element = 'meta-refresh'"
               " OR l.target IN (SELECT source FROM links WHERE element = 'meta-refresh')",
    **{name: "FROM links l JOIN link_results r ON r.url = l.target"
             f" WHERE l.target IN (SELECT url FROM link_results WHERE {where})"
       for name, where in RESULT_FILTERS.items()},
}
_LINK_INDEXES = {
    "links_target": "CREATE INDEX IF NOT EXISTS links_target ON links (target)",
    "links_fragment": "CREATE INDEX IF NOT EXISTS links_fragment ON links (target) WHERE fragment IS NOT NULL",
    "links_external": "CREATE INDEX IF NOT EXISTS links_external ON links (target) WHERE internal = 0",
    # Kept from the store's creation on (``schema.links_t``); built here for an older store.
    "links_refresh": "CREATE INDEX IF NOT EXISTS links_refresh ON links (source) WHERE element = 'meta-refresh'",
}
_FILTER_INDEX = {"all": "links_target", "fragments": "links_fragment", "unmatched_fragments": "links_fragment",
                 "external": "links_external", "refresh": "links_refresh"}
_ANY_REFRESH = "SELECT 1 FROM links INDEXED BY links_refresh WHERE element = 'meta-refresh' LIMIT 1"
_SELECT_LINKS = "SELECT l.target, l.source, l.fragment, l.text, l.element, r.data"
# The stylesheets and scripts by page: the render collector reads them per rendered page,
# and on the next night's run in this store as the previous one.
# The links of one page (``StoredSite.page``). Not kept during the crawl (see
# ``schema.links_t``): built once a run has read enough pages with their links that the
# scans would cost more than the index (``SOURCE_INDEX_AFTER``). On the 5,000-page links
# benchmark (298,000 links) one scan took ~90 ms and building the index ~550 ms; a lookup
# through it takes ~0.1 ms.
SOURCE_INDEX = "CREATE INDEX IF NOT EXISTS links_source ON links (source)"
SOURCE_INDEX_AFTER = 6
LAYOUT_INDEX = "CREATE INDEX IF NOT EXISTS links_layout ON links (source) WHERE element IN ('link', 'script')"


# Pages with the same body (``SiteView.content_hashes``): a partial index kept from the
# store's creation on (``schema.pages_t``), so only the shared hashes are read. Pages cut at
# max_body_bytes are left out: bombs cut at one limit hash the same and are no one page.
_WHOLE_PAGE = "status = 200 AND content_hash IS NOT NULL AND truncated = 0"
PAGES_HASH_INDEX = f"CREATE INDEX IF NOT EXISTS pages_content ON pages (content_hash, url) WHERE {_WHOLE_PAGE}"
SHARED_CONTENT_HASHES = (
    f"SELECT url, content_hash FROM pages WHERE {_WHOLE_PAGE} AND content_hash IN"
    f" (SELECT content_hash FROM pages WHERE {_WHOLE_PAGE} GROUP BY content_hash HAVING count(*) > 1) ORDER BY url")


def link_index(which: str) -> tuple[str, str] | None:
    """``(name, CREATE INDEX statement)`` of the index filter ``which`` reads, if any."""
    name = _FILTER_INDEX.get(which)
    return (name, _LINK_INDEXES[name]) if name is not None else None


def target_rows(conn: Connection, which: str) -> Iterator[tuple[Any, ...]]:
    """Rows ``(target, source, fragment, text, element, result data)`` of filter ``which``
    (one not in ``RESULT_FILTERS``), sorted by target, streamed from the driver's cursor."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # an open pool connection
    if which == "refresh" and cursor.execute(_ANY_REFRESH).fetchone() is None:
        return  # no redirect stub anywhere (nearly every site): the OR below would scan every link
    yield from cursor.execute(f"{_SELECT_LINKS} {TARGET_FILTERS[which]} ORDER BY 1, 2, 3")


class Reader:
    """A raw connection kept open for one-row lookups and the result filters' temp tables."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.db = connect(path, readonly)
        self._selections: dict[str, str] = {}  # filter -> its temp table

    def _value(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def anchors(self, url: str) -> str | None:
        return self._value("SELECT anchors FROM pages WHERE url = ?", url)

    def link_result(self, url: str) -> str | None:
        return self._value("SELECT data FROM link_results WHERE url = ?", url)

    def page_artifact(self, url: str, name: str) -> str | None:
        return self._value("SELECT data FROM page_artifacts WHERE url = ? AND name = ?", url, name)

    def answer(self, url: str) -> tuple[Any, ...] | None:
        """``(status, content_type, headers, follows)`` of a stored page."""
        return self.db.execute("SELECT status, content_type, headers, follows FROM pages WHERE url = ?",
                               (url,)).fetchone()

    def layout_links(self, url: str) -> list[tuple[str, str | None]]:
        """``(target, result data)`` of the page's stylesheets and scripts, by target."""
        return self.db.execute(
            "SELECT l.target, r.data FROM links l LEFT JOIN link_results r ON r.url = l.target "
            "WHERE l.source = ? AND l.element IN ('link', 'script') ORDER BY 1", (url,)).fetchall()

    def selection(self, which: str, version: int) -> Iterator[tuple[Any, ...]]:
        """The rows of result filter ``which`` (sorted by target), from a temp table built
        once per ``version`` of the link graph."""
        table = f"links_{which}_{version}"
        built = self._selections.get(which)
        if built != table:
            self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} AS {_SELECT_LINKS} {TARGET_FILTERS[which]}")
            self._selections[which] = table
            if built is not None:
                with contextlib.suppress(sqlite3.OperationalError):  # still being read: goes with the connection
                    self.db.execute(f"DROP TABLE temp.{built}")
        # Sorted again on reading: SQL promises no row order without ORDER BY (a few ms).
        return self.db.execute(f"SELECT * FROM temp.{table} ORDER BY 1, 2, 3")

    def close(self) -> None:
        self.db.close()


def copy_taken(conn: Connection, previous: Path, columns: list[str], codes: list[str], artifacts: list[str]) -> int:
    """Copy the pages of table ``taken`` not copied yet from the ``previous`` store file
    (attached read-only), with their links, the page findings of checks ``codes`` and the
    page artifacts named ``artifacts``; commits. Returns the pages copied."""
    raw: Any = conn.connection.dbapi_connection
    raw.execute("ATTACH DATABASE ? AS prev", (f"file:{previous}?mode=ro",))
    try:
        fresh = {"fetched_at": "t.fetched_at", "depth": "t.depth",
                 "headers": "json_set(json_set(p.headers, '$.etag', t.etag), '$.last-modified', t.last_modified)"}
        select_cols = ", ".join(fresh.get(c, f"p.{c}") for c in columns)
        copied = raw.execute(
            f"INSERT OR REPLACE INTO pages ({', '.join(columns)}) SELECT {select_cols} "
            "FROM taken t JOIN prev.pages p ON p.url = t.url WHERE t.copied = 0").rowcount
        raw.execute("INSERT INTO links SELECT l.source, l.target, l.fragment, l.text, l.element, l.internal "
                    "FROM taken t JOIN prev.links l ON l.source = t.url WHERE t.copied = 0")
        raw.execute("INSERT INTO findings (fingerprint, code, scope, page_url, data) "
                    "SELECT f.fingerprint, f.code, f.scope, f.page_url, f.data "
                    "FROM taken t JOIN prev.findings f ON f.page_url = t.url "
                    f"WHERE t.copied = 0 AND f.scope = 'page' AND f.code IN ({_marks(codes)})", codes)
        if artifacts:
            raw.execute("INSERT OR REPLACE INTO page_artifacts SELECT a.url, a.name, a.data "
                        "FROM taken t JOIN prev.page_artifacts a ON a.url = t.url "
                        f"WHERE t.copied = 0 AND a.name IN ({_marks(artifacts)})", artifacts)
        raw.execute("UPDATE taken SET copied = 1 WHERE copied = 0")
    finally:
        conn.commit()
        raw.execute("DETACH DATABASE prev")
    return int(copied)


def _marks(values: Iterable[Any]) -> str:
    return ",".join("?" for _ in values) or "NULL"


def integrity_problem(path: Path) -> str | None:
    """What is wrong with the store file ``path``, as SQLite says it, in one line (None: intact).

    ``PRAGMA quick_check`` reads every page of the file (not the cross-checks of indexes
    that ``integrity_check`` adds): it finds a truncated file, pages of garbage, or a file
    that is not a database at all. Nothing is written (``connect(readonly=True)``).
    """
    try:
        with contextlib.closing(connect(path, readonly=True)) as db:
            rows = [str(r[0]) for r in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == ["ok"]:
        return None
    lines = [line for row in rows for line in row.splitlines() if line.strip() and not line.startswith("***")]
    return "; ".join(lines) or "quick_check failed"
