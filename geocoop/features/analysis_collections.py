"""Collections over the stored analysis results (tables of migrations 0004, 0011, 0012).

- `coverage`: one row per commune × kind (filter `kind_code=pat`), with why it is covered,
  and `coverage-<kind>`: the same for one kind (a layer QGIS 3.22 can pick from the list);
- `coverage-epci|departements|regions`: per territory × kind, the stored roll-ups of its
  communes (analysis_rollup);
- `coverage-wide` and `coverage-wide-<level>`: one row per territory, one column per kind;
- `white-zones` and `white-zones-<kind>`: the stored white zones (rule "any") as dissolved,
  simplified outlines (table `analysis_zone`) with their names and reasons, never for a
  kind without any cooperation (properties and SELECT in white_zone_collections.py);
- `synergy-candidates`: pairs of cooperations that could work together (a line a → b).
"""

from __future__ import annotations

from sqlalchemy import (
    Integer,
    case,
    exists,
    func,
    literal,
    select,
)

from geocoop.features.pairs import pair_boxes, pair_lines
from geocoop.features.spec import Collection, Property
from geocoop.features.white_zone_collections import KIND_CODE, KIND_LABEL, ZONE_PROPS, white_zones
from geocoop.models import (
    AnalysisCommuneKind,
    AnalysisRollup,
    AnalysisSynergyPair,
    Cooperation,
    Kind,
    Territory,
)

_STATUS_FIELDS = ("status", "cooperations", "vintage", "message", "message_en", "recomputing")


def kinds_data_status(conn) -> dict[str, dict]:
    """Each kind's data status as the per-kind collections and tiles list it.

    Each kind's data status as the per-kind collections (`per_kind`, and the one-kind
    layers `coverage-<kind>`, `white-zones-<kind>`) and tiles list it: a kind with status
    "none" has no row in them (no data is not absence, so nothing is stored).
    """
    from geocoop.analysis.data_status import data_status

    return {
        kind: {f: entry[f] for f in _STATUS_FIELDS} for kind, entry in data_status(conn).items()
    }


_T = Territory.__table__
_C = Cooperation.__table__
_K = Kind.__table__
_ACK = AnalysisCommuneKind.__table__
_PAIR = AnalysisSynergyPair.__table__
_ROLLUP = AnalysisRollup.__table__

_COVERAGE_PROPS = (
    KIND_CODE,
    KIND_LABEL,
    Property("commune_code", "string", "Code INSEE de la commune"),
    Property("name", "string", "Commune"),
    Property("population", "integer", "Population municipale"),
    Property("departement_code", "string", "Département"),
    Property("epci_code", "string", "EPCI (SIREN)"),
    Property("covered", "boolean", "Couverte", description="Par la distance ou un périmètre."),
    Property("covered_distance", "boolean", "Couverte par la distance de service"),
    Property("covered_perimeter", "boolean", "Couverte par un périmètre d'action"),
    Property(
        "service_distance_m",
        "integer",
        "Distance de service (m)",
        description="Distance à laquelle une coopération de ce type couvre une commune.",
        unit="m",
    ),
    Property(
        "nearest_cooperation_id",
        "integer",
        "Coopération la plus proche",
        description="Identifiant dans la collection cooperations ; vide s'il n'y en a aucune.",
    ),
    Property(
        "nearest_edge_m",
        "integer",
        "Distance à la plus proche (m)",
        description="Depuis le bord de la commune, arrondie au mètre.",
        unit="m",
    ),
    Property("perimeter_via", "string", "Couverture par périmètre via", queryable=False),
    Property(
        "zone_id",
        "string",
        "Zone blanche",
        description="Identifiant de la zone blanche (plus petit code de commune) ; vide si "
        "couverte.",
    ),
)


def _coverage(kind: str | None = None):
    def build():
        joined = _ACK.join(_T, (_T.c.level == "commune") & (_T.c.code == _ACK.c.commune_code)).join(
            _K, _K.c.code == _ACK.c.kind_code
        )
        if kind is None:
            fid = func.concat(_ACK.c.kind_code, literal("-"), _ACK.c.commune_code)
        else:
            fid = _ACK.c.commune_code
        stmt = select(fid.label("id"), *_coverage_columns()).select_from(joined)
        return stmt if kind is None else stmt.where(_ACK.c.kind_code == kind)

    return build


def _coverage_columns() -> list:
    return [
        _T.c.geom.label("geom"),
        _ACK.c.kind_code,
        _K.c.label_fr.label("kind_label"),
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
        _ACK.c.nearest_edge_m,
        _ACK.c.perimeter_via,
        _ACK.c.zone_id,
    ]


