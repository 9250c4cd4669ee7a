"""A port of the OGC API – Features Part 1 abstract tests (ATS), plus Parts 2 and 3.

Landing page, API definition, conformance, collections, items (limit, bbox, paging),
feature, error conditions; on the synthetic 3×3 grid of tests/support/ogc_grid.py.
"""

from __future__ import annotations

import gzip
import json

import pytest

from tests.support.ogc_grid import load_grid

ROOT = "/api/features"
ITEMS = f"{ROOT}/collections/communes/items"


def rels(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for link in doc["links"]:
        out.setdefault(link["rel"], []).append(link)
    return out


# -- /ats/core/root-op, root-success -------------------------------------------------
def test_landing_page_links(client):
    response = client.get(f"{ROOT}/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    links = rels(response.get_json())
    for rel in ("self", "service-desc", "conformance", "data"):
        assert rel in links, rel
    assert links["service-desc"][0]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert all(link["href"].startswith("http://") for ls in links.values() for link in ls)
    assert client.get(ROOT).status_code == 200  # without the trailing slash too


# -- /ats/core/api-definition-op, api-definition-success -------------------------------
def test_api_definition_declares_limit_for_qgis(client):
    response = client.get(f"{ROOT}/api")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oai.openapi+json"
    doc = response.get_json()
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert (limit["default"], limit["maximum"]) == (100, 10000)
    items = doc["paths"]["/collections/communes/items"]["get"]["parameters"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in items}
    assert {"f-items", "bbox", "limit", "offset", "crs", "bbox-crs", "filter"} <= names
    assert {"code", "name", "population", "departement_code"} <= names


# -- /ats/core/conformance-op, conformance-success -----------------------------------
def test_conformance_has_what_qgis_checks(client):
    classes = set(client.get(f"{ROOT}/conformance").get_json()["conformsTo"])
    for suffix in ("core", "geojson", "html", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{suffix}" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes
    for cls in (
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    ):
        assert cls in classes


# -- /ats/core/fc-md-op, fc-md-success, fc-md-items ----------------------------------
def test_collections_metadata(grid):
    doc = grid.get(f"{ROOT}/collections").get_json()
    ids = [c["id"] for c in doc["collections"]]
    assert {"regions", "departements", "epci", "communes", "cooperations"} <= set(ids)
    assert all("." not in cid for cid in ids)
    communes = next(c for c in doc["collections"] if c["id"] == "communes")
    items = [link for link in communes["links"] if link["rel"] == "items"]
    assert any(link["type"] == "application/geo+json" for link in items)
    assert communes["extent"]["spatial"]["bbox"] == [[-1.8, 48.0, -1.5, 48.3]]
    assert "http://www.opengis.net/def/crs/EPSG/0/2154" in communes["crs"]
    single = grid.get(f"{ROOT}/collections/communes").get_json()
    assert single["id"] == "communes" and single["extent"] == communes["extent"]
    assert grid.get(f"{ROOT}/collections/nope").status_code == 404


# -- /ats/core/fc-op, fc-limit, fc-bbox, fc-response ----------------------------------
def test_items_limit_and_counts(grid):
    doc = grid.get(f"{ITEMS}?limit=4").get_json()
    assert doc["type"] == "FeatureCollection"
    assert doc["numberReturned"] == 4 and len(doc["features"]) == 4
    assert doc["numberMatched"] == 9
    assert all(f["id"] == f["properties"]["code"] for f in doc["features"])
    assert grid.get(f"{ITEMS}?limit=100000").status_code == 200  # above max: capped


def test_items_bbox(grid):
    # the two lower-left communes: 35001 [-1.8,-1.7]×[48,48.1], 35002 [-1.7,-1.6]×[48,48.1]
    doc = grid.get(f"{ITEMS}?bbox=-1.79,48.01,-1.65,48.05").get_json()
    assert [f["id"] for f in doc["features"]] == ["35001", "35002"]
    assert doc["numberMatched"] == 2


def test_paging_follows_next_links(grid):
    seen, url, pages = [], f"{ITEMS}?limit=4", 0
    while url:
        doc = grid.get(url).get_json()
        seen += [f["id"] for f in doc["features"]]
        nxt = [link for link in doc["links"] if link["rel"] == "next"]
        assert all(link["type"] == "application/geo+json" for link in nxt)
        url = nxt[0]["href"].replace("http://localhost", "") if nxt else None
        pages += 1
    assert seen == [f"3500{i}" for i in range(1, 10)] and pages == 3
    last = grid.get(f"{ITEMS}?limit=4&offset=8").get_json()
    assert [link["rel"] for link in last["links"]].count("prev") == 1


# -- /ats/core/f-op, f-success ----------------------------------------------------------
def test_single_feature(grid):
    response = grid.get(f"{ITEMS}/35005")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    doc = response.get_json()
    assert doc["id"] == "35005" and doc["properties"]["population"] == 5000
    assert "collection" in rels(doc)
    assert grid.get(f"{ITEMS}/99999").status_code == 404
    coop = grid.get(f"{ROOT}/collections/cooperations/items/2").get_json()
    assert coop["id"] == 2 and coop["properties"]["kind_code"] == "pat"
    assert grid.get(f"{ROOT}/collections/cooperations/items/abc").status_code == 404


# -- error conditions ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=1,4,3,2",  # south above north (west > east crosses the antimeridian: valid)
        "limit=-1",
        "limit=0",
        "limit=abc",
        "offset=-3",
        "unknown=1",
        "population=many",
        "population=99999999999999999999",
        "filter=population%20%3E%2099999999999999999999",
        "filter=name%20%3D",
        "filter=nope%20%3D%201",
        "filter=population%20%3D%20'x'",
        "filter-lang=cql2-json",
        "filter=S_INTERSECTS(geometry,%20SRID=9999;POINT(1%202))",
        "crs=EPSG:9999",
        "f=xml",
        "limit=1&limit=2",
    ],
)
def test_bad_parameters_are_problem_400(grid, query):
    response = grid.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, query
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["title"] and body["detail"]


def test_property_filters(grid):
    doc = grid.get(f"{ITEMS}?population=3000").get_json()
    assert [f["id"] for f in doc["features"]] == ["35003"]
    doc = grid.get(f"{ROOT}/collections/cooperations/items?kind_code=tiers_lieu").get_json()
    assert doc["numberReturned"] == 2


# -- Part 2: CRS -----------------------------------------------------------------------------
def test_output_crs_lambert93_and_latlon(grid):
    l93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
    response = grid.get(f"{ITEMS}/35001?crs={l93}")
    assert response.headers["Content-Crs"] == f"<{l93}>"
    x, y = response.get_json()["geometry"]["coordinates"][0][0][0]
    assert 300_000 < x < 400_000 and 6_700_000 < y < 6_850_000
    latlon = grid.get(f"{ITEMS}/35001?crs=http://www.opengis.net/def/crs/EPSG/0/4326")
    assert latlon.get_json()["geometry"]["coordinates"][0][0][0] == [48.0, -1.8]
    default = grid.get(f"{ITEMS}/35001")
    assert default.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"


def test_bbox_crs_lambert93(grid):
    l93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
    # a small box around the centre of commune 35005 (-1.65, 48.15) in Lambert-93
    doc = grid.get(f"{ITEMS}?bbox=354000,6793000,355000,6794000&bbox-crs={l93}").get_json()
    assert [f["id"] for f in doc["features"]] == ["35005"]
    latlon = "http://www.opengis.net/def/crs/EPSG/0/4326"
    doc = grid.get(f"{ITEMS}?bbox=48.14,-1.66,48.16,-1.64&bbox-crs={latlon}").get_json()
    assert [f["id"] for f in doc["features"]] == ["35005"]


# -- Part 3: CQL2 text ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        ("population > 7000", ["35008", "35009"]),
        ("population BETWEEN 2000 AND 3000", ["35002", "35003"]),
        ("code IN ('35001','35004')", ["35001", "35004"]),
        ("name LIKE 'Commune 1%'", ["35001"]),
        ("CASEI(name) LIKE casei('COMMUNE 2')", ["35002"]),
        ("NOT (population < 9000)", ["35009"]),
        ("population = 1000 OR population = 9000", ["35001", "35009"]),
        ("S_INTERSECTS(geometry, POINT(-1.65 48.15))", ["35005"]),
        ("S_INTERSECTS(geometry, BBOX(-1.79,48.01,-1.71,48.09))", ["35001"]),
        ("epci_code IS NULL", []),
    ],
)
def test_cql2_filters(grid, cql, expected):
    response = grid.get(ITEMS, query_string={"filter": cql, "filter-lang": "cql2-text"})
    assert response.status_code == 200, response.get_json()
    assert [f["id"] for f in response.get_json()["features"]] == expected


