"""A long writer moves the data version once when it publishes, not at every statement.

The data version keys every cache and ETag (features/version.py). It is a sequence, which a
transaction moves before it commits: an import or a refresh that bumped it at each of its
statements dropped every cached answer again and again for minutes while readers still saw
the old committed data. The orchestration's writers now defer their bumps
(`defer_bumps`) and move the version when they store the collections' summaries
(`refresh_summaries` → `publish`), just before their commit (migration 0021).
"""

from __future__ import annotations

from sqlalchemy import text

from geocoop.features.cache import VersionedCache
from geocoop.features.summary import refresh_summaries, summaries_current
from geocoop.features.version import data_version, defer_bumps
from geocoop.orchestration import import_cooperations_then_refresh, refresh_analysis
from tests.conftest import truncate_data
from tests.support.analysis_grid import add_cooperation, insert_grid, lonlat

N = 4


def _grid(db_engine) -> None:
    truncate_data(db_engine)
    with db_engine.begin() as conn:
        insert_grid(conn, N)
        add_cooperation(conn, "tiers_lieu", 5, 5, grid_size=N)
    with db_engine.begin() as conn:
        refresh_analysis(conn)


def _version(db_engine) -> int:
    with db_engine.connect() as reader:
        return data_version(reader)


def test_an_import_and_its_refresh_move_the_version_once_each(db_engine, tmp_path):
    _grid(db_engine)
    try:
        lon, lat = lonlat(25, 25)
        path = tmp_path / "one.csv"
        path.write_text(f"id,nom,lat,lon\nx1,Lieu x1,{lat:.6f},{lon:.6f}\n", encoding="utf-8")
        before = _version(db_engine)
        with db_engine.connect() as conn:
            report, refreshed = import_cooperations_then_refresh(
                conn, path, kind="tiers_lieu", source="deferred", commit_between=True
            )
            assert report.counts["inserted"] == 1 and refreshed["kinds"] == ["tiers_lieu"]
            # the rows' commit, then the figures' commit: two versions, whatever the
            # number of statements that wrote (dozens: rows, history, facts, roll-ups…)
            assert data_version(conn) - before == 2
            assert summaries_current(conn)
    finally:
        truncate_data(db_engine)


def test_readers_see_the_version_move_at_publish_not_at_each_write(db_engine):
    _grid(db_engine)
    try:
        start = _version(db_engine)
        with db_engine.connect() as writer:
            defer_bumps(writer)
            add_cooperation(writer, "tzcld", 15, 15, grid_size=N)
            writer.execute(text("UPDATE cooperation SET name = name || ' (bis)'"))
            assert _version(db_engine) == start  # written, not committed: nothing new to see
            refresh_summaries(writer)  # publishes: the version its rows are served under
            published = _version(db_engine)
            assert published == start + 1
            writer.commit()
            assert _version(db_engine) == published
            with db_engine.connect() as reader:
                assert summaries_current(reader)

            # a write after the publish: the commit moves the version again
            defer_bumps(writer)
            refresh_summaries(writer)
            writer.execute(text("UPDATE cooperation SET name = name || '!'"))
            assert _version(db_engine) == published + 1
            writer.commit()
            assert _version(db_engine) == published + 2
            with db_engine.connect() as reader:
                assert not summaries_current(reader)  # they describe the data before it

            # a deferring transaction rolled back moves nothing
            defer_bumps(writer)
            writer.execute(text("UPDATE cooperation SET name = name || '?'"))
            writer.rollback()
            assert _version(db_engine) == published + 2

            # a writer that does not defer bumps at each statement, as before
            writer.execute(text("UPDATE cooperation SET name = name || '.'"))
            assert _version(db_engine) == published + 3
            writer.rollback()
    finally:
        truncate_data(db_engine)


def test_a_version_counting_an_uncommitted_write_is_neither_cached_nor_tagged(db_engine, client):
    """Between a writer's bump and its commit, readers answer but keep nothing (0023)."""
    _grid(db_engine)
    try:
        cache = VersionedCache()
        with db_engine.connect() as reader:
            before = data_version(reader)
            assert before.settled
        first = client.get("/api/features/collections")
        assert first.headers.get("ETag") and first.headers["Cache-Control"] != "no-store"

        with db_engine.connect() as writer:
            defer_bumps(writer)
            add_cooperation(writer, "tzcld", 15, 15, grid_size=N)
            assert _version(db_engine).settled  # deferred: nothing bumped yet
            refresh_summaries(writer)  # publishes, then commits below
            with db_engine.connect() as reader:
                during = data_version(reader)
            assert during == before + 1 and not during.settled
            assert data_version(writer).settled  # the writer's own reads see its rows
            cache.put(during, "answer", "older rows")
            assert cache.get(during, "answer") is None
            answered = client.get("/api/features/collections")
            assert answered.status_code == 200
            assert "ETag" not in answered.headers
            assert answered.headers["Cache-Control"] == "no-store"
            writer.commit()

        with db_engine.connect() as reader:
            after = data_version(reader)
        assert after == during and after.settled
        cache.put(after, "answer", "rows of the version")
        assert cache.get(after, "answer") == "rows of the version"
        tagged = client.get("/api/features/collections")
        assert tagged.headers.get("ETag") and tagged.headers["ETag"] != first.headers["ETag"]

        # a writer that does not defer is unsettled from its first write to its end
        with db_engine.connect() as writer:
            writer.execute(text("UPDATE cooperation SET name = name || '.'"))
            assert not _version(db_engine).settled
            writer.rollback()
        assert _version(db_engine).settled
    finally:
        truncate_data(db_engine)
