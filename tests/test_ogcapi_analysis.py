"""Analysis results as OGC collections agree with geocoop.analysis.api on the grid."""

from __future__ import annotations

import pytest

ROOT = "/api/features/collections"


@pytest.mark.parametrize(
    ("collection", "level"),
    [
        ("coverage-epci", "epci"),
        ("coverage-departements", "departement"),
        ("coverage-regions", "region"),
    ],
)
@pytest.mark.parametrize("kind", ["tiers_lieu", "pat"])
def test_rollups_match_the_analysis_api(app, analysed, collection, level, kind):
    from geocoop.analysis.api import coverage
    from geocoop.web.database import engine

    with app.app_context(), engine().connect() as connection:
        expected = coverage(connection, level=level, kinds=[kind], rule="any")
    doc = analysed.get(f"{ROOT}/{collection}/items?kind_code={kind}").get_json()
    got = {f["properties"]["code"]: f["properties"] for f in doc["features"]}
    assert set(got) == {row["code"] for row in expected}
    for row in expected:
        props = got[row["code"]]
        for field in (
            "population",
            "communes_total",
            "communes_covered",
            "population_covered",
            "population_uncovered",
        ):
            assert props[field] == row[field], (field, row["code"])
        assert props["population_covered_pct"] == pytest.approx(row["population_covered_pct"])


@pytest.mark.parametrize(
    "collection", ["coverage", "coverage-epci", "coverage-departements", "white-zones"]
)
def test_kind_without_data_has_no_row_and_the_collection_says_why(analysed, collection):
    """No TZCLD loaded: no row, no white zone, and the data status says why.

    No TZCLD loaded: no commune or territory is listed as "not covered", no white zone;
    the collection document gives each kind's data status.
    """
    doc = analysed.get(f"{ROOT}/{collection}/items?kind_code=tzcld").get_json()
    assert doc["features"] == [] and doc["numberReturned"] == 0
    meta = analysed.get(f"{ROOT}/{collection}").get_json()
    assert meta["dataStatus"]["tzcld"] == {
        "status": "none",
        "cooperations": 0,
        "vintage": None,
        "message": "aucune donnée chargée",
        "message_en": "no data loaded",
        "recomputing": False,  # figures current (not between an import and its refresh)
    }
    assert meta["dataStatus"]["tiers_lieu"]["status"] == "partial"
    listed = analysed.get(ROOT).get_json()["collections"]
    assert "dataStatus" in next(c for c in listed if c["id"] == collection)
    assert "dataStatus" not in next(c for c in listed if c["id"] == "communes")


def test_commune_coverage_explains_itself(analysed):
    doc = analysed.get(f"{ROOT}/coverage/items?kind_code=tiers_lieu&covered=false").get_json()
    # tiers-lieux at (-1.55, 48.25) and (-1.75, 48.25), 15 km reach: the bottom row is out
    assert sorted(f["properties"]["commune_code"] for f in doc["features"]) == [
        "35001",
        "35002",
        "35003",
    ]
    assert all(f["properties"]["zone_id"] == "35001" for f in doc["features"])
    zones = analysed.get(f"{ROOT}/white-zones/items?kind_code=tiers_lieu").get_json()
    assert [(f["id"], f["properties"]["population"]) for f in zones["features"]] == [
        ("tiers_lieu-35001", 6000)
    ]
    pairs = analysed.get(f"{ROOT}/synergy-candidates/items?a_kind=pat").get_json()
    assert {f["properties"]["b_kind"] for f in pairs["features"]} == {"tiers_lieu"}
    assert all(f["geometry"]["type"] == "LineString" for f in pairs["features"])
