"""A small import is refreshed row by row, and equals a full recompute.

An import that writes a few rows over current figures (a 1-row upload) refreshes only
where those rows reach (`refresh.written_rows` / `refresh_written`), with the roll-ups of
the territories holding the recomputed communes only. Each such import, committed as the
CLI and the job queue commit it, must leave every stored figure as a full refresh would.
"""

from __future__ import annotations

import random

from sqlalchemy import text

from benchmarks.snapshot import stored_snapshot
from geocoop.features.summary import summaries_current
from geocoop.orchestration import import_cooperations_then_refresh, refresh_analysis
from tests.conftest import truncate_data
from tests.support.analysis_grid import EPCI_RIGHT, add_cooperation, insert_grid, lonlat

N = 6
RIGHT_NEAREST = (
    "SELECT nearest_m FROM analysis_rollup WHERE kinds = 'tiers_lieu' AND rule = 'any' "
    f"AND level = 'epci' AND code = '{EPCI_RIGHT}' AND parent_level = ''"
)


def _stored(conn) -> tuple:
    """Every stored figure a small import can change."""
    rollups = conn.execute(
        text(
            "SELECT kinds, rule, parent_level, parent_code, level, code, communes_total, "
            "communes_covered, population, population_covered, area_km2, area_covered_km2, "
            "nearest_m FROM analysis_rollup ORDER BY 1, 2, 3, 4, 5, 6"
        )
    ).all()
    outlines = conn.execute(
        text(
            "SELECT kind_code, members_hash, communes_count, ST_AsText(ST_Normalize(geom), 6), "
            "name_fr, reason_fr FROM analysis_zone ORDER BY 1, 2"
        )
    ).all()
    pairs = conn.execute(
        text("SELECT a_id, b_id, round(score::numeric, 3) FROM analysis_synergy_pair ORDER BY 1, 2")
    ).all()
    state = conn.execute(
        text(
            "SELECT cooperation_id, kind_code, ST_AsText(location) "
            "FROM analysis_cooperation_state ORDER BY 1"
        )
    ).all()
    profiles = conn.execute(
        text("SELECT kind_code, profiles_complete FROM analysis_kind_state ORDER BY 1")
    ).all()
    # the served collections' stored counts and extents (their data version aside)
    summaries = conn.execute(
        text(
            "SELECT collection_id, number_matched, extents::text FROM collection_summary "
            "ORDER BY 1"
        )
    ).all()
    return stored_snapshot(conn), rollups, outlines, pairs, state, profiles, summaries


