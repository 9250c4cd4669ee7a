"""Cooperations proposed without an account, until a moderator decides.

Cooperations proposed without an account: checked, stored as pending, listed to the
moderators of their scope, rejected with a reason (validation: geocoop.orchestration).

A proposal is never public before validation: the map, the OGC API and the analysis read
`cooperation` only. Its contact is private (shown to the moderators of its scope, never
logged nor published); the client's address is kept only as a keyed hash, for the rate
limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from geocoop.audit import record_change
from geocoop.auth import Principal
from geocoop.errors import BadRequest, Forbidden, NotFound, TooBusy
from geocoop.ingest.contrib_fields import (
    FieldErrors,
    clean_point,
    clean_study_fields,
    clean_text,
)
from geocoop.ingest.locate import clean_commune_code
from geocoop.members import parse_territory
from geocoop.sql import statement

MAX_PERIMETER = 300
_CODES = re.compile(r"[\s,;|]+")  # the form's perimeter: codes only, any separator
SOURCE = "propositions"


def clean_proposal(conn: Connection, form: Mapping[str, str]) -> dict:
    """The proposal of a submitted form, checked; FieldErrors names each bad field."""
    errors: dict[str, str] = {}
    data: dict = {}
    kind = (form.get("kind") or "").strip()
    known = {r.code for r in conn.execute(statement("ingest/coop_kinds"))}
    if kind not in known:
        errors["kind"] = "choisissez un type de coopération"
    data["kind_code"] = kind
    try:
        data["name"] = clean_text(form.get("name"))
        if not data["name"]:
            raise ValueError("nom obligatoire")
    except ValueError as exc:
        errors["name"] = str(exc)
    try:
        data["contact"] = clean_text(form.get("contact"), 300)
    except ValueError as exc:
        errors["contact"] = str(exc)
    try:
        point = clean_point(form.get("lon"), form.get("lat"))
    except ValueError as exc:
        errors["place"], point = str(exc), None
    data["lon"], data["lat"] = point if point else (None, None)
    data["commune_code"] = _commune(conn, form.get("commune_code"), point, errors)
    data["perimeter_codes"] = _perimeter(conn, form.get("perimeter") or "", errors)
    if not (point or data["commune_code"] or data["perimeter_codes"]) and "place" not in errors:
        errors["place"] = "indiquez la commune, cliquez sur la carte ou donnez un périmètre"
    data["fields"] = clean_study_fields(dict(form), errors)
    if errors:
        raise FieldErrors(errors)
    return data


def _commune(conn: Connection, value: str | None, point, errors: dict) -> str | None:
    code = clean_commune_code(value or "")
    if code:
        found = conn.execute(statement("ingest/proposal_commune"), {"code": code}).scalar()
        if found is None:
            errors["commune_code"] = f"commune inconnue : {code}"
        return found
    if point:  # the commune under the clicked point, for the moderators' scope
        return conn.execute(
            statement("ingest/proposal_commune_at"), {"lon": point[0], "lat": point[1]}
        ).scalar()
    return None


def _perimeter(conn: Connection, value: str, errors: dict) -> list[str] | None:
    tokens = [t for t in _CODES.split(value[:5000]) if t]
    if not tokens:
        return None
    if len(tokens) > MAX_PERIMETER:
        errors["perimeter"] = f"{MAX_PERIMETER} territoires au plus"
        return None
    try:
        keys = sorted({parse_territory(t) for t in tokens})
    except BadRequest as exc:
        errors["perimeter"] = exc.message
        return None
    found = set(conn.execute(statement("ingest/proposal_territories"), {"keys": keys}).scalars())
    unknown = [k for k in keys if k not in found]
    if unknown:
        errors["perimeter"] = f"territoire(s) inconnu(s) : {', '.join(unknown[:10])}"
    return keys


def submit_proposal(conn: Connection, data: dict, *, client_hash: str | None, per_hour: int) -> int:
    """Store a checked proposal as pending.

    Raises TooBusy past `per_hour` from one client. Logged without its contact. Never commits.
    """
    if client_hash and per_hour >= 0:
        recent = conn.execute(
            statement("ingest/proposal_recent_count"), {"client_hash": client_hash}
        ).scalar_one()
        if recent >= per_hour:
            raise TooBusy(
                "Trop de propositions envoyées depuis cette adresse : réessayez dans une heure.",
                retry_after=3600,
            )
    proposal_id = conn.execute(
        statement("ingest/proposal_insert"),
        {**data, "fields": Jsonb(data["fields"]), "client_hash": client_hash},
    ).scalar_one()
    record_change(
        conn,
        actor="public",
        action="propose",
        entity="proposal",
        entity_id=proposal_id,
        after=public_view(data),
        via="proposal",
    )
    return proposal_id


def public_view(data: dict) -> dict:
    """What a proposal says, without its private contact."""
    keys = ("kind_code", "name", "lon", "lat", "commune_code", "perimeter_codes", "fields")
    return {k: data.get(k) for k in keys}


def _scope(principal: Principal) -> dict:
    admin = principal.role == "admin"
    return {
        "kinds": None if admin or principal.kinds is None else list(principal.kinds),
        "territories": (
            None if admin or principal.territories is None else list(principal.territories)
        ),
    }


def _require_moderator(principal: Principal) -> None:
    if not principal.has_role("moderator"):
        raise Forbidden("Seuls les modérateurs examinent les propositions.")


def pending_proposals(conn: Connection, principal: Principal, limit: int = 100) -> list[dict]:
    """The pending proposals inside the moderator's kinds and territories, oldest first."""
    _require_moderator(principal)
    rows = conn.execute(
        statement("ingest/proposals_pending"), {**_scope(principal), "id": None, "limit": limit}
    )
    return [_document(r) for r in rows]


