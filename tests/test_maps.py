"""The map's framework-free pieces and pages on tiny hand-drawn territories.

Two square communes side by side (about 7 km wide at 48° N) in one EPCI, département and
région, and two cooperations: answers checkable by hand.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from geocoop.text import normalize_name

SQUARE = "MULTIPOLYGON((({x0} 48, {x1} 48, {x1} 48.1, {x0} 48.1, {x0} 48)))"
TERRITORIES = [
    # level, code, name, population, region, dep, epci, x0, x1
    ("region", "53", "Bretagne", 3000, None, None, None, -1.8, -1.6),
    ("departement", "35", "Ille-et-Vilaine", 3000, "53", None, None, -1.8, -1.6),
    ("epci", "243500139", "Rennes Métropole", 3000, "53", "35", None, -1.8, -1.6),
    ("commune", "35238", "Rennes", 2000, "53", "35", "243500139", -1.8, -1.7),
    ("commune", "35051", "Cesson-Sévigné", 1000, "53", "35", "243500139", -1.7, -1.6),
]
FETCH = re.compile(r"""src\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture
def tiny(app, db_engine):
    """The hand-drawn territories and two cooperations (emptied by the app fixture)."""
    with db_engine.begin() as conn:
        for level, code, name, pop, reg, dep, epci, x0, x1 in TERRITORIES:
            conn.execute(
                text(
                    "INSERT INTO territory (level, code, name, name_search, population, "
                    "population_year, region_code, departement_code, epci_code, geom, "
                    "geom_simplified) VALUES (:level, :code, :name, :key, :pop, 2022, "
                    ":reg, :dep, :epci, ST_GeomFromText(:wkt, 4326), "
                    "ST_GeomFromText(:wkt, 4326))"
                ),
                {
                    "level": level,
                    "code": code,
                    "name": name,
                    "key": normalize_name(name),
                    "pop": pop,
                    "reg": reg or (code if level == "departement" else None),
                    "dep": dep or (code if level == "departement" else None),
                    "epci": epci or (code if level == "epci" else None),
                    "wkt": SQUARE.format(x0=x0, x1=x1),
                },
            )
        conn.execute(
            text(
                "INSERT INTO cooperation (kind_code, name, category, stage, source, source_id, "
                "commune_code, location, governance, website) VALUES "
                "('ptce', 'Pôle <Rennes>', 'modelisee', 'operationnelle', 't', '1', '35238', "
                " ST_SetSRID(ST_MakePoint(-1.75, 48.05), 4326), 'collégiale', "
                " 'https://example.org'),"
                "('tiers_lieu', 'Tiers-lieu loin', 'non_modelisee', 'emergence', 't', '2', "
                " NULL, ST_SetSRID(ST_MakePoint(-1.0, 48.05), 4326), NULL, NULL)"
            )
        )
    return app


def test_search_by_name_without_accents_and_by_code(tiny, client):
    found = client.get("/api/maps/search?q=cesson sevigne").get_json()
    assert found[0]["code"] == "35051" and found[0]["level"] == "commune"
    assert found[0]["bbox"] == pytest.approx([-1.7, 48.0, -1.6, 48.1])
    assert client.get("/api/maps/search?q=35238").get_json()[0]["name"] == "Rennes"
    # the exact name first, then names starting with the key
    names = [r["code"] for r in client.get("/api/maps/search?q=rennes").get_json()]
    assert names == ["35238", "243500139"]
    assert client.get("/api/maps/search?q=").get_json() == []
    assert client.get("/api/maps/search?q=%25").get_json() == []  # LIKE wildcard is literal
    assert client.get("/api/maps/search?q=x&limit=999").status_code == 400


def test_search_finds_communes_by_former_names(tiny, client):
    from geocoop.web.database import engine

    with tiny.app_context(), engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO commune_alias (name_search, code, name, source) VALUES "
                "('thorigne', '35051', 'Thorigné', 'test'), "
                "('rennes la vieille', '35051', 'Rennes-la-Vieille', 'test')"
            )
        )
    found = client.get("/api/maps/search?q=Thorigné").get_json()
    assert [(r["code"], r["former_name"]) for r in found] == [("35051", "Thorigné")]
    # a current name still comes first; the same commune is listed once
    found = client.get("/api/maps/search?q=rennes").get_json()
    assert [r["code"] for r in found][:2] == ["35238", "243500139"]
    assert [r["code"] for r in found].count("35051") == 1
    assert found[0]["former_name"] is None


