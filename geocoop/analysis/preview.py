"""What a change would do to coverage.

The covered communes of some kinds, and the difference between two such states (communes and
population gained and lost).
"""

from __future__ import annotations

from sqlalchemy import Connection

from geocoop.sql import statement

MAX_LISTED = 100


def covered_communes(conn: Connection, kinds: list[str]) -> dict[tuple[str, str], dict]:
    """{(kind, commune code): {name, population}} of the stored analysis."""
    rows = conn.execute(statement("analysis/covered_communes"), {"kinds": kinds})
    return {
        (r.kind_code, r.commune_code): {"name": r.name, "population": r.population} for r in rows
    }


def coverage_difference(before: dict, after: dict) -> dict:
    """Communes and population gained and lost, per kind.

    Communes and population gained and lost between two `covered_communes` states, per kind (a
    population unknown in the commune list counts as unknown, not as zero).
    """
    kinds = sorted({k for k, _c in before} | {k for k, _c in after})
    out = {}
    for kind in kinds:
        side = {}
        for name, keys in (
            ("gained", set(after) - set(before)),
            ("lost", set(before) - set(after)),
        ):
            mine = sorted(c for k, c in keys if k == kind)
            states = [after.get((kind, c)) or before.get((kind, c)) for c in mine]
            populations = [s["population"] for s in states]
            side[name] = {
                "communes": len(mine),
                "population": sum(p for p in populations if p is not None),
                "population_unknown": sum(1 for p in populations if p is None),
                "list": [
                    {"code": c, "name": s["name"], "population": s["population"]}
                    for c, s in zip(mine, states, strict=True)
                ][:MAX_LISTED],
            }
        out[kind] = side
    return out
