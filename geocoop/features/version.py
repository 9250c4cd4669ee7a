"""The data version: caches of tiles and extents are keyed on it (see migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from geocoop.sql import statement


def data_version(conn: Connection) -> int:
    """A number that changes whenever served data or analysis results change.

    On a streaming standby: the WAL replay position, see features/sql/data_version.sql.
    """
    return int(conn.execute(statement("features/data_version")).scalar_one())


def data_modified(conn: Connection) -> datetime | None:
    """When the served data last changed (`Last-Modified`), None before the first write."""
    return conn.execute(statement("features/data_modified")).scalar_one_or_none()


def published_version(conn: Connection) -> int:
    """The version of the last committed write, equal on the primary and its standbys.

    It is the `v` of versioned tile URLs (see features/sql/published_version.sql).
    """
    return int(conn.execute(statement("features/published_version")).scalar_one())
