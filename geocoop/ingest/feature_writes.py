"""OGC API – Features – Part 4 on `cooperations`.

Create, replace, update and delete one cooperation given as a GeoJSON Feature, with exactly the
import's validation.

A feature's properties are the served ones (geocoop.features.collections). Writable ones are renamed
to the import's field names and the record goes through geocoop.ingest.record.import_record — the
RowBuilder, locating and merge of a spreadsheet row, so the same errors. Read-only ones (kind_label,
quality_flags, source, updated_at…) are accepted and ignored, so a client can send back what it
read. The geometry is a Point in CRS84, or null (then placed by commune_code or perimeter_codes).

Scope (geocoop.ingest.edits): role editor or above, the member's kinds and territories before and
after the write, and the source's organisation. Concurrency: `check_version` compares the client's
If-Match with the state tag of the stored row. Every accepted write is logged (geocoop.audit, via
"ogcapi"); the analysis refresh is the orchestration's.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable

from sqlalchemy import Connection

from geocoop.audit import record_change
from geocoop.auth import Principal
from geocoop.errors import BadRequest, Forbidden, PreconditionFailed, PreconditionRequired
from geocoop.ingest.contrib_fields import FieldErrors
from geocoop.ingest.edits import check_kind_and_place, check_owner, check_scope, snapshot
from geocoop.ingest.record import import_record
from geocoop.sql import statement

VIA = "ogcapi"
WRITABLE_COLLECTIONS = ("cooperations",)  # the OGC collections these writes serve
ADMIN_SOURCE = "contributions"  # what an administrator's token creates
# served property -> the import's field name
WRITABLE = {
    "kind_code": "kind",
    "name": "name",
    "category": "category",
    "socio_economic_model": "socio_economic_model",
    "stage": "stage",
    "legal_form": "legal_form",
    "governance": "governance",
    "lead_body": "lead_body",
    "lead_body_type": "lead_body_type",
    "staff_fte": "staff_fte",
    "peer_cooperation": "peer_cooperation",
    "year_founded": "year_founded",
    "website": "website",
    "address": "address",
    "postcode": "postcode",
    "commune_code": "commune_code",
    "accompaniment": "accompaniment",
    "accompanied_by": "accompanied_by",
    "financing": "financing_sources",
    "financing_sources": "financing_sources",
    "stakeholders_list": "stakeholders",
    "stakeholders": "stakeholders",
    "networks_list": "networks",
    "networks": "networks",
    "perimeter_codes": "perimeter",
}
READ_ONLY = frozenset(
    {
        "id",
        "kind_label",
        "category_derived",
        "quality_flags",
        "quality_detail",
        "location_precision",
        "source",
        "colour",
        "updated_at",
    }
)
# the snapshot's keys (geocoop/ingest/sql/coop_snapshot.sql) as import fields
SNAPSHOT_FIELDS = {v: v for v in set(WRITABLE.values()) if v not in ("kind", "perimeter")}
SNAPSHOT_FIELDS.update(kind="kind_code", perimeter="perimeter_codes")
MAX_PROPERTIES = 64


def state_tag(conn: Connection, cooperation_id: int) -> str | None:
    """The version of the stored cooperation (its strong ETag), None when it is absent."""
    return conn.execute(statement("ingest/coop_state_tag"), {"id": cooperation_id}).scalar()


def check_version(
    conn: Connection, cooperation_id: int, if_match: Iterable[str] | None, star: bool = False
) -> None:
    """Check If-Match against the stored state (428, 412).

    PreconditionRequired without If-Match, PreconditionFailed when none of its tags is the
    stored state's (a tag may carry a representation suffix after '-').
    """
    tags = list(if_match or ())
    if not tags and not star:
        raise PreconditionRequired(
            "En-tête If-Match obligatoire : renvoyez l'ETag lu par GET sur cet objet."
        )
    current = state_tag(conn, cooperation_id)
    if star and current is not None:
        return
    if current is None or all(t.partition("-")[0] != current for t in tags):
        raise PreconditionFailed(
            "Cet objet a changé depuis votre lecture (ETag périmé) : relisez-le puis "
            "réappliquez votre modification."
        )


def _text(name: str, value: object) -> str | None:
    """One property as the import reads a cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise FieldErrors({name: "nombre fini attendu"})
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    raise FieldErrors({name: "texte, nombre, booléen ou liste de textes attendu"})


def _point(geometry: object) -> tuple[float, float] | None:
    if geometry is None:
        return None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if (
        not isinstance(geometry, dict)
        or geometry.get("type") != "Point"
        or not isinstance(coords, list)
        or len(coords) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        or not all(math.isfinite(c) for c in coords)
    ):
        raise BadRequest(
            "Géométrie invalide : un Point GeoJSON [longitude, latitude] en CRS84, ou null "
            "(placé par commune_code ou perimeter_codes), est attendu."
        )
    return float(coords[0]), float(coords[1])


