"""The run store's tables: what one audit keeps, declared once.

Every module of the store (and nothing outside it) names these tables. They are
SQLAlchemy Core ``Table`` objects, so the declarations and the statements built from them
(``select``, ``insert``, ``delete``) are portable; what is SQLite's own lives in
``auditor.store.sqlite``.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, MetaData, String, Table, Text, inspect
from sqlalchemy.engine import Engine

__all__ = [
    "STORE_FILE", "add_missing_columns", "artifacts_t", "checks_t", "findings_t", "links_t", "meta_t", "metadata",
    "page_artifacts_t", "pages_t", "results_t", "taken_t", "urls_t",
]

STORE_FILE = "run.sqlite"
metadata = MetaData()

meta_t = Table("meta", metadata, Column("key", String, primary_key=True), Column("value", Text))
urls_t = Table(
    "urls", metadata,
    Column("url", String, primary_key=True),
    Column("kind", String, nullable=False),  # crawl | check
    Column("depth", Integer, nullable=False),
    Column("state", String, nullable=False),  # queued | done
    Column("seq", Integer, nullable=False),
)
pages_t = Table(
    "pages", metadata,
    Column("url", String, primary_key=True),
    Column("final_url", String), Column("status", Integer), Column("content_type", String),
    Column("encoding", String), Column("headers", Text), Column("redirects", Text),
    Column("fetched_at", String), Column("depth", Integer), Column("title", Text),
    Column("language", String), Column("error", String), Column("anchors", Text),
    Column("truncated", Integer),
    Column("content_hash", String),  # sha1 of the body: an unchanged page is not judged again
    Column("facts", Text),  # what the page adds to the touchpoint inventory (JSON); NULL: not computed yet
    Column("nofollow", Integer),  # <meta name="robots" content="nofollow">: its links are not followed
    Column("follows", Text),  # JSON [[url, "crawl"|"check"], …]: what the page queued (incremental re-crawl)
    # Last: SQLite reads a row's columns in order, and a large body in front of the small
    # columns would be read (through its overflow pages) whenever one of them is.
    Column("body", LargeBinary),
)
# The whole pages that answered 200, by content: the same hash at two addresses is one page
# served twice (``SiteView.content_hashes``; a page cut at max_body_bytes says nothing about
# the rest of it, so it is left out). Kept from the store's creation on: one small entry per
# page costs the crawl nothing measurable, and the duplicate sets are then read in 2 ms.
Index("pages_content", pages_t.c.content_hash, pages_t.c.url,
      sqlite_where=(pages_t.c.status == 200) & pages_t.c.content_hash.is_not(None) & (pages_t.c.truncated == 0))
# Pages taken over unchanged from the previous run (incremental re-crawl). The crawl records
# only this small row per page; the page, its links and findings are copied in bulk, in SQL,
# once the crawl is over (``copy_taken``); ``copied`` makes that idempotent for a resume.
taken_t = Table(
    "taken", metadata,
    Column("url", String, primary_key=True), Column("fetched_at", String), Column("etag", String),
    Column("last_modified", String), Column("depth", Integer), Column("copied", Integer, nullable=False),
)
# No full index on links during the crawl: maintaining one row by row cost more than
# building it once; ``link_targets`` builds the (partial) index a filter needs when it is
# first read. The one exception is ``links_refresh``: it holds only the rare meta refresh
# links, so keeping it costs the crawl nothing measurable, and it tells the redirect check
# (TP103) in microseconds that a site has no redirect stubs, where a scan of a 5,000-page
# site's 300,000 links took 50-80 ms. (A store from before it gets it when first read.)
links_t = Table(
    "links", metadata,
    Column("source", String, nullable=False), Column("target", String, nullable=False),
    Column("fragment", String), Column("text", Text), Column("element", String),
    Column("internal", Integer, nullable=False),
)
Index("links_refresh", links_t.c.source, sqlite_where=links_t.c.element == "meta-refresh")
# The summary columns let ``link_targets`` filter in SQL; ``data`` is the whole LinkResult.
results_t = Table(
    "link_results", metadata,
    Column("url", String, primary_key=True), Column("status", Integer), Column("error", String),
    Column("hops", Integer), Column("content_type", String), Column("data", Text),
)
findings_t = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String, nullable=False), Column("code", String, nullable=False),
    Column("scope", String, nullable=False),  # page | site
    Column("page_url", String), Column("data", Text, nullable=False),
)
page_artifacts_t = Table(
    "page_artifacts", metadata,
    Column("url", String, primary_key=True), Column("name", String, primary_key=True), Column("data", Text),
)
checks_t = Table("check_results", metadata, Column("code", String, primary_key=True), Column("data", Text))
artifacts_t = Table("artifacts", metadata, Column("name", String, primary_key=True), Column("data", Text))


def add_missing_columns(engine: Engine) -> None:
    """A store written by an earlier version (resumed, re-checked, or the previous run of an
    incremental re-crawl) gets the columns added since; all of them may be empty."""
    found = inspect(engine)
    have = {table.name: {c["name"] for c in found.get_columns(table.name)} for table in metadata.sorted_tables}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if column.name not in have[table.name]:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
