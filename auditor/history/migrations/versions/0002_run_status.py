"""A run's status: ``done`` (audited) or ``unreachable`` (the site could not be reached;
``reason`` names why, as the fetcher's error kind), so a night a site was down is a row in
history instead of a gap.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="done"))
        batch.add_column(sa.Column("reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("reason")
        batch.drop_column("status")
