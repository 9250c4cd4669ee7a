"""Index territories by région.

Revision ID: 0020
Revises: 0019

Every « inside région R » condition (a région's panel and summary: its cooperations, white
zones, support needs, cooperation counts) scanned the 35,000 territories without it; the
départements and EPCI had theirs (issue 14).
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_territory_region", "territory", ["region_code"])


def downgrade() -> None:
    op.drop_index("ix_territory_region", table_name="territory")
