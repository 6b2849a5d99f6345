"""Alembic environment for the history database, run programmatically by ``migrate.py``.

There is no alembic.ini: the caller passes an open connection (inside its transaction)
in ``config.attributes["connection"]``, so the migration and the caller's locking share
one transaction. For developers, new revisions are made with
``command.revision(config, autogenerate=True)`` on ``migrate.alembic_config()`` with a
``sqlalchemy.url`` main option (see docs/history.md).
"""

from __future__ import annotations

from alembic import context

from auditor.history.database import open_engine, parse_url
from auditor.history.schema import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no database URL: pass -x url=… or set sqlalchemy.url")
    engine = open_engine(parse_url(url))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds tables instead.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("the history database is migrated online only")
run_migrations()