_ROLLUP_PROPS = (
    KIND_CODE,
    KIND_LABEL,
    Property("code", "string", "Code du territoire"),
    Property("name", "string", "Nom"),
    Property("population", "integer", "Population (somme des communes)"),
    Property("communes_total", "integer", "Communes"),
    Property("communes_covered", "integer", "Communes couvertes"),
    Property("population_covered", "integer", "Population couverte"),
    Property("population_uncovered", "integer", "Population non couverte"),
    Property(
        "population_covered_pct",
        "number",
        "Part de la population couverte (%)",
        description="De 0,00 à 100,00 ; vide pour un territoire sans population.",
        unit="%",
    ),
)


def _stored_rollup(level: str, kind):
    """Conditions on the stored roll-up of one kind, rule "any", a whole territory.

    The roll-up is analysis_rollup, written by every refresh; the territory is of `level`.
    """
    return (
        (_ROLLUP.c.kinds == kind)
        & (_ROLLUP.c.rule == "any")
        & (_ROLLUP.c.parent_level == "")
        & (_ROLLUP.c.parent_code == "")  # the whole territory: the primary key's prefix
        & (_ROLLUP.c.level == level)
    )


def _has_data(kind):
    """The kind has stored coverage rows (no data: no row, never a 0 % roll-up)."""
    return exists().where(_ACK.c.kind_code == kind)


def _rollup(level: str):
    """Coverage of each territory of `level` per kind, from the stored roll-ups.

    Rule "any" (distance or perimeter): the figures of /api/analysis/coverage, one indexed
    row per territory and kind instead of an aggregation of every commune per page.
    """

    def build():
        parent = _T.alias("p")
        r = _ROLLUP
        joined = r.join(parent, (parent.c.level == level) & (parent.c.code == r.c.code)).join(
            _K,
            _K.c.code == r.c.kinds,  # single-kind sets only (a set's key has commas)
        )
        return (
            select(
                func.concat(r.c.kinds, literal("-"), parent.c.code).label("id"),
                parent.c.geom_simplified.label("geom"),
                r.c.kinds.label("kind_code"),
                _K.c.label_fr.label("kind_label"),
                parent.c.code,
                parent.c.name.label("name"),
                r.c.population.cast(Integer).label("population"),
                r.c.communes_total,
                r.c.communes_covered,
                r.c.population_covered.cast(Integer).label("population_covered"),
                (r.c.population - r.c.population_covered)
                .cast(Integer)
                .label("population_uncovered"),
                (100.0 * r.c.population_covered / func.nullif(r.c.population, 0)).label(
                    "population_covered_pct"
                ),
            )
            .select_from(joined)
            .where(_stored_rollup(level, r.c.kinds), _has_data(r.c.kinds))
        )

    return build


_PAIR_PROPS = (
    Property("a_id", "integer", "Coopération A"),
    Property("a_name", "string", "Nom de A"),
    Property("a_kind", "string", "Type de A (code)"),
    Property("a_kind_label", "string", "Type de A"),
    Property("b_id", "integer", "Coopération B"),
    Property("b_name", "string", "Nom de B"),
    Property("b_kind", "string", "Type de B (code)"),
    Property("b_kind_label", "string", "Type de B"),
    Property("distance_m", "integer", "Distance (m)", description="Arrondie au mètre.", unit="m"),
    Property("perimeters_overlap", "boolean", "Périmètres qui se recouvrent"),
    Property("weight", "number", "Complémentarité des types (0–1)", precision=3),
    Property("proximity", "number", "Proximité (0–1)", precision=3),
    Property("score", "number", "Score (complémentarité × proximité)", precision=3),
)


def _synergy_pairs():
    return pair_lines(
        _PAIR,
        _PAIR.c.a_id,
        _PAIR.c.b_id,
        func.concat(_PAIR.c.a_id, literal("-"), _PAIR.c.b_id),
        _PAIR.c.distance_m,
        _PAIR.c.perimeters_overlap,
        _PAIR.c.weight,
        _PAIR.c.proximity,
        _PAIR.c.score,
    )


# coverage summed per EPCI, département and région
_ROLLUPS: tuple[Collection, ...] = tuple(
    Collection(
        id=f"coverage-{cid}",
        title=f"Couverture des {label} par type",
        description=f"Par {singular} et par type de coopération (filtrer par kind_code) : "
        "communes et population couvertes (distance ou périmètre), sommées sur ses "
        "communes ; contour généralisé. Un type sans donnée chargée n'a aucune ligne (voir "
        "dataStatus).",
        build=_rollup(level),
        properties=_ROLLUP_PROPS,
        keywords=("analyse", "couverture", level),
        extent_level=level,
        per_kind=True,
    )
    for cid, level, label, singular in (
        ("epci", "epci", "EPCI", "EPCI"),
        ("departements", "departement", "départements", "département"),
        ("regions", "region", "régions", "région"),
    )
)

