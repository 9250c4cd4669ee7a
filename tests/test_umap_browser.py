"""A real uMap with docs/api.md's remote-data layers, driven in headless Chromium.

umap-project from PyPI (its own virtualenv and database, gunicorn on loopback) reads the
bundled data at world, France, région and commune views: features drawn, no 400 at any zoom, the
`description` in uMap's default popup, the notice of a truncated layer, white zones light.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest

from benchmarks import umap
from benchmarks.chromium import CHROMIUM, launch
from tests.conftest import missing

pytestmark = pytest.mark.browser

VIEWS = {  # name: (lat, lon, zoom); at zoom 2 uMap asks for a bbox wider than ±180°
    "world": (20.0, 0.0, 2),
    "france": (46.6, 2.5, 6),
    "region": (48.15, -2.9, 8),
    "commune": (48.11, -1.68, 13),
}
WHITE_ZONE_BUDGET = 500_000  # bytes at commune view (issue #20)


@pytest.fixture(scope="module")
def umap_site(pg_cluster, live_server):
    """A uMap on loopback with one map of geocoop layers read from `live_server`."""
    if not umap.installed():
        missing(f"uMap absent ({umap.UMAP_VENV}): run scripts/setup.sh")
    with umap.umap_site(pg_cluster, live_server) as site:
        yield site


@pytest.fixture
def umap_page(umap_site):
    """The uMap map open in Chromium.

    Every answer of geocoop and every off-loopback request is recorded.
    """
    if not shutil.which(CHROMIUM):
        missing(f"Chromium absent ({CHROMIUM}): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        seen = {"answers": [], "remote": [], "errors": []}

        def request(req):  # the machine has no network: anything else is a failure
            url = urlparse(req.url)
            if url.scheme not in ("data", "blob") and url.hostname != "127.0.0.1":
                seen["remote"].append(req.url)

        page.on("request", request)
        page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
        page.on(
            "response",
            lambda r: seen["answers"].append(r) if "/api/features/" in r.url else None,
        )
        page.goto(umap_site.map_url)
        page.wait_for_function("() => window.U && U.MAP && U.MAP.datalayersLoaded", timeout=30_000)
        yield page, seen
        context.close()
        browser.close()


def _expected(zoom: int) -> set[str]:
    """The geocoop URLs (path and query, bbox aside) uMap must ask for at `zoom`."""
    return {layer["url"].split("&bbox=")[0] for layer in umap.LAYERS if layer["min_zoom"] <= zoom}


def _show(page, seen, view: str) -> tuple[dict[str, int], list]:
    """Move uMap to `view` and wait for its dynamic layers' answers and drawing.

    Returns the features per layer and the answers geocoop gave for this view.
    """
    lat, lon, zoom = VIEWS[view]
    seen["answers"].clear()
    page.evaluate(f"() => U.MAP._leafletMap.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    expected = _expected(zoom)
    for _ in range(300):  # 30 s at most
        answered = {_layer_url(r.url) for r in seen["answers"]}
        if expected <= answered:
            break
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # uMap draws what arrived
    counts = page.evaluate(
        "() => Object.fromEntries(U.MAP.layers.tree.map(l => [l.getName(), l.features.count()]))"
    )
    return counts, list(seen["answers"])


def _layer_url(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + "?" + parsed.query.split("&bbox=")[0]


def _popup(page, layer: str, predicate: str = "true") -> str:
    """The text of uMap's own popup of the first feature of `layer` matching `predicate`."""
    page.evaluate(
        """([layer, predicate]) => {
            const found = U.MAP.layers.tree.find(l => l.getName() === layer);
            const test = new Function('f', `return ${predicate}`);
            let chosen;
            found.features.forEach(f => { if (!chosen && test(f)) chosen = f });
            chosen.view();
        }""",
        [layer, predicate],
    )
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    text = page.inner_text(".leaflet-popup-content")
    page.evaluate("() => U.MAP._leafletMap.closePopup()")
    # gone before the next one opens: else its wait may find this one and read its text
    page.wait_for_selector(".leaflet-popup", state="detached", timeout=10_000)
    return text


def test_umap_draws_geocoop_layers_at_every_view(umap_page):
    """One pass over the views (each move costs uMap seconds).

    Layers asked and drawn, no 400, popups and the truncation notice at région view, white
    zones light at commune view.
    """
    page, seen = umap_page
    sizes = {}
    for view in VIEWS:
        counts, answers = _show(page, seen, view)
        # every documented layer answered, and never a 400 (any bbox is accepted)
        assert answers, view
        assert all(r.status in (200, 304) for r in answers), [
            (r.status, r.url) for r in answers if r.status not in (200, 304)
        ]
        zoom = VIEWS[view][2]
        assert {_layer_url(r.url) for r in answers} == _expected(zoom), view
        for layer in umap.LAYERS:
            if layer["min_zoom"] > zoom:  # below its minimum zoom a layer is not requested
                assert counts[layer["name"]] == 0, (view, layer["name"])
        # drawn: départements and cooperations everywhere, communes at commune view
        assert counts["Départements"] > 0 and counts["Coopérations"] > 0, (view, counts)
        assert counts["Couverture des EPCI (PAT)"] > 0, (view, counts)
        if view == "commune":
            assert counts["Communes"] > 0, counts
        if view == "region":
            _popups_and_notice(page, counts)
        sizes[view] = {
            r.url: len(r.body()) for r in answers if r.status == 200 and "white-zones" in r.url
        }
    # the white zones (35 on the bundled data) are drawn somewhere, and light at commune view
    assert sizes["commune"]
    assert all(size < WHITE_ZONE_BUDGET for size in sizes["commune"].values()), sizes
    assert seen["remote"] == []
    assert seen["errors"] == []


def _popups_and_notice(page, counts: dict[str, int]) -> None:
    """At région view: uMap's default popups and the notice of the truncated layer."""
    # uMap's default popup: the feature's name, then its `description` (key figures)
    text = _popup(page, "Départements")
    assert "Département" in text and "habitants" in text, text
    text = _popup(page, "Couverture des EPCI (PAT)")
    assert "%" in text or "couvert" in text, text
    # 1,226 communes in the view, 200 asked: a visible notice says so, the rest is a spread
    # sample (features from all four départements of Bretagne, not the first codes)
    assert counts["Communes (200 au plus)"] == 201
    notice = _popup(page, "Communes (200 au plus)", "f.properties.notice === true")
    assert "200" in notice and "sur" in notice and "zoomez" in notice, notice
    departments = page.evaluate(
        """() => {
            const layer = U.MAP.layers.tree.find(l => l.getName() === 'Communes (200 au plus)');
            const codes = new Set();
            layer.features.forEach(f => {
                if (!f.properties.notice) codes.add(String(f.id).slice(0, 2));
            });
            return [...codes].sort();
        }"""
    )
    assert departments == ["22", "29", "35", "56"], departments
