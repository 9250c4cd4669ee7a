"""Query-string values → a typed, bounded `ItemQuery` (400 on anything unexpected).

Works on a plain mapping of name → list of values, so the web layer, the CLI and tests
share it. Every accepted name is declared in the OpenAPI document (geocoop/web/openapi.py
reads `ITEMS_PARAMETERS`); any other name that is not a queryable is refused, as the OGC
test suite requires.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from geocoop.errors import BadRequest
from geocoop.features.crs import CRS84, Crs, parse_crs
from geocoop.features.spec import Collection

FORMATS = ("json", "html", "csv", "gpkg")
ITEMS_PARAMETERS = (
    "f",
    "datetime",
    "bbox",
    "bbox-crs",
    "crs",
    "limit",
    "offset",
    "filter",
    "filter-lang",
    "filter-crs",
    "profile",
    "properties",
    "lang",
)
PROFILES = ("umap",)  # web-map profile: complete, light, labelled layers (features/webmap.py)
LANGS = ("fr", "en")
_NAME_MAX = 60
MAX_OFFSET = 1_000_000  # deeper paging is a crawl: use a bbox or a filter instead


@dataclass(frozen=True)
class Bbox:
    """A bounding box in the coordinates of `crs`, already in x/y (east, north) order.

    In CRS84/EPSG:4326 a box crossing the antimeridian has `minx > maxx` (OGC API –
    Features Part 1): it covers [minx, 180] and [-180, maxx].
    """

    minx: float
    miny: float
    maxx: float
    maxy: float
    crs: Crs = CRS84


@dataclass
class ItemQuery:
    """What a client asked of `/items`: every field validated and bounded."""

    limit: int
    offset: int = 0
    bbox: Bbox | None = None
    crs: Crs = CRS84
    equals: dict[str, object] = field(default_factory=dict)  # queryable → value
    cql: str | None = None
    filter_crs: Crs = CRS84
    format: str = "json"
    period: tuple[datetime | None, datetime | None] | None = None  # from `datetime`
    profile: str | None = None  # "umap": see geocoop.features.webmap
    properties: tuple[str, ...] | None = None  # the selected properties, in their order
    lang: str = "fr"  # language of the `description` of the umap profile


def single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The one value of parameter `name`, or None; 400 when it is repeated."""
    values = args.get(name) or []
    if len(values) > 1:
        raise BadRequest(f"Paramètre {name} répété : une seule valeur attendue.")
    return values[0] if values else None


def parse_int(value: str | None, name: str, default: int, minimum: int, maximum: int) -> int:
    """An integer parameter within bounds (400 below `minimum`, clamped above `maximum`)."""
    if value is None or value == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise BadRequest(f"Paramètre {name} : entier attendu, reçu {value[:40]!r}.") from None
    if number < minimum:
        raise BadRequest(f"Paramètre {name} : au moins {minimum} attendu, reçu {number}.")
    return min(number, maximum)


def parse_bbox(value: str | None, crs: Crs) -> Bbox | None:
    """`minx,miny,maxx,maxy` (or 6 numbers with heights) in `crs` axis order; x/y inside."""
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise BadRequest(
            f"Paramètre bbox : 4 nombres attendus (ouest,sud,est,nord), {len(parts)} reçus."
        )
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise BadRequest("Paramètre bbox : nombres décimaux attendus.") from None
    if not all(math.isfinite(n) for n in numbers):
        raise BadRequest("Paramètre bbox : nombres finis attendus.")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    a1, b1, a2, b2 = numbers
    # EPSG:4326 as a URI is latitude-first (OGC API – Features Part 2)
    minx, miny, maxx, maxy = (b1, a1, b2, a2) if crs.lat_first else (a1, b1, a2, b2)
    if miny > maxy or (minx > maxx and crs.srid != 4326):
        raise BadRequest("Paramètre bbox : le coin bas-gauche doit précéder le coin haut-droit.")
    if crs.srid == 4326:
        minx, maxx = normalise_longitudes(minx, maxx)
        miny, maxy = max(miny, -90.0), min(maxy, 90.0)
        if miny > maxy:  # entirely beyond a pole: clamped onto it
            miny = maxy = 90.0 if miny >= 90 else -90.0
    return Bbox(minx, miny, maxx, maxy, crs)


def _wrap(lon: float) -> float:
    """`lon` brought into [-180, 180) (180 itself is kept: it is a valid east edge)."""
    if -180.0 <= lon <= 180.0:
        return lon
    return (lon + 180.0) % 360.0 - 180.0


def normalise_longitudes(west: float, east: float) -> tuple[float, float]:
    """The west and east edges of a CRS84 box, any longitudes accepted.

    Web maps send boxes beyond ±180° at small zooms or past the antimeridian. A box 360° wide or
    more is the whole world; otherwise both edges are wrapped into [-180, 180], and a box that then
    crosses the antimeridian keeps west > east (OGC API – Features Part 1).
    """
    if west <= east and east - west >= 360.0:
        return -180.0, 180.0
    if west > east:  # already crossing, as the standard writes it
        west, east = _wrap(west), _wrap(east)
        return (-180.0, 180.0) if west <= east else (west, east)
    shift = 360.0 * math.floor((west + 180.0) / 360.0)
    west, east = west - shift, east - shift
    if east > 180.0:
        east -= 360.0  # crosses the antimeridian: west > east
    return west, east


