"""The stored site as site checks and collectors read it (``auditor.check.SiteView``).

Memory stays bounded: pages and link targets stream from SQL one at a time, and the link
filters (``auditor.check.LINK_TARGET_FILTERS``) are applied in SQL (``sqlite.py`` says how).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from auditor.check import LinkTarget
from auditor.model import Link, LinkResult
from auditor.page import Page
from auditor.store import sqlite
from auditor.store.previous import resource_signature
from auditor.store.rows import grouped_targets, link_result, row_page
from auditor.store.schema import links_t, pages_t
from auditor.store.writer import Writer

__all__ = ["StoredSite"]


class StoredSite(Writer):
    def __init__(self, run_dir: Path) -> None:
        super().__init__(run_dir)
        self.start_url = ""
        self._is_internal: Any = None
        self._indexed: set[str] = set()  # the link indexes built so far (``sqlite.link_index``)
        self._link_reads = 0  # pages read with their links by scanning (``_index_sources``)

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
                yield row_page(row)

    def page(self, url: str, with_links: bool = True) -> Page | None:
        if with_links:
            self._index_sources()
        with self.engine.connect() as conn:
            row = conn.execute(select(pages_t).where(pages_t.c.url == url)).first()
            if row is None:
                return None
            if not with_links:
                return row_page(row)
            links = tuple(
                Link(url=r.target, fragment=r.fragment, text=r.text or "", element=r.element or "a")
                for r in conn.execute(select(links_t).where(links_t.c.source == row.url))
            )
        return row_page(row, links)

    def _index_sources(self) -> None:
        """Build the links-by-page index once scanning for each page's links has cost as
        much as building it would (the rent-or-buy rule: never more than twice the better
        of the two). Most runs read a handful of pages with their links (the start page,
        the news pages, redirect stubs): those stay scans of a table that has no index to
        keep up during the crawl."""
        if "links_source" in self._indexed:
            return
        self._link_reads += 1
        if self._link_reads <= sqlite.SOURCE_INDEX_AFTER:
            return
        self.flush()
        with self.engine.begin() as conn:
            conn.exec_driver_sql(sqlite.SOURCE_INDEX)
        self._indexed.add("links_source")

    def page_heads(self) -> Iterator[tuple[str, int | None, str, str | None]]:
        """``(url, status, content type, language)`` of every stored page, by URL, no bodies."""
        self.flush()
        with self.engine.connect() as conn:
            yield from conn.execute(select(pages_t.c.url, pages_t.c.status, pages_t.c.content_type,
                                           pages_t.c.language).order_by(pages_t.c.url))

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        """``(url, content hash)`` of every stored page that answered 200 with the same whole
        body (not cut at max_body_bytes) as another such page: one page served at two
        addresses (TP109, ``auditor.same_page``), found without reading a body. Read from the
        ``pages_content`` index (kept from the store's
        creation; built here for an older store): 2 ms on 5,000 pages, where a scan of the
        pages table took 40-100 ms."""
        self.flush()
        with self.engine.begin() as conn:
            conn.exec_driver_sql(sqlite.PAGES_HASH_INDEX)
            yield from conn.exec_driver_sql(sqlite.SHARED_CONTENT_HASHES)

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

    def render_candidates(self) -> Iterator[tuple[str, int, str]]:
        """``(url, depth, template)`` of every page the browser could render, from what the
        parse stored; pages stored without it (parsed when nothing was rendered, or by an
        older version) are read to compute it."""
        from auditor.html.layout import renderable, skeleton

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

    def index_layout_links(self) -> None:
        """Index the stylesheet and script links by page: the render collector reads them per
        rendered page here and, on the next night's run, in this store as the previous one."""
        self.flush()
        with self.engine.begin() as conn:
            conn.exec_driver_sql(sqlite.LAYOUT_INDEX)

    def resources(self, url: str) -> list[tuple[str, str]]:
        """The page's stylesheets and scripts with their content identity
        (``previous.resource_signature``)."""
        return resource_signature(self._read().layout_links(url))

    def anchors(self, url: str) -> frozenset[str] | None:
        value = self._read().anchors(url)
        return frozenset(json.loads(value)) if value is not None else None

    def link_result(self, url: str) -> LinkResult | None:
        return link_result(self._read().link_result(url))

    def link_targets(self, which: str = "all") -> Iterator[LinkTarget]:
        """Linked URLs with their result and links, one target in memory at a time.

        ``which`` (see ``auditor.check.LINK_TARGET_FILTERS``) is applied in SQL.
        """
        if which in sqlite.RESULT_FILTERS:
            self.flush()
            yield from grouped_targets(self._read().selection(which, self._graph_version))
            return
        self._index_links(which)
        with self.engine.connect() as conn:
            yield from grouped_targets(sqlite.target_rows(conn, which))

    def _index_links(self, which: str) -> None:
        index = sqlite.link_index(which)
        if index is None or index[0] in self._indexed:
            return
        self.flush()
        with self.engine.begin() as conn:
            conn.exec_driver_sql(index[1])
        self._indexed.add(index[0])
