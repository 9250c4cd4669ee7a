"""Vector tiles: /tiles/{collection}/{z}/{x}/{y}.mvt and TileJSON at /tiles/{collection}.json.

The ETag is the data version plus the tile address, so a client revalidating a tile costs
one sequence read (304) and a cached tile never outlives a change of data or analysis.

The map and the TileJSON give tile URLs with `?v=`, the published version (the last
committed write, features/version.published_version): a tile asked with the current `v`
is `immutable` for a year — a CDN keeps it until the next import changes the URLs. A tile
without `v` (or with an old one) is shared-cacheable for 5 minutes, like the data API.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from geocoop.errors import BadRequest
from geocoop.features import registry
from geocoop.features import tiles as core
from geocoop.features.cache import VersionedCache
from geocoop.features.summary import FRANCE_METRO_BBOX
from geocoop.features.version import data_version, published_version, settled
from geocoop.web import openapi
from geocoop.web.database import cache as routed_cache
from geocoop.web.database import connection, request_connect
from geocoop.web.http import (
    FEATURES_CACHE_CONTROL,
    UNSETTLED_CACHE_CONTROL,
    collection_extents,
    conditional,
    finish,
    json_response,
    kinds_data_status,
    reject_nul,
    url,
)

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MVT = "application/vnd.mapbox-vector-tile"
# a tile of the current published version never changes under its URL (the next write
# publishes a new `v`); without `v`, the data API's browser/shared-cache lifetimes
IMMUTABLE = "public, max-age=31536000, s-maxage=31536000, immutable"
bp.after_request(finish)
bp.before_request(reject_nul)


def _kind_only(allowed: tuple[str, ...] = ("kind",)) -> str | None:
    """The optional `kind` parameter; any other parameter (but `allowed`) is a 400."""
    for name in request.args:
        if name not in allowed:
            raise BadRequest(f"Paramètre inconnu : {name[:60]!r}.")
    kinds = request.args.getlist("kind")
    if len(kinds) > 1:
        raise BadRequest("Paramètre kind répété.")
    return kinds[0] if kinds else None


def _no_params() -> None:
    for name in request.args:
        raise BadRequest(f"Paramètre inconnu : {name[:60]!r}.")


@bp.get("/<collection_id>/<int:z>/<int:x>/<int:y>.mvt")
def tile(collection_id: str, z: int, x: int, y: int):
    """One Mapbox vector tile (an empty one is a layer without features, never 204).

    `v` is the published version (see above).
    """
    kind = _kind_only(("kind", "v"))
    asked = _version_asked()
    found = registry.get_collection(collection_id)
    kind = core.check_kind(core.tile_source(found), kind)
    core.check_tile(z, x, y)
    # Autocommit: a tile is one read, so no BEGIN/ROLLBACK round trips around it.
    with request_connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        current = asked is not None and published_version(conn) == asked
        version = data_version(conn)
        etag = f"{version}.{collection_id}.{kind or ''}.{z}.{x}.{y}"
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            cache: VersionedCache = routed_cache("geocoop.tiles.cache")
            data = core.cached_tile(conn, cache, version, found, z, x, y, kind)
            # GDAL's MVT driver cannot open a 204 or zero bytes: an empty tile is a layer
            # with no feature, named like the full ones
            response = Response(data or core.empty_tile(collection_id), mimetype=MVT)
        # read again after the tile: a write committed in between (or a standby replaying
        # one) means the tile may not be of version `v`, so it is not immutable
        current = current and published_version(conn) == asked
    if not settled(version):  # a writer is committing: this may be the older data
        response.headers["Cache-Control"] = UNSETTLED_CACHE_CONTROL
        return response
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE if current else FEATURES_CACHE_CONTROL
    return response


def _version_asked() -> int | None:
    value = request.args.get("v")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 19:
        raise BadRequest("Paramètre v : version entière attendue.")
    return int(value)


def versioned(template: str, conn_version: int, kind: str | None = None) -> str:
    """A tile URL template with the published version (and the kind) in its query."""
    query = f"v={conn_version}" + (f"&kind={kind}" if kind is not None else "")
    return f"{template}?{query}"


def tilejson_doc(collection_id: str, kind: str | None = None) -> dict:
    """TileJSON 3.0 for one collection's vector tiles (`kind` for per-kind layers)."""
    found = registry.get_collection(collection_id)
    source = core.tile_source(found)
    kind = core.check_kind(source, kind)
    # metropolitan France first (computed at write time): "zoom to layer" shows France,
    # not the span from the Antilles to La Réunion
    bounds = (collection_extents(found) or [FRANCE_METRO_BBOX])[0]
    template = url("tiles.tile", collection_id=collection_id, z=0, x=0, y=0)
    template = template.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    template = versioned(template, published_version(connection()), kind)
    # the kind asked for, or the one a one-kind layer (coverage-pat…) holds
    shown = kind if kind is not None else found.kind
    status = kinds_data_status().get(shown) if shown is not None else None
    doc = {
        "tilejson": "3.0.0",
        "name": found.title,
        "description": found.description,
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": found.tile_minzoom,
        "maxzoom": found.tile_maxzoom,
        "bounds": bounds,
        "center": [
            round((bounds[0] + bounds[2]) / 2, 5),
            round((bounds[1] + bounds[3]) / 2, 5),
            max(found.tile_minzoom, 5),
        ],
        "attribution": "IGN, INSEE, ANCT — Licence Ouverte 2.0",
        "vector_layers": [
            {
                "id": found.id,
                "description": found.title,
                "minzoom": found.tile_minzoom,
                "maxzoom": found.tile_maxzoom,
                "fields": dict(source.fields),
            }
        ],
    }
    if status is not None:
        # a kind without data has empty tiles: the document says it is « aucune donnée
        # chargée », not « nothing there »
        doc["dataStatus"] = status
        if status["status"] == "none":
            doc["description"] = f"{found.description} — {status['message']}."
    return doc


