"""``dashboard``: write the portfolio dashboard, a static page listing every client with its
last run, status, score per topic over 30 nights and a link to its report (docs/dashboard.md).
The page itself is ``auditor/dashboard/``; this is its command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditor.cli.nightly import PORTFOLIO_ENV, PORTFOLIO_FILE, require_portfolio
from auditor.cli.options import parse_date


def add_dashboard_command(sub: Any) -> None:
    dashboard = sub.add_parser("dashboard", help="write the portfolio's dashboard: every client's status, "
                                                 "scores and trend, with links to the reports")
    dashboard.add_argument("--portfolio", type=Path,
                           help=f"portfolio TOML file (default: ${PORTFOLIO_ENV}, else ./{PORTFOLIO_FILE})")
    dashboard.add_argument("--out", type=Path, metavar="DIR",
                           help="folder for index.html (default: the portfolio's [dashboard] out)")
    dashboard.add_argument("--history", metavar="URL", help="history database (default: the portfolio's)")
    dashboard.add_argument("--lang", choices=["nl", "en"],
                           help="page language (default: [dashboard] language, else the clients' report language)")
    dashboard.add_argument("--as-of", help="last night of the 30-night trend (YYYY-MM-DD; default: the newest "
                                           "night recorded)")


def cmd_dashboard(args: argparse.Namespace) -> int:
    from auditor.dashboard import write_dashboard
    from auditor.nightly.portfolio import load_portfolio

    portfolio = load_portfolio(require_portfolio(args.portfolio, "dashboard"))
    written = write_dashboard(portfolio, args.history, args.out, language=args.lang,
                              end=parse_date("--as-of", args.as_of))
    print(f"dashboard of {len(portfolio.clients)} clients written to {written}")
    return 0


DASHBOARD_COMMANDS = {"dashboard": cmd_dashboard}
