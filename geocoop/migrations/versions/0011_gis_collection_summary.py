"""gis collection summary: stored white-zone outlines and per-collection counts and extents.

Revision ID: 0011
Revises: 0008

`analysis_zone` holds one dissolved, simplified outline per white zone (rule "any"), written
by every analysis refresh, so the white-zones layers never collect thousands of commune
polygons per request. `collection_summary` holds, per served collection, its exact feature
count and its extents (metropolitan France first), written at the end of every refresh: no
request ever counts a whole collection or computes an extent. Both are derived data
(UNLOGGED: emptied after a crash, rebuilt by `geocoop analyze`). An index on
analysis_commune_kind (commune_code) keeps the per-territory roll-ups from scanning the
whole primary key once per commune.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create analysis_zone, collection_summary and an index of analysis_commune_kind.

    Create analysis_zone (with the data-version trigger), collection_summary and an
    index for per-commune lookups of analysis_commune_kind (roll-ups per territory).
    """
    op.create_index("ix_analysis_ck_commune", "analysis_commune_kind", ["commune_code"])
    op.create_table(
        "analysis_zone",
        sa.Column("kind_code", sa.String(32), nullable=False),
        sa.Column("zone_id", sa.String(12), nullable=False),  # smallest commune code
        sa.Column("members_hash", sa.String(32), nullable=False),  # md5 of member codes
        sa.Column("communes_count", sa.Integer, nullable=False),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("area_km2", sa.Float, nullable=False),
        sa.Column("departements", ARRAY(sa.Text), nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        sa.PrimaryKeyConstraint("kind_code", "zone_id"),
        prefixes=["UNLOGGED"],
    )
    op.create_index("ix_analysis_zone_geom", "analysis_zone", ["geom"], postgresql_using="gist")
    op.execute(
        "CREATE TRIGGER geocoop_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON analysis_zone FOR EACH STATEMENT EXECUTE FUNCTION geocoop_bump_data_version()"
    )
    op.create_table(
        "collection_summary",
        sa.Column("collection_id", sa.String(64), primary_key=True),
        sa.Column("number_matched", sa.BigInteger, nullable=False),
        sa.Column("extents", JSONB, nullable=False),  # [[W, S, E, N], …], metropole first
        sa.Column("data_version", sa.BigInteger, nullable=False),
        sa.Column(
            "refreshed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        prefixes=["UNLOGGED"],
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.drop_table("collection_summary")
    op.drop_table("analysis_zone")
    op.drop_index("ix_analysis_ck_commune", table_name="analysis_commune_kind")
