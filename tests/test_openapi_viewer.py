"""The OpenAPI viewer renders in real Chromium from local files only (CSP-clean)."""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest

from benchmarks.chromium import CHROMIUM, launch
from tests.conftest import missing

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        missing(f"Chromium absent ({CHROMIUM}): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("path", ["/api?f=html", "/api/features/api?f=html"])
def test_swagger_ui_renders_locally(browser, live_server, path):
    page = browser.new_page()
    errors: list[str] = []
    remote: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda r: (
            remote.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            else None
        ),
    )
    try:
        page.goto(live_server + path)
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/collections" in p for p in paths)
        assert remote == [] and errors == []
    finally:
        page.close()


def test_ogc_html_pages_render(browser, live_server):
    page = browser.new_page()
    try:
        page.goto(f"{live_server}/api/features/collections/communes/items?f=html&limit=5")
        assert page.locator("tbody tr").count() == 5
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        page.close()
