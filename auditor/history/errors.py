"""The history database's one error type, so the CLI can print it as one line."""

from __future__ import annotations

from auditor.errors import AuditorError


class HistoryError(AuditorError):
    """The history database cannot do what was asked: a bad URL, an unreachable server,
    a schema newer than this code, an unknown fingerprint. The message is one line and
    never contains a password."""
