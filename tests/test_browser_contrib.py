"""The contribution scenario of issue 17 in real headless Chromium, on the bundled data.

A visitor proposes a TZCLD with a perimeter picked on the map (Rennes Métropole) → a moderator
signs in and validates it → it is served and the TZCLD white zones shrink → the editor moves it
on the map, previews the coverage change, saves → the history shows both changes → revert. No
console error, no request leaving loopback. Everything it wrote is removed after.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.auth import verify_principal
from geocoop.members import add_member, create_organisation
from geocoop.orchestration import refresh_analysis_for_cooperation, write_feature_then_refresh
from tests.test_browser_map import browser, get_json, watched  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser
WHITE = (
    "SELECT coalesce(sum(t.population), 0) FROM analysis_commune_kind AS a "
    "JOIN territory AS t ON t.level = 'commune' AND t.code = a.commune_code "
    "WHERE a.kind_code = 'tzcld' AND a.zone_id IS NOT NULL"
)


def _clean(engine) -> None:
    """Remove what the scenario wrote.

    Remove what the scenario wrote (its two cooperations, their log, the proposal, the
    organisation); the TZCLD analysis goes back to « no data ». The bundled cooperations and
    their import log are left alone.
    """
    with engine.begin() as conn:
        ids = (
            conn.execute(
                text("SELECT id FROM cooperation WHERE source IN ('tzcld-demo', 'propositions')")
            )
            .scalars()
            .all()
        )
        conn.execute(text("DELETE FROM cooperation WHERE id = ANY(:i)"), {"i": ids})
        conn.execute(
            text(
                "DELETE FROM edit_log WHERE entity = 'proposal' "
                "OR (entity = 'cooperation' AND entity_id = ANY(:i))"
            ),
            {"i": ids},
        )
        conn.execute(text("DELETE FROM proposal"))
        conn.execute(text("DELETE FROM ingest_run WHERE source IN ('tzcld-demo', 'propositions')"))
        conn.execute(text("DELETE FROM organisation WHERE slug = 'tzcld-demo'"))
        for coop_id in ids:
            refresh_analysis_for_cooperation(conn, coop_id)


def test_propose_validate_move_history_revert(
    live_server,
    watched,  # noqa: F811
    demo_engine,
    demo_app,
):
    with demo_engine.connect() as conn:
        bundled = conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one()
    try:
        with demo_engine.begin() as conn:
            create_organisation(conn, "tzcld-demo", "TZCLD démo")
            _id, token = add_member(conn, "tzcld-demo", "Mona", "moderator", ["tzcld"])
            seed = {  # one TZCLD in Brest: the kind has data, hence white zones
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-4.486, 48.39]},
                "properties": {"kind_code": "tzcld", "name": "TZCLD de Brest"},
            }
            write_feature_then_refresh(conn, "create", verify_principal(conn, token), seed)
        with demo_engine.connect() as conn:
            white_before = conn.execute(text(WHITE)).scalar_one()
        assert white_before > 200_000  # Rennes Métropole is white for TZCLD

        # a visitor proposes, without an account
        visitor = watched(live_server + "/proposer")
        visitor.page.wait_for_selector("body[data-ready=true]")
        visitor.page.select_option("#kind", "tzcld")
        visitor.page.fill("#name", "TZCLD Rennes Métropole")
        visitor.page.fill("#commune-search", "Rennes")
        visitor.page.click("#commune-search-button")
        visitor.page.click(".commune-choice[data-code='35238']")
        # the perimeter picked on the map: the map now frames Rennes, whose centre lies in
        # Rennes Métropole; a commune clicked then removed with its button (keyboard)
        visitor.page.wait_for_timeout(800)  # the map's fly to Rennes
        visitor.page.check("#mode-epci")
        visitor.page.locator("#propose-map").click()
        visitor.page.wait_for_selector("#perimeter-list li[data-code='243500139']")
        visitor.page.check("#mode-commune")
        visitor.page.locator("#propose-map").click()
        visitor.page.wait_for_selector("#perimeter-list li[data-code='35238']")
        assert "Rennes" in visitor.page.locator("#perimeter-list").inner_text()
        assert visitor.page.input_value("#perimeter") == "243500139 35238"
        visitor.page.focus(".perimeter-remove[data-code='35238']")
        visitor.page.keyboard.press("Enter")
        assert visitor.page.input_value("#perimeter") == "243500139"
        assert visitor.page.locator("#perimeter-list li").count() == 1
        visitor.page.wait_for_timeout(3000)  # GEOCOOP_PROPOSAL_MIN_SECONDS
        visitor.page.click("#propose-submit")
        visitor.page.wait_for_selector("#propose-thanks")
        visitor.assert_clean()
        with demo_engine.connect() as conn:
            proposal, picked = conn.execute(text("SELECT id, perimeter_codes FROM proposal")).one()
        assert picked == ["epci:243500139"]

        # the moderator signs in and validates (tests before this one sent refused tokens
        # from this address: the failed-token throttle forgets them, as after a success)
        demo_app.extensions["geocoop.token_throttle"].succeeded("127.0.0.1")
        moderator = watched(live_server + "/moderation/")
        moderator.page.fill("#token", token)
        moderator.page.click("#login-form button")
        moderator.page.wait_for_selector(f"#proposal-{proposal}")
        moderator.shot("moderation-queue")
        moderator.page.click(f"#validate-{proposal}")
        moderator.page.wait_for_selector("#moderation-done")
        with demo_engine.connect() as conn:
            coop = conn.execute(
                text("SELECT id FROM cooperation WHERE source = 'propositions'")
            ).scalar_one()
            white_after = conn.execute(text(WHITE)).scalar_one()
        served = get_json(f"{live_server}/api/features/collections/cooperations/items/{coop}")
        assert served["properties"]["name"] == "TZCLD Rennes Métropole"
        assert white_after < white_before - 200_000  # Rennes Métropole left the white zones

        # the editor (a moderator is an editor too) moves it on the map
        moderator.page.goto(f"{live_server}/cooperations/{coop}/historique")
        moderator.page.click("#edit-link")
        moderator.page.wait_for_selector("body[data-ready=true]")
        moderator.page.locator("#edit-map").click(position={"x": 120, "y": 90})
        assert moderator.page.locator("#edit-point").inner_text() != ""
        moderator.page.click("#edit-preview")
        moderator.page.wait_for_selector("body[data-previewed=true]")
        assert "Communes gagnées" in moderator.page.locator("#edit-gained").inner_text()
        moderator.shot("editor-preview")
        moderator.page.click("#edit-save")
        moderator.page.wait_for_url(f"**/cooperations/{coop}/historique")
        items = moderator.page.locator(".history-item")
        assert items.count() == 2
        assert [items.nth(i).get_attribute("data-action") for i in range(2)] == [
            "update",
            "create",
        ]
        moderator.shot("history")

        # revert the move
        moderator.page.locator(".revert-form button").click()
        moderator.page.wait_for_selector("#moderation-done")
        moderator.page.goto(f"{live_server}/cooperations/{coop}/historique")
        assert moderator.page.locator(".history-item").first.get_attribute("data-action") == (
            "revert"
        )
        with demo_engine.connect() as conn:
            precision = conn.execute(
                text("SELECT location_precision FROM cooperation WHERE id = :i"), {"i": coop}
            ).scalar_one()
        assert precision == served["properties"]["location_precision"]
        moderator.assert_clean()
    finally:
        _clean(demo_engine)
        with demo_engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == bundled
