"""A crawl killed with SIGKILL resumes: nothing stored is fetched again, no finding twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from auditor.devserver import serve

PAGES = 80


def _make_site(root: Path) -> None:
    root.mkdir()
    for i in range(PAGES):
        links = " ".join(f'<a href="/p{j}.html">p{j}</a>' for j in (i + 1, i + 2, (i * 7) % PAGES) if j < PAGES)
        broken = f'<a href="/missing-{i % 5}.html">weg</a>' if i % 3 == 0 else ""
        (root / f"p{i}.html").write_text(f"<html><body><h1>Pagina {i}</h1>{links} {broken}</body></html>", "utf-8")
    (root / "index.html").write_text('<html><body><a href="/p0.html">start</a></body></html>', "utf-8")


def _stored_pages(db: Path) -> set[str]:
    if not db.exists():
        return set()
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return {r[0] for r in con.execute("select url from pages")}
        finally:
            con.close()
    except sqlite3.OperationalError:
        return set()


def _audit(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "auditor.cli", "audit", *args, "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kill_9_then_resume(tmp_path):
    site_dir = tmp_path / "site"
    _make_site(site_dir)
    out = tmp_path / "run"
    cfg = tmp_path / "slow.toml"
    cfg.write_text("[crawl]\nrate_limit = 20\nper_host = 2\nconcurrency = 2\n", "utf-8")
    with serve(site_dir) as site:
        proc = _audit(site.base_url, "--out", str(out), "--config", str(cfg), "--checks", "links")
        deadline = time.monotonic() + 60
        while len(_stored_pages(out / "run.sqlite")) < 15:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the crawl never stored 15 pages"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        before = _stored_pages(out / "run.sqlite")
        assert 15 <= len(before) < PAGES + 1, "the kill came too late to test anything"
        hits_at_kill = dict(site.hits)

        resumed = _audit("--resume", str(out))
        stdout, stderr = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, stderr

        after = _stored_pages(out / "run.sqlite")
        assert len(after) == PAGES + 1  # index + p0..p79, each once
        host = site.base_url.split("//", 1)[1].rstrip("/")
        for url in before:  # what the store had was not fetched again
            key = host + "/" + url.split("/", 3)[3]
            assert site.hits[key] == hits_at_kill[key] == 1, url
        doc = json.loads((out / "findings.json").read_text("utf-8"))
        prints = [f["fingerprint"] for f in doc["findings"]]
        assert len(prints) == len(set(prints))
        broken = {f["target"].rsplit("/", 1)[1]: f["occurrences"] for f in doc["findings"] if f["code"] == "TP101"}
        expected: dict[str, int] = {}
        for i in range(0, PAGES, 3):
            expected[f"missing-{i % 5}.html"] = expected.get(f"missing-{i % 5}.html", 0) + 1
        assert broken == expected
        assert "resumed" in stdout


def test_an_audit_never_writes_into_another_audits_folder(run_audit, basic_site, tmp_path):
    first = run_audit("audit", basic_site.base_url, "--checks", "links", "--quiet")
    assert first.exit_code in (0, 1)
    again = run_audit("audit", basic_site.base_url, "--checks", "links", "--quiet")
    assert again.exit_code == 2
    assert again.stderr.strip() == (f"touchpoint-auditor: error: {first.out} already holds an audit: "
                                    f"continue it with --resume {first.out}, or choose another --out")


def test_a_store_from_an_earlier_version_gets_the_new_columns(tmp_path):
    """Resume, recheck and --previous open stores written before columns were added."""
    import sqlite3

    from auditor.store import RunStore

    db = sqlite3.connect(tmp_path / "run.sqlite")
    db.execute("CREATE TABLE pages (url VARCHAR PRIMARY KEY, final_url VARCHAR, status INTEGER, body BLOB)")
    db.execute("INSERT INTO pages (url, status) VALUES ('https://x.nl/', 200)")
    db.commit()
    db.close()
    store = RunStore(tmp_path)
    try:
        assert [row["url"] for row in store.page_index()] == ["https://x.nl/"]
        assert list(store.touchpoint_facts()) == [("https://x.nl/", {})]
    finally:
        store.close()
    columns = {r[1] for r in sqlite3.connect(tmp_path / "run.sqlite").execute("PRAGMA table_info(pages)")}
    assert {"content_hash", "facts", "follows", "nofollow", "language"} <= columns


def test_a_check_upgraded_to_a_crawl_is_queued_until_its_page_is_stored(tmp_path):
    """The frontier's check -> crawl upgrade (a <link rel=next> URL another page links with
    <a>): whether the check finished in the same batch or an earlier one, the URL is a queued
    crawl until its page is stored, so a resumed audit crawls it."""
    from auditor.model import LinkResult
    from auditor.page import Page
    from auditor.store import RunStore, page_row

    store = RunStore(tmp_path, start_url="https://ex.nl/")
    for url in ("https://ex.nl/2", "https://ex.nl/3"):
        store.enqueue(url, "check", 1)
        store.add_result(LinkResult(url, 200, url, content_type="text/html"))  # the check, done
    store.flush()
    store.upgrade("https://ex.nl/2", 2)  # its check was done in an earlier batch
    store.enqueue("https://ex.nl/4", "check", 1)
    store.add_result(LinkResult("https://ex.nl/4", 200, "https://ex.nl/4", content_type="text/html"))
    store.upgrade("https://ex.nl/4", 3)  # in this very batch
    store.flush()
    assert {u: (k, d, s) for u, k, d, s in store.known_urls()} == {
        "https://ex.nl/2": ("crawl", 2, "queued"), "https://ex.nl/3": ("check", 1, "done"),
        "https://ex.nl/4": ("crawl", 3, "queued")}
    store.upgrade("https://ex.nl/3", 2)
    store.add_page(page_row(Page(url="https://ex.nl/3", final_url="https://ex.nl/3", status=200)), b"", [], [])
    store.flush()  # upgraded and stored in one batch: done
    assert [s for u, _, _, s in store.known_urls() if u == "https://ex.nl/3"] == ["done"]
    store.close()