def test_cooperation_markers_follow_filters(tiny, client):
    every = client.get("/api/maps/cooperations").get_json()
    assert len(every["features"]) == 2
    only = client.get("/api/maps/cooperations?kinds=ptce&stage=operationnelle").get_json()
    assert [f["properties"]["name"] for f in only["features"]] == ["Pôle <Rennes>"]
    assert only["features"][0]["geometry"]["coordinates"] == [-1.75, 48.05]
    none = client.get("/api/maps/cooperations?category=systemique").get_json()
    assert none["features"] == []
    assert client.get("/api/maps/cooperations?stage=bientot").status_code == 400


def test_nearest_cooperations_in_metres(tiny):
    from geocoop.maps.territory import cooperations_near, find_territory

    with tiny.extensions["geocoop.engine"].connect() as c:
        cesson = find_territory(c, "35051")
        near = cooperations_near(c, cesson["id"], radius_m=60_000)
    assert cesson["name"] == "Cesson-Sévigné" and cesson["departement_name"] == "Ille-et-Vilaine"
    # the pôle is 0.05° of longitude west of Cesson's edge: 0.05 × 111.32 km × cos 48.05°
    assert near[0]["name"] == "Pôle <Rennes>"
    assert near[0]["distance_m"] == pytest.approx(3722, abs=15)
    assert near[1]["distance_m"] == pytest.approx(0.6 * 111_320 * 0.6687, rel=0.01)


def test_territory_codes_are_resolved_finest_first(tiny, client):
    from geocoop.maps.territory import find_territory

    with tiny.extensions["geocoop.engine"].connect() as c:
        assert find_territory(c, "35")["level"] == "departement"
        assert find_territory(c, "53", "region")["name"] == "Bretagne"
    assert client.get("/territoires/99999").status_code == 404
    assert client.get("/territoires/35?level=pays").status_code == 400


