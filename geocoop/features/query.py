"""Run item queries in PostGIS; GeoJSON text is built by the database, not by Python.

Building each Feature with `json_build_object` + `ST_AsGeoJSON` in SQL avoids decoding
geometries into Python objects and re-encoding them: the web layer only joins strings.
`numberMatched` stays cheap: it is exact for free when the page is not full, otherwise the
caller's counter (stored counts, one bounded count per filter: features/counts.py) gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Connection,
    Numeric,
    Subquery,
    Text,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
)

from geocoop.errors import NotFound
from geocoop.features.cql2 import compile_filter
from geocoop.features.crs import CRS84, DECIMALS, Crs
from geocoop.features.params import Bbox, ItemQuery
from geocoop.features.spec import Collection, Property

COUNT_CAP = 50_000  # above this many matches numberMatched is omitted (it is optional)


def output_value(prop: Property, column):
    """A property as written: numbers rounded to their decimals.

    As `numeric`, so JSON keeps the decimal point: `0.00`, `97.31`. Integers rounded to whole
    numbers.
    """
    if prop.type == "number":
        return func.round(cast(column, Numeric), prop.precision)
    if prop.type == "integer":
        return cast(column, BigInteger)
    return column


@cache
def base_of(collection: Collection) -> Subquery:
    """The collection's SELECT with its values as written, as a named subquery.

    Built once per collection. Filters compare against what the client sees.
    """
    src = collection.build().subquery("src")
    columns = [src.c.id, src.c.geom]
    columns += [output_value(p, src.c[p.name]).label(p.name) for p in collection.properties]
    return select(*columns).subquery("base")


def output_geometry(geom, crs: Crs):
    """`geom` (EPSG:4326) in the output CRS, in that CRS's axis order."""
    if crs.srid != 4326:
        geom = func.ST_Transform(geom, crs.srid)
    if crs.lat_first:
        geom = func.ST_FlipCoordinates(geom)
    return geom


def envelopes(bbox: Bbox) -> list:
    """The box as EPSG:4326 envelopes: one, or two when it crosses the antimeridian."""
    if bbox.crs.srid == 4326 and bbox.minx > bbox.maxx:
        spans = [(bbox.minx, 180.0), (-180.0, bbox.maxx)]
    else:
        spans = [(bbox.minx, bbox.maxx)]
    boxes = []
    for west, east in spans:
        envelope = func.ST_MakeEnvelope(
            literal(west), literal(bbox.miny), literal(east), literal(bbox.maxy), bbox.crs.srid
        )
        if bbox.crs.srid != 4326:
            envelope = func.ST_Transform(envelope, 4326)
        boxes.append(envelope)
    return boxes


def bbox_filter(geom, bbox: Bbox) -> ColumnElement[bool]:
    """Features whose geometry intersects `bbox`.

    Index-assisted; a box crossing the antimeridian matches both its halves.
    """
    return or_(*(func.ST_Intersects(geom, envelope) for envelope in envelopes(bbox)))


def where_clauses(collection: Collection, base: Subquery, q: ItemQuery) -> list:
    """Every filter of `q` as SQL expressions on `base` (whitelisted columns only)."""
    clauses = []
    if q.bbox is not None:
        clauses.append(bbox_filter(base.c.geom, q.bbox))
    for name, value in q.equals.items():
        clauses.append(base.c[name] == literal(value))
    if q.period is not None and collection.temporal:
        # collections without a temporal property ignore `datetime` (OGC API Features 1)
        start, end = q.period
        column = base.c[collection.temporal]
        if start is not None:
            clauses.append(column >= literal(start))
        if end is not None:
            clauses.append(column <= literal(end))
    if q.cql:
        columns = {p.name: base.c[p.name] for p in collection.queryables}
        clauses.append(compile_filter(q.cql, collection, columns, base.c.geom, q.filter_crs))
    return clauses


def feature_json(
    collection: Collection, base: Subquery, crs: Crs, properties: tuple[str, ...] | None = None
):
    """SQL expression producing one GeoJSON Feature as text.

    Only the `properties` named, in their order, when given.
    """
    props = []
    chosen = collection.properties
    if properties is not None:
        chosen = tuple(p for name in properties if (p := collection.prop(name)) is not None)
    for prop in chosen:
        props += [literal(prop.name), base.c[prop.name]]
    geometry = cast(
        func.ST_AsGeoJSON(output_geometry(base.c.geom, crs), DECIMALS.get(crs.srid, 7), 0), JSON
    )
    return cast(
        func.json_build_object(
            literal("type"),
            literal("Feature"),
            literal("id"),
            base.c.id,
            literal("geometry"),
            geometry,
            literal("properties"),
            func.json_build_object(*props),
        ),
        Text,
    )


