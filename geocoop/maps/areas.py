"""Régions and départements the map's selector offers (white-zone view and main map)."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.sql import statement


def area_choices(conn: Connection) -> list[dict]:
    """Each région, followed by its départements (by name), with the box to zoom to."""
    rows = [dict(r._mapping) for r in conn.execute(statement("maps/areas"))]
    regions = [r for r in rows if r["level"] == "region"]
    out = []
    placed = set()
    for region in regions:
        out.append(region)
        for dep in rows:
            if dep["level"] == "departement" and dep["region_code"] == region["code"]:
                out.append(dep)
                placed.add(dep["code"])
    # départements whose région is not loaded still get a line
    out += [r for r in rows if r["level"] == "departement" and r["code"] not in placed]
    return out
