"""A by-kind refresh equals a full recompute and touches only its kinds.

A by-kind refresh (what an import triggers) equals a full recompute, over random
batches of edits on a 6 × 6 grid; and an import refreshes only the kinds it touched.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from benchmarks.snapshot import stored_snapshot
from geocoop.config import PROJECT_ROOT
from geocoop.orchestration import (
    import_cooperations_then_refresh,
    refresh_analysis,
    refresh_analysis_for_kinds,
)
from tests.support.analysis_grid import (
    add_cooperation,
    add_random_cooperation,
    insert_grid,
    move_cooperation,
)

N = 6
KINDS = ["tiers_lieu", "tzcld", "pat"]


def _outlines(conn):
    return conn.execute(
        text(
            "SELECT kind_code, zone_id, members_hash, communes_count, "
            "ST_AsText(ST_Normalize(geom), 6), "
            # the names and reasons of migration 0019 agree too
            "main_commune, main_epci, epci_name, departements_count, nearest_cooperation_id, "
            "round(nearest_distance_m::numeric, 3), service_distance_m, rule, "
            "name_fr, name_en, reason_fr, reason_en FROM analysis_zone ORDER BY 1, 2"
        )
    ).all()


def _pairs(conn):
    return conn.execute(
        text("SELECT a_id, b_id, round(score::numeric, 3) FROM analysis_synergy_pair ORDER BY 1, 2")
    ).all()


def _state(conn):
    return conn.execute(
        text(
            "SELECT cooperation_id, kind_code, ST_AsText(location), perimeter_codes "
            "FROM analysis_cooperation_state ORDER BY 1"
        )
    ).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_refresh_by_kind_equals_a_full_refresh(conn, seed):
    rng = random.Random(seed)
    insert_grid(conn, N)
    ids = [add_cooperation(conn, "tiers_lieu", 5, 5, grid_size=N)]
    refresh_analysis(conn)
    for _batch in range(4):
        touched = set()
        for _edit in range(rng.randint(1, 4)):  # a batch of edits, like one import
            action = rng.choice(["add", "add", "move", "delete", "rekind"]) if ids else "add"
            if action == "add":
                coop = add_random_cooperation(conn, rng, KINDS, N)
                ids.append(coop)
                touched.add(
                    conn.execute(
                        text("SELECT kind_code FROM cooperation WHERE id = :i"), {"i": coop}
                    ).scalar_one()
                )
                continue
            coop = rng.choice(ids)
            kind = conn.execute(
                text("SELECT kind_code FROM cooperation WHERE id = :i"), {"i": coop}
            ).scalar_one()
            touched.add(kind)
            if action == "move":
                move_cooperation(conn, coop, rng.uniform(0.5, 59.5), rng.uniform(0.5, 59.5), N)
            elif action == "rekind":
                new_kind = rng.choice(KINDS)
                conn.execute(
                    text("UPDATE cooperation SET kind_code = :k WHERE id = :i"),
                    {"k": new_kind, "i": coop},
                )
                touched.add(new_kind)
            else:
                ids.remove(coop)
                conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": coop})
        report = refresh_analysis_for_kinds(conn, sorted(touched))
        assert report["kinds"] == sorted(touched)
        by_kind = (stored_snapshot(conn), _pairs(conn), _outlines(conn), _state(conn))
        refresh_analysis(conn)
        full = (stored_snapshot(conn), _pairs(conn), _outlines(conn), _state(conn))
        assert by_kind == full, f"seed {seed}, kinds {sorted(touched)}"


def test_an_import_refreshes_only_the_kinds_it_touched(communes):
    conn = communes
    folder = PROJECT_ROOT / "tests" / "data" / "cooperations" / "perimeters"
    import_cooperations_then_refresh(conn, folder / "lieux.csv", kind="tiers_lieu", source="a")
    tiers = conn.execute(
        text("SELECT count(*) FROM analysis_commune_kind WHERE kind_code = 'tiers_lieu'")
    ).scalar_one()
    report, refreshed = import_cooperations_then_refresh(
        conn, folder / "pat_liste.csv", kind="pat", source="b"
    )
    assert report.counts["kinds_touched"] == ["pat"]
    assert refreshed["kinds"] == ["pat"]
    counts = dict(
        conn.execute(
            text("SELECT kind_code, count(*) FROM analysis_commune_kind GROUP BY 1")
        ).all()
    )
    assert counts == {"tiers_lieu": tiers, "pat": tiers}  # every commune, for both kinds
