"""Writing a report file so that nobody sees half of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; when the block ends without error it
    replaces ``path``, so a pipeline or a browser never reads a half-written report, and a
    failed write leaves the previous report whole."""
    tmp = path.with_name(path.name + ".tmp")
    yield tmp
    tmp.replace(path)
