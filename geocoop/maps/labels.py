"""Place names drawn on the map from geocoop's own territories (no base map, no network)."""

from __future__ import annotations

import math

from sqlalchemy import Connection

from geocoop.errors import BadRequest
from geocoop.models import LEVELS
from geocoop.sql import statement

MAX_LABELS = 300


def place_labels(
    conn: Connection,
    level: str,
    bbox: tuple[float, float, float, float],
    *,
    limit: int = 150,
    min_population: int = 0,
) -> list[dict]:
    """Names and label points of the territories of `level` in `bbox`.

    `bbox` is (west, south, east, north). Most populated first: the page draws them in that
    order and skips any that would overlap one already drawn.
    """
    if level not in LEVELS:
        raise BadRequest(f"Niveau inconnu : {level!r}.")
    if len(bbox) != 4 or not all(math.isfinite(v) for v in bbox):
        raise BadRequest("bbox attendu : ouest,sud,est,nord en degrés.")
    west, south, east, north = bbox
    if west > east or south > north:
        raise BadRequest("bbox attendu : ouest,sud,est,nord en degrés.")
    if not 1 <= limit <= MAX_LABELS:
        raise BadRequest(f"Le paramètre limit doit être entre 1 et {MAX_LABELS}.")
    rows = conn.execute(
        statement("maps/labels"),
        {
            "level": level,
            "west": max(west, -180.0),
            "south": max(south, -90.0),
            "east": min(east, 180.0),
            "north": min(north, 90.0),
            "limit": limit,
            "min_population": max(0, min_population),
        },
    )
    return [dict(r._mapping) for r in rows]
