"""The first history schema: sites, runs, run findings and pages, suppressions.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Spelled out here (not imported from schema.py) because a migration is frozen history:
# it must keep creating exactly this even after schema.py moves on.
RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("name", name="uq_sites_name"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_runs_site"),
                  nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("started_at", sa.String(40)),
        sa.Column("finished_at", sa.String(40)),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("pages_crawled", sa.Integer, nullable=False),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("fixed", sa.Integer, nullable=False),
        sa.Column("suppressed", sa.Integer, nullable=False),
        sa.Column("damping", sa.Integer, nullable=False),
        sa.Column("alerts", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("run_dir", sa.Text),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("tool_version", sa.String(50)),
    )
    op.create_index("ix_runs_site_id", "runs", ["site_id", "id"])
    op.create_table(
        "run_findings",
        sa.Column("id", RowId, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE", name="fk_run_findings_run"),
                  nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("family", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("target", sa.Text),
        sa.Column("message", sa.Text),
        sa.Column("change", sa.String(10), nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        sa.Column("streak", sa.Integer, nullable=False),
        sa.Column("alerted", sa.Boolean, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_run_findings_run_fingerprint", "run_findings", ["run_id", "fingerprint"])
    op.create_index("ix_run_findings_fingerprint", "run_findings", ["fingerprint"])
    op.create_table(
        "run_pages",
        sa.Column("id", RowId, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE", name="fk_run_pages_run"),
                  nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("content_type", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("content_hash", sa.String(128)),
    )
    op.create_index("ix_run_pages_run_id", "run_pages", ["run_id"])
    op.create_table(
        "suppressions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site_id", sa.Integer,
                  sa.ForeignKey("sites.id", ondelete="CASCADE", name="fk_suppressions_site"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("site_id", "fingerprint", name="uq_suppressions_site_fingerprint"),
    )


def downgrade() -> None:
    for table in ("suppressions", "run_pages", "run_findings", "runs", "sites"):
        op.drop_table(table)
