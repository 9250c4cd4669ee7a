"""The public proposal form and the members' API, over HTTP.

The public form « Proposer une coopération » and the members' API (/api/contrib/…):
CSRF, honeypot, minimum fill time, rate limit, scoped tokens, validation through the
import path, edits with their history — over HTTP, on a real PostGIS.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from geocoop.members import add_member, create_organisation


def settle(app, **changes):
    app.config["GEOCOOP"] = replace(app.config["GEOCOOP"], **changes)


@pytest.fixture
def web(app, client, token):
    """The client, no minimum fill time, and the organisation « tzcld-bzh »."""
    settle(app, proposal_min_seconds=0)
    with app.extensions["geocoop.engine"].begin() as conn:
        create_organisation(conn, "tzcld-bzh", "TZCLD Bretagne")
    return client


def member(app, name, role, kinds=None, territories=None) -> dict:
    with app.extensions["geocoop.engine"].begin() as conn:
        _id, secret = add_member(conn, "tzcld-bzh", name, role, kinds, territories)
    return {"Authorization": f"Bearer {secret}"}


def form_fields(client, url="/proposer") -> dict:
    html = client.get(url).get_data(as_text=True)
    return {
        name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
        for name in ("csrf", "started")
    }


def propose(client, **values):
    data = {
        **form_fields(client),
        "kind": "tzcld",
        "name": "TZCLD de Bruz",
        "commune_code": "35047",
        **values,
    }
    return client.post("/proposer", data=data)


def rows(app, sql):
    with app.extensions["geocoop.engine"].connect() as conn:
        return conn.execute(text(sql)).all()


def test_the_form_speaks_french_then_english_with_help_and_no_remote_url(web):
    html = web.get("/proposer").get_data(as_text=True)
    assert "Proposer une coopération" in html and 'name="nickname"' in html
    assert "Jamais publié" in html and "Émergence" in html
    assert "https://" not in html and "http://" not in html.replace("http://localhost", "")
    english = web.get("/proposer?lang=en").get_data(as_text=True)
    assert "Propose a cooperation" in english and "Never published" in english
    # the perimeter picked on the map: the click's modes and the list's remove label
    assert "ajoute l&#39;EPCI au périmètre" in html and '"remove": "Retirer"' in html
    assert "adds the EPCI to the perimeter" in english and '"remove": "Remove"' in english
    assert "Proposer" not in re.sub(r"<[^>]+>", "", english).replace("/proposer", "")


def test_a_proposal_is_stored_pending_and_never_on_the_map(web, app):
    response = propose(
        web, contact="anne@example.org", stage="emergence", stakeholders="Commune; EBE"
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/merci")
    stored = rows(app, "SELECT status, contact, fields->>'stage' FROM proposal")
    assert [tuple(r) for r in stored] == [("pending", "anne@example.org", "emergence")]
    assert rows(app, "SELECT count(*) FROM cooperation")[0][0] == 0
    items = web.get("/api/features/collections/cooperations/items").get_json()
    assert items["features"] == []


def test_csrf_honeypot_fill_time_and_field_errors(web, app):
    data = {"kind": "tzcld", "name": "X", "commune_code": "35047"}
    assert web.post("/proposer", data=data).status_code == 403
    robot = propose(web, nickname="buy now")
    assert robot.status_code == 303  # thanked…
    assert rows(app, "SELECT count(*) FROM proposal")[0][0] == 0  # …and nothing stored
    settle(app, proposal_min_seconds=60)
    too_fast = propose(web)
    assert too_fast.status_code == 400 and "trop vite" in too_fast.get_data(as_text=True)
    settle(app, proposal_min_seconds=0)
    bad = propose(web, name="", website="javascript:alert(1)", commune_code="99999")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'id="error-name"' in html and 'id="error-website"' in html
    assert 'id="error-commune_code"' in html
    assert 'value="javascript:alert(1)"' in html  # kept for correction, escaped by Jinja
    assert web.post("/proposer", data={"name": "x" * 70_000}).status_code == 413


def test_proposals_are_rate_limited_per_client(web, app):
    settle(app, proposals_per_hour=2)
    assert [propose(web).status_code for _ in range(3)] == [303, 303, 429]


def test_the_api_needs_a_token_a_role_and_a_scope(web, app, token):
    assert web.get("/api/contrib/proposals").status_code == 401
    contributor = member(app, "c", "contributor")
    assert web.get("/api/contrib/me", headers=contributor).get_json()["role"] == "contributor"
    assert web.get("/api/contrib/proposals", headers=contributor).status_code == 403
    # an admin token (geocoop token create) is an admin
    admin = {"Authorization": f"Bearer {token}"}
    assert web.get("/api/contrib/me", headers=admin).get_json()["role"] == "admin"
    # a member's token is not an upload token
    upload = web.post("/api/ingest/cooperations", headers=contributor)
    assert upload.status_code == 401


def test_moderation_then_edit_then_history(web, app):
    propose(web, stage="emergence")
    propose(web, commune_code="56260", name="TZCLD de Vannes")
    moderator = member(app, "m", "moderator", ["tzcld"], ["35"])
    listed = web.get("/api/contrib/proposals", headers=moderator).get_json()
    assert [p["name"] for p in listed["items"]] == ["TZCLD de Bruz"]
    bruz, vannes = (r[0] for r in rows(app, "SELECT id FROM proposal ORDER BY id"))
    assert (
        web.post(f"/api/contrib/proposals/{vannes}/validate", headers=moderator).status_code == 404
    )
    done = web.post(f"/api/contrib/proposals/{bruz}/validate", headers=moderator)
    assert done.status_code == 200, done.get_data(as_text=True)
    coop_id = done.get_json()["cooperation_id"]
    feature = web.get(f"/api/features/collections/cooperations/items/{coop_id}").get_json()
    assert feature["properties"]["name"] == "TZCLD de Bruz"
    refused = web.post(
        f"/api/contrib/proposals/{vannes}/reject",
        headers=member(app, "m56", "moderator", ["tzcld"], ["56"]),
        json={"reason": "hors réseau"},
    )
    assert refused.get_json()["status"] == "rejected"

    editor = member(app, "e", "editor", ["tzcld"], ["243500139"])
    patch = {"name": "TZCLD Bruz", "fields": {"stage": "operationnelle"}, "point": [-1.74, 48.01]}
    assert web.patch(f"/api/contrib/cooperations/{coop_id}", json=patch).status_code == 401
    assert (
        web.patch(
            f"/api/contrib/cooperations/{coop_id}",
            json=patch,
            headers=member(app, "c", "contributor"),
        ).status_code
        == 403
    )
    bad = web.patch(
        f"/api/contrib/cooperations/{coop_id}",
        headers=editor,
        json={"fields": {"stage": "bientôt"}},
    )
    assert bad.status_code == 400 and "stage" in bad.get_json()["errors"]
    edited = web.patch(f"/api/contrib/cooperations/{coop_id}", json=patch, headers=editor)
    assert edited.status_code == 200 and edited.get_json()["after"]["stage"] == "operationnelle"
    history = web.get(f"/api/contrib/cooperations/{coop_id}/history").get_json()
    assert [h["action"] for h in history["items"]] == ["create", "edit"]
    assert history["items"][1]["actor"] == "tzcld-bzh/e"
    assert history["items"][1]["before"]["name"] == "TZCLD de Bruz"
    assert "contact" not in str(history)


def test_the_cli_creates_organisations_and_members_and_prints_the_token(app, pg_cluster):
    from click.testing import CliRunner

    from geocoop.cli import main

    runner = CliRunner()
    env = {"GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")}
    created = runner.invoke(main, ["org", "create", "pat-bzh", "Réseau PAT Bretagne"], env=env)
    assert created.exit_code == 0, created.output
    added = runner.invoke(
        main,
        [
            "member",
            "add",
            "pat-bzh",
            "Lou",
            "--role",
            "moderator",
            "--kinds",
            "pat,tzcld",
            "--territory",
            "35",
            "--territory",
            "region:53",
        ],
        env=env,
    )
    assert added.exit_code == 0, added.output
    token = added.output.strip()
    assert token.startswith("gc_")
    client = app.test_client()
    me = client.get("/api/contrib/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me == {
        "name": "Lou",
        "role": "moderator",
        "organisation": "pat-bzh",
        "kinds": ["pat", "tzcld"],
        "territories": ["departement:35", "region:53"],
    }
    listed = runner.invoke(main, ["member", "list"], env=env)
    assert "pat-bzh\tLou\tmoderator\tpat,tzcld" in listed.output and token not in listed.output
    wrong = runner.invoke(main, ["member", "add", "pat-bzh", "Max", "--role", "editor"], env=env)
    assert wrong.exit_code == 1 and "--kinds" in wrong.output
