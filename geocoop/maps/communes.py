"""Which communes of a territory each kind covers, and which it leaves out.

The answer to « lesquelles de nos communes sont couvertes, et combien d'habitants restent à
l'écart ? »: per kind, every commune of the territory with its population, whether it is
covered (under the map's rule and distance) and its nearest cooperation. Read from the
stored facts (the same ones the roll-ups count), so the lists and the panel's figures
agree; counts are the lengths of the full lists, never of a shortened one.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import Connection

from geocoop.maps.panel import analysis_api, selected_kinds, serial_plans
from geocoop.maps.territory import find_territory
from geocoop.text import safe_cell

CSV_COLUMNS = {
    "fr": ("type", "code_insee", "commune", "population", "couverte", "cooperation_la_plus_proche",
           "distance_km", "perimetre"),
    "en": ("kind", "insee_code", "commune", "population", "covered", "nearest_cooperation",
           "distance_km", "perimeter"),
}  # fmt: skip
# A page lists this many communes per list, largest first (a région has thousands: every
# one is in the CSV, and every count and population stays the whole list's)
PAGE_ROWS = 300


def _kind_communes(
    conn: Connection,
    territory: dict,
    kind: dict,
    rule: str,
    distance_m: float | None,
    filters: dict | None,
) -> dict:
    communes = []
    if kind["data_status"]["has_data"]:
        communes = analysis_api().commune_coverage(
            conn,
            territory["level"],
            territory["code"],
            kind["code"],
            rule=rule,
            distance_m=distance_m,
            filters=filters,
        )
    has_data = kind["data_status"]["has_data"]
    covered = [c for c in communes if c["covered"]]
    uncovered = [c for c in communes if not c["covered"]]
    return {
        "kind": kind["code"],
        "has_data": has_data,
        "service_distance_m": distance_m if distance_m is not None else kind["service_distance_m"],
        "communes_covered": len(covered),
        "communes_uncovered": len(uncovered),
        "population_covered": sum(c["population"] for c in covered),
        "population_uncovered": sum(c["population"] for c in uncovered),
        "covered": covered,
        "uncovered": uncovered,
    }


def territory_communes(
    conn: Connection,
    code: str,
    level: str | None = None,
    *,
    kinds: list[str] | None = None,
    rule: str = "any",
    distance_m: float | None = None,
    filters: dict | None = None,
) -> dict:
    """Per kind, the communes of the territory covered and not covered.

    Largest population first, each with its nearest cooperation; a kind without data lists none
    (it says so).
    """
    with serial_plans(conn):
        territory = find_territory(conn, code, level)
        chosen = selected_kinds(conn, kinds)
        return {
            "territory": {k: territory[k] for k in ("level", "code", "name", "population")},
            "rule": rule,
            "distance_m": distance_m,
            "kinds": [
                _kind_communes(conn, territory, k, rule, distance_m, filters) for k in chosen
            ],
        }


def shortened(answer: dict, rows: int = PAGE_ROWS) -> dict:
    """The lists cut to their `rows` most populated communes, for a page.

    Counts and populations are those of the whole lists (computed before the cut); each
    block says how many rows it kept, so the page can say the rest is in the CSV.
    """
    return {
        **answer,
        "kinds": [
            {**b, "covered": b["covered"][:rows], "uncovered": b["uncovered"][:rows], "rows": rows}
            for b in answer["kinds"]
        ],
    }


def communes_csv(answer: dict, lang: str = "fr") -> str:
    """The lists as one CSV table (uncovered communes first, formula-safe cells)."""
    out = io.StringIO()
    # French spreadsheets read ";" with decimal commas; English ones "," and points
    writer = csv.writer(out, delimiter="," if lang == "en" else ";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS["en" if lang == "en" else "fr"])
    yes, no = ("yes", "no") if lang == "en" else ("oui", "non")
    for block in answer["kinds"]:
        for commune in block["uncovered"] + block["covered"]:
            km = None if commune["nearest_m"] is None else round(commune["nearest_m"] / 1000, 2)
            if km is not None and lang != "en":
                km = str(km).replace(".", ",")
            writer.writerow(
                [
                    safe_cell(v)
                    for v in (
                        block["kind"],
                        commune["code"],
                        commune["name"],
                        commune["population"],
                        yes if commune["covered"] else no,
                        commune["nearest_name"] or "",
                        "" if km is None else km,
                        commune["perimeter_name"] or "",
                    )
                ]
            )
    return out.getvalue()