def feature_record(feature: object, feature_id: int | None = None) -> dict[str, str]:
    """The import record of a GeoJSON Feature.

    The import record of a GeoJSON Feature (BadRequest on its shape, FieldErrors on unknown
    properties); values as the import reads cells.
    """
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise BadRequest('Corps attendu : un objet GeoJSON {"type": "Feature", …}.')
    if feature_id is not None and feature.get("id") not in (None, feature_id, str(feature_id)):
        raise BadRequest("L'identifiant du corps diffère de celui de l'adresse.")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict) or len(properties) > MAX_PROPERTIES:
        raise BadRequest("properties : objet attendu.")
    unknown = sorted(set(properties) - set(WRITABLE) - READ_ONLY)
    if unknown:
        names = ", ".join(u[:40] for u in unknown[:10])
        raise FieldErrors({"properties": f"propriété(s) inconnue(s) : {names}"})
    record: dict[str, str] = {}
    for name, value in properties.items():
        if name in WRITABLE:
            text = _text(name, value)
            if text not in (None, ""):
                record[WRITABLE[name]] = text
    point = _point(feature.get("geometry"))
    if point is not None:
        record["longitude"], record["latitude"] = repr(point[0]), repr(point[1])
    return record


def _keep_unsent(record: dict[str, str], before: dict, keep_perimeter: bool) -> dict[str, str]:
    """What a replacement keeps of the stored state.

    The perimeter when none is sent (GET does not serve it), a derived category sent back
    unchanged (it stays derived), and a point sent back unchanged when it was not given by
    coordinates (it stays derived from the commune or the perimeter), with the commune a
    perimeter gave.
    """
    if keep_perimeter and "perimeter" not in record and before.get("perimeter_codes"):
        record["perimeter"] = ";".join(before["perimeter_codes"])
    derived = before.get("derived_fields") or []
    if "category" in derived and record.get("category") == before.get("category"):
        record.pop("category")
    sent = (record.get("longitude"), record.get("latitude"))
    point = before.get("point")
    by_perimeter = before.get("location_precision") == "perimeter" and record.get("perimeter")
    if by_perimeter and record.get("commune_code") == before.get("commune_code"):
        record.pop("commune_code")  # derived from the perimeter: it stays so
    derived_point = point and before.get("location_precision") != "coordinates"
    if derived_point and sent[0] is not None and [round(float(v), 6) for v in sent] == point:
        record.pop("longitude")
        record.pop("latitude")
    return record


def _actor(principal: Principal) -> str:
    return f"{principal.organisation or 'admin'}/{principal.name}"


def _require_editor(principal: Principal) -> None:
    if not principal.has_role("editor"):
        raise Forbidden("Ce jeton ne permet pas d'écrire des coopérations (rôle éditeur).")


def _write(
    conn: Connection,
    principal: Principal,
    record: dict[str, str],
    *,
    kind: str | None,
    source: str,
    source_id: str,
) -> int:
    """Import the record, then check the result is in scope.

    Import the record under (source, source_id), then check the result is inside the principal's
    scope; the savepoint undoes the write when it is not.
    """
    with conn.begin_nested():
        cooperation_id, _report = import_record(
            conn, record, kind=kind, source=source, source_id=source_id, actor=_actor(principal)
        )
        stored = snapshot(conn, cooperation_id)
        check_kind_and_place(conn, principal, stored["kind_code"], cooperation_id)
    return cooperation_id


def create_feature(conn: Connection, principal: Principal, feature: object) -> dict:
    """Create a cooperation from a Feature under the organisation's source; {id, after}."""
    _require_editor(principal)
    record = feature_record(feature)
    if "kind" not in record:
        raise FieldErrors({"kind_code": "type de coopération obligatoire"})
    source = principal.organisation or ADMIN_SOURCE
    check_owner(conn, principal, source)
    cooperation_id = _write(
        conn, principal, record, kind=None, source=source, source_id=f"f{secrets.token_hex(6)}"
    )
    after = snapshot(conn, cooperation_id)
    record_change(
        conn,
        actor=principal,
        action="create",
        entity="cooperation",
        entity_id=cooperation_id,
        after=after,
        via=VIA,
    )
    return {"id": cooperation_id, "before": None, "after": after}


