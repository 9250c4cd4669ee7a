"""Token sign-in and sign-out of the HTML pages (admin, moderation), sessions kept server-side.

The form posts a token; failures are throttled per client (geocoop.web.throttle) and the
session cookie only carries a random key whose row (geocoop.admin_sessions) ends at sign-out.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import request, session

from geocoop.admin_sessions import end_session, open_session
from geocoop.auth import token_digest
from geocoop.errors import TooBusy
from geocoop.web import i18n
from geocoop.web.database import connection
from geocoop.web.throttle import check_client, token_accepted, token_failed

T = TypeVar("T")
MAX_TOKEN_CHARS = 200


def checked_token(
    page: Callable[..., tuple], lookup: Callable[[str | None], T | None]
) -> tuple[T | None, str | None, tuple | None]:
    """Check the posted token: (what `lookup` found, its digest, None) or (None, None, refusal).

    `page(status, error=…)` renders the refusal: 429 with Retry-After for a client over
    its failed attempts, 401 for an unknown token.
    """
    try:
        check_client()
    except TooBusy as exc:
        html, status = page(429, error=exc.message)
        return None, None, (html, status, {"Retry-After": str(exc.retry_after)})
    token = (request.form.get("token") or "").strip()
    digest = token_digest(token) if token and len(token) <= MAX_TOKEN_CHARS else None
    found = lookup(digest)
    if found is None:
        token_failed()
        return None, None, page(401, error=i18n.translate("admin.bad_token"))
    token_accepted()
    return found, digest, None


def start_session(key: str, digest: str) -> None:
    """Open a server-side session for `digest` under the cookie `key`, ending any earlier one."""
    conn = connection()
    end_session(conn, session.get(key))
    session[key] = open_session(conn, digest)
    conn.commit()
    session["csrf"] = secrets.token_urlsafe(32)  # a fresh token once signed in


def end_signed_session(key: str) -> None:
    """End the session of the cookie `key` server-side (a copy no longer works) and forget it."""
    conn = connection()
    end_session(conn, session.pop(key, None))
    conn.commit()
