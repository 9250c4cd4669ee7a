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


def simplify_level(
    conn: Connection, level: str, departements: set[str], tolerance_m: float = TOLERANCE_M
) -> int:
    """Recompute geom_simplified of `level` in every zone touched by `departements`
    (the whole zone, so edges shared with earlier imports stay shared); rows written."""
    if not has_coverage_simplify():  # pragma: no cover - pyproject requires shapely ≥ 2.2
        raise RuntimeError("shapely ≥ 2.2 avec GEOS ≥ 3.14 requis (coverage_clean)")
    present = (
        conn.execute(
            text(
                "SELECT DISTINCT departement_code FROM territory WHERE level = :level "
                "AND departement_code IS NOT NULL"
            ),
            {"level": level},
        )
        .scalars()
        .all()
    )
    zones: dict[int, list[str]] = {}
    touched = {zone_srid(d) for d in departements}
    for dep in present:
        srid = zone_srid(dep)
        if srid in touched:
            zones.setdefault(srid, []).append(dep)
    conn.execute(text("TRUNCATE stg_simplified"))
    raw = conn.connection.driver_connection
    for srid, deps in sorted(zones.items()):
        rows = conn.execute(
            statement("ingest/boundaries_simplify_source"),
            {"srid": srid, "level": level, "departements": deps},
        ).all()
        if not rows:
            continue
        geoms = shapely.from_wkb([bytes(r.wkb) for r in rows])
        # Sources are not exact coverages (tiny overlaps, unmatched vertices): clean first,
        # or unmatched edges would be simplified apart and open gaps/overlaps.
        cleaned = shapely.coverage_clean(geoms, snapping_distance=SNAP_M)
        lost = shapely.is_empty(cleaned) | shapely.is_missing(cleaned)
        cleaned[lost] = geoms[lost]
        simplified = shapely.coverage_simplify(cleaned, tolerance_m)
        hexes = shapely.to_wkb(simplified, hex=True)
        with (
            raw.cursor() as cur,
            cur.copy("COPY stg_simplified (id, srid, geom) FROM STDIN") as copy,
        ):
            for row, hexa in zip(rows, hexes, strict=True):
                copy.write_row((row.id, srid, hexa))
    return conn.execute(statement("ingest/boundaries_simplify_apply")).rowcount