def test_map_page_is_french_by_default_and_switches_to_english(tiny, client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="fr">' in html
    assert "Types de coopération" in html
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert not REMOTE.search(html)
    assert "<script>" not in html  # only external scripts and the JSON data block
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Kinds of cooperation" in english
    # the choice is remembered for the next page
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_config_block_cannot_be_closed_by_data(tiny, client, db_engine):
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE kind SET label_fr = '</script><b>x' WHERE code = 'autre'"))
    try:
        html = client.get("/").get_data(as_text=True)
        assert "</script><b>x" not in html and "\\u003c/script>\\u003cb>x" in html
    finally:
        with db_engine.begin() as conn:
            conn.execute(
                text("UPDATE kind SET label_fr = 'Autre coopération' WHERE code = 'autre'")
            )


def test_fiche_and_its_folium_map_reference_no_remote_url(tiny, client):
    page = client.get("/territoires/35051")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cesson-Sévigné" in html and "Pôle &lt;Rennes&gt;" in html
    assert 'id="ind-population">1\u202f000<' in html  # French digit grouping
    assert "3,7</td>" in html  # the pôle is 3.7 km away, with a decimal comma
    assert not REMOTE.search(html)
    frame = client.get("/territoires/35051/carte")
    body = frame.get_data(as_text=True)
    assert frame.status_code == 200 and "L.map(" in body
    assert "/static/vendor/leaflet/leaflet.js" in body
    assert not REMOTE.search(body), REMOTE.search(body)
    for cdn in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "unpkg"):
        assert cdn not in body
    csp = frame.headers["Content-Security-Policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'self'" in csp and frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "<Rennes>" not in body  # names are escaped in tooltips


def test_offline_map_inlines_its_assets(tiny, client):
    response = client.get("/territoires/35051/carte.html")
    html = response.get_data(as_text=True)
    assert "attachment" in response.headers["Content-Disposition"]
    assert "geocoop-commune-35051.html" in response.headers["Content-Disposition"]
    assert "<script src=" not in html and "<link " not in html
    assert "L.map(" in html and "leafletjs" in html.lower()  # Leaflet itself is inside
    # Leaflet's source holds a link to its site (a link, never fetched): check fetches only
    assert not FETCH.search(html)
    assert "url(data:image/png;base64," in html


def test_every_message_exists_in_both_languages():
    from geocoop.web.i18n import MESSAGES

    assert set(MESSAGES["fr"]) == set(MESSAGES["en"])
    assert all(MESSAGES["en"].values()) and all(MESSAGES["fr"].values())


def test_vendored_assets_carry_their_licences():
    from geocoop.maps.folium_maps import STATIC_DIR

    vendor = STATIC_DIR / "vendor"
    for name, licence in (
        ("leaflet", "LICENSE"),
        ("leaflet.markercluster", "MIT-LICENCE.txt"),
        ("leaflet.vectorgrid", "LICENSES.txt"),
    ):
        assert (vendor / name / licence).stat().st_size > 200, name


def test_map_json_is_gzipped_when_asked(tiny, client):
    import gzip
    import json

    plain = client.get("/api/maps/territory/35051")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/api/maps/territory/35051", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.get_data())) == plain.get_json()


def test_panel_lists_only_the_chosen_kinds_around(tiny, client):
    every = client.get("/api/maps/territory/35051?kinds=ptce,tiers_lieu").get_json()
    assert {c["name"] for c in every["cooperations_near"]} == {"Pôle <Rennes>"}  # < 20 km
    only = client.get("/api/maps/territory/35051?kinds=tiers_lieu").get_json()
    assert only["cooperations_near"] == []
    staged = client.get("/api/maps/territory/35051?kinds=ptce&stage=emergence").get_json()
    assert staged["cooperations_near"] == []


def test_optional_base_layer_is_configured_and_allowed_for_images_only(pg_cluster, db_engine):
    import json

    from geocoop.web import create_app

    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    app = create_app({"database_url": pg_cluster.url("geocoop_test"), "secret_key": "t",
                      "pool_size": 1, "base_tiles_url": url,
                      "base_tiles_attribution": "© exemple"})  # fmt: skip
    try:
        page = app.test_client().get("/")
        html = page.get_data(as_text=True)
        block = html.split('id="geocoop-config">', 1)[1].split("</script>", 1)[0]
        config = json.loads(block)
        assert config["baseTiles"] == url and config["baseAttribution"] == "© exemple"
        csp = page.headers["Content-Security-Policy"]
        assert "https://tiles.example.org" in csp.split("img-src")[1].split(";")[0]
        assert "tiles.example.org" not in csp.split("script-src")[1].split(";")[0]
    finally:
        app.extensions["geocoop.engine"].dispose()


def test_map_json_is_cached_until_the_data_changes(tiny, client, db_engine):
    first = client.get("/api/maps/cooperations")
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/api/maps/cooperations", headers={"If-None-Match": etag})
    assert again.status_code == 304
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE cooperation SET name = 'Renommé' WHERE source_id = '2'"))
    changed = client.get("/api/maps/cooperations", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    names = {f["properties"]["name"] for f in changed.get_json()["features"]}
    assert "Renommé" in names


def test_territory_under_a_point(tiny, client):
    found = client.get("/api/maps/at?lon=-1.65&lat=48.05&level=commune").get_json()
    assert found == {"level": "commune", "code": "35051", "name": "Cesson-Sévigné"}
    assert client.get("/api/maps/at?lon=-1.65&lat=48.05&level=epci").get_json()["code"] == (
        "243500139"
    )
    assert client.get("/api/maps/at?lon=5&lat=45&level=commune").get_json() is None
    assert client.get("/api/maps/at?lon=x&lat=1").status_code == 400
    assert client.get("/api/maps/at?lon=500&lat=1").status_code == 400


def test_kinds_carry_their_data_status_and_one_default(tiny, client):
    import json

    html = client.get("/").get_data(as_text=True)
    config = json.loads(html.split('id="geocoop-config">', 1)[1].split("</script>", 1)[0])
    kinds = {k["code"]: k for k in config["kinds"]}
    assert kinds["pat"]["data_status"]["status"] == "none"
    assert kinds["pat"]["data_status"]["message"] == "aucune donnée chargée"
    assert kinds["ptce"]["data_status"]["message"] == "1 PTCE chargé sur 203 recensés en 2023"
    assert kinds["ptce"]["data_status"]["reference"]["count"] == 203
    assert kinds["france_services"]["context"] and kinds["appui"]["context"]
    # one meaningful kind, never a context layer
    assert config["defaultKinds"] == ["ptce"]
    assert config["messages"]["data.none"] == "aucune donnée chargée"


def test_map_coverage_without_data_paints_no_zero(tiny, client):
    body = client.get("/api/maps/coverage?level=departement&kinds=pat").get_json()
    assert body["rows"][0]["population_covered_pct"] is None
    assert body["rows"][0]["population"] == 3000
    assert body["totals"]["population_covered_pct"] is None
    assert body["totals"]["population_covered"] is None
    sel = body["selection"]
    assert sel["scope"] == "none" and sel["without_data"] == ["pat"]
    assert sel["notes"][0]["message"] == "aucune donnée chargée : Projet alimentaire territorial"


def test_map_headline_leaves_context_layers_out(tiny, client, db_engine):
    with db_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cooperation (kind_code, name, source, source_id, location) VALUES "
                "('france_services', 'FS', 't', '3', ST_SetSRID(ST_MakePoint(-1.65, 48.05), 4326))"
            )
        )
    body = client.get(
        "/api/maps/coverage?level=commune&kinds=ptce,tiers_lieu,france_services"
    ).get_json()
    sel = body["selection"]
    assert sel["kinds"] == ["ptce", "tiers_lieu"] and sel["scope"] == "union"
    assert sel["context_left_out"] == ["france_services"]
    alone = client.get("/api/maps/coverage?level=commune&kinds=france_services").get_json()
    assert alone["selection"]["scope"] == "context"
    one = client.get("/api/maps/coverage?level=commune&kinds=ptce").get_json()
    assert one["selection"]["scope"] == "one"
    assert client.get("/api/maps/coverage?level=commune&kinds=nope").status_code == 400


