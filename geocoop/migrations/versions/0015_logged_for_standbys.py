"""Stored analysis logged, so that streaming standbys can serve it.

Revision ID: 0015
Revises: 0014

PostgreSQL does not write UNLOGGED tables to the WAL: a physical standby holds them empty
and refuses to read them ("cannot access temporary or unlogged relations during
recovery"). The stored analysis and the collections' summaries are read by nearly every
map, tile and OGC API request, so read replicas (GEOCOOP_READ_DATABASE_URLS) need them
logged. A refresh now writes its rows to the WAL too (more WAL, a little slower), and a
crash of PostgreSQL no longer empties them.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# referenced tables first (a logged table cannot reference an unlogged one)
TABLES = (
    "analysis_zone",
    "analysis_commune_kind",
    "analysis_adjacency",
    "analysis_kind_state",
    "analysis_profile",
    "analysis_commune_profile",
    "analysis_rollup",
    "collection_summary",
)


def upgrade() -> None:
    for table in TABLES:
        op.execute(f'ALTER TABLE "{table}" SET LOGGED')


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f'ALTER TABLE "{table}" SET UNLOGGED')
