"""Cacheable everywhere (issue #19).

Shared-cache headers on every cacheable route, versioned `immutable` tile URLs, and the
purge of a real Varnish after an import.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.request

import pytest

from benchmarks import httpcache
from geocoop.features.purge import purge_urls
from tests.conftest import missing

TILE = "/tiles/communes/10/507/354.mvt"
CACHEABLE = [
    "/api/features/collections",
    "/api/features/collections/communes",
    "/api/features/collections/communes/items?limit=2",
    "/api/features/collections/communes/items/35007",
    "/api/features/collections/communes/items?profile=umap&bbox=-1.8,48,-1.5,48.3",
    "/tiles/",
    "/tiles/communes.json",
    TILE,
]


def _published(client) -> int:
    template = client.get("/tiles/communes.json").get_json()["tiles"][0]
    return int(re.search(r"\?v=(\d+)", template).group(1))


def test_every_cacheable_route_says_how_long_shared_caches_keep_it(analysed):
    for path in CACHEABLE:
        response = analysed.get(path)
        assert response.status_code == 200, path
        control = response.headers["Cache-Control"]
        assert "public" in control and "s-maxage=300" in control, (path, control)
        etag = response.headers["ETag"]
        assert not etag.startswith("W/"), path  # strong: byte-identical for a version
        assert "Accept-Encoding" in response.headers["Vary"], path
        again = analysed.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
    # negotiated documents vary by Accept (JSON for GDAL, HTML for a browser)
    for path in CACHEABLE[:5] + ["/tiles/communes.json"]:
        assert "Accept" in analysed.get(path).headers["Vary"], path


def test_versioned_tile_urls_are_immutable_until_the_next_write(analysed, app):
    version = _published(analysed)
    assert version > 0  # the analysis refresh stamped the summaries
    page = analysed.get("/").get_data(as_text=True)
    assert f"/tiles/communes/{{z}}/{{x}}/{{y}}.mvt?v={version}" in page
    current = analysed.get(f"{TILE}?v={version}")
    assert current.status_code == 200
    assert "immutable" in current.headers["Cache-Control"]
    assert "max-age=31536000" in current.headers["Cache-Control"]
    assert current.get_data() == analysed.get(TILE).get_data()
    # an old (or future) version is served, but never promised immutable
    for other in (version - 1, version + 1):
        stale = analysed.get(f"{TILE}?v={other}")
        assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    assert analysed.get(f"{TILE}?v=abc").status_code == 400
    # a committed write publishes a new version: new URLs in the TileJSON and the map
    from geocoop.orchestration import refresh_analysis
    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as connection:
        refresh_analysis(connection)
    assert _published(analysed) > version
    assert "immutable" not in analysed.get(f"{TILE}?v={version}").headers["Cache-Control"]


def test_purge_urls_command_lists_the_prefixes(monkeypatch):
    from click.testing import CliRunner

    from geocoop.cli import main

    monkeypatch.setenv("GEOCOOP_PUBLIC_URL", "https://geocoop.example.org")
    result = CliRunner().invoke(main, ["cache", "purge-urls", "--print-only"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == purge_urls("https://geocoop.example.org")
    assert "https://geocoop.example.org/api/features/" in result.output


@pytest.fixture
def varnish_in_front(app):
    """The app served on loopback behind a real Varnish (deploy/varnish.vcl)."""
    if not httpcache.installed():
        missing(f"Varnish absent ({httpcache.VARNISHD}): apt-get install varnish")
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpcache.varnish(server.server_port) as base:
            yield base
    finally:
        server.shutdown()


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.headers.get("X-Cache", ""), response.read()


def test_import_then_purge_in_a_real_varnish(varnish_in_front, analysed, app):
    from geocoop.orchestration import purge_caches, refresh_analysis
    from geocoop.web.database import engine

    items = f"{varnish_in_front}/api/features/collections/cooperations/items?limit=50"
    version = _published(analysed)
    tile = f"{varnish_in_front}{TILE}?v={version}"
    assert _get(items)[0] == "MISS" and _get(tile)[0] == "MISS"
    cached, before = _get(items)
    assert cached == "HIT" and _get(tile)[0] == "HIT"
    # a write (the grid's cooperations renamed, analysis refreshed) then the purge hook
    with app.app_context(), engine().begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE cooperation SET name = name || ' (renommée)'"))
        refresh_analysis(connection)
    assert _get(items) == ("HIT", before)  # without the purge: 5 minutes of old data
    results = purge_caches(varnish_in_front)
    assert {r.status for r in results} == {200}
    state, after = _get(items)
    assert (
        state == "MISS" and "(renommée)" in json.loads(after)["features"][0]["properties"]["name"]
    )
    assert _get(tile)[0] == "HIT"  # versioned tiles kept: the map now asks for a new `v`


def test_an_upload_job_purges_the_shared_cache(varnish_in_front, client, app, token):
    import io
    from pathlib import Path

    from geocoop.jobs import run_pending

    items = f"{varnish_in_front}/api/features/collections/cooperations/items?limit=50"
    assert _get(items)[0] == "MISS"
    state, before = _get(items)
    assert state == "HIT" and json.loads(before)["features"] == []
    csv = Path(__file__).parent / "data" / "cooperations" / "good" / "mixte.csv"
    response = client.post(
        "/api/ingest/cooperations",
        data={"file": (io.BytesIO(csv.read_bytes()), csv.name), "source": "api"},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202
    # the job queue's writer commits the import, then bans the stale answers itself
    assert run_pending(app.extensions["geocoop.engine"], purge_urls=varnish_in_front) == 1
    state, after = _get(items)
    assert state == "MISS" and len(json.loads(after)["features"]) == 7


def test_a_web_write_purges_the_shared_cache(pg_cluster, db_engine):
    import time

    from werkzeug.serving import make_server

    from geocoop.web import create_app
    from geocoop.web.database import dispose

    if not httpcache.installed():
        missing(f"Varnish absent ({httpcache.VARNISHD}): apt-get install varnish")
    def starting(environ, start_response):  # answers Varnish's start-up probe
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"starting"]

    holder = {"app": starting}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpcache.varnish(server.server_port) as cache:
            app = create_app(
                {
                    "database_url": pg_cluster.url("geocoop_test"),
                    "secret_key": "test",
                    "cache_purge_urls": cache,
                }
            )
            # any write view that succeeds (Part 4, moderation, edits) commits, then answers
            app.add_url_rule("/api/contrib/test-write", "w", lambda: ("", 204), methods=["POST"])
            holder["app"] = app
            items = f"{cache}/api/features/collections/communes/items?limit=1"
            _get(items)
            assert _get(items)[0] == "HIT"
            assert app.test_client().post("/api/contrib/test-write").status_code == 204
            deadline = time.monotonic() + 10
            while _get(items)[0] == "HIT":  # the bans go out in the background
                assert time.monotonic() < deadline, "the write did not purge the cache"
                time.sleep(0.1)
            dispose(app)
    finally:
        server.shutdown()
