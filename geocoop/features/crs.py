"""The coordinate reference systems the API speaks (OGC API – Features Part 2)."""

from __future__ import annotations

from dataclasses import dataclass

from geocoop.errors import BadRequest


@dataclass(frozen=True)
class Crs:
    """A CRS the API accepts: its URI, PostGIS SRID and whether its first axis is latitude."""

    uri: str
    srid: int
    lat_first: bool = False
    label: str = ""


CRS84 = Crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, False, "WGS 84 (lon, lat)")
EPSG4326 = Crs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True, "WGS 84 (lat, lon)")
EPSG2154 = Crs("http://www.opengis.net/def/crs/EPSG/0/2154", 2154, False, "RGF93 / Lambert-93")
EPSG3857 = Crs("http://www.opengis.net/def/crs/EPSG/0/3857", 3857, False, "Web Mercator")

SUPPORTED = (CRS84, EPSG4326, EPSG2154, EPSG3857)
_BY_URI = {c.uri: c for c in SUPPORTED}
# Short spellings clients use in practice (uMap, scripts); the canonical form is the URI.
_ALIASES = {
    "CRS84": CRS84,
    "OGC:CRS84": CRS84,
    "EPSG:4326": EPSG4326,
    "EPSG:2154": EPSG2154,
    "EPSG:3857": EPSG3857,
    "urn:ogc:def:crs:OGC:1.3:CRS84": CRS84,
    "urn:ogc:def:crs:EPSG::4326": EPSG4326,
    "urn:ogc:def:crs:EPSG::2154": EPSG2154,
    "urn:ogc:def:crs:EPSG::3857": EPSG3857,
}
# Precision of output coordinates: ~1 cm in degrees or metres is plenty for boundaries.
DECIMALS = {4326: 7, 2154: 2, 3857: 2}


def parse_crs(value: str | None, parameter: str = "crs") -> Crs:
    """The Crs named by a `crs`/`bbox-crs` value (URI, optionally in <>); CRS84 when absent."""
    if value is None or value == "":
        return CRS84
    key = value.strip()
    if key.startswith("<") and key.endswith(">"):
        key = key[1:-1]
    found = _BY_URI.get(key) or _ALIASES.get(key)
    if found is None:
        raise BadRequest(
            f"Paramètre {parameter} : système de coordonnées non pris en charge ({value[:80]!r}). "
            f"Acceptés : {', '.join(c.uri for c in SUPPORTED)}."
        )
    return found
