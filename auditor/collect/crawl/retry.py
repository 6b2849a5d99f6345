"""When to try a request again, and how long to wait first.

Transient failures (a timeout, a dropped connection, 502/503/504) are retried with
exponential back-off and jitter, so a brief hiccup is not reported as a broken link.
429 and 503 with ``Retry-After`` wait as the server asks, up to ``max_retry_after``;
a server that asks for longer is left alone and the link is reported as unverifiable.
DNS failures, refused connections and TLS errors are not transient: no retry.
"""

from __future__ import annotations

import datetime as dt
import random
from email.utils import parsedate_to_datetime

TRANSIENT_ERRORS = frozenset({"timeout", "connection", "payload", "connect"})
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class RetryPolicy:
    """Decides the delay before the next attempt, or None for no further attempt."""

    def __init__(self, retries: int, max_retry_after: float, base: float = 0.5) -> None:
        self.retries = retries
        self.max_retry_after = max_retry_after
        self.base = base

    def _backoff(self, attempt: int) -> float:
        return self.base * (2 ** (attempt - 1)) * (0.5 + random.random())

    def delay_after_error(self, kind: str, attempt: int) -> float | None:
        if kind not in TRANSIENT_ERRORS or attempt > self.retries:
            return None
        return self._backoff(attempt)

    def delay_after_status(self, status: int, retry_after: str | None, attempt: int) -> float | None:
        if status not in TRANSIENT_STATUSES or attempt > self.retries:
            return None
        asked = parse_retry_after(retry_after)
        if asked is not None:
            return asked if asked <= self.max_retry_after else None
        return self._backoff(attempt)
