"""JSON schemas of a collection: its features (`describedby`) and its queryables (Part 3).

The feature schema is what GDAL's OAPIF driver reads to type its fields instead of guessing
from the first page: it needs a GeoJSON Feature object schema whose `properties` member is an
object of scalar-typed members (`integer`, `number`, `string` with `format: date-time`,
`boolean`, `array` of strings). Absent values are written as JSON null.
"""

from __future__ import annotations

from geocoop.features.spec import Collection

JSON_SCHEMA = "https://json-schema.org/draft/2019-09/schema"


def _geometry(collection: Collection) -> dict:
    if collection.geometry_type is None:  # a table (kinds): every geometry is JSON null
        return {"title": "Géométrie (aucune)", "type": "null"}
    return {
        "title": "Géométrie",
        "format": "geometry-" + collection.geometry_type.lower(),
        "x-ogc-role": "primary-geometry",
    }


def feature_schema(collection: Collection, schema_id: str) -> dict:
    """JSON schema of one Feature of the collection (typed, French titles)."""
    id_type = "integer" if collection.id_type == "integer" else "string"
    return {
        "$schema": JSON_SCHEMA,
        "$id": schema_id,
        "title": collection.title,
        "description": collection.description,
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": id_type, "title": "Identifiant", "x-ogc-role": "id"},
            "geometry": _geometry(collection),
            "properties": {
                "type": "object",
                "properties": {p.name: p.schema() for p in collection.properties},
            },
        },
    }


def queryables_schema(collection: Collection, schema_id: str) -> dict:
    """JSON schema of the properties usable in filters (OGC API – Features Part 3)."""
    props = {p.name: p.schema() for p in collection.queryables}
    props["geometry"] = _geometry(collection)
    return {
        "$schema": JSON_SCHEMA,
        "$id": schema_id,
        "type": "object",
        "title": collection.title,
        "description": collection.description,
        "properties": props,
        "additionalProperties": False,
    }
