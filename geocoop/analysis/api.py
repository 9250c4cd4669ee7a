"""Public analysis API: what the CLI, the HTTP layer and the map call.

Every function takes a SQLAlchemy Connection, never commits, and returns plain dicts/lists
ready for `json.dumps` (numbers are int/float, geometries GeoJSON dicts, no Decimal).
Bad parameters raise `geocoop.errors.BadRequest`, unknown codes `geocoop.errors.NotFound`,
both with a French message.

Shared parameters
- `level`: "commune" | "epci" | "departement" | "region" | "france".
- `parent_code` (+ optional `parent_level`): restrict to territories inside that parent.
  When `parent_level` is omitted it is inferred: a 9-digit code is an EPCI; otherwise the
  parent is a département for levels commune/epci and a région for level departement.
- `kinds`: list of kind codes (table `kind`); None = every cooperation kind, not the
  context layers (support structures `is_support`, public services listed in
  reference_counts.yaml). With several kinds a commune is covered when any of them
  reaches it. Kinds without data are never counted (see `data_status`).
- `rule`: "distance" (a cooperation point within the kind's service distance of the commune
  polygon), "perimeter" (the commune is in a cooperation's territory of action) or "any"
  (either). See docs/analysis.md for thresholds and reference points.
- `distance_m`: overrides every kind's `service_distance_m` for this query.
- `filters`: {"category": [...], "socio_economic_model": [...], "stage": [...]} restricting
  which cooperations count: only those whose value is known and matches (see
  `coverage_status` for how many are unknown). Stored figures are used wherever they hold;
  only the communes a filter or a distance override changes are computed live.
"""

from __future__ import annotations

from sqlalchemy import Connection

Rule = str  # "distance" | "perimeter" | "any"


