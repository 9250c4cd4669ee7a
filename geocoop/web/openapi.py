"""The OpenAPI 3.0 documents, generated from the collection registry and declared parameters.

`features_document()` is the Features API alone (server = /api/features/, what QGIS reads:
`components.parameters.limit.schema.{default,maximum}` and one `/collections/{id}/items`
path per collection with its queryables). `full_document()` adds the tiles and analysis
endpoints (server = the site root): each of those areas hands its `openapi_paths` to
`add_paths(app, …)` when it registers, so this module imports no blueprint.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, url_for

from geocoop.features import registry
from geocoop.features.crs import SUPPORTED
from geocoop.features.params import ITEMS_PARAMETERS
from geocoop.ingest.feature_writes import WRITABLE_COLLECTIONS
from geocoop.web.openapi_writes import SECURITY_SCHEMES, feature_write_operations

_F_JSON_HTML = ["json", "html"]
_SCALAR = {"number": "number", "integer": "integer", "boolean": "boolean"}
_PROBLEM = {"$ref": "#/components/responses/Problem"}


def _param(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "style": "form",
        "explode": False,
        "description": description,
        "schema": schema,
    }


def _parameters() -> dict:
    conf = current_app.config["GEOCOOP"]
    crs_enum = [c.uri for c in SUPPORTED]
    return {
        "f": _param("f", {"type": "string", "enum": _F_JSON_HTML}, "Format de la réponse."),
        "f-items": _param(
            "f",
            {"type": "string", "enum": ["json", "html", "csv", "gpkg"]},
            "Format : GeoJSON, HTML, CSV (géométrie en WKT) ou GeoPackage.",
        ),
        "limit": _param(
            "limit",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": conf.max_page_size,
                "default": conf.default_page_size,
            },
            "Nombre maximal d'objets par page (au-delà du maximum : le maximum).",
        ),
        "offset": _param(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0},
            "Rang du premier objet (pagination ; suivre plutôt le lien `next`).",
        ),
        "bbox": _param(
            "bbox",
            {
                "type": "array",
                "minItems": 4,
                "maxItems": 4,
                "items": {"type": "number"},
            },
            "Emprise ouest,sud,est,nord (dans bbox-crs, CRS84 par défaut).",
        ),
        "bbox-crs": _param(
            "bbox-crs", {"type": "string", "format": "uri", "enum": crs_enum}, "SCR de bbox."
        ),
        "crs": _param(
            "crs", {"type": "string", "format": "uri", "enum": crs_enum}, "SCR des géométries."
        ),
        "datetime": _param(
            "datetime",
            {"type": "string", "maxLength": 80},
            "Instant, date ou intervalle RFC 3339 (`a/b`, `../b`, `a/..`) ; filtre la date de "
            "mise à jour des coopérations, sans effet sur les autres collections.",
        ),
        "filter": _param(
            "filter", {"type": "string", "maxLength": 4000}, "Filtre CQL2 texte (Part 3)."
        ),
        "filter-lang": _param(
            "filter-lang",
            {"type": "string", "enum": ["cql2-text"], "default": "cql2-text"},
            "Langage du filtre.",
        ),
        "filter-crs": _param(
            "filter-crs",
            {"type": "string", "format": "uri", "enum": crs_enum},
            "SCR des géométries du filtre.",
        ),
        "profile": _param(
            "profile",
            {"type": "string", "enum": ["umap"]},
            "umap : couche complète pour une carte web qui ne pagine pas (toute l'emprise "
            "jusqu'à 5 000 polygones ou 10 000 objets, sinon un échantillon réparti et un "
            "objet d'avertissement), géométries découpées et simplifiées à l'échelle de "
            "bbox, propriétés name, description, colour (docs/api.md, uMap).",
        ),
        "properties": _param(
            "properties",
            {"type": "array", "items": {"type": "string"}},
            "Propriétés à renvoyer, séparées par des virgules (Part 6) ; avec profile=umap, "
            "ajoutées à name, description et colour.",
        ),
        "lang": _param(
            "lang",
            {"type": "string", "enum": ["fr", "en"], "default": "fr"},
            "Langue de description (profile=umap).",
        ),
    }


def _json_only() -> dict:
    return _param("f", {"type": "string", "enum": ["json"]}, "Format de la réponse.")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema: dict, *types: str) -> dict:
    return {t: {"schema": schema} for t in (types or ("application/json",))}


_HTML = {"text/html": {"schema": {"type": "string"}}}
_LINK = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {
        "href": {"type": "string"},
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
    },
}
_SCHEMAS = {
    "Link": _LINK,
    "Links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
    "Problem": {
        "type": "object",
        "required": ["status", "title"],
        "properties": {
            "status": {"type": "integer"},
            "title": {"type": "string"},
            "detail": {"type": "string"},
        },
    },
    "LandingPage": {
        "type": "object",
        "required": ["links"],
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": {"$ref": "#/components/schemas/Links"},
        },
    },
    "ConfClasses": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "Collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": {"$ref": "#/components/schemas/Links"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "storageCrs": {"type": "string"},
            "itemType": {"type": "string"},
            "extent": {"type": "object"},
        },
    },
    "Collections": {
        "type": "object",
        "required": ["links", "collections"],
        "properties": {
            "links": {"$ref": "#/components/schemas/Links"},
            "collections": {"type": "array", "items": {"$ref": "#/components/schemas/Collection"}},
        },
    },
    "Feature": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
            "links": {"$ref": "#/components/schemas/Links"},
        },
    },
    "FeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/Feature"}},
            "links": {"$ref": "#/components/schemas/Links"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "timeStamp": {"type": "string", "format": "date-time"},
        },
    },
    "Queryables": {"type": "object", "required": ["properties"]},
}
_RESPONSES = {
    "Problem": {
        "description": "Erreur (RFC 7807 problem details).",
        "content": _json({"$ref": "#/components/schemas/Problem"}, "application/problem+json"),
    },
}


def _ok(schema_name: str, *types: str, html: bool = True) -> dict:
    content = _json({"$ref": f"#/components/schemas/{schema_name}"}, *types)
    if html:
        content.update(_HTML)
    return {"description": "Succès.", "content": content}


def _op(op_id: str, summary: str, tag: str, params: list, ok: dict, errors=(400, 404)) -> dict:
    responses = {"200": ok}
    for code in errors:
        responses[str(code)] = _PROBLEM
    responses["503"] = _PROBLEM
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "tags": [tag],
            "parameters": params,
            "responses": responses,
        }
    }


def features_paths() -> dict:
    """Paths of the Features API, relative to /api/features."""
    paths = {
        "/": _op("getLandingPage", "Page d'accueil", "Features", [_ref("f")], _ok("LandingPage")),
        "/conformance": _op(
            "getConformance",
            "Classes de conformité",
            "Features",
            [_ref("f")],
            _ok("ConfClasses"),
        ),
        "/api": _op(
            "getApi",
            "Ce document",
            "Features",
            [_ref("f")],
            {
                "description": "Document OpenAPI 3.0.",
                "content": {
                    "application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}},
                    **_HTML,
                },
            },
        ),
        "/collections": _op(
            "getCollections", "Collections", "Features", [_ref("f")], _ok("Collections")
        ),
    }
    item_formats = {
        "application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}},
        **_HTML,
        "text/csv": {"schema": {"type": "string"}},
        "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}},
    }
    for c in registry.all_collections():
        cid = c.id
        paths[f"/collections/{cid}"] = _op(
            f"describe_{cid}", c.title, cid, [_ref("f")], _ok("Collection")
        )
        paths[f"/collections/{cid}/queryables"] = _op(
            f"queryables_{cid}",
            f"Propriétés filtrables : {c.title}",
            cid,
            [_ref("f")],
            _ok("Queryables", "application/schema+json"),
        )
        paths[f"/collections/{cid}/schema"] = _op(
            f"schema_{cid}",
            f"Schéma JSON des objets : {c.title}",
            cid,
            [_json_only()],
            _ok("Queryables", "application/schema+json", html=False),
            errors=(400, 404),
        )
        own = [
            _param(p.name, {"type": _SCALAR.get(p.type, "string")}, f"Égal à : {p.title}")
            for p in c.queryables
        ]
        for p, schema_prop in zip(own, c.queryables, strict=True):
            if schema_prop.enum:
                p["schema"]["enum"] = list(schema_prop.enum)
            if schema_prop.type == "string":
                p["schema"]["maxLength"] = 200
            if schema_prop.type == "date-time":
                p["schema"]["format"] = "date-time"
        # the items' own `f` parameter is declared as "f-items" (it also accepts csv/gpkg)
        standard = ["f-items" if name == "f" else name for name in ITEMS_PARAMETERS]
        paths[f"/collections/{cid}/items"] = _op(
            f"getFeatures_{cid}",
            f"Objets : {c.title}",
            cid,
            [_ref(n) for n in standard] + own,
            {"description": "Une page d'objets.", "content": item_formats},
            errors=(400, 404, 413),
        )
        id_schema = {"type": "integer"} if c.id_type == "integer" else {"type": "string"}
        paths[f"/collections/{cid}/items/{{featureId}}"] = _op(
            f"getFeature_{cid}",
            f"Un objet : {c.title}",
            cid,
            [
                {"name": "featureId", "in": "path", "required": True, "schema": id_schema},
                _ref("f"),
                _ref("crs"),
            ],
            {
                "description": "Un objet.",
                "content": {
                    "application/geo+json": {"schema": {"$ref": "#/components/schemas/Feature"}},
                    **_HTML,
                },
            },
        )
        if cid in WRITABLE_COLLECTIONS:  # Part 4: POST on items, PUT/PATCH/DELETE on one
            for path, operations in feature_write_operations(cid, id_schema).items():
                paths[path].update(operations)
    return paths


def _document(server: str, paths: dict, title: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": "1.0.0",
            "description": "Coopérations territoriales françaises, leur couverture et les "
            "zones blanches : OGC API – Features (Parts 1, 2, 3 ; Part 4 en écriture sur "
            "cooperations, avec un jeton), tuiles vectorielles et analyses.",
            "contact": {"name": "geocoop"},
            "license": {"name": "Licence Ouverte 2.0 (données) / AGPL-3.0 (code)"},
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "parameters": _parameters(),
            "schemas": _SCHEMAS,
            "responses": _RESPONSES,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def features_document() -> dict:
    """The Features API document (server: the landing page, without trailing slash)."""
    server = url_for("ogcapi.landing", _external=True).rstrip("/")
    return _document(server, features_paths(), "geocoop — OGC API Features")


_PATHS_KEY = "geocoop.openapi.paths"


def add_paths(app: Flask, area: str, paths: Callable[[], dict]) -> None:
    """Let an area of `app` contribute `paths()` to the full OpenAPI document.

    Let an area of `app` contribute `paths()` (relative to the site root) to the full
    document; called from the area's `register(app)`.
    """
    app.extensions.setdefault(_PATHS_KEY, {})[area] = paths


def full_document() -> dict:
    """Every endpoint (reads, and the members' writes), relative to the site root."""
    prefix = url_for("ogcapi.landing").rstrip("/")
    paths = {prefix + (p if p != "/" else "/"): v for p, v in features_paths().items()}
    for area_paths in current_app.extensions.get(_PATHS_KEY, {}).values():
        paths.update(area_paths())
    server = url_for("openapi_root.api_document", _external=True).rsplit("/api", 1)[0]
    return _document(server or "/", paths, "geocoop — API de données")
