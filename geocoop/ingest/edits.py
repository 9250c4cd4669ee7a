"""An editor changes one cooperation of its scope: name, the study's fields, the point.

Checked like a proposal (geocoop.ingest.contrib_fields), scoped server-side (kind and
territory, geocoop.auth.Principal), written with one parameterised UPDATE, and logged
with the cooperation's state before and after (geocoop.audit). The analysis refresh is
the orchestration's (geocoop.orchestration.edit_cooperation_then_refresh).
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.audit import record_change
from geocoop.auth import Principal
from geocoop.errors import BadRequest, Forbidden, NotFound
from geocoop.ingest.contrib_fields import (
    STUDY_FIELDS,
    FieldErrors,
    clean_point,
    clean_study_fields,
    clean_text,
)
from geocoop.sql import statement

PATCH_KEYS = {"name", "fields", "point"}


def snapshot(conn: Connection, cooperation_id: int) -> dict | None:
    """The editable state of one cooperation (JSON), or None when it does not exist."""
    return conn.execute(statement("ingest/coop_snapshot"), {"id": cooperation_id}).scalar()


def check_scope(conn: Connection, principal: Principal, cooperation_id: int) -> dict:
    """The cooperation's state when `principal` may edit it; NotFound / Forbidden else."""
    if not principal.has_role("editor"):
        raise Forbidden("Ce jeton ne permet pas de modifier une coopération (rôle éditeur).")
    before = snapshot(conn, cooperation_id)
    if before is None:
        raise NotFound(f"Aucune coopération n° {cooperation_id}.")
    if principal.role == "admin":
        return before
    check_owner(conn, principal, before["source"])
    check_kind_and_place(conn, principal, before["kind_code"], cooperation_id)
    return before


def check_owner(conn: Connection, principal: Principal, source: str) -> None:
    """Refuse a source owned by another organisation.

    Forbidden when `source` belongs to another organisation than the principal's (an
    organisation owns the source named by its slug; other sources are shared).
    """
    if principal.role == "admin":
        return
    owner = conn.execute(statement("ingest/source_owner"), {"source": source}).scalar()
    if owner is not None and owner != principal.organisation:
        raise Forbidden(f"La source « {source} » appartient à une autre organisation.")


def check_kind_and_place(
    conn: Connection, principal: Principal, kind: str, cooperation_id: int
) -> None:
    """Refuse a cooperation outside the principal's kinds or territories.

    Forbidden unless the stored cooperation `cooperation_id` (of kind `kind`) lies in the
    principal's kinds and territories.
    """
    if principal.role == "admin":
        return
    if not principal.covers_kind(kind):
        raise Forbidden(f"Le type « {kind} » est hors de votre périmètre.")
    if principal.territories is not None:
        inside = conn.execute(
            statement("ingest/coop_in_territories"),
            {"id": cooperation_id, "territories": list(principal.territories)},
        ).scalar()
        if not inside:
            raise Forbidden("Cette coopération est hors de vos territoires.")


def clean_patch(patch: object) -> dict:
    """The parameters of the UPDATE for a JSON patch {name, fields, point: [lon, lat]}."""
    if not isinstance(patch, dict) or not patch:
        raise BadRequest('Corps JSON attendu : {"name", "fields", "point"}.')
    unknown = set(patch) - PATCH_KEYS
    if unknown:
        raise BadRequest(f"Clé(s) inconnue(s) : {', '.join(sorted(unknown))}.")
    errors: dict[str, str] = {}
    params: dict = {"set_name": "name" in patch, "name": None, "set_point": False}
    if "name" in patch:
        try:
            params["name"] = clean_text(patch["name"])
            if not params["name"]:
                raise ValueError("nom obligatoire")
        except ValueError as exc:
            errors["name"] = str(exc)
    fields = patch.get("fields") or {}
    if not isinstance(fields, dict) or set(fields) - set(STUDY_FIELDS):
        errors["fields"] = f"objet attendu, clés parmi {', '.join(STUDY_FIELDS)}"
        fields = {}
    cleaned = clean_study_fields(fields, errors, partial=True)
    for name in STUDY_FIELDS:
        params[f"set_{name}"] = name in cleaned
        params[name] = cleaned.get(name)
    params["lon"] = params["lat"] = None
    if "point" in patch:
        point = patch["point"]
        try:
            if not isinstance(point, list) or len(point) != 2:
                raise ValueError("[longitude, latitude] attendu")
            params["lon"], params["lat"] = clean_point(*point) or (None, None)
            params["set_point"] = params["lon"] is not None
        except ValueError as exc:
            errors["point"] = str(exc)
    if errors:
        raise FieldErrors(errors)
    return params


def edit_cooperation(
    conn: Connection, principal: Principal, cooperation_id: int, patch: object
) -> dict:
    """Apply an editor's patch to a cooperation of its scope; return {before, after}.

    Never commits; the change and its edit_log row land together.
    """
    params = clean_patch(patch)
    before = check_scope(conn, principal, cooperation_id)
    conn.execute(statement("ingest/coop_edit"), {**params, "id": cooperation_id})
    after = snapshot(conn, cooperation_id)
    if after != before:
        record_change(
            conn,
            actor=principal,
            action="edit",
            entity="cooperation",
            entity_id=cooperation_id,
            before=before,
            after=after,
            via="api",
        )
    return {"id": cooperation_id, "before": before, "after": after}
