"""The fleet commands: ``fleet worker``, ``fleet submit``, ``fleet status`` (docs/fleet.md).
The fleet itself is ``auditor/fleet/``; this is its command line.

``fleet status`` exits 0 when nothing needs a person, 2 when a client failed or its
worker was lost and the task is waiting for redelivery (the morning check of a cron job).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from auditor.cli.exits import EXIT_OK, EXIT_USAGE
from auditor.cli.nightly import PORTFOLIO_ENV, PORTFOLIO_FILE, require_portfolio, require_selection
from auditor.cli.options import parse_date
from auditor.errors import InputError


def add_fleet_commands(sub: Any) -> None:
    fleet = sub.add_parser("fleet", help="nightly audits on Celery workers of several machines (docs/fleet.md)")
    commands = fleet.add_subparsers(dest="fleet_command", required=True, parser_class=type(fleet))

    worker = commands.add_parser("worker", help="start a Celery worker that audits the portfolio's clients")
    _portfolio_arg(worker)
    worker.add_argument("--concurrency", type=int, default=1, metavar="N",
                        help="audits at the same time on this machine (default 1)")
    worker.add_argument("--name", help="the worker's node name (default touchpoint-auditor@HOST)")
    worker.add_argument("--loglevel", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])

    submit = commands.add_parser("submit", help="queue clients for tonight (once per client and night)")
    submit.add_argument("clients", nargs="*", metavar="CLIENT", help="client names from the portfolio")
    submit.add_argument("--all", action="store_true", help="every enabled client of the portfolio")
    _portfolio_arg(submit)
    submit.add_argument("--as-of", help="the night (YYYY-MM-DD; default today): one audit per client and night")
    submit.add_argument("--again", action="store_true",
                        help="also send again what is queued, or was running on a worker that is gone "
                             "(after the broker lost its messages); a finished client is never audited twice")

    status = commands.add_parser("status", help="queued, running, done, failed per client for tonight")
    _portfolio_arg(status)
    status.add_argument("--as-of", help="the night (YYYY-MM-DD; default today)")


def _portfolio_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--portfolio", type=Path,
                        help=f"portfolio TOML file (default: ${PORTFOLIO_ENV}, else ./{PORTFOLIO_FILE})")


def _fleet(args: argparse.Namespace) -> Any:
    from auditor.fleet.settings import load_fleet
    from auditor.nightly.portfolio import load_portfolio

    return load_fleet(load_portfolio(require_portfolio(args.portfolio, f"fleet {args.fleet_command}")))


def _night(args: argparse.Namespace) -> dt.date:
    return parse_date("--as-of", args.as_of) or dt.date.today()


def cmd_fleet(args: argparse.Namespace) -> int:
    return {"worker": _worker, "submit": _submit, "status": _status}[args.fleet_command](args)


def _worker(args: argparse.Namespace) -> int:
    from auditor.fleet.worker import run_worker

    if not 1 <= args.concurrency <= 64:
        raise InputError(f"--concurrency {args.concurrency}: must be between 1 and 64")
    run_worker(_fleet(args), concurrency=args.concurrency, name=args.name, loglevel=args.loglevel)
    return EXIT_OK


def _submit(args: argparse.Namespace) -> int:
    from auditor.fleet.submit import submit

    require_selection(args.clients, args.all, "fleet submit")
    fleet = _fleet(args)
    clients = fleet.portfolio.select(args.clients, args.all)
    night = _night(args)
    results = submit(fleet, clients, night, again=args.again,
                     report=lambda r: print(f"{r.client}: {r.why}", flush=True))
    sent = sum(1 for r in results if r.sent)
    print(f"{sent} of {len(results)} clients queued for {night.isoformat()}")
    return EXIT_OK


STATUS_ROW = "{:<24}  {:<13}  {:>8}  {}"


def _status(args: argparse.Namespace) -> int:
    from auditor.fleet.submit import status

    fleet = _fleet(args)
    night = _night(args)
    rows = status(fleet, night)
    print(f"night {night.isoformat()}")
    print(STATUS_ROW.format("client", "state", "attempts", "detail"))
    for row in rows:
        print(STATUS_ROW.format(row.client, row.state, row.attempts, row.detail))
    counts = {s: sum(1 for r in rows if r.state == s) for s in
              ("queued", "running", "done", "failed", "lost", "not submitted")}
    print(", ".join(f"{n} {s}" for s, n in counts.items() if n))
    sys.stdout.flush()
    return EXIT_USAGE if counts["failed"] or counts["lost"] else EXIT_OK


FLEET_COMMANDS = {"fleet": cmd_fleet}
