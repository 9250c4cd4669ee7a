"""The commune × kind computation shared by full, incremental and live analyses.

Results land in the session-local table `analysis_work` (same columns as the stored
`analysis_commune_kind`); callers either read it (live queries with overrides/filters) or
copy it into the stored table (refresh).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, TextClause

from geocoop.analysis.params import kind_table
from geocoop.sql import composed, fragment, sql_source, statement

AREA_SHARE = 0.5  # a perimeter covering at least half a commune's area covers the commune
STORED_TABLE, WORK_TABLE = "analysis_commune_kind", "analysis_work"
NO_FILTERS: dict = {"category": None, "socio_economic_model": None, "stage": None}


def stored_kinds(conn: Connection, kinds: list[str]) -> set[str]:
    """Those of `kinds` whose per-commune figures are stored (a refresh computed them)."""
    rows = conn.execute(statement("analysis/facts_kinds_with_facts"), {"kinds": list(kinds)})
    return {r[0] for r in rows}


def prepare(conn: Connection) -> None:
    """Create (or empty) the scratch tables of this transaction."""
    conn.exec_driver_sql(sql_source("analysis/prepare_work"))


def scope_communes(conn: Connection, parent: tuple[str, str] | None) -> list[str] | None:
    """Codes of the communes inside `parent` (None = every commune)."""
    if parent is None:
        return None
    rows = conn.execute(
        statement("analysis/scope_communes"), {"parent_level": parent[0], "parent_code": parent[1]}
    )
    return [r[0] for r in rows]


NO_PROFILE: dict = {"exact": False, "p_category": None, "p_model": None, "p_stage": None}


def compute_kind(
    conn: Connection,
    kind: str,
    distance_m: float,
    filters: dict[str, list[str] | None],
    profile: dict | None = None,
    *,
    reuse_stored: bool = False,
) -> dict:
    """Fill analysis_work for one kind over the communes of analysis_communes.

    Returns the number of points and perimeters used. `profile` ({"category",
    "socio_economic_model", "stage"}, None values included) keeps only the cooperations of
    exactly that profile; with `reuse_stored` (the kind's stored facts were just computed
    over every commune with `distance_m`), communes whose stored nearest point is of that
    profile keep it instead of being searched again.
    """
    exact = NO_PROFILE
    if profile is not None:
        exact = {
            "exact": True,
            "p_category": profile["category"],
            "p_model": profile["socio_economic_model"],
            "p_stage": profile["stage"],
        }
    conn.execute(statement("analysis/reset_kind"))
    counts = conn.execute(statement("analysis/load_kind"), {"kind": kind, **filters, **exact}).one()
    if reuse_stored and profile is not None and counts.points:
        conn.execute(
            statement("analysis/profile_reuse_nearest"),
            {"kind": kind, "distance_m": float(distance_m)},
        )
    compute_loaded(conn, kind, distance_m, counts.points, counts.perimeters)
    return {"points": counts.points, "perimeters": counts.perimeters}


@cache
def distance_statement(name: str) -> TextClause:
    """A pass of the distance rule over the communes still without their row."""
    return composed(f"analysis/{name}", communes=fragment("analysis/communes_unsearched"))


def compute_loaded(
    conn: Connection, kind: str, distance_m: float, points: int, perimeters: int
) -> None:
    """Fill analysis_work for one kind from the cooperations already loaded.

    Fill analysis_work for one kind over analysis_communes from the cooperations
    already in analysis_pts / analysis_perims (`points`, `perimeters` of them).
    """
    params = {"kind": kind, "distance_m": float(distance_m)}
    if not points and not perimeters:
        conn.execute(statement("analysis/commune_empty"), params)
        return
    conn.execute(distance_statement("commune_distance"), params)
    conn.execute(distance_statement("commune_distance_rest"), params)
    if perimeters:
        conn.execute(statement("analysis/commune_perimeter"), {**params, "area_share": AREA_SHARE})


def compute(
    conn: Connection,
    kinds: list[str],
    *,
    distance_m: float | None = None,
    filters: dict[str, list[str] | None] | None = None,
    communes: list[str] | None = None,
) -> dict[str, dict]:
    """analysis_work for every kind (emptied first); returns per-kind counts."""
    table = kind_table(conn)
    filters = filters or NO_FILTERS
    prepare(conn)
    conn.execute(statement("analysis/load_communes"), {"communes": communes})
    out = {}
    for kind in kinds:
        distance = distance_m if distance_m is not None else table[kind]["service_distance_m"]
        out[kind] = compute_kind(conn, kind, distance, filters)
    return out
