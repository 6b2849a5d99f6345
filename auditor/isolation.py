"""Keep one check from spoiling an audit: a time limit, and validation of what it yields.

A plugin that raises is ``errored`` (the runner catches it). One that hangs is stopped by
a time limit: ``SIGALRM`` interrupts even a pure-Python endless loop, which a thread with
a timeout could not. Signals only reach the main thread, where checks run (the crawler's
event loop, or the parse worker's main thread); elsewhere no limit applies. What a check
yields must be this check's well-formed ``Finding`` objects with JSON-serialisable
evidence, or the check is ``errored`` with the reason.
"""

from __future__ import annotations

import _signal
import json
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from auditor.model import SEVERITIES, Finding

if TYPE_CHECKING:
    from auditor.check import Check


class CheckTimeout(Exception):
    """The check ran past its time limit."""


class MalformedFinding(Exception):
    """The check yielded something that is not a proper finding of its own."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise CheckTimeout in the block after ``seconds`` (main thread only; 0 = none)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum: int, _frame: Any) -> None:
        raise CheckTimeout(f"{what} took longer than its time limit of {seconds:g} s")

    # ``_signal.signal``, not ``signal.signal``: the public wrapper converts handlers to and
    # from enums, raising and catching a ValueError for a function handler; that was 4 of the
    # 5 us this costs per check per page, on the crawl's hot path.
    previous = _signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _signal.signal(signal.SIGALRM, previous)


def validated(check: Check, items: Iterable[Any]) -> list[Finding]:
    """The check's findings, or MalformedFinding naming what is wrong with the first bad one."""
    out: list[Finding] = []
    for item in items:
        if not isinstance(item, Finding):
            raise MalformedFinding(f"yielded {type(item).__name__}, not a Finding (use self.finding(...))")
        if item.code != check.code:
            raise MalformedFinding(f"yielded a finding with code {item.code!r}, not its own {check.code!r}")
        if item.severity not in SEVERITIES:
            raise MalformedFinding(f"yielded severity {item.severity!r}; one of {', '.join(SEVERITIES)}")
        if not isinstance(item.url, str) or not isinstance(item.message, str) or not item.fingerprint:
            raise MalformedFinding("yielded a finding without url, message or fingerprint")
        try:
            json.dumps(dict(item.evidence))
        except (TypeError, ValueError) as exc:
            raise MalformedFinding(f"yielded evidence that is not JSON: {exc}") from None
        out.append(item)
    return out


def run_isolated(check: Check, produce: Callable[[], Iterable[Any]], seconds: float, what: str) -> list[Finding]:
    """Run ``produce`` under the time limit and validate its findings."""
    with time_limit(seconds, what):
        return validated(check, produce())