# Coverage (communes, rolled up), white zones and synergy candidates, all kinds; the
# registry (features/registry.py) serves them, with the per-kind layers of kind_collections.
ANALYSIS_COLLECTIONS: tuple[Collection, ...] = (
    *_ROLLUPS,
    Collection(
        id="coverage",
        title="Couverture des communes par type",
        description="Une ligne par commune et par type de coopération (filtrer par "
        "kind_code, ou choisir la couche coverage-<type>) : couverte ou non, par quelle "
        "règle, distance à la plus proche. Un type sans donnée chargée n'a aucune ligne "
        "(voir dataStatus).",
        build=_coverage(),
        properties=_COVERAGE_PROPS,
        heavy=True,
        tile_minzoom=5,
        keywords=("analyse", "couverture"),
        extent_level="commune",
        per_kind=True,
    ),
    Collection(
        id="white-zones",
        title="Zones blanches",
        description="Groupes de communes contiguës non couvertes, par type de coopération "
        "(règle « distance ou périmètre ») : contour dissous et simplifié. Aucune zone "
        "pour un type sans donnée chargée (voir dataStatus).",
        build=white_zones(),
        properties=ZONE_PROPS,
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
        boxes=lambda: pair_boxes(_PAIR, _PAIR.c.a_id, _PAIR.c.b_id),
        properties=_PAIR_PROPS,
        geometry_type="LineString",
        keywords=("analyse", "synergies"),
    ),
)


def kind_collections(kind: str, label: str) -> tuple[Collection, ...]:
    """`coverage-<kind>` and `white-zones-<kind>`: one kind per layer, no filter needed."""
    return (
        Collection(
            id=f"coverage-{kind}",
            title=f"Couverture des communes — {label}",
            description=f"Une ligne par commune : couverte ou non par un(e) {label} (distance "
            "ou périmètre), distance à la plus proche, zone blanche ; aucune ligne sans donnée "
            "chargée pour ce type (voir dataStatus).",
            build=_coverage(kind),
            properties=_COVERAGE_PROPS,
            heavy=True,
            tile_minzoom=5,
            keywords=("analyse", "couverture", kind),
            extent_level="commune",
            kind=kind,
        ),
        Collection(
            id=f"white-zones-{kind}",
            title=f"Zones blanches — {label}",
            description=f"Communes contiguës non couvertes par un(e) {label}, contour dissous "
            "et simplifié ; aucune zone sans donnée chargée pour ce type (voir dataStatus).",
            build=white_zones(kind),
            properties=ZONE_PROPS,
            heavy=True,
            keywords=("analyse", "zones blanches", kind),
            kind=kind,
        ),
    )


# -- wide layers: one row per territory, one column per kind (thematic maps) -------------
_UNKNOWN = (
    "vide (NULL) : aucune donnée chargée pour ce type — inconnu, et non « non couverte » "
    "(voir dataStatus)"
)


def _wide_commune_props(kinds: tuple[tuple[str, str], ...]) -> tuple[Property, ...]:
    return (
        Property("code", "string", "Code INSEE de la commune"),
        Property("name", "string", "Commune"),
        Property("population", "integer", "Population municipale"),
        Property("departement_code", "string", "Département"),
        Property("epci_code", "string", "EPCI (SIREN)"),
        *(
            Property(
                f"covered_{code}",
                "boolean",
                f"Couverte — {label}",
                description="Vrai : couverte par la distance ou un périmètre ; faux : non "
                f"couverte ; {_UNKNOWN}.",
            )
            for code, label in kinds
        ),
        Property(
            "kinds_with_data",
            "integer",
            "Types avec données",
            description="Nombre de types de coopération dont les données sont chargées.",
        ),
        Property(
            "kinds_covered",
            "integer",
            "Types présents",
            description="Parmi les types avec données, combien couvrent la commune.",
        ),
    )


