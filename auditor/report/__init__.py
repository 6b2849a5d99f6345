"""Reporters render an ``AuditRun`` and nothing else (entry-point group
``touchpoint_auditor.reporters``, entry name = format)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from auditor.model import AuditRun


class Reporter(Protocol):
    """Writes one output format for a finished run into ``out_dir``; returns the file."""

    format: str

    def write(self, run: AuditRun, out_dir: Path) -> Path: ...
