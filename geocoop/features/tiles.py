"""Mapbox vector tiles of the collections, generalised per zoom, cached per data version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from psycopg import sql
from sqlalchemy import Connection, TextClause

from geocoop.errors import BadRequest
from geocoop.features.cache import VersionedCache
from geocoop.features.spec import Collection
from geocoop.models import DEFAULT_KINDS
from geocoop.sql import composed, fragment

MAX_ZOOM = 22
DETAIL_ZOOM = 10  # from this zoom on, full-resolution boundaries


@dataclass(frozen=True)
class TileSource:
    """Which named SQL builds a collection's tiles, its fixed parameters and fields."""

    sql: str
    params: tuple[tuple[str, object], ...]
    fields: tuple[tuple[str, str], ...]  # attribute name → TileJSON type (String, Number)
    needs_kind: bool = False  # the tile is for one cooperation kind (`?kind=pat`)
    # (fragment, attribute prefix, kinds): the `{per_kind}` columns, one fragment per kind
    per_kind: tuple[str, str, tuple[str, ...]] | None = None
    # placeholder → column name, written here (never input): e.g. the parent code column
    identifiers: tuple[tuple[str, str], ...] = ()


_TERRITORY_FIELDS = (
    ("code", "String"),
    ("name", "String"),
    ("population", "Number"),
    ("area_km2", "Number"),
    ("region_code", "String"),
    ("departement_code", "String"),
    ("epci_code", "String"),
)
SOURCES: dict[str, TileSource] = {
    cid: TileSource("features/tile_territories", (("level", level),), _TERRITORY_FIELDS)
    for cid, level in (
        ("regions", "region"),
        ("departements", "departement"),
        ("epci", "epci"),
        ("communes", "commune"),
    )
}
SOURCES["cooperations"] = TileSource(
    "features/tile_cooperations",
    (),
    (
        ("name", "String"),
        ("kind_code", "String"),
        ("kind_label", "String"),
        ("colour", "String"),
        ("category", "String"),
        ("socio_economic_model", "String"),
        ("stage", "String"),
        ("commune_code", "String"),
        ("website", "String"),
    ),
)


SOURCES["coverage"] = TileSource(
    "features/tile_coverage",
    (),
    (
        ("code", "String"),
        ("name", "String"),
        ("population", "Number"),
        ("departement_code", "String"),
        ("epci_code", "String"),
        ("kind_code", "String"),
        ("kind_label", "String"),
        ("covered", "Boolean"),
        ("covered_distance", "Boolean"),
        ("covered_perimeter", "Boolean"),
        ("nearest_edge_m", "Number"),
        ("nearest_cooperation_id", "Number"),
        ("zone_id", "String"),
    ),
    needs_kind=True,
)
# one tile set per kind, as the per-kind collections (coverage-pat…): no parameter needed
SOURCES.update(
    {
        f"coverage-{code}": TileSource(
            "features/tile_coverage", (("kind", code),), SOURCES["coverage"].fields
        )
        for code, *_rest in DEFAULT_KINDS
    }
)
# The wide layers (coverage-wide, coverage-wide-<level>): one attribute per kind, as in
# their OGC collections (features/analysis_collections.wide_collections), each from a
# per-kind fragment; a kind without data has no attribute in a tile (MVT has no null:
# absent means unknown).
_WIDE_KINDS = tuple(code for code, *_rest in DEFAULT_KINDS)
SOURCES["coverage-wide"] = TileSource(
    "features/tile_coverage_wide",
    (),
    (
        ("code", "String"),
        ("name", "String"),
        ("population", "Number"),
        ("departement_code", "String"),
        ("epci_code", "String"),
        *((f"covered_{code}", "Boolean") for code in _WIDE_KINDS),
        ("kinds_with_data", "Number"),
        ("kinds_covered", "Number"),
    ),
    per_kind=("features/tile_wide_covered", "covered_", _WIDE_KINDS),
)
SOURCES.update(
    {
        f"coverage-wide-{cid}": TileSource(
            "features/tile_coverage_wide_rollup",
            (("level", level), ("kinds", _WIDE_KINDS)),
            (
                ("code", "String"),
                ("name", "String"),
                ("population", "Number"),
                ("communes_total", "Number"),
                *((f"covered_pct_{code}", "Number") for code in _WIDE_KINDS),
            ),
            per_kind=("features/tile_wide_covered_pct", "covered_pct_", _WIDE_KINDS),
            identifiers=(("parent", column),),
        )
        for cid, level, column in (
            ("epci", "epci", "epci_code"),
            ("departements", "departement", "departement_code"),
            ("regions", "region", "region_code"),
        )
    }
)
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def check_kind(source: TileSource, kind: str | None) -> str | None:
    """The `kind` parameter of a per-kind tile source (400 when missing or malformed)."""
    if not source.needs_kind:
        if kind is not None:
            raise BadRequest("Paramètre kind inutile pour cette couche.")
        return None
    if kind is None or not _KIND.match(kind):
        raise BadRequest("Paramètre kind obligatoire : code d'un type de coopération.")
    return kind


