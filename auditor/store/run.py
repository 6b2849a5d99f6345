"""``RunStore``: one audit's store, put together from the parts of this package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import exc, func, select

from auditor.errors import InputError
from auditor.store import sqlite
from auditor.store.carry import CarryOver
from auditor.store.frontier import Frontier
from auditor.store.results import Results
from auditor.store.schema import STORE_FILE, pages_t
from auditor.store.siteview import StoredSite

__all__ = ["RunStore", "StoreDamaged", "require_intact_run_dir", "require_run_dir", "stored_page_count"]


class RunStore(Frontier, StoredSite, CarryOver, Results):
    """One audit's store (``RUN_DIR/run.sqlite``): the crawl writes it (``Writer``,
    ``Frontier``), collectors and site checks read it (``StoredSite``, the ``SiteView``),
    an incremental re-crawl fills it from the previous run (``CarryOver``), and it keeps
    what the audit concluded (``Results``)."""

    def __init__(self, run_dir: Path, start_url: str = "", is_internal: Any = None) -> None:
        super().__init__(run_dir)
        self.start_url = start_url
        self._is_internal = is_internal


def require_run_dir(run_dir: Path) -> Path:
    """The store file of RUN_DIR; a clear InputError when there is none."""
    path = Path(run_dir) / STORE_FILE
    if not path.is_file():
        raise InputError(f"{run_dir}: not a run directory (no {STORE_FILE} in it)")
    return path


class StoreDamaged(InputError):
    """The run store of a folder cannot be trusted (truncated, overwritten, not a database)."""


def require_intact_run_dir(run_dir: Path) -> Path:
    """``require_run_dir``, and its store intact (``PRAGMA quick_check``): what ``--resume``
    and ``recheck`` open first, so a damaged store is one line and the folder stays as it was."""
    path = require_run_dir(run_dir)
    problem = sqlite.integrity_problem(path)
    if problem is not None:
        raise StoreDamaged(f"the run store in {run_dir} is damaged: {problem}; start a new audit with --out")
    return path


def stored_page_count(run_dir: Path) -> int | None:
    """How many pages the store of RUN_DIR holds, without changing it: 0 when there is no
    store, None when it cannot be read."""
    path = Path(run_dir) / STORE_FILE
    if not path.exists():
        return 0
    engine = sqlite.open_engine(path, readonly=True)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(pages_t)).scalar() or 0
    except (exc.DBAPIError, sqlite.StoreUnreadable):
        return None
    finally:
        engine.dispose()
