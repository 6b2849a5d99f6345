"""The auditor against a hostile server (tests/hostile_server.py): bombs, huge pages, traps,
slow and broken servers, garbage on an HTTP port.

Each audit runs in a child process so its peak memory can be measured
(``resource.getrusage`` in the child: the audit process itself and its parse workers).
The bound, ``MAX_RSS_MB``, is far below what any single bomb inflates to (1 GiB): a body
read or inflated without a cap would break it. Every test asserts the finding or the note
a client would read for its case, and that the admin server was never called.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_server import BOMB_BYTES, RAW_ANSWERS, raw_server, serve_hostile

ROOT = Path(__file__).resolve().parents[2]
MAX_RSS_MB = 400  # per process (the audit's own and each parse worker); measured: about 180
CHILD_TIMEOUT = 300  # seconds: the run's budget; far more than any case takes (10–20 s)

_CHILD = """
import json, resource, sys
from auditor.cli import main
code = main(sys.argv[1:])
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"exit": code, "rss_mb": rss // 1024}))
"""


def _audit(tmp_path: Path, start: str, port: int, config: str, checks: str = "links,TP108,freshness",
           extra: tuple[str, ...] = (), host: str = "hostile.test"
           ) -> tuple[dict, dict, subprocess.CompletedProcess[str]]:
    """Audit ``start`` on the hostile site in a child process: (findings.json, child stats, process)."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("[crawl]\nrate_limit = 0\n" + config, "utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, "audit", f"http://{host}{start}", "--config", str(cfg), "--checks",
         checks, "--resolve", f"{host}:80:127.0.0.1:{port}", "--quiet", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=ROOT,
    )
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8")) if (out / "findings.json").is_file() else {}
    return doc, stats, proc


