"""Topology-preserving simplification of territory polygons, and coverage dissolves.

PostGIS 3.3 has neither ST_CoverageSimplify nor ST_CoverageUnion (both PostGIS ≥ 3.4),
so this is the one documented exception to "spatial work in PostGIS": PostGIS projects
each zone to its metric CRS; shapely ≥ 2.2 (GEOS ≥ 3.14) cleans the defects of the
commune coverage (boundaries_coverage), simplifies it at once so that shared edges stay
shared, and dissolves it into EPCI / départements / régions with the linear-time
coverage union (ST_Union of the same polygons took 15 s nationally, the coverage union
under 1 s); PostGIS projects back. Tolerances are in metres.
"""

from __future__ import annotations

import numpy as np
import shapely
from psycopg import sql
from sqlalchemy import Connection

from geocoop.ingest.boundaries_coverage import (
    clean_coverage,
    dissolve_levels,
    run_parallel,
    simplify_coverage,
)
from geocoop.sql import fragment, statement

TOLERANCE_M = 500.0  # metres: below one pixel up to zoom 8 (≈ 600 m/px), halves the vertices
SNAP_M = 1.0  # vertices closer than a metre are one node when cleaning the coverage
DISSOLVED_LEVELS = ("epci", "departement", "region")
ZONE_SRID = {  # metric CRS per overseas département; everything else is Lambert-93
    "971": 5490, "972": 5490, "977": 5490, "978": 5490,
    "973": 2972, "974": 2975, "976": 4471, "975": 4467,
}  # fmt: skip


def zone_srid(departement_code: str | None) -> int:
    """Metric CRS for areas/simplification of a département (EPSG:2154 in metropolitan France)."""
    return ZONE_SRID.get(departement_code or "", 2154)


def has_coverage_simplify() -> bool:
    """Shapely was built against GEOS ≥ 3.12 (coverage simplification available)."""
    return hasattr(shapely, "coverage_clean") and shapely.geos_version >= (3, 14, 0)


def _zones(departements_present: list[str], touched: set[str]) -> dict[int, list[str]]:
    zones: dict[int, list[str]] = {}
    srids = {zone_srid(d) for d in touched}
    for dep in departements_present:
        if dep and zone_srid(dep) in srids:
            zones.setdefault(zone_srid(dep), []).append(dep)
    return zones


def _simplify(
    conn: Connection, name: str, params: dict, key: str, srid: int, tolerance_m: float
) -> int:
    """Clean + simplify one zone's coverage and COPY it into stg_simplified; rows sent."""
    rows = conn.execute(statement(name), {**params, "srid": srid}).all()
    if not rows:
        return 0
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows])
    # Sources are not exact coverages (tiny overlaps, unmatched vertices): clean first, or
    # unmatched edges would be simplified apart and open gaps/overlaps.
    cleaned, _ = clean_coverage(geoms, SNAP_M)
    simplified = simplify_coverage(cleaned, tolerance_m)
    _copy_binary(
        conn,
        _simplified_copy(key),
        ["int4" if key == "id" else "text", "int4", "bytea"],
        ((getattr(row, key), srid, wkb) for row, wkb in zip(rows, _wkb(simplified), strict=True)),
    )
    return len(rows)


def _wkb(geoms) -> list:
    return shapely.to_wkb(geoms)


def _simplified_copy(key: str) -> sql.Composable:
    """The COPY into stg_simplified keyed by `key`: "id" (stored) or "code" (staged)."""
    if key not in ("id", "code"):
        raise ValueError(f"not a key of stg_simplified: {key!r}")
    return fragment("ingest/simplify_copy", key=sql.Identifier(key))


