"""What the admin page reads: the session's token, the latest imports and their rejects."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection

from geocoop.errors import NotFound
from geocoop.sql import statement


def token_digest(token: str) -> str:
    """SHA-256 of a token: what the admin session keeps instead of the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_token_name(conn: Connection, digest: str | None) -> str | None:
    """Name of the active token with `digest` (None when unknown or revoked since)."""
    if not digest:
        return None
    return conn.execute(statement("maps/active_token_by_hash"), {"digest": digest}).scalar()


def recent_runs(conn: Connection, target: str = "cooperations", limit: int = 20) -> list[dict]:
    """The latest imports of `target`, newest first."""
    rows = conn.execute(statement("maps/recent_runs"), {"target": target, "limit": limit})
    return [dict(r._mapping) for r in rows]


def run_by_id(conn: Connection, run_id: int) -> dict:
    """One import with its rejects; NotFound when absent."""
    row = conn.execute(statement("maps/run_by_id"), {"run_id": run_id}).first()
    if row is None:
        raise NotFound(f"Aucun import n° {run_id}.")
    return dict(row._mapping)
