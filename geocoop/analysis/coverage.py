"""Coverage of territories per kind: stored figures, or live ones with overrides/filters."""

from __future__ import annotations

from sqlalchemy import Connection, text

from geocoop.analysis import compute, facts
from geocoop.analysis.params import (
    check_distance,
    check_filters,
    check_kind,
    check_kinds,
    check_level,
    check_rule,
    has_filters,
    kind_table,
    resolve_parent,
    scope_params,
)
from geocoop.errors import NotFound
from geocoop.sql import sql_source

STORED, LIVE = compute.STORED_TABLE, compute.WORK_TABLE


def _has_stored(conn: Connection, kinds: list[str]) -> bool:
    return bool(
        conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM analysis_commune_kind WHERE kind_code = ANY(:k))"),
            {"k": kinds},
        ).scalar()
    )


def _row(r) -> dict:
    population = int(r["population"] or 0)
    covered = int(r["population_covered"] or 0)
    cooperations = int(r["cooperations"] or 0)
    nearest = r["nearest_distance_m"]
    return {
        "level": r["level"],
        "code": r["code"],
        "name": r["name"],
        "population": population,
        "communes_total": int(r["communes_total"]),
        "communes_covered": int(r["communes_covered"]),
        "population_covered": covered,
        "population_uncovered": int(r["population_uncovered"] or 0),
        "population_covered_pct": round(100.0 * covered / population, 2) if population else None,
        "area_km2": round(float(r["area_km2"] or 0), 3),
        "area_covered_km2": round(float(r["area_covered_km2"] or 0), 3),
        "cooperations": cooperations,
        "cooperations_per_100k": (
            round(100_000.0 * cooperations / population, 3) if population else None
        ),
        "nearest_distance_m": None if nearest is None else round(float(nearest), 1),
    }


def rollup(
    conn: Connection,
    *,
    level: str,
    kinds: list[str],
    rule: str,
    parent: tuple[str, str] | None,
    filters: dict,
    distance_m: float | None,
) -> list[dict]:
    """Rows of `coverage` for already-validated parameters: from the stored roll-ups and
    facts when they can answer (geocoop/analysis/facts.py), else computed."""
    fast = facts.answer(
        conn,
        level=level,
        kinds=kinds,
        rule=rule,
        parent=parent,
        filters=filters,
        distance_m=distance_m,
    )
    if fast is not None:
        return [_row(r) for r in fast]
    return rollup_computed(
        conn,
        level=level,
        kinds=kinds,
        rule=rule,
        parent=parent,
        filters=filters,
        distance_m=distance_m,
    )


def rollup_computed(
    conn: Connection,
    *,
    level: str,
    kinds: list[str],
    rule: str,
    parent: tuple[str, str] | None,
    filters: dict,
    distance_m: float | None,
) -> list[dict]:
    """Rows of `coverage` from the stored table, or computed live (overrides, filters)."""
    source = STORED
    if distance_m is not None or has_filters(filters) or not _has_stored(conn, kinds):
        compute.compute(
            conn,
            kinds,
            distance_m=distance_m,
            filters=filters,
            communes=compute.scope_communes(conn, parent),
        )
        source = LIVE
    sql = text(sql_source("analysis/rollup").replace("{source}", source))
    params = {"level": level, "kinds": kinds, "rule": rule, **scope_params(parent), **filters}
    return [_row(r) for r in conn.execute(sql, params).mappings()]


def coverage(
    conn: Connection,
    *,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
    kinds: list[str] | None = None,
    rule: str = "any",
    distance_m: float | None = None,
    filters: dict | None = None,
) -> list[dict]:
    """See geocoop.analysis.api.coverage."""
    check_level(level)
    return rollup(
        conn,
        level=level,
        kinds=check_kinds(conn, kinds),
        rule=check_rule(rule),
        parent=resolve_parent(conn, level, parent_code, parent_level),
        filters=check_filters(filters),
        distance_m=check_distance(distance_m),
    )


