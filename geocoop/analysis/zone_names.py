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


# Beyond this, the nearest cooperation of a kind says little about where to act: no région
# of France is that wide, so there is none of the kind in the zone's own région (La Réunion's
# nearest tiers-lieu on the mainland, 9,489 km away). The reason then says so, and names the
# région the nearest one is in, in km.
FAR_M = 1_000_000


def far_elsewhere(row: dict) -> bool:
    """True when the nearest cooperation is in another région and farther than FAR_M.

    Both régions must be known (a cooperation without a commune keeps the usual reason).
    """
    here, there, nearest_m = row["main_region"], row["nearest_region"], row["nearest_m"]
    if here is None or there is None or nearest_m is None:
        return False
    return here != there and nearest_m > FAR_M


def _far_reason(row: dict, kind_label: str, rule: str, lang: str) -> str:
    """The reason when the nearest is in another région more than FAR_M away."""
    name, ident = row["nearest_name"], row["nearest_id"]
    here, there = row["main_region_name"], row["nearest_region_name"]
    km = _number(row["nearest_m"] / 1000, lang)
    service = _km(row["service_distance_m"], lang)
    if lang == "en":
        nearest = (
            f"the nearest, “{name}” (id {ident}), is in another région ({there}), {km} km away"
        )
        if rule == "perimeter":
            start = f"No {kind_label} perimeter includes these communes"
        elif rule == "distance":
            start = f"No {kind_label} within {service} km"
        else:
            start = f"No {kind_label} within {service} km and no perimeter includes these communes"
        return f"{start}, nor is there any in the région ({here}): {nearest}."
    nearest = (
        f"la plus proche, « {name} » (id {ident}), est dans une autre région ({there}), à {km} km"
    )
    if rule == "perimeter":
        start = f"Aucun périmètre « {kind_label} » n'inclut ces communes"
    elif rule == "distance":
        start = f"Aucune coopération « {kind_label} » à moins de {service} km"
    else:
        start = (
            f"Aucune coopération « {kind_label} » à moins de {service} km et aucun périmètre "
            "ne les inclut"
        )
    return f"{start}, ni aucune dans la région ({here}) : {nearest}."


def zone_reason(row: dict, kind_label: str, rule: str, lang: str) -> str:
    """Why the zone is white.

    The nearest cooperation of the kind and how far it is, against the service distance of the
    rule used; when it is in another région more than FAR_M away, that there is none in the
    zone's région either, and which région the nearest is in (_far_reason).
    """
    if lang == "en" and kind_label[1:2].islower():
        kind_label = kind_label[0].lower() + kind_label[1:]  # mid-sentence, not an acronym
    service = row["service_distance_m"]
    nearest_m = row["nearest_m"]
    name = row["nearest_name"]
    if name is not None and far_elsewhere(row):
        return _far_reason(row, kind_label, rule, lang)
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
