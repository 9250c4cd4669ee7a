"""OGC API – Features – Part 4 on `cooperations` over HTTP, on a real PostGIS.

Create, replace, update (merge patch), delete; tokens, roles and scopes; ETag / If-Match (412, 428);
the import's validation as problem+json; the stored coverage after every write; the history of each
change (tests/data/cooperations/communes.sql: Rennes 35238 and Bruz 35047 in Rennes Métropole
243500139 / Ille-et-Vilaine 35; Vannes 56260 in the Morbihan).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.members import add_member, create_organisation

ITEMS = "/api/features/collections/cooperations/items"
BRUZ = [-1.75, 48.0]
RENNES = [-1.7, 48.1]
VANNES = [-2.75, 47.66]


@pytest.fixture
def web(app, client, token):
    """The client, the synthetic communes, organisations « tzcld-bzh » and « autre »."""
    with app.extensions["geocoop.engine"].begin() as conn:
        create_organisation(conn, "tzcld-bzh", "TZCLD Bretagne")
        create_organisation(conn, "autre", "Autre réseau")
    return client


def member(app, name, role, kinds=None, territories=None, org="tzcld-bzh") -> dict:
    with app.extensions["geocoop.engine"].begin() as conn:
        _id, secret = add_member(conn, org, name, role, kinds, territories)
    return {"Authorization": f"Bearer {secret}"}


def feature(name="TZCLD de Bruz", point=BRUZ, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": point} if point else None,
        "properties": {"kind_code": "tzcld", "name": name, **properties},
    }


def covered(app, kind="tzcld") -> set[str]:
    with app.extensions["geocoop.engine"].connect() as conn:
        rows = conn.execute(
            text(
                "SELECT commune_code FROM analysis_commune_kind WHERE kind_code = :k "
                "AND (covered_distance OR covered_perimeter)"
            ),
            {"k": kind},
        )
        return set(rows.scalars())


def history(client, cooperation_id) -> list[dict]:
    return client.get(f"/api/contrib/cooperations/{cooperation_id}/history").get_json()["items"]


def test_conformance_and_openapi_declare_part_4(web):
    classes = web.get("/api/features/conformance").get_json()["conformsTo"]
    part4 = "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/"
    assert {
        part4 + c for c in ("create-replace-delete", "update", "optimistic-locking-etags")
    } <= set(classes)
    doc = web.get("/api/features/api").get_json()
    assert doc["paths"]["/collections/cooperations/items"]["post"]["security"]
    item = doc["paths"]["/collections/cooperations/items/{featureId}"]
    assert {"get", "put", "patch", "delete"} <= set(item)
    assert "If-Match" in [p["name"] for p in item["put"]["parameters"]]
    assert "post" not in doc["paths"]["/collections/communes/items"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    full = web.get("/api").get_json()
    assert "patch" in full["paths"]["/api/contrib/cooperations/{id}"]
    assert "post" in full["paths"]["/api/contrib/proposals/{id}/validate"]


def test_create_replace_update_delete_with_etags_and_coverage(web, app):
    editor = member(app, "e", "editor", ["tzcld"], ["35"])
    assert covered(app) == set()
    created = web.post(ITEMS, json=feature(stage="emergence"), headers=editor)
    assert created.status_code == 201, created.get_data(as_text=True)
    location = created.headers["Location"]
    coop_id = created.get_json()["id"]
    assert location.endswith(f"{ITEMS}/{coop_id}")
    props = created.get_json()["properties"]
    assert (props["source"], props["stage"], props["commune_code"]) == (
        "tzcld-bzh",
        "emergence",
        "35047",
    )
    assert "35047" in covered(app)  # the analysis knows it at once

    read = web.get(f"{ITEMS}/{coop_id}")
    etag = read.headers["ETag"]
    assert etag == created.headers["ETag"] and not etag.startswith("W/")
    assert web.get(f"{ITEMS}/{coop_id}", headers={"If-None-Match": etag}).status_code == 304
    assert web.get(f"{ITEMS}/{coop_id}?f=html").headers["ETag"] != etag

    # replace: moved to Rennes, stage cleared (absent from the body)
    moved = web.put(
        f"{ITEMS}/{coop_id}",
        json=feature(point=RENNES),
        headers={**editor, "If-Match": etag},
    )
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert moved.get_json()["properties"]["commune_code"] == "35238"
    assert moved.get_json()["properties"]["stage"] is None
    assert moved.headers["ETag"] != etag
    assert "35238" in covered(app)

    # the old ETag is stale now: 412, nothing written
    stale = web.patch(
        f"{ITEMS}/{coop_id}",
        json={"properties": {"stage": "operationnelle"}},
        headers={**editor, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    missing = web.patch(
        f"{ITEMS}/{coop_id}", json={"properties": {"stage": "operationnelle"}}, headers=editor
    )
    assert missing.status_code == 428

    patched = web.patch(
        f"{ITEMS}/{coop_id}",
        data='{"properties": {"stage": "operationnelle", "website": null}}',
        content_type="application/merge-patch+json",
        headers={**editor, "If-Match": moved.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.get_data(as_text=True)
    after = patched.get_json()
    assert after["properties"]["stage"] == "operationnelle"
    assert after["properties"]["name"] == "TZCLD de Bruz"  # kept by the merge
    assert after["geometry"]["coordinates"] == RENNES

    gone = web.delete(f"{ITEMS}/{coop_id}", headers={**editor, "If-Match": patched.headers["ETag"]})
    assert gone.status_code == 204
    assert web.get(f"{ITEMS}/{coop_id}").status_code == 404
    assert covered(app) == set()  # white again

    log = history(web, coop_id)
    assert [h["action"] for h in log] == ["create", "replace", "update", "delete"]
    assert {h["via"] for h in log} == {"ogcapi"}
    assert log[1]["before"]["commune_code"] == "35047"
    assert log[1]["after"]["commune_code"] == "35238"
    assert log[3]["after"] is None and log[3]["actor"] == "tzcld-bzh/e"


def test_no_write_without_a_token_or_the_role(web, app):
    body = feature()
    assert web.post(ITEMS, json=body).status_code == 401
    bad = web.post(ITEMS, json=body, headers={"Authorization": "Bearer gc_nope"})
    assert bad.status_code == 401 and bad.mimetype == "application/problem+json"
    contributor = member(app, "c", "contributor")
    assert web.post(ITEMS, json=body, headers=contributor).status_code == 403
    with app.extensions["geocoop.engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0
    read_only = web.post(
        "/api/features/collections/communes/items",
        json=body,
        headers=member(app, "a", "admin"),
    )
    assert read_only.status_code == 405 and read_only.headers["Allow"] == "GET, HEAD"


def test_scopes_kind_territory_and_organisation(web, app, token):
    admin = {"Authorization": f"Bearer {token}"}  # geocoop token create: no organisation
    own = web.post(ITEMS, json=feature(), headers=member(app, "e", "editor", ["tzcld"], ["35"]))
    assert own.status_code == 201
    # another kind, another territory: refused, nothing stored
    pat_editor = member(app, "p", "editor", ["pat"])
    assert web.post(ITEMS, json=feature(), headers=pat_editor).status_code == 403
    morbihan = member(app, "m", "editor", ["tzcld"], ["56"])
    assert web.post(ITEMS, json=feature(), headers=morbihan).status_code == 403
    # moving one's cooperation out of one's territories is refused too
    editor35 = member(app, "e35", "editor", ["tzcld"], ["35"])
    coop_id, etag = own.get_json()["id"], own.headers["ETag"]
    away = web.put(
        f"{ITEMS}/{coop_id}", json=feature(point=VANNES), headers={**editor35, "If-Match": etag}
    )
    assert away.status_code == 403
    assert web.get(f"{ITEMS}/{coop_id}").headers["ETag"] == etag  # unchanged
    # an editor of another organisation cannot touch « tzcld-bzh »'s source
    other = member(app, "o", "editor", ["tzcld"], None, org="autre")
    foreign = web.delete(f"{ITEMS}/{coop_id}", headers={**other, "If-Match": etag})
    assert foreign.status_code == 403 and "organisation" in foreign.get_json()["detail"]
    # the administrator may, and its creations go to the « contributions » source
    made = web.post(ITEMS, json=feature("TZCLD de Vannes", VANNES), headers=admin)
    assert made.get_json()["properties"]["source"] == "contributions"
    assert web.delete(f"{ITEMS}/{coop_id}", headers={**admin, "If-Match": "*"}).status_code == 204


def test_validation_is_the_imports_and_answers_problem_json(web, app):
    editor = member(app, "e", "editor", ["tzcld"])
    cases = {
        "line": {**feature(), "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
        "nan": {**feature(), "geometry": {"type": "Point", "coordinates": ["x", 48]}},
        "outside France": feature(point=[-40.0, 10.0]),
        "no name": feature(name=""),
        "formula": feature(name="=HYPERLINK(1)"),
        "unknown property": feature(colourful=True),
        "unknown kind": {**feature(), "properties": {"kind_code": "nope", "name": "X"}},
        "not a feature": {"type": "FeatureCollection", "features": []},
    }
    for case, body in cases.items():
        response = web.post(ITEMS, json=body, headers=editor)
        assert response.status_code == 400, (case, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json", case
        assert response.get_json()["detail"], case
    assert (
        web.post(ITEMS, data="{", content_type="application/json", headers=editor).status_code
        == 400
    )
    assert web.post(ITEMS, data="<x/>", content_type="text/xml", headers=editor).status_code == 415
    big = {**feature(), "properties": {"name": "x" * 300_000}}
    assert web.post(ITEMS, json=big, headers=editor).status_code == 413
    # the import's own words: the same reason a spreadsheet row gets
    formula = web.post(ITEMS, json=feature(name="=HYPERLINK(1)"), headers=editor).get_json()
    assert "formule" in formula["detail"]
    with app.extensions["geocoop.engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0


def test_a_feature_placed_by_its_perimeter_keeps_it_through_a_replace(web, app):
    editor = member(app, "e", "editor", ["tzcld"], ["35"])
    body = feature(point=None, perimeter_codes=["commune:35047", "commune:35238"])
    created = web.post(ITEMS, json=body, headers=editor)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert {"35047", "35238"} <= covered(app)
    coop_id = created.get_json()["id"]
    read = web.get(f"{ITEMS}/{coop_id}")
    sent_back = read.get_json()  # what a GIS client holds: every served property
    sent_back["properties"]["name"] = "TZCLD Rennes Métropole"
    replaced = web.put(
        f"{ITEMS}/{coop_id}", json=sent_back, headers={**editor, "If-Match": read.headers["ETag"]}
    )
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    props = replaced.get_json()["properties"]
    assert props["name"] == "TZCLD Rennes Métropole"
    assert props["location_precision"] == read.get_json()["properties"]["location_precision"]
    assert {"35047", "35238"} <= covered(app)  # the perimeter was kept


def test_a_preview_shows_communes_and_population_gained_and_lost_and_keeps_nothing(web, app):
    editor = member(app, "e", "editor", ["tzcld"])
    created = web.post(ITEMS, json=feature(), headers=editor)
    coop_id, etag = created.get_json()["id"], created.headers["ETag"]
    before = covered(app)
    assert "35047" in before and "29019" not in before
    assert (
        web.post("/api/contrib/preview", json={"operation": "delete", "id": coop_id}).status_code
        == 401
    )
    moved = web.post(
        "/api/contrib/preview",
        json={
            "operation": "update",
            "id": coop_id,
            "feature": {"geometry": {"type": "Point", "coordinates": [-4.5, 48.4]}},
        },
        headers=editor,
    )
    assert moved.status_code == 200, moved.get_data(as_text=True)
    tzcld = moved.get_json()["coverage"]["tzcld"]
    assert [c["code"] for c in tzcld["gained"]["list"]] == ["29019"]
    assert tzcld["gained"]["population"] == 140000
    lost = {c["code"] for c in tzcld["lost"]["list"]}
    assert lost == before and tzcld["lost"]["communes"] == len(before)
    with app.extensions["geocoop.engine"].connect() as conn:
        expected = conn.execute(
            text(
                "SELECT sum(population) FROM territory WHERE level = 'commune' AND code = ANY(:c)"
            ),
            {"c": sorted(before)},
        ).scalar_one()
    assert tzcld["lost"]["population"] == expected > 0
    # nothing kept: the object, its version and the stored coverage are as they were
    assert covered(app) == before
    assert web.get(f"{ITEMS}/{coop_id}").headers["ETag"] == etag
    deleted = web.post(
        "/api/contrib/preview", json={"operation": "delete", "id": coop_id}, headers=editor
    ).get_json()
    assert deleted["coverage"]["tzcld"]["gained"]["communes"] == 0
    assert deleted["coverage"]["tzcld"]["lost"]["communes"] == len(before)
    bad = web.post("/api/contrib/preview", json={"operation": "merge"}, headers=editor)
    assert bad.status_code == 400
