"""CQL2 text (OGC API – Features Part 3) → a SQLAlchemy expression on whitelisted columns.

pygeofilter parses; this module walks its syntax tree and accepts only what it knows:
attributes that are queryables of the collection (or the geometry), literals of the
queryable's type, comparisons, LIKE, IN, BETWEEN, IS NULL, AND/OR/NOT, CASEI and the
spatial predicates. Every literal becomes a bound parameter; a name that is not a queryable
is a 400, never a column reference — the defence against GeoServer-style filter injection
(CVE-2023-25157/25158).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from lark.exceptions import LarkError
from pygeofilter import ast, values
from shapely.geometry import shape
from sqlalchemy import ColumnElement, and_, bindparam, false, func, not_, or_, true
from sqlalchemy.sql.expression import literal

from geocoop.errors import BadRequest
from geocoop.features.crs import SUPPORTED, Crs
from geocoop.features.spec import Collection

GEOMETRY_NAMES = ("geometry", "geom")
_SPATIAL = {
    "INTERSECTS": "ST_Intersects",
    "DISJOINT": "ST_Disjoint",
    "CONTAINS": "ST_Contains",
    "WITHIN": "ST_Within",
    "TOUCHES": "ST_Touches",
    "CROSSES": "ST_Crosses",
    "OVERLAPS": "ST_Overlaps",
    "EQUALS": "ST_Equals",
}
_COMPARE = {
    ast.ComparisonOp.EQ: lambda a, b: a == b,
    ast.ComparisonOp.NE: lambda a, b: a != b,
    ast.ComparisonOp.LT: lambda a, b: a < b,
    ast.ComparisonOp.LE: lambda a, b: a <= b,
    ast.ComparisonOp.GT: lambda a, b: a > b,
    ast.ComparisonOp.GE: lambda a, b: a >= b,
}
MAX_FILTER_LENGTH = 4000
INT_LIMIT = 2**31  # integer queryables are PostgreSQL integers


@cache
def _parser():
    from pygeofilter.parsers.cql2_text import parse

    return parse


def parse_cql2(text: str) -> ast.Node:
    """The syntax tree of a CQL2 text filter (400 with the position on a syntax error)."""
    if len(text) > MAX_FILTER_LENGTH:
        raise BadRequest(f"Paramètre filter : {MAX_FILTER_LENGTH} caractères au plus.")
    try:
        return _parser()(text)
    except LarkError as exc:
        where = ""
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        if line is not None and column is not None and line > 0:
            where = f" (ligne {line}, colonne {column})"
        raise BadRequest(f"Paramètre filter : erreur de syntaxe CQL2{where}.") from None
    except Exception:  # any parser failure means the client's filter is not valid CQL2
        raise BadRequest("Paramètre filter : expression CQL2 invalide.") from None


def _finite(numbers: Iterable[object]) -> None:
    """400 unless every number is finite (`1e400` parses as infinity: PostGIS refuses it)."""
    for number in numbers:
        if isinstance(number, float) and not math.isfinite(number):
            raise BadRequest("Paramètre filter : nombre hors limites (infini ou NaN).")


def _coordinates(value: object) -> Iterable[object]:
    """Every number of a GeoJSON geometry (collections included)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _coordinates(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _coordinates(item)
    else:
        yield value


class _Compiler:
    def __init__(self, collection: Collection, columns, geometry, filter_crs: Crs) -> None:
        self.collection = collection
        self.columns = columns
        self.geometry = geometry
        self.crs = filter_crs

    # -- operands ------------------------------------------------------------
    def attribute(self, node: ast.Attribute):
        prop = self.collection.prop(node.name)
        if prop is None or not prop.queryable or node.name not in self.columns:
            raise BadRequest(
                f"Paramètre filter : propriété inconnue ou non filtrable {node.name[:60]!r}."
            )
        return self.columns[node.name], prop.type

    def operand(self, node):
        """(expression, type) of an attribute or CASEI(attribute)."""
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Function) and node.name == "lower" and len(node.arguments) == 1:
            column, kind = self.operand(node.arguments[0])
            if kind != "string":
                raise BadRequest("Paramètre filter : CASEI s'applique à du texte.")
            return func.lower(column), kind
        raise BadRequest("Paramètre filter : une propriété est attendue à gauche de l'opérateur.")

    def value(self, node, kind: str):
        """A bound literal checked against the queryable's type."""
        if isinstance(node, ast.Function) and node.name == "lower" and len(node.arguments) == 1:
            return func.lower(self.value(node.arguments[0], kind))
        ok = {
            "string": isinstance(node, str),
            "integer": isinstance(node, int) and not isinstance(node, bool),
            "number": isinstance(node, int | float) and not isinstance(node, bool),
            "date-time": isinstance(node, datetime | date),
            "boolean": isinstance(node, bool),
        }.get(kind, False)
        if not ok:
            raise BadRequest(
                f"Paramètre filter : valeur {str(node)[:40]!r} incompatible avec le type {kind}."
            )
        _finite([node])
        if isinstance(node, int) and not isinstance(node, bool):
            if not -INT_LIMIT <= node < INT_LIMIT:
                raise BadRequest("Paramètre filter : entier hors limites.")
            if kind == "number":
                node = float(node)
        return literal(node)

    def geometry_value(self, node):
        if isinstance(node, ast.Function) and node.name == "bbox" and len(node.arguments) in (4, 6):
            args = node.arguments
            if not all(isinstance(a, int | float) for a in args):
                raise BadRequest("Paramètre filter : BBOX attend des nombres.")
            _finite(args)
            if len(args) == 6:
                args = [args[0], args[1], args[3], args[4]]
            x1, y1, x2, y2 = args
            if self.crs.lat_first:
                x1, y1, x2, y2 = y1, x1, y2, x2
            geom = func.ST_MakeEnvelope(
                literal(float(x1)),
                literal(float(y1)),
                literal(float(x2)),
                literal(float(y2)),
                self.crs.srid,
            )
            return self._to_storage(geom)
        if isinstance(node, values.Geometry):
            geo = dict(node.geometry)
            _finite(_coordinates(geo))
            srid = self.crs.srid
            name = (geo.pop("crs", None) or {}).get("properties", {}).get("name", "")
            if name:
                try:
                    srid = int(name.rpartition(":")[2])
                except ValueError:
                    raise BadRequest("Paramètre filter : SRID de géométrie invalide.") from None
                if srid not in {c.srid for c in SUPPORTED}:
                    raise BadRequest(
                        f"Paramètre filter : SRID {srid} non pris en charge (4326, 2154 ou 3857)."
                    )
            try:
                wkt = shape(geo).wkt
            except Exception:
                raise BadRequest("Paramètre filter : géométrie invalide.") from None
            geom = func.ST_GeomFromText(bindparam(None, wkt), srid)
            if self.crs.lat_first and not name:
                geom = func.ST_FlipCoordinates(geom)
            return self._to_storage(geom) if srid != 4326 else geom
        raise BadRequest("Paramètre filter : géométrie (WKT ou BBOX) attendue.")

    @staticmethod
    def _to_storage(geom):
        return func.ST_Transform(geom, 4326)

    # -- predicates ----------------------------------------------------------
    def compile(self, node) -> ColumnElement[bool]:
        if isinstance(node, ast.And):
            return and_(self.compile(node.lhs), self.compile(node.rhs))
        if isinstance(node, ast.Or):
            return or_(self.compile(node.lhs), self.compile(node.rhs))
        if isinstance(node, ast.Not):
            return not_(self.compile(node.sub_node))
        if isinstance(node, ast.Include):
            return false() if node.not_ else true()
        if isinstance(node, ast.Comparison) and node.op in _COMPARE:
            column, kind = self.operand(node.lhs)
            return _COMPARE[node.op](column, self.value(node.rhs, kind))
        if isinstance(node, ast.Between):
            column, kind = self.operand(node.lhs)
            expr = column.between(self.value(node.low, kind), self.value(node.high, kind))
            return not_(expr) if node.not_ else expr
        if isinstance(node, ast.Like):
            column, kind = self.operand(node.lhs)
            if kind != "string":
                raise BadRequest("Paramètre filter : LIKE s'applique à du texte.")
            pattern = self.value(node.pattern, kind)
            expr = (
                column.ilike(pattern, escape="\\")
                if node.nocase
                else column.like(pattern, escape="\\")
            )
            return not_(expr) if node.not_ else expr
        if isinstance(node, ast.In):
            column, kind = self.operand(node.lhs)
            if not node.sub_nodes:
                raise BadRequest("Paramètre filter : IN attend au moins une valeur.")
            expr = column.in_([self.value(v, kind) for v in node.sub_nodes])
            return not_(expr) if node.not_ else expr
        if isinstance(node, ast.IsNull):
            if isinstance(node.lhs, ast.Attribute) and node.lhs.name in GEOMETRY_NAMES:
                column = self.geometry
            else:
                column, _kind = self.operand(node.lhs)
            return column.is_not(None) if node.not_ else column.is_(None)
        if isinstance(node, ast.SpatialComparisonPredicate):
            lhs, rhs = node.lhs, node.rhs
            if not (isinstance(lhs, ast.Attribute) and lhs.name in GEOMETRY_NAMES):
                lhs, rhs = rhs, lhs
            if not (isinstance(lhs, ast.Attribute) and lhs.name in GEOMETRY_NAMES):
                raise BadRequest("Paramètre filter : prédicat spatial sans la géométrie.")
            return getattr(func, _SPATIAL[node.op.name])(self.geometry, self.geometry_value(rhs))
        raise BadRequest(
            f"Paramètre filter : opération non prise en charge ({type(node).__name__})."
        )


def compile_filter(
    text: str, collection: Collection, columns, geometry, filter_crs: Crs
) -> ColumnElement[bool]:
    """The WHERE clause for CQL2 `text` on `collection`'s queryable `columns`."""
    return _Compiler(collection, columns, geometry, filter_crs).compile(parse_cql2(text))
