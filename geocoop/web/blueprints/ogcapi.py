"""OGC API – Features (Parts 1, 2 and 3) under /api/features/, plus the OpenAPI documents.

Thin views: parse with geocoop.features.params, run geocoop.features.query, serialise.
Features arrive as GeoJSON text built by PostGIS; the view only joins them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, current_app, render_template, request

from geocoop.errors import BadRequest
from geocoop.features import counts, export, query, registry, webmap
from geocoop.features import schema as schemas
from geocoop.features.cache import VersionedCache
from geocoop.features.conformance import CONFORMANCE
from geocoop.features.crs import CRS84, SUPPORTED, parse_crs
from geocoop.features.params import ITEMS_PARAMETERS, parse_items_query, single
from geocoop.ingest.feature_writes import WRITABLE_COLLECTIONS, state_tag
from geocoop.web.database import cache as routed_cache
from geocoop.web.database import connection, use_primary
from geocoop.web.http import (
    collection_extents,
    collection_links_args,
    conditional,
    finish,
    json_response,
    kinds_data_status,
    link,
    reject_nul,
    settings,
    stored_summaries,
    url,
    wanted_format,
)
from geocoop.web.limits import heavy

bp = Blueprint("ogcapi", __name__, url_prefix="/api/features")

GEOJSON = "application/geo+json"
HEAVY_PAGE_SIZE = 2000  # communes, EPCI, coverage, white zones: ~5-10 MB of GeoJSON at most
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
MIMETYPES = {
    "json": "application/json",
    "html": "text/html",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
}


def _args() -> dict[str, list[str]]:
    return {key: request.args.getlist(key) for key in request.args}


def _html(template: str, **context) -> Response:
    return Response(render_template(f"ogc/{template}", **context), mimetype=MIMETYPES["html"])


# -- landing, conformance ----------------------------------------------------------
@bp.get("/", strict_slashes=False)
def landing():
    """Landing page: links to the API definition, conformance and collections."""
    fmt = wanted_format()
    doc = {
        "title": "geocoop — coopérations territoriales",
        "description": "Territoires, coopérations et résultats d'analyse (couverture, zones "
        "blanches, synergies) en OGC API – Features.",
        "links": [
            link(url("ogcapi.landing"), "self", "application/json", "Cette page (JSON)"),
            link(url("ogcapi.landing", f="html"), "alternate", "text/html", "Cette page (HTML)"),
            link(url("ogcapi.service_desc"), "service-desc", OPENAPI_JSON, "Définition OpenAPI"),
            link(
                url("ogcapi.service_desc", f="html"),
                "service-doc",
                "text/html",
                "Documentation de l'API",
            ),
            link(
                url("ogcapi.conformance"),
                "conformance",
                "application/json",
                "Classes de conformité",
            ),
            link(url("ogcapi.collections"), "data", "application/json", "Collections"),
        ],
    }
    if fmt == "html":
        return _html("landing.html", doc=doc)
    return json_response(doc)


@bp.get("/conformance")
def conformance():
    """The conformance classes this server implements."""
    doc = {"conformsTo": list(CONFORMANCE)}
    if wanted_format() == "html":
        return _html("conformance.html", doc=doc)
    return json_response(doc)


@bp.get("/api")
def service_desc():
    """The OpenAPI 3.0 document of the Features API (servers = /api/features)."""
    from geocoop.web import openapi

    if wanted_format() == "html":
        return _html("swagger.html", spec_url=url("ogcapi.service_desc", f="json"))
    return json_response(openapi.features_document(), OPENAPI_JSON)


# -- collections -----------------------------------------------------------------
def schema_links(cid: str) -> list[dict]:
    """The `describedby` link to the features' JSON schema, twice.

    GDAL's OAPIF driver types its fields from it instead of guessing from the first page, but up to
    at least GDAL 3.6 it compares the relation case-sensitively with "describedBy" (relation types
    are case-insensitive, RFC 8288: both spellings name the same relation).
    """
    href = url("ogcapi.schema", collection_id=cid)
    title = "Schéma JSON des objets (types, titres)"
    return [
        link(href, "describedby", "application/schema+json", title),
        link(href, "describedBy", "application/schema+json", title + " — GDAL < 3.7"),
    ]


def collection_doc(collection) -> dict:
    """The JSON description of one collection."""
    cid = collection.id
    doc = {
        "id": cid,
        "title": collection.title,
        "description": collection.description,
        "keywords": list(collection.keywords),
        "itemType": "feature",
        "crs": [c.uri for c in SUPPORTED],
        "storageCrs": SUPPORTED[0].uri,
        "links": [
            link(
                url("ogcapi.collection", collection_id=cid),
                "self",
                "application/json",
                collection.title,
            ),
            link(
                url("ogcapi.collection", collection_id=cid, f="html"),
                "alternate",
                "text/html",
                f"{collection.title} (HTML)",
            ),
            link(url("ogcapi.items", collection_id=cid), "items", GEOJSON, "Objets (GeoJSON)"),
            link(
                url("ogcapi.items", collection_id=cid, f="html"),
                "items",
                "text/html",
                "Objets (HTML)",
            ),
            link(
                url("ogcapi.items", collection_id=cid, f="csv"), "items", "text/csv", "Objets (CSV)"
            ),
            link(
                url("ogcapi.items", collection_id=cid, f="gpkg"),
                "items",
                MIMETYPES["gpkg"],
                "Objets (GeoPackage)",
            ),
            link(
                url("ogcapi.queryables", collection_id=cid),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "Propriétés filtrables",
            ),
            *schema_links(cid),
        ],
    }
    from geocoop.features.tiles import SOURCES

    if "tiles" in current_app.blueprints and cid in SOURCES:
        doc["links"].append(
            link(
                url("tiles.tilejson", collection_id=cid),
                "tiles",
                "application/json",
                "Tuiles vectorielles (TileJSON)",
            )
        )
    boxes = collection_extents(collection)
    if boxes:
        # metropolitan France first (what "zoom to layer" shows), then each overseas area
        doc["extent"] = {"spatial": {"bbox": boxes, "crs": SUPPORTED[0].uri}}
    # no data is not absence: say which kinds have no row here because nothing is loaded
    if collection.per_kind:
        doc["dataStatus"] = kinds_data_status()
    elif collection.kind is not None:
        doc["dataStatus"] = kinds_data_status().get(collection.kind)
    return doc


@bp.get("/collections")
@conditional
def collections():
    """Every collection with its metadata."""
    fmt = wanted_format()
    doc = {
        "links": [
            link(url("ogcapi.collections"), "self", "application/json", "Collections"),
            link(
                url("ogcapi.collections", f="html"), "alternate", "text/html", "Collections (HTML)"
            ),
        ],
        "collections": [collection_doc(c) for c in registry.all_collections()],
    }
    if fmt == "html":
        return _html("collections.html", doc=doc)
    return json_response(doc)


@bp.get("/collections/<collection_id>")
@conditional
def collection(collection_id: str):
    """One collection's metadata."""
    found = registry.get_collection(collection_id)
    fmt = wanted_format()
    doc = collection_doc(found)
    if fmt == "html":
        return _html("collection.html", doc=doc, collection=found)
    return json_response(doc)


