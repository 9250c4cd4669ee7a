"""What /healthz and `geocoop db status` report about the database."""

from __future__ import annotations

from sqlalchemy import Connection, text

from geocoop.db import head_revision

COUNTED_TABLES = ("territory", "kind", "cooperation", "partnership", "ingest_run")


def database_status(conn: Connection) -> dict:
    """PostGIS version, migration revision and head, and row counts per table."""
    postgis = conn.execute(text("SELECT postgis_lib_version()")).scalar_one()
    postgres = conn.execute(text("SHOW server_version")).scalar_one()
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    counts = {
        table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # fixed names
        for table in COUNTED_TABLES
    }
    by_level = dict(
        conn.execute(text("SELECT level, count(*) FROM territory GROUP BY level")).all()
    )
    return {
        "postgres_version": postgres,
        "postgis_version": postgis,
        "migration": revision,
        "migration_head": head_revision(),
        "rows": counts,
        "territories_by_level": by_level,
    }
