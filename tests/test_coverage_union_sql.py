"""geocoop_coverage_union (migration 0007) against ST_Union.

geocoop_coverage_union (migration 0007): the edge-matching dissolve used for white-zone
outlines, against ST_Union, on hand-made polygons and on the bundled communes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text


def union_wkt(conn, *envelopes) -> str:
    boxes = ", ".join(f"ST_MakeEnvelope({', '.join(map(str, e))}, 4326)" for e in envelopes)
    return conn.execute(
        text(f"SELECT ST_AsText(ST_Normalize(geocoop_coverage_union(ARRAY[{boxes}])))")
    ).scalar_one()


def same_as_st_union(conn, *envelopes) -> bool:
    boxes = ", ".join(f"ST_MakeEnvelope({', '.join(map(str, e))}, 4326)" for e in envelopes)
    return conn.execute(
        text(f"SELECT ST_Equals(geocoop_coverage_union(ARRAY[{boxes}]), ST_Union(ARRAY[{boxes}]))")
    ).scalar_one()


def test_exact_neighbours_hole_and_islands(conn):
    # two squares sharing an edge
    assert same_as_st_union(conn, (0, 0, 1, 1), (1, 0, 2, 1))
    # a ring of eight squares around a hole, plus a separate island
    ring = [(x, y, x + 1, y + 1) for x in range(3) for y in range(3) if (x, y) != (1, 1)]
    assert same_as_st_union(conn, *ring, (5, 5, 6, 6))
    rings = conn.execute(
        text(
            "SELECT ST_NumGeometries(g), ST_NumInteriorRings(ST_GeometryN(g, 1)) FROM "
            "(SELECT geocoop_coverage_union(ARRAY["
            + ", ".join(f"ST_MakeEnvelope({x}, {y}, {x + 1}, {y + 1}, 4326)" for x, y, *_ in ring)
            + "]) AS g) AS u"
        )
    ).one()
    assert tuple(rings) == (1, 1)


def test_not_a_coverage_falls_back_on_st_union(conn):
    assert same_as_st_union(conn, (0, 0, 2, 2), (1, 1, 3, 3))  # overlap
    assert same_as_st_union(conn, (0, 0, 3, 3), (1, 1, 2, 2))  # one inside the other
    assert "POLYGON" in union_wkt(conn, (0, 0, 2, 2), (1, 1, 3, 3))


def test_bundled_communes_dissolve_like_st_union(demo_engine):
    with demo_engine.connect() as conn:
        row = conn.execute(
            text(
                "WITH m AS (SELECT array_agg(geom_simplified) AS g FROM territory "
                "WHERE level = 'commune' AND departement_code IN ('22', '29', '35', '56')) "
                "SELECT ST_Area(geocoop_coverage_union(g)::geography) AS ours, "
                "ST_Area(ST_Union(g)::geography) AS theirs, "
                "ST_Area(ST_SymDifference(geocoop_coverage_union(g), ST_Union(g))::geography) "
                "AS apart FROM m"
            )
        ).one()
    assert row.ours == pytest.approx(row.theirs, rel=1e-9)
    assert row.apart < 1.0  # m²
