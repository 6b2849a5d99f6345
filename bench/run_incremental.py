"""Incremental re-crawl benchmark: the second nightly run over an unchanged site.

The same generated site as the link benchmark (5,000 pages, 300 broken links), served by
nginx on 127.0.0.1 (which answers ``If-None-Match`` with 304, as production servers do).
touchpoint-auditor audits it in full, then again with ``--previous`` pointing at the first
run, and the two are compared in the same invocation: the figure is the ratio of the two
wall times (target: the second run at least 5 times faster), plus whether both runs found
exactly the planted broken links.

Run with the project's venv: ``.venv/bin/python bench/run_incremental.py [--pages N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import gensite
from nginx_server import NginxServer
from procmon import run_measured
from run_links import ensure_site, warm_page_cache
from tools import AUDITOR_BIN, BENCH, TouchpointAuditor, normalise

TARGET_RATIO = 5.0


PROFILES = {  # name: (checks, config)
    "links": ("links", TouchpointAuditor.config),
    "nightly": ("links,freshness,spelling,mobile,forms", BENCH / "nightly.toml"),
}


def audit(out: Path, base_url: str, previous: Path | None, profile: str, pair: int) -> tuple[float, float, dict]:
    checks, config = PROFILES[profile]
    if profile == "nightly":
        # Each pair starts with an empty spelling cache (the per-user one would make every
        # full run after the first warm); the incremental run shares its full run's cache.
        own = out.parent / f"nightly-{pair}.toml"
        cache = out.parent / f"spelling-cache-{pair}.sqlite"
        own.write_text(config.read_text() + f'cache_file = "{cache}"\n')
        config = own
    cmd = [str(AUDITOR_BIN / "touchpoint-auditor"), "audit", base_url, "--checks", checks, "--max-pages", "100000",
           "--out", str(out), "--format", "json", "--config", str(config), "--quiet"]
    if previous is not None:
        cmd += ["--previous", str(previous)]
    result = run_measured(cmd, cwd=out.parent, timeout=600)
    if result.returncode not in (0, 1):
        raise SystemExit(f"audit failed (exit {result.returncode}): {result.stderr.read_text()[-500:]}")
    return result.seconds, result.peak_rss_mb, json.loads((out / "findings.json").read_text())


def broken(doc: dict, base_url: str) -> set[str]:
    return {normalise(f["target"], base_url) for f in doc["findings"] if f["code"] == "TP101" and f.get("target")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--broken", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--repeat", type=int, default=3, help="pairs of runs; medians are reported")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="links",
                    help="links: the link benchmark's workload; nightly: every family that reads every page "
                         "(links, freshness, spelling with Hunspell, mobile, forms)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if os.getloadavg()[0] > 0.5:
        print(f"warning: load average {os.getloadavg()[0]:.1f} before starting: figures will be noisy")
    site = ensure_site(gensite.SiteParams(pages=args.pages, broken=args.broken, seed=args.seed), BENCH / "site")
    truth = set((site / "expected_broken.txt").read_text().split())
    warm_page_cache(site / "www")
    work = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    firsts, seconds, rows = [], [], []
    try:
        with NginxServer(site / "www") as server:
            for k in range(args.repeat):
                full_s, full_rss, full = audit(work / f"full-{k}", server.base_url, None, args.profile, k)
                inc_s, inc_rss, inc = audit(work / f"incremental-{k}", server.base_url, work / f"full-{k}",
                                            args.profile, k)
                firsts.append(full_s)
                seconds.append(inc_s)
                rows.append({"full_s": full_s, "incremental_s": inc_s, "ratio": full_s / inc_s,
                             "full_rss_mb": full_rss, "incremental_rss_mb": inc_rss,
                             "unchanged": inc["stats"].get("unchanged"), "pages": inc["pages_crawled"],
                             "full_exact": broken(full, server.base_url) == truth,
                             "incremental_exact": broken(inc, server.base_url) == truth})
                phases = {"full": full["stats"].get("seconds"), "incremental": inc["stats"].get("seconds")}
                rows[-1]["phases"] = phases
                print(f"pair {k + 1}: full {full_s:.1f} s, incremental {inc_s:.1f} s "
                      f"({full_s / inc_s:.1f}x), {rows[-1]['unchanged']} of {rows[-1]['pages']} pages unchanged\n"
                      f"  phases full: {phases['full']}\n  phases incremental: {phases['incremental']}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = statistics.median(firsts) / statistics.median(seconds)
    exact = all(r["full_exact"] and r["incremental_exact"] for r in rows)
    print(f"\nmedian full {statistics.median(firsts):.2f} s, median incremental {statistics.median(seconds):.2f} s: "
          f"{ratio:.1f}x faster (target {TARGET_RATIO:.0f}x: {'PASS' if ratio >= TARGET_RATIO else 'FAIL'}); "
          f"broken set exact in every run: {'yes' if exact else 'NO'}")
    out = BENCH / "results" / f"incremental-{args.profile}.json"
    out.write_text(json.dumps({"pages": args.pages, "profile": args.profile, "ratio": ratio, "runs": rows},
                              indent=2) + "\n")
    print(f"results: {out}")
    return 0 if ratio >= TARGET_RATIO and exact else 1


if __name__ == "__main__":
    sys.exit(main())
