"""``run --all``: many clients, ``parallel`` at a time, within a total time budget.

Each client is audited in its own process (``spawn``: a fresh interpreter, no threads or
connections inherited). A Python exception is already contained by ``run_client``; the
process boundary also contains what Python cannot catch: a crash in a C extension, the
out-of-memory killer, a ``kill -9``. The parent then reports that client as failed and
goes on with the rest.

The budget: each client may crawl for what is left of the night when it starts (its crawl
stops there and the run is recorded as incomplete); a client not started when the budget
is spent is reported as skipped.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from auditor.nightly.client import failed, run_client
from auditor.nightly.outcome import ClientOutcome, RunOptions
from auditor.nightly.portfolio import Client, Portfolio

# A client started with less than this left of the budget could not crawl a single page.
MIN_CLIENT_SECONDS = 1.0


def run_clients(portfolio: Portfolio, clients: list[Client], options: RunOptions,
                report: Callable[[ClientOutcome], None]) -> list[ClientOutcome]:
    """Run ``clients`` and return their outcomes in portfolio order; ``report`` is called
    with each outcome as it arrives (the summary line appears when the client is done)."""
    budget = options.time_budget
    deadline = time.monotonic() + budget if budget else None
    context = multiprocessing.get_context("spawn")
    pending = deque(clients)
    running: dict[Connection, tuple[Any, Client]] = {}
    outcomes: dict[str, ClientOutcome] = {}

    def finish(outcome: ClientOutcome) -> None:
        outcomes[outcome.client] = outcome
        report(outcome)

    try:
        while pending or running:
            while pending and len(running) < portfolio.parallel:
                client = pending.popleft()
                left = deadline - time.monotonic() if deadline is not None else None
                if left is not None and left < MIN_CLIENT_SECONDS:
                    finish(ClientOutcome(client.name, "skipped", f"the time budget of {budget:g} s was spent "
                                         "before this client could start"))
                    continue
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(portfolio, client, options, left, sender),
                                          name=f"touchpoint-auditor {client.name}", daemon=False)
                process.start()
                sender.close()  # ours closed: the pipe reports EOF when the child is gone
                running[receiver] = (process, client)
            if not running:  # everything left was skipped
                break
            for ready in wait(list(running)):
                assert isinstance(ready, Connection)
                process, client = running.pop(ready)
                finish(_receive(ready, process, client, options))
    finally:
        for connection, (process, _client) in running.items():  # interrupted: stop what still runs
            process.terminate()
            process.join(10)
            connection.close()
    return [outcomes[c.name] for c in clients]


def refresh_dashboard(portfolio: Portfolio, history_url: str) -> str | None:
    """After a night: rewrite the portfolio's dashboard when it names one (``[dashboard]
    out``). Returns the line to show (written where, or why not); a dashboard that cannot
    be written never fails the night, whose audits are recorded already."""
    if portfolio.dashboard_dir is None:
        return None
    from auditor.dashboard import write_dashboard
    from auditor.errors import AuditorError

    try:
        return f"dashboard written to {write_dashboard(portfolio, history_url)}"
    except AuditorError as exc:
        return f"dashboard not written: {exc}"


def _receive(connection: Connection, process: Any, client: Client, options: RunOptions) -> ClientOutcome:
    try:
        outcome = connection.recv()
    except (EOFError, OSError):
        outcome = None
    finally:
        connection.close()
    process.join()
    if isinstance(outcome, ClientOutcome):
        return outcome
    return failed(client, options, f"the audit process ended without a result ({_how(process.exitcode)})")


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _child(portfolio: Portfolio, client: Client, options: RunOptions, left: float | None,
           connection: Connection) -> None:
    """In the client's own process: run it and send the outcome back."""
    try:
        outcome = run_client(portfolio, client, options, time_budget=left)
    except BaseException as exc:  # even KeyboardInterrupt: the parent must hear something
        outcome = ClientOutcome(client.name, "failed", f"{exc.__class__.__name__}: {exc}")
    connection.send(outcome)
    connection.close()
