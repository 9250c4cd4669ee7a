"""Errors as types: each carries an HTTP status and a safe public message."""

from __future__ import annotations

# problem+json titles by HTTP status, for errors without a more precise type
STATUS_TITLES = {
    400: "Requête invalide",
    401: "Jeton requis",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non permise",
    408: "Requête trop lente",
    409: "Conflit",
    413: "Contenu trop volumineux",
    414: "Adresse (URI) trop longue",
    412: "Précondition échouée",
    415: "Type de contenu non pris en charge",
    428: "Précondition requise",
    429: "Trop de tentatives",
    431: "En-têtes trop volumineux",
    500: "Erreur interne",
    503: "Service indisponible",
}


class GeocoopError(Exception):
    """Base error: `message` is safe to show to a user (no internals)."""

    status = 500
    title = "Erreur interne"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        """An error with its public message; `status` overrides the class's HTTP status."""
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
            if type(self).title == GeocoopError.title:  # a bare error given a status
                self.title = STATUS_TITLES.get(status, GeocoopError.title)


class ConfigurationError(GeocoopError):
    """Bad settings or missing system components; the CLI prints it on one line."""

    title = "Configuration invalide"


class DatabaseUnavailable(GeocoopError):
    """The database cannot be reached (503 on the web)."""

    status = 503
    title = "Base de données indisponible"


class NotMigrated(GeocoopError):
    """The database schema is behind the code's migrations."""

    status = 503
    title = "Schéma non migré"


class BadRequest(GeocoopError):
    """A request parameter is invalid."""

    status = 400
    title = "Requête invalide"


class NotFound(GeocoopError):
    """The requested resource does not exist."""

    status = 404
    title = "Introuvable"


class NoData(GeocoopError):
    """A figure was asked of a kind with no data loaded.

    There is nothing to say, and an empty answer would read as "nobody there".
    """

    status = 409
    title = "Aucune donnée chargée"


class Unauthorized(GeocoopError):
    """A write was attempted without a valid token."""

    status = 401
    title = "Jeton requis"


class Forbidden(GeocoopError):
    """The token is valid but its role or scope does not allow this write."""

    status = 403
    title = "Accès refusé"


class MethodNotAllowed(GeocoopError):
    """A write on a resource that is only read; `headers` carries its `Allow`."""

    status = 405
    title = "Méthode non permise"

    def __init__(self, message: str, *, allow: str) -> None:
        """`allow`: the methods the resource accepts (the `Allow` header)."""
        super().__init__(message)
        self.headers = {"Allow": allow}


class PreconditionFailed(GeocoopError):
    """An `If-Match` names a version of the object that is no longer the current one.

    The object changed since the client read it (optimistic concurrency).
    """

    status = 412
    title = "Précondition échouée"


class PreconditionRequired(GeocoopError):
    """A write that replaces or deletes an object came without `If-Match`."""

    status = 428
    title = "Précondition requise"


class IngestError(GeocoopError):
    """A file cannot be ingested; the message names file, line/feature and field."""

    status = 400
    title = "Fichier refusé"


class LimitExceeded(IngestError):
    """A file goes past a size, shape or time limit of an import; the message names it."""

    status = 413
    title = "Limite dépassée"


class TooBusy(GeocoopError):
    """Every slot for this kind of request is taken: come back after `retry_after` s."""

    status = 429
    title = "Trop de requêtes"

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        """Too busy: try again after `retry_after` seconds (the Retry-After header)."""
        super().__init__(message)
        self.retry_after = retry_after
