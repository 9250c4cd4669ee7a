"""The data version: caches of tiles and extents are keyed on it (see migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, event

from geocoop.sql import sql_source, statement

# conn.info key: this transaction defers its bumps (set by defer_bumps, dropped at its end)
_DEFERRING = "geocoop.defer_version"


class DataVersion(int):
    """The data version, and whether every write it counts is committed (`settled`).

    A writer bumps the version before its commit; a reader that reads the new number in
    between still sees the older rows. Its version is then not settled: what it answers is
    correct for the rows it sees, but must not be cached or given an `ETag` under that
    number (migration 0023). `VersionedCache.put` and the web's `ETag`s check it.
    """

    settled: bool

    def __new__(cls, value: int, settled: bool = True) -> DataVersion:
        """`value`, settled or not."""
        version = super().__new__(cls, value)
        version.settled = settled
        return version


def data_version(conn: Connection) -> DataVersion:
    """A number that changes whenever served data or analysis results change.

    On a streaming standby: the WAL replay position, see features/sql/data_version.sql.
    Not `settled` while a writer that bumped it has not committed.
    """
    row = conn.execute(statement("features/data_version")).one()
    return DataVersion(int(row.version), bool(row.settled))


def settled(version: int) -> bool:
    """Whether answers of `version` may be cached (a plain number is)."""
    return getattr(version, "settled", True)


def data_modified(conn: Connection) -> datetime | None:
    """When the served data last changed (`Last-Modified`), None before the first write."""
    return conn.execute(statement("features/data_modified")).scalar_one_or_none()


def published_version(conn: Connection) -> int:
    """The version of the last committed write, equal on the primary and its standbys.

    It is the `v` of versioned tile URLs (see features/sql/published_version.sql).
    """
    return int(conn.execute(statement("features/published_version")).scalar_one())


def defer_bumps(conn: Connection) -> None:
    """Hold the data-version bumps of this transaction's writes until it publishes.

    A long writer (an import, a refresh) then moves the version once, when it stores the
    collections' summaries just before its commit (`publish`, called by
    `features.summary.refresh_summaries`), instead of at every statement: until then the
    committed data is unchanged, and readers keep their cached answers. Should it write
    after publishing, its commit bumps the version again (`_publish_at_commit`).
    """
    conn.execute(statement("features/version_defer"))
    conn.info[_DEFERRING] = True


def deferring(conn: Connection) -> bool:
    """Whether this connection's transaction holds its version bumps (`defer_bumps`)."""
    return bool(conn.info.get(_DEFERRING))


def publish(conn: Connection) -> None:
    """Bump the data version now for what this deferring transaction wrote."""
    conn.execute(statement("features/version_publish"), {"only_if_written": False})


@event.listens_for(Engine, "commit")
def _publish_at_commit(conn: Connection) -> None:
    # A deferring transaction that wrote after its last publish (or never published) must
    # not commit without moving the version, or caches would keep the older answers.
    # Run on the driver's cursor: the SQLAlchemy transaction is already committing.
    if conn.info.pop(_DEFERRING, False):
        with conn.connection.dbapi_connection.cursor() as cursor:
            cursor.execute(sql_source("features/version_publish_if_written"))


@event.listens_for(Engine, "rollback")
def _forget_deferring(conn: Connection) -> None:
    if not conn.invalidated:  # an invalidated connection's info would reconnect it
        conn.info.pop(_DEFERRING, None)
