"""The run store: everything an audit collected and concluded, in one SQLite file per run
directory (``RUN_DIR/run.sqlite``).

Why a database and not memory: a 100,000-page crawl must not hold its pages in memory,
a killed audit must resume where it stopped, and ``recheck`` re-judges stored artifacts
without fetching. The store owns its schema: no module outside this package names a
table or writes SQL against it; the rest of the code goes through this API.

- ``schema.py``: the tables (SQLAlchemy Core), declared once; upgrading an older store.
- ``rows.py``: objects to rows and back (``page_row`` is built where a page is parsed).
- ``writer.py``: batched writes in a background thread, one transaction per batch.
- ``frontier.py``: every URL seen, queued or done (what ``--resume`` rebuilds from).
- ``siteview.py``: the stored site as site checks and collectors read it (``SiteView``).
- ``carry.py``: pages taken over unchanged from the previous run, copied in SQL.
- ``previous.py``: the site's previous run, read-only (incremental re-crawl).
- ``results.py``: meta values, run-level artifacts, findings, check results.
- ``run.py``: ``RunStore``, the parts above in one object; opening a run folder, intact.
- ``lock.py``: one writer per run folder (``flock``), shared with the nightly per-site lock.
- ``sqlite.py``: everything that is SQLite's own (pragmas, ``OR REPLACE``, JSON functions,
  temp tables, ``ATTACH``, the raw read connection); the other modules are portable Core.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.store.lock import RunDirLocked, hold_run_dir
    from auditor.store.previous import PreviousRun, TakenOver
    from auditor.store.rows import content_hash, page_row
    from auditor.store.run import RunStore, StoreDamaged, require_intact_run_dir, require_run_dir, stored_page_count
    from auditor.store.schema import STORE_FILE
    from auditor.store.sqlite import StoreUnreadable

__all__ = ["STORE_FILE", "PreviousRun", "RunDirLocked", "RunStore", "StoreDamaged", "StoreUnreadable", "TakenOver",
           "content_hash", "hold_run_dir", "page_row", "require_intact_run_dir", "require_run_dir", "stored_page_count"]

# Loaded on first use (PEP 562): the parse workers import ``rows.page_row`` and nothing
# else of the store, and must not pay for importing SQLAlchemy (0.15 s a process).
_HOME = {"PreviousRun": "previous", "TakenOver": "previous", "content_hash": "rows", "page_row": "rows",
         "RunStore": "run", "require_run_dir": "run", "stored_page_count": "run",
         "StoreDamaged": "run", "require_intact_run_dir": "run", "RunDirLocked": "lock", "hold_run_dir": "lock",
         "STORE_FILE": "schema", "StoreUnreadable": "sqlite"}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
