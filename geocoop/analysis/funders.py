"""« Où accompagner, quoi financer ? ».

Territories (EPCI or départements) ranked by need, each figure with its source, vintage and rule;
unknown stays unknown (None), never 0.
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.analysis.coverage import coverage
from geocoop.analysis.data_status import data_status
from geocoop.analysis.figure_sources import SUPPORT_KIND, figure_sources
from geocoop.analysis.params import check_kinds, resolve_parent
from geocoop.errors import BadRequest
from geocoop.sql import statement

LEVELS = ("epci", "departement")
SORTS = ("white_population", "emergence_without_support", "emergence", "financing_full")
COUNTS = (
    "cooperations",
    "emergence",
    "operational",
    "stage_unknown",
    "financing_full",
    "financing_hybrid",
    "financing_ess",
    "operational_model_unknown",
    "financing_declared",
    "with_staff",
)


def funder_ranking(
    conn: Connection,
    *,
    level: str = "departement",
    parent_code: str | None = None,
    parent_level: str | None = None,
    kind: str | None = None,
    sort: str = "white_population",
    limit: int | None = None,
) -> dict:
    """Territories ranked by need: « Où accompagner, quoi financer ? ».

    The EPCI or départements (inside a région or département parent) ranked by need,
    largest first, unknown last:
    {"level", "parent", "kinds", "kind", "kinds_with_data", "sort", "count",
     "rows": [{"rank", "code", "name", "population", "white_population" (inhabitants
       of communes no cooperation of the kinds reaches, rule any; None when no kind has
       data), "white_population_by_kind" ({kind: n | None} for each kind with data,
       when several kinds are asked), "white_communes", "cooperations" (located there),
       "emergence", "operational", "stage_unknown", "emergence_without_support" (None when
       no support structure is loaded), "financing_full" / "financing_hybrid" /
       "financing_ess" (operational cooperations by model: the study's financing needs),
       "operational_model_unknown", "financing_declared" (cooperations naming their
       financing schemes), "with_staff", "staff_fte" (None when none declares it)}],
     "sources": {figure: {"source", "vintage", "rule", "rule_en", …}}}
    `kind` (one code) restricts every figure to that kind; None = every cooperation kind
    (not the context layers). `sort`: white_population | emergence_without_support |
    emergence | financing_full.
    """
    if level not in LEVELS:
        raise BadRequest(f"Niveau inconnu : {level!r} (attendu : epci ou departement).")
    if sort not in SORTS:
        raise BadRequest(f"Tri inconnu : {sort!r} (attendu : {', '.join(SORTS)}).")
    parent = resolve_parent(conn, level, parent_code, parent_level)
    if parent is not None and parent[0] not in ("region", "departement"):
        raise BadRequest("Le parent est une région ou un département.")
    kinds = check_kinds(conn, [kind] if kind else None, allow_support=False)
    status = data_status(conn)
    if kind and status[kind]["context"]:
        raise BadRequest("Une couche de contexte n'est pas une coopération à financer.")
    pl, pc = parent or (None, None)
    cover = coverage(conn, level=level, parent_code=pc, parent_level=pl, kinds=kinds)
    # each kind with data apart too: a funder of PAT looks at PAT's white zones
    with_data = [k for k in kinds if status[k]["has_data"]]
    by_kind = {
        k: {
            r["code"]: r["population_uncovered"]
            for r in coverage(conn, level=level, parent_code=pc, parent_level=pl, kinds=[k])
        }
        for k in (with_data if len(kinds) > 1 else [])
    }
    facts = {
        r["code"]: r
        for r in conn.execute(
            statement("analysis/funder_cooperations"),
            {"level": level, "kinds": kinds, "parent_level": pl, "parent_code": pc},
        ).mappings()
    }
    support_known = bool(status.get(SUPPORT_KIND) and status[SUPPORT_KIND]["has_data"])
    rows = []
    for c in cover:
        f = facts.get(c["code"], {})
        row = {
            "code": c["code"],
            "name": c["name"],
            "population": c["population"],
            # no figure (no data loaded for the kind) stays None, never 0
            "white_population": c["population_uncovered"],
            "white_communes": (
                None
                if c["communes_covered"] is None
                else c["communes_total"] - c["communes_covered"]
            ),
            "white_population_by_kind": {k: by_kind[k].get(c["code"]) for k in by_kind},
            **{key: int(f.get(key) or 0) for key in COUNTS},
            "emergence_without_support": (
                int(f.get("emergence_without_support") or 0) if support_known else None
            ),
            "staff_fte": None if f.get("staff_fte") is None else round(float(f["staff_fte"]), 2),
        }
        rows.append(row)
    rows.sort(key=lambda r: (r[sort] is None, -(r[sort] or 0), -(r["population"] or 0), r["code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    if limit is not None:
        rows = rows[:limit]
    return {
        "level": level,
        "parent": None if parent is None else {"level": parent[0], "code": parent[1]},
        "kinds": kinds,
        "kind": kind,
        "kinds_with_data": with_data,
        "sort": sort,
        "count": len(rows),
        "rows": rows,
        "sources": figure_sources(conn, kinds, status, level),
    }
