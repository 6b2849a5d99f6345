"""The fleet's throughput: 12 local sites through one, then two audit processes, same run.

    .venv/bin/python bench/fleet_bench.py [--sites 12] [--checks all] [--out bench/results/fleet.json]

What runs is what an agency runs: a real PostgreSQL and Redis started here on free ports,
``touchpoint-auditor fleet worker --concurrency N`` (one worker, N audit processes sharing
its LanguageTool server), ``fleet submit --all``, and the time from the submit until
``fleet status`` has every client done. The sites are the demo site
(``examples/demo-site``, 28 pages with its planted defects, its external hosts and social
profiles served here too), once per client on its own port, with the full default checks
(``examples/demo.toml``: every family, Chromium and LanguageTool included). The language
collector's match cache is off, so every audit sends its text to LanguageTool as twelve
different sites would. Each pass has its own database and shared folder: the second pass
is a first night too, not an incremental re-crawl.

Reported: sites per hour for each pass and the ratio (two processes over one), the CPU
seconds the worker's whole process tree spent per audit (what sizes a dedicated machine when
this one is shared), and where an audit's time goes, from each run's ``stats.seconds``
(findings.json) and the job's wall time in PostgreSQL: crawl, render, language, other
collectors, checks, and what follows the audit (history, reports).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from procmon import tree_pids  # noqa: E402  (bench/, the script's folder)

from auditor.devserver import serve  # noqa: E402
from tests.postgres import running_server  # noqa: E402
from tests.redis_server import RedisServer, redis_binary, wait_for  # noqa: E402

EXAMPLES = ROOT / "examples"
NIGHT = "2026-11-22"  # the date DEFECTS.md is written for


def _port(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def serve_sites(stack: ExitStack, count: int, work: Path) -> tuple[list[dict], Path]:
    """``count`` demo sites, each on its own port with its external hosts; one TLS server for
    the social profiles. Returns each client's table values and the CA file."""
    extern = {p.name: p for p in sorted((EXAMPLES / "demo-extern").iterdir()) if p.is_dir()}
    profiles = {p.name: p for p in sorted((EXAMPLES / "demo-profiles").iterdir()) if p.is_dir()}
    tls = stack.enter_context(serve(next(iter(profiles.values())), vhosts=profiles, tls_names=list(profiles)))
    clients = []
    for n in range(1, count + 1):
        site = stack.enter_context(serve(EXAMPLES / "demo-site", vhosts=extern))
        port = _port(site.base_url)
        resolve = [f"{host}:80:127.0.0.1:{port}" for host in extern]
        resolve += ["oud-kennisplatform.demo-extern.test:80:127.0.0.1:1"]
        resolve += [f"{host}:443:127.0.0.1:{_port(tls.base_url)}" for host in profiles]
        ads = work / f"ads-{n:02d}.csv"
        ads.write_text((EXAMPLES / "demo-site" / "ads.csv").read_text("utf-8").replace(
            "{SITE}", site.base_url.rstrip("/")), "utf-8")
        clients.append({"name": f"demo{n:02d}", "target": site.base_url, "resolve": resolve, "ads": str(ads)})
    assert tls.ca_file is not None
    return clients, tls.ca_file


def write_portfolio(folder: Path, history: str, broker: str, clients: list[dict], ca_file: Path,
                    checks: str) -> Path:
    lines = [
        "[portfolio]", f'history = "{history}"', "",
        "[fleet]", f'broker = "{broker}"', f'queue = "bench-{folder.name}"', 'shared_dir = "shared"', "",
        "[defaults.collectors.language]", "cache = false", "",
    ]
    if checks != "all":
        lines += ["[defaults.checks]", f"enabled = {json.dumps(checks.split(','))}", ""]
    for client in clients:
        lines += [f"[clients.{client['name']}]", f'target = "{client["target"]}"',
                  f'config = "{EXAMPLES / "demo.toml"}"', f'ads = "{client["ads"]}"',
                  f"[clients.{client['name']}.crawl]", f"resolve = {json.dumps(client['resolve'])}",
                  f'ca_bundle = "{ca_file}"', ""]
    path = folder / "portfolio.toml"
    path.write_text("\n".join(lines), "utf-8")
    return path


