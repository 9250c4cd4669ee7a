"""The map pages driven in real headless Chromium against the live server (bundled data).

Every page is checked for console errors and for requests leaving loopback (they are
aborted and recorded); a screenshot of each state goes to test-artifacts/.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from benchmarks.chromium import CHROMIUM, launch
from tests.conftest import missing

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (Debian's, never a downloaded one)."""
    if not shutil.which(CHROMIUM):
        missing(f"Chromium absent ({CHROMIUM}): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


class Watched:
    """A page whose console errors and off-loopback requests are recorded."""

    def __init__(self, browser, width: int = 1280, height: int = 800):
        """A fresh context and page of `width` × `height`, watched."""
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.remote: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.context.route("**/*", self._route)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _route(self, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob", "file") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def ready(self) -> None:
        """Wait until the map script has loaded everything for the current state."""
        self.page.wait_for_selector("body[data-ready=true]", timeout=20_000)
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> None:
        """Save a screenshot of the page under the test artifacts."""
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def assert_clean(self) -> None:
        """No console error and no request off the loopback."""
        assert self.errors == []
        assert self.remote == []

    def close(self) -> None:
        """Close the page's context."""
        self.context.close()


@pytest.fixture
def watched(browser):
    pages: list[Watched] = []

    def open_page(url: str, **size) -> Watched:
        page = Watched(browser, **size)
        pages.append(page)
        page.page.goto(url)
        return page

    yield open_page
    for page in pages:
        page.close()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return json.load(response)


PAINTED_TILES = """() => Array.from(document.querySelectorAll("canvas.leaflet-tile")).filter(
  (c) => { const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
           for (let i = 3; i < d.length; i += 4 * 61) { if (d[i]) return true; }
           return false; }).length"""


def painted_tiles(page) -> int:
    """How many choropleth tiles have at least one drawn pixel."""
    return page.page.evaluate(PAINTED_TILES)


def figure(page, element_id: str) -> str:
    return page.page.locator(f"#{element_id}").inner_text().strip()


def test_france_view_loads_clean(live_server, watched):
    page = watched(live_server + "/")
    page.ready()
    assert page.page.locator("#legend-kinds li").count() == 1  # one meaningful kind
    assert painted_tiles(page) >= 1  # the regions are drawn from the vector tiles
    assert page.page.locator("#chart-dep-body svg rect").count() >= 2
    page.shot("map-france")
    page.assert_clean()


def test_filter_changes_markers_and_figures_and_back_restores(live_server, watched):
    every = get_json(live_server + "/api/maps/cooperations")["features"]
    assert every, "the bundled data must hold located cooperations"
    kinds = sorted({f["properties"]["kind_code"] for f in every})
    start = ",".join(kinds)
    page = watched(live_server + f"/?at=8/48.1/-2.8&kinds={start}")
    page.ready()
    shown_all = figure(page, "fig-cooperations")
    covered_all = figure(page, "fig-covered")
    kind = "tiers_lieu" if "tiers_lieu" in kinds else kinds[0]  # the most contrasted map
    # keep only one kind: uncheck every other box
    checked = [
        b.get_attribute("value") for b in page.page.locator("input[name=kinds]:checked").all()
    ]
    for code in checked:
        if code != kind:
            page.page.uncheck(f"#k-{code}")
            page.ready()
    expected = get_json(f"{live_server}/api/maps/cooperations?kinds={kind}")["features"]
    assert figure(page, "fig-cooperations") == f"{len(expected)}"
    assert figure(page, "fig-cooperations") != shown_all or len(kinds) == 1
    # tiers-lieux alone is the default view: the URL then carries no kinds
    assert "kinds=" not in page.page.url and f"kinds={start}" not in page.page.url
    if "france_services" in kinds:  # a context layer: never in the headline figure
        others = ",".join(k for k in kinds if k != "france_services")
        without = get_json(f"{live_server}/api/maps/coverage?level=departement&kinds={others}")
        shown = covered_all.replace("\u202f", "").replace("\xa0", "")
        assert shown == str(without["totals"]["population_covered"])
    assert page.page.locator("#legend-kinds li").count() == 1
    assert painted_tiles(page) >= 2  # départements drawn (512-px tiles)
    coverage = get_json(f"{live_server}/api/maps/coverage?level=departement&kinds={kind}")
    assert figure(page, "fig-covered").replace("\u202f", "").replace("\xa0", "") == str(
        coverage["totals"]["population_covered"]
    )
    page.shot("map-filtered")
    # the shared link reproduces the state
    other = watched(page.page.url)
    other.ready()
    assert figure(other, "fig-cooperations") == f"{len(expected)}"
    # the back button walks back through the filter changes to the first state
    for _ in range(len(kinds) + 12):
        if page.page.locator("input[name=kinds]:checked").count() == len(kinds):
            break
        page.page.go_back()
        page.ready()
    assert figure(page, "fig-cooperations") == shown_all
    assert figure(page, "fig-covered") == covered_all
    page.assert_clean()
    other.assert_clean()


def test_search_opens_the_commune_panel_with_the_api_figures(live_server, watched):
    page = watched(live_server + "/")
    page.ready()
    page.page.fill("#search-input", "cesson sevigne")
    page.page.wait_for_selector("#search-results li[data-code='35051']")
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("#panel[data-code='35051']", timeout=20_000)
    page.ready()
    assert "t=35051" in page.page.url
    panel = get_json(f"{live_server}/api/maps/territory/35051?level=commune")
    population = figure(page, "panel-population").replace("\u202f", "").replace("\xa0", "")
    assert population == str(panel["territory"]["population"])
    # the coverage shown is the analysis API's own figure for this commune
    analysis = (
        f"{live_server}/api/analysis/coverage?level=commune&parent=35&parent_level=departement"
    )
    rows = get_json(analysis)["items"]
    expected = next(r for r in rows if r["code"] == "35051")
    shown = page.page.locator("#panel-covered-all").get_attribute("data-covered")
    assert int(shown) == expected["population_covered"]
    for item in page.page.locator(".reasons li").all():
        kind = item.get_attribute("data-kind")
        by_kind = get_json(f"{analysis}&kind={kind}")["items"]
        row = next(r for r in by_kind if r["code"] == "35051")
        assert int(item.get_attribute("data-covered")) == row["population_covered"]
        assert item.locator(".why").text_content().strip()  # every figure says why
    page.shot("map-commune-panel")
    page.assert_clean()


def test_search_by_a_former_commune_name(live_server, watched):
    """Pléven, a commune déléguée, found by its former name.

    Pléven, a commune déléguée of Val-d'Arguenon since 2025: typed, it offers the
    current commune, says why, and opens its panel.
    """
    page = watched(live_server + "/")
    page.ready()
    page.page.fill("#search-input", "Pléven")
    option = page.page.wait_for_selector("#search-results li[data-code='22237']")
    assert "Pléven" in option.text_content() and "Val-d'Arguenon" in option.text_content()
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("#panel[data-code='22237']", timeout=20_000)
    page.assert_clean()


def test_white_zone_mode_lists_zones_by_population(live_server, watched):
    page = watched(live_server + "/")
    page.ready()
    page.page.click("#mode-toggle")
    page.ready()
    page.page.select_option("#w-kind", "tiers_lieu")  # the bundled kind with most zones
    page.ready()
    assert "wkind=tiers_lieu" in page.page.url
    buttons = page.page.locator(".zone-button")
    assert buttons.count() >= 2
    populations = [int(b.get_attribute("data-population")) for b in buttons.all()]
    assert populations == sorted(populations, reverse=True)
    assert "mode=white" in page.page.url
    assert page.page.locator("#export-gpkg").get_attribute("href")
    # the kind select (its options end in « — aucune donnée chargée ») stays in the sidebar
    inside = page.page.evaluate(
        """() => document.querySelector('#w-kind').getBoundingClientRect().right
             <= document.querySelector('.sidebar').getBoundingClientRect().right"""
    )
    assert inside
    page.shot("map-white-zones")
    before = page.page.url
    buttons.first.click()
    page.page.wait_for_url(lambda url: url != before)
    page.shot("map-white-zone-zoomed")
    page.assert_clean()


def test_fiche_prints_with_its_map_and_the_offline_export_opens(live_server, watched, tmp_path):
    page = watched(live_server + "/territoires/35238")
    page.page.wait_for_load_state("networkidle")
    frame = page.page.frame_locator("iframe.fiche-map")
    frame.locator(".leaflet-container").wait_for(timeout=20_000)
    assert frame.locator("path.leaflet-interactive").count() >= 1
    assert page.page.locator("#ind-population").inner_text().strip()
    page.shot("fiche-35238")
    page.assert_clean()
    html = urllib.request.urlopen(live_server + "/territoires/35238/carte.html").read()  # noqa: S310
    offline = tmp_path / "carte.html"
    offline.write_bytes(html)
    opened = watched(offline.as_uri())
    opened.page.wait_for_selector(".leaflet-container path.leaflet-interactive", timeout=20_000)
    opened.shot("fiche-offline-export")
    opened.assert_clean()


def test_phone_layout_and_english(live_server, watched):
    page = watched(live_server + "/?lang=en", width=390, height=844)
    page.ready()
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert "Kinds of cooperation" in page.page.content()
    box = page.page.locator("#map").bounding_box()
    assert box["width"] <= 390
    page.shot("map-phone-en")
    # the panel opened from a link covers Leaflet's controls: no attribution showing through
    page.page.goto(live_server + "/?lang=en&t=35051&tl=commune")
    page.page.wait_for_selector("#panel[data-code='35051']", timeout=20_000)
    on_top = page.page.evaluate(
        """() => { const a = document.querySelector('.leaflet-control-attribution')
                   .getBoundingClientRect();
                   return !!document.elementFromPoint(a.left + a.width / 2, a.top + a.height / 2)
                   .closest('#panel'); }"""
    )
    assert on_top
    # on a desktop the English names wrap in the 350 px sidebar: each kind's badge stays
    # on its checkbox's line (it once sat alone on a line above the name)
    page.page.set_viewport_size({"width": 1280, "height": 800})
    offsets = page.page.evaluate(
        """() => [...document.querySelectorAll('.kind-option')].map(o =>
             o.querySelector('.kind-badge').getBoundingClientRect().top
             - o.querySelector('input').getBoundingClientRect().top)"""
    )
    assert offsets and all(abs(dy) < 8 for dy in offsets), offsets
    page.assert_clean()


def test_admin_upload_shows_progress_and_the_reject_report(live_server, watched, demo_engine):
    from sqlalchemy import text

    from geocoop.auth import create_token

    with demo_engine.begin() as conn:
        token = create_token(conn, "browser-admin")
    try:
        page = watched(live_server + "/admin/")
        page.page.fill("#token", token)
        page.page.click("#login-form button[type=submit]")
        page.page.wait_for_selector("#upload-form")
        sample = Path(__file__).parent / "data" / "cooperations" / "good" / "mixte.csv"
        page.page.set_input_files("#file", str(sample))
        page.page.check("input[name=dry_run]")  # the demo database stays as it is
        page.page.click("#upload-form button[type=submit]")
        page.page.wait_for_selector("#report-counts", timeout=30_000)
        assert page.page.locator("#upload-progress").get_attribute("value") == "100"
        assert "mixte.csv" in page.page.locator("#report h2").inner_text()
        page.shot("admin-upload-report")
        page.assert_clean()
    finally:
        with demo_engine.begin() as conn:
            conn.execute(text("DELETE FROM api_token WHERE name = 'browser-admin'"))


def test_clicking_a_commune_opens_its_panel(live_server, watched):
    # support structures only: none in the bundled data, so no marker lies under the click
    page = watched(live_server + "/?kinds=appui&at=10/48.11/-1.68")
    page.ready()
    assert page.page.locator("#map").get_attribute("data-level") == "commune"
    assert page.page.locator(".coop-marker, .marker-cluster").count() == 0
    box = page.page.locator("#map").bounding_box()
    page.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.page.wait_for_selector("#panel[data-code]", timeout=20_000)
    code = page.page.locator("#panel").get_attribute("data-code")
    assert f"t={code}" in page.page.url and "tl=commune" in page.page.url
    expected = get_json(f"{live_server}/api/maps/territory/{code}?level=commune")
    assert page.page.locator("#panel-title").inner_text() == expected["territory"]["name"]
    page.shot("map-commune-click")
    page.assert_clean()


def test_keyboard_alone_reaches_a_territory(live_server, watched):
    page = watched(live_server + "/")
    page.ready()
    page.page.keyboard.press("Tab")  # the skip link comes first
    assert page.page.evaluate("document.activeElement.className") == "skip-link"
    page.page.focus("#search-input")
    page.page.keyboard.type("ille et vilaine")
    page.page.wait_for_selector("#search-results li[role=option]")
    page.page.keyboard.press("ArrowDown")
    assert page.page.locator("#search-results li[aria-selected=true]").count() == 1
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("#panel[data-code='35']", timeout=20_000)
    assert page.page.evaluate("document.activeElement.id") == "panel"
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.id") == "panel-close"
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("#panel", state="hidden")
    assert "&t=" not in page.page.url and "?t=" not in page.page.url
    page.assert_clean()


def test_coverage_rule_and_distance_change_the_figures(live_server, watched):
    page = watched(live_server + "/?kinds=tiers_lieu")
    page.ready()
    before = figure(page, "fig-covered")
    page.page.select_option("#f-distance", "5")
    page.ready()
    assert "distance_km=5" in page.page.url
    expected = get_json(f"{live_server}/api/maps/coverage?level=departement&kinds=tiers_lieu"
                        "&distance_km=5")["totals"]["population_covered"]  # fmt: skip
    shown = figure(page, "fig-covered").replace("\u202f", "").replace("\xa0", "")
    assert shown == str(expected) and figure(page, "fig-covered") != before
    page.page.select_option("#f-rule", "perimeter")
    page.ready()
    assert "rule=perimeter" in page.page.url
    page.shot("map-rule-perimeter")
    page.assert_clean()


def test_home_headline_is_one_kind_and_a_kind_without_data_says_so(live_server, watched):
    """Issue 12: the default view is one cooperation kind and never lies.

    Issue 12: the default view is one cooperation kind — never a « 100 % » made of France
    services (a context layer) — and a kind without data reads « aucune donnée chargée »,
    in its checkbox, the legend, the figures and the panel, never 0 %.
    """
    fs_status = get_json(f"{live_server}/api/analysis/white-zones?kind=france_services&limit=1")
    assert fs_status["data_status"]["status"] != "none"  # the bundled data has them
    page = watched(live_server + "/")
    page.ready()
    checked = [
        b.get_attribute("value") for b in page.page.locator("input[name=kinds]:checked").all()
    ]
    assert checked == ["tiers_lieu"]  # the loaded cooperation kind with most rows
    scope = page.page.locator("#fig-scope")
    assert scope.get_attribute("data-scope") == "one"
    assert scope.inner_text().strip() == "Couverture par : Tiers-lieu"
    headline = figure(page, "fig-covered-pct")
    assert headline != "100,0 %" and headline != "–"
    totals = get_json(f"{live_server}/api/maps/coverage?level=departement&kinds=tiers_lieu")
    shown = float(headline.replace("%", "").replace(",", ".").strip())
    assert shown == pytest.approx(totals["totals"]["population_covered_pct"], abs=0.05)
    fs = get_json(f"{live_server}/api/maps/coverage?level=departement&kinds=france_services")
    assert fs["totals"]["population_covered_pct"] > totals["totals"]["population_covered_pct"]
    # France services: unchecked, labelled as a context layer
    assert "couche de contexte" in page.page.locator("label[for=k-france_services]").inner_text()
    # a kind without data says so next to its checkbox (no count, no 0)
    ptce = page.page.locator("label[for=k-ptce]").inner_text()
    assert "aucune donnée chargée" in ptce and "(0)" not in ptce
    # a partial kind says how much is loaded against the census
    assert "recensés en 2023" in page.page.locator("label[for=k-tiers_lieu]").inner_text()
    page.shot("map-home-one-kind")
    # choosing only the kind without data: no figure at all, and the reason
    page.page.uncheck("#k-tiers_lieu")
    page.ready()
    page.page.check("#k-ptce")
    page.ready()
    assert "kinds=ptce" in page.page.url
    assert scope.get_attribute("data-scope") == "none"
    assert page.page.locator("#fig-headline").is_hidden()
    assert "aucune donnée chargée" in page.page.locator("#fig-notes").inner_text()
    assert (
        "aucune donnée chargée"
        in page.page.locator("#legend-kinds li[data-kind=ptce]").inner_text()
    )
    assert page.page.locator("#chart-dep-body svg").count() == 0
    # its panel: no 0 %, no « non couverte »
    page.page.fill("#search-input", "35238")
    page.page.wait_for_selector("#search-results li[data-code='35238']")
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("#panel[data-code='35238']", timeout=20_000)
    page.ready()
    panel = page.page.locator("#panel").inner_text()
    assert "aucune donnée chargée" in panel
    assert "0,0 %" not in panel and "n'est pas couverte" not in panel
    assert page.page.locator("#panel-covered-all").count() == 0
    page.shot("map-kind-without-data")
    page.assert_clean()


def test_white_zone_mode_for_a_kind_without_data(live_server, watched):
    page = watched(live_server + "/?mode=white&wkind=ptce")
    page.ready()
    assert page.page.locator(".zone-button").count() == 0
    assert "aucune donnée chargée" in page.page.locator("#white-list").inner_text()
    assert page.page.locator("#export-csv").is_hidden()
    page.assert_clean()


@pytest.mark.full_data
def test_all_of_france_home_tells_the_truth(national_live_server, watched):
    """Issue 12 on the national data a new user loads.

    No « 100 % » headline made of France services, PAT perimeters drawn with their stage known, PTCE
    « aucune donnée chargée ».
    """
    base = national_live_server
    page = watched(base + "/")
    page.ready()
    checked = [
        b.get_attribute("value") for b in page.page.locator("input[name=kinds]:checked").all()
    ]
    assert "france_services" not in checked and len(checked) == 1
    headline = figure(page, "fig-covered-pct")
    assert headline not in ("100,0 %", "100 %", "–")
    fs = get_json(f"{base}/api/maps/coverage?level=region&kinds=france_services")
    assert fs["totals"]["population_covered_pct"] > 99  # what used to saturate the headline
    assert "aucune donnée chargée" in page.page.locator("label[for=k-ptce]").inner_text()
    assert "460" in page.page.locator("label[for=k-pat]").inner_text()
    # PAT: perimeters drawn, the study's stage filter counts only known stages
    page.page.goto(base + "/?kinds=pat&stage=emergence")
    page.ready()
    perimeters = get_json(f"{base}/api/maps/perimeters?kinds=pat&stage=emergence")
    assert len(perimeters["features"]) > 200
    page.shot("france-pat-emergence")
    # the map draws on canvas (preferCanvas): the perimeters pane holds its own canvas
    assert page.page.locator(".leaflet-perimeters-pane canvas").count() == 1
    status = get_json(f"{base}/api/maps/coverage?level=region&kinds=pat&stage=emergence")
    assert status["totals"]["population_covered_pct"] not in (None, 0)
    page.assert_clean()
