"""Which source column feeds which cooperation field: French headers, mapping files.

Headers are compared by their search key (geocoop.text.normalize_name: case, accents,
`_`/`-`/`.` ignored), so `code_insee`, `Code INSEE` and `CODE-INSEE` are one header.
A mapping file (YAML or JSON) names the columns the heuristics do not know:

    columns: {name: "Raison sociale", commune_code: "DEPCOM", kind: "Dispositif"}
    kinds: {"Coworking": tiers_lieu}     # source value -> kind code
    ignore: ["Colonne inutile"]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from geocoop.errors import IngestError
from geocoop.text import normalize_name

# field -> recognised header keys (normalize_name of the header)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "source_id": (
        "id",
        "identifiant",
        "id fs",
        "matricule",
        "ref",
        "reference",
        "code structure",
        "id structure",
        "siret",
    ),
    "name": (
        "nom",
        "name",
        "nom structure",
        "nom de la structure",
        "raison sociale",
        "libelle",
        "lib fs",
        "nom tl",
        "lib france services",
        "denomination",
        "intitule",
        "nom cooperation",
        "nom du projet",
        "projet",
    ),
    "kind": (
        "type",
        "kind",
        "type cooperation",
        "type de cooperation",
        "dispositif",
        "type de structure",
    ),
    "commune_name": (
        "commune",
        "ville",
        "nom commune",
        "nomcom",
        "lib com",
        "libelle commune",
        "localite",
        "nom de la commune",
        "commune siege",
    ),
    "commune_code": (
        "code insee",
        "insee",
        "insee com",
        "inseecom",
        "code commune",
        "codgeo",
        "depcom",
        "cog",
        "code insee commune",
        "com insee",
    ),
    "postcode": ("code postal", "cp", "codepostal", "postcode", "zip", "code post"),
    "latitude": ("latitude", "lat", "y lat", "coord lat"),
    "longitude": ("longitude", "lon", "long", "lng", "x lon", "coord long"),
    "address": ("adresse", "address", "adresse postale", "voie", "adresse 1"),
    "website": ("site", "web", "site web", "site internet", "url", "website", "internet"),
    "perimeter": (
        "perimetre",
        "territoire",
        "territoire d action",
        "perimetre d action",
        "zone d intervention",
        "communes couvertes",
        "territoires",
    ),
    "category": ("categorie", "category", "categorie de cooperation"),
    "socio_economic_model": (
        "modele",
        "modele socio economique",
        "modele economique",
        "socio economic model",
        "modele socioeconomique",
    ),
    "stage": ("stade", "stage", "phase", "maturite", "stade de developpement"),
    "legal_form": ("forme juridique", "statut juridique", "legal form", "statut"),
    "governance": ("gouvernance", "governance", "mode de gouvernance"),
    "stakeholders": ("parties prenantes", "acteurs", "stakeholders", "membres"),
    "accompaniment": ("accompagnement", "type d accompagnement", "accompaniment"),
    "accompanied_by": (
        "accompagne par",
        "structure d accompagnement",
        "accompagnateur",
        "accompanied by",
    ),
    "financing_sources": (
        "financement",
        "financements",
        "sources de financement",
        "financing",
        "financeurs",
    ),
    "year_founded": (
        "annee de creation",
        "annee creation",
        "date de creation",
        "creation",
        "year founded",
        "annee",
    ),
    "partners": ("partenaires", "partenariats", "partners", "cooperations partenaires"),
}
FIELDS = tuple(HEADER_ALIASES)

# Personal data: never stored, never echoed in reject reports (see docs/cooperations.md).
PERSONAL_HEADERS = frozenset(
    {
        "contact",
        "mail",
        "email",
        "e mail",
        "courriel",
        "telephone",
        "tel",
        "contact mail",
        "portable",
        "mobile",
        "phone",
        "nom contact",
        "prenom",
        "contact nom",
        "contact telephone",
        "telephone contact",
        "adresse mail",
        "mail contact",
    }
)

KIND_ALIASES = {
    "tiers lieu": "tiers_lieu",
    "tiers lieux": "tiers_lieu",
    "third place": "tiers_lieu",
    "coworking": "tiers_lieu",
    "fablab": "tiers_lieu",
    "projet alimentaire territorial": "pat",
    "pat": "pat",
    "territoire zero chomeur": "tzcld",
    "territoire zero chomeur de longue duree": "tzcld",
    "tzcld": "tzcld",
    "ptce": "ptce",
    "pole territorial de cooperation economique": "ptce",
    "france services": "france_services",
    "fs": "france_services",
    "maison france services": "france_services",
    "scic": "scic",
    "cae": "cae",
    "cooperative d activite et d emploi": "cae",
    "monnaie locale": "monnaie_locale",
    "monnaie locale complementaire": "monnaie_locale",
    "structure d appui": "appui",
    "appui": "appui",
    "autre": "autre",
}
_CATEGORY = {
    "modelisee": "modelisee",
    "non modelisee": "non_modelisee",
    "systemique": "systemique",
    "modelise": "modelisee",
    "non modelise": "non_modelisee",
}
_MODEL = {
    "marchande": "marchande",
    "marchand": "marchande",
    "non marchande": "non_marchande",
    "non marchand": "non_marchande",
    "hybride": "hybride",
}
_STAGE = {
    "emergence": "emergence",
    "en emergence": "emergence",
    "emergente": "emergence",
    "operationnelle": "operationnelle",
    "operationnel": "operationnelle",
    "en fonctionnement": "operationnelle",
}
_ACCOMPANIMENT = {"interne": "interne", "externe": "externe"}
VOCABULARIES = {
    "category": _CATEGORY,
    "socio_economic_model": _MODEL,
    "stage": _STAGE,
    "accompaniment": _ACCOMPANIMENT,
}


@dataclass
class ColumnMapping:
    """Source header of each field, the value→kind table, and the columns to leave out."""

    columns: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    personal: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def extra_columns(self, headers: list[str]) -> list[str]:
        """Headers that go to `attributes` (neither mapped, personal nor ignored)."""
        used = set(self.columns.values()) | set(self.personal) | set(self.ignored)
        return [h for h in headers if h not in used]


def load_mapping_file(path: Path) -> dict:
    """Parse a YAML/JSON mapping file and check its shape."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise IngestError(f"{path.name} : fichier de correspondance illisible ({exc}).") from None
    if not isinstance(data, dict):
        raise IngestError(f"{path.name} : le fichier de correspondance doit être un objet.")
    unknown = set(data) - {"columns", "kinds", "ignore"}
    if unknown:
        raise IngestError(
            f"{path.name} : clés inconnues {sorted(unknown)} (attendu : columns, kinds, ignore)."
        )
    columns = data.get("columns") or {}
    bad = sorted(set(columns) - set(FIELDS))
    if bad:
        raise IngestError(
            f"{path.name} : champs inconnus {bad} ; champs possibles : {', '.join(FIELDS)}."
        )
    return {
        "columns": {k: str(v) for k, v in columns.items()},
        "kinds": {str(k): str(v) for k, v in (data.get("kinds") or {}).items()},
        "ignore": [str(v) for v in data.get("ignore") or []],
    }


def build_mapping(headers: list[str], explicit: dict | None, file_name: str) -> ColumnMapping:
    """Match headers to fields: the explicit mapping first, then the French heuristics."""
    explicit = explicit or {}
    mapping = ColumnMapping(
        kinds={normalize_name(k): v for k, v in (explicit.get("kinds") or {}).items()},
        ignored=list(explicit.get("ignore") or []),
    )
    for field_name, header in (explicit.get("columns") or {}).items():
        if header not in headers:
            raise IngestError(
                f"{file_name} : la colonne « {header} » du fichier de "
                f"correspondance (champ {field_name}) est absente."
            )
        mapping.columns[field_name] = header
    taken = set(mapping.columns.values()) | set(mapping.ignored)
    keys = {h: normalize_name(h.replace(".", " ")) for h in headers}
    for header in headers:
        if keys[header] in PERSONAL_HEADERS and header not in taken:
            mapping.personal.append(header)
    for field_name, aliases in HEADER_ALIASES.items():
        if field_name in mapping.columns:
            continue
        for alias in aliases:  # alias order = preference
            match = next((h for h in headers if keys[h] == alias and h not in taken), None)
            if match:
                mapping.columns[field_name] = match
                taken.add(match)
                break
    return mapping