def _copy_binary(conn: Connection, copy_sql: sql.Composable, types: list[str], rows) -> None:
    """Binary COPY: geometries go as plain WKB bytes.

    Which PostGIS's binary input (geometry_recv) reads directly — no hex encoding on either side.
    """
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(copy_sql) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _simplify_communes_zone(
    conn: Connection, deps: list[str], srid: int, dissolve: dict[str, set[str]], tolerance_m: float
) -> tuple[int, int]:
    """One zone's communes: cleaned, simplified and dissolved.

    One zone's communes: cleaned, simplified (→ stg_simplified) and dissolved into the
    EPCI / départements / régions of `dissolve` at both resolutions (→ stg_dissolved).
    """
    rows = conn.execute(
        statement("ingest/boundaries_simplify_source_commune"),
        {"departements": deps, "srid": srid},
    ).all()
    if not rows:
        return 0, 0
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows])
    cleaned, defects = clean_coverage(geoms, SNAP_M)
    simplified = simplify_coverage(cleaned, tolerance_m)
    _copy_binary(
        conn,
        _simplified_copy("code"),
        ["text", "int4", "bytea"],
        ((row.code, srid, wkb) for row, wkb in zip(rows, _wkb(simplified), strict=True)),
    )
    dissolved = [
        (level, code, srid, _wkb(full), _wkb(light))
        for level, code, full, light in _dissolve(rows, cleaned, simplified, dissolve)
    ]
    _copy_binary(
        conn,
        fragment("ingest/simplify_copy_dissolved"),
        ["text", "text", "int4", "bytea", "bytea"],
        dissolved,
    )
    return len(rows), defects


def _check() -> None:
    if not has_coverage_simplify():  # pragma: no cover - pyproject requires shapely ≥ 2.2
        raise RuntimeError("shapely ≥ 2.2 avec GEOS ≥ 3.14 requis (coverage_clean)")


def _dissolve(rows, cleaned, simplified, dissolve: dict[str, set[str]]):
    """(level, code, full, simplified) coverage unions of the zone's communes."""
    epci_key = np.array([r.epci_code or "" for r in rows], dtype=object)
    dep_key = np.array([r.departement_code or "" for r in rows], dtype=object)
    region_of = {r.departement_code: r.region_code for r in rows if r.departement_code}
    full, light = run_parallel(
        lambda geoms=geoms: dissolve_levels(geoms, epci_key, dep_key, region_of, dissolve)
        for geoms in (cleaned, simplified)
    )
    for level, unions in full.items():
        for code, geom in unions.items():
            yield level, code, geom, light[level][code]


def simplify_communes(
    conn: Connection,
    departements: set[str],
    dissolve: dict[str, set[str]] | None = None,
    tolerance_m: float = TOLERANCE_M,
) -> tuple[int, int]:
    """Simplify the staged communes together with the stored ones of their zones.

    Simplify staged communes (res_geom) together with the stored communes of every zone
    they touch, before the merge, so each row is written once; stored neighbours whose
    simplified edge moved are updated. The same cleaned coverage is dissolved into the
    EPCI / départements / régions listed in `dissolve` (stg_dissolved, for
    boundaries_dissolve.sql). Returns (communes simplified, communes with a defect).
    """
    _check()
    present = conn.execute(statement("ingest/simplify_departements_commune")).scalars().all()
    conn.execute(statement("ingest/simplify_clear_commune"))
    total = defects = 0
    for srid, deps in sorted(_zones(present, departements).items()):
        sent, bad = _simplify_communes_zone(conn, deps, srid, dissolve or {}, tolerance_m)
        total += sent
        defects += bad
    conn.execute(statement("ingest/boundaries_simplify_apply_commune"))
    return total, defects


def simplify_level(
    conn: Connection, level: str, departements: set[str], tolerance_m: float = TOLERANCE_M
) -> int:
    """Recompute geom_simplified of stored `level` rows in the touched zones.

    Recompute geom_simplified of stored `level` rows in every zone touched by
    `departements` (the whole zone, so edges shared with earlier imports stay shared).
    """
    _check()
    present = (
        conn.execute(statement("ingest/simplify_departements"), {"level": level}).scalars().all()
    )
    conn.execute(statement("ingest/simplify_clear"))
    for srid, deps in sorted(_zones(present, departements).items()):
        _simplify(
            conn,
            "ingest/boundaries_simplify_source",
            {"level": level, "departements": deps},
            "id",
            srid,
            tolerance_m,
        )
    return conn.execute(statement("ingest/boundaries_simplify_apply")).rowcount
