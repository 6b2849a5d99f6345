"""The run store: everything an audit collected and concluded, in one SQLite file.

Why a database and not memory: a 100,000-page crawl must not hold its pages in memory,
a killed audit must resume where it stopped, and ``recheck`` re-judges stored artifacts
without fetching. Writes are batched: a page, its links, its page-level findings and the
URLs it discovered are committed in one transaction, so after a ``kill -9`` every page is
either wholly stored (and not fetched again) or not at all (and fetched again).

SQLAlchemy Core keeps the SQL portable to PostgreSQL for fleets later.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine

from auditor.check import DOCUMENT_TYPES, LinkRef, LinkTarget
from auditor.deflate import deflate, inflate
from auditor.model import CheckResult, Finding, Hop, Link, LinkResult
from auditor.page import Page

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
# Pages taken over unchanged from the previous run (incremental re-crawl). The crawl records
# only this small row per page; the page, its links and findings are copied in bulk, in SQL,
# once the crawl is over (``copy_taken``); ``copied`` makes that idempotent for a resume.
taken_t = Table(
    "taken", metadata,
    Column("url", String, primary_key=True), Column("fetched_at", String), Column("etag", String),
    Column("last_modified", String), Column("depth", Integer), Column("copied", Integer, nullable=False),
)
links_t = Table(
    "links", metadata,
    Column("source", String, nullable=False), Column("target", String, nullable=False),
    Column("fragment", String), Column("text", Text), Column("element", String),
    Column("internal", Integer, nullable=False),
)
# No index on links during the crawl: maintaining one row by row cost more than building
# it once; ``link_targets`` builds the (partial) index a filter needs when it is first read.
# The summary columns let ``link_targets`` filter in SQL; ``data`` is the whole LinkResult.
results_t = Table(
    "link_results", metadata,
    Column("url", String, primary_key=True), Column("status", Integer), Column("error", String),
    Column("hops", Integer), Column("content_type", String), Column("data", Text),
)
# How each filter is read. Filters on the link's result (``_RESULT_FILTERS``) select few
# targets (the problems, the documents): one pass over links, probing those URLs, collects
# their links into a temp table once per state of the link graph; the five link checks
# then read (and sort) it in milliseconds. That beat building the full index on links.target,
# which is only built for ``all``. The fragment and external filters have partial indexes.
# ``unmatched_fragments`` drops, in SQL, the links whose fragment is literally an id of the
# (not redirected) target page as stored: the anchor check has nothing to say about those,
# and on a real site they are nearly all of them.
_RESULT_FILTERS = {
    "attention": "error IS NOT NULL OR status IS NULL OR status >= 400 OR hops > 0",
    "non_html": "content_type IS NOT NULL AND content_type NOT LIKE '%html%'",
    "documents": " OR ".join(f"content_type LIKE '{t}%'" for t in DOCUMENT_TYPES),
}
_TARGET_FILTERS = {
    "all": "FROM links l LEFT JOIN link_results r ON r.url = l.target",
    "fragments": "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.fragment IS NOT NULL",
    "unmatched_fragments":
        "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.fragment IS NOT NULL"
        " AND NOT (instr(l.fragment, '%') = 0"
        " AND (r.url IS NULL OR coalesce(json_extract(r.data, '$.final_url'), l.target) = l.target)"
        " AND EXISTS (SELECT 1 FROM pages p, json_each(p.anchors) a"
        " WHERE p.url = l.target AND json_valid(p.anchors) AND a.value = l.fragment))",
    "external": "FROM links l LEFT JOIN link_results r ON r.url = l.target WHERE l.internal = 0",
    **{name: "FROM links l JOIN link_results r ON r.url = l.target"
             f" WHERE l.target IN (SELECT url FROM link_results WHERE {where})"
       for name, where in _RESULT_FILTERS.items()},
}
_LINK_INDEXES = {
    "links_target": "CREATE INDEX IF NOT EXISTS links_target ON links (target)",
    "links_fragment": "CREATE INDEX IF NOT EXISTS links_fragment ON links (target) WHERE fragment IS NOT NULL",
    "links_external": "CREATE INDEX IF NOT EXISTS links_external ON links (target) WHERE internal = 0",
}
_FILTER_INDEX = {"all": "links_target", "fragments": "links_fragment", "unmatched_fragments": "links_fragment",
                 "external": "links_external"}
_SELECT_LINKS = "SELECT l.target, l.source, l.fragment, l.text, l.element, r.data"
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


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # OFF is still safe when the process is killed (the OS keeps what was written), which
    # is what --resume needs; only a power loss could cost the last transactions.
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def content_hash(body: bytes) -> str:
    """The identity of a page's content across runs (incremental re-crawl, history)."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def _add_missing_columns(engine: Engine) -> None:
    """A store written by an earlier version (resumed, re-checked, or the previous run of an
    incremental re-crawl) gets the columns added since; all of them may be empty."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            have = {row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table.name})")}
            for column in table.columns:
                if column.name not in have:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")


def _row_page(row: Any, links: tuple[Link, ...] = ()) -> Page:
    return Page(
        url=row.url, final_url=row.final_url, status=row.status, body=inflate(row.body) if row.body else b"",
        encoding=row.encoding or "utf-8", headers=json.loads(row.headers or "{}"),
        redirects=tuple(Hop(*h) for h in json.loads(row.redirects or "[]")),
        content_type=row.content_type or "", fetched_at=row.fetched_at or "", language=row.language,
        title=row.title, links=links, anchors=frozenset(json.loads(row.anchors or "[]")),
        depth=row.depth or 0, error=row.error, truncated=bool(row.truncated),
    )


def _result(data: str | None) -> LinkResult | None:
    return LinkResult.from_dict(json.loads(data)) if data else None


def _grouped(rows: Iterable[tuple[Any, ...]]) -> Iterator[LinkTarget]:
    """``LinkTarget``s from rows ``(target, source, fragment, text, element, result data)``
    sorted by target."""
    current: str | None = None
    data: str | None = None
    refs: list[LinkRef] = []
    for target, source, fragment, text, element, row_data in rows:
        if target != current:
            if current is not None:
                yield LinkTarget(current, _result(data), refs)
            current, data, refs = target, row_data, []
        refs.append(LinkRef(source, target, fragment, text or "", element or "a"))
    if current is not None:
        yield LinkTarget(current, _result(data), refs)


class RunStore:
    """One audit's store (``RUN_DIR/run.sqlite``); also the ``SiteView`` site checks read."""

    def __init__(self, run_dir: Path, start_url: str = "", is_internal: Any = None) -> None:
        self.path = Path(run_dir) / STORE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": 60})
        event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        _add_missing_columns(self.engine)
        self.start_url = start_url
        self._is_internal = is_internal
        self._pending: dict[Table, list[dict[str, Any]]] = {}
        self._pending_done: list[str] = []
        self._links: list[tuple[Any, ...]] = []
        self._pages: list[tuple[dict[str, Any], bytes]] = []
        self._pending_bytes = 0
        # Writes go to one background thread: zlib and SQLite release the GIL, so the crawl's
        # parsing goes on meanwhile. At most one batch is in flight; each is one transaction.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-store-writer")
        self._inflight: Future[None] | None = None
        self._reader: sqlite3.Connection | None = None
        self._indexed: set[str] = set()  # the link indexes built so far (see _LINK_INDEXES)
        # Bumped whenever links or link results are added: a selection (``_selection``)
        # built for an older version is built again.
        self._graph_version = 0
        self._selections: dict[str, str] = {}  # filter -> its temp table
        self._seq = self._max_seq()

    # -- meta and artifacts ---------------------------------------------------
    def _max_seq(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(urls_t.c.seq).order_by(urls_t.c.seq.desc()).limit(1)).scalar() or 0

    def set_meta(self, **values: Any) -> None:
        with self.engine.begin() as conn:
            for key, value in values.items():
                conn.execute(meta_t.delete().where(meta_t.c.key == key))
                conn.execute(meta_t.insert().values(key=key, value=json.dumps(value, default=str)))

    def meta(self, key: str, default: Any = None) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        return json.loads(value) if value is not None else default

    def set_artifact(self, name: str, data: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(artifacts_t.delete().where(artifacts_t.c.name == name))
            conn.execute(artifacts_t.insert().values(name=name, data=json.dumps(data, default=str)))

    def artifact(self, name: str) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(select(artifacts_t.c.data).where(artifacts_t.c.name == name)).scalar()
        return json.loads(value) if value is not None else None

    def artifact_names(self) -> set[str]:
        """Names of the run-level and page-level artifacts stored so far."""
        with self.engine.connect() as conn:
            run_level = {r[0] for r in conn.exec_driver_sql("SELECT name FROM artifacts")}
            page_level = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT name FROM page_artifacts")}
        return run_level | page_level

    def add_page_artifact(self, url: str, name: str, data: Any) -> None:
        """A collector's result for one page (written with the next ``flush``)."""
        self._add(page_artifacts_t, [{"url": url, "name": name, "data": json.dumps(data, default=str)}])

    def page_artifacts(self, name: str) -> Iterator[tuple[str, Any]]:
        """``(url, data)`` of every page that has artifact ``name``, one at a time."""
        self.flush()
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT url, data FROM page_artifacts WHERE name = ? ORDER BY url", (name,))
            for url, data in rows:
                yield url, json.loads(data)

    # -- batched writes from the crawl ----------------------------------------
    def _add(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        self._pending.setdefault(table, []).extend(rows)

    def enqueue(self, url: str, kind: str, depth: int) -> None:
        """Record a newly discovered URL (the caller de-duplicates against ``known_urls``)."""
        self._seq += 1
        self._add(urls_t, [{"url": url, "kind": kind, "depth": depth, "state": "queued", "seq": self._seq}])

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
        self._add(findings_t, [
            {"fingerprint": f.fingerprint, "code": f.code, "scope": "page", "page_url": page_url,
             "data": json.dumps(f.to_dict())}
            for f in findings
        ])

    def add_result(self, result: LinkResult, done: bool = True) -> None:
        """Store what fetching a URL gave; marks it done when it was a check-only URL."""
        self._add(results_t, [{
            "url": result.url, "status": result.status, "error": result.error, "hops": len(result.redirects),
            "content_type": result.content_type, "data": json.dumps(result.to_dict()),
        }])
        if done:
            self._pending_done.append(result.url)

    def mark_done(self, url: str) -> None:
        """Mark a URL done without a result or page of its own (a redirect whose target was
        stored under the target's URL)."""
        self._pending_done.append(url)

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
        batch = (self._pending, self._pending_done, self._links, self._pages)
        if self._links or results_t in self._pending:
            self._graph_version += 1
        self._pending, self._pending_done, self._links, self._pages = {}, [], [], []
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
               pages: list[tuple[dict[str, Any], bytes]]) -> None:
        rows = [{**row, "body": deflate(body, 1) if body else b"", "content_hash": content_hash(body)}
                for row, body in pages]
        with self.engine.begin() as conn:
            if rows:
                conn.execute(pages_t.insert().prefix_with("OR REPLACE"), rows)
            if links:  # the bulk of every write: plain tuples, no per-row dicts
                conn.exec_driver_sql("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)", links)
            for table in (urls_t, results_t, findings_t, page_artifacts_t, taken_t):
                rows = pending.get(table)
                if rows:
                    prefix = "OR REPLACE" if table in (results_t, page_artifacts_t) else "OR IGNORE"
                    conn.execute(table.insert().prefix_with(prefix), rows)
            if done:
                conn.exec_driver_sql("UPDATE urls SET state='done' WHERE url = ?", [(u,) for u in done])

    # -- resume -----------------------------------------------------------------
    def known_urls(self) -> Iterator[tuple[str, str, int, str]]:
        """``(url, kind, depth, state)`` of every URL seen, in discovery order."""
        with self.engine.connect() as conn:
            yield from conn.execute(
                select(urls_t.c.url, urls_t.c.kind, urls_t.c.depth, urls_t.c.state).order_by(urls_t.c.seq)
            )

    def count_pages(self) -> int:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM pages").scalar() or 0

    # -- findings and check results ---------------------------------------------
    def replace_site_findings(self, code: str, findings: Iterable[Finding]) -> None:
        with self.engine.begin() as conn:
            conn.execute(findings_t.delete().where(findings_t.c.code == code, findings_t.c.scope == "site"))
            rows = [{"fingerprint": f.fingerprint, "code": f.code, "scope": "site", "page_url": None,
                     "data": json.dumps(f.to_dict())} for f in findings]
            if rows:
                conn.execute(findings_t.insert(), rows)

    def clear_findings(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(findings_t.delete())
            conn.execute(checks_t.delete())

    def findings(self) -> Iterator[Finding]:
        with self.engine.connect() as conn:
            for (data,) in conn.execute(select(findings_t.c.data).order_by(findings_t.c.id)):
                yield Finding.from_dict(json.loads(data))

    def set_check_result(self, result: CheckResult) -> None:
        with self.engine.begin() as conn:
            conn.execute(checks_t.delete().where(checks_t.c.code == result.code))
            conn.execute(checks_t.insert().values(
                code=result.code, data=json.dumps({**result.to_dict(), "family": result.family})
            ))

    # -- SiteView ---------------------------------------------------------------
    def set_scope(self, scope: Any) -> None:
        """The audited site (a ``Scope``): what ``start_url`` and ``is_internal`` answer."""
        self.start_url = scope.start_url
        self._is_internal = scope.is_internal

    def is_internal(self, url: str) -> bool:
        return bool(self._is_internal and self._is_internal(url))

    def pages(self) -> Iterator[Page]:
        """Every stored page, one at a time (memory stays bounded)."""
        with self.engine.connect() as conn:
            for row in conn.execute(select(pages_t).order_by(pages_t.c.url)):
                yield _row_page(row)

    def touchpoint_facts(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(url, facts)`` of every stored page for the touchpoint inventory; pages stored
        without them (an older store) are read and their facts computed."""
        from auditor.touchpoint_pages import page_facts

        self.flush()
        with self.engine.connect() as conn:
            for url, facts in conn.execute(select(pages_t.c.url, pages_t.c.facts).order_by(pages_t.c.url)):
                if facts is None:
                    page = self.page(url, with_links=False)
                    yield url, page_facts(page) if page is not None else {}
                else:
                    yield url, json.loads(facts)

    def index_layout_links(self) -> None:
        """Index the stylesheet and script links by page: the render collector reads them per
        rendered page here and, on the next night's run, in this store as the previous one."""
        self.flush()
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS links_layout ON links (source) "
                                 "WHERE element IN ('link', 'script')")

    def resources(self, url: str) -> list[tuple[str, str]]:
        """The page's stylesheets and scripts with their content identity (see
        ``incremental.resource_signature``)."""
        from auditor.collect.crawl.incremental import resource_signature

        return resource_signature(self._read(), url)

    def add_taken(self, url: str, fetched_at: str, etag: str | None, last_modified: str | None,
                  depth: int) -> None:
        """Record a page taken over unchanged (written with the next flush; marks it done)."""
        self._add(taken_t, [{"url": url, "fetched_at": fetched_at, "etag": etag, "last_modified": last_modified,
                             "depth": depth, "copied": 0}])
        self._pending_done.append(url)

    def copy_taken(self, previous: Path, codes: Iterable[str], artifacts: Iterable[str] = ()) -> int:
        """Copy the pages taken over from the ``previous`` store, with their links, the page
        findings of the checks ``codes`` and the page artifacts named ``artifacts``, in SQL: through Python the rows
        of 5,000 pages and 300,000 links cost seconds; in SQL a fraction of one."""
        self.flush()
        codes = sorted(codes)
        marks = ",".join("?" * len(codes)) or "NULL"
        with self.engine.begin() as conn:
            raw: Any = conn.connection.dbapi_connection
            raw.execute("ATTACH DATABASE ? AS prev", (f"file:{previous}?mode=ro",))
            try:
                columns = [c.name for c in pages_t.columns]
                fresh = {"fetched_at": "t.fetched_at", "depth": "t.depth",
                         "headers": "json_set(json_set(p.headers, '$.etag', t.etag), '$.last-modified', "
                                    "t.last_modified)"}
                select_cols = ", ".join(fresh.get(c, f"p.{c}") for c in columns)
                copied = raw.execute(
                    f"INSERT OR REPLACE INTO pages ({', '.join(columns)}) SELECT {select_cols} "
                    "FROM taken t JOIN prev.pages p ON p.url = t.url WHERE t.copied = 0").rowcount
                raw.execute("INSERT INTO links SELECT l.source, l.target, l.fragment, l.text, l.element, l.internal "
                            "FROM taken t JOIN prev.links l ON l.source = t.url WHERE t.copied = 0")
                raw.execute("INSERT INTO findings (fingerprint, code, scope, page_url, data) "
                            "SELECT f.fingerprint, f.code, f.scope, f.page_url, f.data "
                            "FROM taken t JOIN prev.findings f ON f.page_url = t.url "
                            f"WHERE t.copied = 0 AND f.scope = 'page' AND f.code IN ({marks})", codes)
                names = sorted(artifacts)
                if names:
                    raw.execute("INSERT OR REPLACE INTO page_artifacts SELECT a.url, a.name, a.data "
                                "FROM taken t JOIN prev.page_artifacts a ON a.url = t.url "
                                f"WHERE t.copied = 0 AND a.name IN ({','.join('?' * len(names))})", names)
                raw.execute("UPDATE taken SET copied = 1 WHERE copied = 0")
                self._graph_version += 1
            finally:
                conn.commit()
                raw.execute("DETACH DATABASE prev")
        return copied

    def unchanged_pages(self) -> Iterator[str]:
        """URLs of the pages taken over unchanged from the previous run (incremental re-crawl)."""
        self.flush()
        with self.engine.connect() as conn:
            yield from (r[0] for r in conn.execute(select(taken_t.c.url)))

    def render_candidates(self) -> Iterator[tuple[str, int, str]]:
        """``(url, depth, template)`` of every page the browser could render, from what the
        parse stored; pages stored without it (parsed when nothing was rendered, or by an
        older version) are read to compute it."""
        from auditor.collect.render.templates import renderable, skeleton

        self.flush()
        with self.engine.connect() as conn:
            rows = conn.execute(select(pages_t.c.url, pages_t.c.depth, pages_t.c.facts).order_by(pages_t.c.url))
            for url, depth, facts in rows:
                template = json.loads(facts).get("template") if facts else None
                if template is not None:
                    yield url, depth or 0, template
                elif facts != "{}":  # "{}": no touchpoint, so no page to render (an error, not HTML)
                    # Parsed in a run that rendered nothing (or by an older version): read it.
                    page = self.page(url, with_links=False)
                    if page is not None and renderable(page):
                        yield url, page.depth, skeleton(page)

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

    def page_heads(self) -> Iterator[tuple[str, int | None, str, str | None]]:
        """``(url, status, content type, language)`` of every stored page, by URL, no bodies."""
        self.flush()
        with self.engine.connect() as conn:
            yield from conn.execute(select(pages_t.c.url, pages_t.c.status, pages_t.c.content_type,
                                           pages_t.c.language).order_by(pages_t.c.url))

    def page(self, url: str, with_links: bool = True) -> Page | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(pages_t).where(pages_t.c.url == url)).first()
            if row is None:
                return None
            if not with_links:
                return _row_page(row)
            links = tuple(
                Link(url=r.target, fragment=r.fragment, text=r.text or "", element=r.element or "a")
                for r in conn.execute(select(links_t).where(links_t.c.source == row.url))
            )
        return _row_page(row, links)

    def anchors(self, url: str) -> frozenset[str] | None:
        value = self._lookup("SELECT anchors FROM pages WHERE url = ?", url)
        return frozenset(json.loads(value)) if value is not None else None

    def link_result(self, url: str) -> LinkResult | None:
        return _result(self._lookup("SELECT data FROM link_results WHERE url = ?", url))

    def _index_links(self, which: str) -> None:
        name = _FILTER_INDEX.get(which)
        if name is None or name in self._indexed:
            return
        self.flush()
        with self.engine.begin() as conn:
            conn.exec_driver_sql(_LINK_INDEXES[name])
        self._indexed.add(name)

    def _lookup(self, sql: str, key: str) -> Any:
        """One value by key through a raw read connection kept open (site checks make
        thousands of these; a pooled SQLAlchemy connection per lookup cost more than the query)."""
        row = self._read().execute(sql, (key,)).fetchone()
        return row[0] if row else None

    def _read(self) -> sqlite3.Connection:
        if self._reader is None:
            self.flush()
            self._reader = sqlite3.connect(self.path, check_same_thread=False)
        return self._reader

    def link_targets(self, which: str = "all") -> Iterator[LinkTarget]:
        """Linked URLs with their result and links, one target in memory at a time.

        ``which`` (see ``auditor.check.LINK_TARGET_FILTERS``) is applied in SQL.
        """
        from_where = _TARGET_FILTERS[which]
        if which in _RESULT_FILTERS:
            # Sorted again on reading: SQL promises no row order without ORDER BY (a few ms).
            rows = self._read().execute(f"SELECT * FROM temp.{self._selection(which, from_where)} ORDER BY 1, 2, 3")
            yield from _grouped(rows)
            return
        self._index_links(which)
        with self.engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            yield from _grouped(cursor.execute(f"{_SELECT_LINKS} {from_where} ORDER BY 1, 2, 3"))

    def _selection(self, which: str, from_where: str) -> str:
        """The temp table (on the reader connection) holding the links of filter ``which``;
        built again when links or results were added since."""
        self.flush()
        table = f"links_{which}_{self._graph_version}"
        built = self._selections.get(which)
        if built != table:
            reader = self._read()
            reader.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} AS {_SELECT_LINKS} {from_where}")
            self._selections[which] = table
            if built is not None:
                with contextlib.suppress(sqlite3.OperationalError):  # still being read: goes with the connection
                    reader.execute(f"DROP TABLE temp.{built}")
        return table

    def close(self) -> None:
        self.flush()
        if self._reader is not None:
            self._reader.close()
        self._writer.shutdown()
        self.engine.dispose()


def require_run_dir(run_dir: Path) -> Path:
    """The store file of RUN_DIR; a clear InputError when there is none."""
    from auditor.errors import InputError

    path = Path(run_dir) / STORE_FILE
    if not path.is_file():
        raise InputError(f"{run_dir}: not a run directory (no {STORE_FILE} in it)")
    return path
