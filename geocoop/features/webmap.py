"""The `umap` profile of `/items`: complete, light and labelled web-map layers.

The `umap` profile of `/items`: complete, light and labelled layers for web maps that
neither page nor read `numberMatched` (uMap "remote data", Leaflet/OpenLayers GeoJSON).

- **Complete or visibly cut.** The page holds every feature of the bbox up to
  `page_limit` (5,000 for the heavy polygon layers, the maximum page size otherwise). When
  more match, the features kept are a spatially even sample (ordered by a hash of their id,
  not by code: never « only départements 01–12 ») and a notice feature at the centre of
  the bbox says « 5 000 communes sur 15 711 affichées : zoomez pour tout voir ».
- **Light.** Polygons are clipped to the bbox (plus 5 %) and simplified to about one
  pixel of a 2,000-pixel-wide view of it, coordinates rounded to match: a white zone of
  30,000 communes is a few kilobytes at France view and exact at commune view.
- **Labelled.** Properties are `name`, `description` (French, `lang=en` for English) and
  `colour` (features/popups.py), plus the raw properties chosen with `properties=`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Text, and_, cast, func, literal, select

from geocoop.features.crs import CRS84, DECIMALS
from geocoop.features.params import Bbox, ItemQuery
from geocoop.features.popups import number, popup
from geocoop.features.query import base_of, output_geometry, where_clauses
from geocoop.features.spec import Collection

HEAVY_LIMIT = 5000  # light geometries: 5,000 simplified polygons stay around 1-3 MB
PIXELS = 2000  # simplification: one pixel of a view this wide
NOTICE_ID = "geocoop-notice"
FRANCE_CENTRE = (2.5, 46.6)


def page_limit(collection: Collection, q: ItemQuery, explicit: bool, maximum: int) -> int:
    """The page size of a web-map layer: everything up to the documented bound."""
    bound = min(maximum, HEAVY_LIMIT) if collection.heavy else maximum
    return min(q.limit, bound) if explicit else bound


def _spans(bbox: Bbox) -> tuple[float, float]:
    width = bbox.maxx - bbox.minx
    if width < 0:  # crosses the antimeridian
        width += 360.0
    return width, bbox.maxy - bbox.miny


def tolerance(bbox: Bbox | None) -> float | None:
    """Simplification tolerance in degrees for a CRS84 bbox (None: keep full detail)."""
    if bbox is None or bbox.crs.srid != 4326:
        return None
    return max(_spans(bbox)) / PIXELS


def light_geometry(collection: Collection, geom, bbox: Bbox | None):
    """Polygons clipped to the bbox and simplified to its scale; other geometries as is."""
    tol = tolerance(bbox)
    if tol is None or collection.geometry_type != "MultiPolygon":
        return geom
    assert bbox is not None
    if bbox.minx <= bbox.maxx:
        margin = max(_spans(bbox)) * 0.05
        box = func.ST_MakeEnvelope(
            literal(bbox.minx - margin),
            literal(bbox.miny - margin),
            literal(bbox.maxx + margin),
            literal(bbox.maxy + margin),
            4326,
        )
        geom = func.ST_ClipByBox2D(geom, func.Box2D(box))
    return func.ST_Simplify(geom, literal(tol), True)


def decimals(bbox: Bbox | None) -> int:
    """Coordinate decimals matching the simplification (7 at full detail)."""
    tol = tolerance(bbox)
    if not tol:
        return 7
    return max(2, min(7, math.ceil(-math.log10(tol)) + 1))


@dataclass
class WebPage:
    """The features of a web-map layer (GeoJSON text each) and whether it was cut."""

    features: list[str]
    truncated: bool
    number_matched: int | None


def _props(collection: Collection, base):
    pairs = []
    for prop in collection.properties:
        pairs += [literal(prop.name), base.c[prop.name]]
    return cast(func.json_build_object(*pairs), Text)


def items_page(
    conn: Connection, collection: Collection, q: ItemQuery, counter: Callable
) -> WebPage:
    """One web-map layer: every match of the bbox up to `q.limit`, else a sample.

    One web-map layer: every match of the bbox up to `q.limit`, else an even sample
    of them and a notice feature.
    """
    base = base_of(collection)
    clauses = where_clauses(collection, base, q)
    geom = output_geometry(light_geometry(collection, base.c.geom, q.bbox), q.crs)
    places = decimals(q.bbox) if q.crs.srid == 4326 else DECIMALS[q.crs.srid]
    inner = (
        select(base.c.id)
        .where(and_(True, *clauses))
        .order_by(func.md5(cast(base.c.id, Text)))  # an even spread, not the first codes
        .limit(q.limit + 1)
        .offset(q.offset)
        .subquery("picked")
    )
    stmt = (
        select(base.c.id, cast(func.ST_AsGeoJSON(geom, places, 0), Text), _props(collection, base))
        .join(inner, inner.c.id == base.c.id)
        .order_by(func.md5(cast(base.c.id, Text)))
    )
    rows = conn.execute(stmt).all()
    truncated = len(rows) > q.limit
    features = [_feature(collection, row, q) for row in rows[: q.limit]]
    matched = (
        q.offset + len(features) if not truncated else counter(conn, collection, q, base, clauses)
    )
    if truncated:
        features.append(notice(collection, q, len(features), matched))
    return WebPage(features, truncated, matched)


def _feature(collection: Collection, row, q: ItemQuery) -> str:
    fid, geometry, props_text = row
    raw = json.loads(props_text)
    props = popup(collection, raw, q.lang)
    for name in q.properties or ():
        props.setdefault(name, raw.get(name))
    head = json.dumps({"type": "Feature", "id": fid}, ensure_ascii=False)[:-1]
    tail = json.dumps(props, ensure_ascii=False)
    return f'{head},"geometry":{geometry or "null"},"properties":{tail}}}'


def notice_text(collection: Collection, shown: int, matched: int | None, lang: str) -> str:
    """« 5 000 communes sur 15 711 affichées : zoomez pour tout voir »."""
    if lang == "fr":
        total = f" sur {number(matched, lang)}" if matched is not None else ""
        return (
            f"{number(shown, lang)} objets « {collection.title} »{total} affichés : "
            "zoomez pour tout voir"
        )
    total = f" of {number(matched, lang)}" if matched is not None else ""
    return f"{number(shown, lang)} features ({collection.id}){total} shown: zoom in to see all"


def notice(collection: Collection, q: ItemQuery, shown: int, matched: int | None) -> str:
    """A point feature at the centre of the bbox telling that the layer is incomplete."""
    text = notice_text(collection, shown, matched, q.lang)
    geometry = {"type": "Point", "coordinates": list(FRANCE_CENTRE)} if q.crs == CRS84 else None
    if q.bbox is not None and q.bbox.crs.srid == 4326 and q.crs == CRS84:
        width, _height = _spans(q.bbox)
        x = q.bbox.minx + width / 2
        x = x - 360.0 if x > 180 else x
        geometry = {
            "type": "Point",
            "coordinates": [round(x, 5), round((q.bbox.miny + q.bbox.maxy) / 2, 5)],
        }
    return json.dumps(
        {
            "type": "Feature",
            "id": NOTICE_ID,
            "geometry": geometry,
            "properties": {
                "name": text,
                "description": text,
                "colour": "#000000",
                "notice": True,
                "numberReturned": shown,
                "numberMatched": matched,
            },
        },
        ensure_ascii=False,
    )
