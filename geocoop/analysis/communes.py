"""Every commune of a territory with its coverage by one kind: the lists behind the counts.

Read from the stored facts when they hold (no stage/category/model filter), else computed
live for the territory's communes, exactly as the roll-ups are: the lists' lengths are the
panel's counts.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis import compute
from geocoop.analysis.params import check_filters, check_kind, check_level, check_rule
from geocoop.sql import composed, table


def commune_coverage(
    conn: Connection,
    level: str,
    code: str,
    kind: str,
    *,
    rule: str = "any",
    distance_m: float | None = None,
    filters: dict | None = None,
) -> list[dict]:
    """The communes of one territory with their coverage by one kind.

    The communes of territory (`level`, `code`), largest population first: population,
    `covered` under `rule` (at `distance_m`, default the kind's service distance), how,
    the nearest cooperation and its distance to the commune's boundary (metres).
    """
    check_level(level)
    kind = check_kind(conn, kind)
    rule = check_rule(rule)
    checked = check_filters(filters)
    source = compute.STORED_TABLE
    stored = kind in compute.stored_kinds(conn, [kind])
    if any(checked.values()) or not stored:
        scope = compute.scope_communes(conn, (level, code))
        compute.compute(conn, [kind], distance_m=distance_m, filters=checked, communes=scope)
        source = compute.WORK_TABLE
    sql = composed("analysis/commune_list", source=table(source))
    rows = conn.execute(
        sql, {"level": level, "code": code, "kind": kind, "rule": rule, "distance_m": distance_m}
    ).mappings()
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "population": int(r["population"]),
            "covered": bool(r["covered"]),
            "covered_by_distance": bool(r["covered_by_distance"]),
            "covered_by_perimeter": bool(r["covered_by_perimeter"]),
            "nearest_cooperation_id": r["nearest_cooperation_id"],
            "nearest_name": r["nearest_name"],
            "nearest_m": None if r["nearest_m"] is None else int(r["nearest_m"]),
            "perimeter_name": r["perimeter_name"],
        }
        for r in rows
        if r["computed"]
    ]
