"""The command-line parser, the flags several commands share, and flags → config overrides.

``--resolve``, ``--ca-bundle``, ``--fail-on``, ``--format`` and ``--as-of`` mean the same
for ``audit`` and the nightly ``run``: they are declared and read here once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any, NoReturn

from auditor import __version__
from auditor.cli.exits import EXIT_USAGE
from auditor.errors import ConfigError
from auditor.model import SEVERITIES

FAIL_ON = [*SEVERITIES, "never"]


class Parser(argparse.ArgumentParser):
    """Usage mistakes exit 2 with one line, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"touchpoint-auditor: error: {message}\n")


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """``--resolve`` and ``--ca-bundle``: how to reach the site (``audit`` and ``run``)."""
    parser.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDRESS",
                        help="connect to ADDRESS whenever a URL names HOST:PORT (repeatable)")
    parser.add_argument("--ca-bundle", type=Path, help="extra trusted certificate authorities (PEM)")


def build_parser() -> argparse.ArgumentParser:
    from auditor.cli.dashboard import add_dashboard_command
    from auditor.cli.nightly import add_nightly_commands

    parser = Parser(prog="touchpoint-auditor", description="Audit an organisation's online touchpoints.")
    parser.add_argument("--version", action="version", version=f"touchpoint-auditor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    audit = sub.add_parser("audit", help="crawl a site and audit it")
    audit.add_argument("url", nargs="?", help="start URL, e.g. https://www.example.nl/")
    audit.add_argument("--config", type=Path, help="TOML configuration file")
    audit.add_argument("--out", type=Path, help="output directory (default ./audit-HOST-TIMESTAMP)")
    audit.add_argument("--resume", type=Path, metavar="DIR", help="continue the audit in DIR that was stopped")
    audit.add_argument("--max-pages", type=int, help="crawl at most N pages")
    audit.add_argument("--max-depth", type=int, help="follow links at most N clicks deep")
    audit.add_argument("--seed", action="append", default=[], metavar="URL",
                       help="another start URL on the site, e.g. a page no menu links (repeatable)")
    audit.add_argument("--urls", type=Path, metavar="FILE",
                       help="list mode: audit exactly the URLs in FILE (one a line), following no links")
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
    recheck.add_argument("--config", type=Path, metavar="FILE",
                         help="judge with this config file's [checks] and [report] (a new client dictionary, "
                              "new thresholds); what would need fetching again is ignored")
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

    add_nightly_commands(sub)  # run, suppress, unsuppress, history (docs/nightly.md)
    from auditor.cli.fleet import add_fleet_commands

    add_fleet_commands(sub)  # fleet worker, submit, status (docs/fleet.md)
    add_dashboard_command(sub)  # dashboard (docs/dashboard.md)

    sub.add_parser("checks", help="list installed checks")
    explain = sub.add_parser("explain", help="what a rule code checks, why, and how to fix it")
    explain.add_argument("code")
    return parser


def parse_date(flag: str, value: str | None) -> dt.date | None:
    """``--as-of``, ``--until``: a date as YYYY-MM-DD, or one clear line."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{flag} {value!r}: expected a date as YYYY-MM-DD") from None


def split_list(value: str | None) -> list[str] | None:
    """``a, b,c`` → ``["a", "b", "c"]``; None when the flag was not given."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def default_out(url: str) -> Path:
    """``./audit-HOST-TIMESTAMP``."""
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("//", 1)[-1].split("/", 1)[0]) or "site"
    return Path(f"audit-{host}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}")


def connection_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The ``[crawl]`` keys ``--resolve`` and ``--ca-bundle`` set (only those given)."""
    crawl: dict[str, Any] = {}
    if getattr(args, "resolve", None):
        crawl["resolve"] = args.resolve
    if getattr(args, "ca_bundle", None):
        crawl["ca_bundle"] = args.ca_bundle
    return crawl


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The flags of ``audit`` / ``recheck`` as a nested config dict (None: flag not given),
    for ``auditor.config.load_config`` / ``apply_overrides``."""
    crawl: dict[str, Any] = {"max_pages": getattr(args, "max_pages", None),
                             "max_depth": getattr(args, "max_depth", None), **connection_overrides(args)}
    target = getattr(args, "url", None)
    seeds = list(getattr(args, "seed", None) or [])
    if getattr(args, "urls", None) is not None:
        listed = read_url_list(args.urls)
        target = target or listed[0]
        seeds += listed
        crawl["list_mode"] = True
    if seeds:
        crawl["seeds"] = seeds
    report: dict[str, Any] = {"formats": split_list(args.format), "fail_on": args.fail_on,
                              "language": getattr(args, "report_lang", None)}
    checks = {"enabled": split_list(args.checks)}
    return {"crawl": crawl, "report": report, "checks": checks, "as_of": parse_date("--as-of", args.as_of),
            "target": target, "ads": getattr(args, "ads", None)}


def read_url_list(path: Path) -> list[str]:
    """``--urls FILE``: one URL a line; blank lines and ``#`` comments skipped."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--urls {str(path)!r}: cannot be read ({exc.__class__.__name__})") from None
    urls = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if not urls:
        raise ConfigError(f"--urls {str(path)!r}: no URLs in the file")
    return urls
