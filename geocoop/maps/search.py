"""Find a commune, EPCI, département or région by name (accents optional) or code."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import BadRequest
from geocoop.sql import statement
from geocoop.text import normalize_name

MAX_LIMIT = 50


def _escape_like(key: str) -> str:
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_territories(conn: Connection, query: str, limit: int = 10) -> list[dict]:
    """Territories matching `query` by code or normalised name, best match first.

    Each result carries its level, code, name, population and bounding box (lon/lat) so
    the map can zoom to it without a second request; `former_name` is set when a commune
    was found by the name of a commune déléguée or merged commune.
    """
    query = (query or "").strip()
    if not query:
        return []
    if len(query) > 100:
        raise BadRequest("Recherche trop longue (100 caractères au plus).")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"Le paramètre limit doit être entre 1 et {MAX_LIMIT}.")
    key = _escape_like(normalize_name(query))
    rows = conn.execute(
        statement("maps/search_territories"),
        {"code": query.upper(), "key": key, "limit": limit},
    )
    results = []
    for row in rows:
        item = dict(row._mapping)
        box = [item.pop(k) for k in ("west", "south", "east", "north")]
        item["bbox"] = box if None not in box else None
        results.append(item)
    return results


def territory_at(conn: Connection, lon: float, lat: float, level: str) -> dict | None:
    """The territory of `level` under the point (lon/lat), or None (sea, abroad)."""
    from geocoop.models import LEVELS

    if level not in LEVELS:
        raise BadRequest(f"Niveau inconnu : {level!r} (attendu : {', '.join(LEVELS)}).")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadRequest("Coordonnées hors limites (lon −180…180, lat −90…90).")
    row = conn.execute(
        statement("maps/territory_at"), {"lon": lon, "lat": lat, "level": level}
    ).first()
    return dict(row._mapping) if row else None