def _port(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def _messages(doc: dict, code: str) -> dict[str, str]:
    return {f["target"] or f["url"]: f["message"] for f in doc["findings"] if f["code"] == code}


def test_bombs_and_huge_pages_are_cut_while_read_and_reported(tmp_path):
    """gzip (whole and chunked) and deflate bombs of 1 GiB as pages, a gzip bomb as feed, as
    robots.txt and as sitemap, a 200 MB page: all cut at their limits with memory bounded;
    each page cut gets TP108 and the run's notes say so. Odd pages (NUL bytes, binary served
    as HTML, a charset lie, a 100,000-deep DOM) are crawled without a crash; brotli the
    auditor did not ask for and a body shorter than its Content-Length are readable findings."""
    assert BOMB_BYTES >= 1 << 30
    with serve_hostile() as (site, site_url, admin, _admin):
        doc, stats, proc = _audit(tmp_path, "/bombs/", _port(site_url), "")
        assert stats["exit"] == 0, proc.stderr
        assert stats["rss_mb"] < MAX_RSS_MB, stats
        assert {"/robots.txt", "/sitemap.xml", "/bombs/feed.xml"} <= set(site.requests)  # the bombs were read
        assert admin.access_log == []
    base = "http://hostile.test/bombs/"
    oversized = set(_messages(doc, "TP108"))
    assert oversized == {base + "gzip", base + "gzip-chunked", base + "deflate", base + "huge"}
    assert any("were cut there" in n and "max_body_bytes" in n for n in doc["notes"]), doc["notes"]
    broken = _messages(doc, "TP101")
    assert "compressed as brotli (br)" in broken[base + "brotli"]
    assert "announced 100000 bytes and sent 21" in broken[base + "short-body"]
    assert "Traceback" not in json.dumps(doc) and "ClientResponseError" not in json.dumps(doc)
    db = sqlite3.connect(tmp_path / "out" / "run.sqlite")
    crawled = {row[0] for row in db.execute("select url from pages")}
    assert {base + "nul", base + "binary", base + "charset-lie", base + "deep-dom"} <= crawled
    assert db.execute("select max(length(body)) from pages").fetchone()[0] < 5_000_000  # stored compressed


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_bombs_as_robots_sitemap_and_feed_are_cut_and_noted(tmp_path, encoding):
    """robots.txt, /sitemap.xml and the feed as 1 GiB bombs in ``Content-Encoding: gzip`` or
    ``deflate``, and a 1 GiB ``.xml.gz`` sitemap file: each read only up to its limit, with
    memory bounded and a run note naming it. The robots.txt bomb's first lines are obeyed
    (``Disallow: /private/``), and the sitemaps its first lines declare are read."""
    from auditor.collect.crawl.feeds import MAX_FEED_BYTES
    from auditor.collect.crawl.robots import MAX_ROBOTS_BYTES
    from auditor.collect.crawl.sitemaps import MAX_SITEMAP_BYTES

    host = f"{encoding}.hostile.test"
    with serve_hostile() as (site, site_url, admin, _admin):
        doc, stats, proc = _audit(tmp_path, "/bombs/xml", _port(site_url), "", checks="links,freshness", host=host)
        assert stats["exit"] == 0, proc.stderr
        assert stats["rss_mb"] < MAX_RSS_MB, stats
        assert {"/robots.txt", "/sitemap.xml", "/sitemap-file.xml.gz", "/bombs/feed.xml"} <= set(site.requests)
        assert not any(r.startswith("/private/") for r in site.requests)  # the bomb's first rules were obeyed
        assert admin.access_log == []
    notes = "\n".join(doc["notes"])
    assert f"robots.txt of {host} is larger than {MAX_ROBOTS_BYTES:,} bytes" in notes, notes
    assert f"sitemaps: 2 larger than {MAX_SITEMAP_BYTES:,} bytes (after unpacking)" in notes, notes
    assert f"feed http://{host}/bombs/feed.xml is larger than {MAX_FEED_BYTES:,} bytes" in notes, notes


def test_traps_are_detected_noted_and_not_followed(tmp_path):
    """An ever-deeper path, an endless calendar and a fresh session id per link: each is
    recognised, its URLs are not crawled, and the notes name the trap with an example."""
    with serve_hostile() as (_site, site_url, admin, _admin):
        doc, stats, proc = _audit(tmp_path, "/traps/", _port(site_url), "max_depth = 500\n", checks="links")
        assert stats["exit"] == 0, proc.stderr
        assert admin.access_log == []
    notes = "\n".join(doc["notes"])
    assert "crawler trap: repeating path segments" in notes and "/traps/path/a/a/a/" in notes
    assert "crawler trap: a calendar" in notes and "/traps/calendar?month=" in notes
    assert "crawler trap: session ids" in notes
    assert doc["pages_crawled"] < 120  # 100 calendar months, 3 session variants, 2 path levels, the index


def test_a_page_with_500000_links_is_capped_and_says_so(tmp_path):
    with serve_hostile() as (_site, site_url, _admin_server, _admin):
        doc, stats, proc = _audit(tmp_path, "/many-links", _port(site_url),
                                  "max_body_bytes = 20000000\nmax_pages = 20\n", checks="links")
        assert stats["exit"] == 0, proc.stderr
        assert stats["rss_mb"] < MAX_RSS_MB, stats
    assert any("more than 10,000 links" in n and "/many-links" in n for n in doc["notes"]), doc["notes"]
    db = sqlite3.connect(tmp_path / "out" / "run.sqlite")
    assert db.execute("select count(*) from links where source = 'http://hostile.test/many-links'").fetchone()[0] \
        == 10_000


def test_slow_servers_have_a_total_deadline_and_chains_are_not_loops(tmp_path):
    """A body trickled a byte at a time, headers trickled, an answer that never comes, a
    reset: each ends at the request's total deadline (2 s here) as "too slow to load" or a
    readable sentence. A 50-hop redirect chain is a chain cut at max_redirects, a real loop
    is a loop."""
    with serve_hostile() as (_site, site_url, admin, _admin):
        doc, stats, proc = _audit(tmp_path, "/slow/", _port(site_url), "timeout = 2\nretries = 0\n",
                                  checks="links")
        assert stats["exit"] == 0, proc.stderr
        assert admin.access_log == []
    base = "http://hostile.test/"
    broken = _messages(doc, "TP101")
    for slow in ("slow/body", "slow/headers", "slow/never"):
        assert "too slow to load: no complete answer within 2 s" in broken[base + slow], broken
    assert "closed the connection" in broken[base + "slow/reset"]
    chains = _messages(doc, "TP103")
    assert "chain of more than 10 redirects" in chains[base + "redirects/chain/0"]
    assert "loop" not in chains[base + "redirects/chain/0"]
    assert "redirects in a loop" in chains[base + "redirects/loop-a"]


@pytest.mark.parametrize(("answer", "sentence"), [
    ("garbage", "no proper status line"),
    ("http09", "no proper status line"),
    ("bad-status", "no proper status line"),
    ("tls", "TLS (HTTPS) handshake came back on a plain-HTTP address"),
])
def test_garbage_on_an_http_port_is_one_readable_line(tmp_path, answer, sentence):
    with raw_server(RAW_ANSWERS[answer]) as port:
        out = tmp_path / "out"
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, "audit", "http://garbage.test/", "--checks", "links", "--quiet",
             "--resolve", f"garbage.test:80:127.0.0.1:{port}", "--out", str(out)],
            capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=ROOT)
    assert json.loads(proc.stdout.strip().splitlines()[-1])["exit"] == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and sentence in lines[0], proc.stderr
    assert "\\x" not in lines[0]  # none of the server's raw bytes
