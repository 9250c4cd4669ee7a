"""Stored roll-ups and per-profile facts: interactive answers without geometry.

Revision ID: 0012
Revises: 0013

- `analysis_rollup`: coverage figures per kind set (each kind, and the default set) × rule
  × territory (EPCI, département, région, France), also per (territory, enclosing parent)
  for the parent-scoped lists; written by every refresh from `analysis_commune_kind`.
- `analysis_kind_state`: per kind, what its stored facts were computed from (profile
  facts complete or not).
- `analysis_profile`, `analysis_commune_profile`: the cooperations of a kind grouped by
  profile (effective category, model, stage) and, for kinds with several profiles, the
  nearest edge distance and perimeter coverage of each profile per commune: any
  stage/category/model filter is then a min/or over the matching profiles.
All UNLOGGED (derived): after a crash they come back empty and the code computes live.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The four derived tables."""
    op.create_table(
        "analysis_rollup",
        sa.Column("kinds", sa.String(400), nullable=False),
        sa.Column("rule", sa.String(10), nullable=False),
        sa.Column("parent_level", sa.String(12), nullable=False),
        sa.Column("parent_code", sa.String(12), nullable=False),
        sa.Column("level", sa.String(12), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("communes_total", sa.Integer, nullable=False),
        sa.Column("communes_covered", sa.Integer, nullable=False),
        sa.Column("population", sa.BigInteger, nullable=False),
        sa.Column("population_covered", sa.BigInteger, nullable=False),
        sa.Column("area_km2", sa.Float, nullable=False),
        sa.Column("area_covered_km2", sa.Float, nullable=False),
        sa.Column("nearest_m", sa.Float),
        sa.PrimaryKeyConstraint("kinds", "rule", "level", "parent_level", "parent_code", "code"),
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "analysis_kind_state",
        sa.Column("kind_code", sa.String(32), primary_key=True),
        sa.Column("profiles_complete", sa.Boolean, nullable=False),
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "analysis_profile",
        sa.Column("kind_code", sa.String(32), nullable=False),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("category", sa.String(16)),
        sa.Column("socio_economic_model", sa.String(16)),
        sa.Column("stage", sa.String(16)),
        sa.Column("cooperations", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("kind_code", "profile_id"),
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "analysis_commune_profile",
        sa.Column("kind_code", sa.String(32), nullable=False),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("nearest_edge_m", sa.Float),
        sa.Column("covered_perimeter", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("kind_code", "profile_id", "commune_code"),
        prefixes=["UNLOGGED"],
    )


def downgrade() -> None:
    """Drop them."""
    for name in ("analysis_commune_profile", "analysis_profile", "analysis_kind_state",
                 "analysis_rollup"):  # fmt: skip
        op.drop_table(name)
