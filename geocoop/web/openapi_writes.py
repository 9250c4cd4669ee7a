"""The write operations of the OpenAPI documents.

OGC API – Features – Part 4 on the writable collections, and the members' API /api/contrib
(docs/contributing-data.md).

Every one needs a member's token (`bearerAuth`); geocoop.web.openapi merges these into the Features
paths, and the contrib area adds `contrib_paths` to the full document.
"""

from __future__ import annotations

_PROBLEM = {"$ref": "#/components/responses/Problem"}
SECURITY = [{"bearerAuth": []}]
SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "Jeton d'un membre (geocoop member add) ou d'administration "
        "(geocoop token create) ; rôle et périmètre vérifiés par le serveur.",
    }
}
_GEOJSON_FEATURE = {"schema": {"$ref": "#/components/schemas/Feature"}}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "L'ETag lu par GET sur l'objet (412 s'il a changé depuis, 428 sans).",
    "schema": {"type": "string"},
}


def _responses(ok: dict, *codes: int) -> dict:
    responses = dict(ok)
    for code in (400, 401, 403, 404, 429, *codes):  # 429: token attempts throttled
        responses[str(code)] = _PROBLEM
    return responses


def _write(op_id: str, summary: str, tag: str, params: list, body: dict | None, ok: dict) -> dict:
    op = {
        "operationId": op_id,
        "summary": summary,
        "tags": [tag],
        "security": SECURITY,
        "parameters": params,
        "responses": ok,
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    return op


def feature_write_operations(cid: str, id_schema: dict) -> dict[str, dict]:
    """Part 4 operations of collection `cid`: {path: {method.

    Operation}}, relative to the Features API.
    """
    feature_id = {"name": "featureId", "in": "path", "required": True, "schema": id_schema}
    with_etag = {
        "description": "L'objet enregistré (ETag : sa nouvelle version).",
        "content": {"application/geo+json": _GEOJSON_FEATURE},
    }
    body = {"application/geo+json": _GEOJSON_FEATURE, "application/json": _GEOJSON_FEATURE}
    patch = {
        "application/merge-patch+json": {"schema": {"type": "object"}},
        "application/json": {"schema": {"type": "object"}},
    }
    return {
        f"/collections/{cid}/items": {
            "post": _write(
                f"createFeature_{cid}",
                "Créer un objet (Part 4)",
                cid,
                [],
                body,
                _responses(
                    {"201": {**with_etag, "description": "Créé ; Location : son adresse."}},
                    413,
                    415,
                ),
            )
        },
        f"/collections/{cid}/items/{{featureId}}": {
            "put": _write(
                f"replaceFeature_{cid}",
                "Remplacer un objet (Part 4)",
                cid,
                [feature_id, _IF_MATCH],
                body,
                _responses({"200": with_etag}, 412, 413, 415, 428),
            ),
            "patch": _write(
                f"updateFeature_{cid}",
                "Modifier un objet (JSON merge patch, Part 4)",
                cid,
                [feature_id, _IF_MATCH],
                patch,
                _responses({"200": with_etag}, 412, 413, 415, 428),
            ),
            "delete": _write(
                f"deleteFeature_{cid}",
                "Supprimer un objet (Part 4)",
                cid,
                [feature_id, _IF_MATCH],
                None,
                _responses({"204": {"description": "Supprimé."}}, 412, 428),
            ),
        },
    }


def _json_ok(description: str) -> dict:
    return {"200": {"description": description, "content": {"application/json": {}}}}


def contrib_paths() -> dict:
    """The members' API (/api/contrib/…), relative to the site root."""
    number = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647},
    }
    tag = "contribution"
    reason = {"application/json": {"schema": {"type": "object", "required": ["reason"]}}}
    edit = {"application/json": {"schema": {"type": "object"}}}
    public = {
        "operationId": "cooperationHistory",
        "summary": "Historique d'une coopération",
        "tags": [tag],
        "parameters": [number],
        "responses": {
            **_json_ok("Les changements, du plus ancien au plus récent."),
            "404": _PROBLEM,
        },
    }
    return {
        "/api/contrib/me": {
            "get": _write(
                "contribMe",
                "Ce jeton : rôle, organisation, périmètre",
                tag,
                [],
                None,
                _responses(_json_ok("Le membre.")),
            )
        },
        "/api/contrib/proposals": {
            "get": _write(
                "pendingProposals",
                "Propositions en attente (modérateurs)",
                tag,
                [],
                None,
                _responses(_json_ok("La file de votre périmètre.")),
            )
        },
        "/api/contrib/proposals/{id}": {
            "get": _write(
                "proposal",
                "Une proposition en attente",
                tag,
                [number],
                None,
                _responses(_json_ok("La proposition.")),
            )
        },
        "/api/contrib/proposals/{id}/validate": {
            "post": _write(
                "validateProposal",
                "Valider : la coopération est créée",
                tag,
                [number],
                None,
                _responses(_json_ok("Validée.")),
            )
        },
        "/api/contrib/proposals/{id}/reject": {
            "post": _write(
                "rejectProposal",
                "Refuser avec un motif",
                tag,
                [number],
                reason,
                _responses(_json_ok("Refusée.")),
            )
        },
        "/api/contrib/cooperations/{id}": {
            "patch": _write(
                "editCooperation",
                "Modifier nom, champs, point (éditeurs)",
                tag,
                [number],
                edit,
                _responses(_json_ok("{before, after}"), 412),
            )
        },
        "/api/contrib/cooperations/{id}/history": {"get": public},
        "/api/contrib/changes/{id}/revert": {
            "post": _write(
                "revertChange",
                "Annuler un changement (le dernier d'une coopération)",
                tag,
                [number],
                None,
                _responses(_json_ok("{id, change, before, after}"), 409),
            )
        },
        "/api/contrib/preview": {
            "post": _write(
                "previewChange",
                "Aperçu de l'effet d'une écriture sur la couverture (rien n'est gardé)",
                tag,
                [],
                edit,
                _responses(_json_ok("{id, before, after, coverage: {type: {gained, lost}}}"), 413),
            )
        },
        "/api/contrib/organisations/{slug}/export": {
            "get": _write(
                "exportOrganisation",
                "Exporter toutes les données d'une organisation (ses membres)",
                tag,
                [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "f",
                        "in": "query",
                        "description": "geojson (coopérations + historique en `changes`) ou csv",
                        "schema": {"type": "string", "enum": ["geojson", "csv"]},
                    },
                    {
                        "name": "table",
                        "in": "query",
                        "description": "Pour f=csv : cooperations (WKT) ou changes (avant/après)",
                        "schema": {"type": "string", "enum": ["cooperations", "changes"]},
                    },
                ],
                None,
                _responses(
                    {
                        "200": {
                            "description": "Les coopérations de sa source et son historique.",
                            "content": {"application/geo+json": {}, "text/csv": {}},
                        }
                    }
                ),
            )
        },
    }
