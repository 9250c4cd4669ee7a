"""Perimeter unions in two stages (per EPCI, whole EPCIs cached) equal the one-step union.

On the bundled real data: every PAT perimeter equals `ST_Union` of all its territories at
once (as before migration 0022) and its point is the same; a cached EPCI union is reused
while its communes are unchanged and computed again when a boundaries import changed one.
"""

from __future__ import annotations

from sqlalchemy import text

from geocoop.ingest.cooperations import import_cooperations
from geocoop.sql import statement

# The stored perimeter of each PAT against the one-step union of its territories.
ONE_STEP = """
WITH one_step AS (
    SELECT c.id, ST_Multi(ST_CollectionExtract(ST_Union(t.geom), 3)) AS geom
    FROM cooperation c
    CROSS JOIN LATERAL unnest(c.perimeter_codes) AS pc(key)
    JOIN territory t
      ON t.level = split_part(pc.key, ':', 1) AND t.code = split_part(pc.key, ':', 2)
    WHERE c.kind_code = 'pat' AND c.source = :source AND t.geom IS NOT NULL
    GROUP BY c.id
)
SELECT count(*) AS perimeters,
       count(*) FILTER (WHERE ST_Equals(c.perimeter, o.geom)) AS equal,
       coalesce(max(greatest(ST_Area(ST_Difference(c.perimeter, o.geom)::geography),
                             ST_Area(ST_Difference(o.geom, c.perimeter)::geography))), 0)
           AS largest_m2,
       count(*) FILTER (WHERE ST_Equals(c.location, ST_PointOnSurface(o.geom)))
           AS same_point
FROM cooperation c JOIN one_step o USING (id)
"""

# An EPCI of the bundled data with several communes, and its communes.
SOME_EPCI = """
SELECT epci_code, array_agg(code ORDER BY code) AS codes
FROM territory
WHERE level = 'commune' AND epci_code IS NOT NULL AND geom IS NOT NULL
GROUP BY epci_code
HAVING count(*) >= 3
ORDER BY count(*) DESC, epci_code
LIMIT 1
"""


def test_the_bundled_pat_perimeters_equal_the_one_step_union(demo_engine):
    with demo_engine.connect() as conn:
        source = conn.execute(
            text("SELECT min(source) FROM cooperation WHERE kind_code = 'pat'")
        ).scalar()
        row = conn.execute(text(ONE_STEP), {"source": source}).one()
        cached = conn.execute(text("SELECT count(*) FROM perimeter_epci_union")).scalar()
    assert row.perimeters == 44
    assert row.largest_m2 < 1.0, row
    # the point of each perimeter: the one-step union's ST_PointOnSurface, unchanged
    assert row.same_point == row.perimeters, row
    assert cached > 0  # some bundled PAT hold whole EPCIs: their unions were reused


def test_a_cached_epci_union_is_reused_then_recomputed_after_a_boundary_change(
    demo_engine, tmp_path
):
    path = tmp_path / "pat.csv"
    with demo_engine.connect() as conn:
        epci, codes = conn.execute(text(SOME_EPCI)).one()
        path.write_text(f"id,nom,perimetre\n1,PAT test,{';'.join(codes)}\n", encoding="utf-8")
        import_cooperations(conn, path, kind="pat", source="pieces-1")
        row = conn.execute(text(ONE_STEP), {"source": "pieces-1"}).one()
        assert row.perimeters == 1 and row.largest_m2 < 1.0
        first = conn.execute(
            text("SELECT members_hash, geom FROM perimeter_epci_union WHERE epci_code = :e"),
            {"e": epci},
        ).one()
        # a boundaries import moves one commune's border: the cached union is stale
        conn.execute(
            text(
                "UPDATE territory SET geom = ST_Multi(ST_Buffer(geom, -0.001)), "
                "updated_at = clock_timestamp() "
                "WHERE level = 'commune' AND code = :c"
            ),
            {"c": codes[0]},
        )
        import_cooperations(conn, path, kind="pat", source="pieces-2")
        second = conn.execute(
            text(
                "SELECT members_hash, ST_Equals(geom, :g) AS same "
                "FROM perimeter_epci_union WHERE epci_code = :e"
            ),
            {"e": epci, "g": first.geom},
        ).one()
        assert second.members_hash != first.members_hash and not second.same
        row = conn.execute(text(ONE_STEP), {"source": "pieces-2"}).one()
        assert row.perimeters == 1 and row.largest_m2 < 1.0
        # the shrunk commune leaves a gap in the new perimeter
        smaller = conn.execute(
            text(
                "SELECT (SELECT ST_Area(perimeter) FROM cooperation WHERE source = 'pieces-2') "
                "< (SELECT ST_Area(perimeter) FROM cooperation WHERE source = 'pieces-1')"
            )
        ).scalar()
        assert smaller
        conn.rollback()


def test_the_cached_union_of_an_epci_that_lost_its_communes_goes(demo_engine, tmp_path):
    """A boundaries import that empties an EPCI drops its cached union (never read again)."""
    path = tmp_path / "pat.csv"
    with demo_engine.connect() as conn:
        epci, codes = conn.execute(text(SOME_EPCI)).one()
        path.write_text(f"id,nom,perimetre\n1,PAT test,{';'.join(codes)}\n", encoding="utf-8")
        import_cooperations(conn, path, kind="pat", source="pieces-3")
        cached = "SELECT epci_code FROM perimeter_epci_union ORDER BY 1"
        before = conn.execute(text(cached)).scalars().all()
        assert epci in before
        # its communes now belong to another EPCI, as after a merger of EPCIs
        conn.execute(
            text("UPDATE territory SET epci_code = '999999999' WHERE epci_code = :e"),
            {"e": epci},
        )
        conn.execute(statement("ingest/boundaries_delete_stale_unions"))
        assert conn.execute(text(cached)).scalars().all() == [e for e in before if e != epci]
        conn.rollback()
