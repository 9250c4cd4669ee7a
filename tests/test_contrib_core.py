"""Organisations, members, tokens, proposals, moderation and edits: the core functions.

Organisations, members, scoped tokens, proposals, moderation and edits — the core
functions on a real PostGIS (tests/data/cooperations/communes.sql: Rennes 35238, Bruz
35047 in EPCI 243500139 / département 35, Vannes 56260 in the Morbihan).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.auth import verify_principal, verify_token
from geocoop.errors import BadRequest, Forbidden, IngestError, NotFound, TooBusy
from geocoop.ingest.contrib_fields import FieldErrors
from geocoop.ingest.edits import edit_cooperation
from geocoop.ingest.proposals import (
    clean_proposal,
    pending_proposals,
    reject_proposal,
    submit_proposal,
)
from geocoop.members import add_member, create_organisation, parse_territory
from geocoop.orchestration import (
    edit_cooperation_then_refresh,
    validate_proposal_then_refresh,
)


def form(**values) -> dict:
    base = {"kind": "tzcld", "name": "TZCLD de Bruz", "commune_code": "35047"}
    return {**base, **values}


def propose(conn, client="c1", **values) -> int:
    return submit_proposal(
        conn, clean_proposal(conn, form(**values)), client_hash=client, per_hour=100
    )


@pytest.fixture
def org(communes):
    create_organisation(communes, "tzcld-bzh", "TZCLD Bretagne")
    return communes


def principal(conn, role, kinds=None, territories=None, name=None):
    _id, token = add_member(conn, "tzcld-bzh", name or role, role, kinds, territories)
    return verify_principal(conn, token)


def test_territories_are_written_with_their_level():
    assert parse_territory("35") == "departement:35"
    assert parse_territory("2a") == "departement:2A"
    assert parse_territory("243500139") == "epci:243500139"
    assert parse_territory("35238") == "commune:35238"
    assert parse_territory("region:53") == "region:53"
    with pytest.raises(BadRequest):
        parse_territory("35; DROP TABLE")


def test_member_tokens_carry_role_and_scope_and_are_not_admin_tokens(org):
    _id, token = add_member(org, "tzcld-bzh", "Anne", "moderator", ["tzcld"], ["35"])
    found = verify_principal(org, token)
    assert (found.role, found.kinds, found.territories) == (
        "moderator",
        ("tzcld",),
        ("departement:35",),
    )
    assert found.organisation == "tzcld-bzh" and found.has_role("editor")
    assert not found.has_role("admin")
    assert verify_token(org, token) is None  # not an upload/admin token
    stored = org.execute(text("SELECT token_hash FROM api_token")).scalars().all()
    assert token not in stored and len(stored[0]) == 64
    with pytest.raises(BadRequest, match="types"):
        add_member(org, "tzcld-bzh", "Bob", "editor")
    with pytest.raises(BadRequest, match="inconnu"):
        add_member(org, "tzcld-bzh", "Bob", "editor", ["nope"])
    with pytest.raises(NotFound):
        add_member(org, "nobody", "Bob", "admin")


def test_a_proposal_is_checked_field_by_field(communes):
    with pytest.raises(FieldErrors) as caught:
        clean_proposal(
            communes,
            {"kind": "x", "name": "", "stage": "bientot", "website": "javascript:alert(1)"},
        )
    assert set(caught.value.errors) >= {"kind", "name", "stage", "website", "place"}
    with pytest.raises(FieldErrors) as caught:
        clean_proposal(communes, form(commune_code="", lon="700000", lat="6800000"))
    assert "Lambert" in caught.value.errors["place"]
    with pytest.raises(FieldErrors) as caught:
        clean_proposal(communes, form(perimeter="35238 99999"))
    assert "commune:99999" in caught.value.errors["perimeter"]
    with pytest.raises(FieldErrors):
        clean_proposal(communes, form(name="x" * 201))
    data = clean_proposal(
        communes,
        form(
            commune_code="",
            lon="-1.65",
            lat="48.1",
            perimeter="35238, 35047",
            stakeholders="Commune; CCAS, Entreprises (EBE, SCIC)",
            stage="emergence",
        ),
    )
    assert data["commune_code"] == "35238"  # the commune under the clicked point
    assert data["perimeter_codes"] == ["commune:35047", "commune:35238"]
    assert data["fields"]["stakeholders"] == ["Commune", "CCAS", "Entreprises (EBE, SCIC)"]


def test_proposals_are_rate_limited_per_client(communes):
    data = clean_proposal(communes, form())
    for _ in range(2):
        submit_proposal(communes, data, client_hash="same", per_hour=2)
    with pytest.raises(TooBusy):
        submit_proposal(communes, data, client_hash="same", per_hour=2)
    submit_proposal(communes, data, client_hash="other", per_hour=2)


def test_a_moderator_sees_only_its_scope_and_the_contact_is_never_logged(org):
    in_scope = propose(org, contact="anne@example.org")
    propose(org, kind="pat")  # another kind
    propose(org, commune_code="56260")  # another département
    moderator = principal(org, "moderator", ["tzcld"], ["35"])
    listed = pending_proposals(org, moderator)
    assert [p["id"] for p in listed] == [in_scope]
    assert listed[0]["contact"] == "anne@example.org"  # the moderator may answer
    everyone = principal(org, "admin")
    assert len(pending_proposals(org, everyone)) == 3
    with pytest.raises(Forbidden):
        pending_proposals(org, principal(org, "editor", ["tzcld"]))
    logged = org.execute(text("SELECT after::text FROM edit_log")).scalars().all()
    assert len(logged) == 3 and not any("example.org" in entry for entry in logged)


def test_validation_creates_the_cooperation_through_the_import_and_refreshes(org):
    proposal_id = propose(org, stage="emergence", lon="-1.75", lat="48.0", commune_code="")
    assert org.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0
    moderator = principal(org, "moderator", ["tzcld"], ["epci:243500139"])
    other = principal(org, "moderator", ["pat"], name="pat-mod")
    with pytest.raises(NotFound):
        validate_proposal_then_refresh(org, other, proposal_id)
    result = validate_proposal_then_refresh(org, moderator, proposal_id)
    coop = org.execute(
        text(
            "SELECT kind_code, name, stage, category, commune_code, location_precision, "
            "source, source_id, ST_X(location) AS lon, ingest_run_id FROM cooperation"
        )
    ).one()
    assert (coop.kind_code, coop.stage, coop.commune_code) == ("tzcld", "emergence", "35047")
    assert coop.category == "modelisee"  # derived from the kind, as an import does
    assert (coop.source, coop.source_id) == ("propositions", f"p{proposal_id}")
    assert coop.location_precision == "coordinates" and coop.lon == pytest.approx(-1.75)
    assert coop.ingest_run_id == result["run_id"]
    covered = org.execute(
        text(
            "SELECT count(*) FROM analysis_commune_kind WHERE kind_code = 'tzcld' "
            "AND nearest_cooperation_id IS NOT NULL AND covered_distance"
        )
    ).scalar_one()
    assert covered >= 1  # the stored analysis knows it at once
    status = org.execute(text("SELECT status, decided_by, cooperation_id FROM proposal")).one()
    assert status.status == "validated" and status.cooperation_id == result["cooperation_id"]
    actions = org.execute(text("SELECT action FROM edit_log ORDER BY id")).scalars().all()
    assert actions == ["propose", "validate", "create"]
    assert pending_proposals(org, moderator) == []


def test_an_invalid_record_is_refused_with_the_import_reason(org):
    proposal_id = propose(org)
    org.execute(text('UPDATE proposal SET fields = \'{"website": "=HYPERLINK(1)"}\''))
    with pytest.raises(IngestError, match="formule"):
        validate_proposal_then_refresh(org, principal(org, "admin"), proposal_id)


def test_rejection_needs_a_reason_and_the_scope(org):
    proposal_id = propose(org)
    moderator = principal(org, "moderator", ["tzcld"])
    with pytest.raises(FieldErrors):
        reject_proposal(org, moderator, proposal_id, " ")
    reject_proposal(org, moderator, proposal_id, "doublon de TZCLD Bruz")
    row = org.execute(text("SELECT status, reason FROM proposal")).one()
    assert tuple(row) == ("rejected", "doublon de TZCLD Bruz")
    with pytest.raises(NotFound):
        reject_proposal(org, moderator, proposal_id, "again")


def _cooperation(conn) -> int:
    proposal_id = propose(conn)
    return validate_proposal_then_refresh(conn, principal(conn, "admin", name="root"), proposal_id)[
        "cooperation_id"
    ]


def test_an_editor_edits_its_scope_only_and_every_change_is_logged(org):
    coop_id = _cooperation(org)
    editor = principal(org, "editor", ["tzcld"], ["35"])
    result = edit_cooperation_then_refresh(
        org,
        editor,
        coop_id,
        {"name": "TZCLD Bruz-Sud", "fields": {"stage": "operationnelle"}, "point": [-1.72, 48.1]},
    )
    assert result["before"]["name"] == "TZCLD de Bruz"
    assert result["after"]["name"] == "TZCLD Bruz-Sud"
    assert result["after"]["commune_code"] == "35238"  # moved into Rennes
    assert result["after"]["point"] == [-1.72, 48.1]
    log = org.execute(
        text(
            "SELECT actor, member_id, before->>'stage', after->>'stage' FROM edit_log "
            "WHERE action = 'edit'"
        )
    ).one()
    assert log[0] == "tzcld-bzh/editor" and log[1] == editor.member_id
    assert (log[2], log[3]) == (None, "operationnelle")
    others = [
        principal(org, "editor", ["pat"], name="pat-ed"),  # another kind
        principal(org, "editor", ["tzcld"], ["56"], name="morbihan"),  # another territory
        principal(org, "contributor", name="c"),  # proposes only
    ]
    for other in others:
        with pytest.raises(Forbidden):
            edit_cooperation(org, other, coop_id, {"name": "x"})
    with pytest.raises(FieldErrors):
        edit_cooperation(org, editor, coop_id, {"fields": {"stage": "bientôt"}})
    with pytest.raises(BadRequest):
        edit_cooperation(org, editor, coop_id, {"source": "x"})
