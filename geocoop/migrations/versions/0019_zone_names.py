"""White zones stored with their names and reasons, for the OGC collections.

Revision ID: 0019
Revises: 0018

The OGC collections `white-zones` and `white-zones-<kind>` (what QGIS and GDAL read) came
from `analysis_zone`, which held figures and an outline but no name and no reason: planners
saw « zone 17 ». Each stored zone now keeps what the live list (/api/analysis/white-zones)
computes: its most populated commune (code, name), that commune's département and EPCI
(code, name), how many départements it spans, the nearest cooperation of the kind (id,
name) and its edge distance in metres, the kind's service distance, the rule, and the
name and reason sentences in French and English (issue 13).

Zones stored before this revision have none of it until the next refresh: their kinds are
marked « en cours de recalcul » (analysis_pending), which `geocoop analyze` clears.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("main_commune", sa.String(12)),
    ("main_commune_name", sa.Text()),
    ("main_departement", sa.String(12)),
    ("main_epci", sa.String(12)),
    ("epci_name", sa.Text()),
    ("departements_count", sa.Integer()),
    ("nearest_cooperation_id", sa.Integer()),
    ("nearest_cooperation_name", sa.Text()),
    ("nearest_distance_m", sa.Float()),
    ("service_distance_m", sa.Float()),
    ("name_fr", sa.Text()),
    ("name_en", sa.Text()),
    ("reason_fr", sa.Text()),
    ("reason_en", sa.Text()),
)


def upgrade() -> None:
    """Add the columns; mark the kinds whose zones lack them as being recomputed."""
    for name, type_ in _COLUMNS:
        op.add_column("analysis_zone", sa.Column(name, type_))
    # the stored zones follow rule « any » (distance or perimeter), the only one stored
    op.add_column(
        "analysis_zone",
        sa.Column("rule", sa.String(16), nullable=False, server_default="any"),
    )
    op.execute(
        "INSERT INTO analysis_pending (kind_code) SELECT DISTINCT kind_code FROM analysis_zone "
        "ON CONFLICT (kind_code) DO NOTHING"
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.drop_column("analysis_zone", "rule")
    for name, _type in reversed(_COLUMNS):
        op.drop_column("analysis_zone", name)
