"""Write tokens: created once, shown once, stored as SHA-256, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import Connection, select, update
from sqlalchemy.sql import func

from geocoop.models import ApiToken

TOKEN_PREFIX = "gc_"


def token_digest(token: str) -> str:
    """SHA-256 of a token: what is stored, and what the admin session keeps instead of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_token_name(conn: Connection, digest: str | None) -> str | None:
    """Name of the active (not revoked) token with this digest, or None."""
    if not digest:
        return None
    row = conn.execute(
        select(ApiToken.name, ApiToken.token_hash).where(
            ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None)
        )
    ).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row.name


def create_token(conn: Connection, name: str) -> str:
    """Create a token called `name`; return the clear token (never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(ApiToken.__table__.insert().values(name=name, token_hash=token_digest(token)))
    return token


def revoke_token(conn: Connection, name: str) -> int:
    """Revoke every active token called `name`; return how many were revoked."""
    result = conn.execute(
        update(ApiToken)
        .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    return result.rowcount


def verify_token(conn: Connection, token: str | None) -> str | None:
    """Name of the active token matching `token`, or None."""
    if not token or len(token) > 200:
        return None
    return active_token_name(conn, token_digest(token))


def list_tokens(conn: Connection) -> list[dict]:
    """Every token's name and dates (never the token)."""
    rows = conn.execute(
        select(ApiToken.name, ApiToken.created_at, ApiToken.revoked_at).order_by(ApiToken.id)
    )
    return [dict(r._mapping) for r in rows]
