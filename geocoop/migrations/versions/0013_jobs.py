"""The upload job queue.

Revision ID: 0013
Revises: 0011

Every upload (API and admin page) becomes a row of `job`; one writer at a time (a
PostgreSQL advisory lock) claims the oldest queued row with `FOR UPDATE SKIP LOCKED`, runs
the import then the analysis refresh, and stores the report. The uploaded file waits on
disk (`path`, under GEOCOOP_JOBS_DIR) until the job ends. See docs/operations.md.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("operation", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("stage", sa.String(32)),
        sa.Column("actor", sa.Text()),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("options", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("report", JSONB()),
        sa.Column("error", JSONB()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("worker", sa.Text()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_job_status"
        ),
        sa.CheckConstraint(
            "operation IN ('cooperations', 'partnerships')", name="ck_job_operation"
        ),
    )
    op.create_index(
        "ix_job_pending",
        "job",
        ["id"],
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )


def downgrade() -> None:
    op.drop_index("ix_job_pending", table_name="job")
    op.drop_table("job")
