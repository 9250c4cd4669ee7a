"""What a web map shows of a feature by default: name, description, colour.

What a web map shows of a feature by default: a `name` that says something, a French
(or English) `description` with the key figures, and a `colour` to style by.

uMap's default popup shows `name` as its title and `description` as its body; its table
template lists every property. The `umap` profile (features/webmap.py) therefore writes
these three properties, built here from the feature's raw properties, instead of raw
snake_case keys and `false`. Framework-free and database-free: plain dicts in, text out.
"""

from __future__ import annotations

from collections.abc import Callable

from geocoop.features.spec import Collection

NBSP = "\u202f"  # French thousands separator (narrow no-break space)

COVERED, UNCOVERED, NEUTRAL = "#1a9850", "#d73027", "#3f51b5"
PCT_COLOURS = ((25, "#d73027"), (50, "#fc8d59"), (75, "#91cf60"), (101, "#1a9850"))
ZONE_COLOUR, SYNERGY_COLOUR, UNKNOWN_COLOUR = "#d73027", "#7b3294", "#999999"

_LEVELS = {
    "regions": ("Région", "Region"),
    "departements": ("Département", "Département"),
    "epci": ("EPCI", "Intercommunality (EPCI)"),
    "communes": ("Commune", "Municipality"),
}
_STAGES = {
    "emergence": ("en émergence", "emerging"),
    "operationnelle": ("opérationnelle", "operational"),
}


def number(value, lang: str, decimals: int = 0) -> str:
    """`value` written for readers in French or English.

    `value` written for readers: `12 345` or `82,5` in French, `12,345` or `82.5` in
    English; `?` when unknown.
    """
    if value is None:
        return "?"
    text = f"{float(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def distance(metres, lang: str) -> str:
    """A distance in metres as `850 m` or `12,3 km`."""
    if metres is None:
        return "?"
    if metres < 1000:
        return f"{number(metres, lang)} m"
    return f"{number(metres / 1000, lang, 1)} km"


def plural(count, word: str, lang: str, english: str | None = None) -> str:
    """`1 commune`, `12 communes` (English word when `lang` is en)."""
    word = english if lang == "en" and english else word
    return f"{number(count, lang)} {word}{'s' if count is not None and count > 1 else ''}"


