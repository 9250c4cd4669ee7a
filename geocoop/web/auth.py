"""Every write needs a token: `Authorization: Bearer <token>` (or form field `token`)."""

from __future__ import annotations

import functools

from flask import g, request, session

from geocoop.auth import Principal, principal_for_digest, verify_principal, verify_token
from geocoop.errors import Forbidden, Unauthorized
from geocoop.web.database import connection
from geocoop.web.throttle import check_client, token_accepted, token_failed

MEMBER_SESSION_KEY = "member_token"  # the digest a member signed in with (/moderation)


def signed_in_member() -> Principal | None:
    """The member signed in on the moderation page, if still active.

    The member this session signed in with on the moderation page, if its token is still active
    and its role editor or above (re-read on every request).
    """
    principal = principal_for_digest(connection(), session.get(MEMBER_SESSION_KEY))
    return principal if principal is not None and principal.has_role("editor") else None


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
        check_client()
        sent = request_token()
        name = verify_token(connection(), sent)
        if name is None:
            if sent:
                token_failed()
            raise Unauthorized("Jeton d'écriture absent, invalide ou révoqué.")
        token_accepted()
        g.token_name = name
        return view(*args, **kwargs)

    return wrapper


def require_role(role: str):
    """Refuse the request without an active token of at least `role`.

    Refuse the request with 401 without an active token, 403 below `role`
    (contributor < editor < moderator < admin); sets `g.principal`. The scope (kinds,
    territories) is checked by the core function the view calls.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            check_client()
            sent = request_token()
            principal = verify_principal(connection(), sent)
            if principal is None:
                if sent:
                    token_failed()
                raise Unauthorized("Jeton absent, invalide ou révoqué.")
            token_accepted()
            if not principal.has_role(role):
                raise Forbidden(f"Ce jeton ({principal.role}) ne permet pas cette action.")
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorator


def current_principal() -> Principal:
    """The principal `require_role` found for this request."""
    return g.principal