def rewrite(
    conn: Connection,
    principal: Principal,
    cooperation_id: int,
    before: dict,
    record: dict,
    keep_perimeter: bool = True,
) -> dict:
    """Write `record` over a stored cooperation; its new state.

    Write `record` over the cooperation whose stored state is `before` (same source and
    source_id, the import's validation, the scope checked after); its new state.
    """
    record = _keep_unsent(record, before, keep_perimeter)
    kind = None if "kind" in record else before["kind_code"]
    _write(
        conn, principal, record, kind=kind, source=before["source"], source_id=before["source_id"]
    )
    return snapshot(conn, cooperation_id)


def replace_feature(
    conn: Connection,
    principal: Principal,
    cooperation_id: int,
    feature: object,
    if_match: Iterable[str] | None,
    star: bool = False,
) -> dict:
    """Replace a cooperation of the principal's scope by a Feature.

    Replace a cooperation of the principal's scope by a Feature (absent properties are cleared,
    except the perimeter); {id, before, after}.
    """
    _require_editor(principal)
    record = feature_record(feature, cooperation_id)
    before = check_scope(conn, principal, cooperation_id)
    check_version(conn, cooperation_id, if_match, star)
    after = rewrite(conn, principal, cooperation_id, before, record)
    _log(conn, principal, "replace", cooperation_id, before, after)
    return {"id": cooperation_id, "before": before, "after": after}


# the served name each import field is written back under (aliases: the list forms)
SERVED_NAME = {field: name for name, field in WRITABLE.items()}


def current_feature(before: dict) -> dict:
    """The stored state as the Feature a client would send back (served property names.

    A derived category and a derived point are left out): what a merge patch applies to, and
    what a revert writes back.
    """
    properties = {}
    for field, key in SNAPSHOT_FIELDS.items():
        if before.get(key) is not None:
            properties[SERVED_NAME[field]] = before[key]
    if "category" in (before.get("derived_fields") or []):
        properties.pop("category", None)
    geometry = None
    if before.get("point") and before.get("location_precision") == "coordinates":
        geometry = {"type": "Point", "coordinates": before["point"]}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def update_feature(
    conn: Connection,
    principal: Principal,
    cooperation_id: int,
    patch: object,
    if_match: Iterable[str] | None,
    star: bool = False,
) -> dict:
    """Apply a JSON merge patch (RFC 7396) of a Feature.

    Apply a JSON merge patch (RFC 7396) of a Feature — `properties` (null clears one) and/or
    `geometry` — then validate the result like a replacement; {id, before, after}.
    """
    _require_editor(principal)
    if not isinstance(patch, dict) or set(patch) - {"type", "id", "properties", "geometry"}:
        raise BadRequest('Corps attendu : {"properties": {…}, "geometry": …} (merge patch).')
    changes = patch.get("properties") or {}
    if not isinstance(changes, dict):
        raise BadRequest("properties : objet attendu.")
    feature_record({"type": "Feature", "properties": changes, "geometry": None})  # names
    before = check_scope(conn, principal, cooperation_id)
    check_version(conn, cooperation_id, if_match, star)
    base = current_feature(before)
    properties = base["properties"]
    for name, value in changes.items():
        if name in READ_ONLY:
            continue
        served = SERVED_NAME[WRITABLE[name]]  # one name per field ("financing" too)
        if value is None:
            properties.pop(served, None)
        else:
            properties[served] = value
    geometry = patch["geometry"] if "geometry" in patch else base["geometry"]
    if "geometry" in patch and "commune_code" not in changes:
        properties.pop("commune_code", None)  # a moved point takes the commune under it
    record = feature_record(
        {"type": "Feature", "properties": properties, "geometry": geometry}, cooperation_id
    )
    # the merged record carries the perimeter unless the patch cleared it
    after = rewrite(conn, principal, cooperation_id, before, record, keep_perimeter=False)
    _log(conn, principal, "update", cooperation_id, before, after)
    return {"id": cooperation_id, "before": before, "after": after}


def delete_feature(
    conn: Connection,
    principal: Principal,
    cooperation_id: int,
    if_match: Iterable[str] | None,
    star: bool = False,
) -> dict:
    """Delete a cooperation of the principal's scope; the log keeps its last state."""
    _require_editor(principal)
    before = check_scope(conn, principal, cooperation_id)
    check_version(conn, cooperation_id, if_match, star)
    conn.execute(statement("ingest/coop_delete"), {"id": cooperation_id})
    _log(conn, principal, "delete", cooperation_id, before, None)
    return {"id": cooperation_id, "before": before, "after": None}


def _log(
    conn: Connection,
    principal: Principal,
    action: str,
    cooperation_id: int,
    before: dict | None,
    after: dict | None,
) -> None:
    if before != after:
        record_change(
            conn,
            actor=principal,
            action=action,
            entity="cooperation",
            entity_id=cooperation_id,
            before=before,
            after=after,
            via=VIA,
        )
