"""Open a cooperation file: check its type (extension + magic bytes), read it as records.

Tabular files (CSV, XLSX) give rows of strings; vector files (GeoJSON, GeoPackage, zipped
Shapefile) also give each feature's point or polygon, reprojected to EPSG:4326 from the CRS
the file declares (a file without CRS is refused).
"""

from __future__ import annotations

import codecs
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from geocoop.errors import IngestError
from geocoop.ingest.tabular import NUL_REASON, Table, open_csv, read_csv
from geocoop.ingest.tabular_xlsx import open_xlsx, read_xlsx
from geocoop.ingest.xlsx_guard import XlsxLimits, check_zip_members

TABULAR = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
VECTOR = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shapefile"}
_MAGIC = {"xlsx": b"PK\x03\x04", "shapefile": b"PK\x03\x04", "gpkg": b"SQLite format 3\x00"}


@dataclass
class Records:
    """Rows read from a file; `geometries[i]` is (point (lat, lon) | None, polygon WKT | None)."""

    table: Table
    geometries: list[tuple[tuple[float, float] | None, str | None]] = field(default_factory=list)
    fmt: str = "csv"


def sniff_format(path: Path, file_name: str) -> str:
    """The file's format, refusing unknown extensions, empty files and mismatched content."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".xls":
        raise IngestError(
            f"{file_name} : format Excel 97 (.xls) non pris en charge, "
            "enregistrez-le en .xlsx ou .csv."
        )
    fmt = TABULAR.get(suffix) or VECTOR.get(suffix)
    if fmt is None:
        raise IngestError(
            f"{file_name} : extension « {suffix or '(aucune)'} » non prise en "
            "charge (csv, tsv, txt, xlsx, geojson, json, gpkg, zip de shapefile)."
        )
    with open(path, "rb") as handle:
        head = handle.read(4096)
        blank = not head.strip()
        while blank and (chunk := handle.read(1 << 20)):  # blank lines first, then data
            blank = not chunk.strip()
    if blank:
        raise IngestError(f"{file_name} : fichier vide.")
    magic = _MAGIC.get(fmt)
    if magic and not head.startswith(magic):
        raise IngestError(
            f"{file_name} : le contenu n'est pas un fichier {fmt.upper()} (signature absente)."
        )
    if fmt in ("csv", "geojson"):
        utf16 = fmt == "csv" and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if b"\x00" in head and not utf16:
            raise IngestError(f"{file_name} : fichier binaire, pas un texte {fmt.upper()}.")
        if fmt == "geojson" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise IngestError(
                f"{file_name} : ce n'est pas un document GeoJSON (objet JSON attendu)."
            )
    return fmt


def read_records(
    path: Path, file_name: str, *, stream: bool = False, xlsx_limits: XlsxLimits | None = None
) -> Records:
    """Read any supported cooperation file; with `stream`.

    A CSV or XLSX file's rows are read from disk at each iteration instead of being held in
    memory (an XLSX's from the spool written by its one pass of openpyxl); vector formats are
    read whole. `xlsx_limits` bound a workbook (default: xlsx_guard's).
    """
    fmt = sniff_format(path, file_name)
    if fmt == "csv":
        return Records((open_csv if stream else read_csv)(path, file_name), fmt=fmt)
    if fmt == "xlsx":
        reader = open_xlsx if stream else read_xlsx
        return Records(reader(path, file_name, limits=xlsx_limits), fmt=fmt)
    return _read_vector(path, file_name, fmt)


def _value_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _repaired(geom):
    """`geom` made valid, or None when GEOS cannot repair it.

    bench_fuzz found rings of tiny and huge coordinates whose overlay GEOS calls
    « mixed-dimension » (a GEOSException, so a 500): the other method is tried.
    """
    import numpy as np
    from shapely import make_valid
    from shapely.errors import GEOSException

    with np.errstate(all="ignore"):  # such coordinates also divide by zero inside GEOS
        for options in ({}, {"method": "structure", "keep_collapsed": False}):
            try:
                return make_valid(geom, **options)
            except GEOSException:
                continue
    return None


def _polygonal_wkt(geom) -> str | None:
    """WKT of the polygonal part of `geom`, repaired; None when nothing of area remains."""
    from shapely.geometry import MultiPolygon, Polygon

    if not geom.is_valid:
        geom = _repaired(geom)
        if geom is None:
            return None
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    # Empty interior rings survive make_valid but PostGIS refuses their WKT: drop them.
    polygons = [
        Polygon(p.exterior, [r for r in p.interiors if not r.is_empty])
        for g in parts
        for p in getattr(g, "geoms", [g])
        if p.area > 0
    ]
    if not polygons:
        return None
    return MultiPolygon(polygons).wkt if len(polygons) > 1 else polygons[0].wkt


def _check_zip(path: Path, file_name: str) -> None:
    """Bound a zipped shapefile by its central directory before GDAL inflates it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            check_zip_members(archive, file_name)
    except zipfile.BadZipFile:
        raise IngestError(f"{file_name} : archive zip illisible.") from None


def _single_layer(layers, file_name: str, fmt: str) -> None:
    """Refuse a file of several layers, or of none.

    Refuse a file of several layers (reading only the first would drop rows silently),
    or of none.
    """
    if len(layers) == 0:
        raise IngestError(f"{file_name} : fichier {fmt} illisible (aucune couche).")
    if len(layers) > 1:
        names = ", ".join(f"« {name} »" for name, _kind in layers[:20])
        raise IngestError(
            f"{file_name} : {len(layers)} couches ({names}) ; un import lit une seule "
            "couche : envoyez un fichier par couche."
        )


def _read_vector(path: Path, file_name: str, fmt: str) -> Records:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError
    from shapely import get_type_id
    from shapely.errors import GEOSException

    source = f"/vsizip/{path}" if fmt == "shapefile" else str(path)
    if fmt == "shapefile":
        _check_zip(path, file_name)
    try:
        # GDAL's warnings (unsupported geometry types…) belong in the report, not stderr.
        with warnings.catch_warnings(record=True) as gdal_warnings:
            warnings.simplefilter("always")
            _single_layer(pyogrio.list_layers(source), file_name, fmt)
            frame = pyogrio.read_dataframe(source)
    except (DataSourceError, DataLayerError, ValueError, GEOSException) as exc:
        # GDAL names the server's temporary file: show the client's file name instead.
        detail = str(exc).replace(source, file_name).replace(str(path), file_name)
        raise IngestError(f"{file_name} : fichier {fmt} illisible ({detail[:200]}).") from None
    has_geometry = "geometry" in frame.columns and any(g is not None for g in frame.geometry)
    if has_geometry:
        if frame.crs is None:
            raise IngestError(
                f"{file_name} : aucun système de coordonnées (CRS) déclaré ; "
                "impossible de placer les entités."
            )
        frame = frame.to_crs(4326)
    columns = [str(c) for c in frame.columns if c != "geometry"]
    if any("\x00" in c for c in columns):
        raise IngestError(f"{file_name} : caractère NUL (octet 0) dans un nom de champ.")
    table = Table(columns=list(columns), encoding=fmt)
    for message in dict.fromkeys(str(w.message) for w in gdal_warnings):
        table.warnings.append(f"{file_name} : GDAL : {message}")
    records = Records(table, fmt=fmt)
    polygon_types = {3, 6}  # Polygon, MultiPolygon
    others = degenerate = 0
    geometries = list(frame.geometry) if has_geometry else [None] * len(frame)
    for number, (values, geom) in enumerate(
        zip(frame[columns].to_dict("records"), geometries, strict=True), start=1
    ):
        values = {c: _value_text(v) for c, v in values.items()}
        if any("\x00" in v for v in values.values()):
            cleaned = {c: v.replace("\x00", "") for c, v in values.items()}
            table.bad_rows.append((number, cleaned, NUL_REASON))
            continue
        point = polygon = None
        if geom is not None and not geom.is_empty:
            kind = int(get_type_id(geom))
            if kind == 0:
                point = (geom.y, geom.x)
            elif kind in polygon_types:
                polygon = _polygonal_wkt(geom)
                degenerate += polygon is None
            else:
                others += 1
        table.rows.append((number, values))
        records.geometries.append((point, polygon))
    if degenerate:
        table.warnings.append(
            f"{file_name} : {degenerate} polygone(s) dégénéré(s) (aire nulle, même réparés) "
            "ignorés ; entités placées par leurs attributs ou rejetées."
        )
    if others:
        table.warnings.append(
            f"{file_name} : {others} entité(s) ni point ni polygone ; "
            "placées par leurs attributs (commune, code INSEE)."
        )
    return records