def test_queryables(grid):
    response = grid.get(f"{ROOT}/collections/cooperations/queryables")
    assert response.mimetype == "application/schema+json"
    props = response.get_json()["properties"]
    assert props["stage"]["enum"] == ["emergence", "operationnelle"]
    assert props["year_founded"]["type"] == "integer"
    assert props["geometry"]["format"] == "geometry-point"
    assert "website" not in props


# -- formats ------------------------------------------------------------------------------------
def test_html_by_parameter_and_by_accept(grid):
    by_f = grid.get(f"{ITEMS}?f=html")
    assert by_f.mimetype == "text/html" and "Commune 9" in by_f.get_data(as_text=True)
    by_accept = grid.get(f"{ROOT}/collections", headers={"Accept": "text/html,*/*;q=0.8"})
    assert by_accept.mimetype == "text/html" and 'lang="fr"' in by_accept.get_data(as_text=True)
    for path in (
        "/",
        "/conformance",
        "/collections/communes",
        "/collections/communes/queryables",
        "/collections/communes/items/35001",
        "/api",
    ):
        page = grid.get(f"{ROOT}{path}?f=html")
        assert page.status_code == 200 and page.mimetype == "text/html", path
        assert "https://" not in page.get_data(as_text=True).replace("https://json-schema", "")


