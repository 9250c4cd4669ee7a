"""Incremental refresh equals a full recompute, over random edits on a 6 × 6 grid.

Each step adds, moves or deletes one cooperation (points, and now and then a perimeter),
refreshes incrementally, snapshots the stored figures (zones named canonically), then
runs a full recompute and compares. Seeds are fixed: failures replay.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from benchmarks.snapshot import stored_snapshot
from geocoop.analysis import api
from geocoop.features.version import data_version
from geocoop.orchestration import refresh_analysis, refresh_analysis_for_cooperation
from tests.support.analysis_grid import (
    add_cooperation,
    add_random_cooperation,
    insert_grid,
    move_cooperation,
)

N = 6  # 60 km × 60 km, 36 communes


def _outlines(conn):
    return conn.execute(
        text(
            "SELECT kind_code, zone_id, members_hash, communes_count, population, "
            "round(area_km2::numeric, 6), departements, ST_AsText(ST_Normalize(geom), 6), "
            # the names and reasons of migration 0019 agree too
            "main_commune, main_epci, epci_name, departements_count, nearest_cooperation_id, "
            "round(nearest_distance_m::numeric, 3), service_distance_m, rule, "
            "name_fr, name_en, reason_fr, reason_en FROM analysis_zone ORDER BY 1, 2"
        )
    ).all()


def _summaries(conn):
    return conn.execute(
        text(
            "SELECT collection_id, number_matched, extents::text, data_version "
            "FROM collection_summary ORDER BY 1"
        )
    ).all()


def _pairs(conn):
    return conn.execute(
        text("SELECT a_id, b_id, round(score::numeric, 3) FROM analysis_synergy_pair ORDER BY 1, 2")
    ).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits(conn, seed):
    rng = random.Random(seed)
    insert_grid(conn, N)
    ids = [
        add_cooperation(conn, "tiers_lieu", 5, 5, grid_size=N),
        add_cooperation(conn, "tiers_lieu", 55, 55, grid_size=N),
    ]
    refresh_analysis(conn)  # with the stored counts and extents, as the commands do
    kinds = ["tiers_lieu", "tiers_lieu", "tzcld", "pat"]
    for _step in range(12):
        action = rng.choice(["add", "add", "move", "delete"]) if ids else "add"
        if action == "add":
            coop = add_random_cooperation(conn, rng, kinds, N)
            ids.append(coop)
        elif action == "move":
            coop = rng.choice(ids)
            move_cooperation(conn, coop, rng.uniform(0.5, 59.5), rng.uniform(0.5, 59.5), N)
        else:
            coop = ids.pop(rng.randrange(len(ids)))
            conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": coop})
        refresh_analysis_for_cooperation(conn, coop)
        incremental, pairs = stored_snapshot(conn), _pairs(conn)
        outlines, summaries = _outlines(conn), _summaries(conn)
        assert summaries and all(version == data_version(conn) for *_rest, version in summaries)
        refresh_analysis(conn)
        assert stored_snapshot(conn) == incremental, f"seed {seed}, {action} {coop}"
        assert _pairs(conn) == pairs
        # white-zone outlines and per-collection counts/extents kept as a full refresh
        # writes them, stamped with the data version they describe
        assert _outlines(conn) == outlines, f"seed {seed}, {action} {coop}"
        assert [s[:3] for s in _summaries(conn)] == [s[:3] for s in summaries]


def test_zone_split_merge_and_rename(conn):
    """Zones split, merge and are renamed on a 3 × 3 grid.

    3 × 3 grid, one tiers-lieu at (3, 3): uncovered ring 99003-99006-99009-99008-99007
    is one zone. A second one at (27, 27) splits it into 99003 and 99007; deleting it merges
    them back; covering 99003 (the zone's name) renames the zone 99006.
    """
    insert_grid(conn)
    add_cooperation(conn, "tiers_lieu", 3, 3)
    api.refresh_all(conn)

    def zone_ids():
        return sorted(z["id"] for z in api.white_zones(conn, kind="tiers_lieu", parent_code="99"))

    assert zone_ids() == ["99003"]
    ne = add_cooperation(conn, "tiers_lieu", 27, 27)
    report = api.refresh_for_cooperation(conn, ne)
    assert zone_ids() == ["99003", "99007"] and report["zones"] >= 1
    conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": ne})
    api.refresh_for_cooperation(conn, ne)
    assert zone_ids() == ["99003"]
    se = add_cooperation(conn, "tiers_lieu", 25, 3)
    api.refresh_for_cooperation(conn, se)
    (zone,) = api.white_zones(conn, kind="tiers_lieu", parent_code="99")
    assert zone["id"] == "99007" and zone["communes"] == ["99007", "99008", "99009"]
    assert api.explain_commune(conn, "99008", "tiers_lieu")["white_zone_id"] == "99007"
