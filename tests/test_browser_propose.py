"""« Proposer une coopération » in real headless Chromium.

« Proposer une coopération » in real headless Chromium against the live server (bundled
data): search a commune, click the map, fill the study's fields, send — the proposal waits
as pending, the map does not show it. No console error, no request leaving loopback.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.test_browser_map import browser, watched  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser


def test_a_visitor_proposes_a_cooperation(live_server, watched, demo_engine):  # noqa: F811
    with demo_engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one()
    try:
        page = watched(live_server + "/proposer")
        page.page.wait_for_selector("body[data-ready=true]")
        page.page.select_option("#kind", "tzcld")
        page.page.fill("#name", "TZCLD de la Courrouze")
        page.page.fill("#commune-search", "Rennes")
        page.page.click("#commune-search-button")
        page.page.click(".commune-choice[data-code='35238']")
        assert page.page.input_value("#commune_code") == "35238"
        page.page.wait_for_timeout(500)  # the map has zoomed to Rennes
        page.page.locator("#propose-map").click()  # scrolled into view, clicked at its centre
        lon, lat = float(page.page.input_value("#lon")), float(page.page.input_value("#lat"))
        assert -1.8 < lon < -1.6 and 48.0 < lat < 48.2
        page.page.select_option("#stage", "emergence")
        page.page.fill("#stakeholders", "Ville de Rennes; entreprise à but d'emploi")
        page.page.fill("#contact", "porteur@example.org")
        page.shot("propose-form")
        page.page.wait_for_timeout(3000)  # GEOCOOP_PROPOSAL_MIN_SECONDS
        page.page.click("#propose-submit")
        page.page.wait_for_selector("#propose-thanks")
        page.shot("propose-thanks")
        page.assert_clean()
        with demo_engine.connect() as conn:
            stored = conn.execute(
                text("SELECT status, commune_code, lon, fields->'stakeholders' AS s FROM proposal")
            ).one()
            after = conn.execute(text("SELECT count(*) FROM cooperation")).scalar_one()
        assert stored.status == "pending" and stored.commune_code == "35238"
        assert stored.lon == pytest.approx(lon)
        assert stored.s == ["Ville de Rennes", "entreprise à but d'emploi"]
        assert after == before  # nothing on the map before a moderator validates it
    finally:
        with demo_engine.begin() as conn:
            conn.execute(text("DELETE FROM edit_log WHERE entity = 'proposal'"))
            conn.execute(text("DELETE FROM proposal"))
