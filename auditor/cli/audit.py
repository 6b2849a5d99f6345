"""``audit`` and ``recheck``: flags → configuration → the audit service → reports, a summary
and the exit status. The audit itself is ``auditor/app.py``, shared with the nightly runs."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from auditor import app
from auditor.cli.exits import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK
from auditor.cli.options import default_out, overrides
from auditor.cli.progress import Progress
from auditor.errors import CrawlAborted, InputError
from auditor.model import AuditRun


def cmd_audit(args: argparse.Namespace) -> int:
    from auditor.collect.crawl import parse_pool

    # First thing: the parse workers start on the core this process's imports leave idle.
    # Not with --previous: that audit takes most pages over unchanged and parses few.
    if args.previous is None:
        parse_pool.prestart(parse_pool.default_workers(), "auditor.collect.crawl.parse:_prepare_worker")
    try:
        return _audit(args)
    finally:
        parse_pool.discard_spares()


def _audit(args: argparse.Namespace) -> int:
    with contextlib.ExitStack() as held:
        return _audit_held(args, held)


def _audit_held(args: argparse.Namespace, held: contextlib.ExitStack) -> int:
    from auditor.config import load_config, stored_config
    from auditor.store import hold_run_dir, require_run_dir

    if args.resume:
        require_run_dir(args.resume)
        held.enter_context(hold_run_dir(args.resume))  # refused while its audit still runs
        stored = app.stored_config(args.resume)
        if not stored:
            raise InputError(f"{args.resume}: the run store has no configuration to resume from")
        config = stored_config(stored, args.resume)
        out: Path = args.resume
    else:
        if not args.url and args.urls is None:
            raise InputError("audit needs a URL (or --urls FILE, or --resume DIR)")
        if args.ads is not None and not args.ads.is_file():
            raise InputError(f"--ads {str(args.ads)!r}: file not found")
        config = load_config(args.config, overrides(args))
        out = args.out or default_out(config.target or "")
    reporters = app.prepare(config, ads=not args.resume)
    if args.previous is not None:
        require_run_dir(args.previous)
    held.enter_context(hold_run_dir(out))  # the audit and its reports: one writer per run folder
    progress = Progress(not args.quiet, max_pages=config.crawl.max_pages)
    try:
        run = app.audit(config, out, previous=args.previous, resume=bool(args.resume), progress=progress)
    except CrawlAborted as exc:
        raise CrawlAborted(f"{exc}; what was collected is kept: continue with "
                           f"touchpoint-auditor audit --resume {out}") from None
    except KeyboardInterrupt:
        print(f"interrupted; continue with: touchpoint-auditor audit --resume {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    written = _write_reports(run, out, reporters, progress)
    _summary(run, written)
    return exit_status(run, config.report.fail_on)


def _write_reports(run: AuditRun, out: Path, reporters: dict[str, type], progress: Progress) -> dict[str, Path]:
    """The reports, as the progress view's last phase."""
    import time

    progress.phase("report")
    started = time.monotonic()
    ok = False
    try:
        written = app.write_reports(run, out, reporters)
        progress.counts("report", ", ".join(written))
        ok = True
        return written
    finally:
        progress.phase_done("report", time.monotonic() - started, ok)
        progress.done()


def cmd_recheck(args: argparse.Namespace) -> int:
    from auditor.config import apply_overrides, stored_config
    from auditor.store import hold_run_dir, require_run_dir

    require_run_dir(args.run_dir)
    # Held before the store is read at all, as --resume does: an audit still writing the
    # folder may not have stored its configuration yet (read then, it was a TypeError
    # instead of the one-line refusal).
    with hold_run_dir(args.run_dir):  # the store and the reports: not while an audit writes the folder
        data = app.stored_config(args.run_dir)
        ignored: list[str] = []
        if args.config is not None:
            data, ignored = _judging_settings(data, args.config)
        apply_overrides(data, overrides(args))
        config = stored_config(data, args.run_dir)
        reporters = app.prepare(config, ads=False)
        for section in ignored:
            print(f"note: [{section}] of {args.config} ignored: recheck judges the stored pages, nothing is fetched")
        run = app.recheck(config, args.run_dir)
        written = app.write_reports(run, args.run_dir, reporters)
    _summary(run, written)
    return exit_status(run, config.report.fail_on)


# What a recheck can change: how the stored pages are judged and reported. Everything else
# in a config file (target, crawl, ads, collectors) would need fetching or collecting again.
JUDGING_SECTIONS = ("checks", "report")


def _judging_settings(stored: dict[str, Any], path: Path) -> tuple[dict[str, Any], list[str]]:
    """The stored configuration with ``path``'s [checks] and [report] merged over it (tables
    key by key, paths relative to the file), and the other sections of the file, ignored."""
    from auditor.config import load_config
    from auditor.nightly.portfolio import deep_merge, read_toml, resolve_paths

    load_config(path)  # the file on its own must be valid: its mistakes named in its own terms
    given = read_toml(path, f"config file {str(path)!r}")
    resolve_paths(given, path.parent.resolve())
    judging = {k: v for k, v in given.items() if k in JUDGING_SECTIONS}
    ignored = sorted(k for k in given if k not in JUDGING_SECTIONS and k != "as_of")
    if "as_of" in given:
        judging["as_of"] = given["as_of"]
    return deep_merge(stored, judging), ignored


def exit_status(run: AuditRun, fail_on: str) -> int:
    return EXIT_FINDINGS if app.fails_on(run.worst_severity(), fail_on) else EXIT_OK


def _summary(run: AuditRun, written: dict[str, Path]) -> None:
    sev = Counter(f.severity for f in run.findings)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(sev.items())) or "no findings"
    print(f"{run.pages_crawled} pages crawled; {len(run.findings)} findings ({counts})")
    for note in run.notes:
        print(f"note: {note}")
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
