"""The collections of territories and cooperations that the API serves.

The collections of territories and cooperations: what the API serves, from which table,
with which properties (features/registry.py lists every served collection).

A collection is a SELECT exposing an `id` column, a `geom` column (EPSG:4326) and its
properties; filters only ever address columns listed here, so a client-supplied name can
never reach SQL (CVE-2023-25157-style identifier injection is impossible by construction).
Registration is `geocoop.features.registry`'s job; this module only defines.
"""

from __future__ import annotations

from collections.abc import Callable

from geoalchemy2 import Geometry
from sqlalchemy import Select, Text, cast, func, null, select

from geocoop.features.pairs import pair_boxes, pair_lines
from geocoop.features.spec import Collection, Property
from geocoop.models import Cooperation, Kind, Partnership, Territory

_T = Territory.__table__
_C = Cooperation.__table__
_K = Kind.__table__
_P = Partnership.__table__

_TERRITORY_COMMON = (
    Property("code", "string", "Code officiel", description="Code INSEE (SIREN pour les EPCI)."),
    Property("name", "string", "Nom"),
    Property("population", "integer", "Population municipale", description="Recensement INSEE."),
    Property("population_year", "integer", "Année de la population"),
    Property(
        "area_km2",
        "number",
        "Superficie (km²)",
        description="Surface calculée sur le contour, arrondie à 0,01 km².",
        unit="km2",
    ),
    Property("vintage", "string", "Millésime de la géographie", queryable=False),
)
_TERRITORY_PARENTS = {
    "region": (),
    "departement": (Property("region_code", "string", "Code de la région"),),
    "epci": (
        Property("region_code", "string", "Code de la région"),
        Property("departement_code", "string", "Code du département du siège"),
    ),
    "commune": (
        Property("region_code", "string", "Code de la région"),
        Property("departement_code", "string", "Code du département"),
        Property("epci_code", "string", "SIREN de l'EPCI"),
        Property(
            "postcodes",
            "array",
            "Codes postaux",
            queryable=False,
            description="Liste ; séparés par des espaces en CSV et GeoPackage.",
        ),
    ),
}


def _territory_builder(level: str) -> Callable[[], Select]:
    props = _TERRITORY_COMMON + _TERRITORY_PARENTS[level]

    def build() -> Select:
        columns = [_T.c.code.label("id"), _T.c.geom.label("geom")]
        columns += [_T.c[p.name].label(p.name) for p in props]
        return select(*columns).where(_T.c.level == level)

    return build


def _territory(cid: str, level: str, title: str, description: str, **kw) -> Collection:
    return Collection(
        id=cid,
        title=title,
        description=description,
        build=_territory_builder(level),
        properties=_TERRITORY_COMMON + _TERRITORY_PARENTS[level],
        keywords=("territoire", level),
        extent_level=level,
        **kw,
    )


_COOPERATION_PROPS = (
    Property("kind_code", "string", "Type de coopération (code)"),
    Property("kind_label", "string", "Type de coopération"),
    Property("name", "string", "Nom"),
    Property("category", "string", "Catégorie", enum=("modelisee", "non_modelisee", "systemique")),
    Property(
        "socio_economic_model",
        "string",
        "Modèle socio-économique",
        enum=("marchande", "non_marchande", "hybride"),
    ),
    Property("stage", "string", "Stade", enum=("emergence", "operationnelle")),
    Property("category_derived", "boolean", "Catégorie déduite du type (non déclarée)"),
    Property("legal_form", "string", "Forme juridique"),
    Property("lead_body", "string", "Porteur"),
    Property("lead_body_type", "string", "Type de porteur"),
    Property(
        "staff_fte",
        "number",
        "Animation (ETP par an)",
        description="Équivalents temps plein, arrondis à 0,01.",
    ),
    Property("financing", "string", "Financements (séparés par « ; »)", queryable=False),
    Property(
        "stakeholders_list", "string", "Parties prenantes (séparées par « ; »)", queryable=False
    ),
    Property("networks_list", "string", "Réseaux (séparés par « ; »)", queryable=False),
    Property("peer_cooperation", "boolean", "Coopère avec d'autres coopérations du même type"),
    Property("quality_flags", "string", "Signalements qualité (séparés par « ; »)"),
    Property("quality_detail", "string", "Détail des signalements (JSON)", queryable=False),
    Property("year_founded", "integer", "Année de création", description="Vide si inconnue."),
    Property("website", "string", "Site web", queryable=False),
    Property("address", "string", "Adresse", queryable=False),
    Property("postcode", "string", "Code postal"),
    Property("commune_code", "string", "Code INSEE de la commune"),
    Property(
        "location_precision",
        "string",
        "Précision de la localisation",
        description="coordinates (coordonnées de la source), geometry, perimeter, insee_code, "
        "postcode_name, commune_name (centre de la commune).",
    ),
    Property("source", "string", "Source"),
    Property("colour", "string", "Couleur du type sur la carte", queryable=False),
    Property("updated_at", "date-time", "Dernière mise à jour"),
)


