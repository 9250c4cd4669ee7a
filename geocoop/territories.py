"""Questions about the loaded territories that several areas ask (ingest, analysis)."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.sql import statement


def any_territory(conn: Connection, level: str | None = None) -> bool:
    """Whether any territory is loaded (at `level`, or at any level)."""
    return bool(conn.execute(statement("any_territory"), {"level": level}).scalar_one())
