"""Per-commune figures for a selection: stored where they hold, else recomputed.

Per-commune figures for a selection: stored ones whenever they hold, recomputed only
where a filter or a distance override changes them.

For each counted kind:
- no override and every cooperation of the kind passes the filters → the stored rows;
- no override, some pass → the stored rows of the communes whose nearest point and best
  perimeter pass (they stay the nearest / best among those that pass); for the other
  communes only (`filtered_affected.sql`), the points that pass within the service
  distance of the communes that were covered by distance (`filtered_distance.sql`) and
  the perimeters that pass. A commune left without a point in reach has its nearest
  distance marked unknown (beyond the service distance) rather than searched for: the
  cost follows the points that pass, not the size of the country;
- a distance override, or a kind never refreshed → live over the whole scope.
"""

from __future__ import annotations

from psycopg import sql
from sqlalchemy import Connection

from geocoop.analysis import compute
from geocoop.analysis.params import kind_table, scope_params
from geocoop.sql import fragment, statement, table


def prepare_source(
    conn: Connection,
    selection: dict,
    *,
    filters: dict[str, list[str] | None],
    distance_m: float | None,
    parent: tuple[str, str] | None,
) -> tuple[sql.Composable, dict]:
    """The rows of the counted kinds as a SQL source for rollup.sql, with its parameters.

    The rows of the counted kinds as a SQL source for rollup.sql and its extra bound
    parameters: the stored table itself when it holds for every kind, else the union of
    the stored rows of some kinds and `analysis_work` (filled here) for the others.
    """
    counted = selection["counted"]
    stored = compute.stored_kinds(conn, counted)
    whole, delta, live = [], [], []
    for kind in counted:
        counts = selection["per_kind"][kind]
        if distance_m is not None or kind not in stored:
            live.append(kind)
        elif counts["matching"] == counts["total"]:
            whole.append(kind)
        else:
            delta.append(kind)
    if not delta and not live:
        return table(compute.STORED_TABLE), {}
    communes = compute.scope_communes(conn, parent)
    if live:
        compute.compute(conn, live, distance_m=distance_m, filters=filters, communes=communes)
    else:
        compute.prepare(conn)
    kinds = kind_table(conn)
    for kind in delta:
        _delta(conn, kind, kinds[kind]["service_distance_m"], filters, parent)
    return fragment("analysis/mixed_source"), {"stored_kinds": whole}


def _delta(
    conn: Connection,
    kind: str,
    distance: float,
    filters: dict[str, list[str] | None],
    parent: tuple[str, str] | None,
) -> int:
    """analysis_work rows of `kind` under `filters`, recomputed only where they change.

    analysis_work rows of `kind` under `filters`: stored where they hold, recomputed
    for the affected communes. Returns how many communes were recomputed.
    """
    conn.execute(statement("analysis/reset_kind"))
    counts = conn.execute(
        statement("analysis/load_kind"), {"kind": kind, **filters, **compute.NO_PROFILE}
    ).one()
    scope = scope_params(parent)
    rows = conn.execute(statement("analysis/filtered_affected"), {"kind": kind, **scope}).all()
    affected = [r.commune_code for r in rows]
    conn.execute(statement("analysis/filtered_keep"), {"kind": kind, "affected": affected, **scope})
    if affected:
        conn.execute(statement("analysis/communes_clear"))
        conn.execute(statement("analysis/load_communes"), {"communes": affected})
        reachable = [r.commune_code for r in rows if r.covered_distance]
        conn.execute(
            statement("analysis/filtered_distance"),
            {"kind": kind, "distance_m": float(distance), "reachable": reachable},
        )
        if counts.perimeters:
            conn.execute(
                statement("analysis/commune_perimeter"),
                {"kind": kind, "distance_m": float(distance), "area_share": compute.AREA_SHARE},
            )
    return len(affected)
