"""Validation of analysis parameters (levels, rules, kinds, filters, parent scope)."""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis.data_status import context_kinds
from geocoop.errors import BadRequest, NotFound
from geocoop.models import CATEGORIES, MODELS, STAGES
from geocoop.sql import statement

LEVELS = ("commune", "epci", "departement", "region", "france")
RULES = ("distance", "perimeter", "any")
# Column of a commune row that names its parent at each level.
PARENT_COLUMN = {
    "commune": "code",
    "epci": "epci_code",
    "departement": "departement_code",
    "region": "region_code",
}
FILTER_VALUES = {
    "category": CATEGORIES,
    "socio_economic_model": MODELS,
    "stage": STAGES,
}


def check_level(level: str, *, allow_france: bool = True) -> str:
    """`level`, or BadRequest naming the allowed values."""
    allowed = LEVELS if allow_france else LEVELS[:-1]
    if level not in allowed:
        raise BadRequest(f"Niveau inconnu « {level} » : attendu {', '.join(allowed)}.")
    return level


def check_rule(rule: str) -> str:
    """`rule`, or BadRequest."""
    if rule not in RULES:
        raise BadRequest(f"Règle inconnue « {rule} » : attendu {', '.join(RULES)}.")
    return rule


def check_distance(distance_m: float | None) -> float | None:
    """A positive distance in metres (at most 500 km), or None."""
    if distance_m is None:
        return None
    try:
        value = float(distance_m)
    except (TypeError, ValueError):
        raise BadRequest(f"Distance invalide « {distance_m} » : un nombre de mètres.") from None
    if not 0 <= value <= 500_000:
        raise BadRequest(f"Distance hors bornes ({value:g} m) : entre 0 et 500 000 m.")
    return value


def kind_table(conn: Connection) -> dict[str, dict]:
    """Every kind: code → {label, service_distance_m, is_support}."""
    rows = conn.execute(statement("analysis/kinds")).mappings()
    return {
        r["code"]: {
            "label": r["label_fr"],
            "service_distance_m": float(r["service_distance_m"]),
            "is_support": bool(r["is_support"]),
        }
        for r in rows
    }


def check_kinds(
    conn: Connection, kinds: list[str] | None, *, allow_support: bool = True
) -> list[str]:
    """Known kind codes; None means every cooperation kind.

    Known kind codes; None → every cooperation kind (not the context layers: support
    structures and public services, see reference_counts.yaml).
    """
    table = kind_table(conn)
    if kinds is None:
        context = context_kinds({code: k["is_support"] for code, k in table.items()})
        return [code for code in table if code not in context]
    if isinstance(kinds, str):
        kinds = [k for k in kinds.split(",") if k]
    unknown = [k for k in kinds if k not in table]
    if unknown:
        raise BadRequest(
            f"Type(s) de coopération inconnu(s) : {', '.join(unknown)} "
            f"(connus : {', '.join(table)})."
        )
    if not kinds:
        raise BadRequest("Aucun type de coopération demandé.")
    return list(dict.fromkeys(kinds))


def check_kind(conn: Connection, kind: str) -> str:
    """One known kind code."""
    return check_kinds(conn, [kind])[0]


def check_filters(filters: dict | None) -> dict[str, list[str] | None]:
    """{"category": [...]|None, "socio_economic_model": …, "stage": …} validated."""
    filters = filters or {}
    unknown = set(filters) - set(FILTER_VALUES)
    if unknown:
        raise BadRequest(
            f"Filtre inconnu : {', '.join(sorted(unknown))} (attendu {', '.join(FILTER_VALUES)})."
        )
    out: dict[str, list[str] | None] = {}
    for name, allowed in FILTER_VALUES.items():
        values = filters.get(name)
        if values is None or values == []:
            out[name] = None
            continue
        if isinstance(values, str):
            values = [v for v in values.split(",") if v]
        bad = [v for v in values if v not in allowed]
        if bad:
            raise BadRequest(
                f"Valeur de {name} inconnue : {', '.join(bad)} (attendu {', '.join(allowed)})."
            )
        out[name] = list(values)
    return out


def has_filters(filters: dict[str, list[str] | None]) -> bool:
    """True when any filter restricts the cooperations."""
    return any(v for v in filters.values())


def resolve_parent(
    conn: Connection, level: str, parent_code: str | None, parent_level: str | None
) -> tuple[str, str] | None:
    """(parent_level, parent_code) checked to exist, or None for the whole country."""
    if not parent_code:
        return None
    parent_code = str(parent_code).strip().upper()
    if parent_level is None:
        if len(parent_code) == 9 and parent_code.isdigit():
            parent_level = "epci"
        elif level in ("commune", "epci"):
            parent_level = "departement"
        else:
            parent_level = "region"
    check_level(parent_level, allow_france=False)
    if parent_level == "france":
        return None
    found = conn.execute(
        statement("analysis/territory_exists"), {"level": parent_level, "code": parent_code}
    ).scalar_one()
    if not found:
        raise NotFound(f"Territoire introuvable : {parent_level} {parent_code}.")
    return parent_level, parent_code


def scope_params(parent: tuple[str, str] | None) -> dict:
    """Bound parameters restricting communes to a parent (see sql `scope` conditions)."""
    if parent is None:
        return {"parent_level": None, "parent_code": None}
    return {"parent_level": parent[0], "parent_code": parent[1]}


def check_limit(limit: int | None, default: int = 20, maximum: int = 5000) -> int:
    """A positive bounded limit."""
    if limit is None:
        return default
    try:
        value = int(limit)
    except (TypeError, ValueError):
        raise BadRequest(f"Limite invalide « {limit} ».") from None
    if not 1 <= value <= maximum:
        raise BadRequest(f"Limite hors bornes ({value}) : entre 1 et {maximum}.")
    return value
