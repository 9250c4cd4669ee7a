"""Cooperations near a territory: the shortcuts of cooperations_near.sql change no row."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.maps.territory import cooperations_near


def _ids(conn, sql: str) -> list[int]:
    return [r[0] for r in conn.execute(text(sql))]


@pytest.mark.parametrize("kinds", [None, ["pat"], ["tiers_lieu"]])
def test_capped_list_is_the_head_of_the_whole_list_on_the_bundled_data(demo_engine, kinds):
    # A capped list with more cooperations inside than the cap takes the « full inside »
    # shortcut (only points at 0 m measured); the uncapped one measures every point.
    with demo_engine.connect() as conn:
        ids = _ids(
            conn,
            "(SELECT id FROM territory WHERE level IN ('region', 'departement')) UNION ALL "
            "(SELECT id FROM territory WHERE level = 'epci' "
            " ORDER BY population DESC NULLS LAST LIMIT 3)",
        )
        large = _ids(conn, "SELECT id FROM territory WHERE ST_NPoints(geom) >= 2000")
        assert large, "the bundled Bretagne outline exercises the large-outline path"
        shortcut = 0
        for territory_id in ids:
            whole = cooperations_near(conn, territory_id, limit=100_000, kinds=kinds)
            inside = sum(1 for r in whole if r["distance_m"] == 0)
            for limit in (1, 7, 60):
                assert cooperations_near(conn, territory_id, limit=limit, kinds=kinds) == (
                    whole[:limit]
                )
                shortcut += territory_id in large and inside >= limit
    assert kinds == ["pat"] or shortcut  # the shortcut was taken at least once


def test_outside_points_get_their_geodesic_distance(demo_engine):
    # Points east of Bretagne (inside, just outside, beyond 20 km), in a transaction rolled
    # back: every listed distance is PostGIS's own distance to the outline, rounded to the
    # metre, and nothing within 20 km is left out (the large outline's estimate path).
    with demo_engine.connect() as conn, conn.begin():
        conn.execute(
            text(
                "INSERT INTO cooperation (kind_code, name, source, source_id, location) "
                "SELECT 'ptce', 'Est ' || i || '-' || j, 'near-test', i || '-' || j, "
                "ST_SetSRID(ST_MakePoint(-1.3 + i * 0.04, 47.4 + j * 0.08), 4326) "
                "FROM generate_series(0, 20) AS i, generate_series(0, 16) AS j"
            )
        )
        region = _ids(conn, "SELECT id FROM territory WHERE level = 'region' AND code = '53'")[0]
        rows = cooperations_near(conn, region, limit=100_000, kinds=["ptce"])
        exact = dict(
            conn.execute(
                text(
                    "SELECT c.id, round(ST_Distance(c.location::geography, "
                    "t.geom::geography))::int FROM cooperation AS c, territory AS t "
                    "WHERE t.id = :t AND c.source = 'near-test'"
                ),
                {"t": region},
            ).all()
        )
        conn.rollback()
    listed = {r["id"]: r["distance_m"] for r in rows}
    # the grid has points inside, within 20 km outside and beyond
    assert any(d > 0 for d in listed.values()) and any(d > 20_000 for d in exact.values())
    for coop, distance in exact.items():
        if coop in listed and listed[coop] > 0:
            assert listed[coop] == distance
        if distance > 0:
            assert (coop in listed) == (distance <= 20_000)
