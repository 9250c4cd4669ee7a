"""Which source column feeds which cooperation field: French headers, mapping files.

Headers are compared by their search key (geocoop.text.normalize_name: case, accents,
`_`/`-`/`.` ignored), so `code_insee`, `Code INSEE` and `CODE-INSEE` are one header.
A mapping file (YAML or JSON) names the columns the heuristics do not know:

    columns: {name: "Raison sociale", commune_code: "DEPCOM", kind: "Dispositif",
              stakeholders: ["Partenaires 1", "Partenaires 2"]}   # list fields: several
    kinds: {"Coworking": tiers_lieu}     # source value -> kind code
    values: {stage: {"Labellisation en attente": null}}   # source value -> vocabulary
    join: {path: "fiches.csv", on: "id"} # a second file of the same rows (CLI only)
    keep: ["Gouvernance"]                # kept in attributes, not guessed as a field
    ignore: ["Colonne inutile"]

Columns the heuristics do not match exactly are tried by prefix (`nom_*`, `libelle_*`)
for the name; every import reports how each column was read (`column_report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geocoop.errors import IngestError
from geocoop.ingest import mapping_file
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
        "nom projet",
        "projet",
        "nom administratif",
        "libelle structure",
        "libelle de la structure",
        "nom de l organisation",
        "nom usuel",
        "titre",
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
        "communes code insee",
        "codes insee",
        "codes communes",
        "liste des communes",
        "code insee des communes",
    ),
    "category": ("categorie", "category", "categorie de cooperation"),
    "socio_economic_model": (
        "modele",
        "modele socio economique",
        "modele economique",
        "socio economic model",
        "modele socioeconomique",
    ),
    "stage": (
        "stade",
        "stage",
        "phase",
        "maturite",
        "stade de developpement",
        "niveau",
        "niveaux de labelisation",
        "niveaux de labellisation",
        "niveau de labelisation",
        "niveau de labellisation",
        "labellisation",
        "labelisation",
        "labellisation niveau",
        "niveau labellisation",
        "niveau de reconnaissance",
    ),
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
        "dispositifs financiers",
        "dispositif financier",
        "dispositifs de financement",
    ),
    "lead_body": (
        "porteur",
        "structure porteuse",
        "porteur du projet",
        "porteur point dentree du pat",
        "porteur point d entree",
    ),
    "lead_body_type": (
        "type de porteur",
        "type porteur",
        "type de structure porteuse",
        "porteur point dentree du pat type",
    ),
    "staff_fte": (
        "etp",
        "etp animation",
        "equivalent temps plein",
        "equivalent temps plein consacre a la gestion et lanimation du pat par an",
    ),
    "networks": (
        "reseaux",
        "reseau",
        "reseaux d appartenance",
        "liste des reseaux dont le pat est membre reseau regional des pat",
    ),
    "peer_cooperation": (
        "cooperation avec d autres pat",
        "actions de cooperation avec dautres pat",
        "actions de cooperation avec d autres pat",
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
# A value that is recognised but says the field is not known yet: stored as unknown (NULL),
# kept as written in `attributes`, and not reported as unrecognised.
UNKNOWN = ""
# Labellisation levels (PAT: Niveau 1 = emerging project, Niveau 2 = operational project,
# Ministry of Agriculture); "en attente" = not yet labelled: stage unknown.
_STAGE.update(
    {
        "niveau 1": "emergence",
        "labellisation niveau 1": "emergence",
        "labelisation niveau 1": "emergence",
        "niveau 2": "operationnelle",
        "labellisation niveau 2": "operationnelle",
        "labelisation niveau 2": "operationnelle",
        "labellisation en attente": UNKNOWN,
        "labelisation en attente": UNKNOWN,
        "en attente": UNKNOWN,
        "non renseigne": UNKNOWN,
        "inconnu": UNKNOWN,
    }
)
# Bare level numbers only mean a stage under a level header ("niveau", "labellisation").
LEVEL_STAGE = {"1": "emergence", "2": "operationnelle"}
LEVEL_HEADERS = ("niveau", "labellisation", "labelisation")
_BOOLEAN = {
    "oui": True,
    "yes": True,
    "vrai": True,
    "true": True,
    "1": True,
    "x": True,
    "non": False,
    "no": False,
    "faux": False,
    "false": False,
    "0": False,
}
VOCABULARIES = {
    "category": _CATEGORY,
    "socio_economic_model": _MODEL,
    "stage": _STAGE,
    "accompaniment": _ACCOMPANIMENT,
}
LIST_FIELDS = ("stakeholders", "financing_sources", "networks")


@dataclass
class ColumnMapping:
    """Source header of each field, the value→kind table, and the columns to leave out."""

    columns: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    personal: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    more_columns: dict[str, list[str]] = field(default_factory=dict)  # list fields: extra
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)  # field -> table
    guessed: dict[str, str] = field(default_factory=dict)  # field -> how it was matched

    def headers_of(self, field_name: str) -> list[str]:
        """Every source column feeding `field_name` (list fields may have several)."""
        first = self.columns.get(field_name)
        return ([first] if first else []) + self.more_columns.get(field_name, [])

    def extra_columns(self, headers: list[str]) -> list[str]:
        """Headers that go to `attributes` (neither mapped, personal nor ignored)."""
        used = set(self.columns.values()) | set(self.personal) | set(self.ignored)
        used.update(h for hs in self.more_columns.values() for h in hs)
        return [h for h in headers if h not in used]

    def column_report(self, headers: list[str]) -> list[dict]:
        """How each column was read: to a field (and how matched), kept, or left out."""
        by_header: dict[str, dict] = {}
        for field_name in self.columns:
            for header in self.headers_of(field_name):
                by_header[header] = {
                    "field": field_name,
                    "how": self.guessed.get(field_name, "mapping"),
                }
        report = []
        for header in headers:
            if header in by_header:
                entry = {"column": header, "read_as": "field", **by_header[header]}
            elif header in self.personal:
                entry = {"column": header, "read_as": "personal_not_stored"}
            elif header in self.ignored:
                entry = {"column": header, "read_as": "ignored"}
            else:
                entry = {"column": header, "read_as": "attributes"}
            report.append(entry)
        return report


MAPPING_KEYS = ("columns", "kinds", "values", "join", "keep", "ignore")


def load_mapping_file(path: Path) -> dict:
    """Parse a YAML/JSON mapping file as untrusted input and check its shape.

    Parse a YAML/JSON mapping file as untrusted input (size cap, no YAML aliases: see
    geocoop.ingest.mapping_file) and check its shape.
    """
    return check_mapping(mapping_file.parse_mapping_file(path), path.name)


def check_mapping(data: object, name: str) -> dict:
    """The mapping's canonical form, or an IngestError naming the offending key."""
    if not isinstance(data, dict):
        raise IngestError(f"{name} : le fichier de correspondance doit être un objet.")
    unknown = set(data) - set(MAPPING_KEYS)
    if unknown:
        raise IngestError(
            f"{name} : clés inconnues {sorted(map(str, unknown))} "
            f"(attendu : {', '.join(MAPPING_KEYS)})."
        )
    columns = _mapping_of(data, "columns", name)
    bad = sorted(str(k) for k in columns if k not in FIELDS)
    if bad:
        raise IngestError(
            f"{name} : champs inconnus {bad} ; champs possibles : {', '.join(FIELDS)}."
        )
    checked_columns: dict[str, str | list[str]] = {}
    for key, value in columns.items():
        if isinstance(value, list) and key in LIST_FIELDS and value:
            checked_columns[key] = [_text(v, f"columns.{key}", name) for v in value]
        else:
            checked_columns[key] = _text(value, f"columns.{key}", name)
    values: dict[str, dict[str, str | None]] = {}
    for key, table in _mapping_of(data, "values", name).items():
        if key not in VOCABULARIES:
            raise IngestError(
                f"{name} : values.{key} : champ sans vocabulaire "
                f"(possibles : {', '.join(VOCABULARIES)})."
            )
        if not isinstance(table, dict):
            raise IngestError(f"{name} : values.{key} doit être un objet valeur → code.")
        allowed = set(VOCABULARIES[key].values()) - {UNKNOWN}
        entries: dict[str, str | None] = {}
        for source_value, code in table.items():
            if code is not None and (not isinstance(code, str) or code not in allowed):
                raise IngestError(
                    f"{name} : values.{key}.{source_value} : « {code} » inconnu "
                    f"(possibles : {', '.join(sorted(allowed))}, ou null pour inconnu)."
                )
            entries[normalize_name(str(source_value))] = code
        values[key] = entries
    join = _mapping_of(data, "join", name)
    if join:
        if set(join) != {"path", "on"}:
            raise IngestError(f"{name} : join attend exactement path et on.")
        join = {k: _text(v, f"join.{k}", name) for k, v in join.items()}
    ignore, keep = data.get("ignore") or [], data.get("keep") or []
    for key, value in (("ignore", ignore), ("keep", keep)):
        if not isinstance(value, list):
            raise IngestError(f"{name} : {key} doit être une liste de colonnes.")
    return {
        "columns": checked_columns,
        "kinds": {
            _text(k, "kinds", name): _text(v, f"kinds.{k}", name)
            for k, v in _mapping_of(data, "kinds", name).items()
        },
        "values": values,
        "join": join or None,
        "ignore": [_text(v, "ignore", name) for v in ignore],
        "keep": [_text(v, "keep", name) for v in keep],
    }


