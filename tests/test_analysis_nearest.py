"""The set-based nearest search gives the rows of the per-commune probe.

`compute.nearest_points` finds each commune's nearest point set-based from
SET_BASED_NEAREST communes on (Voronoi cell candidates, the points probing the communes'
boxes) and by one nearest-neighbour probe per commune below: both must store the very
same rows (nearest id, distances, coverage flag, reach box), ties and duplicates included.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from geocoop.analysis import compute
from geocoop.sql import statement
from tests.support.analysis_grid import add_cooperation, commune_code, insert_grid

ROWS = text(
    "SELECT commune_code, nearest_cooperation_id, nearest_edge_m, nearest_center_m, "
    "covered_distance, ST_AsEWKB(reach) FROM analysis_work ORDER BY commune_code"
)


def _both_ways(conn, kind: str, distance_m: float, profile: dict | None = None) -> list:
    """analysis_work rows of `kind` computed each way; asserts they are equal."""
    exact = compute.NO_PROFILE
    if profile is not None:
        exact = {"exact": True, **{f"p_{k}": v for k, v in profile.items()}}
    compute.prepare(conn)  # empties the scratch tables
    conn.execute(statement("analysis/load_communes"), {"communes": None})
    rows = []
    for set_based in (False, True):
        conn.execute(text("TRUNCATE analysis_work"))
        conn.execute(statement("analysis/reset_kind"))
        conn.execute(statement("analysis/load_kind"), {"kind": kind, **compute.NO_FILTERS, **exact})
        compute.nearest_points(conn, kind, distance_m, set_based=set_based)
        rows.append(conn.execute(ROWS).all())
    assert rows[0] == rows[1]
    return rows[1]


def test_set_based_equals_probe_on_the_bundled_data(demo_engine):
    """Every kind with points of the bundled data (1,226 communes), and two PAT profiles."""
    with demo_engine.connect() as conn:
        kinds = conn.execute(
            text(
                "SELECT kind_code, count(*) FROM cooperation WHERE location IS NOT NULL "
                "GROUP BY 1 ORDER BY 1"
            )
        ).all()
        assert len(kinds) >= 3
        for kind, _count in kinds:
            rows = _both_ways(conn, kind, 10_000.0)
            assert len(rows) >= 1000 and all(r[1] is not None for r in rows)
        profiles = conn.execute(
            text(
                "SELECT category, socio_economic_model, stage FROM cooperation "
                "WHERE kind_code = 'pat' AND location IS NOT NULL GROUP BY 1, 2, 3 LIMIT 2"
            )
        ).all()
        for category, model, stage in profiles:
            _both_ways(
                conn,
                "pat",
                30_000.0,
                {"category": category, "model": model, "stage": stage},
            )
        conn.rollback()


@pytest.mark.parametrize("seed", [1, 2])
def test_set_based_equals_probe_on_a_grid(conn, seed):
    """Few points, one point, points sharing a location, points outside every commune."""
    rng = random.Random(seed)
    insert_grid(conn, 6)
    first = add_cooperation(conn, "tiers_lieu", 12.0, 17.0, grid_size=6)
    # one point: no Voronoi cell, every commune takes the fallback candidate
    assert {r[1] for r in _both_ways(conn, "tiers_lieu", 5_000.0)} == {first}
    # the same place twice: the lower id wins the tie
    add_cooperation(conn, "tiers_lieu", 12.0, 17.0, grid_size=6)
    assert {r[1] for r in _both_ways(conn, "tiers_lieu", 5_000.0)} == {first}
    for _ in range(12):
        add_cooperation(
            conn,
            "tiers_lieu",
            rng.uniform(-15, 75),  # some outside the grid
            rng.uniform(-15, 75),
            commune=commune_code(0, 0, 6),
            grid_size=6,
        )
    rows = _both_ways(conn, "tiers_lieu", 5_000.0)
    assert len({r[1] for r in rows}) > 2
