"""Coverage figures for the choropleth, the France totals and the département ranking."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.errors import BadRequest, GeocoopError
from geocoop.maps.filters import MapFilters
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


def coverage_figures(conn: Connection, level: str, filters: MapFilters) -> dict:
    """Coverage of every territory of `level` under `filters`, with totals over them.

    Rows keep only what the map draws (the full rows are at /api/analysis/…); totals are
    sums over the level's territories, so they equal the country's figures.
    """
    if level not in LEVELS:
        raise BadRequest(f"Niveau inconnu : {level!r} (attendu : {', '.join(LEVELS)}).")
    from geocoop.maps.panel import analysis_api

    api = analysis_api()
    if api is None:
        raise GeocoopError("Les calculs de couverture ne sont pas disponibles.", status=503)
    rows = api.coverage(
        conn,
        level=level,
        kinds=list(filters.kinds) or None,
        rule=filters.rule,
        distance_m=filters.distance_m,
        filters=filters.analysis_filters(),
    )
    compact = [{k: r.get(k) for k in _FIELDS} for r in rows]
    totals = {
        key: sum(r.get(key) or 0 for r in rows)
        for key in (
            "population",
            "population_covered",
            "population_uncovered",
            "communes_total",
            "communes_covered",
        )
    }
    totals["population_covered_pct"] = (
        round(100 * totals["population_covered"] / totals["population"], 1)
        if totals["population"]
        else None
    )
    return {"level": level, "rows": compact, "totals": totals}
