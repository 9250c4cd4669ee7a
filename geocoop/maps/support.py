"""« Où accompagner, quoi financer ? » for one territory: the study's tables made visible.

The cooperations located there by stage × category × model (unknown values counted, never
dropped), the support needs the study's tables give for them (analysis.support), whether
support structures are within reach — or whether nothing can be said because none are
loaded —, the financing schemes they use and the animation staff they declare.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection

from geocoop.analysis import api
from geocoop.sql import statement

SUPPORT_KIND = "appui"


def territory_support(conn: Connection, territory: dict, kinds: list[str] | None = None) -> dict:
    """Everything the panel's and the fiche's support section shows for `territory`."""
    level, code = territory["level"], territory["code"]
    # None: every kind but support structures; [] (no cooperation kind at all): nothing
    params = {"level": level, "code": code, "kinds": kinds}
    rows = conn.execute(statement("maps/territory_cooperations"), params).mappings().all()
    by_profile: Counter = Counter(
        (r["stage"], r["category"], r["socio_economic_model"]) for r in rows
    )
    profiles = [
        {"stage": stage, "category": category, "socio_economic_model": model, "cooperations": n}
        for (stage, category, model), n in sorted(
            by_profile.items(), key=lambda item: (-item[1], [v or "" for v in item[0]])
        )
    ]
    schemes: Counter = Counter(
        scheme
        for r in rows
        for scheme in {s for s in (r["financing_sources"] or []) if s.strip()}
    )
    financing = [
        {"scheme": scheme, "cooperations": n}
        for scheme, n in sorted(schemes.items(), key=lambda item: (-item[1], item[0]))
    ]
    staffed = [float(r["staff_fte"]) for r in rows if r["staff_fte"] is not None]
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
        "with_staff": len(staffed),
        "staff_fte": round(sum(staffed), 2),
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
