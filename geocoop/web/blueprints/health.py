"""GET /healthz: is the database reachable, migrated, and what does it hold."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify

from geocoop.features.cache import VersionedCache
from geocoop.features.version import data_version
from geocoop.status import database_status, versioned_counts
from geocoop.web.database import cache as routed_cache
from geocoop.web.database import connection, replicas_report

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Database and replica health.

    Database reachable, PostGIS version, migration head, row counts (on the primary);
    with read replicas, each one's state and lag (a replica down does not make this 503:
    reads fall back to the primary).
    """
    conn = connection()
    # the counts are kept per data version: a health check polled every few seconds does
    # not count 36,000 communes each time
    cache: VersionedCache = routed_cache("geocoop.features.cache")
    version = data_version(conn)
    counts = cache.get(version, ("row-counts",))
    if counts is None:
        counts = versioned_counts(conn)
        cache.put(version, ("row-counts",), counts, 512)
    status = database_status(conn, counts)  # type: ignore[arg-type]
    status["ok"] = status["migration"] == status["migration_head"]
    replicas = replicas_report()
    if replicas:
        status["replicas"] = replicas
    return jsonify(status), (200 if status["ok"] else 503)


def register(app: Flask) -> None:
    """Wire /healthz and the cache its counts share with the features API."""
    app.extensions.setdefault("geocoop.features.cache", VersionedCache(max_entries=256))
    app.register_blueprint(bp)
