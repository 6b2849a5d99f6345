"""``link_targets(which)``: the run store (filters in SQL) and ``auditor.testing.MemorySite``
(filters in Python) give checks the same targets and links for every filter, so a check
tested with hand-built pages judges a real run the same way."""

from __future__ import annotations

import pytest

from auditor.check import LINK_TARGET_FILTERS
from auditor.model import Hop, Link, LinkResult
from auditor.page import Page
from auditor.store import RunStore, page_row
from auditor.testing import MemorySite

SITE = "https://www.example.nl"


def _page(path: str, links: list[tuple[str, str | None]] = (), anchors: frozenset[str] = frozenset()) -> Page:
    url = SITE + path
    return Page(url=url, final_url=url, status=200, links=tuple(Link(t, f, f"naar {t}", "a") for t, f in links),
                anchors=anchors)


HOME = _page("/", [
    (SITE + "/b", "intro"),  # an id of /b: nothing to judge
    (SITE + "/b", "ontbreekt"),  # not an id of /b
    (SITE + "/b", "caf%C3%A9"),  # percent-encoded: the check decodes it, so it is kept
    (SITE + "/oud", "intro"),  # /oud redirects to /b: judged on /b by the check
    (SITE + "/c", "x"),  # /c was not crawled
    (SITE + "/b", None),
    (SITE + "/brochure.pdf", None),
    (SITE + "/logo.png", None),
    ("https://extern.example.com/x", "y"),
])
B = _page("/b", [(SITE + "/", "top"), (SITE + "/b", "intro"), (SITE + "/stub", None)], frozenset({"intro", "café"}))
STUB = Page(url=SITE + "/stub", final_url=SITE + "/stub", status=200,  # a redirect stub: its meta refresh
            links=(Link(SITE + "/b", None, "", "meta-refresh"),))
RESULTS = [
    LinkResult(SITE + "/oud", 200, SITE + "/b", (Hop(SITE + "/oud", 301, SITE + "/b"),), content_type="text/html"),
    LinkResult(SITE + "/c", 404, SITE + "/c", content_type="text/html"),
    LinkResult(SITE + "/brochure.pdf", 200, SITE + "/brochure.pdf", content_type="Application/PDF"),
    LinkResult(SITE + "/logo.png", 200, SITE + "/logo.png", content_type="image/png"),
    LinkResult("https://extern.example.com/x", 200, "https://extern.example.com/x", content_type="text/html"),
]


def _shape(targets) -> list[tuple[str, str | None, list[tuple[str, str | None]]]]:
    return [(t.url, t.result.url if t.result else None, sorted((r.source, r.fragment or "") for r in t.refs))
            for t in targets]


@pytest.fixture()
def store(tmp_path):
    store = RunStore(tmp_path, start_url=SITE + "/")
    for page in (HOME, B, STUB):
        rows = [(page.url, ln.url, ln.fragment, ln.text, ln.element, int(ln.url.startswith(SITE))) for ln in page.links]
        store.add_page(page_row(page), b"", rows, [])
        store.add_result(LinkResult(page.url, 200, page.url, content_type="text/html"))
    for result in RESULTS:
        store.add_result(result)
    store.flush()
    yield store
    store.close()


@pytest.mark.parametrize("which", sorted(LINK_TARGET_FILTERS))
def test_store_and_memory_site_agree(store, which):
    memory = MemorySite([HOME, B, STUB], RESULTS, start_url=SITE + "/")
    assert _shape(store.link_targets(which)) == _shape(memory.link_targets(which))


def test_unmatched_fragments_keeps_only_what_the_anchor_check_must_judge(store):
    kept = {(t.url, r.fragment) for t in store.link_targets("unmatched_fragments") for r in t.refs}
    assert kept == {(SITE + "/b", "ontbreekt"), (SITE + "/b", "caf%C3%A9"), (SITE + "/oud", "intro"),
                    (SITE + "/c", "x"), (SITE + "/", "top"), ("https://extern.example.com/x", "y")}


def test_documents_are_matched_by_content_type_prefix_in_any_case(store):
    assert [t.url for t in store.link_targets("documents")] == [SITE + "/brochure.pdf"]


def test_a_result_added_after_a_read_is_in_the_next_read(store):
    """The result filters are read from a selection built once; adding links or results
    (a collector after the crawl, a resumed audit) must build it again, also while an
    earlier read is still going on."""
    outer = store.link_targets("attention")
    assert next(outer).url == SITE + "/c"
    store.add_result(LinkResult(SITE + "/logo.png", 404, SITE + "/logo.png", content_type="text/html"))
    store.add_page(page_row(_page("/d")), b"", [(SITE + "/d", SITE + "/weg", None, "weg", "a", 1)], [])
    store.add_result(LinkResult(SITE + "/weg", None, error="dns"))
    assert [t.url for t in store.link_targets("attention")] == [SITE + "/c", SITE + "/logo.png", SITE + "/oud",
                                                                 SITE + "/weg"]
    assert [t.url for t in outer] == [SITE + "/oud"]  # the earlier read ends as it began


def test_refresh_gives_the_refresh_links_and_the_links_to_pages_that_carry_one(store):
    kept = {(t.url, r.source, r.element) for t in store.link_targets("refresh") for r in t.refs}
    assert kept == {(SITE + "/b", SITE + "/stub", "meta-refresh"), (SITE + "/stub", SITE + "/b", "a")}


def test_refresh_of_a_site_without_redirect_stubs_reads_no_link(tmp_path):
    """Nearly every site has no meta refresh: the ``links_refresh`` index, kept from the store's
    creation on, answers that without reading the links (``sqlite.target_rows``)."""
    import sqlite3

    store = RunStore(tmp_path, start_url=SITE + "/")
    rows = [(HOME.url, ln.url, ln.fragment, ln.text, ln.element, 1) for ln in HOME.links]
    store.add_page(page_row(HOME), b"", rows, [])
    store.flush()
    assert list(store.link_targets("refresh")) == []
    store.close()
    db = sqlite3.connect(tmp_path / "run.sqlite")
    plan = db.execute("EXPLAIN QUERY PLAN SELECT 1 FROM links WHERE element = 'meta-refresh'").fetchall()
    assert "links_refresh" in str(plan)  # the store was created with it


def test_refresh_in_a_store_written_before_its_index(tmp_path):
    """A store written by an older version (resumed, or an incremental run's previous one) has
    no ``links_refresh``: the filter builds it and reads the stubs as before."""
    import sqlite3

    store = RunStore(tmp_path, start_url=SITE + "/")
    for page in (HOME, B, STUB):
        rows = [(page.url, ln.url, ln.fragment, ln.text, ln.element, 1) for ln in page.links]
        store.add_page(page_row(page), b"", rows, [])
    store.flush()
    store.close()
    db = sqlite3.connect(tmp_path / "run.sqlite")
    db.execute("DROP INDEX links_refresh")
    db.commit()
    db.close()
    reopened = RunStore(tmp_path)
    kept = {(t.url, r.source, r.element) for t in reopened.link_targets("refresh") for r in t.refs}
    reopened.close()
    assert kept == {(SITE + "/b", SITE + "/stub", "meta-refresh"), (SITE + "/stub", SITE + "/b", "a")}
