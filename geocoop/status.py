"""What /healthz and `geocoop db status` report about the database."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.db import head_revision
from geocoop.sql import statement

# the row counts status.sql reads, in the order they are reported
COUNTED_TABLES = ("territory", "kind", "cooperation", "partnership", "ingest_run")


def database_status(conn: Connection) -> dict:
    """PostGIS version, migration revision and head, and row counts per table."""
    row = conn.execute(statement("status")).mappings().one()
    counts = {table: row[table] for table in COUNTED_TABLES}
    by_level = dict(conn.execute(statement("status_levels")).all())
    return {
        "postgres_version": row["postgres"],
        "postgis_version": row["postgis"],
        "migration": row["revision"],
        "migration_head": head_revision(),
        "rows": counts,
        "territories_by_level": by_level,
    }
