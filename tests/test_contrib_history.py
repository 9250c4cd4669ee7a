"""History of a cooperation.

Every change (file import, OGC API write, deletion) logged with who, when, how, before/after; the
public history page (French, English) and JSON; reverting one change with a member's token (itself
logged), on a real PostGIS (tests/data/cooperations/communes.sql: Bruz 35047, Rennes 35238 in
département 35).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.members import add_member, create_organisation
from geocoop.orchestration import import_cooperations_then_refresh

ITEMS = "/api/features/collections/cooperations/items"


@pytest.fixture
def web(app, client, token):
    """The client, the communes, the organisation « tzcld-bzh »."""
    with app.extensions["geocoop.engine"].begin() as conn:
        create_organisation(conn, "tzcld-bzh", "TZCLD Bretagne")
    return client


def member(app, name, role, kinds=None, territories=None) -> dict:
    with app.extensions["geocoop.engine"].begin() as conn:
        _id, secret = add_member(conn, "tzcld-bzh", name, role, kinds, territories)
    return {"Authorization": f"Bearer {secret}"}


def import_csv(app, path, rows: str) -> None:
    path.write_text("nom;code_insee;stade\n" + rows, encoding="utf-8")
    with app.extensions["geocoop.engine"].begin() as conn:
        import_cooperations_then_refresh(
            conn, path, kind="tzcld", source="liste-tzcld", actor="admin-cli"
        )


def covered(app) -> set[str]:
    with app.extensions["geocoop.engine"].connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT commune_code FROM analysis_commune_kind WHERE kind_code = 'tzcld' "
                    "AND (covered_distance OR covered_perimeter)"
                )
            ).scalars()
        )


def changes(client, coop_id) -> list[dict]:
    return client.get(f"/api/contrib/cooperations/{coop_id}/history").get_json()["items"]


def test_imports_are_logged_row_by_row_and_a_same_file_logs_nothing(web, app, tmp_path):
    csv = tmp_path / "tzcld.csv"
    import_csv(app, csv, "TZCLD de Bruz;35047;émergence\nTZCLD de Rennes;35238;\n")
    with app.extensions["geocoop.engine"].connect() as conn:
        bruz = conn.execute(text("SELECT id FROM cooperation WHERE commune_code = '35047'"))
        bruz = bruz.scalar_one()
    first = changes(web, bruz)
    assert [(c["action"], c["via"], c["actor"]) for c in first] == [
        ("create", "import", "admin-cli")
    ]
    assert first[0]["before"] is None and first[0]["after"]["stage"] == "emergence"
    import_csv(app, csv, "TZCLD de Bruz;35047;émergence\nTZCLD de Rennes;35238;\n")
    assert len(changes(web, bruz)) == 1  # nothing changed, nothing logged
    import_csv(app, csv, "TZCLD de Bruz;35047;opérationnelle\nTZCLD de Rennes;35238;\n")
    second = changes(web, bruz)[-1]
    assert second["action"] == "update"
    assert second["changes"] == [
        {"field": "stage", "before": "emergence", "after": "operationnelle"}
    ]


def test_revert_the_last_change_only_then_a_deletion(web, app, tmp_path):
    import_csv(app, tmp_path / "tzcld.csv", "TZCLD de Bruz;35047;émergence\n")
    with app.extensions["geocoop.engine"].connect() as conn:
        coop_id = conn.execute(text("SELECT id FROM cooperation")).scalar_one()
    editor = member(app, "e", "editor", ["tzcld"])
    etag = web.get(f"{ITEMS}/{coop_id}").headers["ETag"]
    moved = web.patch(
        f"{ITEMS}/{coop_id}",
        json={
            "properties": {"name": "TZCLD de Brest"},
            "geometry": {"type": "Point", "coordinates": [-4.5, 48.4]},
        },
        headers={**editor, "If-Match": etag},
    )
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert moved.get_json()["properties"]["commune_code"] == "29019"
    assert "29019" in covered(app) and "35047" not in covered(app)
    created, edited = (c["id"] for c in changes(web, coop_id))

    # not without a token, not as a contributor, not an older change
    assert web.post(f"/api/contrib/changes/{edited}/revert").status_code == 401
    contributor = member(app, "c", "contributor")
    assert web.post(f"/api/contrib/changes/{edited}/revert", headers=contributor).status_code == 403
    older = web.post(f"/api/contrib/changes/{created}/revert", headers=editor)
    assert older.status_code == 409 and "récents" in older.get_json()["detail"]

    undone = web.post(f"/api/contrib/changes/{edited}/revert", headers=editor)
    assert undone.status_code == 200, undone.get_data(as_text=True)
    props = web.get(f"{ITEMS}/{coop_id}").get_json()["properties"]
    assert (props["name"], props["commune_code"], props["location_precision"]) == (
        "TZCLD de Bruz",
        "35047",
        "insee_code",
    )
    assert "35047" in covered(app) and "29019" not in covered(app)
    log = changes(web, coop_id)
    assert [c["action"] for c in log] == ["create", "update", "revert"]
    assert log[-1]["reverts"] == edited and log[-1]["actor"] == "tzcld-bzh/e"

    # a deletion reverted: the same id comes back, and its coverage
    etag = web.get(f"{ITEMS}/{coop_id}").headers["ETag"]
    assert web.delete(f"{ITEMS}/{coop_id}", headers={**editor, "If-Match": etag}).status_code == 204
    assert covered(app) == set()
    deletion = changes(web, coop_id)[-1]["id"]
    back = web.post(f"/api/contrib/changes/{deletion}/revert", headers=editor)
    assert back.status_code == 200, back.get_data(as_text=True)
    assert web.get(f"{ITEMS}/{coop_id}").get_json()["properties"]["name"] == "TZCLD de Bruz"
    assert "35047" in covered(app)


def test_the_history_page_in_french_and_english(web, app, tmp_path):
    import_csv(app, tmp_path / "tzcld.csv", "TZCLD de Bruz;35047;émergence\n")
    with app.extensions["geocoop.engine"].connect() as conn:
        coop_id = conn.execute(text("SELECT id FROM cooperation")).scalar_one()
    html = web.get(f"/cooperations/{coop_id}/historique").get_data(as_text=True)
    assert "Historique — TZCLD de Bruz" in html and "import de fichier" in html
    assert "création" in html and "admin-cli" in html and "emergence" in html
    english = web.get(f"/cooperations/{coop_id}/historique?lang=en").get_data(as_text=True)
    assert "History — TZCLD de Bruz" in english and "file import" in english
    assert "Historique" not in english and "création" not in english
    assert web.get("/cooperations/999999/historique").status_code == 404


def test_the_public_changelog_per_territory_and_kind_in_html_atom_json(web, app, tmp_path):
    from xml.etree import ElementTree

    from geocoop.ingest.proposals import clean_proposal, submit_proposal

    import_csv(app, tmp_path / "tzcld.csv", "TZCLD de Bruz;35047;\nTZCLD de Vannes;56260;\n")
    with app.extensions["geocoop.engine"].begin() as conn:
        form = {"kind": "tzcld", "name": "Pas encore validée", "commune_code": "35238"}
        submit_proposal(conn, clean_proposal(conn, form), client_hash=None, per_hour=-1)
    every = web.get("/changements?f=json").get_json()
    assert {i["name"] for i in every["items"]} == {"TZCLD de Bruz", "TZCLD de Vannes"}
    ille = web.get("/changements?f=json&territoire=35").get_json()["items"]
    assert [(i["name"], i["commune_name"], i["action"]) for i in ille] == [
        ("TZCLD de Bruz", "Bruz", "create")
    ]
    assert web.get("/changements?f=json&territoire=region:53").get_json()["count"] == 2
    assert web.get("/changements?f=json&kind=pat").get_json()["count"] == 0
    assert web.get("/changements?kind=nope").status_code == 400
    assert web.get("/changements?territoire=35;DROP").status_code == 400
    assert web.get("/changements?limit=100000").status_code == 400

    atom = web.get("/changements?f=atom&territoire=35")
    assert atom.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ElementTree.fromstring(atom.get_data())
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 1 and "TZCLD de Bruz (Bruz)" in entries[0].find("a:title", ns).text
    assert (
        feed.find("a:link[@rel='self']", ns)
        .get("href")
        .endswith("/changements?f=atom&territoire=35")
    )
    html = web.get("/changements?territoire=35", headers={"Accept": "text/html"})
    page = html.get_data(as_text=True)
    assert "Derniers changements" in page and "TZCLD de Bruz" in page
    assert "Vannes" not in page and "application/atom+xml" in page
    english = web.get("/changements?f=html&lang=en").get_data(as_text=True)
    assert "Latest changes" in english and "creation" in english
