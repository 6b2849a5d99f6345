"""The progress line of an audit on a terminal (pages crawled, links checked, queue, errors)."""

from __future__ import annotations

import sys
from typing import Any


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
