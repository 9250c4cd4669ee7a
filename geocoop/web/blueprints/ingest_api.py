"""Authenticated uploads: `POST /api/ingest/cooperations`, `POST /api/ingest/partnerships`, jobs.

Multipart form: `file` (required), `kind`, `source`, `dry_run`, optional `mapping` file.
The view checks the upload and queues it (geocoop.web.uploads.submit_upload): `202 Accepted`
with the job's URL, `GET /api/ingest/jobs/<id>`, which gives the status and, once the single
writer has run the import and the analysis refresh, the report (rejects included) or the
error. Every upload is a job, dry runs included.
Oversized bodies are refused by Flask (MAX_CONTENT_LENGTH → 413).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, g, jsonify, request, url_for
from werkzeug.datastructures import FileStorage

from geocoop.errors import BadRequest
from geocoop.ingest.cooperations_read import TABULAR, VECTOR
from geocoop.web.auth import require_token
from geocoop.web.jobs import job_document, recent_jobs
from geocoop.web.uploads import submit_upload

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


def _accepted(job: dict):
    """202 Accepted: the job's document, its URL in `Location`, a polling hint."""
    url = url_for("ingest_api.job", job_id=job["id"])
    response = jsonify({**job, "url": url})
    response.status_code = 202
    response.headers["Location"] = url
    response.headers["Retry-After"] = "1"
    return response


@bp.post("/cooperations")
@require_token
def cooperations():
    """Queue a cooperation list for import; 202 with the job URL (the report comes there)."""
    upload = _upload("file", {**TABULAR, **VECTOR})
    mapping = _upload("mapping", {".yaml": "", ".yml": "", ".json": ""}, required=False)
    job = submit_upload(
        "cooperations",
        upload,
        actor=g.token_name,
        kind=request.form.get("kind") or None,
        source=request.form.get("source") or None,
        dry_run=_flag("dry_run"),
        mapping_upload=mapping,
    )
    return _accepted(job)


@bp.post("/partnerships")
@require_token
def partnerships():
    """Queue declared partnerships for import; 202 with the job URL."""
    upload = _upload("file", TABULAR)
    job = submit_upload(
        "partnerships",
        upload,
        actor=g.token_name,
        source=request.form.get("source") or None,
        dry_run=_flag("dry_run"),
    )
    return _accepted(job)


@bp.get("/jobs/<int:job_id>")
@require_token
def job(job_id: int):
    """One upload job: status, stage, queue position; the report (or the error) once ended."""
    found = job_document(job_id)
    response = jsonify({**found, "url": url_for("ingest_api.job", job_id=job_id)})
    if found["status"] in ("queued", "running"):
        response.headers["Retry-After"] = "2"
    return response


@bp.get("/jobs")
@require_token
def jobs_list():
    """The latest upload jobs, newest first (without their reports)."""
    found = recent_jobs(50)
    for item in found:
        item["url"] = url_for("ingest_api.job", job_id=item["id"])
    return jsonify({"count": len(found), "items": found})
