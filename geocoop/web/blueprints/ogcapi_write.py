"""OGC API – Features – Part 4 (Create, Replace, Update, Delete) on `cooperations`.

POST /collections/cooperations/items creates (201 + Location + ETag); PUT and PATCH
(JSON merge patch) on an item replace or update it (200 + the feature + its new ETag);
DELETE removes it (204). Every write needs a member's token of role editor or above
(`Authorization: Bearer …`) and is checked against its scope; PUT, PATCH and DELETE need
`If-Match` with the item's ETag (428 without it, 412 when the object changed since).
Thin views over geocoop.orchestration.write_feature_then_refresh: the import's validation,
the edit log, the incremental analysis refresh, one transaction.
"""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, request

from geocoop.errors import BadRequest, MethodNotAllowed
from geocoop.features import query, registry
from geocoop.features.crs import CRS84, parse_crs
from geocoop.ingest.feature_writes import WRITABLE_COLLECTIONS, state_tag
from geocoop.orchestration import write_feature_then_refresh
from geocoop.web.auth import current_principal, require_role
from geocoop.web.database import connection
from geocoop.web.http import finish, json_response, reject_nul, url

bp = Blueprint("ogcapi_write", __name__, url_prefix="/api/features")
bp.before_request(reject_nul)
bp.after_request(finish)

GEOJSON = "application/geo+json"
BODY_TYPES = ("application/geo+json", "application/json")
PATCH_TYPES = ("application/merge-patch+json", *BODY_TYPES)
MAX_BODY = 256 * 1024  # one feature; a perimeter of 300 codes fits many times over


def _collection(collection_id: str):
    found = registry.get_collection(collection_id)  # NotFound for an unknown id
    if found.id not in WRITABLE_COLLECTIONS:
        raise MethodNotAllowed(
            f"La collection {found.id} est en lecture seule ; seule « cooperations » "
            "accepte les écritures (OGC API – Features – Part 4).",
            allow="GET, HEAD",
        )
    return found


def _feature_id(feature_id: str) -> int:
    if not feature_id.isdigit() or len(feature_id) > 12:
        raise BadRequest("Identifiant d'objet : un entier attendu.", status=404)
    return int(feature_id)


def _body(types: tuple[str, ...]) -> object:
    if request.mimetype not in types:
        raise BadRequest(f"Type de contenu attendu : {', '.join(types)}.", status=415)
    if (request.content_length or 0) > MAX_BODY:
        raise BadRequest("Corps trop volumineux (256 Ko au plus).", status=413)
    data = request.stream.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise BadRequest("Corps trop volumineux (256 Ko au plus).", status=413)
    content_crs = request.headers.get("Content-Crs", "").strip().strip("<>")
    if content_crs and parse_crs(content_crs) != CRS84:
        raise BadRequest("Content-Crs : seules les coordonnées CRS84 sont acceptées en écriture.")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("Corps JSON invalide.") from None


def _if_match() -> tuple[list[str], bool]:
    """The strong tags of If-Match, and whether it is `*`.

    A header holding only weak tags is kept as a tag that never matches (If-Match compares
    strongly).
    """
    header = request.if_match
    tags = sorted(header.as_set())
    if not tags and not header.star_tag and "If-Match" in request.headers:
        tags = ["-"]
    return tags, header.star_tag


def _item_response(found, cooperation_id: int, status: int = 200) -> Response:
    conn = connection()
    body = query.get_feature(conn, found, str(cooperation_id), CRS84)
    response = json_response(body, GEOJSON)
    response.status_code = status
    response.set_etag(state_tag(conn, cooperation_id))
    response.headers["Content-Crs"] = f"<{CRS84.uri}>"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/collections/<collection_id>/items")
@require_role("editor")
def create(collection_id: str):
    """Create a cooperation from a GeoJSON Feature (Part 4 « Create »)."""
    found = _collection(collection_id)
    feature = _body(BODY_TYPES)
    conn = connection()
    result = write_feature_then_refresh(conn, "create", current_principal(), feature)
    response = _item_response(found, result["id"], 201)
    conn.commit()
    response.headers["Location"] = url(
        "ogcapi.feature", collection_id=found.id, feature_id=result["id"]
    )
    return response


@bp.put("/collections/<collection_id>/items/<feature_id>")
@require_role("editor")
def replace(collection_id: str, feature_id: str):
    """Replace a cooperation by a GeoJSON Feature (Part 4 « Replace »; If-Match)."""
    return _rewrite(collection_id, feature_id, "replace", BODY_TYPES)


@bp.patch("/collections/<collection_id>/items/<feature_id>")
@require_role("editor")
def update(collection_id: str, feature_id: str):
    """Update a cooperation with a JSON merge patch (Part 4 « Update »; If-Match)."""
    return _rewrite(collection_id, feature_id, "update", PATCH_TYPES)


def _rewrite(collection_id: str, feature_id: str, operation: str, body_types):
    """Replace or update one cooperation from the request body, behind If-Match."""
    found = _collection(collection_id)
    cooperation_id = _feature_id(feature_id)
    body = _body(body_types)
    conn = connection()
    tags, star = _if_match()
    write_feature_then_refresh(
        conn, operation, current_principal(), cooperation_id, body, tags, star
    )
    response = _item_response(found, cooperation_id)
    conn.commit()
    return response


@bp.delete("/collections/<collection_id>/items/<feature_id>")
@require_role("editor")
def delete(collection_id: str, feature_id: str):
    """Delete a cooperation (Part 4 « Delete »; If-Match)."""
    _collection(collection_id)
    cooperation_id = _feature_id(feature_id)
    conn = connection()
    tags, star = _if_match()
    write_feature_then_refresh(conn, "delete", current_principal(), cooperation_id, tags, star)
    conn.commit()
    return Response(status=204)


def register(app: Flask) -> None:
    """Wire the write routes beside the Features API (same prefix)."""
    app.register_blueprint(bp)
