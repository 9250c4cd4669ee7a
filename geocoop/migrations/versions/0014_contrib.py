"""Contribution: organisations, members and their tokens, proposals, edit log.

Revision ID: 0014
Revises: 0012

- `organisation`, `member` (role contributor / editor / moderator / admin; scope = kinds and
  territories), `api_token.member_id` (a token without member stays an admin token);
- `proposal`: cooperations proposed by the public, pending until a moderator validates
  (then created through the import path) or rejects them; the contact is private;
- `edit_log`: who, when, what (before/after JSON) for every proposal, decision and edit.
See docs/contributing-data.md.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

NOW = sa.func.now()


def upgrade() -> None:
    """The four tables and the token's member."""
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("kinds", ARRAY(sa.String(32))),
        sa.Column("territories", ARRAY(sa.String(24))),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("organisation_id", "name", name="uq_member_org_name"),
        sa.CheckConstraint(
            "role IS NULL OR role IN ('contributor', 'editor', 'moderator', 'admin')",
            name="ck_member_role",
        ),
    )
    op.add_column(
        "api_token",
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id", ondelete="CASCADE")),
    )
    op.create_index("ix_api_token_member_id", "api_token", ["member_id"])
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("kind_code", sa.String(32), sa.ForeignKey("kind.code"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("fields", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("lon", sa.Float()),
        sa.Column("lat", sa.Float()),
        sa.Column("commune_code", sa.String(5)),
        sa.Column("perimeter_codes", ARRAY(sa.Text())),
        sa.Column("contact", sa.Text()),
        sa.Column("client_hash", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("member.id", ondelete="SET NULL")),
        sa.Column("reason", sa.Text()),
        sa.Column(
            "cooperation_id", sa.Integer(), sa.ForeignKey("cooperation.id", ondelete="SET NULL")
        ),
        sa.CheckConstraint(
            "status IS NULL OR status IN ('pending', 'validated', 'rejected')",
            name="ck_proposal_status",
        ),
    )
    op.create_index(
        "ix_proposal_pending", "proposal", ["id"], postgresql_where=sa.text("status = 'pending'")
    )
    op.create_index("ix_proposal_client", "proposal", ["client_hash", "created_at"])
    op.create_table(
        "edit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id", ondelete="SET NULL")),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("before", JSONB()),
        sa.Column("after", JSONB()),
    )
    op.create_index("ix_edit_log_entity", "edit_log", ["entity", "entity_id"])


def downgrade() -> None:
    """Drop them again (admin tokens are untouched)."""
    op.drop_table("edit_log")
    op.drop_table("proposal")
    op.drop_index("ix_api_token_member_id", table_name="api_token")
    op.drop_column("api_token", "member_id")
    op.drop_table("member")
    op.drop_table("organisation")
