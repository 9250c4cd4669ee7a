"""data_api: a data version that caches (tiles, extents) are keyed on.

Revision ID: 0005
Revises: 0004

Every INSERT/UPDATE/DELETE/TRUNCATE statement on a data table bumps the sequence
`geocoop_data_version` (statement-level triggers). A sequence is not transactional and
takes no row lock, so concurrent writers never wait on it; a rolled-back write still bumps
it, which only costs one cache miss. Reading it is a single-row lookup.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Tables whose changes never affect served data.
_IGNORED = ("alembic_version", "api_token", "ingest_run", "commune_code_change")


def _data_tables(conn) -> list[str]:
    rows = conn.execute(
        sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND NOT (tablename = ANY(:ignored)) ORDER BY tablename"
        ),
        {"ignored": list(_IGNORED)},
    )
    return [r[0] for r in rows if r[0].isidentifier()]


def upgrade() -> None:
    """Create the version sequence, its bump function and one trigger per data table."""
    op.execute("CREATE SEQUENCE IF NOT EXISTS geocoop_data_version")
    op.execute(
        """
        CREATE OR REPLACE FUNCTION geocoop_bump_data_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nextval('geocoop_data_version');
            RETURN NULL;
        END $$
        """
    )
    for table in _data_tables(op.get_bind()):
        op.execute(f'DROP TRIGGER IF EXISTS geocoop_data_version ON "{table}"')
        op.execute(
            f"CREATE TRIGGER geocoop_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION geocoop_bump_data_version()'
        )


def downgrade() -> None:
    """Undo upgrade()."""
    for table in _data_tables(op.get_bind()):
        op.execute(f'DROP TRIGGER IF EXISTS geocoop_data_version ON "{table}"')
    op.execute("DROP FUNCTION IF EXISTS geocoop_bump_data_version()")
    op.execute("DROP SEQUENCE IF EXISTS geocoop_data_version")
