"""The moderation page (/moderation).

Sign-in with a member's token, the queue of its scope only, validate / reject with a reason, revert
from the history page; CSRF on every form; French and English (tests/data/cooperations/communes.sql:
Bruz 35047 in the département 35, Vannes 56260 in the Morbihan).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from geocoop.ingest.proposals import clean_proposal, submit_proposal
from geocoop.members import add_member, create_organisation


@pytest.fixture
def web(app, client, token):
    """Two pending TZCLD proposals (Bruz, Vannes) and the organisation « tzcld-bzh »."""
    app.config["GEOCOOP"] = replace(app.config["GEOCOOP"], proposal_min_seconds=0)
    with app.extensions["geocoop.engine"].begin() as conn:
        create_organisation(conn, "tzcld-bzh", "TZCLD Bretagne")
        for name, code in (("TZCLD de Bruz", "35047"), ("TZCLD de Vannes", "56260")):
            form = {"kind": "tzcld", "name": name, "commune_code": code, "contact": "a@b.fr"}
            submit_proposal(conn, clean_proposal(conn, form), client_hash=None, per_hour=-1)
    return client


def secret(app, name, role, kinds=None, territories=None) -> str:
    with app.extensions["geocoop.engine"].begin() as conn:
        return add_member(conn, "tzcld-bzh", name, role, kinds, territories)[1]


def csrf(client, url="/moderation/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).get_data(as_text=True))[1]


def sign_in(client, token: str):
    return client.post("/moderation/login", data={"csrf": csrf(client), "token": token})


def scalar(app, sql):
    with app.extensions["geocoop.engine"].connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_sign_in_needs_csrf_an_active_token_and_a_role(web, app):
    page = web.get("/moderation/").get_data(as_text=True)
    assert "Modération des propositions" in page and 'id="login-form"' in page
    assert web.post("/moderation/login", data={"token": "x"}).status_code == 403
    assert sign_in(web, "gc_wrong").status_code == 401
    contributor = sign_in(web, secret(app, "c", "contributor"))
    assert contributor.status_code == 403 and "contributeur" in contributor.get_data(as_text=True)
    english = web.get("/moderation/?lang=en").get_data(as_text=True)
    assert "Moderation of proposals" in english and "Modération" not in english


def test_a_moderator_sees_its_scope_validates_and_rejects(web, app):
    assert sign_in(web, secret(app, "m", "moderator", ["tzcld"], ["35"])).status_code == 303
    page = web.get("/moderation/").get_data(as_text=True)
    assert "TZCLD de Bruz" in page and "TZCLD de Vannes" not in page
    assert "a@b.fr" in page  # the private contact, to the moderators of its scope only
    bruz = scalar(app, "SELECT id FROM proposal WHERE name = 'TZCLD de Bruz'")
    vannes = scalar(app, "SELECT id FROM proposal WHERE name = 'TZCLD de Vannes'")
    # CSRF on every form: nothing happens without it
    assert web.post(f"/moderation/proposals/{bruz}/validate").status_code == 403
    assert scalar(app, "SELECT count(*) FROM cooperation") == 0
    # outside its scope: refused, as if it did not exist
    token = csrf(web)
    outside = web.post(f"/moderation/proposals/{vannes}/validate", data={"csrf": token})
    assert outside.status_code == 404
    done = web.post(f"/moderation/proposals/{bruz}/validate", data={"csrf": token})
    assert done.status_code == 303
    assert "Proposition validée" in web.get(done.headers["Location"]).get_data(as_text=True)
    assert scalar(app, "SELECT name FROM cooperation") == "TZCLD de Bruz"
    # a reject needs its reason
    with app.extensions["geocoop.engine"].begin() as conn:
        form = {"kind": "tzcld", "name": "Doublon", "commune_code": "35238"}
        again = submit_proposal(conn, clean_proposal(conn, form), client_hash=None, per_hour=-1)
    no_reason = web.post(f"/moderation/proposals/{again}/reject", data={"csrf": token})
    assert no_reason.status_code == 400
    rejected = web.post(
        f"/moderation/proposals/{again}/reject", data={"csrf": token, "reason": "doublon"}
    )
    assert rejected.status_code == 303
    assert scalar(app, f"SELECT reason FROM proposal WHERE id = {again}") == "doublon"
    web.post("/moderation/logout", data={"csrf": csrf(web)})
    assert 'id="login-form"' in web.get("/moderation/").get_data(as_text=True)


def test_an_editor_reverts_from_the_history_page(web, app):
    moderator = secret(app, "m", "moderator", ["tzcld"], ["35"])
    sign_in(web, moderator)
    bruz = scalar(app, "SELECT id FROM proposal WHERE name = 'TZCLD de Bruz'")
    web.post(f"/moderation/proposals/{bruz}/validate", data={"csrf": csrf(web)})
    coop = scalar(app, "SELECT id FROM cooperation")
    public = web.application.test_client().get(f"/cooperations/{coop}/historique")
    assert "revert-form" not in public.get_data(as_text=True)  # only a signed-in editor
    html = web.get(f"/cooperations/{coop}/historique").get_data(as_text=True)
    change = re.search(r'id="revert-(\d+)"', html)[1]
    assert web.post(f"/moderation/changes/{change}/revert").status_code == 403  # no CSRF
    token = re.search(r'name="csrf" value="([^"]+)"', html)[1]
    undone = web.post(f"/moderation/changes/{change}/revert", data={"csrf": token})
    assert undone.status_code == 303
    assert scalar(app, "SELECT count(*) FROM cooperation") == 0  # the creation undone
    actions = scalar(
        app,
        f"SELECT string_agg(action, ',' ORDER BY id) FROM edit_log WHERE entity_id = {coop}"
        " AND entity = 'cooperation'",
    )
    assert actions == "create,revert"


def test_the_map_editor_previews_then_saves_with_the_version_it_showed(web, app):
    sign_in(web, secret(app, "m", "moderator", ["tzcld"], ["35"]))
    bruz = scalar(app, "SELECT id FROM proposal WHERE name = 'TZCLD de Bruz'")
    web.post(f"/moderation/proposals/{bruz}/validate", data={"csrf": csrf(web)})
    coop = scalar(app, "SELECT id FROM cooperation")
    page = web.get(f"/moderation/cooperations/{coop}/editer").get_data(as_text=True)
    assert "Modifier sur la carte" in page and 'id="edit-map"' in page
    config = re.search(r'id="geocoop-config">(.*?)</script>', page, re.S)[1]
    import json

    config = json.loads(config)
    headers = {"X-CSRF-Token": config["csrf"]}
    body = {"perimeter": "243500139 35288", "fields": {"stage": "operationnelle"}}
    assert web.post(config["preview"], json=body).status_code == 403  # no CSRF header
    preview = web.post(config["preview"], json=body, headers=headers).get_json()
    gained = preview["coverage"]["tzcld"]["gained"]
    assert "35288" in {c["code"] for c in gained["list"]}  # Saint-Martin, 30 km away
    assert scalar(app, "SELECT perimeter_codes IS NULL FROM cooperation")  # nothing kept
    saved = web.post(config["save"], json={**body, "etag": config["etag"]}, headers=headers)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert scalar(app, "SELECT stage FROM cooperation") == "operationnelle"
    stale = web.post(config["save"], json={**body, "etag": config["etag"]}, headers=headers)
    assert stale.status_code == 412  # the page's version is gone
    html = web.get(saved.get_json()["history"]).get_data(as_text=True)
    assert "modification" in html and 'id="edit-link"' in html


def test_flagged_duplicates_are_listed_and_merged_then_the_merge_reverts(web, app, tmp_path):
    from geocoop.orchestration import import_cooperations_then_refresh

    csv = tmp_path / "doublons.csv"
    csv.write_text(
        "id;nom;latitude;longitude;site web\n"
        "a1;TZCLD de Bruz;48.0;-1.75;\n"
        "a2;TZCLD de  Bruz;48.0002;-1.7502;https://tzcld-bruz.example.org\n",
        encoding="utf-8",
    )
    with app.extensions["geocoop.engine"].begin() as conn:
        import_cooperations_then_refresh(conn, csv, kind="tzcld", source="liste")
    with app.extensions["geocoop.engine"].connect() as conn:
        first, second = conn.execute(text("SELECT id FROM cooperation ORDER BY id")).scalars()
    sign_in(web, secret(app, "e", "editor", ["tzcld"], ["35"]))
    page = web.get("/moderation/").get_data(as_text=True)
    assert f'id="merge-{first}-{second}"' in page
    token = csrf(web)
    assert web.post("/moderation/merge", data={"keep": first, "drop": second}).status_code == 403
    done = web.post("/moderation/merge", data={"csrf": token, "keep": first, "drop": second})
    assert done.status_code == 303, done.get_data(as_text=True)
    assert scalar(app, "SELECT count(*) FROM cooperation") == 1
    assert scalar(app, "SELECT website FROM cooperation") == "https://tzcld-bruz.example.org"
    assert 'class="merge-form"' not in web.get("/moderation/").get_data(as_text=True)
    dropped = scalar(
        app, f"SELECT max(id) FROM edit_log WHERE entity_id = {second} AND action = 'merge'"
    )
    back = web.post(f"/moderation/changes/{dropped}/revert", data={"csrf": token})
    assert back.status_code == 303
    assert scalar(app, f"SELECT name FROM cooperation WHERE id = {second}") == "TZCLD de  Bruz"
