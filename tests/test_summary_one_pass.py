"""A collection's stored count and extents in one pass equal `count(*)` and `extents`.

`features.summary.count_and_extents` builds each row once (the synergy candidates' lines
are built per row) for both figures; they must be those of the two separate queries.
"""

from __future__ import annotations

from sqlalchemy import column, func, select, text

from geocoop.features.query import base_of
from geocoop.features.registry import all_collections
from geocoop.features.summary import count_and_extents, extents, geometry_boxes


def _two_passes(conn, geometries) -> tuple[int, list[list[float]]]:
    count = conn.execute(select(func.count()).select_from(geometries.subquery())).scalar_one()
    return int(count), extents(conn, geometries)


def test_one_pass_equals_count_and_extents_on_every_collection(demo_engine):
    checked, with_boxes = 0, []
    with demo_engine.connect() as conn:
        for collection in all_collections():
            if collection.extent_level is not None:
                continue  # counted alone: their extents are their level's
            geometries = select(base_of(collection).c.geom)
            expected = _two_passes(conn, geometries)
            assert count_and_extents(conn, geometry_boxes(geometries)) == expected, collection.id
            if collection.boxes is not None:  # the pair lines' boxes from their points
                assert count_and_extents(conn, collection.boxes()) == expected, collection.id
                with_boxes.append(collection.id)
            checked += 1
    assert checked > 5
    assert {"synergy-candidates", "partnerships"} <= set(with_boxes)


def test_one_pass_counts_rows_without_geometry_and_orders_areas(conn):
    # a metropolitan point, two rows without geometry, Réunion, Guadeloupe, a line
    rows = text(
        "SELECT ST_GeomFromText(g, 4326) AS geom FROM (VALUES ('POINT(2.35 48.85)'), (NULL),"
        " ('POINT(55.45 -20.88)'), (NULL), ('POINT(-61.55 16.25)'),"
        " ('LINESTRING(-1.68 48.11, 4.83 45.76)')) AS v(g)"
    ).columns(column("geom"))
    geometries = select(rows.subquery("v").c.geom)
    count, boxes = count_and_extents(conn, geometry_boxes(geometries))
    assert (count, boxes) == _two_passes(conn, geometries)
    assert count == 6 and len(boxes) == 3
    # metropolitan France first, though « -7,1 » (Guadeloupe) sorts before « 0 » as text
    assert boxes[0] == [-1.68, 45.76, 4.83, 48.85]
