"""Analysis on a hand-checkable 3 × 3 grid of 10 km squares (tests/support/analysis_grid.py).

Tiers-lieux (service distance 15 km) at (3, 3) km and (27, 27) km from the south-west
corner. Edge distances from (3, 3): 99002 and 99004 7 km, 99005 9.9 km, 99003/99007 17 km;
from (27, 27): 99006/99008 7 km, 99005 9.9 km. So every square but 99003 (3,000 inh.) and
99007 (7,000 inh.) is covered, and those two, which touch no common edge, are two white
zones. A PAT without a point has a perimeter over x 10–26 km, y 10–20 km: all of 99005 and
60 % of 99006.
"""

from __future__ import annotations

import pytest
from pyproj import Geod
from sqlalchemy import text

from benchmarks.snapshot import stored_snapshot
from geocoop.analysis import api
from geocoop.errors import BadRequest, NotFound
from tests.support.analysis_grid import add_cooperation, insert_grid, lonlat, move_cooperation

GEOD = Geod(ellps="GRS80")


@pytest.fixture
def grid(conn):
    insert_grid(conn)
    ids = {
        "tl_sw": add_cooperation(conn, "tiers_lieu", 3, 3, name="TL sud-ouest"),
        "tl_ne": add_cooperation(conn, "tiers_lieu", 27, 27, name="TL nord-est"),
        "pat": add_cooperation(
            conn,
            "pat",
            None,
            None,
            name="PAT centre",
            perimeter_km=(10, 10, 26, 20),
            commune="99005",
        ),
    }
    api.refresh_all(conn)
    return ids


def _by_code(rows):
    return {r["code"]: r for r in rows}


def test_commune_coverage_by_distance(conn, grid):
    rows = _by_code(api.coverage(conn, level="commune", parent_code="99", kinds=["tiers_lieu"]))
    assert len(rows) == 9
    uncovered = {c for c, r in rows.items() if r["communes_covered"] == 0}
    assert uncovered == {"99003", "99007"}
    assert rows["99001"]["nearest_distance_m"] == 0
    assert rows["99002"]["nearest_distance_m"] == pytest.approx(7000, rel=0.005)
    assert rows["99005"]["nearest_distance_m"] == pytest.approx(7000 * 2**0.5, rel=0.005)
    assert rows["99003"]["nearest_distance_m"] == pytest.approx(17000, rel=0.005)


def test_rollups_add_up(conn, grid):
    france = api.coverage(conn, level="france", kinds=["tiers_lieu"])
    grid_row = _by_code(api.coverage(conn, level="departement", kinds=["tiers_lieu"]))["99"]
    assert grid_row["population"] == 45000
    assert grid_row["population_covered"] == 35000
    assert grid_row["population_uncovered"] == 10000
    assert grid_row["communes_covered"] == 7
    assert grid_row["cooperations"] == 2
    assert grid_row["cooperations_per_100k"] == pytest.approx(2 / 45000 * 1e5, abs=0.001)
    assert grid_row["population_covered_pct"] == pytest.approx(77.78, abs=0.01)
    epci = api.coverage(conn, level="epci", parent_code="99", kinds=["tiers_lieu"])
    communes = api.coverage(conn, level="commune", parent_code="99", kinds=["tiers_lieu"])
    for rows in (epci, communes, france):
        assert sum(r["population_covered"] for r in rows) >= 35000 or rows is france
    for rows in (epci, communes):
        assert sum(r["population"] for r in rows) == 45000
        assert sum(r["population_covered"] for r in rows) == 35000
        assert sum(r["area_km2"] for r in rows) == pytest.approx(grid_row["area_km2"], rel=1e-4)
    for r in epci + communes + france:
        assert r["population_covered"] + r["population_uncovered"] == r["population"]
    by_epci = _by_code(epci)
    assert by_epci["999000002"]["population_covered"] == 6000 + 9000
    assert 99 < grid_row["area_km2"] / 9 < 101  # 10 km squares, a little larger on the ground


def test_perimeter_rule(conn, grid):
    rows = _by_code(
        api.coverage(conn, level="commune", parent_code="99", kinds=["pat"], rule="perimeter")
    )
    assert {c for c, r in rows.items() if r["communes_covered"]} == {"99005", "99006"}
    assert (
        _by_code(
            api.coverage(conn, level="commune", parent_code="99", kinds=["pat"], rule="distance")
        )["99005"]["communes_covered"]
        == 0
    )
    explained = api.explain_commune(conn, "99006", "pat")
    assert explained["covered_by_perimeter"] and not explained["covered_by_distance"]
    (reason,) = explained["reasons"]
    assert reason["via"] == "area_share"
    assert reason["area_share"] == pytest.approx(0.6, abs=0.01)
    assert "60 %" in explained["message"]


def test_union_of_kinds_and_rules(conn, grid):
    both = _by_code(
        api.coverage(conn, level="commune", parent_code="99", kinds=["tiers_lieu", "pat"])
    )
    assert sum(r["communes_covered"] for r in both.values()) == 7
    no_pat = _by_code(api.coverage(conn, level="departement", kinds=["pat"], rule="any"))
    assert no_pat["99"]["population_covered"] == 5000 + 6000