def _cooperations() -> Select:
    joined = _C.join(_K, _K.c.code == _C.c.kind_code)
    direct = [p.name for p in _COOPERATION_PROPS if p.name in _C.c]
    return select(
        _C.c.id.label("id"),
        _C.c.location.label("geom"),
        *(_C.c[name].label(name) for name in direct if name != "name"),
        _C.c.name.label("name"),
        _K.c.label_fr.label("kind_label"),
        _K.c.colour.label("colour"),
        func.coalesce(_C.c.derived_fields.contains(["category"]), False).label("category_derived"),
        func.array_to_string(_C.c.financing_sources, "; ").label("financing"),
        func.array_to_string(_C.c.stakeholders, "; ").label("stakeholders_list"),
        func.array_to_string(_C.c.networks, "; ").label("networks_list"),
        func.nullif(
            func.array_to_string(
                func.array(
                    select(func.jsonb_object_keys(_C.c.quality)).correlate(_C).scalar_subquery()
                ),
                "; ",
            ),
            "",
        ).label("quality_flags"),
        func.cast(_C.c.quality, Text).label("quality_detail"),
    ).select_from(joined)


_KIND_PROPS = (
    Property("code", "string", "Code du type"),
    Property("label_fr", "string", "Type de coopération"),
    Property("label_en", "string", "Type de coopération (anglais)"),
    Property(
        "default_category",
        "string",
        "Catégorie habituelle",
        enum=("modelisee", "non_modelisee", "systemique"),
    ),
    Property(
        "service_distance_m",
        "integer",
        "Distance de service (m)",
        description="Distance à laquelle une coopération de ce type couvre une commune.",
        unit="m",
    ),
    Property("is_support", "boolean", "Structure d'appui (couche de contexte)"),
    Property("colour", "string", "Couleur sur la carte", queryable=False),
    Property(
        "cooperations",
        "integer",
        "Coopérations chargées",
        description="0 : aucune donnée chargée (inconnu, pas « aucune coopération » ; voir "
        "dataStatus).",
    ),
)


def _kinds() -> Select:
    count = select(func.count()).where(_C.c.kind_code == _K.c.code).scalar_subquery()
    return select(
        _K.c.code.label("id"),
        cast(null(), Geometry("GEOMETRY", srid=4326)).label("geom"),
        _K.c.code,
        _K.c.label_fr,
        _K.c.label_en,
        _K.c.default_category,
        _K.c.service_distance_m,
        _K.c.is_support,
        _K.c.colour,
        count.label("cooperations"),
    )


_PARTNERSHIP_PROPS = (
    Property("a_id", "integer", "Coopération A"),
    Property("a_name", "string", "Nom de A"),
    Property("a_kind", "string", "Type de A (code)"),
    Property("a_kind_label", "string", "Type de A"),
    Property("b_id", "integer", "Coopération B"),
    Property("b_name", "string", "Nom de B"),
    Property("b_kind", "string", "Type de B (code)"),
    Property("b_kind_label", "string", "Type de B"),
    Property("description", "string", "Description du partenariat", queryable=False),
    Property("source", "string", "Source"),
    Property("created_at", "date-time", "Enregistré le"),
)


def _partnerships() -> Select:
    return pair_lines(
        _P,
        _P.c.cooperation_a_id,
        _P.c.cooperation_b_id,
        _P.c.id,
        _P.c.description,
        _P.c.source,
        _P.c.created_at,
    )


# The kinds (a table) and the declared partnerships (a line from A to B)
REFERENCE_COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        id="kinds",
        title="Types de coopération",
        description="Les types de coopération (PTCE, PAT, TZCLD, tiers-lieux…) : libellés, "
        "distance de service, couleur, nombre de coopérations chargées. Table sans "
        "géométrie ; dataStatus dit ce qui est chargé pour chacun.",
        build=_kinds,
        properties=_KIND_PROPS,
        geometry_type=None,
        keywords=("référentiel", "types"),
        per_kind=True,
    ),
    Collection(
        id="partnerships",
        title="Partenariats déclarés",
        description="Liens déclarés entre deux coopérations (ligne de A vers B ; sans "
        "géométrie si l'une n'est pas localisée).",
        build=_partnerships,
        boxes=lambda: pair_boxes(_P, _P.c.cooperation_a_id, _P.c.cooperation_b_id),
        properties=_PARTNERSHIP_PROPS,
        id_type="integer",
        geometry_type="LineString",
        keywords=("coopération", "partenariats"),
        temporal="created_at",
    ),
)

# Régions, départements, EPCI and communes, then every located cooperation (all kinds)
BASE_COLLECTIONS: tuple[Collection, ...] = (
    _territory("regions", "region", "Régions", "Régions françaises (contours IGN, INSEE)."),
    _territory(
        "departements", "departement", "Départements", "Départements (contours IGN, INSEE)."
    ),
    _territory(
        "epci",
        "epci",
        "EPCI",
        "Intercommunalités à fiscalité propre (métropoles, CU, CA, CC).",
        heavy=True,
        tile_minzoom=5,
    ),
    _territory(
        "communes",
        "commune",
        "Communes",
        "Communes avec leur population municipale INSEE.",
        heavy=True,
        tile_minzoom=7,
    ),
    Collection(
        id="cooperations",
        title="Coopérations territoriales",
        description="PTCE, PAT, TZCLD, tiers-lieux, SCIC, CAE, monnaies locales, "
        "France services… localisés.",
        build=_cooperations,
        properties=_COOPERATION_PROPS,
        id_type="integer",
        geometry_type="Point",
        keywords=("coopération", "ESS"),
        temporal="updated_at",
    ),
)
