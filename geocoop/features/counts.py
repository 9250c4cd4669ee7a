"""`numberMatched` without repeated work: stored counts, or one bounded count per filter.

An unfiltered page takes the count stored at write time (geocoop.features.summary) while
the data version is unchanged. A filtered page counts once, under a short statement
timeout; the result — or the fact that it timed out — is cached for the data version, so
the pages of one download never re-run it, and a count that is too slow is omitted (the
member is optional in OGC API – Features).
"""

from __future__ import annotations

from collections.abc import Hashable

import psycopg
from sqlalchemy import Connection, Subquery, and_, func, select
from sqlalchemy.exc import OperationalError

from geocoop.db import current_setting, set_local
from geocoop.features.cache import VersionedCache
from geocoop.features.params import ItemQuery
from geocoop.features.spec import Collection
from geocoop.features.summary import Summary, read_summaries

COUNT_TIMEOUT_MS = 2000  # a filtered count longer than this is omitted
_TIMED_OUT = -1


def is_unfiltered(q: ItemQuery) -> bool:
    """True when `q` selects the whole collection (paging aside)."""
    return q.bbox is None and not q.equals and not q.cql and q.period is None


def filter_key(collection: Collection, q: ItemQuery) -> Hashable:
    """What identifies the set of features `q` selects (not the page)."""
    equals = tuple(sorted((k, str(v)) for k, v in q.equals.items()))
    return ("count", collection.id, q.bbox, equals, q.cql, q.filter_crs.uri, q.period)


def summaries(conn: Connection, cache: VersionedCache, version: int) -> dict[str, Summary]:
    """The stored summaries, read once per data version."""
    found = cache.get(version, ("summaries",))
    if found is None:
        found = read_summaries(conn)
        cache.put(version, ("summaries",), found, 64 * (len(found) + 1))
    return found  # type: ignore[return-value]


def bounded_count(
    conn: Connection, base: Subquery, clauses: list, timeout_ms: int = COUNT_TIMEOUT_MS
) -> int | None:
    """COUNT(*) of the matches under a statement timeout of `timeout_ms` (None beyond)."""
    previous = current_setting(conn, "statement_timeout")
    savepoint = conn.begin_nested()
    try:
        set_local(conn, "statement_timeout", f"{timeout_ms}ms")
        count = conn.execute(
            select(func.count()).select_from(base).where(and_(True, *clauses))
        ).scalar_one()
        set_local(conn, "statement_timeout", previous)
    except OperationalError as exc:
        savepoint.rollback()  # also restores the statement timeout
        if isinstance(exc.orig, psycopg.errors.QueryCanceled):
            return None
        raise
    savepoint.commit()
    return int(count)


class MatchCounter:
    """numberMatched for the pages of one request (stored, cached or bounded)."""

    def __init__(self, cache: VersionedCache, version: int, stored: dict[str, Summary]) -> None:
        """`stored`: the summaries read for `version`."""
        self.cache = cache
        self.version = version
        self.stored = stored

    def __call__(
        self, conn: Connection, collection: Collection, q: ItemQuery, base, clauses
    ) -> int | None:
        """The number of features matching `q`, or None when it cannot be had cheaply."""
        if is_unfiltered(q):
            summary = self.stored.get(collection.id)
            if summary is not None and summary.data_version == self.version:
                return summary.number_matched
        key = filter_key(collection, q)
        found = self.cache.get(self.version, key)
        if found is None:
            count = bounded_count(conn, base, clauses)
            found = _TIMED_OUT if count is None else count
            self.cache.put(self.version, key, found, 128)
        return None if found == _TIMED_OUT else int(found)  # type: ignore[arg-type]
