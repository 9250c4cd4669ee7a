"""The data version: caches of tiles and extents are keyed on it (see migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from geocoop.sql import statement

_VERSION = text(
    "SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) FROM geocoop_data_version"
)


def data_version(conn: Connection) -> int:
    """A number that changes whenever served data or analysis results change."""
    return int(conn.execute(_VERSION).scalar_one())


def data_modified(conn: Connection) -> datetime | None:
    """When the served data last changed (`Last-Modified`), None before the first write."""
    return conn.execute(statement("features/data_modified")).scalar_one_or_none()
