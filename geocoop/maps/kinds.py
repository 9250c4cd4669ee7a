"""The cooperation kinds as the map legend shows them."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.sql import statement


def map_kinds(conn: Connection) -> list[dict]:
    """Kinds with label, colour (Okabe-Ito), icon, service distance and cooperation count."""
    return [dict(r._mapping) for r in conn.execute(statement("maps/kinds"))]
