"""Where the need figures come from: one source, vintage and rule per figure, in FR and EN.

Shared by the funder ranking (« Où accompagner ? ») and the developer-posts planner, so both
answers name the same sources in the same words.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis.params import kind_table
from geocoop.sql import statement

SUPPORT_KIND = "appui"
STUDY = "Labo de l'ESS, « Vers une société de la coopération », 2024"
# the same citation for English pages: the title stays French, the quotes become English
STUDY_EN = "Labo de l'ESS, “Vers une société de la coopération”, 2024"


def figure_sources(conn: Connection, kinds: list[str], status: dict, level: str) -> dict:
    """Where each figure of a need answer comes from: source, vintage and rule, FR and EN.

    `kinds` are the cooperation kinds counted, `status` is `data_status(conn)` (kinds
    without data are named, never counted as zero), `level` the level whose populations
    are summed (its INSEE vintage). Keys: population, cooperations, white_population,
    emergence_without_support, financing; each a dict with source / vintage / rule /
    rule_en as they apply. The funder ranking and the developer-posts planner share it.
    """
    years = conn.execute(statement("analysis/funder_population_vintage"), {"level": level}).one()
    pop_year = str(years[1]) if years[0] == years[1] else f"{years[0]}–{years[1]}"
    coop_sources = [
        f"{s['source']} ({s['vintage'] or '?'})"
        for k in kinds
        for s in status[k]["sources"]
        if status[k]["has_data"]
    ]
    reach = [(k, d) for k, d in service_distances(conn, kinds).items() if status[k]["has_data"]]
    distances = ", ".join(f"{status[k]['label']} {round(d / 1000)} km" for k, d in reach)
    distances_en = ", ".join(f"{status[k]['label_en']} {round(d / 1000)} km" for k, d in reach)
    support = status.get(SUPPORT_KIND)
    return {
        "population": {
            "source": f"INSEE, populations légales ({years[2] or 'COG'})",
            "source_en": f"INSEE, legal populations ({years[2] or 'COG'})",
            "vintage": pop_year,
        },
        "cooperations": {
            "source": "; ".join(coop_sources) or None,
            "vintage": ", ".join(
                sorted({status[k]["vintage"] or "?" for k in kinds if status[k]["has_data"]})
            )
            or None,
            "kinds_without_data": [k for k in kinds if not status[k]["has_data"]],
        },
        "white_population": {
            "rule": "Habitants des communes qu'aucune coopération des types retenus "
            f"n'atteint : ni à moins de sa distance de service ({distances or '—'}), "
            "ni dans un périmètre.",
            "rule_en": "Inhabitants of communes no cooperation of the chosen kinds "
            f"reaches: none within its service distance ({distances_en or '—'}), "
            "no perimeter.",
        },
        "emergence_without_support": {
            "rule": "Coopérations au stade émergence dont la commune n'est atteinte par "
            "aucune structure d'appui (type « appui »).",
            "rule_en": "Cooperations at the emergence stage whose commune no support "
            "structure (kind “appui”) reaches.",
            "source": "; ".join(
                f"{s['source']} ({s['vintage'] or '?'})" for s in (support or {}).get("sources", [])
            )
            or None,
            "has_data": bool(support and support["has_data"]),
        },
        "financing": {
            "rule": "Besoins de financement en phase opérationnelle selon le modèle "
            "socio-économique (tableau de l'étude) : non marchande → financement complet "
            "par des aides ; hybride → hybridation des ressources ; marchande → besoins "
            "communs aux entreprises de l'ESS.",
            "rule_en": "Financing needs at the operational stage by socio-economic model "
            "(the study's table): non-market → full funding by grants; hybrid → mixed "
            "resources; market → the needs common to social-economy businesses.",
            "source": STUDY,
            "source_en": STUDY_EN,
        },
    }


def service_distances(conn: Connection, kinds: list[str]) -> dict[str, float]:
    """Each kind's service distance in metres (the reach of one of its cooperations)."""
    table = kind_table(conn)
    return {k: table[k]["service_distance_m"] for k in sorted(kinds)}
