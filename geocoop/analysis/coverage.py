"""Coverage of territories per kind: stored figures, or live ones with overrides/filters."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis import compute, facts, filtered
from geocoop.analysis.data_status import NO_DATA_FR, data_status
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
from geocoop.analysis.selection import note_text, selection_status
from geocoop.errors import NotFound
from geocoop.sql import composed, table

STORED, LIVE = compute.STORED_TABLE, compute.WORK_TABLE
# What a territory row says when nothing can be counted: no figure rather than 0.
NO_FIGURES = (
    "communes_covered",
    "population_covered",
    "population_uncovered",
    "population_covered_pct",
    "area_covered_km2",
    "cooperations",
    "cooperations_per_100k",
    "nearest_distance_m",
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
    selection: dict | None = None,
    stored: dict[str, dict] | None = None,
) -> list[dict]:
    """Rows of `coverage` for already-validated parameters.

    Only the kinds of the selection that are counted (data loaded, a cooperation passing the
    filters) make the figures; when none is, every coverage field is None and `data_note` says
    why. Read from the stored roll-ups and facts when they can answer
    (geocoop/analysis/facts.py), else computed (`rollup_computed`). `stored`: rows already
    read by `facts.stored_summary` (by kind set key), used when they hold this one.
    """
    if selection is None:
        selection = selection_status(conn, kinds, filters)
    counted = selection["counted"]
    rows = None
    key = facts.kinds_key(counted)
    if stored is not None and key in stored:
        fast = [stored[key]]
    elif counted:
        fast = facts.answer(
            conn,
            level=level,
            kinds=counted,
            rule=rule,
            parent=parent,
            filters=filters,
            distance_m=distance_m,
            recomputing=frozenset(
                k for n in selection["notes"] if n["code"] == "recomputing" for k in n["kinds"]
            ),
        )
    else:  # only the kind-independent fields are shown: any stored kind set has them
        fast = facts.answer_totals(conn, level=level, rule=rule, parent=parent)
    rows = None if fast is None else [_row(r) for r in fast]
    if rows is None:
        rows = rollup_computed(
            conn,
            level=level,
            kinds=kinds,
            rule=rule,
            parent=parent,
            filters=filters,
            distance_m=distance_m,
            selection=selection,
        )
    note = note_text(selection)
    for row in rows:
        if not counted:
            row.update(dict.fromkeys(NO_FIGURES))
        row["data_note"] = note
    return rows


def rollup_computed(
    conn: Connection,
    *,
    level: str,
    kinds: list[str],
    rule: str,
    parent: tuple[str, str] | None,
    filters: dict,
    distance_m: float | None,
    selection: dict | None = None,
) -> list[dict]:
    """Rows of `rollup`, from the stored table or computed live.

    Rows of `rollup` (before the data notes) from the stored table, or computed for the
    filters / distance (analysis/filtered.py).
    """
    if selection is None:
        selection = selection_status(conn, kinds, filters)
    counted = selection["counted"]
    source, extra = table(STORED), {}
    if counted:
        source, extra = filtered.prepare_source(
            conn, selection, filters=filters, distance_m=distance_m, parent=parent
        )
    sql = composed("analysis/rollup", source=source)
    params = {
        "level": level,
        "kinds": counted,
        "rule": rule,
        **scope_params(parent),
        **filters,
        **extra,
    }
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
    """Coverage of every territory of `level` (inside the parent, if any).

    One dict per territory, sorted by code:
    {"level", "code", "name", "population", "communes_total", "communes_covered",
     "population_covered", "population_uncovered", "population_covered_pct" (0–100),
     "area_km2", "area_covered_km2", "cooperations" (located in the territory),
     "cooperations_per_100k", "nearest_distance_m" (edge distance from the territory's
     closest commune to the nearest cooperation; 0 when one is inside; None when none
     exists, or — under filters — when it is only known to lie beyond the service
     distance), "data_note" (French: kinds without data, partial data, cooperations excluded
     for an unknown value; None when nothing to say)}. population_covered +
    population_uncovered == population at every level. When no requested kind can be
    counted (no data, or no cooperation passing the filters) every coverage field is None,
    never 0.
    """
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
    distance_m: float | None = None,
    filters: dict | None = None,
    together: list[str] | None = None,
) -> dict:
    """One territory's coverage, per kind and for all kinds together.

    {"level", "code", "name", "population", "rule",
     "all": {…coverage fields as in `coverage`…},
     "by_kind": [{"kind", "label", "service_distance_m", …coverage fields…,
                  "data_status"}, …], "selection": see coverage_status}
    "all" is the union of the kinds with data ("kinds_counted"); a kind without data has
    None figures. `level` may be "france" (code ignored, use "FR"). `distance_m` and
    `filters` as in `coverage` (the service distance shown is then `distance_m`);
    `together`: the kinds "all" counts, when not every one of `kinds` (the map leaves
    context layers out of its headline).
    """
    check_level(level)
    check_rule(rule)
    kinds = check_kinds(conn, kinds)
    together = kinds if together is None else check_kinds(conn, together)
    distance_m = check_distance(distance_m)
    table = kind_table(conn)
    parent = None if level == "france" else resolve_parent(conn, level, code, level)
    filters = check_filters(filters)
    status = data_status(conn)
    selections = {
        tuple(kind_list): selection_status(conn, kind_list, filters, status=status)
        for kind_list in [together, *([k] for k in kinds)]
    }
    stored = None
    if distance_m is None and not has_filters(filters):
        # every set's stored row in two statements rather than four per set
        stored = facts.stored_summary(
            conn,
            level=level,
            parent=parent,
            rule=rule,
            kind_sets=[sel["counted"] for sel in selections.values()],
        )

    def one(kind_list: list[str]) -> tuple[dict, dict]:
        selection = selections[tuple(kind_list)]
        rows = rollup(
            conn,
            level=level,
            kinds=kind_list,
            rule=rule,
            parent=parent,
            filters=filters,
            distance_m=distance_m,
            selection=selection,
            stored=stored,
        )
        if not rows:
            raise NotFound(f"Aucune commune pour {level} {code}.")
        return rows[0], selection

    total, selection = one(together)
    total["kinds_counted"] = selection["counted"]
    by_kind = []
    for kind in kinds:
        row, _sel = one([kind])
        by_kind.append(
            {
                "kind": kind,
                "label": table[kind]["label"],
                "service_distance_m": (
                    table[kind]["service_distance_m"] if distance_m is None else distance_m
                ),
                **row,
                "data_status": status[kind],
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
        "selection": selection,
    }


def _explain_row(conn: Connection, code: str, kind: str, source: str):
    sql = composed("analysis/explain", source=table(source))
    row = conn.execute(sql, {"code": code, "kind": kind}).mappings().first()
    if row is None:
        raise NotFound(f"Commune introuvable : {code}.")
    return row


def explain_commune(conn: Connection, commune_code: str, kind: str) -> dict:
    """Why one commune counts (or not) as covered by `kind`, from the stored figures.

    {"commune": {"code", "name", "population"}, "kind", "service_distance_m",
     "covered": bool, "covered_by_distance": bool, "covered_by_perimeter": bool,
     "reasons": [{"rule": "distance", "cooperation_id", "cooperation_name",
                  "distance_edge_m", "distance_center_m"} |
                 {"rule": "perimeter", "cooperation_id", "cooperation_name",
                  "via": "commune_code" | "epci_code" | "area_share", "area_share"}],
     "nearest": {"cooperation_id", "cooperation_name", "distance_edge_m",
                 "distance_center_m"} | None,
     "white_zone_id": str | None, "data_status", "message": French sentence}
    For a kind without data: "covered" and the rule flags are None and the message says
    that nothing can be said.
    Distances: edge = geodesic metres from the commune polygon's nearest point (0 inside);
    center = geodesic metres from the commune's point-on-surface.
    """
    kind = check_kind(conn, kind)
    row = _explain_row(conn, commune_code, kind, STORED)
    status = data_status(conn)[kind]
    if not status["has_data"]:
        return _no_data(row, kind, status)
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
        "data_status": status,
        "message": _message(row["name"], covered, reasons, nearest, service),
    }


def _no_data(row, kind: str, status: dict) -> dict:
    """explain_commune for a kind without data: no verdict, and the reason."""
    return {
        "commune": {"code": row["code"], "name": row["name"], "population": row["population"]},
        "kind": kind,
        "service_distance_m": None,
        "covered": None,
        "covered_by_distance": None,
        "covered_by_perimeter": None,
        "reasons": [],
        "nearest": None,
        "white_zone_id": None,
        "data_status": status,
        "message": f"{NO_DATA_FR.capitalize()} pour ce type de coopération : on ne peut pas "
        f"dire si {row['name']} est couverte.",
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
