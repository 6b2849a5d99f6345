"""The history tables (SQLAlchemy Core), identical on SQLite and PostgreSQL.

This is the schema the newest migration produces; a test compares the two. Changing it
means adding a migration in ``migrations/versions/``, never editing an applied one.

Why the denormalised columns: a run keeps each finding whole (``data``, the finding's
``to_dict()``), but the few fields the comparison reads on every run (fingerprint,
streak, alerted) sit in their own columns, so comparing with a 10,000-finding previous
run reads three narrow columns and parses no JSON. Per-run summaries (``summary``) make
a trend of 12 runs one small query instead of a scan of 120,000 findings.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Row ids grow with every finding of every nightly run: 64-bit on PostgreSQL; SQLite's
# INTEGER PRIMARY KEY is already 64-bit (and only that exact type is its rowid alias).
RowId = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

sites = Table(
    "sites", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("target", Text),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("name", name="uq_sites_name"),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE", name="fk_runs_site"), nullable=False),
    Column("target", Text),
    Column("started_at", String(40)),
    Column("finished_at", String(40)),
    Column("recorded_at", String(40), nullable=False),
    Column("as_of", Date, nullable=False),  # the run's "today": suppressions and retention use it
    Column("complete", Boolean, nullable=False),
    Column("pages_crawled", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("new", Integer, nullable=False),
    Column("fixed", Integer, nullable=False),
    Column("suppressed", Integer, nullable=False),
    Column("damping", Integer, nullable=False),
    Column("alerts", JSON, nullable=False),  # fingerprints alerted on in this run
    Column("summary", JSON, nullable=False),  # {"families": {…}, "severities": {…}}: the trend point
    Column("run_dir", Text),
    Column("settings", JSON, nullable=False),
    Column("tool_version", String(50)),
    # done | unreachable (nothing audited: ``reason`` is the error kind, e.g. dns, refused, http-503)
    Column("status", String(20), nullable=False, server_default="done"),
    Column("reason", Text),
    Index("ix_runs_site_id", "site_id", "id"),
)

run_findings = Table(
    "run_findings", metadata,
    Column("id", RowId, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE", name="fk_run_findings_run"),
           nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("code", String(16), nullable=False),
    Column("family", String(64), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("url", Text),
    Column("target", Text),
    Column("message", Text),
    Column("change", String(10), nullable=False),  # new | persisting
    Column("suppressed", Boolean, nullable=False),
    Column("streak", Integer, nullable=False),
    # True once the finding has been alerted on during its current streak (this run included):
    # the next run needs only this row to know whether to alert again.
    Column("alerted", Boolean, nullable=False),
    Column("data", JSON, nullable=False),  # Finding.to_dict(), as annotated by this run
    Index("ix_run_findings_run_fingerprint", "run_id", "fingerprint"),
    Index("ix_run_findings_fingerprint", "fingerprint"),
)

run_pages = Table(
    "run_pages", metadata,
    Column("id", RowId, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE", name="fk_run_pages_run"), nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Integer),
    Column("content_type", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("content_hash", String(128)),
    Index("ix_run_pages_run_id", "run_id"),
)

suppressions = Table(
    "suppressions", metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE", name="fk_suppressions_site"),
           nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("until", Date, nullable=False),  # last day on which the suppression holds
    Column("reason", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("site_id", "fingerprint", name="uq_suppressions_site_fingerprint"),
)
