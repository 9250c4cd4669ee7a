"""White zones as a GeoJSON collection for the white-zone mode of the map."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import BadRequest, GeocoopError
from geocoop.maps.panel import analysis_api

MAX_ZONES = 500


def white_zone_collection(conn: Connection, kind: str, rule: str = "any", limit: int = 50) -> dict:
    """The `limit` most populated white zones of `kind` as features.

    The `limit` most populated white zones of `kind`, largest first, as features whose
    properties carry rank, population, communes and the nearest cooperation's distance;
    `data_status` says whether the kind has data at all (without, no zone is computed).
    """
    if not 1 <= limit <= MAX_ZONES:
        raise BadRequest(f"Le paramètre limit doit être entre 1 et {MAX_ZONES}.")
    api = analysis_api()
    if api is None:
        raise GeocoopError("Les zones blanches ne sont pas encore calculées.", status=503)
    features = []
    for zone in api.white_zones(conn, kind=kind, rule=rule, limit=limit, with_geometry=True):
        geometry = zone.pop("geometry", None)
        features.append(
            {"type": "Feature", "id": zone["id"], "geometry": geometry, "properties": zone}
        )
    status = api.data_status(conn).get(kind)
    return {
        "type": "FeatureCollection",
        "kind": kind,
        "rule": rule,
        "data_status": status,
        "features": features,
    }