def _csv(path, rows: list[tuple[str, float, float]]):
    lines = ["id,nom,lat,lon"]
    for ident, x_km, y_km in rows:
        lon, lat = lonlat(x_km, y_km)
        lines.append(f"{ident},Lieu {ident},{lat:.6f},{lon:.6f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _analysed_grid(conn) -> None:
    """The grid, two tiers-lieux and a TZCLD, committed and refreshed as `geocoop analyze` does."""
    insert_grid(conn, N)
    add_cooperation(conn, "tiers_lieu", 5, 5, grid_size=N)
    add_cooperation(conn, "tiers_lieu", 45, 35, grid_size=N)
    add_cooperation(conn, "tzcld", 25, 25, grid_size=N)
    conn.commit()  # a refresh after the writes
    refresh_analysis(conn)
    conn.commit()


def test_small_imports_equal_a_full_refresh(db_engine, tmp_path):
    rng = random.Random(7)
    truncate_data(db_engine)
    try:
        with db_engine.connect() as conn:
            _analysed_grid(conn)
            idents = [f"t{i}" for i in range(4)]
            placed: dict[str, tuple[float, float]] = {}
            for turn in range(5):
                # one or two rows: new ones, or rows of the list moved (updated)
                rows = []
                for ident in rng.sample(idents, rng.randint(1, 2)):
                    placed[ident] = (rng.uniform(0.5, 59.5), rng.uniform(0.5, 59.5))
                    rows.append((ident, *placed[ident]))
                report, refreshed = import_cooperations_then_refresh(
                    conn,
                    _csv(tmp_path / f"small{turn}.csv", rows),
                    kind="tiers_lieu",
                    source="small",
                    commit_between=True,
                )
                assert report.counts["inserted"] + report.counts["updated"] == len(rows)
                # refreshed where the rows reach, not the kind over every commune
                assert refreshed["kinds"] == ["tiers_lieu"]
                assert len(refreshed["incremental"]) == len(rows), refreshed
                zones = conn.execute(
                    text(
                        "SELECT count(DISTINCT zone_id) FROM analysis_commune_kind "
                        "WHERE kind_code = 'tiers_lieu' AND zone_id IS NOT NULL"
                    )
                ).scalar()
                assert refreshed["white_zones"] == zones
                pending = conn.execute(text("SELECT count(*) FROM analysis_pending")).scalar()
                assert pending == 0
                # every collection's count stored for the data now: none recounted per request
                assert summaries_current(conn)
                small = _stored(conn)
                refresh_analysis(conn)
                assert small == _stored(conn), f"turn {turn}: {rows}"
                conn.commit()
    finally:
        truncate_data(db_engine)


def test_a_small_import_over_stale_figures_refreshes_the_kind(db_engine, tmp_path):
    """Rows written without a refresh before: the kind is recomputed whole, as before."""
    truncate_data(db_engine)
    try:
        with db_engine.connect() as conn:
            insert_grid(conn, N)
            add_cooperation(conn, "tiers_lieu", 5, 5, grid_size=N)
            conn.commit()
            refresh_analysis(conn)
            conn.commit()
            import_cooperations_then_refresh(
                conn,
                _csv(tmp_path / "a.csv", [("a", 15.0, 15.0)]),
                kind="tiers_lieu",
                source="a",
                refresh=False,
            )
            conn.commit()
            _report, refreshed = import_cooperations_then_refresh(
                conn,
                _csv(tmp_path / "b.csv", [("b", 35.0, 35.0)]),
                kind="tiers_lieu",
                source="b",
                commit_between=True,
            )
            assert "incremental" not in refreshed
            small = _stored(conn)
            refresh_analysis(conn)
            assert small == _stored(conn)
    finally:
        truncate_data(db_engine)


def test_an_upload_that_only_brings_cooperations_nearer_lowers_the_stored_nearest(
    db_engine, tmp_path
):
    """No coverage flag changed, no commune farther: the roll-ups' nearest only is lowered.

    Then (facts_rollup_nearer.sql) France is not re-aggregated over every commune; the
    stored figures must still equal a full refresh. A row moved away takes the scoped path.
    """
    truncate_data(db_engine)
    try:
        with db_engine.connect() as conn:
            _analysed_grid(conn)
            modes, nearest, outlines = [], {}, []
            # a new row where one already is (the same building); another 3 km east of the
            # second, nearer to the right-hand EPCI (no commune changes its coverage); then
            # the first moved far from both (communes lose their nearest)
            turns = [("n1", 5.0, 5.0), ("n2", 48.0, 35.0), ("n1", 30.0, 55.0)]
            for turn, row in enumerate(turns):
                _report, refreshed = import_cooperations_then_refresh(
                    conn,
                    _csv(tmp_path / f"near{turn}.csv", [row]),
                    kind="tiers_lieu",
                    source="near",
                    commit_between=True,
                )
                modes += refreshed["rollups"]
                outlines.append(refreshed["zone_outlines_changed"])
                nearest[turn] = conn.execute(text(RIGHT_NEAREST)).scalar()
                small = _stored(conn)
                refresh_analysis(conn)
                assert small == _stored(conn), f"turn {turn}: {row}, {refreshed['rollups']}"
                conn.commit()
            assert modes == ["nearer", "nearer", "scoped"]
            assert nearest[1] < nearest[0] - 2_000  # lowered in place, as a full refresh does
            # no white zone changed on the first turn: their collections were left as stored
            # (and equal a full refresh's, above); the last one uncovered communes
            assert outlines == [False, False, True]
    finally:
        truncate_data(db_engine)
