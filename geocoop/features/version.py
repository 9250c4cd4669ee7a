"""The data version: caches of tiles and extents are keyed on it (see migration 0005)."""

from __future__ import annotations

from sqlalchemy import Connection, text

_VERSION = text(
    "SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) FROM geocoop_data_version"
)


def data_version(conn: Connection) -> int:
    """A number that changes whenever served data or analysis results change."""
    return int(conn.execute(_VERSION).scalar_one())
