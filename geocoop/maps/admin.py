"""What the admin page reads: the latest imports and their rejects (tokens: geocoop.auth)."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import NotFound
from geocoop.sql import statement


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
