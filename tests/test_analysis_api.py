"""/api/analysis/…: figures checkable by hand on the 3×3 grid, JSON and CSV, strict params."""

from __future__ import annotations

import csv
import io

import pytest

API = "/api/analysis"


def test_coverage_of_communes(analysed):
    body = analysed.get(f"{API}/coverage?level=commune&parent=35&kind=pat").get_json()
    assert body["count"] == 9
    # the PAT at (-1.65, 48.15) reaches every commune of a 0.3° grid within 30 km
    assert all(row["population_covered_pct"] == 100.0 for row in body["items"])


def test_territory_and_children(analysed):
    body = analysed.get(f"{API}/territories/epci/200000001/coverage?kind=tiers_lieu").get_json()
    assert body["children_level"] == "commune" and len(body["children"]) == 9
    total = body["territory"]["all"]
    assert total["population_covered"] + total["population_uncovered"] == 45000
    assert sum(c["population_covered"] for c in body["children"]) == total["population_covered"]


def test_csv_formula_safe(analysed):
    text = analysed.get(f"{API}/synergy-candidates?f=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and "a.id" in rows[0] and "b.name" in rows[0]
    names = {r["a.name"] for r in rows} | {r["b.name"] for r in rows}
    assert not any(n.startswith("=") for n in names)
    assert '\'=HYPERLINK("x")' in names


def test_white_zones_json_csv_geojson(analysed):
    body = analysed.get(f"{API}/white-zones?kind=tzcld").get_json()
    assert body["count"] == 1
    zone = body["items"][0]
    assert zone["population"] == 45000 and zone["communes_count"] == 9
    assert "geometry" not in zone
    geo = analysed.get(f"{API}/white-zones?kind=tzcld&f=geojson")
    assert geo.mimetype == "application/geo+json"
    assert geo.get_json()["features"][0]["geometry"]["type"] == "MultiPolygon"
    text = analysed.get(f"{API}/white-zones?kind=tzcld&f=csv").get_data(as_text=True)
    assert text.startswith("id,rank,kind")


@pytest.mark.parametrize("kind", ["tzcld", "pat"])
@pytest.mark.parametrize("rule", ["any", "distance", "perimeter"])
def test_white_zones_geopackage_follows_the_rule(analysed, tmp_path, rule, kind):
    """The map's GeoPackage export: same zones as the GeoJSON for the rule chosen,
    a file GDAL reads (one layer named after kind and rule)."""
    import pyogrio

    query = f"{API}/white-zones?kind={kind}&rule={rule}&limit=1000"
    features = analysed.get(f"{query}&f=geojson").get_json()["features"]
    response = analysed.get(f"{query}&f=gpkg")
    assert response.status_code == 200
    assert response.mimetype == "application/geopackage+sqlite3"
    assert f"zones-blanches-{kind}-{rule}.gpkg" in response.headers["Content-Disposition"]
    path = tmp_path / "zones.gpkg"
    path.write_bytes(response.get_data())
    assert [name for name, _ in pyogrio.list_layers(path)] == [f"zones-blanches-{kind}-{rule}"]
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == len(features)
    if not features:
        return
    assert list(frame["population"]) == [f["properties"]["population"] for f in features]
    assert list(frame["communes"]) == [" ".join(f["properties"]["communes"]) for f in features]
    assert frame.crs.to_epsg() in (4326, None) and frame.crs.is_geographic
    if features:
        assert frame.geometry.iloc[0].area > 0


def test_summary_explain_support(analysed):
    summary = analysed.get(f"{API}/territories/departement/35").get_json()
    assert summary["code"] == "35" and summary["by_kind"] and "support" in summary
    why = analysed.get(f"{API}/communes/35001/explain?kind=pat").get_json()
    assert why["covered"] and why["reasons"][0]["cooperation_id"] == 2
    needs = analysed.get(f"{API}/cooperations/1/support-needs").get_json()
    assert needs["cooperation"]["id"] == 1
    assert analysed.get(f"{API}/synergy-index?level=epci").get_json()["count"] == 1
    assert analysed.get(f"{API}/epci-without?kind=tzcld").get_json()["count"] == 1


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/coverage", 400),
        ("/coverage?level=x", 400),
        ("/coverage?level=commune&bogus=1", 400),
        ("/coverage?level=commune&distance_m=-5", 400),
        ("/white-zones?kind=nope", 400),
        ("/white-zones?kind=pat&limit=0", 400),
        ("/white-zones?kind=pat'%20OR%20'1'='1", 400),
        ("/communes/99999/explain?kind=pat", 404),
        ("/territories/planet/1", 400),
        ("/territories/commune/35001/coverage", 400),
    ],
)
def test_errors(analysed, path, status):
    response = analysed.get(API + path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
