"""commune_alias: former and delegated commune names → current commune.

Revision ID: 0006
Revises: 0005

Lists of cooperations often name a place by its commune déléguée or by a commune merged
since (Morez, Pléven…). The boundaries loader stores those names here; locating a row by
name falls back on them. Not a served table: no data-version trigger.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create commune_alias."""
    op.create_table(
        "commune_alias",
        sa.Column("name_search", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name_search", "code", name="pk_commune_alias"),
    )
    op.create_index("ix_commune_alias_code", "commune_alias", ["code"])


def downgrade() -> None:
    """Drop commune_alias."""
    op.drop_index("ix_commune_alias_code", table_name="commune_alias")
    op.drop_table("commune_alias")
