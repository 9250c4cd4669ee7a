"""The screenshots of docs/web.md.

Taken in Debian's headless Chromium (benchmarks.chromium's launch) on the bundled data in a
throw-away database:

    python -m benchmarks.docs_screenshots            # writes docs/img/*.png
    python -m benchmarks.docs_screenshots NAME.png   # only those named

Not a benchmark: it lives here because it shares the harness (throw-away cluster, bundled
load, loopback server, Chromium launch).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from benchmarks.bench_browser import load_bundled_data, serve
from benchmarks.chromium import launch
from benchmarks.throwaway import throwaway_database

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"
# (file, path, viewport, element to wait for[, element then focused and Enter pressed])
SHOTS = (
    ("white-zones-named.png", "/?mode=white&wkind=tiers_lieu&departement=22", (1280, 800),
     "#white-list li.zone-item"),
    ("white-zones-named-en.png", "/?lang=en&mode=white&wkind=tiers_lieu&region=53",
     (1280, 800), "#white-list li.zone-item"),
    ("funders-ranking.png", "/ou-accompagner?level=epci&area=region:53&kind=tiers_lieu",
     (1280, 900), "#funders-table"),
    ("funders-ranking-en.png", "/ou-accompagner?lang=en&level=departement", (1280, 900),
     "#funders-table"),
    ("data-status-en.png", "/?lang=en&kinds=tiers_lieu,pat,ptce", (1280, 800),
     "#kind-options"),
    # journey (a): an EPCI's panel, its uncovered communes listed (open up to 50) with the CSV
    ("journey-epci-communes.png", "/?kinds=tiers_lieu&t=200065928&tl=epci", (1280, 1000),
     "#panel-communes details.uncovered[open]"),
    ("journey-epci-communes-en.png", "/?lang=en&kinds=tiers_lieu&t=200065928&tl=epci",
     (1280, 1000), "#panel-communes details.uncovered[open]"),
    # journey (c)'s last step: the plan of 10 posts of the top département, post 1 opened
    ("journey-funder-posts.png", "/?departement=35&posts=10&radius_km=20",
     (1100, 720), "#posts-list li", ".post-marker[data-rank='1']"),
    ("journey-funder-posts-en.png",
     "/?lang=en&departement=35&posts=10&radius_km=20", (1100, 720),
     "#posts-list li", ".post-marker[data-rank='1']"),
)  # fmt: skip


def main(names: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from geocoop.web import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    OUT.mkdir(parents=True, exist_ok=True)
    with throwaway_database("gcdocs-", "docs") as (cluster, engine):
        load_bundled_data(engine)
        # no job worker: nothing is uploaded, and it would outlive the cluster
        app = create_app(
            {"database_url": cluster.url("docs"), "secret_key": "docs", "jobs_worker": False}
        )
        base, server = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                for name, path, (width, height), selector, *press in SHOTS:
                    if names and name not in names:
                        continue
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(base + path)
                    page.wait_for_selector(selector, timeout=30_000)
                    if page.locator("body[data-ready]").count():
                        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
                    page.wait_for_load_state("networkidle")
                    for target in press:  # a popup opened from the keyboard, as a user would
                        page.locator(target).first.focus()
                        page.keyboard.press("Enter")
                        page.wait_for_timeout(300)
                    page.screenshot(path=str(OUT / name))
                    print(f"docs/img/{name}", flush=True)
                    page.close()
                browser.close()
        finally:
            server.shutdown()
            app.extensions["geocoop.engine"].dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
