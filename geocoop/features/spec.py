"""What a served collection is: its properties (typed, titled in French) and its SELECT.

The kernel every other features module builds on; it imports nothing from them, so the
definitions (`collections`, `analysis_collections`) and the registry never import each
other in a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select

# JSON-schema type of each property type
JSON_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "date-time": {"type": "string", "format": "date-time"},
    "array": {"type": "array", "items": {"type": "string"}},
    "boolean": {"type": "boolean"},
}


@dataclass(frozen=True)
class Property:
    """One output property; `queryable` ones can be filtered on (equality and CQL2).

    A `number` is always written with `precision` decimals (at least one, so that a client
    guessing types from values never takes 0 or 12 for an integer); an `integer` is written
    rounded to a whole number (distances to the metre).
    """

    name: str
    type: str  # a key of JSON_TYPES
    title: str
    queryable: bool = True
    enum: tuple[str, ...] | None = None
    description: str = ""
    precision: int = 2  # decimals of a `number`
    unit: str | None = None  # for the schema: "m", "km2", "%"

    def __post_init__(self) -> None:
        """Refuse a type the schema cannot express, or a number written without decimals."""
        if self.type not in JSON_TYPES:
            raise ValueError(f"unknown property type {self.type!r} for {self.name}")
        if self.type == "number" and self.precision < 1:
            raise ValueError(f"{self.name}: a number keeps at least one decimal")

    def schema(self) -> dict:
        """JSON schema of the property (queryables, describedby and the OpenAPI document)."""
        out = {"title": self.title, **JSON_TYPES[self.type]}
        if self.description:
            out["description"] = self.description
        if self.type == "number":
            # documented precision (no multipleOf: binary floats make validators stumble)
            out["x-decimals"] = self.precision
        if self.unit:
            out["x-ogc-unit"] = self.unit
        if self.enum:
            out["enum"] = list(self.enum)
        return out


@dataclass(frozen=True)
class Collection:
    """A feature collection: its metadata and the SELECT that produces its rows."""

    id: str
    title: str
    description: str
    build: Callable[[], Select]  # columns: id, geom, then one per property (same names)
    properties: tuple[Property, ...]
    id_type: str = "string"  # "string" or "integer": how featureId is parsed
    geometry_type: str | None = "MultiPolygon"  # None: a table whose features have no geometry
    heavy: bool = False  # big polygons: exports bounded more tightly
    tile_minzoom: int = 0
    tile_maxzoom: int = 14
    keywords: tuple[str, ...] = field(default_factory=tuple)
    temporal: str | None = None  # the date-time property `datetime` filters on, if any
    # the territory level whose extent this collection shares (its geometries are those
    # territories'): extents are then taken from the light simplified boundaries
    extent_level: str | None = None
    kind: str | None = None  # one-kind layers (coverage-pat…): the cooperation kind they hold
    # one `box` per row of `build` equal to Box2D of its geom, cheaper than building the
    # geometry (pair lines: the box of their two points); the stored extents read it
    boxes: Callable[[], Select] | None = None
    per_kind: bool = False  # rows per cooperation kind: the document lists each kind's data

    def __post_init__(self) -> None:
        """Collection ids travel in URLs and layer names: no dots or slashes."""
        if "." in self.id or "/" in self.id:
            raise ValueError(f"collection id without dots or slashes: {self.id}")

    def prop(self, name: str) -> Property | None:
        """The property called `name`, if this collection has it."""
        return next((p for p in self.properties if p.name == name), None)

    @property
    def queryables(self) -> tuple[Property, ...]:
        """Properties that may be used in filters."""
        return tuple(p for p in self.properties if p.queryable)
