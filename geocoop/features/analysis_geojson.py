"""GeoJSON of the /api/analysis answers (`f=geojson`).

Their rows with a geometry, so that `ogr2ogr` and QGIS read them as layers.

Territory rows get the territory's light outline (the one the map draws); pairs of
cooperations a line from A to B. A row whose place is unknown (France as a whole, an
unlocated cooperation) keeps its properties with a null geometry: it is never dropped.
Nested values stay JSON objects (GDAL reads them as JSON text fields).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection

from geocoop.sql import statement


def _collection(features: list[dict], **members) -> dict:
    return {"type": "FeatureCollection", "features": features, **members}


def territory_features(
    conn: Connection, rows: list[dict], *, level: str | None = None, **members
) -> dict:
    """A FeatureCollection of territory rows, each with its outline.

    A FeatureCollection of territory rows (each with "code", and "level" unless every
    row is of `level`), each with its outline; `members` are added to the collection.
    """
    keys = [(row.get("level") or level, row["code"]) for row in rows]
    shapes: dict[tuple[str, str], dict] = {}
    if keys:
        found = conn.execute(
            statement("features/territory_shapes"),
            {"levels": [k[0] for k in keys], "codes": [k[1] for k in keys]},
        )
        shapes = {(r.level, r.code): json.loads(r.geometry) for r in found if r.geometry}
    features = [
        {"type": "Feature", "geometry": shapes.get(key), "properties": row}
        for key, row in zip(keys, rows, strict=True)
    ]
    return _collection(features, **members)


def point_features(rows: list[dict], **members) -> dict:
    """A FeatureCollection of rows carrying their own "lon" / "lat" (planned posts)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": row,
        }
        for row in rows
    ]
    return _collection(features, **members)


def pair_features(conn: Connection, rows: list[dict], **members) -> dict:
    """A FeatureCollection of cooperation pairs, each a line from A to B.

    A FeatureCollection of cooperation pairs ({"a": {"id"…}, "b": {"id"…}, …}), each a
    line from A to B (null when either is unlocated); A and B flattened to a_*/b_*.
    """
    ids = sorted({row[side]["id"] for row in rows for side in ("a", "b")})
    points: dict[int, list[float]] = {}
    if ids:
        found = conn.execute(statement("features/cooperation_points"), {"ids": ids})
        points = {r.id: [round(r.x, 6), round(r.y, 6)] for r in found}
    features = []
    for row in rows:
        a, b = row["a"]["id"], row["b"]["id"]
        line = None
        if a in points and b in points:
            line = {"type": "LineString", "coordinates": [points[a], points[b]]}
        flat = {f"{side}_{k}": v for side in ("a", "b") for k, v in row[side].items()}
        flat |= {k: v for k, v in row.items() if k not in ("a", "b")}
        features.append({"type": "Feature", "id": f"{a}-{b}", "geometry": line, "properties": flat})
    return _collection(features, **members)
