"""Kinds whose stored figures are being recomputed after an import.

Revision ID: 0017
Revises: 0016

An import commits its rows first, then refreshes the stored analysis of the kinds it
touched in a transaction of its own (a long refresh no longer holds the rows back, nor
the rows the refresh). Between the two commits the figures of those kinds are older than
their rows: `analysis_pending` lists them, written in the data's transaction and emptied
in the refresh's, and every page says « en cours de recalcul » for them meanwhile.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The table, with the data-version trigger of every served table (migration 0005)."""
    op.create_table(
        "analysis_pending",
        sa.Column(
            "kind_code",
            sa.String(32),
            sa.ForeignKey("kind.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "since", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.execute(
        "CREATE TRIGGER geocoop_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON analysis_pending FOR EACH STATEMENT EXECUTE FUNCTION geocoop_bump_data_version()"
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.drop_table("analysis_pending")