def _instant(text: str, end: bool) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:  # a date: the whole day
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day + timedelta(days=1) - timedelta(microseconds=1) if end else day
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"Paramètre datetime : date RFC 3339 attendue, reçu {text[:40]!r}."
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_datetime(value: str | None) -> tuple[datetime | None, datetime | None] | None:
    """`datetime` as (start, end), either open.

    An instant, a date (the whole day), or an interval `start/end` with `..` or nothing for an open
    end.
    """
    if value is None:
        return None
    if "/" in value:
        start_text, _, end_text = value.partition("/")
        if "/" in end_text or (start_text in ("", "..") and end_text in ("", "..")):
            raise BadRequest("Paramètre datetime : intervalle invalide.")
    else:
        start_text = end_text = value
    start, end = _instant(start_text, end=False), _instant(end_text, end=True)
    if start and end and start > end:
        raise BadRequest("Paramètre datetime : le début suit la fin.")
    return start, end


def parse_scalar(collection: Collection, name: str, raw: str) -> object:
    """A property filter value converted to the queryable's type (400 when it does not fit)."""
    prop = collection.prop(name)
    assert prop is not None
    try:
        if prop.type == "integer":
            value = int(raw)
            if not -(2**31) <= value < 2**31:  # PostgreSQL integer
                raise ValueError
            return value
        if prop.type == "date-time":
            return datetime.fromisoformat(raw)
        if prop.type == "boolean":
            if raw not in ("true", "false"):
                raise ValueError
            return raw == "true"
        if prop.type == "number":
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError
            return value
    except ValueError:
        raise BadRequest(f"Filtre {name} : {prop.type} attendu, reçu {raw[:40]!r}.") from None
    if prop.enum and raw not in prop.enum:
        raise BadRequest(f"Filtre {name} : valeur parmi {', '.join(prop.enum)} attendue.")
    return raw


def parse_items_query(
    collection: Collection,
    args: Mapping[str, Sequence[str]],
    *,
    default_limit: int,
    max_limit: int,
) -> ItemQuery:
    """Validate every parameter of an items request against `collection`."""
    equals: dict[str, object] = {}
    for name in args:
        if name in ITEMS_PARAMETERS:
            continue
        prop = collection.prop(name)
        if prop is None or not prop.queryable:
            raise BadRequest(
                f"Paramètre inconnu pour la collection {collection.id} : {name[:60]!r}. "
                "Voir /queryables pour les propriétés filtrables."
            )
        value = single(args, name)
        equals[name] = parse_scalar(collection, name, value or "")
    fmt = single(args, "f") or "json"
    if fmt not in FORMATS:
        raise BadRequest(f"Paramètre f : valeur parmi {', '.join(FORMATS)} attendue.")
    lang = single(args, "filter-lang")
    if lang not in (None, "cql2-text"):
        raise BadRequest("Paramètre filter-lang : seul cql2-text est pris en charge.")
    cql = single(args, "filter")
    profile = single(args, "profile")
    if profile not in (None, *PROFILES):
        raise BadRequest(f"Paramètre profile : valeur parmi {', '.join(PROFILES)} attendue.")
    language = single(args, "lang") or "fr"
    if language not in LANGS:
        raise BadRequest(f"Paramètre lang : valeur parmi {', '.join(LANGS)} attendue.")
    return ItemQuery(
        limit=parse_int(single(args, "limit"), "limit", default_limit, 1, max_limit),
        offset=parse_int(single(args, "offset"), "offset", 0, 0, MAX_OFFSET),
        bbox=parse_bbox(single(args, "bbox"), parse_crs(single(args, "bbox-crs"), "bbox-crs")),
        crs=parse_crs(single(args, "crs")),
        equals=equals,
        cql=cql if cql and cql.strip() else None,
        filter_crs=parse_crs(single(args, "filter-crs"), "filter-crs"),
        format=fmt,
        period=parse_datetime(single(args, "datetime")),
        profile=profile,
        properties=parse_properties(collection, single(args, "properties")),
        lang=language,
    )


def parse_properties(collection: Collection, value: str | None) -> tuple[str, ...] | None:
    """`properties=a,b`: the selected properties (OGC API – Features Part 6).

    Each one of the collection's (400 otherwise); an empty value selects none.
    """
    if value is None:
        return None
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    for name in names:
        if collection.prop(name) is None:
            raise BadRequest(
                f"Paramètre properties : propriété inconnue de {collection.id} : "
                f"{name[:_NAME_MAX]!r}. Voir /schema pour la liste."
            )
    return names
