"""The Features API on the bundled real data (Bretagne + La Réunion)."""

from __future__ import annotations

import pytest

ROOT = "/api/features/collections"


@pytest.fixture(scope="module")
def real(demo_app):
    return demo_app.test_client()


def test_rennes_in_lambert93(real):
    l93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
    doc = real.get(f"{ROOT}/communes/items/35238?crs={l93}").get_json()
    assert doc["properties"]["name"] == "Rennes"
    assert doc["properties"]["population"] > 200_000
    assert doc["properties"]["departement_code"] == "35"
    ring = doc["geometry"]["coordinates"][0][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    # Rennes' town hall is at about (351,900, 6,789,300) in Lambert-93
    assert min(xs) < 351_900 < max(xs) and min(ys) < 6_789_300 < max(ys)


def test_levels_are_consistent(real):
    deps = real.get(f"{ROOT}/departements/items").get_json()
    codes = {f["id"] for f in deps["features"]}
    assert {"22", "29", "35", "56", "974"} <= codes
    for code in ("35", "974"):
        communes = real.get(f"{ROOT}/communes/items?departement_code={code}&limit=1").get_json()
        assert communes["numberMatched"] > 20
    reunion = real.get(f"{ROOT}/communes/items?departement_code=974&limit=100").get_json()
    assert reunion["numberReturned"] == reunion["numberMatched"] == 24


def test_cooperations_filter_by_kind_and_bbox(real):
    everything = real.get(f"{ROOT}/cooperations/items?limit=10000").get_json()
    kinds = {f["properties"]["kind_code"] for f in everything["features"]}
    assert {"tiers_lieu", "france_services"} <= kinds
    rennes = real.get(
        f"{ROOT}/cooperations/items",
        query_string={
            "bbox": "-1.75,48.05,-1.6,48.15",
            "filter": "kind_code = 'france_services' OR kind_code = 'tiers_lieu'",
        },
    ).get_json()
    for feature in rennes["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -1.75 <= lon <= -1.6 and 48.05 <= lat <= 48.15
