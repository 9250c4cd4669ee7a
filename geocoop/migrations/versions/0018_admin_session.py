"""Admin page sessions kept server-side.

Revision ID: 0018
Revises: 0017

The admin page's signed cookie used to carry the token's digest itself, so a copy of the
cookie kept working after « Se déconnecter ». Now the cookie carries a random session key
and `admin_session` holds its SHA-256, the token it speaks for and when it ended: logout
ends the row, and a replayed cookie finds no live session (issue 15).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("admin_session")
