"""Command line: ``audit``, ``recheck``, ``checks``, ``explain`` (contract in design.md), and the
nightly commands ``run``, ``suppress``, ``unsuppress``, ``history`` (``auditor/nightly/commands.py``).

Exit status: 0 done; 1 done and a finding at or above ``--fail-on``; 2 bad usage,
configuration or input, always as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

from auditor import __version__
from auditor.errors import AuditorError, ConfigError, CrawlAborted, InputError
from auditor.model import SEVERITIES

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"touchpoint-auditor: error: {message}\n")


FAIL_ON = [*SEVERITIES, "never"]


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """``--resolve`` and ``--ca-bundle``: how to reach the site (``audit`` and ``run``)."""
    parser.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDRESS",
                        help="connect to ADDRESS whenever a URL names HOST:PORT (repeatable)")
    parser.add_argument("--ca-bundle", type=Path, help="extra trusted certificate authorities (PEM)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="touchpoint-auditor", description="Audit an organisation's online touchpoints.")
    parser.add_argument("--version", action="version", version=f"touchpoint-auditor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    audit = sub.add_parser("audit", help="crawl a site and audit it")
    audit.add_argument("url", nargs="?", help="start URL, e.g. https://www.example.nl/")
    audit.add_argument("--config", type=Path, help="TOML configuration file")
    audit.add_argument("--out", type=Path, help="output directory (default ./audit-HOST-TIMESTAMP)")
    audit.add_argument("--resume", type=Path, metavar="DIR", help="continue the audit in DIR that was stopped")
    audit.add_argument("--max-pages", type=int, help="crawl at most N pages")
    audit.add_argument("--max-depth", type=int, help="follow links at most N clicks deep")
    audit.add_argument("--checks", help="comma-separated codes or families (e.g. links,TP201)")
    audit.add_argument("--ads", type=Path, help="CSV of ads (ad_id, headline, description, final_url)")
    audit.add_argument("--format", help="comma-separated report formats: html, json, pdf, junit, sarif, csv "
                                        "(default html,json)")
    audit.add_argument("--report-lang", choices=["nl", "en"], help="report language (default: the site's language)")
    audit.add_argument("--fail-on", choices=FAIL_ON, help="exit 1 when a finding has this severity or worse")
    add_connection_options(audit)
    audit.add_argument("--as-of", help="the audit's 'today' (YYYY-MM-DD) for freshness thresholds")
    audit.add_argument("--previous", type=Path, metavar="DIR",
                       help="a previous run of the same site: unchanged pages are taken over, not parsed again")
    audit.add_argument("--quiet", action="store_true", help="no progress bar")

    recheck = sub.add_parser("recheck", help="judge a stored run again without fetching")
    recheck.add_argument("run_dir", type=Path)
    recheck.add_argument("--checks")
    recheck.add_argument("--format")
    recheck.add_argument("--report-lang", choices=["nl", "en"])
    recheck.add_argument("--as-of")
    recheck.add_argument("--fail-on", choices=FAIL_ON)

    new = sub.add_parser("new-check", help="scaffold a plugin package with one check")
    new.add_argument("name", help="check name, e.g. kvk-number-missing")
    new.add_argument("--code", required=True, help="rule code with your own prefix, e.g. ACM101")
    new.add_argument("--family", help="check family (default: the code's letters)")
    new.add_argument("--out", type=Path, default=Path("."), help="folder to create the package in")

    from auditor.nightly.commands import add_nightly_commands

    add_nightly_commands(sub)  # run, suppress, unsuppress, history (docs/nightly.md)

    sub.add_parser("checks", help="list installed checks")
    explain = sub.add_parser("explain", help="what a rule code checks, why, and how to fix it")
    explain.add_argument("code")
    return parser


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--as-of {value!r}: expected a date as YYYY-MM-DD") from None


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _default_out(url: str) -> Path:
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("//", 1)[-1].split("/", 1)[0]) or "site"
    return Path(f"audit-{host}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}")


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    crawl: dict[str, Any] = {"max_pages": getattr(args, "max_pages", None),
                             "max_depth": getattr(args, "max_depth", None)}
    if getattr(args, "resolve", None):
        crawl["resolve"] = args.resolve
    if getattr(args, "ca_bundle", None):
        crawl["ca_bundle"] = args.ca_bundle
    report: dict[str, Any] = {"formats": _split(args.format), "fail_on": args.fail_on,
                              "language": getattr(args, "report_lang", None)}
    checks = {"enabled": _split(args.checks)}
    return {"crawl": crawl, "report": report, "checks": checks, "as_of": _as_of(args.as_of),
            "target": getattr(args, "url", None), "ads": getattr(args, "ads", None)}


class Progress:
    """One self-rewriting status line on a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, stats: Any) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\x1b[Kpages {stats.pages}  links checked {stats.checked}  "
                             f"queued {stats.queued}  errors {stats.errors}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")


def _reporters(formats: list[str]) -> dict[str, type]:
    """The reporters of ``formats``, loaded before any work so a typo fails at once."""
    from auditor.registry import load_reporters

    return load_reporters(formats)


def _write_reports(run: Any, out: Path, reporters: dict[str, type]) -> dict[str, Path]:
    return {fmt: cls().write(run, out) for fmt, cls in reporters.items()}


