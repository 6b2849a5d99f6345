"""The nightly commands: ``run``, ``suppress``, ``unsuppress``, ``history`` (docs/nightly.md).
The runs themselves are ``auditor/nightly/``; this is their command line.

Exit status of ``run``: 0 every client audited and none has an unsuppressed finding at or
above its ``fail_on``; 1 every client audited and at least one has; 2 bad usage or
portfolio, or at least one client could not be audited (its site unreachable, failed, locked
by a run still going, skipped for the time budget): that needs a person, a finding can wait
for the report. Which clients those are is on stderr, one line each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.cli.exits import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from auditor.cli.options import FAIL_ON, add_connection_options, connection_overrides, parse_date, split_list
from auditor.errors import ConfigError, InputError

MAX_REASON = 500


def add_nightly_commands(sub: Any) -> None:
    run = sub.add_parser("run", help="audit the clients of a portfolio and compare with their previous run")
    run.add_argument("clients", nargs="*", metavar="CLIENT", help="client names from the portfolio")
    run.add_argument("--all", action="store_true", help="every enabled client of the portfolio")
    run.add_argument("--portfolio", type=Path,
                     help=f"portfolio TOML file (default: ${PORTFOLIO_ENV}, else ./{PORTFOLIO_FILE})")
    run.add_argument("--history", metavar="URL", help="history database (default: the portfolio's)")
    run.add_argument("--format", help="comma-separated report formats (default: each client's)")
    run.add_argument("--fail-on", choices=FAIL_ON,
                     help="exit 1 when an unsuppressed finding has this severity or worse")
    add_connection_options(run)
    run.add_argument("--as-of", help="tonight's date (YYYY-MM-DD): freshness, suppression expiry, retention")
    run.add_argument("--time-budget", type=float, metavar="SECONDS",
                     help="seconds for all clients together (default: the portfolio's; 0 = none)")
    run.add_argument("--parallel", type=int, metavar="N", help="clients audited at the same time")
    run.add_argument("--quiet", action="store_true", help="print only what needs attention")
    run.add_argument("--check", action="store_true", help="validate the portfolio and list its clients; audit nothing")

    suppress = sub.add_parser("suppress", help="accept a finding until a date, with a reason")
    suppress.add_argument("fingerprint")
    suppress.add_argument("--until", required=True, help="last day the finding is accepted (YYYY-MM-DD)")
    suppress.add_argument("--reason", required=True, help="why it is accepted (shown in the report)")
    _history_args(suppress)
    suppress.add_argument("--as-of", help="today's date for the check that --until is not in the past")

    unsuppress = sub.add_parser("unsuppress", help="end a suppression now")
    unsuppress.add_argument("fingerprint")
    _history_args(unsuppress)

    history = sub.add_parser("history", help="a client's recent runs and suppressions")
    history.add_argument("site", metavar="CLIENT")
    history.add_argument("--portfolio", type=Path,
                         help=f"portfolio TOML file, for its history database (default: ${PORTFOLIO_ENV}, "
                              f"else ./{PORTFOLIO_FILE}, else the default database)")
    history.add_argument("--history", metavar="URL", help="history database URL")
    history.add_argument("--limit", type=int, default=20, help="runs listed (newest first)")


PORTFOLIO_ENV = "TOUCHPOINT_PORTFOLIO"
PORTFOLIO_FILE = "portfolio.toml"


def find_portfolio(given: Path | None) -> Path | None:
    """The portfolio every nightly command uses: ``--portfolio``, else the file
    ``$TOUCHPOINT_PORTFOLIO`` names, else ``portfolio.toml`` in the working folder, else none.
    ``run`` and ``suppress``/``history`` look alike, so they find the same history database."""
    if given is not None:
        return given
    named = os.environ.get(PORTFOLIO_ENV, "").strip()
    if named:
        return Path(named)
    local = Path.cwd() / PORTFOLIO_FILE
    return local if local.is_file() else None


def require_portfolio(given: Path | None, command: str) -> Path:
    """``find_portfolio``, or one line saying how to name one (``command`` starts it)."""
    path = find_portfolio(given)
    if path is None:
        raise InputError(f"{command}: give --portfolio FILE (or set {PORTFOLIO_ENV}, or run it where "
                         f"{PORTFOLIO_FILE} is)")
    return path


def require_selection(clients: list[str], everyone: bool, command: str) -> None:
    """Client names or ``--all``, exactly one of the two."""
    if everyone and clients:
        raise InputError(f"{command}: give --all or client names, not both")
    if not everyone and not clients:
        raise InputError(f"{command}: name the clients to audit, or --all")


def _history_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="CLIENT", help="only this client (default: every client with it)")
    parser.add_argument("--portfolio", type=Path,
                        help=f"portfolio TOML file, for its history database (default: ${PORTFOLIO_ENV}, "
                             f"else ./{PORTFOLIO_FILE}, else the default database)")
    parser.add_argument("--history", metavar="URL", help="history database URL")


def _portfolio_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """CLI flags applied over every client of the portfolio."""
    return {"crawl": connection_overrides(args),
            "report": {"formats": split_list(args.format), "fail_on": args.fail_on}}


def exit_status(outcomes: list[Any]) -> int:
    """2 when any client could not be audited (failed, locked, skipped: someone must look),
    else 1 when any client has an unsuppressed finding at or above its ``fail_on``, else 0."""
    if any(o.status != "done" for o in outcomes):
        return EXIT_USAGE
    if any(o.failed_on_findings for o in outcomes):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from auditor.nightly.outcome import STATUSES, RunOptions
    from auditor.nightly.portfolio import load_portfolio

    require_selection(args.clients, args.all, "run")
    if args.time_budget is not None and args.time_budget < 0:
        raise InputError(f"--time-budget {args.time_budget:g}: must be 0 (none) or more seconds")
    if args.parallel is not None and not 1 <= args.parallel <= 64:
        raise InputError(f"--parallel {args.parallel}: must be between 1 and 64")
    portfolio = load_portfolio(require_portfolio(args.portfolio, "run"), _portfolio_overrides(args))
    clients = portfolio.select(args.clients, args.all)
    if args.check:
        return _check(portfolio, clients)
    if args.parallel:
        portfolio = replace(portfolio, parallel=args.parallel)
    options = RunOptions(history_url=args.history or portfolio.history_url, as_of=parse_date("--as-of", args.as_of),
                         time_budget=portfolio.time_budget if args.time_budget is None else args.time_budget)
    if not clients:
        print("no enabled clients in the portfolio")
        return 0
    try:
        outcomes = _run(portfolio, clients, options, quiet=args.quiet)
    except KeyboardInterrupt:
        print("interrupted: runs not finished were not recorded; the locks are released", file=sys.stderr)
        return EXIT_INTERRUPTED
    if len(outcomes) > 1 and not args.quiet:
        counts = {s: sum(1 for o in outcomes if o.status == s) for s in STATUSES}
        print(f"{len(outcomes)} clients: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    _dashboard(portfolio, options.history_url, quiet=args.quiet)
    return exit_status(outcomes)


def _dashboard(portfolio: Any, history_url: str, *, quiet: bool) -> None:
    """The portfolio's dashboard, rewritten after the night when it names one."""
    from auditor.nightly.many import refresh_dashboard

    line = refresh_dashboard(portfolio, history_url)
    if line and line.startswith("dashboard not written"):
        print(f"touchpoint-auditor: warning: {line}", file=sys.stderr)
    elif line and not quiet:
        print(line)


