"""Merge two cooperations that are one.

Merge two cooperations that are one (a probable duplicate flagged by the import, or found by an
editor): the kept one takes the fields it lacks from the other — through the import's validation —
and its partnerships; the other is deleted. Both changes are logged (action "merge"), so each can be
reverted like any change (geocoop.ingest.revert).
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.audit import record_change
from geocoop.auth import Principal
from geocoop.errors import BadRequest
from geocoop.ingest.edits import check_scope, snapshot
from geocoop.ingest.feature_writes import current_feature, feature_record, rewrite
from geocoop.sql import statement

VIA = "api"


def flagged_duplicates(conn: Connection, principal: Principal, limit: int = 50) -> list[dict]:
    """The flagged duplicate pairs of the principal's kinds, closest first."""
    kinds = None if principal.role == "admin" or principal.kinds is None else principal.kinds
    rows = conn.execute(
        statement("ingest/coop_flagged_duplicates"),
        {"kinds": list(kinds) if kinds else None, "limit": limit},
    )
    return [dict(r._mapping) for r in rows]


def merge_cooperations(
    conn: Connection, principal: Principal, keep_id: int, drop_id: int, via: str = VIA
) -> dict:
    """Merge `drop_id` into `keep_id` (both in the principal's scope, same kind).

    {id, dropped, before, after}.
    """
    if keep_id == drop_id:
        raise BadRequest("Une coopération ne se fusionne pas avec elle-même.")
    keep = check_scope(conn, principal, keep_id)
    drop = check_scope(conn, principal, drop_id)
    if keep["kind_code"] != drop["kind_code"]:
        raise BadRequest("Seules deux coopérations du même type se fusionnent.")
    merged = current_feature(keep)
    extra = current_feature(drop)
    for name, value in extra["properties"].items():
        merged["properties"].setdefault(name, value)
    if merged["geometry"] is None and not keep.get("commune_code"):
        merged["geometry"] = extra["geometry"]
    after = rewrite(
        conn, principal, keep_id, keep, feature_record(merged, keep_id), keep_perimeter=False
    )
    conn.execute(statement("ingest/coop_partnerships_move"), {"keep": keep_id, "drop": drop_id})
    conn.execute(statement("ingest/coop_delete"), {"id": drop_id})
    for entity_id, before, state in ((keep_id, keep, after), (drop_id, drop, None)):
        record_change(
            conn,
            actor=principal,
            action="merge",
            entity="cooperation",
            entity_id=entity_id,
            before=before,
            after=state,
            via=via,
        )
    return {"id": keep_id, "dropped": drop_id, "before": keep, "after": snapshot(conn, keep_id)}
