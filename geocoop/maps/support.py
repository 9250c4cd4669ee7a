"""« Où accompagner, quoi financer ? » for one territory: the study's tables made visible.

The cooperations located there by stage × category × model (unknown values counted, never
dropped), the support needs the study's tables give for them (analysis.support), whether
support structures are within reach — or whether nothing can be said because none are
loaded —, the financing schemes they use and the animation staff they declare.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis import api
from geocoop.sql import statement

SUPPORT_KIND = "appui"


def territory_support(conn: Connection, territory: dict, kinds: list[str] | None = None) -> dict:
    """Everything the panel's and the fiche's support section shows for `territory`."""
    level, code = territory["level"], territory["code"]
    params = {"level": level, "code": code, "kinds": kinds or None}
    staff = conn.execute(statement("maps/territory_profile"), params).mappings().all()
    profiles = [
        {
            "stage": r["stage"],
            "category": r["category"],
            "socio_economic_model": r["socio_economic_model"],
            "cooperations": int(r["cooperations"]),
        }
        for r in staff
    ]
    financing = [
        {"scheme": r["scheme"], "cooperations": int(r["cooperations"])}
        for r in conn.execute(statement("maps/territory_financing"), params).mappings()
    ]
    needs = api.support_needs_by_territory(conn, level, code)
    status = api.data_status(conn).get(SUPPORT_KIND)
    support_loaded = bool(status and status["has_data"])
    by_stage: dict[str, int] = {}
    for p in profiles:
        key = p["stage"] or "unknown"
        by_stage[key] = by_stage.get(key, 0) + p["cooperations"]
    return {
        "cooperations": sum(p["cooperations"] for p in profiles),
        "by_stage": by_stage,
        "profiles": profiles,
        "needs": needs["needs"],
        "financing": financing,
        "with_staff": sum(int(r["with_staff"]) for r in staff),
        "staff_fte": round(sum(float(r["staff_fte"]) for r in staff), 2),
        # without any support structure loaded, "none within reach" would be a lie
        "support_structures": {
            "has_data": support_loaded,
            "communes_without": needs["communes_without_support"] if support_loaded else None,
            "population_without": (needs["population_without_support"] if support_loaded else None),
            "emergence_without": (
                len(needs["emergence_without_support"]) if support_loaded else None
            ),
        },
    }