def _run(portfolio: Any, clients: list[Any], options: Any, *, quiet: bool) -> list[Any]:
    from auditor.nightly.client import run_client
    from auditor.nightly.many import run_clients

    def show(outcome: Any) -> None:
        if outcome.status != "done":
            print(f"touchpoint-auditor: error: {outcome.line()}", file=sys.stderr)
            for line in outcome.deliveries:  # an unreachable site's notice
                print(f"{outcome.client}: {line}", file=sys.stderr)
            sys.stderr.flush()
            return
        if not quiet:
            print(outcome.line())
            for note in outcome.notes:
                print(f"  note: {note}")
        for line in outcome.deliveries:
            if not quiet:
                print(f"  {line}")
            elif ": sent" not in line:  # alone on the screen: say which client it is about
                print(f"{outcome.client}: {line}")
        sys.stdout.flush()

    if len(clients) == 1:  # one client: in this process, with a progress bar on a terminal
        from auditor.cli.progress import Progress

        outcome = run_client(portfolio, clients[0], options, time_budget=options.time_budget or None,
                             progress=Progress(not quiet))
        show(outcome)
        return [outcome]
    return run_clients(portfolio, clients, options, show)


def _check(portfolio: Any, clients: list[Any]) -> int:
    """Validate what a run would only find out when it reaches a client: check options,
    collector settings, report formats, ads files."""
    from auditor import app
    from auditor.runner import Runner

    for client in clients:
        where = f"portfolio {str(portfolio.path)!r}: clients.{client.name}"
        try:
            Runner(client.config, portfolio.run_root(client.name))  # instantiates checks and collectors
            app.prepare(client.config)  # report formats, ads file
        except (ConfigError, InputError) as exc:
            raise ConfigError(f"{where}: {exc}") from None
        notify = "notify" if client.notify is not None else "no notifications"
        print(f"{client.name}: {client.config.target} ({', '.join(client.config.report.formats)}; "
              f"damping {client.damping}; {notify})")
    print(f"portfolio OK: {len(clients)} clients; data in {portfolio.data_dir}")
    return 0


def _history_url(args: argparse.Namespace) -> str:
    if args.history:
        return args.history
    path = find_portfolio(args.portfolio)
    if path is not None:
        from auditor.nightly.portfolio import load_portfolio

        portfolio = load_portfolio(path)
        site = getattr(args, "site", None)
        if site:
            portfolio.select([site], everyone=False)  # an unknown client name fails here
        return portfolio.history_url
    from auditor.history import default_history_url

    return default_history_url()


