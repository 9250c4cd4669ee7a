"""The public changelog of cooperations.

What changed lately, per territory and kind, so that a collectivité can follow its territory (HTML,
Atom and JSON: geocoop.web).

Every logged change of a cooperation appears — imports, validated proposals, edits, deletions,
reverts — never a pending proposal nor its contact (proposals are not cooperations until validated,
and their contact is never logged).
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.audit import changed_fields
from geocoop.errors import BadRequest
from geocoop.members import parse_territory
from geocoop.sql import statement

MAX_ITEMS = 200


def changelog(
    conn: Connection,
    *,
    kind: str | None = None,
    territory: str | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[dict]:
    """The latest changes, newest first.

    `territory` as a network head types it ("35", "243500139", "region:53"); `before_id` pages
    back.
    """
    if not 1 <= limit <= MAX_ITEMS:
        raise BadRequest(f"limit : entre 1 et {MAX_ITEMS}.")
    if (
        kind is not None
        and not conn.execute(statement("maps/kind_exists"), {"kind": kind}).scalar()
    ):
        raise BadRequest(f"Type inconnu : {kind[:40]!r}.")
    key = parse_territory(territory) if territory else None
    rows = conn.execute(
        statement("maps/changelog"),
        {"kind": kind, "territory": key, "limit": limit, "before_id": before_id},
    )
    items = []
    for r in rows:
        state = r.after or r.before or {}
        items.append(
            {
                "id": r.id,
                "at": r.at.isoformat(),
                "actor": r.actor,
                "action": r.action,
                "via": r.via,
                "reverts": r.reverts,
                "cooperation_id": r.cooperation_id,
                "name": state.get("name"),
                "kind_code": state.get("kind_code"),
                "commune_code": state.get("commune_code"),
                "commune_name": r.commune_name,
                "source": state.get("source"),
                "changes": changed_fields(r.before, r.after),
            }
        )
    return items
