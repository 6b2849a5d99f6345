"""Link-checking benchmark: touchpoint-auditor against its peers, same site, same run.

Generates (or reuses) the seeded site, serves it with a private nginx on
127.0.0.1, runs each tool over it (once, or ``--repeat`` times), and reports wall time, pages per
second, peak memory of the tool's whole process tree and whether the tool
found exactly the generator's set of broken links. Peers run in the same
invocation because absolute numbers mean little across machines; the ratios
against peers measured minutes apart on the same machine do.

Run with the project's venv: ``.venv/bin/python bench/run_links.py``.
See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import gensite
from nginx_server import NginxServer, nginx_version
from procmon import run_measured
from tools import BENCH, TOOL_NAMES, Context, Outcome, Tool, make_tools

REFERENCE = "touchpoint-auditor"
TARGET_PAGES_PER_S = 800.0
TARGET_RSS_MB = 300.0
BUSY_LOAD = 0.5  # 1-minute load average above which the run is flagged as noisy
SAMPLE = 10  # how many differing URLs to keep in the results file


@dataclass
class Row:
    """One tool's line in the table and the results file."""

    tool: str
    version: str = ""
    pages: int | None = None  # as reported by the tool (None: it does not say)
    seconds: float | None = None  # median over the runs
    runs_seconds: list[float] = field(default_factory=list)
    pages_per_s: float | None = None  # site pages / seconds
    speed_vs_ref: float | None = None  # this tool's pages/s / reference's pages/s
    peak_rss_mb: float | None = None
    rss_vs_ref: float | None = None
    tree_rss_peak_mb: float | None = None
    max_hwm_mb: float | None = None
    broken_found: int | None = None
    matches_truth: bool | None = None
    missed: list[str] = field(default_factory=list)  # in truth, not found (first SAMPLE)
    extra: list[str] = field(default_factory=list)  # found, not in truth (first SAMPLE)
    missed_count: int = 0
    extra_count: int = 0
    exit_code: int | None = None
    timed_out: bool = False
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Flags; the defaults are the published workload."""
    names = ", ".join(TOOL_NAMES)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=5000, help="HTML pages in the site (default 5000)")
    ap.add_argument("--broken", type=int, default=300, help="distinct broken URLs (default 300)")
    ap.add_argument("--seed", type=int, default=20240601, help="generator seed")
    ap.add_argument("--tools", default=",".join(TOOL_NAMES), help=f"comma-separated subset of: {names}")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per tool run (default 600)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool, interleaved; report the median")
    ap.add_argument("--concurrency", type=int, default=32, help="LinkChecker threads (default 32)")
    ap.add_argument("--site-dir", type=Path, default=BENCH / "site", help="cache of generated sites")
    ap.add_argument("--results-dir", type=Path, default=BENCH / "results", help="where the JSON goes")
    ap.add_argument("--auditor", type=Path, help="touchpoint-auditor executable (default: the project venv's)")
    ap.add_argument("--keep-work", action="store_true", help="keep each tool's working directory")
    ap.add_argument("--strict", action="store_true", help="exit 1 if touchpoint-auditor misses a target")
    args = ap.parse_args(argv)
    unknown = set(args.tools.split(",")) - set(TOOL_NAMES)
    if unknown:
        ap.error(f"unknown tools: {', '.join(sorted(unknown))}")
    return args


def ensure_site(params: gensite.SiteParams, cache: Path) -> Path:
    """Generate the site unless an identical one is cached; return its directory.

    Generated into a temp sibling and renamed, so an interrupted run never
    leaves a half-written site that a later run would trust.
    """
    site = cache / params.key()
    if (site / "site.json").exists():
        return site
    cache.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o022)  # nginx workers run as nobody and must read the files
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{params.key()}-", dir=cache))
        tmp.chmod(0o755)
        gensite.generate(params, tmp)
        tmp.rename(site)
    finally:
        os.umask(old_umask)
    return site


def warm_page_cache(root: Path) -> None:
    """Read every file once so the first tool does not pay for cold disk reads."""
    for path in root.rglob("*"):
        if path.is_file():
            path.read_bytes()


def run_tool(tool: Tool, base_url: str, site: Path, work: Path, args: argparse.Namespace) -> Row:
    """Run one tool and grade it; never raises for a tool's own failure."""
    row = Row(tool=tool.name)
    why = tool.missing()
    if why:
        row.error = why
        return row
    row.version = tool.version()
    work.mkdir()
    work.chmod(0o755)  # LinkChecker drops root privileges and must still read its config
    ctx = Context(base_url=base_url, site=site, work=work, concurrency=args.concurrency)
    try:
        result = run_measured(tool.command(ctx), cwd=work, timeout=args.timeout)
    except OSError as exc:
        row.error = f"could not start: {exc}"
        return row
    row.seconds = result.seconds
    row.runs_seconds = [result.seconds]
    row.peak_rss_mb = result.peak_rss_mb
    row.tree_rss_peak_mb = result.tree_rss_peak_mb
    row.max_hwm_mb = result.max_hwm_mb
    row.exit_code = result.returncode
    row.timed_out = result.timed_out
    if result.timed_out:
        row.error = f"timed out after {args.timeout:.0f} s (killed)"
    elif result.returncode not in tool.ok_exits:
        row.error = f"exit {result.returncode}: {last_line(result.stderr)}"
    try:
        outcome = tool.parse(ctx, result)
    except (OSError, ValueError, KeyError) as exc:
        outcome = Outcome(notes=[f"output unreadable: {exc!r}"])
    row.pages = outcome.pages
    row.notes = outcome.notes
    if outcome.broken is not None:
        grade(row, outcome.broken, site)
    elif row.error is None:
        row.error = "; ".join(outcome.notes) or "no result"
    return row


