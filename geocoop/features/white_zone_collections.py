"""The white-zone collections' properties and SELECT (`white-zones`, `white-zones-<kind>`).

The stored zones of `analysis_zone` (rule « any »), with the name and reason each refresh
stores beside the outline (migration 0019): what QGIS and GDAL read.
"""

from __future__ import annotations

from sqlalchemy import func, select

from geocoop.features.spec import Property
from geocoop.models import AnalysisZone, Kind

_K = Kind.__table__
_ZONE = AnalysisZone.__table__
KIND_CODE = Property("kind_code", "string", "Type de coopération (code)")
KIND_LABEL = Property("kind_label", "string", "Type de coopération")

ZONE_PROPS = (
    KIND_CODE,
    KIND_LABEL,
    Property(
        "zone_id",
        "string",
        "Identifiant de zone",
        description="Plus petit code INSEE des communes de la zone.",
    ),
    Property("communes_count", "integer", "Nombre de communes"),
    Property("population", "integer", "Population municipale"),
    Property(
        "area_km2", "number", "Superficie (km²)", description="Arrondie à 0,01 km².", unit="km2"
    ),
    Property(
        "departements",
        "array",
        "Départements touchés",
        queryable=False,
        description="Liste ; séparés par des espaces en CSV et GeoPackage.",
    ),
    Property("departements_count", "integer", "Nombre de départements touchés"),
    Property(
        "name_fr",
        "string",
        "Nom de la zone",
        description="« Zone autour de <commune la plus peuplée> (<son département>) », plus "
        "« : N départements » quand elle en touche plusieurs.",
    ),
    Property("name_en", "string", "Nom de la zone (anglais)", description="Name in English."),
    Property(
        "reason_fr",
        "string",
        "Pourquoi la zone est blanche",
        queryable=False,
        description="La coopération du type la plus proche, sa distance et la distance de "
        "service de la règle.",
    ),
    Property(
        "reason_en",
        "string",
        "Pourquoi la zone est blanche (anglais)",
        queryable=False,
        description="The reason in English.",
    ),
    Property("main_commune", "string", "Commune principale", description="La plus peuplée."),
    Property("main_commune_code", "string", "Code INSEE de la commune principale"),
    Property("departement", "string", "Département de la commune principale (code)"),
    Property("epci", "string", "EPCI de la commune principale"),
    Property("epci_code", "string", "EPCI de la commune principale (SIREN)"),
    Property(
        "nearest_cooperation",
        "string",
        "Coopération la plus proche",
        description="Son nom ; vide quand aucune coopération du type n'est localisée.",
    ),
    Property(
        "nearest_cooperation_id",
        "integer",
        "Coopération la plus proche (identifiant)",
        description="Identifiant dans la collection cooperations.",
    ),
    Property(
        "nearest_distance_m",
        "integer",
        "Distance à la plus proche (m)",
        description="Du bord de la commune de la zone la plus proche, géodésique, arrondie "
        "au mètre ; 0 quand elle est dans la zone (sans la couvrir par un périmètre).",
        unit="m",
    ),
    Property(
        "service_distance_m",
        "integer",
        "Distance de service (m)",
        description="Distance à laquelle une coopération de ce type couvre une commune.",
        unit="m",
    ),
    Property(
        "rule",
        "string",
        "Règle",
        enum=("any",),
        description="« any » : une commune est couverte par la distance de service ou par un "
        "périmètre d'action.",
    ),
)


def white_zones(kind: str | None = None):
    """Stored outlines (analysis_zone): dissolved member communes, simplified.

    With the name and reason each refresh stores (zones.store_names), as the live list
    /api/analysis/white-zones gives them for whole zones, rule « any ».
    """

    def build():
        joined = _ZONE.join(_K, _K.c.code == _ZONE.c.kind_code)
        fid = _ZONE.c.zone_id if kind else func.concat(_ZONE.c.kind_code, "-", _ZONE.c.zone_id)
        stmt = select(
            fid.label("id"),
            _ZONE.c.geom,
            _ZONE.c.kind_code,
            _K.c.label_fr.label("kind_label"),
            _ZONE.c.zone_id,
            _ZONE.c.communes_count,
            _ZONE.c.population,
            _ZONE.c.area_km2,
            _ZONE.c.departements,
            _ZONE.c.departements_count,
            _ZONE.c.name_fr,
            _ZONE.c.name_en,
            _ZONE.c.reason_fr,
            _ZONE.c.reason_en,
            _ZONE.c.main_commune_name.label("main_commune"),
            _ZONE.c.main_commune.label("main_commune_code"),
            _ZONE.c.main_departement.label("departement"),
            _ZONE.c.epci_name.label("epci"),
            _ZONE.c.main_epci.label("epci_code"),
            _ZONE.c.nearest_cooperation_name.label("nearest_cooperation"),
            _ZONE.c.nearest_cooperation_id,
            _ZONE.c.nearest_distance_m,
            _ZONE.c.service_distance_m,
            _ZONE.c.rule,
        ).select_from(joined)
        return stmt if kind is None else stmt.where(_ZONE.c.kind_code == kind)

    return build
