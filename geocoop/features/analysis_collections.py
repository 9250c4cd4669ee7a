"""Collections over the stored analysis results (tables of migration 0004).

- `coverage`: one row per commune × kind (filter `kind_code=pat`), with why it is covered;
- `white-zones`: the stored white zones (rule "any"), a multipolygon of member communes;
- `synergy-candidates`: pairs of cooperations that could work together (a line a → b).
"""

from __future__ import annotations

from sqlalchemy import (
    Float,
    Integer,
    Numeric,
    case,
    func,
    literal,
    select,
)

from geocoop.features.collections import Collection, Property
from geocoop.models import AnalysisCommuneKind, AnalysisSynergyPair, Cooperation, Territory

_STATUS_FIELDS = ("status", "cooperations", "vintage", "message", "message_en")


def kinds_data_status(conn) -> dict[str, dict]:
    """Each kind's data status as the per-kind collections and tiles list it: a kind with
    status "none" has no row in them (no data is not absence, so nothing is stored)."""
    from geocoop.analysis.data_status import data_status

    return {
        kind: {f: entry[f] for f in _STATUS_FIELDS} for kind, entry in data_status(conn).items()
    }


_T = Territory.__table__
_C = Cooperation.__table__
_ACK = AnalysisCommuneKind.__table__
_PAIR = AnalysisSynergyPair.__table__

_COVERAGE_PROPS = (
    Property("kind_code", "string", "Type de coopération"),
    Property("commune_code", "string", "Code INSEE de la commune"),
    Property("name", "string", "Commune"),
    Property("population", "integer", "Population"),
    Property("departement_code", "string", "Département"),
    Property("epci_code", "string", "EPCI"),
    Property("covered", "boolean", "Couverte (distance ou périmètre)"),
    Property("covered_distance", "boolean", "Couverte par la distance de service"),
    Property("covered_perimeter", "boolean", "Couverte par un périmètre d'action"),
    Property("service_distance_m", "number", "Distance de service (m)"),
    Property("nearest_cooperation_id", "integer", "Coopération la plus proche"),
    Property("nearest_edge_m", "number", "Distance à la plus proche (m, depuis le bord)"),
    Property("perimeter_via", "string", "Couverture par périmètre via", queryable=False),
    Property("zone_id", "string", "Zone blanche"),
)


def _coverage():
    joined = _ACK.join(_T, (_T.c.level == "commune") & (_T.c.code == _ACK.c.commune_code))
    return select(
        func.concat(_ACK.c.kind_code, literal("-"), _ACK.c.commune_code).label("id"),
        _T.c.geom.label("geom"),
        _ACK.c.kind_code,
        _ACK.c.commune_code,
        _T.c.name,
        _T.c.population,
        _T.c.departement_code,
        _T.c.epci_code,
        (_ACK.c.covered_distance | _ACK.c.covered_perimeter).label("covered"),
        _ACK.c.covered_distance,
        _ACK.c.covered_perimeter,
        _ACK.c.service_distance_m,
        _ACK.c.nearest_cooperation_id,
        func.round(_ACK.c.nearest_edge_m).label("nearest_edge_m"),
        _ACK.c.perimeter_via,
        _ACK.c.zone_id,
    ).select_from(joined)


_ROLLUP_PROPS = (
    Property("kind_code", "string", "Type de coopération"),
    Property("code", "string", "Code du territoire"),
    Property("name", "string", "Nom"),
    Property("population", "integer", "Population (somme des communes)"),
    Property("communes_total", "integer", "Communes"),
    Property("communes_covered", "integer", "Communes couvertes"),
    Property("population_covered", "integer", "Population couverte"),
    Property("population_uncovered", "integer", "Population non couverte"),
    Property("population_covered_pct", "number", "Part de la population couverte (%)"),
)


def _rollup(level: str, parent_column: str):
    """Coverage of each territory of `level` per kind, summed over its communes (rule
    "any": distance or perimeter), from the stored per-commune figures."""

    def build():
        commune = _T.alias("c")
        parent = _T.alias("p")
        covered = _ACK.c.covered_distance | _ACK.c.covered_perimeter
        population = func.coalesce(commune.c.population, 0)
        total = func.sum(population)
        reached = func.sum(case((covered, population), else_=0))
        joined = _ACK.join(
            commune, (commune.c.level == "commune") & (commune.c.code == _ACK.c.commune_code)
        ).join(parent, (parent.c.level == level) & (parent.c.code == commune.c[parent_column]))
        return (
            select(
                func.concat(_ACK.c.kind_code, literal("-"), parent.c.code).label("id"),
                # grouped by the parent's primary key, its columns come along as they are
                # (min() of a geometry would silently compare and return it as text)
                parent.c.geom_simplified.label("geom"),
                _ACK.c.kind_code,
                parent.c.code,
                parent.c.name.label("name"),
                total.cast(Integer).label("population"),
                func.count().label("communes_total"),
                func.count().filter(covered).label("communes_covered"),
                reached.cast(Integer).label("population_covered"),
                (total - reached).cast(Integer).label("population_uncovered"),
                func.round((100.0 * reached / func.nullif(total, 0)).cast(Numeric), 2)
                .cast(Float)
                .label("population_covered_pct"),
            )
            .select_from(joined)
            .group_by(_ACK.c.kind_code, parent.c.id, parent.c.code)
        )

    return build


