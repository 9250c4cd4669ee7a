"""gunicorn's own error answers as problem+json.

gunicorn's own error answers (414 request line too long, 431 headers too large, 400 bad
request line…) as problem+json, like every answer of the application.

gunicorn answers these before the application sees the request, with an HTML page written
by `gunicorn.util.write_error`; gunicorn.conf.py installs `write_problem` in its place (the
only hook gunicorn offers for it). The client's raw input is not echoed back.
"""

from __future__ import annotations

import json

from geocoop.errors import STATUS_TITLES

_DETAILS = {
    400: "Requête HTTP mal formée.",
    403: "Requête refusée.",
    414: "Ligne de requête trop longue : raccourcissez l'adresse (filtres en POST ?).",
    417: "En-tête Expect non pris en charge.",
    431: "En-têtes trop nombreux ou trop longs.",
    500: "Une erreur inattendue est survenue.",
    501: "Codage de transfert non pris en charge.",
}


def problem_bytes(status: int, reason: str) -> bytes:
    """A complete HTTP/1.1 response carrying an RFC 7807 problem (connection closed)."""
    body = json.dumps(
        {
            "status": status,
            "title": STATUS_TITLES.get(status, reason),
            "detail": _DETAILS.get(status, reason),
        }
    ).encode("ascii")  # json.dumps escapes non-ASCII: the body is plain ASCII
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


def write_problem(sock, status_int: int, reason: str, _mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error (same signature)."""
    from gunicorn import util

    util.write_nonblock(sock, problem_bytes(status_int, reason))


def install() -> None:
    """Make gunicorn answer its own errors with write_problem."""
    from gunicorn import util

    util.write_error = write_problem
