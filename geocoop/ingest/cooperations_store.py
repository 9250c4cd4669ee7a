"""Staging and merging validated cooperation rows (COPY into a temp table, then SQL)."""

from __future__ import annotations

from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from geocoop.ingest.cooperations_rows import CoopRow
from geocoop.sql import statement

STAGE_COLUMNS = (
    "line",
    "source_id",
    "kind_code",
    "name",
    "category",
    "socio_economic_model",
    "stage",
    "legal_form",
    "governance",
    "stakeholders",
    "accompaniment",
    "accompanied_by",
    "financing_sources",
    "year_founded",
    "website",
    "address",
    "postcode",
    "commune_code",
    "declared_commune",
    "lon",
    "lat",
    "geometry_wkt",
    "location_precision",
    "perimeter_codes",
    "attributes",
)


def _stage_tuple(row: CoopRow) -> tuple:
    f = row.fields
    return (
        row.line,
        row.source_id,
        row.kind_code,
        row.name,
        f.get("category"),
        f.get("socio_economic_model"),
        f.get("stage"),
        f.get("legal_form"),
        f.get("governance"),
        f.get("stakeholders"),
        f.get("accompaniment"),
        f.get("accompanied_by"),
        f.get("financing_sources"),
        f.get("year_founded"),
        f.get("website"),
        f.get("address"),
        f.get("postcode"),
        row.commune_code,
        row.commune_code is not None,
        row.lon,
        row.lat,
        row.geometry_wkt,
        row.precision,
        row.perimeter_codes,
        Jsonb(row.attributes) if row.attributes else None,
    )


def stage_rows(conn: Connection, rows: list[CoopRow]) -> None:
    """Create the staging table and bulk-load `rows` into it with COPY."""
    conn.execute(statement("ingest/coop_stage_create"))
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY coop_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(_stage_tuple(row))


def locate_staged(conn: Connection) -> list[dict]:
    """Compute points and perimeters in PostGIS; remove and return rows left without a point."""
    conn.execute(statement("ingest/coop_stage_locate"))
    return [dict(r._mapping) for r in conn.execute(statement("ingest/coop_stage_unlocated"))]


def merge_staged(conn: Connection, source: str, run_id: int | None) -> tuple[int, int]:
    """Upsert the staged rows; return (inserted, updated)."""
    result = conn.execute(statement("ingest/coop_merge"), {"source": source, "run_id": run_id})
    row = result.one()
    return int(row.inserted), int(row.updated)


def commune_mismatches(conn: Connection, tolerance_m: float = 5000) -> list[dict]:
    """Rows whose point lies more than `tolerance_m` from the commune the file declares."""
    result = conn.execute(statement("ingest/coop_stage_mismatch"), {"tolerance_m": tolerance_m})
    return [dict(r._mapping) for r in result]
