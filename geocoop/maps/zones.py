"""White zones as a GeoJSON collection for the white-zone mode of the map."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import BadRequest, GeocoopError
from geocoop.maps.panel import analysis_api

MAX_ZONES = 500


def white_zone_collection(
    conn: Connection,
    kind: str,
    rule: str = "any",
    limit: int = 50,
    *,
    area: tuple[str, str] | None = None,
    split: bool = False,
) -> dict:
    """The `limit` most populated white zones of `kind` as features.

    Largest first; properties carry rank, name, population, communes and the reason
    (nearest cooperation, distance); `data_status` says whether the kind has data at all
    (without, no zone is computed). `area` (level, code) clips the zones to a région or
    département; `split` cuts them by département.
    """
    if not 1 <= limit <= MAX_ZONES:
        raise BadRequest(f"Le paramètre limit doit être entre 1 et {MAX_ZONES}.")
    api = analysis_api()
    if api is None:
        raise GeocoopError("Les zones blanches ne sont pas encore calculées.", status=503)
    features = []
    parent_level, parent_code = area or (None, None)
    zones = api.white_zones(
        conn,
        kind=kind,
        rule=rule,
        limit=limit,
        parent_code=parent_code,
        parent_level=parent_level,
        with_geometry=True,
        split=split,
    )
    for zone in zones:
        geometry = zone.pop("geometry", None)
        features.append(
            {"type": "Feature", "id": zone["id"], "geometry": geometry, "properties": zone}
        )
    status = api.data_status(conn).get(kind)
    return {
        "type": "FeatureCollection",
        "kind": kind,
        "rule": rule,
        "split": "departement" if split else "none",
        "area": None if area is None else {"level": area[0], "code": area[1]},
        "data_status": status,
        "features": features,
    }
