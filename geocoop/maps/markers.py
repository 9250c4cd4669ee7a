"""Cooperations as compact GeoJSON for the map: markers with their cards, perimeters."""

from __future__ import annotations

import json

from sqlalchemy import Connection

from geocoop.maps.filters import MapFilters
from geocoop.sql import statement


def map_cooperations(conn: Connection, filters: MapFilters) -> dict:
    """A FeatureCollection of the located cooperations matching `filters`.

    Points to 5 decimals (≈ 1 m), with the fields of the popup card as properties.
    """
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


def map_perimeters(conn: Connection, filters: MapFilters) -> dict:
    """A FeatureCollection of the perimeters of the cooperations matching `filters`.

    A FeatureCollection of the perimeters (outlines for display, simplified to ~300 m)
    of the cooperations matching `filters`, largest first.
    """
    features = [
        {
            "type": "Feature",
            "id": row.id,
            "geometry": json.loads(row.geometry),
            "properties": {
                "id": row.id,
                "name": row.name,
                "kind_code": row.kind_code,
                "stage": row.stage,
            },
        }
        for row in conn.execute(statement("maps/perimeters"), filters.sql_params())
    ]
    return {"type": "FeatureCollection", "features": features}
