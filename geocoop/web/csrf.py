"""Per-session CSRF tokens for the public forms (the admin page keeps its own)."""

from __future__ import annotations

import hmac
import secrets

from flask import request, session


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok() -> bool:
    """Whether the posted form carries this session's token.

    True when the posted form carries this session's token (compared in constant time,
    as UTF-8 bytes: compare_digest refuses non-ASCII str).
    """
    sent = request.form.get("csrf", "").encode("utf-8", "surrogatepass")
    expected = str(session.get("csrf", "")).encode("utf-8", "surrogatepass")
    return bool(sent) and hmac.compare_digest(sent, expected)


def csrf_header_ok() -> bool:
    """True when a script's request carries this session's token in `X-CSRF-Token`."""
    sent = request.headers.get("X-CSRF-Token", "").encode("utf-8", "surrogatepass")
    expected = str(session.get("csrf", "")).encode("utf-8", "surrogatepass")
    return bool(sent) and hmac.compare_digest(sent, expected)
