"""Every write needs a token: `Authorization: Bearer <token>` (or form field `token`)."""

from __future__ import annotations

import functools

from flask import g, request

from geocoop.auth import verify_token
from geocoop.errors import Unauthorized
from geocoop.web.database import connection


def request_token() -> str | None:
    """The token sent with this request, if any."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-Geocoop-Token") or request.form.get("token") or None


def require_token(view):
    """Refuse the request with 401 unless it carries an active token; sets `g.token_name`."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        name = verify_token(connection(), request_token())
        if name is None:
            raise Unauthorized("Jeton d'écriture absent, invalide ou révoqué.")
        g.token_name = name
        return view(*args, **kwargs)

    return wrapper