def cmd_suppress(args: argparse.Namespace) -> int:
    from auditor.history import History

    until = parse_date("--until", args.until)
    assert until is not None
    today = parse_date("--as-of", args.as_of) or dt.date.today()
    if until < today:
        raise InputError(f"--until {until.isoformat()} is in the past (today is {today.isoformat()})")
    reason = " ".join(args.reason.split())
    if not reason:
        raise InputError("--reason: say why the finding is accepted")
    if len(reason) > MAX_REASON:
        raise InputError(f"--reason: at most {MAX_REASON} characters (got {len(reason)})")
    prefix = _prefix(args.fingerprint)
    history = History(_history_url(args))
    try:
        fingerprint, holders = _one_fingerprint(history, prefix, args.site, "a recorded run")
        sites = history.suppress(fingerprint, until=until, reason=reason, site=args.site)
    finally:
        history.close()
    print(f"suppressed {fingerprint} until {until.isoformat()} for {', '.join(sites)}: {reason}")
    if args.site is None and len(holders) > 1:
        print(f"note: {len(holders)} clients have this finding; --site CLIENT accepts it for one of them only")
    return 0


MIN_PREFIX = 4


def _prefix(text: str) -> str:
    """A fingerprint or its start as the README writes it (``3f2a9c…``), lower-case hex."""
    prefix = text.strip().lower().removesuffix("…").removesuffix("...").strip()
    if len(prefix) < MIN_PREFIX or not all(c in "0123456789abcdef" for c in prefix):
        raise InputError(f"fingerprint {text!r}: give at least {MIN_PREFIX} of its hexadecimal characters "
                         "(findings.json and the report show it)")
    return prefix


def _one_fingerprint(history: Any, prefix: str, site: str | None, where: str) -> tuple[str, list[str]]:
    """The one fingerprint ``prefix`` stands for, with the clients that have it; else one line
    naming the database searched, or the candidates."""
    found = history.fingerprints(prefix, site)
    if not found:
        whose = f"of {site}" if site else "of any client"
        raise InputError(f"no finding {prefix}… in {where} {whose} (searched history database {history.where})")
    if len(found) > 1:
        shown = ", ".join(f"{fp[:len(prefix) + 4]}… ({', '.join(names)})" for fp, names in found.items())
        raise InputError(f"fingerprint {prefix}… is ambiguous: {shown}; give more characters")
    [(fingerprint, holders)] = found.items()
    return fingerprint, holders


def cmd_unsuppress(args: argparse.Namespace) -> int:
    from auditor.history import History

    prefix = _prefix(args.fingerprint)
    history = History(_history_url(args))
    try:
        fingerprint, _holders = _one_fingerprint(history, prefix, args.site, "the history")
        removed = history.unsuppress(fingerprint, site=args.site)
        where = history.where
    finally:
        history.close()
    if not removed:
        raise InputError(f"no suppression of {fingerprint}" + (f" for {args.site}" if args.site else "")
                         + f" (searched history database {where})")
    print(f"unsuppressed {fingerprint} ({removed} suppression{'s' if removed != 1 else ''} ended)")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from auditor.history import History

    if args.limit < 1:
        raise InputError(f"--limit {args.limit}: must be 1 or more")
    history = History(_history_url(args))
    try:
        runs = history.runs(args.site, limit=args.limit)
        suppressions = history.suppressions(args.site)
    finally:
        history.close()
    if not runs:
        print(f"{args.site}: no runs recorded")
    else:
        print(f"{args.site}: {len(runs)} run{'s' if len(runs) != 1 else ''}, newest first")
        print(RUN_ROW.format("run", "as of", "pages", "findings", "new", "fixed", "suppr.", "alerts", "complete",
                             "folder"))
        for run in runs:
            if run.get("status") == "unreachable":
                from auditor.notify.notices import reason_text

                print(RUN_ROW.format(run["id"], run["as_of"], "-", "-", "-", "-", "-", "-", "unreachable",
                                     f"({run['reason']}: {reason_text(run['reason'] or '', 'en')})"))
                continue
            if run.get("status") == "failed":
                print(RUN_ROW.format(run["id"], run["as_of"], "-", "-", "-", "-", "-", "-", "failed",
                                     f"({_clip(run['reason'] or '')})"))
                continue
            print(RUN_ROW.format(run["id"], run["as_of"], run["pages_crawled"], run["findings"], run["new"],
                                 run["fixed"], run["suppressed"], run["alerts"], "yes" if run["complete"] else "no",
                                 run["run_dir"] or "-"))
    for item in suppressions:
        print(f"suppressed {item['fingerprint']} until {item['until']}: {_clip(item['reason'])}")
    return 0


RUN_ROW = "{:>6}  {:<10}  {:>5}  {:>8}  {:>4}  {:>5}  {:>6}  {:>6}  {:<8}  {}"


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


NIGHTLY_COMMANDS = {"run": cmd_run, "suppress": cmd_suppress, "unsuppress": cmd_unsuppress, "history": cmd_history}
