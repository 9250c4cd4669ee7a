"""QGIS's OAPIF provider call sequence (qgis/QGIS src/providers/wfs/oapif/), replayed.

Landing page → service-desc (limit default/maximum, per-collection simple queryables) →
conformance (the four CQL2 classes) → collections → collection → queryables → items
with bbox and the page size read from the API, following `next` links typed
application/geo+json → a CQL2 filter as QGIS writes it (double-quoted identifiers).
"""

from __future__ import annotations

from urllib.parse import urlsplit

JSON = {"Accept": "application/json"}
CQL2_CLASSES = {
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
}


def path_of(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_of(doc: dict, rel: str, type_: str | None = None) -> str:
    for link in doc["links"]:
        if link["rel"] == rel and (type_ is None or link.get("type") == type_):
            return path_of(link["href"])
    raise AssertionError(f"no {rel} link")


def test_qgis_sequence(grid):
    landing = grid.get("/api/features/", headers=JSON).get_json()
    api = grid.get(
        link_of(landing, "service-desc"),
        headers={"Accept": "application/vnd.oai.openapi+json;version=3.0, application/json"},
    ).get_json()
    limit = api["components"]["parameters"]["limit"]["schema"]
    assert isinstance(limit["maximum"], int) and isinstance(limit["default"], int)
    # QGIS keeps the simple queryables of /collections/{id}/items: in=query, style=form,
    # explode=false, schema with a type
    items_params = api["paths"]["/collections/communes/items"]["get"]["parameters"]
    simple = {
        p["name"]
        for p in items_params
        if "name" in p
        and p["in"] == "query"
        and p["style"] == "form"
        and p["explode"] is False
        and "type" in p["schema"]
    }
    assert {"code", "name", "population"} <= simple

    conformance = grid.get(link_of(landing, "conformance"), headers=JSON).get_json()
    assert set(conformance["conformsTo"]) >= CQL2_CLASSES

    collections = grid.get(link_of(landing, "data"), headers=JSON).get_json()
    communes = next(c for c in collections["collections"] if c["id"] == "communes")
    collection = grid.get(link_of(communes, "self"), headers=JSON).get_json()
    queryables = grid.get(
        link_of(collection, "http://www.opengis.net/def/rel/ogc/1.0/queryables"),
        headers={"Accept": "application/schema+json"},
    )
    assert queryables.mimetype == "application/schema+json"
    assert queryables.get_json()["properties"]["population"]["type"] == "integer"

    # first page: QGIS asks for the maximum page size it read, with the view's bbox
    page_size = 4  # as if the API maximum were 4: QGIS then follows next links
    url = (
        link_of(collection, "items", "application/geo+json")
        + f"?limit={page_size}&bbox=-1.9,47.9,-1.4,48.4"
    )
    ids = []
    while url:
        response = grid.get(url, headers={"Accept": "application/geo+json"})
        assert response.mimetype == "application/geo+json"
        doc = response.get_json()
        ids += [f["id"] for f in doc["features"]]
        nexts = [lk for lk in doc["links"] if lk["rel"] == "next"]
        assert all(lk["type"] == "application/geo+json" for lk in nexts)
        url = path_of(nexts[0]["href"]) if nexts else None
    assert sorted(ids) == [f"3500{i}" for i in range(1, 10)]

    # a layer filter as QGIS's CQL2 compiler writes it
    response = grid.get(
        link_of(collection, "items", "application/geo+json"),
        query_string={
            "filter": '("population" >= 8000) AND ("name" LIKE \'Commune%\')',
            "filter-lang": "cql2-text",
            "limit": "1000",
        },
    )
    assert [f["id"] for f in response.get_json()["features"]] == ["35008", "35009"]

    # a layer in Lambert-93: crs and bbox-crs as QGIS sends them
    l93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
    response = grid.get(
        link_of(collection, "items", "application/geo+json"),
        query_string={"crs": l93, "bbox-crs": l93, "bbox": "354000,6793000,355000,6794000"},
    )
    assert response.headers["Content-Crs"] == f"<{l93}>"
    assert [f["id"] for f in response.get_json()["features"]] == ["35005"]
