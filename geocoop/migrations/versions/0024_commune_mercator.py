"""The Web Mercator outline of each commune, stored with it.

Revision ID: 0024
Revises: 0023

The nearest-point search (analysis/sql/commune_distance.sql) seeds each commune with the
nearest point in Web Mercator (EPSG:3857), conformal, so that its order is that of metres
near the commune. Transforming the 34,871 commune outlines took 0.4–0.5 s at every load
of the analysis' scratch tables (the kind's refresh, the per-profile facts, live
filters); a generated column keeps the transform with the boundary, computed once when a
boundaries import writes it.
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """territory.geom_mercator: the commune outline in EPSG:3857 (NULL for other levels)."""
    op.execute(
        """
        ALTER TABLE territory ADD COLUMN geom_mercator geometry(MultiPolygon, 3857)
        GENERATED ALWAYS AS (
            CASE WHEN level = 'commune' THEN ST_Transform(geom, 3857) END
        ) STORED
        """
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.execute("ALTER TABLE territory DROP COLUMN geom_mercator")
