"""The data-API grid of tests/support/ogc_grid.py as the Features API serves it."""

from __future__ import annotations

from tests.support.ogc_grid import load_grid


def test_grid_has_nine_communes(app, client):
    load_grid(app)
    body = client.get("/api/features/collections/communes/items").get_json()
    assert body["numberReturned"] == 9
    assert [f["properties"]["population"] for f in body["features"]] == [
        1000 * i for i in range(1, 10)
    ]
