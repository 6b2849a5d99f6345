"""Renderer benchmark: rendered pages per second with the browser pool, and peak browser memory.

Audits a generated 200-page site (``gensite.py``, served by a private nginx on 127.0.0.1)
with ``--checks mobile`` and every page rendered (``per_template = 0``), once per pool size,
then once with the default sampling (two pages per layout template). For each run:

* **pages/s**: rendered pages (each in every phone profile) divided by the renderer's own
  wall time (``seconds`` in the ``render`` artifact; the crawl is not counted);
* **ms/render**: the median time of one page in one profile, from the artifact;
* **browser peak**: the largest sum over Chromium's processes, sampled every 0.1 s, as
  RSS (pages shared between Chromium's processes counted once per process: an
  overestimate) and as PSS (shared pages split between the processes sharing them: the
  honest figure for a multi-process browser);
* **auditor RSS**: the Python process alone.

    .venv/bin/python bench/render_bench.py                     # pool sizes 1, 2, 4
    .venv/bin/python bench/render_bench.py --concurrency 4 --pages 50

Results go to ``bench/results/render-<time>.json``. Absolute numbers depend on the machine
and on what else runs on it: the load average is printed next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from nginx_server import NginxServer
from procmon import tree_pids

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
AUDITOR = REPO / ".venv" / "bin" / "touchpoint-auditor"
SEED = 20240601
MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Result:
    label: str
    concurrency: int
    per_template: int
    pages_rendered: int
    render_seconds: float
    pages_per_s: float
    renders_per_s: float
    median_ms_per_render: float
    browser_peak_rss_mb: float
    browser_peak_pss_mb: float
    auditor_peak_rss_mb: float
    chromium_processes_peak: int
    failed: int
    wall_seconds: float
    load_before: float


class BrowserMemory(threading.Thread):
    """Samples the audit's process tree: Chromium's processes (summed) and the auditor's own."""

    def __init__(self, root: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.rss = self.pss = self.own = 0
        self.processes = 0

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            rss = pss = count = 0
            for pid in tree_pids(self.root):
                name = _read(f"/proc/{pid}/comm").strip()
                if pid == self.root:
                    self.own = max(self.own, _rss(pid))
                elif "chrom" in name or "headless" in name:
                    count += 1
                    rss += _rss(pid)
                    pss += _pss(pid)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.processes = max(self.processes, count)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _rss(pid: int) -> int:
    fields = _read(f"/proc/{pid}/statm").split()
    return int(fields[1]) * PAGE if len(fields) > 1 else 0


def _pss(pid: int) -> int:
    for line in _read(f"/proc/{pid}/smaps_rollup").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def ensure_site(pages: int) -> Path:
    out = BENCH / "site" / f"render-p{pages}-s{SEED}"
    if not (out / "www" / "index.html").is_file():
        subprocess.run([sys.executable, str(BENCH / "gensite.py"), "--pages", str(pages), "--broken", "5",
                        "--seed", str(SEED), "--out", str(out)], check=True)
    return out / "www"


def load_average() -> float:
    return float(_read("/proc/loadavg").split()[0] or 0)


def run_once(base_url: str, label: str, concurrency: int, per_template: int, profiles: list[str],
             scale: float | None = None) -> Result:
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        config = Path(tmp) / "audit.toml"
        config.write_text(f"[collectors.render]\nper_template = {per_template}\nconcurrency = {concurrency}\n"
                          f"max_pages = 100000\ntimeout = 60\nprofiles = {_profiles(profiles, scale)}\n", "utf-8")
        out = Path(tmp) / "out"
        load = load_average()
        started = time.monotonic()
        proc = subprocess.Popen([str(AUDITOR), "audit", base_url, "--checks", "mobile", "--config", str(config),
                                 "--out", str(out), "--quiet", "--format", "json", "--max-pages", "100000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        memory = BrowserMemory(proc.pid)
        memory.start()
        _, err = proc.communicate()
        memory.stop.set()
        memory.join()
        wall = time.monotonic() - started
        if proc.returncode not in (0, 1):
            raise SystemExit(f"audit failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
        db = sqlite3.connect(out / "run.sqlite")
        summary = json.loads(db.execute("SELECT data FROM artifacts WHERE name = 'render'").fetchone()[0])
        times = [prof["ms"] for (data,) in db.execute("SELECT data FROM page_artifacts WHERE name = 'render'")
                 for prof in json.loads(data)["profiles"].values() if "ms" in prof]
        db.close()
    rendered, seconds = summary["pages_rendered"], summary["seconds"]
    return Result(label=label, concurrency=concurrency, per_template=per_template, pages_rendered=rendered,
                  render_seconds=seconds, pages_per_s=round(rendered / seconds, 2),
                  renders_per_s=round(len(times) / seconds, 2),
                  median_ms_per_render=statistics.median(times) if times else 0.0,
                  browser_peak_rss_mb=round(memory.rss / MB, 1), browser_peak_pss_mb=round(memory.pss / MB, 1),
                  auditor_peak_rss_mb=round(memory.own / MB, 1), chromium_processes_peak=memory.processes,
                  failed=len(summary["failed"]), wall_seconds=round(wall, 1), load_before=load)


def _profiles(names: list[str], scale: float | None) -> str:
    """TOML for the profiles: built-in names, or the same phones with another device scale factor."""
    if scale is None:
        return json.dumps(names)
    return "[" + ", ".join(f'{{name = "{n}", device_scale_factor = {scale}}}' for n in names) + "]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--concurrency", default="1,2,4", help="pool sizes to measure, comma-separated")
    ap.add_argument("--profiles", default="small,large")
    ap.add_argument("--device-scale-factor", type=float, help="override the profiles' device scale factor")
    ap.add_argument("--no-sampled", action="store_true", help="skip the run with the default template sampling")
    args = ap.parse_args()
    if not AUDITOR.exists():
        raise SystemExit(f"{AUDITOR} not found: run make setup first")
    root = ensure_site(args.pages)
    profiles = args.profiles.split(",")
    results = []
    with NginxServer(root) as server:
        for conc in (int(c) for c in args.concurrency.split(",")):
            results.append(run_once(server.base_url, f"all pages, pool {conc}", conc, 0, profiles,
                                    args.device_scale_factor))
            print(_line(results[-1]), flush=True)
        if not args.no_sampled:
            results.append(run_once(server.base_url, "default sampling", 4, 2, profiles, args.device_scale_factor))
            print(_line(results[-1]), flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = BENCH / "results" / f"render-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"pages": args.pages, "profiles": profiles, "cpus": os.cpu_count(),
                               "device_scale_factor": args.device_scale_factor,
                               "results": [asdict(r) for r in results]}, indent=2), "utf-8")
    print(f"results: {out}")


def _line(r: Result) -> str:
    return (f"{r.label:<20} {r.pages_rendered:>4} pages in {r.render_seconds:>6.1f} s = {r.pages_per_s:>5.2f} pages/s "
            f"({r.renders_per_s:.2f} renders/s, median {r.median_ms_per_render:.0f} ms/render); browser peak "
            f"{r.browser_peak_pss_mb:.0f} MB PSS / {r.browser_peak_rss_mb:.0f} MB RSS in "
            f"{r.chromium_processes_peak} processes; auditor {r.auditor_peak_rss_mb:.0f} MB; "
            f"{r.failed} failed; load {r.load_before:.1f}")


if __name__ == "__main__":
    main()
