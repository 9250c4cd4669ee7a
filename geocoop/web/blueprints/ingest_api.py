"""Authenticated uploads: `POST /api/ingest/cooperations` and `POST /api/ingest/partnerships`.

Multipart form: `file` (required), `kind`, `source`, `dry_run`, optional `mapping` file.
The view checks the upload and hands it to geocoop.web.uploads.run_upload (core import,
analysis refresh, commit after a successful real import) and returns the report as JSON
(rejects included).
Oversized bodies are refused by Flask (MAX_CONTENT_LENGTH → 413).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, g, jsonify, request
from werkzeug.datastructures import FileStorage

from geocoop.errors import BadRequest
from geocoop.ingest.cooperations_read import TABULAR, VECTOR
from geocoop.web.auth import require_token
from geocoop.web.uploads import run_upload

bp = Blueprint("ingest_api", __name__, url_prefix="/api/ingest")
_TRUE = {"1", "true", "yes", "on", "oui"}


def register(app: Flask) -> None:
    """Attach the upload API to the app."""
    app.register_blueprint(bp)


def _upload(field: str, allowed: dict, *, required: bool = True) -> FileStorage | None:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        if required:
            raise BadRequest(f"Champ « {field} » manquant : envoyez le fichier en multipart.")
        return None
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in allowed:
        raise BadRequest(
            f"{upload.filename} : extension « {suffix} » non prise en charge "
            f"({', '.join(sorted(allowed))})."
        )
    return upload


def _flag(name: str) -> bool:
    return (request.form.get(name) or "").strip().lower() in _TRUE


@bp.post("/cooperations")
@require_token
def cooperations():
    """Import a cooperation list; returns the report (counts, warnings, rejects)."""
    from geocoop.ingest.cooperations import import_cooperations

    upload = _upload("file", {**TABULAR, **VECTOR})
    mapping = _upload("mapping", {".yaml": "", ".yml": "", ".json": ""}, required=False)
    body = run_upload(
        import_cooperations,
        upload,
        actor=g.token_name,
        kind=request.form.get("kind") or None,
        source=request.form.get("source") or None,
        dry_run=_flag("dry_run"),
        mapping_upload=mapping,
    )
    return jsonify(body), 200 if body["counts"].get("dry_run") else 201


@bp.post("/partnerships")
@require_token
def partnerships():
    """Import declared partnerships; returns the report."""
    from geocoop.ingest.partnerships import import_partnerships

    upload = _upload("file", TABULAR)
    body = run_upload(
        import_partnerships,
        upload,
        actor=g.token_name,
        source=request.form.get("source") or None,
        dry_run=_flag("dry_run"),
    )
    return jsonify(body), 200 if body["counts"].get("dry_run") else 201