def _t(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def family(collection: Collection) -> str:
    """Which kind of popup the collection's features get (from its properties)."""
    names = {p.name for p in collection.properties}
    if "a_id" in names:
        return "synergy"
    if "communes_count" in names:
        return "zone"
    if "population_covered_pct" in names:
        return "rollup"
    if "covered" in names:
        return "coverage"
    if "kind_code" in names:
        return "cooperation"
    return "territory"


def _territory(cid: str, p: dict, lang: str) -> tuple[str, str, str]:
    level = _LEVELS.get(cid, ("Territoire", "Territory"))[0 if lang == "fr" else 1]
    parts = [f"{level} {p.get('code')}"]
    if p.get("population") is not None:
        year = f" ({p['population_year']})" if p.get("population_year") else ""
        parts.append(
            f"{number(p['population'], lang)} {_t(lang, 'habitants', 'inhabitants')}{year}"
        )
    if p.get("area_km2") is not None:
        parts.append(f"{number(p['area_km2'], lang, 2)} km²")
    if p.get("departement_code") and cid != "departements":
        parts.append(f"{_t(lang, 'département', 'département')} {p['departement_code']}")
    return f"{p.get('name')} ({p.get('code')})", " · ".join(parts), NEUTRAL


def _cooperation(_cid: str, p: dict, lang: str) -> tuple[str, str, str]:
    parts = [str(p.get("kind_label") or p.get("kind_code"))]
    stage = _STAGES.get(p.get("stage") or "")
    if stage:
        parts.append(stage[0 if lang == "fr" else 1])
    if p.get("year_founded"):
        parts.append(_t(lang, f"créée en {p['year_founded']}", f"founded {p['year_founded']}"))
    place = " ".join(str(p[k]) for k in ("address", "postcode") if p.get(k))
    if place:
        parts.append(place)
    if p.get("lead_body"):
        parts.append(_t(lang, f"porteur : {p['lead_body']}", f"led by {p['lead_body']}"))
    if p.get("website"):
        parts.append(str(p["website"]))
    return str(p.get("name") or "?"), " · ".join(parts), p.get("colour") or UNKNOWN_COLOUR


def _coverage(_cid: str, p: dict, lang: str) -> tuple[str, str, str]:
    kind = p.get("kind_label") or p.get("kind_code")
    covered = bool(p.get("covered"))
    state = _t(lang, "couverte", "covered") if covered else _t(lang, "non couverte", "not covered")
    name = f"{p.get('name')} — {state} ({kind})"
    parts = [
        f"{p.get('name')} ({p.get('commune_code')}), "
        f"{number(p.get('population'), lang)} {_t(lang, 'habitants', 'inhabitants')}"
    ]
    if p.get("covered_distance"):
        parts.append(
            _t(lang, "à moins de ", "within ")
            + distance(p.get("service_distance_m"), lang)
            + _t(lang, f" d'un(e) {kind}", f" of a {kind}")
        )
    if p.get("covered_perimeter"):
        parts.append(_t(lang, f"dans le périmètre d'un(e) {kind}", f"inside a {kind} perimeter"))
    if not covered:
        if p.get("nearest_edge_m") is not None:
            parts.append(
                _t(lang, "le plus proche à ", "nearest at ") + distance(p["nearest_edge_m"], lang)
            )
        else:
            parts.append(_t(lang, f"aucun(e) {kind} localisé(e)", f"no {kind} located"))
        if p.get("zone_id"):
            parts.append(_t(lang, f"zone blanche {p['zone_id']}", f"white zone {p['zone_id']}"))
    return name, " · ".join(parts), COVERED if covered else UNCOVERED


def _rollup(_cid: str, p: dict, lang: str) -> tuple[str, str, str]:
    kind = p.get("kind_label") or p.get("kind_code")
    pct = p.get("population_covered_pct")
    share = f"{number(pct, lang, 1)} %" if pct is not None else "?"
    name = _t(
        lang,
        f"{p.get('name')} — {share} de la population couverte ({kind})",
        f"{p.get('name')} — {share} of the population covered ({kind})",
    )
    description = _t(
        lang,
        f"{number(p.get('communes_covered'), lang)} communes couvertes sur "
        f"{number(p.get('communes_total'), lang)} · "
        f"{number(p.get('population_uncovered'), lang)} habitants non couverts sur "
        f"{number(p.get('population'), lang)} (distance ou périmètre)",
        f"{number(p.get('communes_covered'), lang)} of {number(p.get('communes_total'), lang)} "
        f"municipalities covered · {number(p.get('population_uncovered'), lang)} of "
        f"{number(p.get('population'), lang)} inhabitants not covered (distance or perimeter)",
    )
    colour = UNKNOWN_COLOUR
    if pct is not None:
        colour = next(c for bound, c in PCT_COLOURS if float(pct) < bound)
    return name, description, colour


def _zone(_cid: str, p: dict, lang: str) -> tuple[str, str, str]:
    kind = p.get("kind_label") or p.get("kind_code")
    count = plural(p.get("communes_count"), "commune", lang, "municipality")
    count = count.replace("municipalitys", "municipalities")
    people = number(p.get("population"), lang)
    deps = ", ".join(p.get("departements") or [])
    name = _t(
        lang,
        f"Zone blanche {kind} — {count}, {people} habitants",
        f"{kind} white zone — {count}, {people} inhabitants",
    )
    description = _t(
        lang,
        f"{count} sans {kind} à portée (distance ou périmètre), d'un seul tenant · "
        f"{people} habitants · {number(p.get('area_km2'), lang, 2)} km² · départements {deps}",
        f"{count} without a {kind} in reach (distance or perimeter), in one piece · "
        f"{people} inhabitants · {number(p.get('area_km2'), lang, 2)} km² · départements {deps}",
    )
    # the name and reason each refresh stores (none before the first refresh after
    # migration 0019: the figures alone then)
    suffix = "fr" if lang == "fr" else "en"
    named, reason = p.get(f"name_{suffix}"), p.get(f"reason_{suffix}")
    if named:
        name = _t(
            lang,
            f"{named} — zone blanche {kind}, {count}, {people} habitants",
            f"{named} — {kind} white zone, {count}, {people} inhabitants",
        )
    if reason:
        description = f"{reason} · {description}"
    return name, description, ZONE_COLOUR


def _synergy(_cid: str, p: dict, lang: str) -> tuple[str, str, str]:
    name = f"{p.get('a_name')} ↔ {p.get('b_name')}"
    parts = [
        _t(
            lang,
            f"{p.get('a_kind_label')} et {p.get('b_kind_label')} à "
            f"{distance(p.get('distance_m'), lang)}, sans partenariat déclaré",
            f"{p.get('a_kind_label')} and {p.get('b_kind_label')} "
            f"{distance(p.get('distance_m'), lang)} apart, no declared partnership",
        ),
        _t(lang, "score ", "score ")
        + number(p.get("score"), lang, 2)
        + _t(lang, " (complémentarité ", " (complementarity ")
        + number(p.get("weight"), lang, 2)
        + _t(lang, " × proximité ", " × proximity ")
        + number(p.get("proximity"), lang, 2)
        + ")",
    ]
    if p.get("perimeters_overlap"):
        parts.append(_t(lang, "périmètres qui se recouvrent", "overlapping perimeters"))
    return name, " · ".join(parts), SYNERGY_COLOUR


_BUILDERS: dict[str, Callable[[str, dict, str], tuple[str, str, str]]] = {
    "territory": _territory,
    "cooperation": _cooperation,
    "coverage": _coverage,
    "rollup": _rollup,
    "zone": _zone,
    "synergy": _synergy,
}


def popup(collection: Collection, properties: dict, lang: str = "fr") -> dict:
    """`name`, `description` and `colour` of one feature for a web map's popup."""
    name, description, colour = _BUILDERS[family(collection)](collection.id, properties, lang)
    return {"name": name, "description": description, "colour": colour}