def combine(runs: list[Row]) -> Row:
    """One row from several runs of a tool: median time, highest peak memory.

    A failed or wrong run is never averaged away: it becomes the row.
    """
    failed = next((r for r in runs if r.error or r.matches_truth is False), None)
    if failed is not None or len(runs) == 1:
        row = failed or runs[0]
        if len(runs) > 1:
            row.notes.append(f"run {runs.index(row) + 1} of {len(runs)} shown")
        return row
    row = runs[0]
    row.runs_seconds = [r.seconds for r in runs if r.seconds is not None]
    row.seconds = statistics.median(row.runs_seconds)
    for attr in ("peak_rss_mb", "tree_rss_peak_mb", "max_hwm_mb"):
        setattr(row, attr, max(getattr(r, attr) or 0.0 for r in runs))
    return row


def last_line(path: Path) -> str:
    """The last non-empty line of a log, for a one-line error message."""
    lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "(no output)"


def grade(row: Row, found: set[str], site: Path) -> None:
    """Compare a tool's broken set with the ground truth."""
    truth = set((site / "expected_broken.txt").read_text().split())
    missed, extra = sorted(truth - found), sorted(found - truth)
    row.broken_found = len(found)
    row.matches_truth = not missed and not extra
    row.missed, row.missed_count = missed[:SAMPLE], len(missed)
    row.extra, row.extra_count = extra[:SAMPLE], len(extra)


def add_rates(rows: list[Row], site_pages: int) -> None:
    """Pages/s over the site's page count, and ratios against the reference tool.

    Only for tools that finished normally: the time of a crash or a time-out
    is not a throughput.
    """
    for row in rows:
        if row.seconds and row.error is None:
            row.pages_per_s = site_pages / row.seconds
    ref = next((r for r in rows if r.tool == REFERENCE and r.error is None), None)
    if ref is None or not ref.pages_per_s or not ref.peak_rss_mb:
        return
    for row in rows:
        if row.pages_per_s:
            row.speed_vs_ref = row.pages_per_s / ref.pages_per_s
        if row.peak_rss_mb:
            row.rss_vs_ref = row.peak_rss_mb / ref.peak_rss_mb


def fmt(value: float | int | None, spec: str) -> str:
    """Format a number, or '-' when there is none."""
    return "-" if value is None else format(value, spec)


def match_cell(row: Row) -> str:
    """'yes', 'no (-3 +1)' or '-'."""
    if row.matches_truth is None:
        return "-"
    return "yes" if row.matches_truth else f"no (-{row.missed_count} +{row.extra_count})"


def render_table(rows: list[Row], truth_count: int) -> str:
    """The human-readable table."""
    header = ["tool", "pages", "seconds", "pages/s", "speed vs tp", "peak RSS MB", "RSS vs tp",
              f"broken (truth {truth_count})", "matches truth"]  # fmt: skip
    lines = [header]
    for r in rows:
        lines.append([
            r.tool, fmt(r.pages, "d"), fmt(r.seconds, ".1f"), fmt(r.pages_per_s, ".0f"),
            fmt(r.speed_vs_ref, ".2f") + ("x" if r.speed_vs_ref else ""),
            fmt(r.peak_rss_mb, ".0f"),
            fmt(r.rss_vs_ref, ".2f") + ("x" if r.rss_vs_ref else ""),
            fmt(r.broken_found, "d"), match_cell(r),
        ])  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    for r in rows:
        for problem in ([r.error] if r.error else []) + r.notes:
            out.append(f"  {r.tool}: {problem}")
        if r.missed:
            out.append(f"  {r.tool}: missed e.g. {', '.join(r.missed[:3])}")
        if r.extra:
            out.append(f"  {r.tool}: extra e.g. {', '.join(r.extra[:3])}")
    return "\n".join(out)


