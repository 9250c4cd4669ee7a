"""One reference definition of a white zone, and every other path agreeing with it.

One reference definition of a white zone (docs/analysis.md, "White zones"), and every
other path that computes zones agreeing with it.

Reference: the connected components of a kind's uncovered communes (rule « any ») in the
graph of communes whose polygons intersect, found by union-find (`zones.components`). On
a grid that graph is known by hand (the 8 neighbours of a square: a shared edge or a
shared corner), so the stored adjacency is checked too. The other paths: the zones a full
refresh stores, the incremental grow/shrink/split after each random edit,
`ST_ClusterDBSCAN(eps 0)` (zones_members_live.sql) and the API's white_zones — on random
grids (fixed seeds: failures replay) and on the bundled data. The names and reasons the
refresh stores for the OGC collections (main commune, nearest cooperation, distance) agree
with the list's after every path too.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from geocoop.analysis import api
from tests.support import white_zones as wz
from tests.support.analysis_grid import (
    add_random_cooperation,
    commune_code,
    insert_grid,
    move_cooperation,
)

N = 7  # 70 km × 70 km, 49 communes
KINDS = ["tiers_lieu", "tiers_lieu", "pat"]


def _grid_edges(n: int) -> list[tuple[str, str]]:
    """Every pair of squares sharing an edge or a corner, both directions."""
    edges = []
    for row in range(n):
        for col in range(n):
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    r, c = row + dr, col + dc
                    if (dr or dc) and 0 <= r < n and 0 <= c < n:
                        edges.append((commune_code(col, row, n), commune_code(c, r, n)))
    return edges


def _check(conn, edges: list[tuple[str, str]], *, live: bool, where: str) -> int:
    """Every path agrees with the reference for every kind with data.

    Returns the number of zones seen.
    """
    seen = 0
    for kind in ("tiers_lieu", "pat"):
        nodes = wz.uncovered(conn, kind)
        expected = wz.reference(nodes, [(a, b) for a, b in edges if a in nodes and b in nodes])
        assert wz.stored(conn, kind) == expected, f"stored zones, {kind}, {where}"
        assert wz.served(conn, kind) == expected, f"white_zones, {kind}, {where}"
        if live:
            assert wz.clustered(conn, kind) == expected, f"ST_ClusterDBSCAN, {kind}, {where}"
        # the OGC collection's names and reasons, stored by the refresh, are the list's
        named = wz.collection_reasons(conn, kind)
        wz.assert_same_reasons(wz.served_reasons(conn, kind), named, f"{kind}, {where}")
        seen += len(set(expected.values()))
    return seen


@pytest.mark.parametrize("seed", [11, 12])
def test_paths_agree_with_the_reference_on_random_grids(conn, seed):
    rng = random.Random(seed)
    codes = insert_grid(conn, N)
    # short service distances: coverage leaves several zones, some joined by a corner only
    conn.execute(text("UPDATE kind SET service_distance_m = 6000 WHERE code = 'tiers_lieu'"))
    conn.execute(text("UPDATE kind SET service_distance_m = 2000 WHERE code = 'pat'"))
    ids = [add_random_cooperation(conn, rng, KINDS, N) for _ in range(rng.randint(4, 7))]
    api.refresh_all(conn)
    edges = _grid_edges(N)
    assert sorted(wz.stored_adjacency(conn, codes)) == sorted(edges)  # the graph itself
    zones_seen = _check(conn, edges, live=True, where="full refresh")
    for step in range(10):
        action = rng.choice(["add", "add", "move", "delete"]) if len(ids) > 1 else "add"
        if action == "add":
            coop = add_random_cooperation(conn, rng, KINDS, N)
            ids.append(coop)
        elif action == "move":
            coop = rng.choice(ids)
            move_cooperation(conn, coop, rng.uniform(0.5, 69.5), rng.uniform(0.5, 69.5), N)
        else:
            coop = ids.pop(rng.randrange(len(ids)))
            conn.execute(text("DELETE FROM cooperation WHERE id = :i"), {"i": coop})
        api.refresh_for_cooperation(conn, coop)
        where = f"seed {seed}, step {step}: {action} {coop}"
        zones_seen += _check(conn, edges, live=step % 3 == 0, where=where)
    assert zones_seen > 10  # the grids did hold white zones to compare


def test_paths_agree_with_the_reference_on_the_bundled_data(demo_engine):
    zones_seen = 0
    with demo_engine.connect() as conn:
        kinds = conn.execute(text("SELECT DISTINCT kind_code FROM analysis_commune_kind"))
        for kind in sorted(kinds.scalars()):
            nodes = wz.uncovered(conn, kind)
            expected = wz.reference(nodes, wz.stored_adjacency(conn, nodes))
            zones_seen += len(set(expected.values()))
            assert wz.stored(conn, kind) == expected, kind
            assert wz.clustered(conn, kind) == expected, kind
            assert wz.served(conn, kind) == expected, kind
            named = wz.collection_reasons(conn, kind)
            wz.assert_same_reasons(wz.served_reasons(conn, kind), named, kind)
    assert zones_seen > 10  # the bundled data does hold white zones to compare