def register_source(collection_id: str, source: TileSource) -> None:
    """Serve tiles for another collection (analysis layers)."""
    SOURCES[collection_id] = source


def check_tile(z: int, x: int, y: int) -> None:
    """400 unless z/x/y address a tile of the WebMercator quad tree."""
    if not 0 <= z <= MAX_ZOOM:
        raise BadRequest(f"Niveau de zoom {z} hors de [0, {MAX_ZOOM}].")
    side = 1 << z
    if not (0 <= x < side and 0 <= y < side):
        raise BadRequest(f"Tuile {z}/{x}/{y} inexistante : x et y dans [0, {side - 1}].")


def tile_source(collection: Collection) -> TileSource:
    """The tile source of `collection` (400 when it has none)."""
    source = SOURCES.get(collection.id)
    if source is None:
        raise BadRequest(f"La collection {collection.id} n'a pas de tuiles vectorielles.")
    return source


@cache
def _tile_statement(source: TileSource) -> TextClause:
    """A source's tile statement (composed once).

    With the shared tile-bounds CTE, the source's identifiers, and for the wide layers one
    column per kind: its code as a literal, its attribute as an identifier (kinds and
    columns are the code's own lists, never input).
    """
    parts: dict[str, sql.Composable] = {"bounds": fragment("features/tile_bounds")}
    parts.update({name: sql.Identifier(column) for name, column in source.identifiers})
    if source.per_kind is not None:
        name, prefix, kinds = source.per_kind
        parts["per_kind"] = sql.SQL(",\n").join(
            fragment(name, kind=sql.Literal(code), column=sql.Identifier(prefix + code))
            for code in kinds
        )
    return composed(source.sql, **parts)


def render_tile(
    conn: Connection, collection: Collection, z: int, x: int, y: int, kind: str | None = None
) -> bytes:
    """The MVT bytes of one tile, straight from ST_AsMVT (empty bytes when no feature)."""
    check_tile(z, x, y)
    source = tile_source(collection)
    kind = check_kind(source, kind)
    if z < collection.tile_minzoom or z > collection.tile_maxzoom:
        return b""
    params = {"z": z, "x": x, "y": y, "layer": collection.id, "detail_zoom": DETAIL_ZOOM}
    # a tuple of the source (the wide layers' kinds) goes to PostgreSQL as an array
    params.update({k: list(v) if isinstance(v, tuple) else v for k, v in source.params})
    if kind is not None:
        params["kind"] = kind
    data = conn.execute(_tile_statement(source), params).scalar_one()
    return bytes(data or b"")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if not value:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def empty_tile(layer: str) -> bytes:
    """A valid MVT holding one layer named `layer` and no feature (version 2, extent 4096).

    ST_AsMVT over no row gives zero bytes, which GDAL's MVT driver (3.6) refuses to open
    (it identifies a tile by its first layer); this layer-only tile opens as a layer with
    0 features, and MapLibre/Leaflet/QGIS draw nothing, as for an empty tile.
    """
    name = layer.encode("utf-8")
    body = b"\x78\x02" + b"\x0a" + _varint(len(name)) + name + b"\x28" + _varint(4096)
    return b"\x1a" + _varint(len(body)) + body  # Tile.layers (field 3) = Layer


def cached_tile(
    conn: Connection,
    cache: VersionedCache,
    version: int,
    collection: Collection,
    z: int,
    x: int,
    y: int,
    kind: str | None = None,
) -> bytes:
    """`render_tile` through the per-version cache."""
    key = ("tile", collection.id, z, x, y, kind)
    found = cache.get(version, key)
    if found is None:
        found = render_tile(conn, collection, z, x, y, kind)
        cache.put(version, key, found, len(found) + 64)
    return found  # type: ignore[return-value]