def _exit_status(run: Any, fail_on: str) -> int:
    from auditor.model import severity_rank

    worst = run.worst_severity()
    if fail_on == "never" or worst is None:
        return EXIT_OK
    return EXIT_FINDINGS if severity_rank(worst) >= severity_rank(fail_on) else EXIT_OK


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
    from auditor.config import Config, load_config
    from auditor.runner import Runner
    from auditor.runtime import tune_gc
    from auditor.store import STORE_FILE, RunStore, require_run_dir

    if args.resume:
        require_run_dir(args.resume)
        stored = RunStore(args.resume).meta("config")
        if not stored:
            raise InputError(f"{args.resume}: the run store has no configuration to resume from")
        config = Config.model_validate(stored)
        out = args.resume
    else:
        if not args.url:
            raise InputError("audit needs a URL (or --resume DIR)")
        if args.ads is not None and not args.ads.is_file():
            raise InputError(f"--ads {str(args.ads)!r}: file not found")
        config = load_config(args.config, _overrides(args))
        if config.ads is not None:  # a malformed ads file fails now, not after the crawl
            from auditor.collect.ads.visitor import load_ads

            load_ads(config.ads)
        out = args.out or _default_out(config.target or "")
    reporters = _reporters(config.report.formats)
    if args.previous is not None:
        require_run_dir(args.previous)
    if not args.resume and (out / STORE_FILE).exists():
        raise InputError(f"{out} already holds an audit: continue it with --resume {out}, or choose another --out")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    progress = Progress(not args.quiet)
    tune_gc()  # this process is the audit's: see auditor.runtime
    try:
        run = Runner(config, out, resume=bool(args.resume), progress=progress, previous=args.previous).run()
    except CrawlAborted as exc:
        progress.done()
        raise CrawlAborted(f"{exc}; what was collected is kept: continue with "
                           f"touchpoint-auditor audit --resume {out}") from None
    except AuditorError:
        progress.done()
        if created:
            _discard_if_empty(out)  # a mistyped URL must not leave an empty audit folder behind
        raise
    except KeyboardInterrupt:
        progress.done()
        print(f"interrupted; continue with: touchpoint-auditor audit --resume {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress.done()
    written = _write_reports(run, out, reporters)
    _summary(run, written)
    return _exit_status(run, config.report.fail_on)


def _discard_if_empty(out: Path) -> None:
    """Remove an output folder this command created when the audit stored no page in it."""
    import shutil
    import sqlite3

    from auditor.store import STORE_FILE

    store = out / STORE_FILE
    try:
        if store.exists():
            with contextlib.closing(sqlite3.connect(store)) as db:
                if db.execute("SELECT count(*) FROM pages").fetchone()[0]:
                    return
    except sqlite3.Error:
        return
    shutil.rmtree(out, ignore_errors=True)


def _summary(run: Any, written: dict[str, Path]) -> None:
    from collections import Counter

    sev = Counter(f.severity for f in run.findings)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(sev.items())) or "no findings"
    print(f"{run.pages_crawled} pages crawled; {len(run.findings)} findings ({counts})")
    for note in run.notes:
        print(f"note: {note}")
    for fmt, path in written.items():
        print(f"{fmt}: {path}")


def cmd_recheck(args: argparse.Namespace) -> int:
    from auditor.config import Config, apply_overrides
    from auditor.runner import Runner
    from auditor.store import RunStore, require_run_dir

    require_run_dir(args.run_dir)
    data = RunStore(args.run_dir).meta("config") or {}
    apply_overrides(data, _overrides(args))
    config = Config.model_validate(data)
    reporters = _reporters(config.report.formats)
    run = Runner(config, args.run_dir).recheck()
    written = _write_reports(run, args.run_dir, reporters)
    _summary(run, written)
    return _exit_status(run, config.report.fail_on)


def cmd_checks(_args: argparse.Namespace) -> int:
    from auditor.registry import load_checks, load_failures

    for code, info in load_checks().items():
        print(f"{code}  {info.cls.name:<28} {info.cls.family:<12} {info.plugin}")
    for code, reason in load_failures().items():
        print(f"{code}  (broken) {reason}")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from auditor.registry import load_checks

    checks = load_checks()
    info = checks.get(args.code.upper())
    if info is None:
        raise InputError(f"unknown rule code {args.code!r}; see 'touchpoint-auditor checks'")
    doc = info.cls.doc_sections()
    print(f"{info.code} {info.cls.name} ({info.cls.family}, default severity {info.cls.default_severity})")
    print(f"\n{doc['summary']}")
    for title, key in (("What it checks", "what"), ("Why it matters", "why"), ("How to fix", "fix")):
        if doc[key]:
            print(f"\n{title}\n{doc[key]}")
    return EXIT_OK


def cmd_new_check(args: argparse.Namespace) -> int:
    from auditor.scaffold import scaffold

    root = scaffold(args.name, args.code.upper(), args.out, args.family)
    print(f"created {root}\nnext: pip install -e {root} && pytest {root} && touchpoint-auditor checks")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from auditor.nightly.commands import NIGHTLY_COMMANDS

    handler = {"audit": cmd_audit, "recheck": cmd_recheck, "checks": cmd_checks, "explain": cmd_explain,
               "new-check": cmd_new_check, **NIGHTLY_COMMANDS}
    try:
        return handler[args.command](args)
    except AuditorError as exc:
        print(f"touchpoint-auditor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"touchpoint-auditor: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
