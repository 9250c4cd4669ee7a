"""/api/analysis/… with f=geojson: the same rows as JSON, with geometries.

/api/analysis/… with f=geojson: the same rows as JSON, each with a geometry (territory
outlines, lines between pairs), checkable by hand on the 3×3 grid of 0.1° squares.
"""

from __future__ import annotations

import pytest

API = "/api/analysis"
GEOJSON = "application/geo+json"


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    rings = geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        rings = [ring for polygon in rings for ring in polygon]
    points = [p for ring in rings for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def collection(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == GEOJSON
    doc = response.get_json()
    assert doc["type"] == "FeatureCollection"
    return doc


def test_coverage_rows_get_their_commune_outline(analysed):
    doc = collection(analysed, f"{API}/coverage?level=commune&parent=35&kind=pat&f=geojson")
    plain = analysed.get(f"{API}/coverage?level=commune&parent=35&kind=pat").get_json()
    assert [f["properties"] for f in doc["features"]] == plain["items"]
    assert doc["data_status"] == plain["data_status"]
    for feature in doc["features"]:
        west, south, east, north = bounds(feature["geometry"])
        assert east - west == pytest.approx(0.1, abs=1e-6)
        assert north - south == pytest.approx(0.1, abs=1e-6)
        assert west >= -1.8 and east <= -1.5 and south >= 48.0 and north <= 48.3


def test_children_are_features_and_the_territory_a_member(analysed):
    path = f"{API}/territories/epci/200000001/coverage?kind=tiers_lieu"
    doc = collection(analysed, path + "&f=geojson")
    plain = analysed.get(path).get_json()
    assert doc["territory"] == plain["territory"]
    assert [f["properties"]["code"] for f in doc["features"]] == [
        c["code"] for c in plain["children"]
    ]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in doc["features"])


def test_synergy_pairs_are_lines_from_a_to_b(analysed):
    doc = collection(analysed, f"{API}/synergy-candidates?f=geojson")
    plain = analysed.get(f"{API}/synergy-candidates").get_json()["items"]
    assert len(doc["features"]) == len(plain) > 0
    points = {
        "PTCE du Carré": [-1.75, 48.05],
        "PAT de l'Ouest": [-1.65, 48.15],
        "La Grange": [-1.75, 48.25],
        '=HYPERLINK("x")': [-1.55, 48.25],
    }
    for feature, row in zip(doc["features"], plain, strict=True):
        props = feature["properties"]
        assert (props["a_id"], props["b_id"]) == (row["a"]["id"], row["b"]["id"])
        assert props["score"] == row["score"]
        line = feature["geometry"]
        assert line["type"] == "LineString"
        assert line["coordinates"] == [points[props["a_name"]], points[props["b_name"]]]


@pytest.mark.parametrize(
    "path",
    [
        "/missing-complements?level=commune&parent=35",
        "/synergy-index?level=commune&parent=35",
        "/epci-without?kind=tzcld",
    ],
)
def test_territory_lists_as_geojson(analysed, path):
    doc = collection(analysed, f"{API}{path}&f=geojson")
    plain = analysed.get(f"{API}{path}").get_json()
    assert [f["properties"] for f in doc["features"]] == plain["items"]
    assert all(f["geometry"] is not None for f in doc["features"])


def test_openapi_declares_geojson(analysed):
    paths = analysed.get("/api").get_json()["paths"]
    for path in ("coverage", "synergy-candidates", "synergy-index", "epci-without"):
        content = paths[f"{API}/{path}"]["get"]["responses"]["200"]["content"]
        assert GEOJSON in content, path