def verdict(rows: list[Row]) -> tuple[list[str], bool]:
    """Lines judging touchpoint-auditor against the published targets, and whether all hold."""
    ref = next((r for r in rows if r.tool == REFERENCE), None)
    lines: list[str] = []
    peers = [r for r in rows if r.tool != REFERENCE and r.matches_truth is not None]
    agree = [r.tool for r in peers if r.matches_truth]
    disagree = [r.tool for r in peers if not r.matches_truth]
    lines.append(f"peers matching ground truth: {', '.join(agree) or 'none'}"
                 + (f"; differing: {', '.join(disagree)}" if disagree else ""))  # fmt: skip
    if ref is None:
        return lines, True
    if ref.error:
        lines.append(f"{REFERENCE}: no result ({ref.error})")
        return lines, False
    checks = [
        (f"pages/s {fmt(ref.pages_per_s, '.0f')} >= {TARGET_PAGES_PER_S:.0f}",
         (ref.pages_per_s or 0) >= TARGET_PAGES_PER_S),
        (f"peak RSS {fmt(ref.peak_rss_mb, '.0f')} MB < {TARGET_RSS_MB:.0f} MB",
         ref.peak_rss_mb is not None and ref.peak_rss_mb < TARGET_RSS_MB),
        ("broken-link set equals ground truth", bool(ref.matches_truth)),
    ]  # fmt: skip
    for text, ok in checks:
        lines.append(f"{REFERENCE} target: {text}: {'PASS' if ok else 'FAIL'}")
    return lines, all(ok for _, ok in checks)


def write_results(path: Path, rows: list[Row], site_summary: dict, meta: dict) -> None:
    """The table as JSON, with enough context to compare runs later."""
    site = {k: v for k, v in site_summary.items() if k != "broken_occurrences"}
    doc = {"benchmark": "links", **meta, "site": site, "rows": [asdict(r) for r in rows]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")


def exit_on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM (e.g. a CI time-out) into SystemExit, so clean-ups run."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Generate, serve, run every tool, report."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    params = gensite.SiteParams(pages=args.pages, broken=args.broken, seed=args.seed)
    started = datetime.now(UTC)
    loadavg = os.getloadavg()  # before we add load: a busy machine makes every figure noisy
    if loadavg[0] > BUSY_LOAD:
        print(f"warning: load average {loadavg[0]:.1f} before starting: figures will be noisy", flush=True)
    t0 = time.monotonic()
    site = ensure_site(params, args.site_dir)
    summary = json.loads((site / "site.json").read_text())
    print(f"site: {site} ({summary['html_pages']} pages, {summary['broken_distinct']} broken URLs, "
          f"ready in {time.monotonic() - t0:.1f} s)", flush=True)  # fmt: skip
    warm_page_cache(site / "www")
    wanted = args.tools.split(",")
    tools = [t for t in make_tools(args.auditor) if t.name in wanted]
    work_root = Path(tempfile.mkdtemp(prefix="bench-links-"))
    work_root.chmod(0o755)
    runs: dict[str, list[Row]] = {t.name: [] for t in tools}
    try:
        with NginxServer(site / "www") as server:
            print(f"serving on {server.base_url} ({nginx_version()})", flush=True)
            for k in range(args.repeat):  # interleaved, so drifting load hits every tool alike
                for tool in tools:
                    if k and runs[tool.name][0].error and not runs[tool.name][0].seconds:
                        continue  # could not start the first time: no point trying again
                    print(f"running {tool.name} ({k + 1}/{args.repeat}) ...", end=" ", flush=True)
                    work = work_root / f"{tool.name}-{k + 1}"
                    row = run_tool(tool, server.base_url, site, work, args)
                    runs[tool.name].append(row)
                    print(row.error or f"{fmt(row.seconds, '.1f')} s", flush=True)
    finally:
        if args.keep_work:
            print(f"work directories kept in {work_root}")
        else:
            shutil.rmtree(work_root, ignore_errors=True)
    rows = [combine(r) for r in runs.values()]
    add_rates(rows, summary["html_pages"])
    print()
    print(render_table(rows, summary["broken_distinct"]))
    lines, ok = verdict(rows)
    print()
    print("\n".join(lines))
    meta = {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg_at_start": loadavg},
        "server": nginx_version(),
        "timeout_s": args.timeout,
        "repeat": args.repeat,
        "targets": {"pages_per_s": TARGET_PAGES_PER_S, "peak_rss_mb": TARGET_RSS_MB},
    }
    out = args.results_dir / f"links-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    write_results(out, rows, summary, meta)
    print(f"\nresults: {out}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
