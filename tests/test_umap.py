"""The HTTP contract uMap relies on, on the bundled real data.

The HTTP contract uMap relies on, on the bundled real data (Bretagne + La Réunion):
complete or visibly sampled layers, any bbox, light white zones, popups, HTTP caching,
and the documented remote-data URLs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.errors import BadRequest
from geocoop.features import registry
from geocoop.features.crs import CRS84, EPSG2154
from geocoop.features.params import normalise_longitudes, parse_bbox, parse_items_query
from geocoop.features.webmap import NOTICE_ID

ROOT = "/api/features/collections"
BRETAGNE = "-5.2,47.25,-1.0,48.95"  # a région view
RENNES = "-1.75,48.05,-1.6,48.15"  # a commune view
FRANCE = "-5.5,41.0,10.0,51.5"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"


@pytest.fixture(scope="module")
def real(demo_app):
    return demo_app.test_client()


def _get(client, url, **kw):
    response = client.get(url, **kw)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


# -- bbox ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("west", "east", "expected"),
    [
        (-243.98, 248.20, (-180.0, 180.0)),  # what uMap sends at zoom 2: the world
        (-1.0, 5.0, (-1.0, 5.0)),
        (355.2, 355.8, (-4.8, -4.2)),  # one turn east
        (-364.8, -364.2, (-4.8, -4.2)),  # one turn west
        (170.0, 190.0, (170.0, -170.0)),  # crosses the antimeridian: west > east
        (170.0, -170.0, (170.0, -170.0)),  # already written crossing (Part 1)
        (-180.0, 180.0, (-180.0, 180.0)),
    ],
)
def test_longitudes_normalised(west, east, expected):
    assert normalise_longitudes(west, east) == pytest.approx(expected)


def test_bbox_latitudes_clamped_and_other_crs_strict():
    box = parse_bbox("-10,-95,10,100", CRS84)
    assert (box.miny, box.maxy) == (-90.0, 90.0)
    beyond = parse_bbox("-10,91,10,95", CRS84)
    assert beyond.miny == beyond.maxy == 90.0
    with pytest.raises(BadRequest):
        parse_bbox("-10,10,10,5", CRS84)  # south above north stays an error
    with pytest.raises(BadRequest):
        parse_bbox("400000,6700000,300000,6800000", EPSG2154)  # no antimeridian there


def test_bbox_beyond_180_is_the_world(real):
    everything = _get(real, f"{ROOT}/departements/items?limit=200")
    wide = _get(real, f"{ROOT}/departements/items?bbox=-243.98,-72.18,248.20,87.08&limit=200")
    assert wide["numberReturned"] == everything["numberReturned"] >= 5
    # the same view one turn east is the same answer
    shifted = _get(real, f"{ROOT}/communes/items?bbox=355.2,47.9,355.8,48.3&limit=2000")
    plain = _get(real, f"{ROOT}/communes/items?bbox=-4.8,47.9,-4.2,48.3&limit=2000")
    assert {f["id"] for f in shifted["features"]} == {f["id"] for f in plain["features"]}
    assert plain["numberReturned"] > 10


def test_bbox_across_the_antimeridian(real):
    # 50°E → 180° and -180° → -100°: La Réunion (55.5°E) in, Bretagne (-3°) out
    doc = _get(real, f"{ROOT}/departements/items?bbox=50,-30,-100,10")
    assert [f["id"] for f in doc["features"]] == ["974"]
    # the same box written with longitudes beyond 180°
    again = _get(real, f"{ROOT}/departements/items?bbox=50,-30,260,10")
    assert [f["id"] for f in again["features"]] == ["974"]


# -- never a silent cut ------------------------------------------------------------------
def test_truncated_page_is_spread_and_says_so(real):
    url = f"{ROOT}/communes/items?profile=umap&bbox={BRETAGNE}&limit=60"
    doc = _get(real, url + "&properties=departement_code")
    assert doc["truncated"] is True
    kept = [f for f in doc["features"] if f["id"] != NOTICE_ID]
    notice = [f for f in doc["features"] if f["id"] == NOTICE_ID]
    assert len(kept) == doc["numberReturned"] == 60
    assert doc["numberMatched"] > 1000
    # spread over the four départements, unlike the code order (only the Côtes-d'Armor)
    by_code = _get(real, f"{ROOT}/communes/items?bbox={BRETAGNE}&limit=60")
    assert {f["properties"]["departement_code"] for f in by_code["features"]} == {"22"}
    deps = [f["properties"]["departement_code"] for f in kept]
    assert set(deps) == {"22", "29", "35", "56"}
    assert max(deps.count(d) for d in set(deps)) < 30
    # and a visible notice in the middle of the view
    (note,) = notice
    assert note["properties"]["notice"] is True
    assert "sur 1" in note["properties"]["name"] and "zoomez" in note["properties"]["name"]
    lon, lat = note["geometry"]["coordinates"]
    assert -5.2 < lon < -1.0 and 47.25 < lat < 48.95


def test_complete_layer_without_limit(real):
    doc = _get(real, f"{ROOT}/communes/items?profile=umap&bbox={BRETAGNE}")
    assert doc["truncated"] is False
    assert doc["numberReturned"] == doc["numberMatched"] == len(doc["features"]) > 1000
    assert all(f["id"] != NOTICE_ID for f in doc["features"])


# -- light white zones ------------------------------------------------------------------
def test_white_zones_light_at_every_scale(real):
    full = real.get(f"{ROOT}/white-zones-tiers_lieu/items?bbox={FRANCE}&limit=500")
    light = real.get(f"{ROOT}/white-zones-tiers_lieu/items?profile=umap&bbox={FRANCE}")
    assert light.get_json()["numberReturned"] == full.get_json()["numberReturned"] > 0
    assert len(light.data) < len(full.data) / 1.5
    # at a commune view only what is inside (plus 5 %) is sent, in full detail
    near = f"{ROOT}/white-zones-tiers_lieu/items?profile=umap&bbox=-3.1,47.95,-2.9,48.05"
    zoomed = real.get(near)
    assert zoomed.status_code == 200 and len(zoomed.data) < 100_000
    for feature in zoomed.get_json()["features"]:
        for polygon in _polygons(feature["geometry"]):
            for x, y in polygon[0]:
                assert -3.111 <= x <= -2.889 and 47.944 <= y <= 48.056


def _polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return [p for g in geometry.get("geometries", []) for p in _polygons(g)]


def test_no_white_zone_for_a_kind_without_data(real):
    world = "-243.98,-72.18,248.20,87.08"
    doc = _get(real, f"{ROOT}/white-zones-ptce/items?profile=umap&bbox={world}")
    assert doc["features"] == [] and doc["truncated"] is False


# -- popups -----------------------------------------------------------------------------
def test_popups_french_by_default_english_on_request(real):
    url = f"{ROOT}/coverage-pat/items?profile=umap&bbox={RENNES}"
    fr = _get(real, url)["features"]
    en = _get(real, url + "&lang=en")["features"]
    assert fr and len(fr) == len(en)
    for feature in fr:
        assert set(feature["properties"]) == {"name", "description", "colour"}
        assert (
            " — couverte (" in feature["properties"]["name"]
            or "non couverte" in (feature["properties"]["name"])
        )
        assert "habitants" in feature["properties"]["description"]
    rennes = next(f for f in fr if f["id"] == "35238")
    assert rennes["properties"]["name"].startswith("Rennes — couverte")
    assert rennes["properties"]["colour"] == "#1a9850"
    assert "inhabitants" in next(f for f in en if f["id"] == "35238")["properties"]["description"]


def test_white_zone_popups_name_the_zone_and_say_why(real):
    listed = _get(real, "/api/analysis/white-zones?kind=tiers_lieu&limit=1000&geometry=false")
    listed = {z["id"]: z for z in listed["items"]}
    url = f"{ROOT}/white-zones-tiers_lieu/items?profile=umap&bbox={BRETAGNE}&limit=20"
    for lang, name, reason in (("fr", "name", "reason"), ("en", "name_en", "reason_en")):
        features = [f for f in _get(real, f"{url}&lang={lang}")["features"] if f["id"] != NOTICE_ID]
        assert features
        for feature in features:
            zone, props = listed[feature["id"]], feature["properties"]
            assert props["name"].startswith(f"{zone[name]} — "), props["name"]
            assert props["description"].startswith(f"{zone[reason]} · "), props["description"]


@pytest.mark.parametrize("collection", [c.id for c in registry.all_collections()])
def test_every_collection_has_a_useful_popup(real, collection):
    extra = "&kind_code=pat" if collection in ("coverage", "white-zones") else ""
    doc = _get(real, f"{ROOT}/{collection}/items?profile=umap&bbox={BRETAGNE}&limit=20{extra}")
    for feature in doc["features"]:
        props = feature["properties"]
        assert props["name"] and props["description"] and props["colour"].startswith("#")
        text = " ".join(str(v) for v in props.values())
        assert "None" not in text and "False" not in text and "false" not in text
        if feature["id"] != NOTICE_ID:
            assert set(props) == {"name", "description", "colour"}


def test_properties_selection(real):
    doc = _get(real, f"{ROOT}/communes/items?properties=name,population&limit=2")
    assert all(list(f["properties"]) == ["name", "population"] for f in doc["features"])
    url = f"{ROOT}/coverage-pat/items?profile=umap&properties=population,zone_id&bbox={RENNES}"
    chosen = _get(real, url)
    assert set(chosen["features"][0]["properties"]) == {
        "name",
        "description",
        "colour",
        "population",
        "zone_id",
    }
    bad = real.get(f"{ROOT}/communes/items?properties=name,secret")
    assert bad.status_code == 400
    assert real.get(f"{ROOT}/communes/items?profile=leaflet").status_code == 400


def test_parse_profile_and_lang():
    found = registry.get_collection("communes")
    q = parse_items_query(
        found, {"profile": ["umap"], "lang": ["en"]}, default_limit=100, max_limit=10_000
    )
    assert (q.profile, q.lang, q.properties) == ("umap", "en", None)
    with pytest.raises(BadRequest):
        parse_items_query(found, {"lang": ["de"]}, default_limit=100, max_limit=10_000)


# -- HTTP caching --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        f"{ROOT}/departements/items?profile=umap&bbox={BRETAGNE}",
        f"{ROOT}/departements/items?limit=5",
        f"{ROOT}/departements/items/35",
        f"{ROOT}/departements",
        ROOT,
    ],
)
def test_revalidation_is_a_304(real, url):
    first = real.get(url)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "s-maxage=" in first.headers["Cache-Control"]
    assert "public" in first.headers["Cache-Control"]
    again = real.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert real.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    other = real.get(url, headers={"If-None-Match": '"0-stale"'})
    assert other.status_code == 200


def test_etag_differs_per_url_and_format(real):
    a = real.get(f"{ROOT}/departements/items?limit=5").headers["ETag"]
    b = real.get(f"{ROOT}/departements/items?limit=6").headers["ETag"]
    c = real.get(f"{ROOT}/departements/items?limit=5", headers={"Accept": "text/html"})
    assert len({a, b, c.headers["ETag"]}) == 3


def test_etag_follows_the_data_version(analysed, app):
    url = f"{ROOT}/communes/items?limit=3"
    etag = analysed.get(url).headers["ETag"]
    assert analysed.get(url, headers={"If-None-Match": etag}).status_code == 304
    # any write bumps the data version (migration 0005): the old ETag no longer matches
    with app.extensions["geocoop.engine"].begin() as conn:
        conn.execute(text("UPDATE territory SET name = name WHERE level = 'commune'"))
    fresh = analysed.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


# -- the documented URLs -----------------------------------------------------------------
def documented_umap_urls() -> list[tuple[str, str]]:
    """(layer, URL) of every row of the uMap table of docs/api.md."""
    section = DOCS.read_text(encoding="utf-8").split('### uMap "remote data" URLs')[1]
    section = section.split("\n## ")[0]
    rows = re.findall(r"^\| ([^|]+) \| (\d+) \| `(https://HOST[^`]+)` \|$", section, re.M)
    return [(layer.strip(), url) for layer, _zoom, url in rows]


def test_docs_list_the_umap_layers():
    urls = documented_umap_urls()
    assert len(urls) >= 10
    assert all("profile=umap" in u and "bbox={bbox}" in u for _l, u in urls)


@pytest.mark.parametrize(("layer", "url"), documented_umap_urls())
def test_documented_umap_url_answers_complete_layer(real, layer, url):
    path = url.replace("https://HOST", "").replace("{bbox}", BRETAGNE)
    doc = _get(real, path)
    assert doc["truncated"] is False, layer
    assert doc["numberReturned"] == doc["numberMatched"] == len(doc["features"]), layer
    # the same selection without the profile, paged to the end, has as many features
    plain = path.replace("profile=umap&", "") + "&limit=10000"
    total = _get(real, plain)
    assert total.get("numberMatched", total["numberReturned"]) == doc["numberReturned"], layer
