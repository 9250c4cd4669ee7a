"""Journey (c) in real headless Chromium on the bundled data, as a funder takes it.

« Où accompagner ? » → a territory of the ranking → its support needs and financing on its
fiche → the developer-posts plan with N = 10 on the main map → the CSV and GeoJSON exports
downloaded through the page's links. Every figure is checked against the API; run in French
and English, and at a 390 px phone width (no horizontal overflow).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser_map import browser, get_json, watched  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
POSTS = 10


def _no_overflow(page, width: int) -> None:
    scroll = page.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, page.page.url


def _grouped(value: int, lang: str) -> str:
    """A whole number as the page writes it (fr-FR: narrow no-break space; en-GB: comma)."""
    return f"{value:,}".replace(",", "\u202f" if lang == "fr" else ",")


@pytest.mark.parametrize(
    ("lang", "width"),
    [("fr", 1280), ("en", 1280), ("fr", 390), ("en", 390)],
    # English phone: its longer kind names once widened the form past 390 px
    ids=["fr", "en", "phone", "phone-en"],
)
def test_funder_journey_to_developer_posts_and_export(live_server, watched, lang, width):  # noqa: F811
    # 1. the funder view, départements ranked by white-zone inhabitants
    page = watched(f"{live_server}/ou-accompagner?lang={lang}", width=width, height=844)
    ranking = get_json(f"{live_server}/api/analysis/funder-ranking?level=departement")
    first = page.page.locator("#funders-table tbody tr").first
    top = ranking["rows"][0]
    assert first.get_attribute("data-code") == top["code"]
    shown = first.locator("td[data-col=white_population]").get_attribute("data-value")
    assert shown == ("" if top["white_population"] is None else str(top["white_population"]))
    _no_overflow(page, width)

    # 2. its fiche: support needs and financing, as the territory API gives them
    first.locator("th a").click()
    # the figures are in the HTML: no need to wait for the fiche's map frame
    page.page.wait_for_url(f"**/territoires/{top['code']}*", wait_until="domcontentloaded")
    support = get_json(f"{live_server}/api/maps/territory/{top['code']}?level=departement")[
        "support"
    ]
    assert support["cooperations"] > 0
    needs = page.page.locator("#fiche-needs li")
    assert needs.count() == len(support["needs"])
    for need in support["needs"]:
        item = page.page.locator(f"#fiche-needs li[data-need={need['need']}]")
        assert int(item.get_attribute("data-cooperations")) == need["cooperations"]
    for scheme in support["financing"]:
        item = page.page.locator("#fiche-financing li").filter(has_text=scheme["scheme"]).first
        assert int(item.get_attribute("data-cooperations")) == scheme["cooperations"]
    _no_overflow(page, width)

    # 3. the planner on the main map, scoped to the département; N = 10 from the keyboard
    page.page.locator("#fiche-posts").click()
    page.ready()
    assert page.page.locator("#posts-on").is_checked()
    page.page.locator("#posts-n").fill(str(POSTS))
    page.page.locator("#posts-n").press("Enter")
    page.page.wait_for_url(f"**posts={POSTS}&*")
    page.ready()
    query = parse_qs(urlparse(page.page.url).query)
    assert query["posts"] == [str(POSTS)] and query["departement"] == [top["code"]]
    api_url = (
        f"{live_server}/api/analysis/developer-posts?posts={POSTS}&radius_m=20000"
        f"&weight=5000&departement={top['code']}"
    )
    plan = get_json(api_url)
    assert 0 < plan["posts_placed"] <= POSTS
    items = page.page.locator("#posts-list li")
    assert items.count() == plan["posts_placed"]
    assert page.page.locator(".post-marker").count() == plan["posts_placed"]
    assert page.page.locator("#legend-kinds li[data-legend=posts]").count() == 1
    for item, post in zip(items.all(), plan["posts"], strict=True):
        assert item.get_attribute("data-code") == post["code"]
        assert int(item.get_attribute("data-gain-emergence")) == post["gain_emergence"]
        white = post["gain_white_population"]
        assert item.get_attribute("data-gain-white") == ("" if white is None else str(white))
    # the first post from the keyboard: its aria-label and popup carry its figures
    best = plan["posts"][0]
    marker = page.page.locator(".post-marker[data-rank='1']")
    label = marker.get_attribute("aria-label")
    assert best["name"] in label and _grouped(best["gain_emergence"], lang) in label
    if best["gain_white_population"] is not None:
        assert _grouped(best["gain_white_population"], lang) in label
    marker.focus()
    marker.press("Enter")
    card = page.page.locator(".post-card[data-rank='1']")
    card.wait_for()
    assert best["name"] in card.inner_text()
    assert _grouped(20_000, lang) + " m" in card.inner_text()  # the service circle, metres
    rules = page.page.locator("#posts-rules li[data-rule=weight]").text_content()
    assert ("geocoop's choice" if lang == "en" else "choix de geocoop") in rules
    section = page.page.locator("#posts").inner_text()
    if lang == "en":
        assert "Developer posts" in section and "«" not in section and "postes" not in section
    _no_overflow(page, width)

    # 4. the exports, downloaded through the page's links: exactly the plan drawn
    with page.page.expect_download() as got:
        page.page.locator("#posts-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert [r["code"] for r in rows] == [p["code"] for p in plan["posts"]]
    assert [int(r["gain_emergence"]) for r in rows] == [p["gain_emergence"] for p in plan["posts"]]
    assert "geocoop" in rows[0]["weight_rule"]
    with page.page.expect_download() as got:
        page.page.locator("#posts-geojson").click()
    features = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))["features"]
    assert [f["properties"] for f in features] == plan["posts"]
    page.shot(f"journey-funder-posts-{lang}-{width}")
    # the layer off from the keyboard: no post left on the map nor in the URL
    page.page.locator("#posts-on").press("Space")
    page.page.wait_for_function("() => !new URLSearchParams(location.search).has('posts')")
    assert page.page.locator(".post-marker").count() == 0
    assert page.page.locator("#legend-kinds li[data-legend=posts]").count() == 0
    page.assert_clean()
