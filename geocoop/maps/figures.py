"""Coverage figures for the choropleth, the headline and the département ranking."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import BadRequest, GeocoopError
from geocoop.maps.filters import MapFilters
from geocoop.maps.headline import headline_kinds, scope_label
from geocoop.maps.kinds import map_kinds
from geocoop.models import LEVELS

_FIELDS = (
    "code",
    "name",
    "population",
    "population_covered",
    "population_uncovered",
    "population_covered_pct",
    "communes_total",
    "communes_covered",
    "cooperations",
)
_SUMMED = (
    "population_covered",
    "population_uncovered",
    "communes_total",
    "communes_covered",
)


def coverage_figures(
    conn: Connection, level: str, filters: MapFilters, *, area: tuple[str, str] | None = None
) -> dict:
    """Coverage of every territory of `level` under `filters`, with totals.

    Coverage of every territory of `level` under `filters`, with totals over them and
    what they are made of (`selection`: kinds counted, kinds without data, context layers
    left out, cooperations excluded for an unknown value, notes to show).

    Rows keep only what the map draws (the full rows are at /api/analysis/…); totals are
    sums over the level's territories, so they equal the country's figures. Without
    anything to count, every figure is None (the map paints no 0 %). With `area` (level,
    code of a région or département chosen on the map) the rows are the territories of
    `level` inside it and the totals are the area's.
    """
    if level not in LEVELS:
        raise BadRequest(f"Niveau inconnu : {level!r} (attendu : {', '.join(LEVELS)}).")
    from geocoop.maps.panel import analysis_api

    api = analysis_api()
    if api is None:
        raise GeocoopError("Les calculs de couverture ne sont pas disponibles.", status=503)
    kinds = map_kinds(conn)
    known = {k["code"] for k in kinds}
    unknown = [c for c in filters.kinds if c not in known]
    if unknown:
        raise BadRequest(f"Type de coopération inconnu : {', '.join(unknown)}.")
    counted_kinds, left_out = headline_kinds(kinds, list(filters.kinds))
    selection = api.coverage_status(conn, counted_kinds, filters.analysis_filters())
    rows = api.coverage(
        conn,
        level=level,
        parent_code=area[1] if area else None,
        parent_level=area[0] if area else None,
        kinds=counted_kinds,
        rule=filters.rule,
        distance_m=filters.distance_m,
        filters=filters.analysis_filters(),
    )
    compact = [{k: r.get(k) for k in _FIELDS} for r in rows]
    totals: dict = {"population": sum(r.get("population") or 0 for r in rows)}
    has = selection["has_figures"]
    for key in _SUMMED:
        totals[key] = sum(r.get(key) or 0 for r in rows) if has or key == "communes_total" else None
    totals["population_covered_pct"] = (
        round(100 * totals["population_covered"] / totals["population"], 1)
        if has and totals["population"]
        else None
    )
    context = {k["code"] for k in kinds if k["context"]}
    return {
        "level": level,
        "area": None if area is None else {"level": area[0], "code": area[1]},
        "rows": compact,
        "totals": totals,
        "selection": {
            "kinds": counted_kinds,
            "counted": selection["counted"],
            "without_data": selection["without_data"],
            "without_match": selection["without_match"],
            "context_left_out": left_out,
            "scope": scope_label(selection, counted_kinds, context),
            "cooperations": selection["cooperations"],
            "matching": selection["matching"],
            "filters": selection["filters"],
            "has_figures": has,
            "notes": selection["notes"],
        },
    }
