"""Nothing lost: an audit killed with SIGKILL at ten random moments and resumed each time
ends with the same pages and the same findings (fingerprints) as an uninterrupted run.

The site is generated: 120 pages linking forward to each other, broken internal links,
redirect chains and missing anchors, served on 127.0.0.1 with a rate limit so the crawl
lasts a few seconds and the kills land in the middle of it (fetching, parsing, writing).
The moments are random but seeded (the seed is in the assertion message) to be replayable.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from auditor.devserver import serve

PAGES = 120
KILLS = 10
CLI = [sys.executable, "-m", "auditor.cli"]


def _site(root: Path) -> Path:
    root.mkdir()
    redirects = {}
    for i in range(PAGES):
        links = "".join(f'<a href="/p{(i + k) % PAGES}.html">page {(i + k) % PAGES}</a> ' for k in (1, 2, 7))
        extra = ""
        if i % 9 == 0:
            extra += f'<a href="/missing-{i % 4}.html">weg</a> '
        if i % 13 == 0:
            extra += f'<a href="/old-{i}">oud</a> '
            redirects[f"/old-{i}"] = [301, f"/older-{i}"]
            redirects[f"/older-{i}"] = [301, f"/p{(i + 3) % PAGES}.html"]
        if i % 17 == 0:
            extra += f'<a href="/p{(i + 5) % PAGES}.html#nergens">anker</a> '
        (root / f"p{i}.html").write_text(
            f"<!doctype html><html lang=nl><head><title>Pagina {i}</title></head><body><h1 id=top>Pagina {i}</h1>"
            f"<p>Tekst van pagina {i}.</p>{links}{extra}</body></html>", "utf-8")
    (root / "index.html").write_text('<!doctype html><html lang=nl><head><title>Start</title></head><body>'
                                     '<a href="/p0.html">begin</a></body></html>', "utf-8")
    (root / "_server.json").write_text(json.dumps({"redirects": redirects}), "utf-8")
    return root


def _config(tmp: Path) -> Path:
    cfg = tmp / "c.toml"
    cfg.write_text("[crawl]\nrate_limit = 40\nuse_sitemaps = false\n", "utf-8")
    return cfg


def _outcome(out: Path) -> tuple[set[str], set[str]]:
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    db = sqlite3.connect(out / "run.sqlite")
    pages = {row[0] for row in db.execute("select url from pages")}
    db.close()
    return pages, {f["fingerprint"] for f in doc["findings"]}


def test_killed_ten_times_and_resumed_gives_the_same_pages_and_findings(tmp_path):
    site_dir = _site(tmp_path / "site")
    cfg = _config(tmp_path)
    seed = random.randrange(1 << 30)
    rnd = random.Random(seed)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with serve(site_dir) as site:
        common = ["--config", str(cfg), "--checks", "links", "--quiet"]
        reference = tmp_path / "reference"
        done = subprocess.run([*CLI, "audit", site.base_url, "--out", str(reference), *common],
                              capture_output=True, text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stderr
        expected_pages, expected_findings = _outcome(reference)
        assert len(expected_pages) == PAGES + 1 and len(expected_findings) >= 5

        out = tmp_path / "killed"
        kills = 0
        argv = [*CLI, "audit", site.base_url, "--out", str(out), *common]
        for _ in range(KILLS):
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            deadline = time.monotonic() + 60
            while not (out / "run.sqlite").exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rnd.uniform(0.0, 2.5))  # somewhere in the crawl: fetching, parsing or writing
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(30)
            proc.stderr.close()  # type: ignore[union-attr]
            if (out / "findings.json").exists():
                break  # this run finished before its kill: nothing left to resume
            argv = [*CLI, "audit", "--resume", str(out), "--quiet"]
        if not (out / "findings.json").exists():
            final = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
            assert final.returncode == 0, final.stderr
    assert kills >= KILLS // 2, f"only {kills} kills landed during the crawl (seed {seed})"
    pages, findings = _outcome(out)
    assert pages == expected_pages, f"seed {seed}: pages differ: {sorted(pages ^ expected_pages)[:5]}"
    assert findings == expected_findings, f"seed {seed}: findings differ: {sorted(findings ^ expected_findings)[:5]}"


def test_a_trap_resumed_again_and_again_lets_no_more_urls_through(tmp_path):
    """The hostile server's endless calendar (tests/hostile_server.py), its audit killed with
    SIGKILL by the server itself each time it has served another 20 new calendar months, and
    resumed: the trap counts are rebuilt from the store, so the resumed audit crawls exactly
    as many months as an uninterrupted one (CALENDAR_VARIANTS), not 100 more per resume, and
    the note still counts the URLs left out before the kills."""
    from auditor.collect.crawl.traps import CALENDAR_VARIANTS
    from tests.hostile_server import serve_hostile

    cfg = tmp_path / "c.toml"
    # 15 requests a second: each run lives past a store flush or two (FLUSH_SECONDS), as a
    # real crawl does, so what a killed run stored is the starting point of the next.
    cfg.write_text("[crawl]\nrate_limit = 15\nuse_sitemaps = false\nrespect_robots = false\nmax_depth = 500\n",
                   "utf-8")
    every = 20
    running: list[subprocess.Popen] = []
    served: set[str] = set()
    kills = [0]

    def kill_now_and_then(path_qs: str) -> None:
        # A month fetched again (a killed run had not stored it yet) does not count: every
        # run gets 20 months further than the one before, or finishes.
        if not path_qs.startswith("/traps/calendar") or path_qs in served:
            return
        served.add(path_qs)
        if len(served) % every == 0 and running and running[-1].poll() is None:
            running[-1].send_signal(signal.SIGKILL)
            kills[0] += 1

    def months(out: Path) -> int:
        db = sqlite3.connect(out / "run.sqlite")
        try:
            return db.execute("select count(*) from pages where url like '%/traps/calendar?month=%'").fetchone()[0]
        finally:
            db.close()

    with serve_hostile() as (site, site_url, admin, _admin_url):
        port = site_url.rstrip("/").rsplit(":", 1)[1]
        common = ["--config", str(cfg), "--checks", "links", "--quiet",
                  "--resolve", f"hostile.test:80:127.0.0.1:{port}"]
        reference = tmp_path / "reference"
        done = subprocess.run([*CLI, "audit", "http://hostile.test/traps/calendar?month=1", "--out", str(reference),
                               *common], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        site.on_request = kill_now_and_then
        out = tmp_path / "killed"
        argv = [*CLI, "audit", "http://hostile.test/traps/calendar?month=1", "--out", str(out), *common]
        for _ in range(2 * CALENDAR_VARIANTS // every):
            running.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
            _, err = running[-1].communicate(timeout=600)
            if running[-1].returncode == 0:
                break
            assert running[-1].returncode == -signal.SIGKILL, err
            argv = [*CLI, "audit", "--resume", str(out), "--quiet"]
        assert admin.access_log == []
    assert kills[0] >= 3, kills
    assert running[-1].returncode == 0
    assert months(reference) == months(out) == CALENDAR_VARIANTS
    notes = "\n".join(json.loads((out / "findings.json").read_text("utf-8"))["notes"])
    assert "crawler trap: a calendar" in notes and "resumed:" in notes, notes
