"""Page bodies are stored compressed in the zlib format, whichever deflate wrote them:
any zlib can read a run store back (``recheck``, ``--previous``, older versions)."""

from __future__ import annotations

import hashlib
import sqlite3
import zlib

from auditor.page import Page
from auditor.store import RunStore, page_row


def test_body_round_trips_and_is_plain_zlib(tmp_path):
    body = ("<html><body>" + "".join(f"<p>Alinea {i}: één tekst</p>" for i in range(2000)) + "</body></html>").encode()
    page = Page(url="https://www.example.nl/a", final_url="https://www.example.nl/a", status=200, body=body)
    store = RunStore(tmp_path)
    try:
        link = ("https://www.example.nl/a", "https://www.example.nl/b", None, "b", "a", 1)
        store.add_page(page_row(page), body, [link], [])
        store.add_page(page_row(Page(url="https://www.example.nl/leeg", final_url="https://www.example.nl/leeg",
                                     status=200)), b"", [], [])
        store.flush()
        assert store.page("https://www.example.nl/a").body == body
        assert store.page("https://www.example.nl/leeg").body == b""
    finally:
        store.close()
    con = sqlite3.connect(tmp_path / "run.sqlite")
    stored, digest = con.execute("SELECT body, content_hash FROM pages WHERE url = ?", ("https://www.example.nl/a",)).fetchone()
    con.close()
    assert zlib.decompress(stored) == body  # the standard library reads it
    assert len(stored) < len(body) / 5  # and it is compressed
    assert digest == hashlib.sha1(body).hexdigest()


def test_stored_page_count_reads_without_changing_the_folder(tmp_path):
    """What the audit service asks before removing a folder an audit stored nothing in."""
    from auditor.store import stored_page_count

    assert stored_page_count(tmp_path / "none") == 0  # no store at all
    store = RunStore(tmp_path / "run")
    store.add_page(page_row(Page(url="https://x.nl/", final_url="https://x.nl/", status=200)), b"x", [], [])
    store.close()
    before = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert stored_page_count(tmp_path / "run") == 1
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == before
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "run.sqlite").write_bytes(b"not a database at all, but no empty file either")
    assert stored_page_count(tmp_path / "junk") is None  # unreadable: the caller leaves it alone


def test_links_by_page_index_is_built_once_scans_would_cost_more(tmp_path):
    """A few pages read with their links are scans (no index to keep up during a crawl);
    past ``SOURCE_INDEX_AFTER`` reads the index is built once and the reads use it, giving
    the same links."""
    from auditor.store import sqlite as store_sqlite

    urls = [f"https://www.example.nl/p{i}" for i in range(store_sqlite.SOURCE_INDEX_AFTER + 3)]
    store = RunStore(tmp_path)
    try:
        for i, url in enumerate(urls):
            links = [(url, f"https://www.example.nl/t{i}-{j}", None, f"t{j}", "a", 1) for j in range(i + 1)]
            store.add_page(page_row(Page(url=url, final_url=url, status=200)), b"<p>x</p>", links, [])
        store.flush()

        def indexed() -> bool:
            con = sqlite3.connect(tmp_path / "run.sqlite")
            try:
                names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
                plan = " ".join(str(r) for r in con.execute(
                    "EXPLAIN QUERY PLAN SELECT * FROM links WHERE source = ?", (urls[0],)))
            finally:
                con.close()
            return "links_source" in names and "links_source" in plan

        seen = []
        for i, url in enumerate(urls):
            assert indexed() == (i > store_sqlite.SOURCE_INDEX_AFTER), i
            page = store.page(url)
            seen.append(sorted(link.url for link in page.links))
        assert indexed()
        assert seen == [sorted(f"https://www.example.nl/t{i}-{j}" for j in range(i + 1)) for i in range(len(urls))]
        store.page(urls[0], with_links=False)  # a page without its links counts no scan
    finally:
        store.close()
