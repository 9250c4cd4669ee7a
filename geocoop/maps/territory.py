"""What a territory fiche shows: the territory, the cooperations around it, its figures."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import BadRequest, NotFound
from geocoop.models import LEVELS
from geocoop.sql import statement

NEAR_RADIUS_M = 20_000  # cooperations drawn and listed around the territory
NEAR_LIMIT = 200


def find_territory(conn: Connection, code: str, level: str | None = None) -> dict:
    """The territory with `code`, with its outline as GeoJSON.

    The territory with `code` (the finest level when codes collide, e.g. '53' is both
    a région and a département: pass `level`), with its outline as GeoJSON.
    """
    if level is not None and level not in LEVELS:
        raise BadRequest(f"Niveau inconnu : {level!r} (attendu : {', '.join(LEVELS)}).")
    if not code or len(code) > 12:
        raise BadRequest("Code de territoire invalide.")
    row = conn.execute(
        statement("maps/territory_by_code"), {"code": code.upper(), "level": level}
    ).first()
    if row is None:
        raise NotFound(f"Aucun territoire de code {code!r}.")
    return dict(row._mapping)


def cooperations_near(
    conn: Connection,
    territory_id: int,
    radius_m: int = NEAR_RADIUS_M,
    limit: int = NEAR_LIMIT,
    *,
    kinds: list[str] | None = None,
    filters: dict | None = None,
) -> list[dict]:
    """Cooperations inside the territory or within `radius_m` metres of it.

    Nearest first, restricted to `kinds` and to the analysis-style `filters` (category, model,
    stage).
    """
    filters = filters or {}
    rows = conn.execute(
        statement("maps/cooperations_near"),
        {
            "territory_id": territory_id,
            "radius_m": radius_m,
            "limit": limit,
            "kinds": kinds or None,
            "categories": filters.get("category") or None,
            "models": filters.get("socio_economic_model") or None,
            "stages": filters.get("stage") or None,
        },
    )
    return [dict(r._mapping) for r in rows]


def cooperations_inside(
    conn: Connection,
    territory_id: int,
    *,
    kinds: list[str] | None = None,
    filters: dict | None = None,
) -> int:
    """How many cooperations lie inside the territory (an exact count).

    How many cooperations lie inside the territory: an exact count, not the length of
    the capped list of `cooperations_near`.
    """
    filters = filters or {}
    return int(
        conn.execute(
            statement("maps/cooperations_inside"),
            {
                "territory_id": territory_id,
                "kinds": kinds or None,
                "categories": filters.get("category") or None,
                "models": filters.get("socio_economic_model") or None,
                "stages": filters.get("stage") or None,
            },
        ).scalar_one()
    )