@dataclass
class Page:
    """One page of features (GeoJSON text each) and what is known about the rest."""

    features: list[str]
    has_next: bool
    number_matched: int | None


def items_page(
    conn: Connection,
    collection: Collection,
    q: ItemQuery,
    counter: Callable | None = None,
    properties: tuple[str, ...] | None = None,
) -> Page:
    """The features of one `/items` page, plus whether a next page exists.

    `counter(conn, collection, q, base, clauses)` gives numberMatched when the page alone
    does not tell it (geocoop.features.counts.MatchCounter); without one, a count capped
    at COUNT_CAP rows.
    """
    base = base_of(collection)
    clauses = where_clauses(collection, base, q)
    if q.offset == 0:
        stmt = (
            select(feature_json(collection, base, q.crs, properties))
            .where(and_(True, *clauses))
            .order_by(base.c.id)
            .limit(q.limit + 1)
        )
        rows = conn.execute(stmt).scalars().all()
    else:
        # A later page: its ids first, then their features. PostgreSQL computes the select
        # list of every row an OFFSET skips, so building GeoJSON (and a wide layer's
        # per-kind lookups) in one SELECT made page n cost n pages (all communes, offset
        # 30,000: 2.1 s instead of 0.2 s). The ids come back as a list: joining the id
        # subquery instead misleads the planner on computed ids (coverage-departements).
        ids = (
            conn.execute(
                select(base.c.id)
                .where(and_(True, *clauses))
                .order_by(base.c.id)
                .limit(q.limit + 1)
                .offset(q.offset)
            )
            .scalars()
            .all()
        )
        rows = []
        if ids:
            stmt = (
                select(feature_json(collection, base, q.crs, properties))
                .where(base.c.id.in_(ids))
                .order_by(base.c.id)
            )
            rows = conn.execute(stmt).scalars().all()
    has_next = len(rows) > q.limit
    features = list(rows[: q.limit])
    matched: int | None
    if not has_next and (features or q.offset == 0):
        matched = q.offset + len(features)
    elif counter is not None:
        matched = counter(conn, collection, q, base, clauses)
    else:
        matched = count_matches(conn, base, clauses)
    return Page(features, has_next, matched)


def count_matches(conn: Connection, base: Subquery, clauses: list) -> int | None:
    """Exact count when below COUNT_CAP, else None (the scan stops at the cap)."""
    capped = select(literal(1)).select_from(base).where(and_(True, *clauses)).limit(COUNT_CAP + 1)
    count = conn.execute(select(func.count()).select_from(capped.subquery())).scalar_one()
    return count if count <= COUNT_CAP else None


def parse_feature_id(collection: Collection, feature_id: str) -> object:
    """The id in its column type (NotFound for an id that cannot exist)."""
    if collection.id_type == "integer":
        if not feature_id.isdigit() or len(feature_id) > 12:
            raise NotFound(f"Objet introuvable dans {collection.id} : {feature_id[:40]!r}.")
        return int(feature_id)
    if len(feature_id) > 40:
        raise NotFound(f"Objet introuvable dans {collection.id}.")
    return feature_id


def get_feature(conn: Connection, collection: Collection, feature_id: str, crs: Crs = CRS84) -> str:
    """One Feature as GeoJSON text (NotFound when absent)."""
    base = base_of(collection)
    value = parse_feature_id(collection, feature_id)
    stmt = select(feature_json(collection, base, crs)).where(base.c.id == literal(value))
    found = conn.execute(stmt).scalar_one_or_none()
    if found is None:
        raise NotFound(f"Objet introuvable dans {collection.id} : {feature_id[:40]!r}.")
    return found


def item_rows(
    conn: Connection, collection: Collection, q: ItemQuery, *, wkt: bool = False, extra: int = 0
) -> list[dict]:
    """Rows for exports (CSV: geometry as WKT; GeoPackage: as WKB, always x/y order).

    `extra` more rows than the limit are fetched so the caller can tell a truncated export.
    """
    base = base_of(collection)
    geom = base.c.geom if q.crs.srid == 4326 else func.ST_Transform(base.c.geom, q.crs.srid)
    if wkt:
        geometry = func.ST_AsText(output_geometry(base.c.geom, q.crs), DECIMALS[q.crs.srid])
    else:
        geometry = func.ST_AsBinary(geom)
    geometry = geometry.label("geometry")
    columns = [base.c.id, *(base.c[p.name] for p in collection.properties), geometry]
    stmt = (
        select(*columns)
        .where(and_(True, *where_clauses(collection, base, q)))
        .order_by(base.c.id)
        .limit(q.limit + extra)
        .offset(q.offset)
    )
    return [dict(row) for row in conn.execute(stmt).mappings()]