def test_csv_is_formula_safe(grid):
    response = grid.get(f"{ROOT}/collections/cooperations/items?f=csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].startswith("id,kind_code,")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "POINT(-1.75 48.05)" in text


def test_geopackage_download(grid, tmp_path):
    import pyogrio

    response = grid.get(f"{ITEMS}?f=gpkg&crs=http://www.opengis.net/def/crs/EPSG/0/2154")
    assert response.mimetype == "application/geopackage+sqlite3"
    path = tmp_path / "communes.gpkg"
    path.write_bytes(response.get_data())
    info = pyogrio.read_info(path, layer="communes")
    assert info["features"] == 9 and info["crs"] == "EPSG:2154"


def test_export_too_big_is_413(pg_cluster, db_engine):
    from geocoop.web import create_app
    from tests.conftest import truncate_data

    small = create_app(
        {
            "database_url": pg_cluster.url("geocoop_test"),
            "secret_key": "t",
            "pool_size": 1,
            "max_page_size": 5,
        }
    )
    try:
        load_grid(small)
        client = small.test_client()
        assert client.get(f"{ITEMS}?f=csv").status_code == 413
        assert client.get(f"{ITEMS}?f=csv&limit=5").status_code == 200
        assert client.get(f"{ITEMS}?limit=50").get_json()["numberReturned"] == 5
    finally:
        small.extensions["geocoop.engine"].dispose()
        truncate_data(db_engine)


def test_gzip(grid):
    response = grid.get(ITEMS, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    doc = json.loads(gzip.decompress(response.get_data()))
    assert doc["numberReturned"] == 9
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_database_down_is_503():
    from geocoop.web import create_app

    down = create_app(
        {"database_url": "postgresql://nobody@127.0.0.1:1/none", "secret_key": "t", "pool_size": 1}
    )
    response = down.test_client().get(ITEMS)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)


def test_datetime_filters_cooperations_only(grid):
    coops = f"{ROOT}/collections/cooperations/items"
    assert grid.get(f"{coops}?datetime=2000-01-01T00:00:00Z/..").get_json()["numberReturned"] == 4
    assert grid.get(f"{coops}?datetime=../2000-01-01").get_json()["numberReturned"] == 0
    assert grid.get(f"{coops}?datetime=2000-01-01").get_json()["numberReturned"] == 0
    assert grid.get(f"{ITEMS}?datetime=2000-01-01").get_json()["numberReturned"] == 9
    for bad in ("2020-13-01", "../..", "2021-01-01/2020-01-01", "yesterday"):
        assert grid.get(f"{coops}?datetime={bad}").status_code == 400, bad


def test_heavy_layers_use_smaller_pages(grid, monkeypatch):
    from geocoop.web.blueprints import ogcapi

    monkeypatch.setattr(ogcapi, "HEAVY_PAGE_SIZE", 4)
    doc = grid.get(f"{ITEMS}?limit=1000").get_json()
    assert doc["numberReturned"] == 4 and doc["numberMatched"] == 9
    nxt = next(link["href"] for link in doc["links"] if link["rel"] == "next")
    assert "limit=4" in nxt and "offset=4" in nxt
    regions = grid.get(f"{ROOT}/collections/regions/items?limit=1000").get_json()
    assert regions["numberReturned"] == 1  # light layers are not capped