def fleet_cli(*args: str, portfolio: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "auditor.cli", "fleet", *args, "--portfolio", str(portfolio)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    if result.returncode not in (0, 2):
        raise SystemExit(f"fleet {args[0]} failed: {result.stderr}")
    return result.stdout


def one_pass(processes: int, *, server, redis: RedisServer, clients: list[dict], ca_file: Path, work: Path,
             checks: str, deadline: float) -> dict:
    from auditor.fleet import state

    folder = work / f"pass-{processes}"
    folder.mkdir()
    history = server.create_database(f"fleet_bench_{processes}_{os.getpid()}")
    portfolio = write_portfolio(folder, history, redis.url, clients, ca_file, checks)
    log = folder / "worker.log"
    started = time.monotonic()
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "auditor.cli", "fleet", "worker", "--portfolio",
                                   str(portfolio), "--concurrency", str(processes), "--name", f"bench{processes}@%h"],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    try:
        wait_for(lambda: " ready." in log.read_text("utf-8", "replace") or worker.poll() is not None,
                 "the worker ready (LanguageTool started)", 300)
        if worker.poll() is not None:
            raise SystemExit(f"worker ended: {log.read_text('utf-8', 'replace')[-3000:]}")
        ready = time.monotonic() - started
        cpu0 = tree_cpu(worker.pid)
        t0 = time.monotonic()
        fleet_cli("submit", "--all", "--as-of", NIGHT, portfolio=portfolio)
        engine = state.open_state(history)
        import datetime as dt

        night = dt.date.fromisoformat(NIGHT)

        def finished() -> list | None:
            jobs = state.tonight(engine, night)
            return jobs if len(jobs) == len(clients) and all(j.state in ("done", "failed") for j in jobs) else None

        jobs = wait_for(finished, f"{len(clients)} audits finished with {processes} processes", deadline)
        wall = time.monotonic() - t0
        cpu = tree_cpu(worker.pid) - cpu0
        engine.dispose()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        server.drop_database(history.rsplit("/", 1)[1])
    return {"processes": processes, "wall_s": round(wall, 1), "worker_ready_s": round(ready, 1),
            "sites_per_hour": round(len(clients) / wall * 3600, 1),
            "cpu_s": round(cpu, 1), "cpu_s_per_audit": round(cpu / len(clients), 1),
            "failed": [j.client for j in jobs if j.state != "done" or j.outcome != "done"],
            "audits": [audit_timings(j) for j in jobs]}


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of ``root``'s process tree so far, children that ended and
    were waited for included (their times move to the parent's ``cutime``/``cstime``): the
    worker, its audit processes, their Chromium and parse workers, the LanguageTool JVM."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / ticks


GROUPS = {
    "crawl": ("preflight", "seed", "crawl", "copy"),
    "render": ("collect_render",),
    "language": ("collect_language",),
    "other collectors": ("collect_ads", "collect_domain", "collect_feeds", "collect_profiles"),
}


def audit_timings(job) -> dict:
    """Where one audit's time went: its findings.json's ``stats.seconds``, grouped, and what
    followed the audit (history, reports) as the job's wall time minus the audit's."""
    doc = json.loads((Path(job.run_dir) / "findings.json").read_text("utf-8"))
    seconds: dict[str, float] = doc["stats"].get("seconds", {})
    out = {"client": job.client, "pages": doc["pages_crawled"], "job_s": job.seconds}
    used = set()
    for group, keys in GROUPS.items():
        out[group] = round(sum(seconds.get(k, 0.0) for k in keys), 2)
        used |= set(keys)
    out["checks"] = round(sum(v for k, v in seconds.items() if k not in used), 2)
    audit = sum(seconds.values())
    out["history + reports"] = round(max((job.seconds or 0) - audit, 0.0), 2)
    return out


def summary(result: dict) -> dict:
    audits = result["audits"]
    keys = ["job_s", *GROUPS, "checks", "history + reports"]
    return {k: round(statistics.mean(a[k] or 0 for a in audits), 2) for k in keys}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=12)
    parser.add_argument("--checks", default="all", help="checks of every client (default all, as a client gets)")
    parser.add_argument("--deadline", type=float, default=1200, help="seconds a pass may take")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fleet.json")
    args = parser.parse_args(argv)
    redis_binary()
    load = os.getloadavg()[0]
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tp-fleet-bench-")))
        server = stack.enter_context(running_server())
        redis = RedisServer(redis_binary(), work)
        redis.start()
        stack.callback(redis.stop)
        clients, ca_file = serve_sites(stack, args.sites, work)
        passes = [one_pass(n, server=server, redis=redis, clients=clients, ca_file=ca_file, work=work,
                           checks=args.checks, deadline=args.deadline) for n in (1, 2)]
    ratio = passes[1]["sites_per_hour"] / passes[0]["sites_per_hour"]
    report = {"sites": args.sites, "checks": args.checks, "cpus": os.cpu_count(), "load_before": round(load, 2),
              "python": platform.python_version(), "passes": passes, "ratio": round(ratio, 2),
              "per_audit_mean_s": {p["processes"]: summary(p) for p in passes}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), "utf-8")
    print(f"{args.sites} demo sites, checks {args.checks}, {os.cpu_count()} CPUs, load before {load:.2f}")
    print(f"{'processes':>9}  {'wall s':>7}  {'sites/hour':>10}  {'failed':>6}  {'worker start s':>14}  "
          f"{'CPU s/audit':>11}")
    for p in passes:
        print(f"{p['processes']:>9}  {p['wall_s']:>7}  {p['sites_per_hour']:>10}  {len(p['failed']):>6}  "
              f"{p['worker_ready_s']:>14}  {p['cpu_s_per_audit']:>11}")
    print(f"ratio (2 over 1): {ratio:.2f}x")
    print("per audit, mean seconds:")
    for processes, means in report["per_audit_mean_s"].items():
        print(f"  {processes} process(es): " + ", ".join(f"{k} {v}" for k, v in means.items()))
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
