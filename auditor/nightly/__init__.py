"""Nightly audits of a portfolio of clients (``touchpoint-auditor run``).

One client: lock → previous run → crawl and judge → history → reports → notifications →
retention (``client.py``). Many clients: each in its own process, a few at a time, within
a total time budget; one client failing never stops the others (``many.py``). The audit
itself is the audit service (``auditor/app.py``), the same as the command line's ``audit``;
the command-line handlers are in ``auditor/cli/nightly.py``.

Names are imported on first use: ``touchpoint-auditor checks`` builds the whole parser and
should not pay for importing the nightly machinery.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ClientOutcome", "RunOptions", "refresh_dashboard", "run_client", "run_clients"]

_HOMES = {"ClientOutcome": "outcome", "RunOptions": "outcome", "run_client": "client", "run_clients": "many",
          "refresh_dashboard": "many"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f"auditor.nightly.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'auditor.nightly' has no attribute {name!r}")
