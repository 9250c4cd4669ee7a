"""White zones read from the stored zone rows answer as the member recount does.

The territory panel (and the fiche) list white zones with rule « any » on stored figures:
each zone's whole figures then come from its analysis_zone row (white_zones_stored.sql)
instead of being summed again over every member. `recount=True` is the member-sum path;
both must give the same list, on the bundled data and on the grid, and the statement the
same rows as zones clustered anew from the polygons (the live path of the other rules).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from geocoop.analysis import compute, zones
from geocoop.analysis.zones import white_zones_statement
from geocoop.sql import fragment, table

LEVELS = {"epci": "epci_code", "departement": "departement_code", "region": "region_code"}


def _parents(conn: Connection, kind: str, per_level: int) -> list[tuple[str, str]]:
    """(level, code): the territories holding the most white communes, one commune each."""
    out = []
    for level, column in LEVELS.items():
        rows = conn.execute(
            text(
                f"SELECT t.{column} FROM analysis_commune_kind a "  # noqa: S608 - fixed names
                "JOIN territory t ON t.level = 'commune' AND t.code = a.commune_code "
                f"WHERE a.kind_code = :k AND a.zone_id IS NOT NULL AND t.{column} IS NOT NULL "
                f"GROUP BY t.{column} ORDER BY count(*) DESC, t.{column} LIMIT :n"
            ),
            {"k": kind, "n": per_level},
        ).scalars()
        out += [(level, code) for code in rows]
    commune = conn.execute(
        text(
            "SELECT a.commune_code FROM analysis_commune_kind a "
            "JOIN territory t ON t.level = 'commune' AND t.code = a.commune_code "
            "WHERE a.kind_code = :k AND a.zone_id IS NOT NULL "
            "ORDER BY t.population DESC NULLS LAST, a.commune_code LIMIT 1"
        ),
        {"k": kind},
    ).scalar()
    if commune is not None:
        out.append(("commune", commune))
    return out


def _kinds(conn: Connection) -> list[str]:
    """The kinds with white zones stored."""
    return list(
        conn.execute(text("SELECT DISTINCT kind_code FROM analysis_zone ORDER BY 1")).scalars()
    )


def _same(conn: Connection, kind: str, parent: tuple[str, str] | None, **options) -> list:
    """The stored-rows answer, checked equal to the member recount; returns it."""
    level, code = parent if parent else (None, None)
    args = {"kind": kind, "rule": "any", "parent_code": code, "parent_level": level, **options}
    stored = zones.white_zones(conn, **args)
    recount = zones.white_zones(conn, recount=True, **args)
    assert stored == recount, (kind, parent, options)
    return stored


def _clustered(conn: Connection, kind: str, parent: tuple[str, str] | None) -> None:
    """The stored-rows statement's rows equal those of zones clustered anew (ST_ClusterDBSCAN).

    The live path of the other rules, here on rule « any »: its zones come from the
    communes' polygons, not from the stored labels, and are named the same way.
    """
    level, code = parent if parent else (None, None)
    params = {
        "kind": kind,
        "rule": "any",
        "limit": 1000,
        "with_geometry": False,
        "split": False,
        "parent_level": level,
        "parent_code": code,
    }
    live = fragment("analysis/zones_members_live", source=table(compute.STORED_TABLE))
    clustered = conn.execute(white_zones_statement(live), params)
    stored = conn.execute(white_zones_statement(), params)
    # a sum of floats depends on its order (last bit): areas compared to the metre²
    rows = [
        [{**r, "area_km2": round(r["area_km2"], 6)} for r in result.mappings()]
        for result in (stored, clustered)
    ]
    assert rows[0] == rows[1], (kind, parent)


def _check(conn: Connection, per_level: int) -> tuple[int, int]:
    """Every panel shape (EPCI, département, région, commune; split; outline) agrees.

    Returns (zones compared, of which clipped: the whole zone reaches beyond the parent).
    """
    compared = clipped = 0
    for kind in _kinds(conn):
        for parent in _parents(conn, kind, per_level):
            found = _same(conn, kind, parent, limit=5, with_geometry=False)
            compared += len(found)
            clipped += sum(z["zone_communes_count"] > z["communes_count"] for z in found)
            # the commune panel's list: its département's zones, all of them
            if parent[0] == "commune":
                dep = conn.execute(
                    text(
                        "SELECT departement_code FROM territory WHERE level = 'commune' "
                        "AND code = :c"
                    ),
                    {"c": parent[1]},
                ).scalar()
                listed = _same(conn, kind, ("departement", dep), limit=1000, with_geometry=False)
                assert any(parent[1] in z["communes"] for z in listed)
        _same(conn, kind, None, limit=20, with_geometry=False)
        for parent in [None, *_parents(conn, kind, 1)]:
            _clustered(conn, kind, parent)
        parent = _parents(conn, kind, 1)[0]
        _same(conn, kind, parent, limit=5, with_geometry=True, split=True)
    return compared, clipped


def test_stored_rows_match_recount_bundled(demo_engine):
    """Bundled data (Bretagne, La Réunion): EPCI, département, région, commune panels."""
    with demo_engine.connect() as conn:
        compared, clipped = _check(conn, per_level=2)
        assert compared > 0 and clipped > 0, "no (clipped) white zone compared"


def test_stored_rows_match_recount_grid(analysed, conn):
    """The grid: every level's panel, and a zone whose stored row is missing."""
    compared, clipped = _check(conn, per_level=50)
    assert compared > 0 and clipped > 0, "no (clipped) white zone compared"
    # a zone without its stored row (outline not written yet) falls back on the member sums
    kind = _kinds(conn)[0]
    conn.execute(
        text(
            "DELETE FROM analysis_zone WHERE kind_code = :k AND zone_id = "
            "(SELECT zone_id FROM analysis_zone WHERE kind_code = :k "
            "ORDER BY communes_count DESC, zone_id LIMIT 1)"
        ),
        {"k": kind},
    )
    for parent in _parents(conn, kind, 50):
        _same(conn, kind, parent, limit=5, with_geometry=False)
    _same(conn, kind, None, limit=20, with_geometry=False)