@bp.get("/collections/<collection_id>/queryables")
def queryables(collection_id: str):
    """JSON schema of the properties usable in filters (Part 3)."""
    found = registry.get_collection(collection_id)
    fmt = wanted_format()
    doc = schemas.queryables_schema(found, url("ogcapi.queryables", collection_id=collection_id))
    if fmt == "html":
        return _html("queryables.html", doc=doc, collection=found)
    return json_response(doc, "application/schema+json")


@bp.get("/collections/<collection_id>/schema")
def schema(collection_id: str):
    """JSON schema of the collection's features (`describedby`): exact types, French titles."""
    found = registry.get_collection(collection_id)
    for name in request.args:
        if name != "f":
            raise BadRequest(f"Paramètre inconnu : {name[:60]!r}.")
    if request.args.get("f") not in (None, "json"):
        raise BadRequest("Paramètre f : valeur json attendue.")
    doc = schemas.feature_schema(found, url("ogcapi.schema", collection_id=collection_id))
    return json_response(doc, "application/schema+json")


# -- items -----------------------------------------------------------------------
def _page_links(collection_id: str, q, has_next: bool, fmt_type: str) -> list[dict]:
    args = {k: request.args.get(k) for k in request.args}
    base = url("ogcapi.items", collection_id=collection_id)
    links = [
        link(f"{base}?{collection_links_args(args)}".rstrip("?"), "self", fmt_type, "Cette page"),
        link(
            f"{base}?{collection_links_args(args, f='html')}",
            "alternate",
            "text/html",
            "Cette page (HTML)",
        ),
        link(
            url("ogcapi.collection", collection_id=collection_id),
            "collection",
            "application/json",
            "La collection",
        ),
    ]
    if has_next:
        nxt = collection_links_args(args, offset=str(q.offset + q.limit), limit=str(q.limit))
        links.append(link(f"{base}?{nxt}", "next", GEOJSON, "Page suivante"))
    if q.offset > 0:
        prev = collection_links_args(
            args, offset=str(max(0, q.offset - q.limit)), limit=str(q.limit)
        )
        links.append(link(f"{base}?{prev}", "prev", GEOJSON, "Page précédente"))
    return links


