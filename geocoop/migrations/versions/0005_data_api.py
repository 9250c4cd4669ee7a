"""data_api schema additions

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema additions of the data_api work (none yet)."""


def downgrade() -> None:
    """Undo upgrade()."""