def test_distance_override_and_filters_live(conn, grid):
    wide = _by_code(
        api.coverage(
            conn, level="commune", parent_code="99", kinds=["tiers_lieu"], distance_m=18000
        )
    )
    assert all(r["communes_covered"] for r in wide.values())
    narrow = _by_code(
        api.coverage(conn, level="commune", parent_code="99", kinds=["tiers_lieu"], distance_m=1000)
    )
    assert {c for c, r in narrow.items() if r["communes_covered"]} == {"99001", "99009"}
    filtered = api.coverage(
        conn, level="departement", kinds=["tiers_lieu"], filters={"stage": ["emergence"]}
    )
    # no tiers-lieu has a known stage: no figure (never 0 %), and the note says why
    assert filtered[0]["population_covered"] is None and filtered[0]["cooperations"] is None
    assert filtered[0]["population_covered_pct"] is None and filtered[0]["population"] > 0
    assert "2 coopérations sans stade renseigné, exclues" in filtered[0]["data_note"]
    with pytest.raises(BadRequest):
        api.coverage(conn, level="canton")
    with pytest.raises(BadRequest):
        api.coverage(conn, level="commune", kinds=["nope"])
    with pytest.raises(NotFound):
        api.coverage(conn, level="commune", parent_code="00")


def test_white_zones(conn, grid):
    zones = api.white_zones(conn, kind="tiers_lieu")
    grid_zones = [z for z in zones if z["communes"][0].startswith("990")]
    assert [(z["id"], z["population"]) for z in grid_zones] == [("99007", 7000), ("99003", 3000)]
    top = grid_zones[0]
    assert top["departements"] == ["99"] and top["epci"] == ["999000001"]
    assert top["nearest_cooperation_distance_m"] == pytest.approx(17000, rel=0.005)
    assert top["geometry"]["type"] == "MultiPolygon"
    # the perimeter rule alone leaves 7 squares uncovered, all connected
    (pat_zone,) = api.white_zones(conn, kind="pat", rule="perimeter", parent_code="99")
    assert pat_zone["communes_count"] == 7 and pat_zone["population"] == 45000 - 11000


def test_epci_without(conn, grid):
    codes = {r["code"] for r in api.epci_without(conn, "tiers_lieu", parent_code="99")}
    assert codes == set()  # each EPCI holds one tiers-lieu
    # no France services loaded: no EPCI can be said to lack one (not "every EPCI")
    assert api.epci_without(conn, "france_services", parent_code="99") == []
    add_cooperation(conn, "france_services", 3, 3, name="FS", commune="99001")
    add = {r["code"] for r in api.epci_without(conn, "france_services", parent_code="99")}
    assert add == {"999000002"}


def test_explain_distance(conn, grid):
    e = api.explain_commune(conn, "99002", "tiers_lieu")
    assert e["covered"] and e["reasons"][0]["rule"] == "distance"
    assert e["reasons"][0]["cooperation_id"] == grid["tl_sw"]
    e = api.explain_commune(conn, "99007", "tiers_lieu")
    assert not e["covered"] and e["white_zone_id"] == "99007"
    assert "n'est pas couverte" in e["message"]
    with pytest.raises(NotFound):
        api.explain_commune(conn, "00000", "tiers_lieu")


def test_distances_match_pyproj(conn, grid):
    # centre distance: from the point-on-surface of 99009 (its centre, 25, 25) to (3, 3)
    e = api.explain_commune(conn, "99009", "tiers_lieu")
    assert e["nearest"]["cooperation_id"] == grid["tl_ne"]
    centre = conn.execute(
        text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM territory "
            "WHERE level = 'commune' AND code = '99009') x"
        )
    ).one()
    lon, lat = lonlat(27, 27)
    _f, _b, expected = GEOD.inv(centre[0], centre[1], lon, lat)
    assert e["nearest"]["distance_center_m"] == pytest.approx(expected, rel=0.005)
    # edge distance: 99003's nearest point to (3, 3) is its west edge at x = 20 km
    e = api.explain_commune(conn, "99003", "tiers_lieu")
    lon0, lat0 = lonlat(3, 3)
    lon1, lat1 = lonlat(20, 3)
    _f, _b, expected = GEOD.inv(lon0, lat0, lon1, lat1)
    assert e["nearest"]["distance_edge_m"] == pytest.approx(expected, rel=0.005)


def _snapshot(conn):
    return stored_snapshot(conn)


def _pairs(conn):
    return conn.execute(
        text("SELECT a_id, b_id, round(score::numeric, 3) FROM analysis_synergy_pair ORDER BY 1, 2")
    ).all()


def test_incremental_equals_full(conn, grid):
    new = add_cooperation(conn, "tiers_lieu", 25, 5, name="TL sud-est")
    report = api.refresh_for_cooperation(conn, new)
    assert 0 < report["communes"] < 9 * 2
    incremental, pairs = _snapshot(conn), _pairs(conn)
    zones = {z["id"] for z in api.white_zones(conn, kind="tiers_lieu", parent_code="99")}
    assert zones == {"99007"}
    api.refresh_all(conn)
    assert _snapshot(conn) == incremental and _pairs(conn) == pairs
    # move it to the north-west corner: 99007 covered, 99003 uncovered again
    move_cooperation(conn, new, 5, 25)
    api.refresh_for_cooperation(conn, new)
    incremental = _snapshot(conn)
    zones = {z["id"] for z in api.white_zones(conn, kind="tiers_lieu", parent_code="99")}
    assert zones == {"99003"}
    api.refresh_all(conn)
    assert _snapshot(conn) == incremental
    # delete it, and one of the original two: the zones merge
    conn.execute(
        text("DELETE FROM cooperation WHERE id IN (:a, :b)"), {"a": new, "b": grid["tl_ne"]}
    )
    api.refresh_for_cooperation(conn, new)
    api.refresh_for_cooperation(conn, grid["tl_ne"])
    incremental = _snapshot(conn)
    (zone,) = api.white_zones(conn, kind="tiers_lieu", parent_code="99")
    assert zone["id"] == "99003" and zone["communes"] == [
        "99003",
        "99006",
        "99007",
        "99008",
        "99009",
    ]
    api.refresh_all(conn)
    assert _snapshot(conn) == incremental
