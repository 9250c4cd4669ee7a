"""The Flask application factory."""

from __future__ import annotations

import secrets

from flask import Flask

from geocoop.config import Settings, load_settings


def create_app(overrides: dict | None = None, settings: Settings | None = None) -> Flask:
    """Build the app: defaults, then GEOCOOP_* environment variables, then `overrides`.

    Nothing connects to the database here; the engine connects on first use.
    """
    from geocoop.web import (
        database,
        errors,
        hosts,
        jobs,
        limits,
        security,
        status_memo,
        throttle,
    )
    from geocoop.web.blueprints import health
    from geocoop.web.bodies import BodyDeadline

    settings = settings or load_settings(overrides)
    app = Flask(__name__)
    app.config.update(
        GEOCOOP=settings,
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    database.init_app(app)
    jobs.init_app(app)
    limits.init_app(app)
    throttle.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    hosts.init_app(app)
    status_memo.init_app(app)
    app.wsgi_app = BodyDeadline(
        app.wsgi_app,
        slots=settings.threads // 2,
        timeout_s=settings.body_timeout_s,
        min_kbps=settings.body_min_kbps,
        max_bytes=app.config["MAX_CONTENT_LENGTH"],
    )
    health.register(app)
    _register_areas(app)
    return app


def _register_areas(app: Flask) -> None:
    from geocoop.web.blueprints import AREAS

    for area in AREAS:
        area.register(app)
