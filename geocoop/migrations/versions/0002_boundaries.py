"""boundaries schema additions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Schema additions of the boundaries work (none yet)."""


def downgrade() -> None:
    """Undo upgrade()."""
