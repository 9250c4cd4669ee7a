"""GET /healthz: is the database reachable, migrated, and what does it hold."""

from __future__ import annotations

from flask import Blueprint, jsonify

from geocoop.status import database_status
from geocoop.web.database import connection

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Database reachable, PostGIS version, migration head, row counts."""
    status = database_status(connection())
    status["ok"] = status["migration"] == status["migration_head"]
    return jsonify(status), (200 if status["ok"] else 503)