def _mapping_of(data: dict, key: str, name: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise IngestError(f"{name} : {key} doit être un objet (clé : valeur).")
    return value


def _text(value: object, where: str, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise IngestError(f"{name} : {where} doit être un texte (reçu {type(value).__name__}).")
    return str(value)


def build_mapping(headers: list[str], explicit: dict | None, file_name: str) -> ColumnMapping:
    """Match headers to fields: the explicit mapping first, then the French heuristics."""
    explicit = explicit or {}
    mapping = ColumnMapping(
        kinds={normalize_name(k): v for k, v in (explicit.get("kinds") or {}).items()},
        ignored=list(explicit.get("ignore") or []),
        values=dict(explicit.get("values") or {}),
    )
    for field_name, wanted in (explicit.get("columns") or {}).items():
        wanted_list = wanted if isinstance(wanted, list) else [wanted]
        for header in wanted_list:
            if header not in headers:
                raise IngestError(
                    f"{file_name} : la colonne « {header} » du fichier de "
                    f"correspondance (champ {field_name}) est absente."
                )
        mapping.columns[field_name] = wanted_list[0]
        if wanted_list[1:]:
            mapping.more_columns[field_name] = wanted_list[1:]
    taken = set(mapping.columns.values()) | set(mapping.ignored)
    taken.update(h for hs in mapping.more_columns.values() for h in hs)
    taken.update(explicit.get("keep") or [])  # kept in attributes, never guessed
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
                mapping.guessed[field_name] = "header"
                taken.add(match)
                break
    if "name" not in mapping.columns:
        match = next((h for h in headers if h not in taken and _looks_like_name(keys[h])), None)
        if match:
            mapping.columns["name"] = match
            mapping.guessed["name"] = "header prefix"
    return mapping


_NAME_PREFIXES = ("nom ", "libelle ", "name ", "denomination ", "raison sociale ")
_NOT_NAMES = ("commune", "contact", "responsable", "referent", "departement", "region", "epci")


def _looks_like_name(key: str) -> bool:
    """`nom_du_tiers_lieu`, `libelle_structure`…: a name, unless it names a place or person."""
    return key.startswith(_NAME_PREFIXES) and not any(w in key for w in _NOT_NAMES)


def likely_name_columns(headers: list[str]) -> list[str]:
    """Columns that may hold the cooperation's name (for the « no name column » message)."""
    scored = []
    for header in headers:
        key = normalize_name(header)
        if any(w in key for w in ("nom", "libelle", "name", "intitule", "titre", "raison")):
            scored.append(header)
    return scored[:3]
