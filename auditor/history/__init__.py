"""The history database of nightly audits: what each site's runs found, and what changed.

    History(url)                    open (and migrate) the database; SQLite file or PostgreSQL URL
    ├── record(site, run, …)        compare a run with the site's previous run, store it, annotate it
    ├── previous_run_dir(site)      where the newest run's files are (incremental re-crawl)
    ├── suppress / unsuppress / suppressions
    ├── runs(site)                  the newest runs, newest first
    ├── prune(site, …)              retention: delete old runs, return their directories
    └── close()

    HistoryError(AuditorError)      one line: bad URL, unreachable server, newer schema, unknown fingerprint

The comparison rules (new / persisting / fixed, streak, damped alerts, suppressions) are
pure functions in ``diff.py``; the exact semantics are in docs/history.md.
"""

from auditor.history.database import default_data_dir, default_history_url
from auditor.history.errors import HistoryError
from auditor.history.history import History

__all__ = ["History", "HistoryError", "default_data_dir", "default_history_url"]