@bp.get("/collections/<collection_id>/items")
@conditional
def items(collection_id: str):
    """A page of features, filtered by bbox, properties and CQL2; GeoJSON, HTML, CSV or GPKG."""
    found = registry.get_collection(collection_id)
    conf = settings()
    args = _args()
    if "f" not in args:
        args["f"] = [wanted_format(("json", "html", "csv", "gpkg"))]
    q = parse_items_query(
        found, args, default_limit=conf.default_page_size, max_limit=conf.max_page_size
    )
    if q.format in ("csv", "gpkg"):
        return _export(found, q, explicit_limit="limit" in args)
    version, stored = stored_summaries()
    cache: VersionedCache = routed_cache("geocoop.features.cache")
    counter = counts.MatchCounter(cache, version, stored)
    if q.profile == "umap" and q.format == "json":
        q.limit = webmap.page_limit(found, q, "limit" in args, conf.max_page_size)
        return _web_map_page(found, q, counter)
    if found.heavy:
        # big polygons: smaller pages, clients follow `next` (the standard allows fewer)
        q.limit = min(q.limit, HEAVY_PAGE_SIZE)
    page = query.items_page(connection(), found, q, counter, properties=q.properties)
    headers = {"Content-Crs": f"<{q.crs.uri}>"}
    if q.format == "html":
        features = [json.loads(f) for f in page.features]
        return _html(
            "items.html",
            collection=found,
            features=features,
            page=page,
            q=q,
            links=_page_links(collection_id, q, page.has_next, "text/html"),
        )
    meta = {
        "numberReturned": len(page.features),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": _page_links(collection_id, q, page.has_next, GEOJSON),
    }
    if page.number_matched is not None:
        meta["numberMatched"] = page.number_matched
    tail = json.dumps(meta, ensure_ascii=False)[1:]
    body = '{"type":"FeatureCollection","features":[' + ",".join(page.features) + "]," + tail
    response = json_response(body, GEOJSON)
    response.headers.update(headers)
    return response


def _web_map_page(found, q, counter) -> Response:
    """The `umap` profile: the whole bbox up to a bound, or an even sample.

    The `umap` profile: the whole bbox up to the documented bound, or an even sample
    and a notice feature; light geometries; name, description and colour.
    """
    page = webmap.items_page(connection(), found, q, counter)
    meta = {
        "numberReturned": len(page.features) - (1 if page.truncated else 0),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "truncated": page.truncated,
        "links": _page_links(found.id, q, False, GEOJSON),
    }
    if page.number_matched is not None:
        meta["numberMatched"] = page.number_matched
    tail = json.dumps(meta, ensure_ascii=False)[1:]
    body = '{"type":"FeatureCollection","features":[' + ",".join(page.features) + "]," + tail
    response = json_response(body, GEOJSON)
    response.headers["Content-Crs"] = f"<{q.crs.uri}>"
    return response


