"""History: each logged change says how it came (`via`) and which change it reverts

Revision ID: 0016
Revises: 0015

`edit_log.via` names the channel of a change: `import` (a file or a validated proposal
going through the import path), `proposal`, `api` (/api/contrib), `ogcapi` (OGC API –
Features – Part 4), `revert`. `edit_log.reverts` points at the change a revert undid.
The index on `at` serves the public changelog (newest first).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two columns and the index of the changelog."""
    op.add_column("edit_log", sa.Column("via", sa.String(16)))
    op.add_column(
        "edit_log",
        sa.Column("reverts", sa.Integer(), sa.ForeignKey("edit_log.id", ondelete="SET NULL")),
    )
    op.create_index("ix_edit_log_at", "edit_log", ["at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_edit_log_at", table_name="edit_log")
    op.drop_column("edit_log", "reverts")
    op.drop_column("edit_log", "via")
