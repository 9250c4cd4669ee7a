"""What /healthz and `geocoop db status` report about the database."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.db import head_revision
from geocoop.sql import statement

# the tables status_counts.sql counts (each write moves the data version); status.sql
# counts ingest_run at each call
VERSIONED_TABLES = ("territory", "kind", "cooperation", "partnership")


def versioned_counts(conn: Connection) -> dict:
    """Rows of the tables whose writes move the data version, and territories per level.

    The same for every read of one data version: callers may keep them per version.
    """
    row = conn.execute(statement("status_counts")).mappings().one()
    return {
        "rows": {table: row[table] for table in VERSIONED_TABLES},
        "territories_by_level": dict(conn.execute(statement("status_levels")).all()),
    }


def database_status(conn: Connection, counts: dict | None = None) -> dict:
    """PostGIS version, migration revision and head, and row counts per table.

    `counts`: `versioned_counts` of this data version when the caller kept them.
    """
    row = conn.execute(statement("status")).mappings().one()
    counts = counts if counts is not None else versioned_counts(conn)
    return {
        "postgres_version": row["postgres"],
        "postgis_version": row["postgis"],
        "migration": row["revision"],
        "migration_head": head_revision(),
        "rows": {**counts["rows"], "ingest_run": row["ingest_run"]},
        "territories_by_level": counts["territories_by_level"],
    }
