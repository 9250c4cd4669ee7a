"""Cooperations as a compact GeoJSON collection for the map markers and their cards."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.maps.filters import MapFilters
from geocoop.sql import statement


def map_cooperations(conn: Connection, filters: MapFilters) -> dict:
    """A FeatureCollection of the located cooperations matching `filters` (points,
    5 decimals ≈ 1 m), with the fields of the popup card as properties."""
    features = []
    for row in conn.execute(statement("maps/cooperations"), filters.sql_params()):
        props = dict(row._mapping)
        lon, lat = props.pop("lon"), props.pop("lat")
        features.append(
            {
                "type": "Feature",
                "id": props["id"],
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}
