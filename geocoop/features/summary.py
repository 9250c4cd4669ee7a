"""Counts and extents of every collection, computed when data is written, read per request.

`refresh_summaries` runs after every write that changes served data — each import and each
analysis refresh, full or after one cooperation (`geocoop.orchestration` calls it, in the
writer's transaction): it stores per collection its exact feature count and its extents
(metropolitan France first, then each overseas area) with the data version they describe.
A request reads them in one indexed lookup: `numberMatched` of an unfiltered page is the
stored count while the data version is unchanged (otherwise counted under a bound, never a
wrong count: features/counts.py); the collection extent and the TileJSON centre never
trigger a computation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, Select, and_, case, cast, func, literal, select
from sqlalchemy.types import Text

from geocoop.features.query import base_of
from geocoop.features.registry import all_collections
from geocoop.features.spec import Collection
from geocoop.features.version import data_version, deferring, publish
from geocoop.models import Territory
from geocoop.sql import statement

# Metropolitan France (Corsica included) in CRS84: a geometry whose bounding-box centre
# falls in it belongs to the first extent; anything else goes to its overseas area.
METROPOLE = (-5.6, 41.0, 10.0, 51.6)
FRANCE_METRO_BBOX = [-5.15, 41.33, 9.57, 51.09]  # shown while nothing is stored yet
_T = Territory.__table__


@dataclass(frozen=True)
class Summary:
    """What is stored about one collection."""

    number_matched: int
    extents: list[list[float]]
    data_version: int


def geometry_boxes(geometries: Select) -> Select:
    """One `box` (Box2D of the `geom` column) per row of `geometries`, NULL without one."""
    return select(func.Box2D(geometries.subquery("g").c.geom).label("box"))


def _boxes_by_area(conn: Connection, boxes: Select, *, every_row: bool) -> list:
    """Rows (area, xmin, ymin, xmax, ymax, n) of the `box` column of `boxes` by area.

    With `every_row`, rows without a box are counted too, in a group whose area is NULL
    (ordered last), so that one pass gives the count and the extents.
    """
    box = boxes.cte("boxes").prefix_with("MATERIALIZED").c.box
    # each box computed once and read as four numbers once (materialized twice: a line
    # built per row, the synergy candidates', or a commune polygon read once, and no
    # box-to-box3d cast per use below); their min/max are ST_Extent's figures (compared
    # on every collection of all France)
    corners = select(
        func.ST_XMin(box).label("x0"),
        func.ST_YMin(box).label("y0"),
        func.ST_XMax(box).label("x1"),
        func.ST_YMax(box).label("y1"),
    )
    if not every_row:
        corners = corners.where(box.is_not(None))
    corners = corners.cte("corners").prefix_with("MATERIALIZED")
    x0, y0, x1, y1 = corners.c.x0, corners.c.y0, corners.c.x1, corners.c.y1
    cx = (x0 + x1) / 2
    cy = (y0 + y1) / 2
    west, south, east, north = METROPOLE
    area = case(
        (x0.is_(None), literal(None, Text)),
        (and_(cx.between(west, east), cy.between(south, north)), literal("0")),
        else_=func.concat(
            cast(func.floor(cx / 10), Text), literal(","), cast(func.floor(cy / 10), Text)
        ),
    ).label("area")
    return conn.execute(
        select(area, func.min(x0), func.min(y0), func.max(x1), func.max(y1), func.count())
        .group_by(area)
        # metropolitan France first whatever the collation: « -6,0 » (Guyane) or « -7,1 »
        # (Antilles) sort before « 0 » as text, which put South America first on all France
        .order_by(case((area == literal("0"), 0), else_=1), area)
    ).all()


def extents(conn: Connection, geometries: Select) -> list[list[float]]:
    """Bounding boxes of the `geom` column of `geometries`.

    Metropolitan France first, then one per overseas area (10° cells of each geometry's bounding-box
    centre).
    """
    rows = _boxes_by_area(conn, geometry_boxes(geometries), every_row=False)
    return [[round(float(v), 6) for v in row[1:5]] for row in rows]


def count_and_extents(conn: Connection, boxes: Select) -> tuple[int, list[list[float]]]:
    """How many rows `boxes` has, and the `extents` of their `box`, in one pass over them.

    `boxes`: `geometry_boxes` of a collection's geometries, or the collection's own
    (`Collection.boxes`: the same boxes without building each geometry). The same figures
    as `count(*)` and `extents` (tests/test_summary_one_pass.py).
    """
    rows = _boxes_by_area(conn, boxes, every_row=True)
    boxes = [[round(float(v), 6) for v in row[1:5]] for row in rows if row[0] is not None]
    return sum(int(row[5]) for row in rows), boxes


def _level_geometries(level: str) -> Select:
    """The light boundaries of one territory level.

    Same extent as the full ones, to within the simplification tolerance.
    """
    return select(func.coalesce(_T.c.geom_simplified, _T.c.geom).label("geom")).where(
        _T.c.level == level
    )


def compute_summary(
    conn: Connection, collection: Collection, level_extents: dict[str, list]
) -> tuple[int, list[list[float]]]:
    """Exact count and extents of one collection, as stored."""
    base = base_of(collection)
    if collection.extent_level is None:
        boxes = collection.boxes() if collection.boxes else geometry_boxes(select(base.c.geom))
        return count_and_extents(conn, boxes)
    count = conn.execute(select(func.count()).select_from(base)).scalar_one()
    if collection.extent_level not in level_extents:
        level_extents[collection.extent_level] = extents(
            conn, _level_geometries(collection.extent_level)
        )
    boxes = level_extents[collection.extent_level] if count else []
    return int(count), boxes


def refresh_summaries(conn: Connection, changed: set[str] | None = None) -> int:
    """Recompute and store the count and extents of every (or every changed) collection.

    Recompute and store the count and extents of every collection, or (an incremental
    write) only of the `changed` ones, the others being restamped with the new data version
    (the caller knows they did not change); returns how many were recomputed.
    """
    stored = read_summaries(conn) if changed is not None else {}
    level_extents: dict[str, list] = {}
    rows = []
    for collection in all_collections():
        known = stored.get(collection.id)
        if known is not None and collection.id not in (changed or ()):
            rows.append({"id": collection.id, "n": known.number_matched, "e": known.extents})
            continue
        count, boxes = compute_summary(conn, collection, level_extents)
        rows.append({"id": collection.id, "n": count, "e": boxes, "new": True})
    if deferring(conn):
        publish(conn)  # the version these rows will be served under, moved once
    version = data_version(conn)
    conn.execute(statement("features/summary_clear"))
    conn.execute(
        statement("features/summary_insert"),
        [{"id": r["id"], "n": r["n"], "e": json.dumps(r["e"]), "v": version} for r in rows],
    )
    return sum(1 for r in rows if r.get("new"))


def collections_changed_by_cooperation(kinds: list[str]) -> set[str]:
    """The collections one cooperation's incremental refresh can change.

    The collections whose count or extents can change when one cooperation of `kinds`
    changes and its analysis is refreshed incrementally: the cooperations, the white zones
    and synergies, the partnerships (a deleted cooperation takes its own; a moved one moves
    their lines) (coverage keeps one row per commune and kind; when a kind gains or loses
    its coverage rows, recount everything instead).
    """
    return collections_changed_by_rows(kinds) | collections_changed_by_refresh(kinds)


def collections_changed_by_rows(kinds: list[str]) -> set[str]:
    """The collections a write of cooperation rows of `kinds` changes, before any refresh.

    The cooperations, and the partnerships (a deleted cooperation takes its own, a moved
    one moves their lines): what a writer stores before committing its rows.
    """
    del kinds  # the same two collections whatever the kinds
    return {"cooperations", "partnerships"}


def collections_changed_by_refresh(kinds: list[str]) -> set[str]:
    """The collections an incremental refresh of `kinds` changes (not the rows' own).

    The white zones (all kinds, and each of `kinds`) and the synergy candidates: a
    refresh after a commit whose writer already stored `collections_changed_by_rows`
    recomputes only these.
    """
    return {"synergy-candidates"} | white_zone_collections(kinds)


def white_zone_collections(kinds: list[str]) -> set[str]:
    """The white-zone collections of `kinds`: all kinds', and each of `kinds`' own."""
    return {"white-zones"} | {f"white-zones-{kind}" for kind in kinds}


def summaries_current(conn: Connection) -> bool:
    """True when every served collection has a summary describing the current data."""
    stored = read_summaries(conn)
    version = data_version(conn)
    return set(stored) == {c.id for c in all_collections()} and all(
        s.data_version == version for s in stored.values()
    )


def read_summaries(conn: Connection) -> dict[str, Summary]:
    """Every stored summary, by collection id (empty before the first refresh)."""
    rows = conn.execute(statement("features/summary_read"))
    return {
        r.collection_id: Summary(int(r.number_matched), list(r.extents), int(r.data_version))
        for r in rows
    }
