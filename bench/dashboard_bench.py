"""Benchmark of the portfolio dashboard: how long ``write_dashboard`` takes for a portfolio
of many clients with 30 nights of history each, and how large the page is.

    .venv/bin/python bench/dashboard_bench.py [--clients 300] [--nights 30] [--findings 40]
                                              [--postgres URL] [--repeat 3]

The history is synthetic and seeded (same parameters, same history), recorded through the
history API as a nightly run records it: per client and night a run with ``--findings``
findings spread over four families (so each night's scores move), one client in twenty
unreachable on the last three nights and one in twenty failed on the last night. Measured,
median of ``--repeat`` runs: seconds to write the dashboard (history read, view, render,
atomic write), the page's size, and how long recording the history took (for scale).
``--postgres URL`` measures against a PostgreSQL database instead of an SQLite file.
Results are printed and written to ``bench/results/dashboard-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.dashboard import write_dashboard  # noqa: E402
from auditor.history import History  # noqa: E402
from auditor.model import AuditRun, CheckResult, Finding  # noqa: E402

FAMILIES = {"TP101": "links", "TP201": "freshness", "TP301": "spelling", "TP401": "mobile"}
SEVERITIES = ("warning", "error", "info")
LAST = dt.date(2026, 11, 30)


def night_run(rng: random.Random, day: dt.date, findings: int) -> AuditRun:
    checks = tuple(CheckResult(code, code.lower(), "failed", family=family) for code, family in FAMILIES.items())
    made = []
    for i in range(rng.randint(findings // 2, findings)):
        code = rng.choice(list(FAMILIES))
        made.append(Finding(code=code, name=code.lower(), severity=rng.choice(SEVERITIES),
                            url=f"https://site.test/p{rng.randint(0, 200)}", message="x",
                            fingerprint=f"{code}-{i}-{rng.randint(0, 3)}"))
    stamp = f"{day.isoformat()}T02:00:00+00:00"
    return AuditRun(target="https://site.test/", started_at=stamp, finished_at=stamp, pages_crawled=200,
                    touchpoints=(), checks=checks, findings=tuple(made), config={"as_of": day.isoformat()},
                    tool_version="bench", stats={"as_of": day.isoformat()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--nights", type=int, default=30)
    parser.add_argument("--findings", type=int, default=40)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(22)
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        root = Path(tmp)
        url = args.postgres or f"sqlite:///{root / 'history.db'}"
        names = [f"client-{i:04d}" for i in range(args.clients)]
        portfolio = root / "portfolio.toml"
        portfolio.write_text(f'[portfolio]\ndata_dir = "data"\nhistory = "{url}"\n[dashboard]\nout = "board"\n'
                             + "".join(f'[clients.{n}]\ntarget = "https://{n}.test/"\n' for n in names), "utf-8")
        started = time.perf_counter()
        with History(url) as history:
            for index, name in enumerate(names):
                for n in range(args.nights):
                    day = LAST - dt.timedelta(days=args.nights - 1 - n)
                    if index % 20 == 1 and n >= args.nights - 3:
                        history.record_unreachable(name, "https://x.test/", reason="dns", today=day)
                    elif index % 20 == 2 and n == args.nights - 1:
                        history.record_failed(name, "https://x.test/", reason="boom", today=day)
                    else:
                        run_dir = root / "data" / "runs" / name / f"{day:%Y%m%d}"
                        run_dir.mkdir(parents=True)
                        (run_dir / "report.html").write_text("x", "utf-8")
                        history.record(name, night_run(rng, day, args.findings), run_dir=run_dir)
        recording = time.perf_counter() - started
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            page = write_dashboard(portfolio)
            seconds.append(time.perf_counter() - started)
        size = page.stat().st_size
    result = {"clients": args.clients, "nights": args.nights, "findings_per_run": args.findings,
              "database": "postgresql" if args.postgres else "sqlite", "record_seconds": round(recording, 1),
              "write_seconds_median": round(statistics.median(seconds), 3),
              "write_seconds": [round(s, 3) for s in seconds], "page_bytes": size}
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"dashboard-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