def proposal_in_scope(conn: Connection, principal: Principal, proposal_id: int) -> dict:
    """One pending proposal of the moderator's scope.

    Raises NotFound outside it: a moderator learns nothing of other scopes.
    """
    _require_moderator(principal)
    row = conn.execute(
        statement("ingest/proposals_pending"),
        {**_scope(principal), "id": proposal_id, "limit": 1},
    ).first()
    if row is None:
        raise NotFound(f"Aucune proposition en attente n° {proposal_id} dans votre périmètre.")
    return _document(row)


def _document(row) -> dict:
    item = dict(row._mapping)
    item["created_at"] = item["created_at"].isoformat()
    return item


def reject_proposal(
    conn: Connection, principal: Principal, proposal_id: int, reason: str | None
) -> dict:
    """Reject a pending proposal of the moderator's scope with a reason (required)."""
    try:
        reason = clean_text(reason, 1000)
    except ValueError as exc:
        raise FieldErrors({"reason": str(exc)}) from None
    if not reason:
        raise FieldErrors({"reason": "motif obligatoire"})
    proposal = proposal_in_scope(conn, principal, proposal_id)
    mark_decided(conn, principal, proposal, "rejected", reason=reason)
    return {"id": proposal_id, "status": "rejected", "reason": reason}


def mark_decided(
    conn: Connection,
    principal: Principal,
    proposal: dict,
    status: str,
    *,
    reason: str | None = None,
    cooperation_id: int | None = None,
) -> None:
    """Record a moderator's decision on the proposal and in the edit log."""
    conn.execute(
        statement("ingest/proposal_decide"),
        {
            "id": proposal["id"],
            "status": status,
            "member_id": principal.member_id,
            "reason": reason,
            "cooperation_id": cooperation_id,
        },
    )
    record_change(
        conn,
        actor=principal,
        action="validate" if status == "validated" else "reject",
        entity="proposal",
        entity_id=proposal["id"],
        before={"status": "pending"},
        after={"status": status, "reason": reason, "cooperation_id": cooperation_id},
        via="proposal",
    )


def import_values(proposal: dict) -> dict[str, str]:
    """The proposal as an import record (geocoop.ingest.record.import_record)."""
    fields = proposal["fields"] or {}
    values = {"name": proposal["name"], "commune_code": proposal["commune_code"] or ""}
    if proposal["lon"] is not None:
        values["longitude"], values["latitude"] = str(proposal["lon"]), str(proposal["lat"])
    if proposal["perimeter_codes"]:
        values["perimeter"] = ";".join(proposal["perimeter_codes"])
    for name, value in fields.items():
        if value is not None:
            values[name] = "; ".join(value) if isinstance(value, list) else str(value)
    return values
