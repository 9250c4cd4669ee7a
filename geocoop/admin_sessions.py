"""Admin page sessions, server-side: logout really ends them.

The signed cookie holds a random session key; the database holds its SHA-256 (a copy of
the table opens no session), the token digest it speaks for and when it ended. A session
lives at most `MAX_AGE` and ends at logout; the token is re-checked on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Connection, delete, or_, select, update
from sqlalchemy.sql import func

from geocoop.models import AdminSession

MAX_AGE = timedelta(hours=12)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def open_session(conn: Connection, token_hash: str) -> str:
    """Record a new session for the token with this digest; return its key (cookie only).

    Sessions ended or expired over a day ago are forgotten on the way.
    """
    conn.execute(
        delete(AdminSession).where(
            or_(
                AdminSession.ended_at < func.now() - timedelta(days=1),
                AdminSession.created_at < func.now() - MAX_AGE - timedelta(days=1),
            )
        )
    )
    key = secrets.token_urlsafe(32)
    conn.execute(AdminSession.__table__.insert().values(id=_key_hash(key), token_hash=token_hash))
    return key


def session_token(conn: Connection, key: object) -> str | None:
    """The token digest of the live session with this key (None: unknown, ended, expired)."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return None
    return conn.execute(
        select(AdminSession.token_hash).where(
            AdminSession.id == _key_hash(key),
            AdminSession.ended_at.is_(None),
            AdminSession.created_at > func.now() - MAX_AGE,
        )
    ).scalar_one_or_none()


def end_session(conn: Connection, key: object) -> bool:
    """End the session with this key; True when a live one was ended."""
    if not isinstance(key, str) or not key:
        return False
    result = conn.execute(
        update(AdminSession)
        .where(AdminSession.id == _key_hash(key), AdminSession.ended_at.is_(None))
        .values(ended_at=func.now())
    )
    return result.rowcount > 0
