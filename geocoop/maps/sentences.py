"""The panel's and the fiche's sentences, built per language from structured answers.

The analysis API says why a commune is covered as data (reasons, nearest cooperation,
distances); the pages write it in French (decimal comma, « guillemets ») or in English
(decimal point, “quotes”) — never a French sentence on an English page.
"""

from __future__ import annotations


def number(value: float, lang: str, digits: int = 1) -> str:
    """`value` with `digits` decimals (trailing zeros dropped), in the language's style."""
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def _quote(name: str, lang: str) -> str:
    return f"“{name}”" if lang == "en" else f"« {name} »"


def _reason(r: dict, service_m: float, lang: str) -> str:
    name = _quote(r["cooperation_name"], lang)
    if r["rule"] == "distance":
        km, limit = number(r["distance_edge_m"] / 1000, lang), number(service_m / 1000, lang)
        if lang == "en":
            return f"{name} is {km} km from the commune's boundary (threshold {limit} km)"
        return f"{name} est à {km} km du bord de la commune (seuil {limit} km)"
    share = number(100 * (r.get("area_share") or 0), lang, 0)
    via = {
        "en": {
            "commune_code": "the commune is in its perimeter",
            "epci_code": "its EPCI is in its perimeter",
            "area_share": f"its perimeter covers {share} % of the area",
        },
        "fr": {
            "commune_code": "la commune figure dans son périmètre",
            "epci_code": "son EPCI figure dans son périmètre",
            "area_share": f"son périmètre couvre {share} % de la surface",
        },
    }["en" if lang == "en" else "fr"][r["via"]]
    return f"{name}: {via}" if lang == "en" else f"{name} : {via}"


def explanation(expl: dict, lang: str) -> str:
    """Why one commune is covered or not (geocoop.analysis.api.explain_commune's answer)."""
    name = expl["commune"]["name"]
    if expl["covered"] is None:
        if lang == "en":
            return f"No data loaded for this kind: whether {name} is covered cannot be told."
        return expl["message"]
    service = expl["service_distance_m"]
    parts = [_reason(r, service, lang) for r in expl["reasons"]]
    nearest = expl["nearest"]
    if lang == "en":
        if expl["covered"]:
            return f"{name} is covered: " + "; ".join(parts) + "."
        if nearest is None:
            return f"{name} is not covered: no cooperation of this kind is located."
        return (
            f"{name} is not covered: the nearest, {_quote(nearest['cooperation_name'], lang)}, "
            f"is {number(nearest['distance_edge_m'] / 1000, lang)} km away (threshold "
            f"{number(service / 1000, lang)} km) and no perimeter covers it."
        )
    if expl["covered"]:
        return f"{name} est couverte : " + " ; ".join(parts) + "."
    if nearest is None:
        return f"{name} n'est pas couverte : aucune coopération de ce type n'est localisée."
    return (
        f"{name} n'est pas couverte : la plus proche, {_quote(nearest['cooperation_name'], lang)},"
        f" est à {number(nearest['distance_edge_m'] / 1000, lang)} km (seuil "
        f"{number(service / 1000, lang)} km) et aucun périmètre ne la couvre."
    )
