"""Vector tiles: content, generalisation switch, errors, ETag/304, cache invalidation."""

from __future__ import annotations

import re

from sqlalchemy import text

from geocoop.features.tiles import empty_tile
from tests.support.ogc_grid import square

MVT_TYPE = "application/vnd.mapbox-vector-tile"

# tile 10/507/354 covers lon [-1.758, -1.406], lat [48.166, 48.400]: the grid's top rows
TILE = "/tiles/communes/10/507/354.mvt"


def test_tilejson(grid):
    doc = grid.get("/tiles/communes.json").get_json()
    assert doc["tilejson"] == "3.0.0"
    assert re.fullmatch(
        r"http://localhost/tiles/communes/\{z\}/\{x\}/\{y\}\.mvt\?v=\d+", doc["tiles"][0]
    )
    assert doc["bounds"] == [-1.8, 48.0, -1.5, 48.3] and doc["minzoom"] == 7
    layer = doc["vector_layers"][0]
    assert layer["id"] == "communes" and layer["fields"]["population"] == "Number"
    listing = grid.get("/tiles/").get_json()["tilesets"]
    assert {t["id"] for t in listing} >= {"communes", "cooperations", "regions"}


def test_tile_content_and_headers(grid):
    response = grid.get(TILE)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    data = response.get_data()
    assert b"communes" in data and b"35007" in data and b"35001" not in data
    assert response.headers["Cache-Control"].startswith("public")
    etag = response.headers["ETag"]
    again = grid.get(TILE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    points = grid.get("/tiles/cooperations/10/507/354.mvt").get_data()
    assert b"La Grange" in points and b"#D55E00" in points


def test_empty_and_out_of_range(grid):
    for empty in ("/tiles/communes/10/0/0.mvt", "/tiles/communes/3/3/2.mvt"):  # 2: < minzoom
        response = grid.get(empty)
        assert response.status_code == 200 and response.mimetype == MVT_TYPE
        assert response.get_data() == empty_tile("communes")
    for bad in ("/tiles/communes/40/0/0.mvt", "/tiles/communes/2/4/0.mvt", f"{TILE}?kind=pat"):
        response = grid.get(bad)
        assert response.status_code == 400, bad
        assert response.mimetype == "application/problem+json"
    assert grid.get("/tiles/nope/1/0/0.mvt").status_code == 404


def test_cache_invalidated_when_data_change(app, grid):
    from geocoop.web.database import engine

    first = grid.get(TILE)
    assert b"Nouvelle" not in first.get_data()
    with app.app_context(), engine().begin() as connection:
        connection.execute(
            text(
                "INSERT INTO territory (level, code, name, population, geom) "
                "VALUES ('commune', '35010', 'Nouvelle', 5, ST_GeomFromEWKT(:g))"
            ),
            {"g": square(-1.7, 48.3, -1.6, 48.35)},
        )
    second = grid.get(TILE, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and b"Nouvelle" in second.get_data()
    assert second.headers["ETag"] != first.headers["ETag"]


def test_generalised_geometry_below_detail_zoom(app, grid):
    from geocoop.web.database import engine

    low_tile, high_tile = "/tiles/communes/9/253/177.mvt", TILE
    low_before, high_before = grid.get(low_tile).get_data(), grid.get(high_tile).get_data()
    # change only the stored simplified shape of 35007 (into a triangle)
    with app.app_context(), engine().begin() as connection:
        connection.execute(
            text(
                "UPDATE territory SET geom_simplified = ST_Multi(ST_GeomFromText("
                "'POLYGON((-1.8 48.2,-1.7 48.2,-1.8 48.3,-1.8 48.2))', 4326)) WHERE code = '35007'"
            )
        )
    assert grid.get(low_tile).get_data() != low_before  # zoom 9 draws geom_simplified
    assert grid.get(high_tile).get_data() == high_before  # zoom 10 draws the full geometry


def test_coverage_tiles_per_kind(app, grid):
    from geocoop.analysis.api import refresh_all
    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as connection:
        refresh_all(connection)
    doc = grid.get("/tiles/coverage.json?kind=tiers_lieu").get_json()
    assert re.search(
        r"/tiles/coverage/\{z\}/\{x\}/\{y\}\.mvt\?v=\d+&kind=tiers_lieu$", doc["tiles"][0]
    )
    assert doc["vector_layers"][0]["fields"]["covered"] == "Boolean"
    assert doc["dataStatus"]["status"] == "partial" and doc["dataStatus"]["cooperations"] == 2
    tile = grid.get("/tiles/coverage/10/507/354.mvt?kind=tiers_lieu")
    assert tile.status_code == 200
    data = tile.get_data()
    assert b"coverage" in data and b"35007" in data and b"tiers_lieu" in data
    # no TZCLD loaded: no commune is drawn as "not covered"; the TileJSON says why
    assert b"35007" not in grid.get("/tiles/coverage/10/507/354.mvt?kind=tzcld").get_data()
    none = grid.get("/tiles/coverage.json?kind=tzcld").get_json()
    assert none["dataStatus"]["status"] == "none"
    assert none["description"].endswith("aucune donnée chargée.")
    other = grid.get("/tiles/coverage/10/507/354.mvt?kind=pat")
    assert other.headers["ETag"] != tile.headers["ETag"]
    nope = grid.get("/tiles/coverage/10/507/354.mvt?kind=nope")
    assert nope.status_code == 200 and nope.get_data() == empty_tile("coverage")
    assert grid.get("/tiles/coverage/10/507/354.mvt").status_code == 400
    assert grid.get("/tiles/coverage/10/507/354.mvt?kind=Pat'--").status_code == 400
    assert grid.get("/tiles/communes/10/507/354.mvt?kind=pat").status_code == 400
