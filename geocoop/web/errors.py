"""One place turns errors into responses: problem+json for the API, never a traceback."""

from __future__ import annotations

import logging

import psycopg
from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from geocoop.errors import STATUS_TITLES, GeocoopError
from geocoop.web.database import retry_read_on_primary

log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str) -> Response:
    """An RFC 7807 problem response."""
    response = jsonify({"status": status, "title": title, "detail": detail})
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(GeocoopError)
    def _geocoop(exc: GeocoopError):
        response = problem(exc.status, exc.title, exc.message)
        if getattr(exc, "errors", None):  # a form's fields, each with its reason
            response.set_data(
                app.json.dumps({**response.get_json(), "errors": exc.errors}).encode()
            )
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        response.headers.update(getattr(exc, "headers", {}))  # e.g. a 405's Allow
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        title = "Fichier trop volumineux" if code == 413 else STATUS_TITLES.get(code, exc.name)
        return problem(code, title, exc.description or "")

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        # psycopg's QueryCanceled (statement timeout) is itself an OperationalError: test it
        # first, so a slow query is not reported as a database outage.
        if isinstance(exc.orig, psycopg.errors.QueryCanceled):
            return problem(503, "Requête trop longue", "La requête a dépassé le temps permis.")
        if (
            exc.connection_invalidated
            or isinstance(exc, OperationalError)
            or isinstance(exc.orig, psycopg.OperationalError)
        ):
            retried = retry_read_on_primary(exc)
            if retried is not None:
                log.warning("standby lost on %s: read again on the primary", request.path)
                return retried
            log.warning("database unavailable on %s: %s", request.path, str(exc.orig)[:200])
            return problem(503, "Base de données indisponible", "Réessayez dans quelques instants.")
        log.exception("database error on %s", request.path)
        return problem(500, "Erreur interne", "Une erreur inattendue est survenue.")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        return problem(500, "Erreur interne", "Une erreur inattendue est survenue.")
