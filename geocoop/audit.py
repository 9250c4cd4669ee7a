"""The edit log.

Every proposal, decision and edit — who, when, how (`via`), before/after JSON, and which change a
revert undid.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from geocoop.auth import Principal
from geocoop.models import EditLog


def record_change(
    conn: Connection,
    *,
    actor: Principal | str,
    action: str,
    entity: str,
    entity_id: int,
    before: dict | None = None,
    after: dict | None = None,
    via: str | None = None,
    reverts: int | None = None,
) -> int:
    """Append one change to `edit_log` (in the caller's transaction); its id."""
    member_id = actor.member_id if isinstance(actor, Principal) else None
    name = actor.name if isinstance(actor, Principal) else actor
    if isinstance(actor, Principal) and actor.organisation:
        name = f"{actor.organisation}/{actor.name}"
    return conn.execute(
        insert(EditLog)
        .values(
            member_id=member_id,
            actor=name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            via=via,
            reverts=reverts,
        )
        .returning(EditLog.id)
    ).scalar_one()


HIDDEN_FIELDS = frozenset({"derived_fields", "source_id"})  # bookkeeping, not what changed


def changed_fields(before: dict | None, after: dict | None) -> list[dict]:
    """The fields whose value differs between two states: [{field, before, after}]."""
    before, after = before or {}, after or {}
    keys = sorted((set(before) | set(after)) - HIDDEN_FIELDS)
    return [
        {"field": k, "before": before.get(k), "after": after.get(k)}
        for k in keys
        if before.get(k) != after.get(k)
    ]


def history(conn: Connection, entity: str, entity_id: int, limit: int = 200) -> list[dict]:
    """The changes of one entity, oldest first, each with the fields it changed."""
    rows = conn.execute(
        select(
            EditLog.id,
            EditLog.at,
            EditLog.actor,
            EditLog.action,
            EditLog.before,
            EditLog.after,
            EditLog.via,
            EditLog.reverts,
        )
        .where(EditLog.entity == entity, EditLog.entity_id == entity_id)
        .order_by(EditLog.id)
        .limit(limit)
    )
    return [
        {**r._mapping, "at": r.at.isoformat(), "changes": changed_fields(r.before, r.after)}
        for r in rows
    ]
