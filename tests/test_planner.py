"""The developer-posts planner (« 500 postes de développeurs de coopération »).

Greedy max-coverage checked by hand on the 3×3 grid (tests/support/ogc_grid.py): communes
35001…35009 of 0.1° (≈ 7.4 km × 11.1 km), population 1,000 × index, the PAT (35005) and
one tiers-lieu in emergence, the other stages operational or unknown.
"""

from __future__ import annotations

import csv
import io
import json
import re

API = "/api/analysis/developer-posts"


def _whiten(app, codes: list[str]) -> None:
    """Make `codes` a white zone in the stored analysis: no kind reaches them."""
    from sqlalchemy import text

    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as connection:
        connection.execute(
            text(
                "UPDATE analysis_commune_kind SET covered_distance = false,"
                " covered_perimeter = false WHERE commune_code = ANY(:c)"
            ),
            {"c": codes},
        )


def test_small_radius_each_post_reaches_its_commune(analysed, app):
    _whiten(app, ["35003", "35007"])
    body = analysed.get(f"{API}?posts=3&radius_m=1000&weight=1").get_json()
    # 1 km reaches only the commune itself: the white communes by population (7,000 then
    # 3,000 inhabitants), then 35005 (the PAT in emergence, weight 1); 35009's tiers-lieu
    # in emergence ties with 35005 and loses on the code; 35007's has no stage: not counted
    got = [(p["code"], p["gain_white_population"], p["gain_emergence"]) for p in body["posts"]]
    assert got == [("35007", 7000, 0), ("35003", 3000, 0), ("35005", 0, 1)]
    assert all(p["communes_reached"] == 1 for p in body["posts"])
    last = body["posts"][-1]
    assert (last["total_white_population"], last["total_emergence"]) == (10_000, 1)
    assert body["demand"] == {"emergence": 2, "white_population": 10_000}
    assert body["objective"] == 10_001
    assert body["posts_placed"] == 3 and body["posts_asked"] == 3
    assert "sans stade" in body["rules"]["objective"] and body["rules"]["objective_en"]


def test_radius_groups_neighbours(analysed, app):
    _whiten(app, ["35003", "35007"])
    # 8 km: a commune reaches its east and west neighbours (centres 7.4 km apart), not
    # those north or south (11.1 km). 35008 reaches 35007 (7,000) and 35009 (emergence):
    # 7,000 + 5,000; then 35002 or 35003 reach 35003 (3,000 inhabitants): 35002 by code
    body = analysed.get(f"{API}?posts=5&radius_m=8000").get_json()
    got = [(p["code"], p["gain_white_population"], p["gain_emergence"]) for p in body["posts"]]
    assert got[:2] == [("35008", 7000, 1), ("35004", 0, 1)]
    assert got[2] == ("35002", 3000, 0)
    assert body["posts_placed"] == 3


def test_large_radius_one_post_reaches_all(analysed):
    body = analysed.get(f"{API}?posts=5&radius_m=100000").get_json()
    # one post reaches the whole grid; a second would add nothing, so none is placed
    assert body["posts_placed"] == 1
    post = body["posts"][0]
    # the two emergence cooperations (PAT, one tiers-lieu); the unknown stage not counted
    assert post["gain_emergence"] == 2 == body["demand"]["emergence"]
    assert post["gain_white_population"] == body["demand"]["white_population"]
    # ties broken by the smaller code
    assert post["code"] == "35001"


def test_quota_and_scope(analysed):
    body = analysed.get(f"{API}?posts=4&radius_m=1000&weight=0&quota_per_region=2").get_json()
    assert body["posts_placed"] <= 2
    assert analysed.get(f"{API}?departement=35&posts=2").status_code == 200
    assert analysed.get(f"{API}?region=99").status_code == 404


def test_bounds_refused(analysed):
    for query in (
        "posts=0",
        "posts=2001",
        "radius_m=10",
        "radius_m=200000",
        "quota_per_region=0",
        "region=53&departement=35",
        "f=xml",
    ):
        response = analysed.get(f"{API}?{query}")
        assert response.status_code == 400, query