@bp.get("/<collection_id>.json")
@conditional
def tilejson(collection_id: str):
    """TileJSON of one collection (MapLibre, QGIS vector tile connections)."""
    return json_response(tilejson_doc(collection_id, _kind_only()))


@bp.get("/")
@conditional
def index():
    """The collections that have tiles, with their TileJSON URLs."""
    _no_params()
    return json_response(
        {
            "tilesets": [
                {"id": cid, "tilejson": url("tiles.tilejson", collection_id=cid)}
                for cid in core.SOURCES
            ]
        }
    )


def openapi_paths() -> dict:
    """OpenAPI paths of this area (relative to the site root)."""
    ids = list(core.SOURCES)
    problem = {"$ref": "#/components/responses/Problem"}
    cid = {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": ids},
    }

    kind = {
        "name": "kind",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "description": "Type de coopération : obligatoire pour `coverage`, refusé ailleurs.",
        "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"},
    }

    def coord(name: str, maximum: int) -> dict:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": maximum},
        }

    return {
        "/tiles/": {
            "get": {
                "operationId": "getTilesets",
                "summary": "Jeux de tuiles",
                "tags": ["Tuiles"],
                "responses": {
                    "200": {
                        "description": "Liste.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": problem,
                },
            }
        },
        "/tiles/{collectionId}.json": {
            "get": {
                "operationId": "getTileJSON",
                "summary": "TileJSON d'une collection",
                "tags": ["Tuiles"],
                "parameters": [cid, kind],
                "responses": {
                    "200": {
                        "description": "TileJSON 3.0.",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "required": ["tilejson", "tiles"]}
                            }
                        },
                    },
                    "400": problem,
                    "404": problem,
                    "503": problem,
                },
            }
        },
        "/tiles/{collectionId}/{z}/{x}/{y}.mvt": {
            "get": {
                "operationId": "getTile",
                "summary": "Tuile vectorielle (Mapbox Vector Tile)",
                "tags": ["Tuiles"],
                "parameters": [
                    cid,
                    coord("z", core.MAX_ZOOM),
                    coord("x", (1 << core.MAX_ZOOM) - 1),
                    coord("y", (1 << core.MAX_ZOOM) - 1),
                    kind,
                    {
                        "name": "v",
                        "in": "query",
                        "required": False,
                        "description": "Version publiée des données (URL de la TileJSON et "
                        "de la carte) : avec la version courante, la tuile est `immutable`.",
                        "schema": {"type": "integer", "minimum": 0},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "Tuile (vide : une couche sans objet).",
                        "content": {MVT: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "304": {"description": "Inchangée (ETag)."},
                    "400": problem,
                    "404": problem,
                    "503": problem,
                },
            }
        },
    }


def register(app: Flask) -> None:
    """Wire the tiles area and its cache."""
    app.extensions.setdefault(
        "geocoop.tiles.cache", VersionedCache(max_entries=20_000, max_bytes=128 * 1024 * 1024)
    )
    app.extensions.setdefault("geocoop.features.cache", VersionedCache(max_entries=256))
    app.register_blueprint(bp)
    openapi.add_paths(app, "tiles", openapi_paths)
