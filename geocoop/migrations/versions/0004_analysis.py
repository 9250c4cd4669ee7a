"""analysis schema additions: stored coverage, white zones, synergy pairs, helpers.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A bounding box grown by `m` metres around a lon/lat geometry, conservative at its latitude
# (a degree of latitude is >= 110,574 m; a degree of longitude >= 111,319 m x cos(lat)),
# so `location && analysis_expand_m(geom, m)` is a safe index prefilter for ST_DWithin on
# geography.
EXPAND_M = """
CREATE OR REPLACE FUNCTION analysis_expand_m(g geometry, m double precision)
RETURNS geometry LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ST_Expand(
    g,
    m / 111319.0 / greatest(cos(radians(least(
        greatest(abs(ST_YMin(g)), abs(ST_YMax(g))) + m / 110574.0, 89.9))), 0.001),
    m / 110574.0)
$$;
"""

# The metric CRS used for adjacency and local areas, by département code.
LOCAL_SRID = """
CREATE OR REPLACE FUNCTION analysis_local_srid(dep text)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN dep IN ('971', '972', '977', '978') THEN 5490
    WHEN dep = '973' THEN 2972
    WHEN dep = '974' THEN 2975
    WHEN dep = '976' THEN 4471
    WHEN dep = '975' THEN 4467
    ELSE 2154 END
$$;
"""


def upgrade() -> None:
    """Stored analysis results (refreshed by `geocoop analyze`) and two SQL helpers."""
    op.execute(EXPAND_M)
    op.execute(LOCAL_SRID)
    # UNLOGGED: derived figures, cheaper to write; after a crash PostgreSQL empties them and
    # the code falls back to live computation until the next `geocoop analyze`.
    op.create_table(
        "analysis_commune_kind",
        sa.Column("kind_code", sa.String(32), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("service_distance_m", sa.Float, nullable=False),
        sa.Column("nearest_cooperation_id", sa.Integer),
        sa.Column("nearest_edge_m", sa.Float),
        sa.Column("nearest_center_m", sa.Float),
        sa.Column("covered_distance", sa.Boolean, nullable=False),
        sa.Column("perimeter_cooperation_id", sa.Integer),
        sa.Column("perimeter_via", sa.String(16)),
        sa.Column("perimeter_share", sa.Float),
        sa.Column("covered_perimeter", sa.Boolean, nullable=False),
        sa.Column("zone_id", sa.String(12)),
        # the box within which a new cooperation point could be nearer than the current
        # nearest (commune bbox grown by nearest_edge_m): finds what one new point changes
        sa.Column("reach", Geometry("POLYGON", srid=4326, spatial_index=False)),
        sa.PrimaryKeyConstraint("kind_code", "commune_code"),
        prefixes=["UNLOGGED"],
    )
    op.create_index(
        "ix_analysis_ck_reach",
        "analysis_commune_kind",
        ["reach"],
        postgresql_using="gist",
        postgresql_where=sa.text("reach IS NOT NULL"),
    )
    op.create_index("ix_analysis_ck_zone", "analysis_commune_kind", ["kind_code", "zone_id"])
    # The cooperations as the stored figures last saw them: lets an incremental refresh
    # find the communes a deleted or moved cooperation used to reach.
    op.create_table(
        "analysis_cooperation_state",
        sa.Column("cooperation_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind_code", sa.String(32), nullable=False),
        sa.Column("location", Geometry("POINT", srid=4326, spatial_index=False)),
        sa.Column("perimeter", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        sa.Column("perimeter_codes", ARRAY(sa.Text)),
    )
    # Communes whose polygons intersect (shared edge or vertex), both directions: the graph
    # white zones are the connected components of. Rebuilt when the communes change.
    op.create_table(
        "analysis_adjacency",
        sa.Column("a", sa.String(5), nullable=False),
        sa.Column("b", sa.String(5), nullable=False),
        sa.PrimaryKeyConstraint("a", "b"),
        prefixes=["UNLOGGED"],
    )
    # Labels of zones created by incremental refreshes ("i<n>"; full refreshes label a zone
    # by its smallest commune code); the zone id shown is always its smallest commune code.
    op.execute("CREATE SEQUENCE analysis_zone_seq")
    op.create_table(
        "analysis_adjacency_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("signature", sa.String(32), nullable=False),
        sa.Column("pairs", sa.Integer, nullable=False),
    )
    op.create_table(
        "analysis_synergy_pair",
        sa.Column("a_id", sa.Integer, nullable=False),
        sa.Column("b_id", sa.Integer, nullable=False),
        sa.Column("distance_m", sa.Float),
        sa.Column("perimeters_overlap", sa.Boolean, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("proximity", sa.Float, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("a_id", "b_id"),
        sa.CheckConstraint("a_id < b_id", name="ck_analysis_pair_order"),
    )
    op.create_index("ix_analysis_pair_b", "analysis_synergy_pair", ["b_id"])
    op.create_table(
        "analysis_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scope", sa.String(16), nullable=False),  # full / cooperation
        sa.Column("cooperation_id", sa.Integer),
        sa.Column("seconds", sa.Float),
        sa.Column("report", JSONB),
        sa.Column(
            "finished_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.drop_table("analysis_run")
    op.drop_index("ix_analysis_pair_b", table_name="analysis_synergy_pair")
    op.drop_table("analysis_synergy_pair")
    op.drop_table("analysis_cooperation_state")
    op.drop_table("analysis_adjacency_state")
    op.drop_table("analysis_adjacency")
    op.execute("DROP SEQUENCE IF EXISTS analysis_zone_seq")
    op.drop_table("analysis_commune_kind")
    op.execute("DROP FUNCTION IF EXISTS analysis_local_srid(text)")
    op.execute("DROP FUNCTION IF EXISTS analysis_expand_m(geometry, double precision)")