def test_exports(analysed):
    text = analysed.get(f"{API}?posts=2&radius_m=1000&f=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 and rows[0]["rank"] == "1" and rows[0]["objective_rule"]
    assert rows[0]["objective_rule_en"].startswith("Maximise")
    assert rows[0]["weight_rule_en"].startswith("Weight") and rows[0]["reach_rule_en"]
    geo = analysed.get(f"{API}?posts=2&radius_m=1000&f=geojson")
    assert geo.mimetype == "application/geo+json"
    features = geo.get_json()["features"]
    assert [f["geometry"]["type"] for f in features] == ["Point", "Point"]
    assert features[0]["properties"]["code"] == rows[0]["code"]


def test_page_section_french_and_english(analysed, app):
    _whiten(app, ["35003", "35007"])
    # no plan computed until asked (seconds on all of France): only the form
    page = analysed.get("/ou-accompagner").get_data(as_text=True)
    assert 'id="planner-form"' in page and 'id="planner-table"' not in page
    page = analysed.get("/ou-accompagner?posts=3&radius_km=1").get_data(as_text=True)
    assert "Où placer les postes de développeurs" in page
    rows = re.findall(
        r'<tr data-code="(\d+)" data-rank="(\d+)">', page.split('id="planner-table"')[1]
    )
    # the default weight (one emergence cooperation = 5,000 inhabitants): 35007's 7,000
    # inhabitants, then the two emergence communes, before 35003's 3,000 inhabitants
    assert rows == [("35007", "1"), ("35005", "2"), ("35009", "3")]
    assert "/?t=35007&amp;tl=commune&amp;mode=white" in page  # each post opens on the map
    assert "7\u202f000" in page  # French thousands, the first post's white-zone gain
    csv_link = re.search(r'id="planner-csv" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    exported = list(csv.DictReader(io.StringIO(analysed.get(csv_link).get_data(as_text=True))))
    assert [r["code"] for r in exported] == ["35007", "35005", "35009"]
    english = analysed.get("/ou-accompagner?lang=en&posts=3&radius_km=1").get_data(as_text=True)
    assert "Where to place cooperation developer posts?" in english
    assert "Post&#39;s commune" in english and "White-zone inhabitants gained" in english
    assert analysed.get("/ou-accompagner?posts=many").status_code == 400
    assert analysed.get("/ou-accompagner?posts=3000").status_code == 400


def test_weight_is_said_to_be_ours_and_can_be_changed(analysed, app):
    _whiten(app, ["35003", "35007"])
    body = analysed.get(f"{API}?posts=3&radius_m=1000&weight=2500.5").get_json()
    assert body["weight"] == 2500.5
    rules = body["rules"]
    assert "choix de geocoop" in rules["weight"] and "2\u202f500,5" in rules["weight"]
    assert "geocoop's choice" in rules["weight_en"] and "2,500.5" in rules["weight_en"]
    text = analysed.get(f"{API}?posts=2&radius_m=1000&f=csv").get_data(as_text=True)
    assert "choix de geocoop" in next(csv.DictReader(io.StringIO(text)))["weight_rule"]
    for bad in ("weight=-1", "weight=1000001"):
        assert analysed.get(f"{API}?{bad}").status_code == 400, bad
    # the page's form takes it: weight 1 puts 35003's 3,000 inhabitants before the emergence
    page = analysed.get("/ou-accompagner?posts=3&radius_km=1&weight=1").get_data(as_text=True)
    rows = re.findall(r'<tr data-code="(\d+)"', page.split('id="planner-table"')[1])
    assert rows == ["35007", "35003", "35005"]
    assert 'id="pl-weight"' in page and 'value="1"' in page
    assert "choix de geocoop" in page.split('id="planner-weight-rule"')[1]
    # the same plan on the main map, and its exports carry the weight
    assert 'href="/?posts=3&amp;radius_km=1&amp;weight=1"' in page
    assert "weight=1.0" in re.search(r'id="planner-csv" href="([^"]+)"', page).group(1)
    english = analysed.get("/ou-accompagner?lang=en&posts=3&radius_km=1").get_data(as_text=True)
    assert "geocoop&#39;s choice" in english.split('id="planner-weight-rule"')[1]


def test_main_map_and_fiche_lead_to_the_posts_layer(analysed):
    page = analysed.get("/").get_data(as_text=True)
    assert 'id="posts-form"' in page and "js/posts.js" in page
    config = json.loads(re.search(r'id="geocoop-config">(.*?)</script>', page, re.S).group(1))
    assert config["endpoints"]["developerPosts"] == "/api/analysis/developer-posts"
    assert config["messages"]["posts.title"] == "Postes de développeurs"
    english = analysed.get("/?lang=en").get_data(as_text=True)
    assert "Developer posts" in english and "Postes de développeurs" not in english
    fiche = analysed.get("/territoires/35?level=departement").get_data(as_text=True)
    assert 'id="fiche-posts" href="/?posts=500&amp;radius_km=20&amp;departement=35"' in fiche
    commune = analysed.get("/territoires/35001?level=commune").get_data(as_text=True)
    assert 'href="/?posts=500&amp;radius_km=20&amp;departement=35"' in commune
