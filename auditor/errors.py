"""The auditor's exception tree.

    AuditorError               anything the auditor reports as one clear line (exit 2)
    ├── ConfigError            bad configuration file, flag or value
    ├── CrawlAborted           the audit stopped half-way; --resume continues it
    ├── InputError             bad input: the start URL, an ads file, a run directory
    │   └── UnreachableTarget  the start URL cannot be fetched at all
    └── PluginError            a check or reporter plugin that cannot be loaded

    NotApplicable, Unverifiable  raised by a check to end itself with that status
"""

from __future__ import annotations

from collections.abc import Iterable


class AuditorError(Exception):
    """An error the CLI reports as one line on stderr with exit status 2."""


class CrawlAborted(AuditorError):
    """The audit could not go on (a parse worker died, say); what it stored is kept, and
    ``audit --resume DIR`` continues it."""


class ConfigError(AuditorError):
    """The configuration (file, flags) is invalid."""


class InputError(AuditorError):
    """The input (URL, ads file, run directory) is invalid."""


class UnreachableTarget(InputError):
    """The start URL answered with a network error: nothing to audit. ``kind`` is the
    fetcher's error kind (``dns``, ``refused``, ``tls``, …; the report catalogue's
    ``errors.*`` keys), so the nightly run can say it in the client's language."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


class PluginError(AuditorError):
    """A plugin could not be loaded or declares itself wrongly."""


class CheckOutcome(Exception):
    """Base of the signals a check raises to end with a status other than passed/failed."""

    status = "errored"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotApplicable(CheckOutcome):
    """The check does not apply to this site (no news section, no ads given)."""

    status = "not_applicable"


class Unverifiable(CheckOutcome):
    """The check cannot decide (dates unreadable, a collector unavailable): say so, never guess."""

    status = "unverifiable"


def reject_unknown(where: str, given: Iterable[str], known: Iterable[str], noun: str = "setting") -> None:
    """One line naming the first key (alphabetically) a settings table has that its owner
    does not know, and the keys it does: ``config: [collectors.x] unknown setting 'y'; known: […]``."""
    known = sorted(known)
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown {noun} {unknown[0]!r}; known: {known}")
