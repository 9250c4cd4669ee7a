"""Revert one logged change of a cooperation.

The state before it comes back, through the import's validation (geocoop.ingest.feature_writes), and
the revert is itself logged.

Only the last change of a cooperation's fields can be reverted as such: when the stored state is no
longer the change's `after`, later changes would be silently undone, so the revert is refused (409)
and names what to revert first. A revert of a creation deletes the cooperation; of a deletion,
recreates it under the same id (its declared partnerships are gone with it and are not restored).
Scope: as for an edit (role editor, kinds, territories, the source's organisation).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from geocoop.audit import record_change
from geocoop.auth import Principal
from geocoop.errors import BadRequest, Forbidden, GeocoopError, NotFound
from geocoop.ingest.edits import check_kind_and_place, check_owner, check_scope, snapshot
from geocoop.ingest.feature_writes import current_feature, feature_record, rewrite
from geocoop.ingest.record import import_record
from geocoop.models import EditLog
from geocoop.sql import statement

VIA = "revert"


class Conflict(GeocoopError):
    """The change is not the last one of its cooperation."""

    status = 409
    title = "Conflit"


def _change(conn: Connection, change_id: int) -> dict:
    row = conn.execute(
        select(
            EditLog.id,
            EditLog.entity,
            EditLog.entity_id,
            EditLog.action,
            EditLog.before,
            EditLog.after,
        ).where(EditLog.id == change_id)
    ).first()
    if row is None:
        raise NotFound(f"Aucun changement n° {change_id}.")
    if row.entity != "cooperation" or (row.before is None and row.after is None):
        raise BadRequest("Seuls les changements d'une coopération peuvent être annulés.")
    return dict(row._mapping)


def _same(state: dict | None, expected: dict | None) -> bool:
    """Whether the stored state is still the one a change left (on the change's keys)."""
    if state is None or expected is None:
        return state is None and expected is None
    return all(state.get(k) == v for k, v in expected.items())


def revert_change(conn: Connection, principal: Principal, change_id: int) -> dict:
    """Bring back the state before change `change_id`; {id, change, before, after}."""
    if not principal.has_role("editor"):
        raise Forbidden("Ce jeton ne permet pas d'annuler un changement (rôle éditeur).")
    change = _change(conn, change_id)
    cooperation_id = change["entity_id"]
    now = snapshot(conn, cooperation_id)
    if not _same(now, change["after"]):
        raise Conflict(
            f"La coopération a changé depuis le changement n° {change_id} : annulez d'abord "
            "les changements plus récents (voir son historique)."
        )
    target = change["before"]
    if now is not None:
        check_scope(conn, principal, cooperation_id)
    if target is None:  # a creation: delete
        conn.execute(statement("ingest/coop_delete"), {"id": cooperation_id})
        after = None
    elif now is None:  # a deletion: recreate under the same id
        check_owner(conn, principal, target["source"])
        after = _recreate(conn, principal, cooperation_id, target)
    else:
        record = feature_record(current_feature(target), cooperation_id)
        after = rewrite(conn, principal, cooperation_id, now, record, keep_perimeter=False)
    record_change(
        conn,
        actor=principal,
        action="revert",
        entity="cooperation",
        entity_id=cooperation_id,
        before=now,
        after=after,
        via=VIA,
        reverts=change_id,
    )
    return {"id": cooperation_id, "change": change_id, "before": now, "after": after}


def _recreate(conn: Connection, principal: Principal, cooperation_id: int, state: dict) -> dict:
    record = feature_record(current_feature(state))
    with conn.begin_nested():
        new_id, _report = import_record(
            conn,
            record,
            kind=None,
            source=state["source"],
            source_id=state["source_id"],
            actor=f"{principal.organisation or 'admin'}/{principal.name}",
        )
        conn.execute(statement("ingest/coop_reuse_id"), {"new": new_id, "old": cooperation_id})
        check_kind_and_place(conn, principal, state["kind_code"], cooperation_id)
    return snapshot(conn, cooperation_id)