def coverage_summary(
    conn: Connection,
    code: str,
    level: str,
    *,
    kinds: list[str] | None = None,
    rule: str = "any",
) -> dict:
    """See geocoop.analysis.api.coverage_summary."""
    check_level(level)
    check_rule(rule)
    kinds = check_kinds(conn, kinds)
    table = kind_table(conn)
    parent = None if level == "france" else resolve_parent(conn, level, code, level)
    filters = check_filters(None)

    def one(kind_list: list[str]) -> dict:
        rows = rollup(
            conn,
            level=level,
            kinds=kind_list,
            rule=rule,
            parent=parent,
            filters=filters,
            distance_m=None,
        )
        if not rows:
            raise NotFound(f"Aucune commune pour {level} {code}.")
        return rows[0]

    total = one(kinds)
    by_kind = []
    for kind in kinds:
        row = one([kind])
        by_kind.append(
            {
                "kind": kind,
                "label": table[kind]["label"],
                "service_distance_m": table[kind]["service_distance_m"],
                **row,
            }
        )
    return {
        "level": level,
        "code": total["code"],
        "name": total["name"],
        "population": total["population"],
        "rule": rule,
        "all": total,
        "by_kind": by_kind,
    }


def _explain_row(conn: Connection, code: str, kind: str, source: str):
    sql = text(sql_source("analysis/explain").replace("{source}", source))
    row = conn.execute(sql, {"code": code, "kind": kind}).mappings().first()
    if row is None:
        raise NotFound(f"Commune introuvable : {code}.")
    return row


def explain_commune(conn: Connection, commune_code: str, kind: str) -> dict:
    """See geocoop.analysis.api.explain_commune."""
    kind = check_kind(conn, kind)
    row = _explain_row(conn, commune_code, kind, STORED)
    if row["kind_code"] is None:
        # never refreshed for this kind: compute this one commune live
        compute.compute(conn, [kind], communes=[commune_code])
        row = _explain_row(conn, commune_code, kind, LIVE)
    service = float(row["service_distance_m"])
    reasons = []
    if row["covered_distance"]:
        reasons.append(
            {
                "rule": "distance",
                "cooperation_id": row["nearest_cooperation_id"],
                "cooperation_name": row["nearest_name"],
                "distance_edge_m": round(row["nearest_edge_m"], 1),
                "distance_center_m": round(row["nearest_center_m"], 1),
            }
        )
    if row["covered_perimeter"]:
        reasons.append(
            {
                "rule": "perimeter",
                "cooperation_id": row["perimeter_cooperation_id"],
                "cooperation_name": row["perimeter_name"],
                "via": row["perimeter_via"],
                "area_share": row["perimeter_share"],
            }
        )
    nearest = None
    if row["nearest_cooperation_id"] is not None:
        nearest = {
            "cooperation_id": row["nearest_cooperation_id"],
            "cooperation_name": row["nearest_name"],
            "distance_edge_m": round(row["nearest_edge_m"], 1),
            "distance_center_m": round(row["nearest_center_m"], 1),
        }
    covered = bool(row["covered_distance"] or row["covered_perimeter"])
    return {
        "commune": {"code": row["code"], "name": row["name"], "population": row["population"]},
        "kind": kind,
        "service_distance_m": service,
        "covered": covered,
        "covered_by_distance": bool(row["covered_distance"]),
        "covered_by_perimeter": bool(row["covered_perimeter"]),
        "reasons": reasons,
        "nearest": nearest,
        "white_zone_id": row["white_zone"],
        "message": _message(row["name"], covered, reasons, nearest, service),
    }


def _message(
    name: str, covered: bool, reasons: list[dict], nearest: dict | None, service: float
) -> str:
    parts = []
    for r in reasons:
        if r["rule"] == "distance":
            parts.append(
                f"« {r['cooperation_name']} » est à {r['distance_edge_m'] / 1000:.1f} km du "
                f"bord de la commune (seuil {service / 1000:g} km)"
            )
        else:
            via = {
                "commune_code": "la commune figure dans son périmètre",
                "epci_code": "son EPCI figure dans son périmètre",
                "area_share": f"son périmètre couvre {100 * r['area_share']:.0f} % de la surface",
            }[r["via"]]
            parts.append(f"« {r['cooperation_name']} » : {via}")
    if covered:
        return f"{name} est couverte : " + " ; ".join(parts) + "."
    if nearest is None:
        return f"{name} n'est pas couverte : aucune coopération de ce type n'est localisée."
    return (
        f"{name} n'est pas couverte : la plus proche, « {nearest['cooperation_name']} », est "
        f"à {nearest['distance_edge_m'] / 1000:.1f} km (seuil {service / 1000:g} km) et aucun "
        "périmètre ne la couvre."
    )