_ZONE_PROPS = (
    Property("kind_code", "string", "Type de coopération"),
    Property("zone_id", "string", "Identifiant de zone (plus petit code de commune)"),
    Property("communes_count", "integer", "Nombre de communes"),
    Property("population", "integer", "Population"),
    Property("area_km2", "number", "Superficie (km²)"),
    Property("departements", "array", "Départements touchés", queryable=False),
)


def _white_zones():
    joined = _ACK.join(_T, (_T.c.level == "commune") & (_T.c.code == _ACK.c.commune_code))
    return (
        select(
            func.concat(_ACK.c.kind_code, literal("-"), _ACK.c.zone_id).label("id"),
            func.ST_CollectionExtract(
                func.ST_Collect(func.coalesce(_T.c.geom_simplified, _T.c.geom)), 3
            ).label("geom"),
            _ACK.c.kind_code,
            _ACK.c.zone_id,
            func.count().label("communes_count"),
            func.coalesce(func.sum(_T.c.population), 0).cast(Integer).label("population"),
            func.round(func.sum(_T.c.area_km2).cast(Numeric), 1).cast(Float).label("area_km2"),
            func.array_agg(_T.c.departement_code.distinct()).label("departements"),
        )
        .select_from(joined)
        .where(_ACK.c.zone_id.is_not(None))
        .group_by(_ACK.c.kind_code, _ACK.c.zone_id)
    )


_PAIR_PROPS = (
    Property("a_id", "integer", "Coopération A"),
    Property("a_name", "string", "Nom de A"),
    Property("a_kind", "string", "Type de A"),
    Property("b_id", "integer", "Coopération B"),
    Property("b_name", "string", "Nom de B"),
    Property("b_kind", "string", "Type de B"),
    Property("distance_m", "number", "Distance (m)"),
    Property("perimeters_overlap", "boolean", "Périmètres qui se recouvrent"),
    Property("weight", "number", "Complémentarité des types (0–1)"),
    Property("proximity", "number", "Proximité (0–1)"),
    Property("score", "number", "Score (complémentarité × proximité)"),
)


def _synergy_pairs():
    a, b = _C.alias("a"), _C.alias("b")
    joined = _PAIR.join(a, a.c.id == _PAIR.c.a_id).join(b, b.c.id == _PAIR.c.b_id)
    return select(
        func.concat(_PAIR.c.a_id, literal("-"), _PAIR.c.b_id).label("id"),
        func.ST_MakeLine(a.c.location, b.c.location).label("geom"),
        _PAIR.c.a_id,
        a.c.name.label("a_name"),
        a.c.kind_code.label("a_kind"),
        _PAIR.c.b_id,
        b.c.name.label("b_name"),
        b.c.kind_code.label("b_kind"),
        func.round(_PAIR.c.distance_m).label("distance_m"),
        _PAIR.c.perimeters_overlap,
        _PAIR.c.weight,
        _PAIR.c.proximity,
        _PAIR.c.score,
    ).select_from(joined)


ANALYSIS_COLLECTIONS = (
    *(
        Collection(
            id=f"coverage-{cid}",
            title=f"Couverture des {label} par type",
            description=f"Par {singular} et par type de coopération (filtrer par kind_code) : "
            "communes et population couvertes (distance ou périmètre), sommées sur ses "
            "communes ; contour généralisé.",
            build=_rollup(level, column),
            properties=_ROLLUP_PROPS,
            keywords=("analyse", "couverture", level),
            per_kind=True,
        )
        for cid, level, column, label, singular in (
            ("epci", "epci", "epci_code", "EPCI", "EPCI"),
            ("departements", "departement", "departement_code", "départements", "département"),
            ("regions", "region", "region_code", "régions", "région"),
        )
    ),
    Collection(
        id="coverage",
        title="Couverture des communes par type",
        description="Une ligne par commune et par type de coopération (filtrer par "
        "kind_code) : couverte ou non, par quelle règle, distance à la plus proche. Un type "
        "sans donnée chargée n'a aucune ligne (voir dataStatus).",
        build=_coverage,
        properties=_COVERAGE_PROPS,
        heavy=True,
        tile_minzoom=5,
        keywords=("analyse", "couverture"),
        per_kind=True,
    ),
    Collection(
        id="white-zones",
        title="Zones blanches",
        description="Groupes de communes contiguës non couvertes, par type de coopération "
        "(règle « distance ou périmètre »). Aucune zone pour un type sans donnée chargée "
        "(voir dataStatus).",
        build=_white_zones,
        properties=_ZONE_PROPS,
        heavy=True,
        keywords=("analyse", "zones blanches"),
        per_kind=True,
    ),
    Collection(
        id="synergy-candidates",
        title="Synergies possibles",
        description="Paires de coopérations proches et complémentaires sans partenariat "
        "déclaré (ligne de A vers B).",
        build=_synergy_pairs,
        properties=_PAIR_PROPS,
        geometry_type="LineString",
        keywords=("analyse", "synergies"),
    ),
)
