"""The study's journeys in real headless Chromium on the bundled data.

Which communes an EPCI covers (list, CSV), support and financing on screen, place names without a
base map, shared links, Escape, the English and the phone fiche. Every figure is checked against the
API.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser_map import browser, get_json, watched  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _epci_with_gaps(live_server: str, kind: str) -> dict:
    """An EPCI of the bundled data with both covered and uncovered communes."""
    rows = get_json(f"{live_server}/api/maps/coverage?level=epci&kinds={kind}")["rows"]
    rows = [r for r in rows if r.get("communes_total") and r.get("communes_covered") is not None]
    with_gaps = [r for r in rows if 0 < r["communes_covered"] < r["communes_total"]]
    assert with_gaps, "the bundled data must hold an EPCI partly covered"
    return max(with_gaps, key=lambda r: r["communes_total"] - r["communes_covered"])


def test_epci_panel_lists_uncovered_communes_and_exports_them(live_server, watched):  # noqa: F811
    kind = get_json(live_server + "/api/maps/cooperations")["features"][0]["properties"][
        "kind_code"
    ]
    epci = _epci_with_gaps(live_server, kind)
    missing = epci["communes_total"] - epci["communes_covered"]
    # a shared link with t= and no view: the map zooms to the territory
    page = watched(live_server + f"/?kinds={kind}&t={epci['code']}&tl=epci")
    page.ready()
    page.page.wait_for_selector(f"#panel-communes .communes-kind[data-kind={kind}]")
    assert page.page.evaluate("() => document.querySelector('#map').dataset.level") in (
        "epci",
        "commune",
    )
    block = page.page.locator(f"#panel-communes .communes-kind[data-kind={kind}]")
    assert int(block.get_attribute("data-uncovered")) == missing
    assert int(block.get_attribute("data-covered")) == epci["communes_covered"]
    assert int(block.get_attribute("data-population-uncovered")) == epci["population_uncovered"]
    if missing > 50:  # long lists start folded
        block.locator("details.uncovered summary").click()
    rows = block.locator("table[data-list=uncovered] tbody tr")
    assert rows.count() == missing
    populations = [int(r.get_attribute("data-population")) for r in rows.all()]
    assert populations == sorted(populations, reverse=True)  # largest first
    summary = block.locator(".communes-summary").inner_text()
    assert re.search(r"\d", summary) and "«" not in summary
    # sorting by name keeps the same communes, first letters in order
    codes = {r.get_attribute("data-code") for r in rows.all()}
    block.locator("details.uncovered select").select_option("name")
    assert {r.get_attribute("data-code") for r in rows.all()} == codes
    initials = [r.locator("td").first.inner_text()[0].upper() for r in rows.all()]
    plain = [unicodedata.normalize("NFD", c)[0] for c in initials]
    assert plain == sorted(plain)
    # the CSV link: the same communes
    href = page.page.locator("#panel-communes-csv").get_attribute("href")
    with urllib.request.urlopen(live_server + href, timeout=30) as response:  # noqa: S310
        text = response.read().decode("utf-8")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    uncovered = [r for r in table[1:] if r[0] == kind and r[4] == "non"]
    assert len(uncovered) == missing
    page.shot("map-epci-communes")
    # Escape closes the panel and gives the focus back
    page.page.locator("#panel").focus()
    page.page.keyboard.press("Escape")
    assert page.page.locator("#panel").is_hidden()
    assert "t" not in parse_qs(urlparse(page.page.url).query)
    page.assert_clean()


def test_support_and_financing_on_screen(live_server, watched):  # noqa: F811
    region = get_json(live_server + "/api/maps/search?q=bretagne")[0]
    page = watched(live_server + f"/?t={region['code']}&tl={region['level']}")
    page.ready()
    page.page.wait_for_selector("#panel-support")
    panel = get_json(f"{live_server}/api/maps/territory/{region['code']}?level={region['level']}")
    support = panel["support"]
    shown = page.page.locator("#panel-stages").get_attribute("data-cooperations")
    assert int(shown) == support["cooperations"]
    for need in support["needs"]:
        item = page.page.locator(f"#panel-needs li[data-need={need['need']}]")
        assert int(item.get_attribute("data-cooperations")) == need["cooperations"]
    for scheme in support["financing"]:
        item = page.page.locator("#panel-financing li").filter(has_text=scheme["scheme"]).first
        assert int(item.get_attribute("data-cooperations")) == scheme["cooperations"]
    structures = page.page.locator("#panel-support-structures")
    if not support["support_structures"]["has_data"]:
        assert "aucune donnée" in structures.inner_text()
    page.page.locator("#panel-support").scroll_into_view_if_needed()
    page.shot("map-support")
    page.assert_clean()


def test_place_names_without_a_base_map(live_server, watched):  # noqa: F811
    page = watched(live_server + "/")
    page.ready()
    page.page.wait_for_function("() => +document.querySelector('#map').dataset.labels > 0")
    names = page.page.locator(".place-label.region").all_inner_texts()
    assert names, "région names are drawn at the France zoom"
    page.page.goto(live_server + "/?at=11/48.11/-1.68")
    page.ready()
    page.page.wait_for_function("() => +document.querySelector('#map').dataset.labels > 0")
    communes = page.page.locator(".place-label.commune").all_inner_texts()
    assert "Rennes" in communes
    # no two names overlap
    boxes = page.page.evaluate(
        "() => Array.from(document.querySelectorAll('.place-label')).map(e => {"
        " const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and a[2] > b[0] + 1 and a[1] < b[3] - 1 and a[3] > b[1] + 1)
    page.shot("map-labels-rennes")
    page.assert_clean()


_BOXES = (
    "sel => Array.from(document.querySelectorAll(sel)).map(e => {"
    " const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
)


def test_place_names_make_way_for_cluster_markers(live_server, watched):  # noqa: F811
    """At a dense view (Rennes, zoom 9: tiers-lieux clustered) no name lies under a marker."""
    page = watched(live_server + "/?at=9/48.11/-1.68")
    page.ready()
    page.page.wait_for_function(
        "() => +document.querySelector('#map').dataset.labels > 0"
        " && document.querySelectorAll('.marker-cluster').length > 0"
    )
    page.page.wait_for_load_state("networkidle")
    page.page.wait_for_timeout(500)  # a cluster animation ends, the names are placed again
    labels = page.page.evaluate(_BOXES, ".place-label")
    markers = page.page.evaluate(_BOXES, ".leaflet-marker-pane .leaflet-marker-icon")
    clusters = page.page.evaluate(_BOXES, ".marker-cluster")
    assert labels and len(clusters) >= 3, (len(labels), len(clusters))
    for a in labels:
        for b in markers:
            assert not (a[0] < b[2] - 1 and a[2] > b[0] + 1 and a[1] < b[3] - 1 and a[3] > b[1] + 1)
    page.shot("map-labels-clusters")
    page.assert_clean()


def test_english_fiche_and_phone_fiche(live_server, watched):  # noqa: F811
    code = get_json(live_server + "/api/maps/search?q=rennes")[0]["code"]
    page = watched(live_server + f"/territoires/{code}?lang=en", width=390, height=844)
    page.page.wait_for_load_state("networkidle")
    main = page.page.locator("main").inner_text()
    assert "«" not in main and "»" not in main
    assert "aucune" not in main.lower() and "couverte" not in main
    width = page.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    page.shot("fiche-phone-en")
    french = watched(live_server + f"/territoires/{code}?lang=fr")
    french.page.wait_for_load_state("networkidle")
    text = french.page.locator("main").inner_text()
    assert not re.search(r"\d\.\d", text.replace("INSEE", "")), "decimal comma in French"
    page.assert_clean()
    french.assert_clean()