def test_unknown_stage_is_not_zero_on_the_map(tiny, client, db_engine):
    with db_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cooperation (kind_code, name, source, source_id, location) VALUES "
                "('ptce', 'Pôle sans stade', 't', '4', "
                "ST_SetSRID(ST_MakePoint(-1.65, 48.05), 4326))"
            )
        )
    body = client.get("/api/maps/coverage?level=commune&kinds=ptce&stage=operationnelle").get_json()
    sel = body["selection"]
    assert sel["filters"]["stage"]["unknown"] == 1 and sel["filters"]["stage"]["matching"] == 1
    assert "1 coopération sans stade renseigné, exclue" in [n["message"] for n in sel["notes"]]
    assert {r["code"]: r["population_covered_pct"] for r in body["rows"]} == {
        "35238": 100.0,
        "35051": 100.0,
    }
    none = client.get("/api/maps/coverage?level=commune&kinds=ptce&stage=emergence").get_json()
    assert none["selection"]["scope"] == "none"
    assert all(r["population_covered_pct"] is None for r in none["rows"])
    assert none["selection"]["notes"][-1]["code"] == "no_match"
    # the markers follow the same rule: the pôle without a stage is not drawn
    markers = client.get("/api/maps/cooperations?kinds=ptce&stage=operationnelle").get_json()
    assert [f["properties"]["name"] for f in markers["features"]] == ["Pôle <Rennes>"]
    english = client.get("/api/maps/coverage?level=commune&kinds=ptce&stage=emergence&lang=en")
    assert english.get_json()["selection"]["notes"][-1]["message_en"].startswith(
        "no cooperation of the selection matches"
    )


def test_panel_fiche_and_white_zones_say_no_data(tiny, client):
    panel = client.get("/api/maps/territory/35051?kinds=ptce,pat").get_json()
    by_kind = {r["kind"]: r for r in panel["coverage"]["by_kind"]}
    assert by_kind["pat"]["population_covered_pct"] is None
    assert by_kind["pat"]["data_status"]["status"] == "none"
    assert by_kind["ptce"]["population_covered_pct"] == 100.0
    assert panel["coverage"]["selection"]["counted"] == ["ptce"]
    assert panel["white_zones_without_data"] == ["pat"]
    assert panel["explanations"]["pat"]["covered"] is None
    html = client.get("/territoires/35051?kinds=ptce,pat").get_data(as_text=True)
    row = html.split('data-kind="pat"', 1)[1].split("</tr>", 1)[0]
    assert "aucune donnée chargée" in row and "%" not in row
    assert "n&#39;est pas couverte" not in html and "n'est pas couverte" not in html
    assert 'id="zones-no-data"' in html and "aucune donnée chargée" in html
    assert 'id="fiche-notes"' in html
    english = client.get("/territoires/35051?kinds=ptce,pat&lang=en").get_data(as_text=True)
    assert "no data loaded" in english.split('data-kind="pat"', 1)[1].split("</tr>", 1)[0]
    zones = client.get("/api/maps/white-zones?kind=pat").get_json()
    assert zones["features"] == [] and zones["data_status"]["status"] == "none"
