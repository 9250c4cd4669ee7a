"""Cached EPCI unions, the point of a perimeter, kinds whose per-profile facts are stale.

Revision ID: 0022
Revises: 0021

A PAT perimeter is mostly whole EPCIs: an import unions each perimeter's communes per EPCI
and takes a whole EPCI's union from `perimeter_epci_union` (filled the first time it is
needed). A row is valid while `members_hash` (the EPCI's commune codes and when each was
last written) is that of the current territories: a boundaries import that changes a
member stamps its `updated_at`, which makes the row stale, and the next import computes
it again (issue 14).

`geocoop_perimeter_point(perimeter)`: the point on surface of the perimeter with its holes
smaller than 1 m² filled. Such holes are rounding slivers between communes that come and
go with the order in which the polygons are unioned; a point computed without them is the
same whatever the union path (an empty or non-polygon perimeter: its plain
`ST_PointOnSurface`; on the national PAT file: the same 455 points as the
single-step union's `ST_PointOnSurface`).

`analysis_profile_pending`: kinds whose own figures are fresh but whose per-profile facts
(used by stage/category/model filters only) are being recomputed in the next step of the
import (a PAT import stores PAT's figures first, then its three profiles' facts). Filtered
figures of such a kind say « en cours de recalcul » meanwhile, unfiltered ones do not.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION geocoop_perimeter_point(perimeter geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT COALESCE((
SELECT ST_PointOnSurface(ST_Multi(ST_Collect(
    ST_MakePolygon(ST_ExteriorRing(p.geom), ARRAY(
        SELECT ST_ExteriorRing(h.geom)
        FROM ST_DumpRings(p.geom) AS h
        WHERE h.path[1] > 0 AND ST_Area(h.geom::geography) >= 1.0
        ORDER BY h.path[1]))
    ORDER BY p.path)))
FROM ST_Dump(perimeter) AS p
WHERE ST_GeometryType(p.geom) = 'ST_Polygon'
), ST_PointOnSurface(perimeter))
$$
"""


def upgrade() -> None:
    """Create the EPCI union cache, geocoop_perimeter_point, analysis_profile_pending."""
    op.execute(
        """
        CREATE TABLE perimeter_epci_union (
            epci_code varchar(9) PRIMARY KEY,
            members_hash text NOT NULL,
            geom geometry(Geometry, 4326) NOT NULL,
            computed_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(FUNCTION)
    op.create_table(
        "analysis_profile_pending",
        sa.Column(
            "kind_code",
            sa.String(32),
            sa.ForeignKey("kind.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "since", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.execute(
        "CREATE TRIGGER geocoop_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON analysis_profile_pending FOR EACH STATEMENT "
        "EXECUTE FUNCTION geocoop_bump_data_version()"
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("analysis_profile_pending")
    op.execute("DROP FUNCTION IF EXISTS geocoop_perimeter_point(geometry)")
    op.execute("DROP TABLE IF EXISTS perimeter_epci_union")
