"""Names and reasons of white zones, in French and English, from the figures of white_zones.sql.

People act on « Zone autour de Guingamp (22) », not on zone 22001.
"""

from __future__ import annotations


def _number(value: float, lang: str) -> str:
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _km(metres: float, lang: str) -> str:
    text = f"{metres / 1000:,.1f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def zone_name(row: dict, lang: str) -> str:
    """« Zone autour de <most populated commune> (<its département>) ».

    Plus the number of départements when the row spans more than one.
    """
    place = f"{row['main_commune_name']} ({row['main_departement'] or '?'})"
    spans = len(row["departements"] or [])
    if lang == "en":
        name = f"Area around {place}"
        return f"{name}: {spans} départements" if spans > 1 else name
    name = f"Zone autour de {place}"
    return f"{name} : {spans} départements" if spans > 1 else name


def zone_reason(row: dict, kind_label: str, rule: str, lang: str) -> str:
    """Why the zone is white.

    The nearest cooperation of the kind and how far it is, against the service distance of the
    rule used.
    """
    if lang == "en" and kind_label[1:2].islower():
        kind_label = kind_label[0].lower() + kind_label[1:]  # mid-sentence, not an acronym
    service = row["service_distance_m"]
    nearest_m = row["nearest_m"]
    name = row["nearest_name"]
    if lang == "en":
        if name is None or nearest_m is None:
            return f"No {kind_label} cooperation is located."
        where = f"“{name}” (id {row['nearest_id']}) is {_number(nearest_m, 'en')} m away"
        if rule == "perimeter":
            return f"No {kind_label} perimeter includes these communes; the nearest, {where}."
        tail = "" if rule == "distance" else " and no perimeter includes these communes"
        return f"No {kind_label} within {_km(service, 'en')} km{tail}: the nearest, {where}."
    if name is None or nearest_m is None:
        return f"Aucune coopération « {kind_label} » n'est localisée."
    where = f"« {name} » (id {row['nearest_id']}), est à {_number(nearest_m, 'fr')} m"
    if rule == "perimeter":
        return f"Aucun périmètre « {kind_label} » n'inclut ces communes ; la plus proche, {where}."
    tail = "" if rule == "distance" else " et aucun périmètre ne les inclut"
    return (
        f"Aucune coopération « {kind_label} » à moins de {_km(service, 'fr')} km{tail} : "
        f"la plus proche, {where}."
    )


def part_note(row: dict, lang: str) -> str | None:
    """For a row that is one département's part of a larger zone: what the whole is."""
    if row["part"] is None or row["zone_departements_count"] <= 1:
        return None
    communes, people = row["zone_communes_count"], row["zone_population"]
    deps = row["zone_departements_count"]
    if lang == "en":
        return (
            f"Part of zone {row['zone_id']}: {_number(communes, 'en')} communes, "
            f"{_number(people, 'en')} inhabitants over {deps} départements."
        )
    return (
        f"Partie de la zone {row['zone_id']} : {_number(communes, 'fr')} communes, "
        f"{_number(people, 'fr')} habitants sur {deps} départements."
    )
