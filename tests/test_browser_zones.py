"""Real headless Chromium on the bundled data.

The région / département selector (keyboard, URL, zoom, filtered lists), white zones listed with
their names and reasons, and the funder ranking page. Every figure is checked against the API.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlparse

import pyogrio
import pytest

from tests.test_browser_map import browser, get_json, watched  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
KIND = "tiers_lieu"  # the bundled kind with most white zones


def _centre(url: str) -> tuple[float, float]:
    zoom, lat, lon = parse_qs(urlparse(url).query)["at"][0].split("/")
    return float(lat), float(lon)


def _inside(point: tuple[float, float], box: dict) -> bool:
    return box["south"] <= point[0] <= box["north"] and box["west"] <= point[1] <= box["east"]


def test_selector_zooms_and_filters_the_named_white_zones(live_server, watched, tmp_path):  # noqa: F811
    areas = {f"{a['level']}:{a['code']}": a for a in get_json(live_server + "/api/maps/areas")}
    page = watched(live_server + f"/?mode=white&wkind={KIND}")
    page.ready()
    # keyboard: the selector is a native select; ArrowDown picks the first région
    page.page.focus("#area-select")
    page.page.keyboard.press("ArrowDown")
    page.ready()
    first = page.page.locator("#area-select").input_value()
    assert first.startswith("region:")
    query = parse_qs(urlparse(page.page.url).query)
    assert query["region"] == [first.split(":")[1]]
    # a département: the map goes there, the list keeps to it, names and reasons shown
    page.page.select_option("#area-select", "departement:22")
    page.ready()
    assert parse_qs(urlparse(page.page.url).query)["departement"] == ["22"]
    page.page.wait_for_function("() => location.search.includes('at=')")
    assert _inside(_centre(page.page.url), areas["departement:22"])
    api = get_json(
        f"{live_server}/api/maps/white-zones?kind={KIND}&limit=50&split=departement&departement=22"
    )["features"]
    items = page.page.locator("#white-list li.zone-item")
    assert items.count() == len(api) > 0
    for item, feature in zip(items.all()[:10], api[:10], strict=False):
        p = feature["properties"]
        assert item.get_attribute("data-id") == p["id"]
        assert p["departements"] == ["22"]
        assert item.locator(".zone-name").inner_text() == f"#{p['rank']} {p['name']}"
        assert item.locator(".zone-reason").inner_text() == p["reason"]
        assert p["nearest_cooperation_name"] and p["nearest_cooperation_distance_m"] > 0
    assert "Zone autour de " in items.first.inner_text()
    # the exports keep the area and the split
    href = page.page.locator("#export-gpkg").get_attribute("href")
    assert "parent=22" in href and "split=departement" in href
    path = tmp_path / "zones.gpkg"
    with urllib.request.urlopen(live_server + href, timeout=60) as response:  # noqa: S310
        path.write_bytes(response.read())
    frame = pyogrio.read_dataframe(path)
    assert list(frame["name"])[: len(api)] == [f["properties"]["name"] for f in api]
    assert list(frame["nearest_cooperation_distance_m"])[:3] == [
        f["properties"]["nearest_cooperation_distance_m"] for f in api[:3]
    ]
    page.shot("map-white-zones-named")
    # the link is shareable: opened afresh, same selection, same place, same list
    shared = watched(page.page.url.split("&at=")[0].split("?at=")[0])
    shared.ready()
    assert shared.page.locator("#area-select").input_value() == "departement:22"
    shared.page.wait_for_function("() => location.search.includes('at=')")
    assert _inside(_centre(shared.page.url), areas["departement:22"])
    assert shared.page.locator("#white-list li.zone-item").count() == len(api)
    # back to all of France
    page.page.select_option("#area-select", "")
    page.ready()
    assert "departement" not in parse_qs(urlparse(page.page.url).query)
    page.assert_clean()
    shared.assert_clean()


def test_selector_on_the_main_map_and_in_english(live_server, watched):  # noqa: F811
    page = watched(live_server + "/?lang=en&region=53")
    page.ready()
    assert page.page.locator("label[for=area-select]").inner_text() == "Region or département"
    assert page.page.locator("#area-select").input_value() == "region:53"
    # the figures are the région's: the chart lists its départements, as the API gives them
    figures = get_json(f"{live_server}/api/maps/coverage?level=departement&region=53")
    assert {r["code"] for r in figures["rows"]} == {"22", "29", "35", "56"}
    assert page.page.locator("#chart-dep-title").inner_text().startswith("Territories of")
    chart = page.page.locator("#chart-dep-body").inner_text()
    for row in figures["rows"]:
        if row["population_uncovered"]:
            assert f"{row['name']} ({row['code']})" in chart
    assert "Réunion" not in chart
    page.page.goto(live_server + f"/?lang=en&mode=white&wkind={KIND}&departement=29")
    page.ready()
    assert (
        page.page.locator("#white-list .zone-name")
        .first.inner_text()
        .split(" ", 1)[1]
        .startswith("Area around ")
    )
    reason = page.page.locator("#white-list .zone-reason").first.inner_text()
    assert reason.startswith("No ") and "«" not in reason
    page.assert_clean()


def test_funder_ranking_page(live_server, watched):  # noqa: F811
    page = watched(live_server + "/ou-accompagner?level=epci&area=region:53")
    page.page.wait_for_load_state("networkidle")
    api = get_json(
        f"{live_server}/api/analysis/funder-ranking?level=epci&parent=53&parent_level=region"
    )
    rows = page.page.locator("#funders-table tbody tr")
    assert rows.count() == api["count"] > 0
    for row, expected in zip(rows.all()[:10], api["rows"][:10], strict=False):
        assert row.get_attribute("data-code") == expected["code"]
        white = row.locator("td[data-col=white_population]").get_attribute("data-value")
        assert white == (
            "" if expected["white_population"] is None else str(expected["white_population"])
        )
    # keyboard: change the ranking with the form
    page.page.select_option("#fl-sort", "emergence")
    page.page.locator("#funders-form button[type=submit]").press("Enter")
    page.page.wait_for_url(lambda url: "sort=emergence" in url)
    counts = [
        int(r.get_attribute("data-value"))
        for r in page.page.locator("#funders-table tbody tr td[data-col=emergence]").all()
    ]
    assert counts == sorted(counts, reverse=True)
    # per kind, each kind with data has its own white-zone column, checked against the API
    for kind in api["kinds_with_data"]:
        first = rows.first.locator(f"td[data-col=white_{kind}]").get_attribute("data-value")
        again = get_json(
            f"{live_server}/api/analysis/funder-ranking?level=epci&parent=53&parent_level=region"
            f"&kind={kind}&sort=emergence"
        )
        code = rows.first.get_attribute("data-code")
        mine = next(r for r in again["rows"] if r["code"] == code)
        assert first == ("" if mine["white_population"] is None else str(mine["white_population"]))
    page.shot("funders-ranking")
    page.assert_clean()


def test_developer_posts_on_the_page_map(live_server, watched):  # noqa: F811
    page = watched(live_server + "/ou-accompagner?area=region:53&posts=20&radius_km=20")
    page.page.wait_for_selector("#planner-map[data-drawn]")
    api = get_json(f"{live_server}/api/analysis/developer-posts?posts=20&radius_m=20000&region=53")
    drawn = int(page.page.get_attribute("#planner-map", "data-drawn"))
    assert drawn == api["posts_placed"] == page.page.locator("#planner-table tbody tr").count()
    # a circle and a dot per post, drawn by Leaflet from the GeoJSON export
    assert page.page.locator("#planner-map path.leaflet-interactive").count() == 2 * drawn
    page.assert_clean()
