"""White zones (adjacent uncovered communes) and EPCI without a kind."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

from geocoop.analysis import compute
from geocoop.analysis.params import (
    check_kind,
    check_limit,
    check_rule,
    resolve_parent,
    scope_params,
)
from geocoop.sql import sql_source, statement


def _stored(conn: Connection, kind: str) -> bool:
    return bool(
        conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM analysis_commune_kind WHERE kind_code = :k)"),
            {"k": kind},
        ).scalar()
    )


def white_zones(
    conn: Connection,
    *,
    kind: str,
    rule: str = "any",
    limit: int = 20,
    parent_code: str | None = None,
    parent_level: str | None = None,
    with_geometry: bool = True,
) -> list[dict]:
    """See geocoop.analysis.api.white_zones."""
    kind = check_kind(conn, kind)
    rule = check_rule(rule)
    limit = check_limit(limit)
    parent = resolve_parent(conn, "commune", parent_code, parent_level)
    stored = _stored(conn, kind)
    if rule == "any" and stored:
        members = sql_source("analysis/zones_members_stored")
    else:
        source = compute.STORED_TABLE
        if not stored:
            compute.compute(conn, [kind])
            source = compute.WORK_TABLE
        members = sql_source("analysis/zones_members_live").replace("{source}", source)
    sql = text(sql_source("analysis/white_zones").replace("{members}", members))
    params = {
        "kind": kind,
        "rule": rule,
        "limit": limit,
        "with_geometry": with_geometry,
        **scope_params(parent),
    }
    out = []
    for rank, r in enumerate(conn.execute(sql, params).mappings(), start=1):
        zone = {
            "id": r["zone_id"],
            "rank": rank,
            "kind": kind,
            "rule": rule,
            "communes": list(r["communes"]),
            "communes_count": int(r["communes_count"]),
            "population": int(r["population"]),
            "area_km2": round(float(r["area_km2"]), 3),
            "departements": sorted(r["departements"] or []),
            "epci": sorted(r["epci"] or []),
            "nearest_cooperation_distance_m": (
                None if r["nearest_m"] is None else round(float(r["nearest_m"]), 1)
            ),
        }
        if with_geometry:
            zone["geometry"] = json.loads(r["geometry"]) if r["geometry"] else None
        out.append(zone)
    return out


def epci_without(conn: Connection, kind: str, *, parent_code: str | None = None) -> list[dict]:
    """See geocoop.analysis.api.epci_without."""
    kind = check_kind(conn, kind)
    rows = conn.execute(
        statement("analysis/epci_without"), {"kind": kind, "parent_code": parent_code}
    )
    return [
        {
            "code": r.code,
            "name": r.name,
            "departement_code": r.departement_code,
            "population": int(r.population or 0),
            "communes_total": int(r.communes_total),
            "nearest_distance_m": (
                None if r.nearest_distance_m is None else round(float(r.nearest_distance_m), 1)
            ),
        }
        for r in rows
    ]


def assign_zones(conn: Connection, kind: str, communes: list[str] | None = None) -> None:
    """(Re)compute stored zone ids of `kind` over all communes or an adjacency-closed set."""
    conn.execute(
        text(
            "UPDATE analysis_commune_kind SET zone_id = NULL WHERE kind_code = :k "
            "AND (CAST(:c AS text[]) IS NULL OR commune_code = ANY (CAST(:c AS text[])))"
        ),
        {"k": kind, "c": communes},
    )
    conn.execute(statement("analysis/zones_assign"), {"kind": kind, "communes": communes})