def _wide_communes(kinds: tuple[tuple[str, str], ...]):
    """One row per commune, one stored coverage lookup per kind.

    One row per commune; each kind's column looks up its stored coverage row (primary
    key kind_code, commune_code): no row means no data for that kind, hence NULL.
    """

    def build():
        def per_commune(*where):
            return select(func.count()).where(_ACK.c.commune_code == _T.c.code, *where)

        covered = _ACK.c.covered_distance | _ACK.c.covered_perimeter
        columns = [
            _T.c.code.label("id"),
            _T.c.geom,
            _T.c.code,
            _T.c.name,
            _T.c.population,
            _T.c.departement_code,
            _T.c.epci_code,
        ]
        columns += [
            select(covered)
            .where(_ACK.c.commune_code == _T.c.code, _ACK.c.kind_code == code)
            .scalar_subquery()
            .label(f"covered_{code}")
            for code, _label in kinds
        ]
        columns += [
            per_commune().scalar_subquery().label("kinds_with_data"),
            per_commune(covered).scalar_subquery().label("kinds_covered"),
        ]
        return select(*columns).where(_T.c.level == "commune")

    return build


def _wide_rollup_props(kinds: tuple[tuple[str, str], ...], singular: str) -> tuple[Property, ...]:
    return (
        Property("code", "string", f"Code du {singular}"),
        Property("name", "string", "Nom"),
        Property("population", "integer", "Population (somme des communes)"),
        Property("communes_total", "integer", "Communes"),
        *(
            Property(
                f"covered_pct_{code}",
                "number",
                f"Population couverte — {label} (%)",
                description=f"De 0,00 à 100,00 (distance ou périmètre) ; {_UNKNOWN}.",
                unit="%",
            )
            for code, label in kinds
        ),
    )


def _wide_rollup(kinds: tuple[tuple[str, str], ...], level: str, parent_column: str):
    """Per territory of `level`, each kind's share of population covered.

    Read from the stored roll-ups (one indexed row per cell); a kind without data gives NULL, not 0
    %.
    """

    def build():
        commune = _T.alias("c")
        parent = _T.alias("p")
        communes = (  # the communes the stored roll-ups count (those with a boundary)
            select(
                commune.c[parent_column].label("parent_code"),
                func.sum(func.coalesce(commune.c.population, 0)).label("population"),
                func.count().label("communes_total"),
            )
            .where(commune.c.level == "commune", commune.c.geom.is_not(None))
            .group_by(commune.c[parent_column])
            .subquery("n")
        )
        r = _ROLLUP
        per_kind = [
            case(
                (
                    _has_data(literal(code)),
                    select(100.0 * r.c.population_covered / func.nullif(r.c.population, 0))
                    .where(_stored_rollup(level, literal(code)), r.c.code == parent.c.code)
                    .scalar_subquery(),
                ),
                else_=None,
            ).label(f"covered_pct_{code}")
            for code, _label in kinds
        ]
        return (
            select(
                parent.c.code.label("id"),
                parent.c.geom_simplified.label("geom"),
                parent.c.code,
                parent.c.name,
                communes.c.population.cast(Integer).label("population"),
                communes.c.communes_total,
                *per_kind,
            )
            .select_from(parent.join(communes, communes.c.parent_code == parent.c.code))
            .where(parent.c.level == level)
        )

    return build


def wide_collections(kinds: tuple[tuple[str, str], ...]) -> tuple[Collection, ...]:
    """`coverage-wide` and its roll-ups per EPCI, département and région.

    `coverage-wide` (one row per commune, one yes/no/unknown column per kind) and its
    roll-ups per EPCI, département and région (one share of population per kind).
    """
    wide = Collection(
        id="coverage-wide",
        title="Couverture des communes, tous types (une colonne par type)",
        description="Une ligne par commune, une colonne covered_<type> par type de "
        "coopération pour les cartes thématiques : vrai (couverte), faux (non couverte) ou "
        "vide quand aucune donnée n'est chargée pour ce type (inconnu, pas « non »).",
        build=_wide_communes(kinds),
        properties=_wide_commune_props(kinds),
        heavy=True,
        tile_minzoom=5,  # like `coverage`: a tile below shows too many communes to read
        keywords=("analyse", "couverture", "commune"),
        extent_level="commune",
        per_kind=True,
    )
    rollups = tuple(
        Collection(
            id=f"coverage-wide-{cid}",
            title=f"Couverture des {label}, tous types (une colonne par type)",
            description=f"Une ligne par {singular}, une colonne covered_pct_<type> par type : "
            "part de la population couverte (distance ou périmètre), vide quand aucune "
            "donnée n'est chargée pour ce type ; contour généralisé.",
            build=_wide_rollup(kinds, level, column),
            properties=_wide_rollup_props(kinds, singular),
            keywords=("analyse", "couverture", level),
            extent_level=level,
            per_kind=True,
        )
        for cid, level, column, label, singular in (
            ("epci", "epci", "epci_code", "EPCI", "EPCI"),
            ("departements", "departement", "departement_code", "départements", "département"),
            ("regions", "region", "region_code", "régions", "région"),
        )
    )
    return (wide, *rollups)
