"""White zones read back from every path that computes them.

As {commune: zone id}, and the reference definition they must agree with (docs/analysis.md, "White
zones").

Zone ids are named canonically (the smallest member code), so partitions compare by
equality whatever labels a path stored.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, text

from geocoop.analysis import compute, zones
from geocoop.sql import composed, table

Partition = dict[str, str]


def uncovered(conn: Connection, kind: str) -> list[str]:
    """The communes of `kind` uncovered under rule « any » (distance or perimeter)."""
    return list(
        conn.execute(
            text(
                "SELECT commune_code FROM analysis_commune_kind WHERE kind_code = :k "
                "AND NOT (covered_distance OR covered_perimeter) ORDER BY 1"
            ),
            {"k": kind},
        ).scalars()
    )


def reference(nodes: list[str], edges: list[tuple[str, str]]) -> Partition:
    """The reference partition of white zones.

    The reference: connected components of the uncovered communes in the graph of
    communes whose polygons intersect, by union-find, named by their smallest code.
    """
    return zones.components(sorted(nodes), edges)


def stored_adjacency(conn: Connection, among: list[str]) -> list[tuple[str, str]]:
    """The pairs of analysis_adjacency between communes of `among`."""
    return [
        (a, b)
        for a, b in conn.execute(
            text("SELECT a, b FROM analysis_adjacency WHERE a = ANY (:c) AND b = ANY (:c)"),
            {"c": among},
        )
    ]


def stored(conn: Connection, kind: str) -> Partition:
    """The zones a refresh stored (full: union-find; incremental: grow/shrink/split)."""
    rows = conn.execute(
        text(
            "SELECT commune_code, min(commune_code) OVER (PARTITION BY zone_id) "
            "FROM analysis_commune_kind WHERE kind_code = :k AND zone_id IS NOT NULL"
        ),
        {"k": kind},
    )
    return dict(rows.all())


def clustered(conn: Connection, kind: str) -> Partition:
    """The zones `ST_ClusterDBSCAN(eps 0)` finds live.

    The zones `ST_ClusterDBSCAN(eps 0)` finds live (zones_members_live.sql, the path of
    rules « distance » / « perimeter » and of kinds never refreshed), here for rule « any »
    over the stored figures.
    """
    sql = composed("analysis/zones_members_live", source=table(compute.STORED_TABLE))
    rows = conn.execute(sql, {"kind": kind, "rule": "any"})
    return {r.commune_code: r.zone_id for r in rows}


def served(conn: Connection, kind: str) -> Partition:
    """The zones the API serves (white_zones, rule « any »), every zone of the country."""
    return {
        commune: zone["id"]
        for zone in zones.white_zones(conn, kind=kind, limit=5000, with_geometry=False)
        for commune in zone["communes"]
    }


def served_reasons(conn: Connection, kind: str) -> dict[str, dict]:
    """Name and reason of each whole zone as the live list gives them (rule « any »).

    Keyed by zone id, in the fields of the OGC collections (the list's distance keeps a
    decimal; the service distance is whole metres).
    """
    return {
        zone["id"]: {
            "name_fr": zone["name"],
            "name_en": zone["name_en"],
            "reason_fr": zone["reason"],
            "reason_en": zone["reason_en"],
            "main_commune_code": zone["main_commune"],
            "main_commune": zone["main_commune_name"],
            "departements_count": len(zone["departements"]),
            "nearest_cooperation_id": zone["nearest_cooperation_id"],
            "nearest_cooperation": zone["nearest_cooperation_name"],
            "nearest_distance_m": zone["nearest_cooperation_distance_m"],
            "service_distance_m": round(zone["service_distance_m"]),
            "rule": zone["rule"],
        }
        for zone in zones.white_zones(conn, kind=kind, limit=5000, with_geometry=False)
    }


def collection_reasons(conn: Connection, kind: str) -> dict[str, dict]:
    """The same fields as the OGC collection `white-zones-<kind>` writes them (stored)."""
    from geocoop.features.query import base_of
    from geocoop.features.registry import get_collection

    base = base_of(get_collection(f"white-zones-{kind}"))
    fields = list(served_reasons_fields())
    rows = conn.execute(select(base.c.id, *(base.c[f] for f in fields))).mappings()
    return {r["id"]: {f: r[f] for f in fields} for r in rows}


def served_reasons_fields() -> tuple[str, ...]:
    """The fields `served_reasons` and `collection_reasons` compare."""
    return (
        "name_fr",
        "name_en",
        "reason_fr",
        "reason_en",
        "main_commune_code",
        "main_commune",
        "departements_count",
        "nearest_cooperation_id",
        "nearest_cooperation",
        "nearest_distance_m",
        "service_distance_m",
        "rule",
    )


def assert_same_reasons(served: dict[str, dict], stored: dict[str, dict], where: str) -> None:
    """The collection's zones are the list's, with the same names, reasons and figures.

    The collection writes the distance to the metre, the list to the decimetre (both
    rounded from the same stored value): they differ by 0.55 m at most.
    """
    assert sorted(stored) == sorted(served), f"zone ids, {where}"
    for zone_id, expected in served.items():
        got = dict(stored[zone_id])
        metres, listed = got.pop("nearest_distance_m"), expected["nearest_distance_m"]
        expected = {k: v for k, v in expected.items() if k != "nearest_distance_m"}
        assert got == expected, f"zone {zone_id}, {where}"
        if listed is None:
            assert metres is None, f"zone {zone_id}, {where}"
        else:
            assert abs(metres - listed) <= 0.55, f"zone {zone_id}, {where}"
