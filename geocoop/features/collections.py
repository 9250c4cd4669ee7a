"""The collections of territories and cooperations: what the API serves, from which table,
with which queryables (features/registry.py lists every served collection).

A collection is a SELECT exposing an `id` column, a `geom` column (EPSG:4326) and its
properties; filters only ever address columns listed here, so a client-supplied name can
never reach SQL (CVE-2023-25157-style identifier injection is impossible by construction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select, Text, func, select

from geocoop.models import Cooperation, Kind, Territory

# JSON-schema type of each property type used below
JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "date-time": {"type": "string", "format": "date-time"},
    "array": {"type": "array", "items": {"type": "string"}},
    "boolean": {"type": "boolean"},
}


@dataclass(frozen=True)
class Property:
    """One output property; `queryable` ones can be filtered on (equality and CQL2)."""

    name: str
    type: str  # a key of JSON_TYPES
    title: str
    queryable: bool = True
    enum: tuple[str, ...] | None = None

    def schema(self) -> dict:
        """JSON schema of the property (for queryables and the OpenAPI document)."""
        out = {"title": self.title, **JSON_TYPES[self.type]}
        if self.enum:
            out["enum"] = list(self.enum)
        return out


@dataclass(frozen=True)
class Collection:
    """A feature collection: its metadata and the SELECT that produces its rows."""

    id: str
    title: str
    description: str
    build: Callable[[], Select]  # columns: id, geom, then one per property (same names)
    properties: tuple[Property, ...]
    id_type: str = "string"  # "string" or "integer": how featureId is parsed
    geometry_type: str = "MultiPolygon"
    heavy: bool = False  # big polygons: exports bounded more tightly
    tile_minzoom: int = 0
    tile_maxzoom: int = 14
    keywords: tuple[str, ...] = field(default_factory=tuple)
    temporal: str | None = None  # the date-time property `datetime` filters on, if any
    per_kind: bool = False  # rows per cooperation kind: the document lists each kind's data

    def prop(self, name: str) -> Property | None:
        """The property called `name`, if this collection has it."""
        return next((p for p in self.properties if p.name == name), None)

    @property
    def queryables(self) -> tuple[Property, ...]:
        """Properties that may be used in filters."""
        return tuple(p for p in self.properties if p.queryable)


_T = Territory.__table__
_C = Cooperation.__table__
_K = Kind.__table__

_TERRITORY_COMMON = (
    Property("code", "string", "Code officiel (INSEE, SIREN pour les EPCI)"),
    Property("name", "string", "Nom"),
    Property("population", "integer", "Population municipale"),
    Property("population_year", "integer", "Année de la population"),
    Property("area_km2", "number", "Superficie (km²)"),
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
        Property("postcodes", "array", "Codes postaux", queryable=False),
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
    Property("staff_fte", "number", "Animation (ETP par an)"),
    Property("financing", "string", "Financements (séparés par « ; »)", queryable=False),
    Property(
        "stakeholders_list", "string", "Parties prenantes (séparées par « ; »)", queryable=False
    ),
    Property("networks_list", "string", "Réseaux (séparés par « ; »)", queryable=False),
    Property("peer_cooperation", "boolean", "Coopère avec d'autres coopérations du même type"),
    Property("quality_flags", "string", "Signalements qualité (séparés par « ; »)"),
    Property("quality_detail", "string", "Détail des signalements (JSON)", queryable=False),
    Property("year_founded", "integer", "Année de création"),
    Property("website", "string", "Site web", queryable=False),
    Property("address", "string", "Adresse", queryable=False),
    Property("postcode", "string", "Code postal"),
    Property("commune_code", "string", "Code INSEE de la commune"),
    Property("location_precision", "string", "Précision de la localisation"),
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


BASE_COLLECTIONS: tuple[Collection, ...] = tuple(
    c
    for c in (
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
)


def queryables_schema(collection: Collection, schema_id: str) -> dict:
    """JSON schema of the properties usable in filters (OGC API – Features Part 3)."""
    props = {p.name: p.schema() for p in collection.queryables}
    props["geometry"] = {
        "title": "Géométrie",
        "format": "geometry-" + collection.geometry_type.lower(),
        "x-ogc-role": "primary-geometry",
    }
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": schema_id,
        "type": "object",
        "title": collection.title,
        "properties": props,
        "additionalProperties": False,
    }
