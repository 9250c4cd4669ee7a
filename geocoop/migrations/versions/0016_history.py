"""History: each logged change says how it came (`via`) and which change it reverts.

Revision ID: 0016
Revises: 0015

`edit_log.via` names the channel of a change: `import` (a file or a validated proposal
going through the import path), `proposal`, `api` (/api/contrib), `ogcapi` (OGC API –
Features – Part 4), `revert`. `edit_log.reverts` points at the change a revert undid.
The index on `at` serves the public changelog (newest first).

`geocoop_coop_snapshot(cooperation)` is the editable state of one cooperation as JSON:
the edit log's before/after, one definition for a single row (ingest/sql/coop_snapshot.sql)
and for a whole import (ingest/sql/coop_merge.sql logs every row it creates or changes).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


SNAPSHOT = """
CREATE OR REPLACE FUNCTION geocoop_coop_snapshot(c cooperation) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
    'kind_code', c.kind_code, 'name', c.name, 'category', c.category,
    'socio_economic_model', c.socio_economic_model, 'stage', c.stage,
    'stakeholders', c.stakeholders, 'accompaniment', c.accompaniment,
    'accompanied_by', c.accompanied_by, 'financing_sources', c.financing_sources,
    'website', c.website, 'commune_code', c.commune_code,
    'perimeter_codes', c.perimeter_codes, 'location_precision', c.location_precision,
    'point', CASE WHEN c.location IS NULL THEN NULL
                  ELSE jsonb_build_array(round(ST_X(c.location)::numeric, 6),
                                         round(ST_Y(c.location)::numeric, 6)) END,
    'legal_form', c.legal_form, 'governance', c.governance, 'lead_body', c.lead_body,
    'lead_body_type', c.lead_body_type, 'staff_fte', c.staff_fte, 'networks', c.networks,
    'peer_cooperation', c.peer_cooperation, 'year_founded', c.year_founded,
    'address', c.address, 'postcode', c.postcode, 'derived_fields', c.derived_fields,
    'source', c.source, 'source_id', c.source_id)
$$
"""


def upgrade() -> None:
    """Two columns, the index of the changelog, the snapshot function."""
    op.execute(SNAPSHOT)
    op.add_column("edit_log", sa.Column("via", sa.String(16)))
    op.add_column(
        "edit_log",
        sa.Column("reverts", sa.Integer(), sa.ForeignKey("edit_log.id", ondelete="SET NULL")),
    )
    op.create_index("ix_edit_log_at", "edit_log", ["at"])


def downgrade() -> None:
    """Drop them again."""
    op.execute("DROP FUNCTION IF EXISTS geocoop_coop_snapshot(cooperation)")
    op.drop_index("ix_edit_log_at", table_name="edit_log")
    op.drop_column("edit_log", "reverts")
    op.drop_column("edit_log", "via")
