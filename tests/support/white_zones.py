"""White zones read back from every path that computes them.

As {commune: zone id}, and the reference definition they must agree with (docs/analysis.md, "White
zones").

Zone ids are named canonically (the smallest member code), so partitions compare by
equality whatever labels a path stored.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

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
