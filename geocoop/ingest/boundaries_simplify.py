"""Topology-preserving simplification of territory polygons for low zooms.

PostGIS 3.3 has no ST_CoverageSimplify, so this is the one documented exception to
"spatial work in PostGIS": PostGIS projects each zone to its metric CRS, shapely ≥ 2.2's
`coverage_clean` (GEOS ≥ 3.14) snaps the source into an exact coverage and
`coverage_simplify` simplifies it at once so that shared edges stay shared; PostGIS
projects back. Tolerances are in metres.
"""

from __future__ import annotations

import shapely
from sqlalchemy import Connection, text

from geocoop.sql import statement

TOLERANCE_M = 500.0  # metres: below one pixel up to zoom 8 (≈ 600 m/px), halves the vertices
SNAP_M = 1.0  # vertices closer than a metre are one node when cleaning the coverage
ZONE_SRID = {  # metric CRS per overseas département; everything else is Lambert-93
    "971": 5490, "972": 5490, "977": 5490, "978": 5490,
    "973": 2972, "974": 2975, "976": 4471, "975": 4467,
}  # fmt: skip


def zone_srid(departement_code: str | None) -> int:
    """Metric CRS for areas/simplification of a département (EPSG:2154 in metropolitan France)."""
    return ZONE_SRID.get(departement_code or "", 2154)


def has_coverage_simplify() -> bool:
    """shapely was built against GEOS ≥ 3.12 (coverage simplification available)."""
    return hasattr(shapely, "coverage_clean") and shapely.geos_version >= (3, 14, 0)


def _zones(departements_present: list[str], touched: set[str]) -> dict[int, list[str]]:
    zones: dict[int, list[str]] = {}
    srids = {zone_srid(d) for d in touched}
    for dep in departements_present:
        if dep and zone_srid(dep) in srids:
            zones.setdefault(zone_srid(dep), []).append(dep)
    return zones


def _simplify(
    conn: Connection, sql: str, params: dict, key: str, srid: int, tolerance_m: float
) -> int:
    """Clean + simplify one zone's coverage and COPY it into stg_simplified; rows sent."""
    rows = conn.execute(statement(sql), {**params, "srid": srid}).all()
    if not rows:
        return 0
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows])
    # Sources are not exact coverages (tiny overlaps, unmatched vertices): clean first, or
    # unmatched edges would be simplified apart and open gaps/overlaps.
    cleaned = shapely.coverage_clean(geoms, snapping_distance=SNAP_M)
    lost = shapely.is_empty(cleaned) | shapely.is_missing(cleaned)
    cleaned[lost] = geoms[lost]
    hexes = shapely.to_wkb(shapely.coverage_simplify(cleaned, tolerance_m), hex=True)
    raw = conn.connection.driver_connection
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY stg_simplified ({key}, srid, geom) FROM STDIN") as copy,
    ):
        for row, hexa in zip(rows, hexes, strict=True):
            copy.write_row((getattr(row, key), srid, hexa))
    return len(rows)


def _check() -> None:
    if not has_coverage_simplify():  # pragma: no cover - pyproject requires shapely ≥ 2.2
        raise RuntimeError("shapely ≥ 2.2 avec GEOS ≥ 3.14 requis (coverage_clean)")


def simplify_communes(
    conn: Connection, departements: set[str], tolerance_m: float = TOLERANCE_M
) -> int:
    """Simplify staged communes (res_geom) together with the stored communes of every zone
    they touch, before the merge, so each row is written once; stored neighbours whose
    simplified edge moved are updated. Returns the number of communes simplified."""
    _check()
    present = (
        conn.execute(
            text(
                "SELECT departement_code FROM stg_attr WHERE level = 'commune' UNION "
                "SELECT DISTINCT departement_code FROM territory WHERE level = 'commune'"
            )
        )
        .scalars()
        .all()
    )
    conn.execute(text("TRUNCATE stg_simplified"))
    total = 0
    for srid, deps in sorted(_zones(present, departements).items()):
        total += _simplify(
            conn,
            "ingest/boundaries_simplify_source_commune",
            {"departements": deps},
            "code",
            srid,
            tolerance_m,
        )
    conn.execute(statement("ingest/boundaries_simplify_apply_commune"))
    return total


def simplify_level(
    conn: Connection, level: str, departements: set[str], tolerance_m: float = TOLERANCE_M
) -> int:
    """Recompute geom_simplified of stored `level` rows in every zone touched by
    `departements` (the whole zone, so edges shared with earlier imports stay shared)."""
    _check()
    present = (
        conn.execute(
            text("SELECT DISTINCT departement_code FROM territory WHERE level = :level"),
            {"level": level},
        )
        .scalars()
        .all()
    )
    conn.execute(text("TRUNCATE stg_simplified"))
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


def dissolve_simplified(conn: Connection, level: str, codes: list[str]) -> int:
    """geom_simplified of dissolved EPCI / départements / régions in res_geom: the coverage
    union of their members' simplified polygons (an exact coverage once cleaned, so the
    linear-time coverage union is exact; PostGIS 3.3 has no ST_CoverageUnion)."""
    rows = conn.execute(
        statement("ingest/boundaries_dissolve_simplified_source"),
        {"level": level, "codes": codes},
    ).all()
    conn.execute(text("TRUNCATE stg_simplified"))
    if not rows:
        return 0
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows])
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(row.code, []).append(index)
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy("COPY stg_simplified (code, srid, geom) FROM STDIN") as copy:
        for code, indexes in groups.items():
            union = shapely.coverage_union_all(geoms[indexes])
            copy.write_row((code, 4326, shapely.to_wkb(union, hex=True)))
    conn.execute(statement("ingest/boundaries_dissolve_simplified_apply"), {"level": level})
    return len(groups)
