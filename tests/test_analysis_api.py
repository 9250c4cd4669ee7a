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
    # no cooperation of the grid has a perimeter: under the perimeter rule the whole grid
    # is one white zone of the tiers-lieux
    query = f"{API}/white-zones?kind=tiers_lieu&rule=perimeter"
    body = analysed.get(query).get_json()
    assert body["count"] == 1 and body["data_status"]["status"] == "partial"
    zone = body["items"][0]
    assert zone["population"] == 45000 and zone["communes_count"] == 9
    assert "geometry" not in zone
    geo = analysed.get(f"{query}&f=geojson")
    assert geo.mimetype == "application/geo+json"
    assert geo.get_json()["features"][0]["geometry"]["type"] == "MultiPolygon"
    text = analysed.get(f"{query}&f=csv").get_data(as_text=True)
    assert text.startswith("id,rank,kind")


def test_kind_without_data_has_no_white_zone_and_says_so(analysed):
    """TZCLD has no cooperation: no white zone, and the answers say so.

    TZCLD has no cooperation: no white zone is computed; JSON and GeoJSON carry the
    data status, CSV and GeoPackage (no room to say it) answer 409, never an empty list.
    """
    body = analysed.get(f"{API}/white-zones?kind=tzcld").get_json()
    assert body["count"] == 0 and body["data_status"]["status"] == "none"
    assert body["data_status"]["message"] == "aucune donnée chargée"
    geo = analysed.get(f"{API}/white-zones?kind=tzcld&f=geojson").get_json()
    assert geo["features"] == [] and geo["data_status"]["has_data"] is False
    for fmt in ("csv", "gpkg"):
        response = analysed.get(f"{API}/white-zones?kind=tzcld&f={fmt}")
        assert response.status_code == 409 and response.mimetype == "application/problem+json"
        assert (
            "Aucune donnée chargée pour « Territoire zéro chômeur »"
            in response.get_json()["detail"]
        )
    epci = analysed.get(f"{API}/epci-without?kind=tzcld").get_json()
    assert epci["count"] == 0 and epci["data_status"]["status"] == "none"
    assert analysed.get(f"{API}/epci-without?kind=tzcld&f=csv").status_code == 409
    # coverage: no figure, the note says why (JSON and CSV)
    cov = analysed.get(f"{API}/coverage?level=commune&parent=35&kind=tzcld").get_json()
    assert cov["data_status"]["tzcld"]["status"] == "none"
    assert cov["selection"]["counted"] == [] and cov["selection"]["has_figures"] is False
    row = cov["items"][0]
    assert row["population_covered_pct"] is None and row["population_covered"] is None
    assert row["population"] > 0 and "aucune donnée chargée" in row["data_note"]
    text = analysed.get(f"{API}/coverage?level=commune&parent=35&kind=tzcld&f=csv")
    rows = list(csv.DictReader(io.StringIO(text.get_data(as_text=True))))
    assert rows[0]["population_covered_pct"] == "" and "aucune donnée" in rows[0]["data_note"]
    # the union of a kind with data and one without counts the first only, and says so
    both = analysed.get(f"{API}/coverage?level=departement&kind=tzcld,pat").get_json()
    assert both["selection"]["counted"] == ["pat"]
    assert both["items"][0]["population_covered_pct"] == 100.0
    assert "Territoire zéro chômeur" in both["items"][0]["data_note"]
    # the territory summary: per-kind status, no 0 % for the kind without data
    summary = analysed.get(f"{API}/territories/departement/35?kind=tzcld,pat").get_json()
    by_kind = {k["kind"]: k for k in summary["by_kind"]}
    assert by_kind["tzcld"]["population_covered_pct"] is None
    assert by_kind["tzcld"]["data_status"]["status"] == "none"
    assert by_kind["pat"]["data_status"]["status"] == "partial"
    assert summary["all"]["kinds_counted"] == ["pat"]
    why = analysed.get(f"{API}/communes/35001/explain?kind=tzcld").get_json()
    assert why["covered"] is None and "n'est pas couverte" not in why["message"]
    assert why["message"].startswith("Aucune donnée chargée")


@pytest.mark.parametrize("kind", ["tiers_lieu", "pat"])
@pytest.mark.parametrize("rule", ["any", "distance", "perimeter"])
def test_white_zones_geopackage_follows_the_rule(analysed, tmp_path, rule, kind):
    """The map's GeoPackage export of white zones follows the rule chosen.

    The map's GeoPackage export: same zones as the GeoJSON for the rule chosen,
    a file GDAL reads (one layer named after kind and rule).
    """
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
    assert analysed.get(f"{API}/epci-without?kind=pat").get_json()["count"] == 0


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


def test_answers_are_kept_until_the_data_changes(analysed, app, db_engine):
    """An answer asked again is the one kept for this data version; a write drops it."""
    from sqlalchemy import text

    from geocoop.web.blueprints.analysis_api import CACHE

    cache = app.extensions[CACHE]
    url = f"{API}/territories/epci/200000001"
    first = analysed.get(url)
    hits = cache.hits
    again = analysed.get(url)
    assert cache.hits == hits + 1
    assert again.get_data() == first.get_data() and again.mimetype == "application/json"
    csv_url = f"{API}/coverage?level=commune&parent=35&kind=pat&f=csv"
    kept = analysed.get(csv_url)
    assert analysed.get(csv_url).headers["Content-Disposition"] == (
        kept.headers["Content-Disposition"]
    )
    with db_engine.begin() as conn:  # any write moves the data version
        conn.execute(
            text("UPDATE territory SET name = 'Renommée' WHERE level = 'epci' AND code = :c"),
            {"c": "200000001"},
        )
    assert analysed.get(url).get_json()["name"] == "Renommée"
    assert analysed.get(f"{API}/territories/planet/1").status_code == 400  # errors: not kept
