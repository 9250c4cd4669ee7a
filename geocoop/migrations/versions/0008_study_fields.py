"""The study's other fields on cooperation, derived values and data-quality flags.

Revision ID: 0008
Revises: 0007

- `lead_body`, `lead_body_type`: who carries the cooperation (porteur) and its kind of body;
- `staff_fte`: staff for animation, full-time equivalents per year;
- `networks`: networks the cooperation belongs to; `peer_cooperation`: declares joint
  actions with cooperations of the same kind (PAT ↔ PAT);
- `derived_fields`: the fields whose value was derived by a documented rule (category
  and model from the kind, see docs/cooperations.md) rather than declared by the source;
- `quality`: data-quality flags set at import (a perimeter with unmatched codes, a point
  far from the commune the row declares, a probable duplicate of another row).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    ("lead_body", sa.Text()),
    ("lead_body_type", sa.Text()),
    ("staff_fte", sa.Float()),
    ("networks", ARRAY(sa.Text())),
    ("peer_cooperation", sa.Boolean()),
    ("derived_fields", ARRAY(sa.Text())),
    ("quality", JSONB()),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("cooperation", sa.Column(name, type_, nullable=True))
    op.create_check_constraint(
        "ck_cooperation_staff_fte", "cooperation", "staff_fte IS NULL OR staff_fte >= 0"
    )


def downgrade() -> None:
    op.drop_constraint("ck_cooperation_staff_fte", "cooperation")
    for name, _ in reversed(COLUMNS):
        op.drop_column("cooperation", name)
