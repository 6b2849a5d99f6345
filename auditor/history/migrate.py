"""Bring a history database to the newest schema with Alembic, from inside the package.

Migrations ship in the wheel (``migrations/``) and run on every ``History()``: a new
release migrates the user's database the first time it opens it, with no separate
command to forget. A database written by a newer release (a revision these migrations
do not know) is refused rather than guessed at.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection

from auditor.history.errors import HistoryError

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant: concurrent first opens of one PostgreSQL database take turns on it.
_PG_MIGRATION_LOCK = 0x7470_6869  # "tphi"


def alembic_config() -> Config:
    """An Alembic config pointing at the shipped migrations; no alembic.ini involved."""
    config = Config()
    # ConfigParser interpolation: a '%' in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # the package ships at least one revision
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, where: str) -> None:
    """Migrate the database behind ``connection`` to head, inside its open transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    config = alembic_config()
    current = current_revision(connection)
    if current is not None:
        script = ScriptDirectory.from_config(config)  # reads the shipped revisions once
        head = script.get_current_head()
        try:
            script.get_revision(current)
        except CommandError:
            raise HistoryError(
                f"history database {where} has schema revision {current!r}, newer than this "
                f"touchpoint-auditor knows (newest {head!r}): upgrade touchpoint-auditor") from None
        if current == head:
            return
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
