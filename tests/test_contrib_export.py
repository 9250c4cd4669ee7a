"""An organisation exports all of its data: its cooperations and its change history.

GeoJSON and CSV (formula-safe), only for its members (token, or the moderation page's
session), on a real PostGIS (tests/data/cooperations/communes.sql: Bruz 35047).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import text

from geocoop.members import add_member, create_organisation

ITEMS = "/api/features/collections/cooperations/items"
EXPORT = "/api/contrib/organisations/{}/export"
BRUZ = [-1.75, 48.0]


@pytest.fixture
def web(app, client, token):
    """The organisations « tzcld-bzh » and « pat-29 »."""
    with app.extensions["geocoop.engine"].begin() as conn:
        create_organisation(conn, "tzcld-bzh", "TZCLD Bretagne")
        create_organisation(conn, "pat-29", "PAT Finistère")
    return client


def member(app, org, name, role, kinds=None) -> tuple[str, dict]:
    with app.extensions["geocoop.engine"].begin() as conn:
        _id, secret = add_member(conn, org, name, role, kinds, None)
    return secret, {"Authorization": f"Bearer {secret}"}


def db_rows(app, sql: str, **params) -> list:
    with app.extensions["geocoop.engine"].connect() as conn:
        return list(conn.execute(text(sql), params))


@pytest.fixture
def created(web, app) -> int:
    """One cooperation created then renamed by an editor of « tzcld-bzh »."""
    _secret, editor = member(app, "tzcld-bzh", "e", "editor", ["tzcld"])
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": BRUZ},
        "properties": {"kind_code": "tzcld", "name": "TZCLD de Bruz", "stage": "emergence"},
    }
    response = web.post(ITEMS, json=body, headers=editor)
    assert response.status_code == 201, response.get_data(as_text=True)
    coop_id = response.get_json()["id"]
    etag = web.get(f"{ITEMS}/{coop_id}").headers["ETag"]
    renamed = web.patch(
        f"{ITEMS}/{coop_id}",
        json={"properties": {"name": "TZCLD de Bruz-Ouest"}},
        headers={**editor, "If-Match": etag},
    )
    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    return coop_id


def test_a_member_exports_geojson_matching_the_database(web, app, created):
    _secret, contributor = member(app, "tzcld-bzh", "c", "contributor")
    response = web.get(EXPORT.format("tzcld-bzh"), headers=contributor)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    stored = db_rows(
        app,
        "SELECT id, name, stage, source, ST_X(location), ST_Y(location) FROM cooperation "
        "WHERE source = 'tzcld-bzh'",
    )
    assert [
        (f["id"], f["properties"]["name"], f["properties"]["stage"]) for f in data["features"]
    ] == [(r[0], r[1], r[2]) for r in stored]
    assert data["features"][0]["geometry"]["coordinates"] == pytest.approx(
        [stored[0][4], stored[0][5]]
    )
    logged = db_rows(
        app, "SELECT id, action FROM edit_log WHERE entity_id = :id ORDER BY id", id=created
    )
    assert [(c["id"], c["action"]) for c in data["changes"]] == [tuple(r) for r in logged]
    assert data["changes"][-1]["actor"] == "tzcld-bzh/e"


def test_csv_tables_are_formula_safe_and_complete(web, app, created):
    _secret, editor = member(app, "tzcld-bzh", "e2", "editor", ["tzcld"])
    # writes refuse formulas today, older rows may hold one: the export must neutralise it
    with app.extensions["geocoop.engine"].begin() as conn:
        conn.execute(text("UPDATE cooperation SET accompanied_by = '=HYPERLINK(1)'"))
    coops = web.get(EXPORT.format("tzcld-bzh") + "?f=csv", headers=editor)
    assert coops.status_code == 200 and coops.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(coops.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["id"] == str(created)
    assert rows[0]["stage"] == "emergence" and rows[0]["wkt"].startswith("POINT(")
    assert (float(rows[0]["lon"]), float(rows[0]["lat"])) == pytest.approx((-1.75, 48.0))
    changes = web.get(EXPORT.format("tzcld-bzh") + "?f=csv&table=changes", headers=editor)
    log = list(csv.DictReader(io.StringIO(changes.get_data(as_text=True))))
    assert [r["action"] for r in log] == ["create", "update"]
    assert (
        log[1]["fields"] == "name" and json.loads(log[1]["after"])["name"] == "TZCLD de Bruz-Ouest"
    )
    bad = web.get(EXPORT.format("tzcld-bzh") + "?f=xlsx", headers=editor)
    assert bad.status_code == 400


def test_only_its_members_export_it(web, app, token, created):
    assert web.get(EXPORT.format("tzcld-bzh")).status_code == 401
    _secret, other = member(app, "pat-29", "m", "moderator", ["pat"])
    assert web.get(EXPORT.format("tzcld-bzh"), headers=other).status_code == 403
    own = web.get(EXPORT.format("pat-29"), headers=other).get_json()
    assert own["features"] == [] and own["changes"] == []  # its own: nothing yet
    assert (
        web.get(EXPORT.format("nobody"), headers={"Authorization": f"Bearer {token}"}).status_code
        == 404
    )
    document = web.get("/api").get_json()
    assert "/api/contrib/organisations/{slug}/export" in document["paths"]


def test_the_moderation_page_links_the_export_of_the_signed_in_organisation(web, app, created):
    secret, _headers = member(app, "tzcld-bzh", "ed", "editor", ["tzcld"])
    page = web.get("/moderation/").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    assert web.get("/moderation/export").status_code == 401
    web.post("/moderation/login", data={"csrf": csrf, "token": secret})
    html = web.get("/moderation/").get_data(as_text=True)
    link = re.search(r'id="export-csv" href="([^"]+)"', html)[1].replace("&amp;", "&")
    rows = list(csv.DictReader(io.StringIO(web.get(link).get_data(as_text=True))))
    assert [r["id"] for r in rows] == [str(created)]
    english = web.get("/moderation/?lang=en").get_data(as_text=True)
    assert "Export your organisation" in english
    assert web.get("/moderation/export?organisation=pat-29").status_code == 403
