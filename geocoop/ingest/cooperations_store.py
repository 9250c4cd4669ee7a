"""Staging and merging validated cooperation rows (COPY into a temp table, then SQL)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from difflib import SequenceMatcher

from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from geocoop.ingest.cooperations_rows import CoopRow
from geocoop.sql import fragment, statement
from geocoop.text import normalize_name

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
    "lead_body",
    "lead_body_type",
    "staff_fte",
    "networks",
    "peer_cooperation",
    "derived_fields",
    "quality",
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
        f.get("lead_body"),
        f.get("lead_body_type"),
        f.get("staff_fte"),
        f.get("networks"),
        f.get("peer_cooperation"),
        row.derived or None,
        Jsonb(row.quality) if row.quality else None,
    )


def stage_rows(conn: Connection, rows: Iterable[CoopRow]) -> None:
    """Create the staging table and bulk-load `rows` into it with COPY.

    As they come (a generator is consumed row by row: nothing is held but COPY's own buffer).
    """
    conn.execute(statement("ingest/coop_stage_create"))
    cursor = conn.connection.driver_connection.cursor()
    columns = sql.SQL(", ").join(map(sql.Identifier, STAGE_COLUMNS))
    with cursor.copy(fragment("ingest/coop_stage_copy", columns=columns)) as copy:
        for row in rows:
            copy.write_row(_stage_tuple(row))


def staged_summary(conn: Connection) -> dict:
    """Count of the staged rows, by location precision (None: kept without a place).

    The derived fields ({field: rows}) and the partial perimeters.
    """
    row = conn.execute(statement("ingest/coop_stage_summary")).one()
    return {
        "total": int(row.total),
        "by_precision": {(k or None): int(v) for k, v in row.by_precision.items()},
        "derived": {field: int(n) for field, n in row.derived},
        "partial": int(row.partial),
    }


def locate_staged(conn: Connection, source: str | None = None) -> list[dict]:
    """Compute points and perimeters in PostGIS; remove and return rows left without a point.

    With `source`, a row whose perimeter codes did not change since it was stored keeps
    its stored perimeter instead of computing the union again (the costly part of a
    national import).
    """
    if source is not None:
        conn.execute(statement("ingest/coop_stage_reuse_perimeter"), {"source": source})
    conn.execute(statement("ingest/coop_stage_locate"))
    return [dict(r._mapping) for r in conn.execute(statement("ingest/coop_stage_unlocated"))]


def merge_staged(
    conn: Connection, source: str, run_id: int | None, log_actor: str | None = None
) -> tuple[int, int]:
    """Upsert the staged rows; return (inserted, updated).

    With `log_actor`, each created or changed cooperation is logged in the edit log (via
    "import") under that name; without, the caller logs its own change (a proposal, an OGC API
    write).
    """
    result = conn.execute(
        statement("ingest/coop_merge"),
        {"source": source, "run_id": run_id, "log": log_actor is not None, "actor": log_actor},
    )
    row = result.one()
    return int(row.inserted), int(row.updated)


def commune_mismatches(conn: Connection, tolerance_m: float = 5000) -> list[dict]:
    """Rows whose point lies more than `tolerance_m` from the commune the file declares."""
    result = conn.execute(statement("ingest/coop_stage_mismatch"), {"tolerance_m": tolerance_m})
    return [dict(r._mapping) for r in result]


def flag_mismatches(conn: Connection, mismatches: list[dict]) -> None:
    """Record far points as quality flags; count them in the commune holding the point."""
    conn.execute(
        statement("ingest/coop_stage_flag_far"),
        {
            "lines": [m["line"] for m in mismatches],
            "distances": [float(m["distance_m"]) for m in mismatches],
        },
    )


# Same place (metres) and near-identical names ("Happy Hour" / "Happy Hours").
DUPLICATE_RADIUS_M = 100
DUPLICATE_NAME_RATIO = 0.9


def flag_duplicates(conn: Connection) -> list[dict]:
    """Flag probable duplicates within the staged rows; return them (later row first)."""
    pairs = conn.execute(
        statement("ingest/coop_stage_near_pairs"), {"radius_m": DUPLICATE_RADIUS_M}
    )
    found: list[dict] = []
    flagged: set[int] = set()
    for pair in pairs:
        if pair.line in flagged:
            continue
        ratio = SequenceMatcher(
            None, normalize_name(pair.name), normalize_name(pair.other_name)
        ).ratio()
        if ratio >= DUPLICATE_NAME_RATIO:
            flagged.add(pair.line)
            found.append({**pair._mapping, "distance_m": round(float(pair.distance_m), 1)})
    if found:
        conn.execute(
            statement("ingest/coop_stage_flag_duplicate"),
            {"pairs": json.dumps(found, default=str)},
        )
    return found