def _export(found, q, *, explicit_limit: bool) -> Response:
    with heavy():  # a whole collection at once: one of the few heavy slots
        rows = export.export_rows(
            connection(), found, q, explicit_limit=explicit_limit, maximum=settings().max_page_size
        )
        name = f"{found.id}.{q.format}"
        if q.format == "csv":
            response = Response(export.to_csv(found, rows), mimetype=MIMETYPES["csv"])
        else:
            response = Response(export.to_gpkg(found, rows, q.crs), mimetype=MIMETYPES["gpkg"])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/collections/<collection_id>/items/<feature_id>")
def feature(collection_id: str, feature_id: str):
    """One feature by its id.

    A writable collection's item (Part 4) carries the object's own version as its strong ETag,
    what a write's If-Match names; the others are cached on the data version.
    """
    found = registry.get_collection(collection_id)
    if found.id in WRITABLE_COLLECTIONS:
        use_primary()  # its ETag goes into a write's If-Match: never a standby's old one
        return _versioned_feature(found, feature_id)
    return _cached_feature(found, feature_id)


@conditional
def _cached_feature(found, feature_id: str) -> Response:
    return _feature_response(found, feature_id)


def _versioned_feature(found, feature_id: str) -> Response:
    """The item with its state tag as strong ETag.

    The item with ETag = its state tag (plus a suffix for another format or CRS, so each
    representation has its own strong tag; If-Match compares the state part).
    """
    response = _feature_response(found, feature_id)  # NotFound first
    value = query.parse_feature_id(found, feature_id)
    tag = state_tag(connection(), int(value))
    fmt, crs = wanted_format(), request.args.get("crs", "")
    if (fmt, parse_crs(crs or None)) != ("json", CRS84):
        tag += "-" + hashlib.sha256(f"{fmt}|{crs}".encode()).hexdigest()[:8]
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: editors need the last state
    response.vary.add("Accept")
    return response


def _feature_response(found, feature_id: str) -> Response:
    for name in request.args:
        if name not in ("f", "crs"):
            raise BadRequest(f"Paramètre inconnu : {name[:60]!r}.")
    collection_id = found.id
    fmt = wanted_format()
    crs = parse_crs(single(_args(), "crs"))
    text = query.get_feature(connection(), found, feature_id, crs)
    self_url = url("ogcapi.feature", collection_id=collection_id, feature_id=feature_id)
    links = [
        link(self_url, "self", GEOJSON, "Cet objet"),
        link(self_url + "?f=html", "alternate", "text/html", "Cet objet (HTML)"),
        link(
            url("ogcapi.collection", collection_id=collection_id),
            "collection",
            "application/json",
            found.title,
        ),
    ]
    if fmt == "html":
        return _html("feature.html", collection=found, feature=json.loads(text), links=links)
    body = text[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}"
    response = json_response(body, GEOJSON)
    response.headers["Content-Crs"] = f"<{crs.uri}>"
    return response


# -- the whole service's OpenAPI document ---------------------------------------------
root = Blueprint("openapi_root", __name__)
root.after_request(finish)
bp.after_request(finish)
bp.before_request(reject_nul)


@root.get("/api")
def api_document():
    """OpenAPI 3.0 document of every read endpoint (features, tiles, analysis)."""
    from geocoop.web import openapi

    if wanted_format() == "html":
        return _html("swagger.html", spec_url=url("openapi_root.api_document", f="json"))
    return json_response(openapi.full_document(), OPENAPI_JSON)


def register(app: Flask) -> None:
    """Wire the Features API, its caches, the OpenAPI documents and compression."""
    app.extensions.setdefault("geocoop.features.cache", VersionedCache(max_entries=256))
    app.register_blueprint(bp)
    app.register_blueprint(root)


__all__ = ["ITEMS_PARAMETERS", "register"]
