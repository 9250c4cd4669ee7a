"""GET /healthz: is the database reachable, migrated, and what does it hold."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify

from geocoop.features.cache import VersionedCache
from geocoop.status import database_status
from geocoop.web.database import connection, replicas_report
from geocoop.web.http import row_counts

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Database and replica health.

    Database reachable, PostGIS version, migration head, row counts (on the primary);
    with read replicas, each one's state and lag (a replica down does not make this 503:
    reads fall back to the primary).
    """
    status = database_status(connection(), row_counts())
    status["ok"] = status["migration"] == status["migration_head"]
    replicas = replicas_report()
    if replicas:
        status["replicas"] = replicas
    return jsonify(status), (200 if status["ok"] else 503)


def register(app: Flask) -> None:
    """Wire /healthz and the cache its counts share with the features API."""
    app.extensions.setdefault("geocoop.features.cache", VersionedCache(max_entries=256))
    app.register_blueprint(bp)