def coverage(
    conn: Connection,
    *,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
    kinds: list[str] | None = None,
    rule: Rule = "any",
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
    from geocoop.analysis.coverage import coverage as _impl

    return _impl(
        conn,
        level=level,
        parent_code=parent_code,
        parent_level=parent_level,
        kinds=kinds,
        rule=rule,
        distance_m=distance_m,
        filters=filters,
    )


def data_status(conn: Connection) -> dict[str, dict]:
    """Every kind's data status, by code: {"kind", "label", "status": "none" | "partial" |
    "loaded", "has_data", "cooperations", "placed", "context", "sources": [{"source",
    "cooperations", "file_name", "imported_at", "vintage", "vintage_from"}], "vintage",
    "reference": {"count", "approximate", "year", "source", …} | None, "message",
    "message_en"}. A kind with status "none" has no coverage figure and no white zone."""
    from geocoop.analysis.data_status import data_status as _impl

    return _impl(conn)


def require_data(conn: Connection, kind: str, consequence: str) -> dict:
    """The kind's data status, or `geocoop.errors.NoData` (409) when no data is loaded:
    for answers (CSV, GeoPackage) that cannot carry a `data_status` next to an empty list."""
    from geocoop.analysis.data_status import require_data as _impl

    return _impl(conn, kind, consequence)


def coverage_status(
    conn: Connection, kinds: list[str] | None = None, filters: dict | None = None
) -> dict:
    """What the figures of `coverage(kinds=…, filters=…)` are made of:
    {"kinds", "counted", "without_data", "without_match", "cooperations", "matching",
     "filters": {field: {"values", "known", "unknown", "matching"}}, "has_figures",
     "notes": [{"code": "no_data" | "partial" | "unknown" | "no_match", "message",
     "message_en", …}], "data_status": {kind: …}}."""
    from geocoop.analysis.params import check_filters, check_kinds
    from geocoop.analysis.selection import selection_status

    return selection_status(conn, check_kinds(conn, kinds), check_filters(filters))


def coverage_summary(
    conn: Connection,
    code: str,
    level: str,
    *,
    kinds: list[str] | None = None,
    rule: Rule = "any",
) -> dict:
    """One territory's coverage, per kind and for all kinds together.

    {"level", "code", "name", "population", "rule",
     "all": {…coverage fields as in `coverage`…},
     "by_kind": [{"kind", "label", "service_distance_m", …coverage fields…,
                  "data_status"}, …], "selection": see coverage_status}
    "all" is the union of the kinds with data ("kinds_counted"); a kind without data has
    None figures. `level` may be "france" (code ignored, use "FR").
    """
    from geocoop.analysis.coverage import coverage_summary as _impl

    return _impl(conn, code, level, kinds=kinds, rule=rule)


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
    from geocoop.analysis.coverage import explain_commune as _impl

    return _impl(conn, commune_code, kind)


def commune_coverage(
    conn: Connection,
    level: str,
    code: str,
    kind: str,
    *,
    rule: Rule = "any",
    distance_m: float | None = None,
    filters: dict | None = None,
) -> list[dict]:
    """Every commune of one territory with its coverage by `kind`, largest population first.

    [{"code", "name", "population", "covered", "covered_by_distance",
      "covered_by_perimeter", "nearest_cooperation_id", "nearest_name", "nearest_m",
      "perimeter_name"}] — the same communes and verdicts the roll-ups count, so the
    uncovered ones of an EPCI are exactly `communes_total - communes_covered` of it.
    """
    from geocoop.analysis.communes import commune_coverage as _impl

    return _impl(conn, level, code, kind, rule=rule, distance_m=distance_m, filters=filters)


def white_zones(
    conn: Connection,
    *,
    kind: str,
    rule: Rule = "any",
    limit: int = 20,
    parent_code: str | None = None,
    parent_level: str | None = None,
    with_geometry: bool = True,
    split: bool = False,
) -> list[dict]:
    """Maximal groups of adjacent uncovered communes, largest population first.

    [{"id" (smallest member commune code, stable; "<zone>-<département>" when split),
      "rank", "kind", "rule", "name" / "name_en" (« Zone autour de Guingamp (22) », from
      the most populated commune, plus « : 3 départements » when it spans several),
      "zone_id" (the whole zone's id), "departement" (the part's, None unless split),
      "main_commune", "main_commune_name",
      "communes" ([codes]), "communes_count", "population", "area_km2",
      "departements" ([codes]), "departement_names", "epci" ([codes]),
      "zone_communes_count", "zone_population", "zone_departements_count" (the whole
      zone, neither clipped to the parent nor split),
      "nearest_cooperation_id", "nearest_cooperation_name",
      "nearest_cooperation_distance_m" (geodesic edge distance in metres from the zone to
      the closest cooperation of the kind; None when the kind has none),
      "service_distance_m" (the kind's), "reason" / "reason_en" (the sentence),
      "part_of" / "part_of_en" (for a split part of a zone spanning several
      départements: what the whole is; else None),
      "geometry" (GeoJSON MultiPolygon: the dissolved outline of the simplified polygons,
      any size; "geometry_dissolved" is always true; both omitted when
      with_geometry=False)}]
    With a parent, zones are those of the whole country clipped to the parent's communes.
    With split=True each zone is cut by département (one row per zone × département,
    ranked by the part's population).
    A kind without data has no white zone: [] (check `data_status` before reading it as
    "no gap").
    """
    from geocoop.analysis.zones import white_zones as _impl

    return _impl(
        conn,
        kind=kind,
        rule=rule,
        limit=limit,
        parent_code=parent_code,
        parent_level=parent_level,
        with_geometry=with_geometry,
        split=split,
    )


def epci_without(
    conn: Connection,
    kind: str,
    *,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """EPCI with no cooperation of `kind` located in any of their communes (inside the parent,
    a département unless `parent_level` says "region").

    [{"code", "name", "departement_code", "population", "communes_total",
      "nearest_distance_m"}] sorted by population, largest first.
    """
    from geocoop.analysis.zones import epci_without as _impl

    return _impl(conn, kind, parent_code=parent_code, parent_level=parent_level)


def synergy_candidates(
    conn: Connection,
    *,
    max_distance_m: float | None = None,
    parent_code: str | None = None,
    parent_level: str | None = None,
    kinds: list[str] | None = None,
    limit: int = 100,
) -> list[dict]:
    """Pairs of cooperations that could work together and have no declared partnership.

    A pair qualifies when the perimeters overlap or the points are within `max_distance_m`
    (default: `max_distance_m` of complementarity.yaml) and the matrix weight of their kinds
    is > 0. score = weight × proximity, proximity = 1 when perimeters overlap, else
    1 − distance/max_distance. Best score first:
    [{"a": {"id", "name", "kind", "commune_code"}, "b": {…}, "distance_m",
      "perimeters_overlap": bool, "weight", "proximity", "score"}]
    """
    from geocoop.analysis.synergy import synergy_candidates as _impl

    return _impl(
        conn,
        max_distance_m=max_distance_m,
        parent_code=parent_code,
        parent_level=parent_level,
        kinds=kinds,
        limit=limit,
    )


def missing_complements(
    conn: Connection,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """Territories having kind A but no cooperation of a complementary kind B.

    B is complementary to A when the matrix weight ≥ `missing_threshold` (yaml). A kind B
    without any data loaded is never "missing" (no data is not absence).
    [{"level", "code", "name", "population", "has": A, "missing": B, "weight",
      "has_count"}] sorted by weight then population, largest first.
    """
    from geocoop.analysis.synergy import missing_complements as _impl

    return _impl(conn, level, parent_code=parent_code, parent_level=parent_level)


def synergy_index(
    conn: Connection,
    level: str,
    parent_code: str | None = None,
    parent_level: str | None = None,
) -> list[dict]:
    """Per territory: declared links / potential links (complementary pairs within reach).

    [{"level", "code", "name", "cooperations", "potential_links", "declared_links",
      "undeclared_links", "index" (0–1, None when no potential link)}]
    A link counts in a territory when at least one of its two cooperations is located there.
    """
    from geocoop.analysis.synergy import synergy_index as _impl

    return _impl(conn, level, parent_code=parent_code, parent_level=parent_level)


def support_needs(conn: Connection, cooperation_id: int) -> dict:
    """Accompaniment and financing needs of one cooperation (support_rules.yaml).

    {"cooperation": {"id", "name", "kind", "category", "socio_economic_model", "stage"},
     "needs": [{"dimension": "accompagnement" | "financement", "need" (code),
                "label" (French), "source" (study table)}],
     "support_in_reach": bool, "nearest_support": {"cooperation_id", "name",
     "distance_m"} | None, "support_distance_m"}
    """
    from geocoop.analysis.support import support_needs as _impl

    return _impl(conn, cooperation_id)


def support_needs_by_territory(conn: Connection, level: str, code: str) -> dict:
    """Needs aggregated over the cooperations located in one territory.

    {"level", "code", "name", "cooperations", "by_stage": {stage: n},
     "needs": [{"dimension", "need", "label", "cooperations"}],
     "emergence_without_support": [{"id", "name", "kind", "nearest_support_m"}],
     "communes_without_support": n, "population_without_support": n}
    """
    from geocoop.analysis.support import support_needs_by_territory as _impl

    return _impl(conn, level, code)


def funder_ranking(
    conn: Connection,
    *,
    level: str = "departement",
    parent_code: str | None = None,
    parent_level: str | None = None,
    kind: str | None = None,
    sort: str = "white_population",
    limit: int | None = None,
) -> dict:
    """« Où accompagner, quoi financer ? »: the EPCI or départements (inside a région or
    département parent) ranked by need, largest first, unknown last.

    {"level", "parent", "kinds", "kind", "kinds_with_data", "sort", "count",
     "rows": [{"rank", "code", "name", "population", "white_population" (inhabitants
       of communes no cooperation of the kinds reaches, rule any; None when no kind has
       data), "white_population_by_kind" ({kind: n | None} for each kind with data,
       when several kinds are asked), "white_communes", "cooperations" (located there), "emergence",
       "operational", "stage_unknown", "emergence_without_support" (None when no support
       structure is loaded), "financing_full" / "financing_hybrid" / "financing_ess"
       (operational cooperations by model: the study's financing needs),
       "operational_model_unknown", "financing_declared" (cooperations naming their
       financing schemes), "with_staff", "staff_fte" (None when none declares it)}],
     "sources": {figure: {"source", "vintage", "rule", "rule_en", …}}}
    `kind` (one code) restricts every figure to that kind; None = every cooperation kind
    (not the context layers). `sort`: white_population | emergence_without_support |
    emergence | financing_full.
    """
    from geocoop.analysis.funders import funder_ranking as _impl

    return _impl(
        conn,
        level=level,
        parent_code=parent_code,
        parent_level=parent_level,
        kind=kind,
        sort=sort,
        limit=limit,
    )


def refresh_all(conn: Connection) -> dict:
    """Recompute every stored figure (coverage per commune × kind, white zones and their
    dissolved outlines, synergy candidates). Returns {"communes", "kinds", "rows",
    "kinds_without_data", "white_zones", "zone_outlines", "synergy_pairs", "seconds",
    "phases"}.
    `geocoop.orchestration.refresh_analysis` also stores the collections' counts."""
    from geocoop.analysis.refresh import refresh_all as _impl

    return _impl(conn)


def refresh_for_cooperation(conn: Connection, cooperation_id: int) -> dict:
    """Bring stored figures up to date after one cooperation was added, moved, edited or
    deleted: only the communes it reaches (before and after) are recomputed, then the white
    zones touching them, their outlines and its synergy pairs. Call it after the write, in the
    same transaction. Returns {"cooperation_id", "communes", "zones", "pairs", "seconds",
    "kind_codes", "coverage_rows_changed", …};
    `geocoop.orchestration.refresh_analysis_for_cooperation` also updates the collections'
    stored counts."""
    from geocoop.analysis.refresh import refresh_for_cooperation as _impl

    return _impl(conn, cooperation_id)


__all__ = [
    "coverage",
    "coverage_status",
    "coverage_summary",
    "data_status",
    "epci_without",
    "explain_commune",
    "funder_ranking",
    "missing_complements",
    "refresh_all",
    "refresh_for_cooperation",
    "require_data",
    "support_needs",
    "support_needs_by_territory",
    "synergy_candidates",
    "synergy_index",
    "white_zones",
]
